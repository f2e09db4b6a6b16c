"""Links that grant access are made when a message is sent, never stored.

The outbox keeps what the link opens (``link_kind``, ``link_object_id``) and
a placeholder where it goes; the sender makes the link at each attempt, the
same link each time (notifications/links.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from notifications import links
from notifications.models import Kind, Message
from notifications.services import message_send_batch
from tests import factories

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def ask_reset(client, email: str, capture) -> Message:
    with capture(execute=True):
        page = client.post(reverse("password_reset"), {"email": email})
    assert page.status_code == 302
    return Message.objects.get(kind=Kind.PASSWORD_RESET, to_email=email)


def test_a_reset_is_stored_without_its_link_and_the_e_mail_resets(
    client, django_capture_on_commit_callbacks
):
    """Nothing stored (body, HTML, key, subject) holds the token; the link in
    the e-mail sets a new password."""
    user = factories.UserFactory(email="forgetful@example.org")
    message = ask_reset(client, user.email, django_capture_on_commit_callbacks)
    stored = " ".join(
        [message.body_text, message.body_html, message.idempotency_key, message.subject]
    )
    assert "/accounts/reset/" not in stored
    assert str(links.PLACEHOLDER) in message.body_text
    assert message.idempotency_key.endswith(
        f"reset:{user.pk}:{int(message.created_at.timestamp()) // 60}"
    )
    (sent,) = mail.outbox
    path = RESET_LINK.search(sent.body).group(1)
    assert 'href="http://' in sent.alternatives[0][0]
    form = client.get(path, follow=True)
    new = "a-fresh-and-long-passphrase"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_asking_twice_in_a_minute_writes_one_message(
    client, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="forgetful@example.org")
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        for _ in range(2):
            ask_reset(
                client, "forgetful@example.org", django_capture_on_commit_callbacks
            )
    assert Message.objects.filter(kind=Kind.PASSWORD_RESET).count() == 1
    assert len(mail.outbox) == 1


def test_a_repeated_reset_e_mail_is_the_same_e_mail(
    client, django_capture_on_commit_callbacks
):
    """The duplicate a killed worker can cause: same Message-ID, same link,
    and that link works."""
    user = factories.UserFactory(email="forgetful@example.org")
    message = ask_reset(client, user.email, django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(minutes=40)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    with time_machine.travel(later, tick=False):
        message_send_batch(message_ids=[message.pk])
    first, again = mail.outbox
    assert again.extra_headers["Message-ID"] == first.extra_headers["Message-ID"]
    assert RESET_LINK.search(again.body).group(1) == RESET_LINK.search(
        first.body
    ).group(1)


def test_a_reset_that_would_arrive_expired_is_not_sent(
    client, settings, django_capture_on_commit_callbacks
):
    """After a day in the outbox (a long outage) the link would be dead on
    arrival: the message is marked failed with the reason instead."""
    user = factories.UserFactory(email="forgetful@example.org")
    with django_capture_on_commit_callbacks():  # written, not sent
        client.post(reverse("password_reset"), {"email": user.email})
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    a_day_later = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    with time_machine.travel(a_day_later, tick=False):
        result = message_send_batch(message_ids=[message.pk])
    assert result.failed == [message.pk] and mail.outbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert str(links.RESET_EXPIRED) in message.last_error


def test_a_reset_for_an_address_changed_since_is_not_sent(
    client, django_capture_on_commit_callbacks
):
    """The link would be for the account's new address: it never goes to the
    old one."""
    user = factories.UserFactory(email="old@example.org")
    with django_capture_on_commit_callbacks():
        client.post(reverse("password_reset"), {"email": user.email})
    user.email = "new@example.org"
    user.save()
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    assert message_send_batch(message_ids=[message.pk]).failed == [message.pk]
    assert mail.outbox == []


def test_a_confirmation_link_is_made_at_sending_for_the_address_it_goes_to(
    django_capture_on_commit_callbacks,
):
    """Repeated sends carry the same link; it confirms only the address the
    e-mail went to."""
    user = factories.UserFactory(email_confirmed_at=None)
    with django_capture_on_commit_callbacks():
        message = application_services.email_confirmation_send(user=user)
    assert "/apply/confirm/" not in message.body_text + message.idempotency_key
    message_send_batch(message_ids=[message.pk])
    Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    message_send_batch(message_ids=[message.pk])
    first, again = (m.body for m in mail.outbox)
    token = re.search(r"/apply/confirm/([^/\s]+)/", first).group(1)
    assert token in again
    assert application_services.email_confirm(token=token) == user


def test_a_message_with_an_unknown_link_kind_is_refused_when_written():
    with pytest.raises(ValueError):
        from notifications.services import message_enqueue

        message_enqueue(
            kind=Kind.GENERAL,
            to_email="x@example.org",
            subject="x",
            template="notifications_notice",
            context={},
            key="x",
            link_kind="no-such-kind",
            link_object_id=1,
        )


# --- the migration that removed the links already stored ------------------------


def migration():
    return importlib.import_module("notifications.migrations.0003_stored_links_removed")


def legacy(kind, status, body, key, recipient=None, to_email="old@example.org"):
    return Message.objects.create(
        kind=kind,
        recipient=recipient,
        to_email=to_email,
        subject="Legacy",
        body_text=body,
        body_html=f'<p><a href="{body.split()[-1]}">open</a></p>',
        idempotency_key=key,
        status=status,
    )


def test_links_stored_before_are_removed_and_unsent_ones_made_at_sending(
    client, django_capture_on_commit_callbacks
):
    """Sent messages lose their link; a message still waiting gets the
    placeholder and the reference, and goes out with a fresh working link; a
    reset key loses its token; every row keeps its earlier Message-ID."""
    user = factories.UserFactory(email="old@example.org")
    sent = legacy(
        Kind.PASSWORD_RESET,
        Message.Status.SENT,
        "Open http://127.0.0.1:8000/accounts/reset/MQ/dj3aaa-0123456789abcdef/",
        "password_reset:old@example.org:reset:MQ:dj3aaa-0123456789abcdef",
        recipient=user,
    )
    waiting = legacy(
        Kind.PASSWORD_RESET,
        Message.Status.PENDING,
        "Open http://127.0.0.1:8000/accounts/reset/MQ/dj3bbb-fedcba9876543210/",
        "password_reset:old@example.org:reset:MQ:dj3bbb-fedcba9876543210",
        recipient=user,
    )
    orphan = legacy(
        Kind.SURVEY_INVITATION,
        Message.Status.QUEUED,
        "Answer http://127.0.0.1:8000/surveys/answer/abcDEF123_-xyz/",
        "survey_invitation:old@example.org:survey:999999",
    )
    before_key = waiting.idempotency_key
    migration().forwards(apps, None)

    sent.refresh_from_db()
    assert "/accounts/reset/" not in sent.body_text + sent.body_html
    assert "dj3aaa" not in sent.idempotency_key
    assert sent.message_id_header == migration()._legacy_message_id(
        sent.pk, "password_reset:old@example.org:reset:MQ:dj3aaa-0123456789abcdef"
    )
    waiting.refresh_from_db()
    assert waiting.link_kind == links.PASSWORD_RESET
    assert waiting.link_object_id == user.pk
    assert "dj3bbb" not in waiting.body_text + waiting.idempotency_key
    assert waiting.message_id_header == migration()._legacy_message_id(
        waiting.pk, before_key
    )
    orphan.refresh_from_db()
    assert orphan.status == Message.Status.FAILED
    assert "/surveys/answer/" not in orphan.body_text

    message_send_batch(message_ids=[waiting.pk])
    (email,) = mail.outbox
    assert email.extra_headers["Message-ID"] == waiting.message_id_header
    path = RESET_LINK.search(email.body).group(1)
    assert "set-password" in client.get(path, follow=True).redirect_chain[-1][0]
