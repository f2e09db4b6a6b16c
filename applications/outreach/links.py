"""The personal links of this package's e-mails, made when they are sent.

A link that confirms a question's address, or opens a webinar registration
(its confirmation, its calendar file and the join link), lets whoever holds it
act for the person it was sent to, so it is never stored: the message keeps
the question or registration it opens (``notifications/links.py``). Each is
made the same way at every attempt: the confirmation as of the moment its
message was written (valid for a week from then), the registration link from
the registration and its address alone.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from notifications import links

QUESTION_CONFIRM = "outreach_question_confirm"
REGISTRATION = "outreach_registration"

QUESTION_SALT = "applications.outreach.question-confirm"
REGISTRATION_SALT = "applications.outreach.registration"
QUESTION_CONFIRM_MAX_AGE = 60 * 60 * 24 * 7  # a week
QUESTION_CONFIRM_DAYS = 7

GONE = "the question or registration is gone or has another address"


def question_token(question, *, at=None) -> str:
    payload = {"q": question.pk, "e": question.email.lower()}
    if at is None:
        return signing.dumps(payload, salt=QUESTION_SALT)
    return links.dumps_at(payload, salt=QUESTION_SALT, at=at)


def question_confirm_link(message) -> str:
    from .models import AskedQuestion

    question = AskedQuestion.objects.filter(pk=message.link_object_id).first()
    if question is None or question.email.lower() != message.to_email.lower():
        raise links.LinkUnavailable(links.LINK_GONE.format(reason=GONE))
    token = question_token(question, at=message.created_at)
    return links.absolute(reverse("applications:question-confirm", args=[token]))


def registration_token(registration) -> str:
    """The registration's own token: the same whenever it is made."""
    return signing.dumps(
        {"r": registration.pk, "e": registration.email.lower()},
        salt=REGISTRATION_SALT,
    )


def registration_path(registration) -> str:
    return reverse(
        "applications:webinar-registration", args=[registration_token(registration)]
    )


def registration_link(message) -> str:
    from .models import WebinarRegistration

    registration = WebinarRegistration.objects.filter(pk=message.link_object_id).first()
    if registration is None or registration.email != message.to_email.lower():
        raise links.LinkUnavailable(links.LINK_GONE.format(reason=GONE))
    return links.absolute(registration_path(registration))


def register() -> None:
    links.register(QUESTION_CONFIRM, question_confirm_link)
    links.register(REGISTRATION, registration_link)
