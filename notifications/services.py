"""The outbox: every e-mail is a row first, written in the caller's transaction.

``message_enqueue`` is the one way any part of the portal sends an e-mail. The
row is unique on its idempotency key, so the same message cannot exist twice;
the send is queued only after the transaction commits, so a rolled-back request
sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ESSENTIAL_KINDS, Message, Preference


def idempotency_key(kind: str, to_email: str, subject_key: str) -> str:
    """The key of (kind, recipient, what the message is about)."""
    return f"{kind}:{to_email.lower()}:{subject_key}"[:255]


def wants(user, kind: str) -> bool:
    if kind in ESSENTIAL_KINDS or user is None:
        return True
    return not Preference.objects.filter(user=user, kind=kind, enabled=False).exists()


def message_enqueue(
    *,
    kind: str,
    to_email: str,
    subject: str,
    template: str,
    context: dict,
    key: str,
    recipient=None,
) -> Message:
    """Write the message row (or return the existing one with the same key).

    ``template`` names ``templates/emails/<template>.txt`` and, if present,
    ``.html``; both get ``context`` plus ``recipient`` and ``site_url``.
    ``key`` says what the message is about (e.g. ``"survey:12"``): with the
    kind and the address it makes the idempotency key.
    """
    full_key = idempotency_key(kind, to_email, key)
    existing = Message.objects.filter(idempotency_key=full_key).first()
    if existing is not None:
        return existing
    ctx = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
    body_text = render_to_string(f"emails/{template}.txt", ctx)
    try:
        body_html = render_to_string(f"emails/{template}.html", ctx)
    except Exception:  # the HTML part is optional
        body_html = ""
    status = (
        Message.Status.PENDING if wants(recipient, kind) else Message.Status.SUPPRESSED
    )
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind,
                recipient=recipient,
                to_email=to_email,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                idempotency_key=full_key,
                status=status,
            )
    except IntegrityError:
        return Message.objects.get(idempotency_key=full_key)
    if status == Message.Status.PENDING:
        transaction.on_commit(lambda: _queue(message.pk))
    return message


def _queue(message_id: int) -> None:
    from .tasks import message_send_task

    message_send_task.delay(message_id)


def message_send(*, message_id: int) -> Message | None:
    """Send one pending message once; a row already sent is left alone."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status in (
            Message.Status.SENT,
            Message.Status.SUPPRESSED,
        ):
            return message
        message.status = Message.Status.SENDING
        message.sending_started_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sending_started_at", "attempts"])
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.to_email],
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    message.refresh_from_db()
    return message
