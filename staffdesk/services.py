"""Every write of the staff workspace: mailings, templates, the review calendar."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.services import audit_record
from dashmentor.templatetags.dates import format_when, format_when_lazy
from notifications.models import Kind, Message, Preference
from notifications.services import Outgoing, message_enqueue, message_enqueue_bulk

from . import audiences, rules
from .models import Mailing, MailingRecipient, MailingTemplate, ReviewSchedule

NO_AUDIENCE = _("Choose at least one audience.")
UNKNOWN_AUDIENCE = _("One of the audiences chosen no longer exists; choose again.")
EMPTY_AUDIENCE = _(
    "Nobody is in the audience chosen, so there is no one to write to. "
    "Choose another audience."
)
TOO_MANY = _(
    "The audience has {count:,} people; one message goes to {limit:,} at most."
)
NO_SUBJECT = _("Write a subject.")
NO_BODY = _("Write the message.")
RECIPIENTS_MAX = 5_000
TEST_PREFIX = _("[Test] ")
REMINDER_DAYS_INVALID = _("Give whole numbers of days between 1 and 60, e.g. 7, 2.")


def _check(*, subject: str, body: str, audience_keys: list[str], now=None):
    """The people of the audiences and the audiences, or ValidationError."""
    if not audience_keys:
        raise ValidationError(NO_AUDIENCE, code="audience")
    problems = []
    if not subject.strip():
        problems.append(NO_SUBJECT)
    if not body.strip():
        problems.append(NO_BODY)
    problems += rules.check_size(subject, body)
    people, chosen, duplicates = audiences.people_for(audience_keys, now=now)
    if len(chosen) != len(set(audience_keys)):
        problems.append(UNKNOWN_AUDIENCE)
    problems += rules.check_fields(
        subject, body, offered={a.label: a.fields for a in chosen}
    )
    if problems:
        raise ValidationError(problems)
    if not people:
        raise ValidationError(EMPTY_AUDIENCE, code="empty")
    if len(people) > RECIPIENTS_MAX:
        raise ValidationError(
            TOO_MANY.format(count=len(people), limit=RECIPIENTS_MAX), code="size"
        )
    return people, chosen, duplicates


def mailing_preview(*, subject: str, body: str, audience_keys: list[str], now=None):
    """Check a message as it would be sent: its people and audiences, or
    ValidationError. Writes nothing."""
    return _check(subject=subject, body=body, audience_keys=audience_keys, now=now)


def opted_out_count(people) -> int:
    """How many of ``people`` turned off messages from the program office."""
    user_ids = [p.user.pk for p in people if p.user is not None]
    return Preference.objects.filter(
        user_id__in=user_ids, kind=Kind.PROGRAM_MESSAGE, enabled=False
    ).count()


def merged(person, subject: str, body: str) -> tuple[str, str]:
    """One person's subject and text."""
    subject = " ".join(rules.merge(subject, person.values).split())
    return subject, rules.merge(body, person.values)


@transaction.atomic
def mailing_send(
    *,
    subject: str,
    body: str,
    audience_keys: list[str],
    form_token: str,
    by,
    template: MailingTemplate | None = None,
    now=None,
) -> tuple[Mailing, bool]:
    """Write a mailing and one outbox message per person of its audiences.

    Each address gets one e-mail even when several audiences name it; people
    who turned off messages from the program office are skipped (their row
    is kept, suppressed) and counted. The same form posted twice writes one
    mailing: the second call returns the first one. Return the mailing and
    whether it was written now.
    """
    existing = Mailing.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing, False
    people, chosen, duplicates = _check(
        subject=subject, body=body, audience_keys=audience_keys, now=now
    )
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                subject=subject.strip(),
                body=body,
                audience_keys=list(dict.fromkeys(audience_keys)),
                audience_label="; ".join(a.label for a in chosen)[:500],
                template=template,
                form_token=form_token,
                sent_by=by,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        return Mailing.objects.get(form_token=form_token), False
    written = _messages_write(mailing, people, body)
    _recipients_record(mailing, people, written, duplicates)
    audit_record(
        actor=by,
        action="mailing.send",
        target=mailing,
        after={
            "subject": mailing.subject,
            "audience": mailing.audience_label,
            "recipients": mailing.recipients_count,
            "skipped": mailing.skipped_count,
        },
    )
    return mailing, True


def _messages_write(mailing: Mailing, people, body: str) -> dict[str, Message]:
    """One outbox row per person, merged; return the rows by lower-cased address."""
    outgoing = []
    for person in people:
        person_subject, person_body = merged(person, mailing.subject, body)
        outgoing.append(
            Outgoing(
                to_email=person.email,
                subject=person_subject,
                body=person_body,
                recipient=person.user,
            )
        )
    return message_enqueue_bulk(
        kind=Kind.PROGRAM_MESSAGE, key=f"mailing:{mailing.pk}", messages=outgoing
    )


def _recipients_record(
    mailing: Mailing, people, written: dict[str, Message], duplicates: int
) -> None:
    """A recipient row per person with its message, and the mailing's counts."""
    rows = [
        MailingRecipient(
            mailing=mailing,
            user=person.user,
            email=person.email,
            name=person.name[:200],
            audience=person.audience[:200],
            message=written.get(person.email.strip().lower()),
        )
        for person in people
    ]
    MailingRecipient.objects.bulk_create(rows, batch_size=500)
    mailing.recipients_count = len(rows)
    mailing.skipped_count = sum(
        1 for r in rows if r.message and r.message.status == Message.Status.SUPPRESSED
    )
    mailing.duplicates_count = duplicates
    mailing.save(
        update_fields=["recipients_count", "skipped_count", "duplicates_count"]
    )


def mailing_test_send(
    *, subject: str, body: str, audience_keys: list[str], by, person_email: str = ""
) -> Message:
    """Send the message to ``by`` alone, as the person ``person_email`` of the
    audience (the first one by default) would read it."""
    people, _chosen, _dup = _check(
        subject=subject, body=body, audience_keys=audience_keys
    )
    person = next(
        (p for p in people if p.email.lower() == person_email.strip().lower()),
        people[0],
    )
    person_subject, person_body = merged(person, subject, body)
    with transaction.atomic():
        return message_enqueue(
            kind=Kind.GENERAL,
            to_email=by.email,
            subject=partial(_test_subject, person_subject),
            template="notifications_written",
            context={"body": person_body.strip()},
            key=f"mailing-test:{uuid.uuid4().hex}",
            recipient=by,
        )


def _test_subject(subject: str) -> str:
    """A test copy's subject, in its reader's language."""
    return str(TEST_PREFIX) + subject


def _review_due_subject(round_, due_on) -> str:
    """The review reminder's subject, in its reader's language."""
    return gettext("%(round)s: your reviews are due %(date)s") % {
        "round": round_.name,
        "date": format_when(due_on, "date") if due_on else "",
    }


def template_save(
    *,
    name: str,
    subject: str,
    body: str,
    by,
    template: MailingTemplate | None = None,
) -> MailingTemplate:
    """Create or change a saved message; saved back unchanged, nothing is written."""
    problems = rules.check_fields(subject, body) + rules.check_size(subject, body)
    if problems:
        raise ValidationError(problems)
    if template is None:
        template = MailingTemplate(created_by=by)
    elif (template.name, template.subject, template.body) == (name, subject, body):
        return template
    template.name, template.subject, template.body = name, subject, body
    template.save()
    return template


def template_delete(*, template: MailingTemplate, by) -> None:
    audit_record(
        actor=by,
        action="mailing_template.delete",
        target=template,
        before={"name": template.name},
    )
    template.delete()


def review_schedule_set(
    *, round_, reviews_due_on: dt.date, reminder_days: list[int], by
) -> ReviewSchedule:
    """Set when the round's reviews are due and when reviewers are reminded."""
    days = sorted(set(reminder_days), reverse=True)
    if any(d < 1 or d > 60 for d in days):
        raise ValidationError(REMINDER_DAYS_INVALID)
    schedule = ReviewSchedule.objects.filter(round=round_).first()
    before = (
        {
            "reviews_due_on": schedule.reviews_due_on.isoformat(),
            "reminder_days": schedule.reminder_days,
        }
        if schedule
        else {}
    )
    after = {"reviews_due_on": reviews_due_on.isoformat(), "reminder_days": days}
    if before == after:
        return schedule
    with transaction.atomic():
        schedule, _ = ReviewSchedule.objects.update_or_create(
            round=round_,
            defaults={"reviews_due_on": reviews_due_on, "reminder_days": days},
        )
        audit_record(
            actor=by,
            action="review_schedule.set",
            target=round_,
            before=before,
            after=after,
        )
    return schedule


def review_reminders_send(*, now=None) -> int:
    """Remind reviewers of their unfinished reviews before the due date.

    For each round with a review calendar, the latest reminder day that has
    come (and the due day not yet past) is the one owed; each reviewer gets it
    once, under a key of the round, the due date and the day, so a second run
    (or two beats at once) writes nothing more. Return the reminders written.
    """
    now = now or timezone.now()
    written = 0
    for schedule in ReviewSchedule.objects.select_related("round"):
        today = timezone.localtime(now, schedule.round.zone).date()
        days_left = (schedule.reviews_due_on - today).days
        owed = [d for d in schedule.reminder_days if 0 <= days_left <= d]
        if not owed:
            continue
        day = min(owed)
        people = audiences.reviewers(
            round_id=schedule.round_id, late_only=False, now=now
        )
        with transaction.atomic():
            for person in people:
                message = message_enqueue(
                    kind=Kind.REVIEW_REMINDER,
                    to_email=person.email,
                    subject=partial(
                        _review_due_subject, schedule.round, person.values["due_on"]
                    ),
                    template="staffdesk_review_reminder",
                    context={
                        "round": schedule.round,
                        "due_date": format_when_lazy(schedule.reviews_due_on, "date"),
                        "days_left": days_left,
                        "open": person.values["reviews_open"],
                        "link": person.values["link"],
                    },
                    key=f"review-due:{schedule.round_id}:"
                    f"{schedule.reviews_due_on.isoformat()}:{day}",
                    recipient=person.user,
                )
                written += message.created_at >= now
    return written
