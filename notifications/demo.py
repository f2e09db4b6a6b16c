"""Demo outbox: the reminder rules, and a few messages of each fate for staff.

Who may read what messages say is the ``notifications.view_message_body``
permission: the demo grants it to the "Program office leads" group, which the
office lead (the superuser ``staff@dash.test``) belongs to; the program
associate (``program@dash.test``) sees each message's fate, not its text.

Idempotent: rules are found by (round, kind), messages by idempotency key and
the group by name.
"""

import datetime as dt
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from dashmentor.models import AuditEvent

from . import rules
from .models import Kind, Message, ReminderRule
from .services import _render, idempotency_key, message_id_for_key

BODY_READERS_GROUP = "Program office leads"


@contextmanager
def dated(moment: dt.datetime):
    """Date what the block records at ``moment``, a time in the past.

    The past round's history is made by the same services as today's work,
    which stamp their audit events and e-mails with the current time: after
    the block, the audit events and outbox messages it wrote are moved to
    ``moment``, and its e-mails count as sent then (those to the demo's
    invented addresses stay suppressed).
    """
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)
    last_message = Message.objects.order_by("-pk").values_list("pk", flat=True)
    event_floor = last_event.first() or 0
    message_floor = last_message.first() or 0
    yield
    AuditEvent.objects.filter(pk__gt=event_floor).update(created_at=moment)
    messages = Message.objects.filter(pk__gt=message_floor)
    messages.filter(to_email__endswith=INVENTED_DOMAIN).update(
        status=Message.Status.SUPPRESSED, last_error="demo data: not sent"
    )
    messages.exclude(status=Message.Status.SUPPRESSED).update(
        status=Message.Status.SENT, attempts=1, queued_at=moment, sent_at=moment
    )
    messages.update(created_at=moment)


# The demo's applicant organizations write from addresses that do not exist;
# nothing is ever sent to them.
INVENTED_DOMAIN = "@applicants.dash.test"


def seed_body_readers(ctx) -> Group:
    """The group that may read message text, with the office lead in it."""
    group, _ = Group.objects.get_or_create(name=BODY_READERS_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="notifications", codename="view_message_body"
        )
    )
    lead = ctx.users.get("staff")
    if lead is not None:
        lead.groups.add(group)
    return group


# The sample messages: (user key, kind, subject, status, last error).
SAMPLE_MESSAGES = [
    (
        "applicant",
        Kind.SUBMISSION_CONFIRMATION,
        "We received your application",
        Message.Status.SENT,
        "",
    ),
    (
        "applicant",
        Kind.DEADLINE_REMINDER,
        "Round closes in 7 days",
        Message.Status.SUPPRESSED,
        "",
    ),
    (
        "mentor",
        Kind.EVENT_REMINDER,
        "Reminder: cohort webinar tomorrow",
        Message.Status.SENT,
        "",
    ),
    (
        "reviewer",
        Kind.REVIEW_ASSIGNMENT,
        "Five applications to review",
        Message.Status.FAILED,
        "SMTPRecipientsRefused: {'reviewer': (550, b'5.1.1 Mailbox unavailable')}",
    ),
]


def seed(ctx) -> None:
    seed_body_readers(ctx)
    created_rules = _seed_rules(ctx)
    created_messages = _seed_sample_messages(ctx)
    ctx.log.append(
        f"notifications: {created_rules} reminder rule(s), "
        f"{created_messages} sample message(s) created"
    )


def _seed_rules(ctx) -> int:
    """The default reminder rules, and the open round's own deadline rule."""
    created_rules = 0
    for kind, offsets in rules.DEFAULT_OFFSETS.items():
        _rule, created = ReminderRule.objects.get_or_create(
            round=None, kind=kind, defaults={"offsets_days": offsets}
        )
        created_rules += created
    open_round = ctx.rounds.get("open")
    if open_round is not None:
        _rule, created = ReminderRule.objects.get_or_create(
            round=open_round,
            kind=Kind.DEADLINE_REMINDER,
            defaults={"offsets_days": [14, 7, 1]},
        )
        created_rules += created
    return created_rules


def _seed_sample_messages(ctx) -> int:
    """One outbox row of each sample message whose user exists."""
    now = timezone.now()
    created_messages = 0
    for n, (user_key, kind, subject, status, error) in enumerate(SAMPLE_MESSAGES):
        user = ctx.users.get(user_key)
        if user is None:
            continue
        key = idempotency_key(kind, user.email, f"demo:{n}")
        if Message.objects.filter(idempotency_key=key).exists():
            continue
        context = {
            "recipient": user,
            "site_url": "",
            "body": f"{subject}. (A sample message of the demo outbox.)",
            "essential": False,
        }
        body_text, body_html = _render("notifications_notice", context, user.zone)
        Message.objects.create(
            kind=kind,
            recipient=user,
            to_email=user.email,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            idempotency_key=key,
            message_id_header=message_id_for_key(key),
            status=status,
            attempts=8 if status == Message.Status.FAILED else 1,
            last_error=error,
            created_at=now - dt.timedelta(days=len(SAMPLE_MESSAGES) - n),
            sent_at=now if status == Message.Status.SENT else None,
        )
        created_messages += 1
    return created_messages
