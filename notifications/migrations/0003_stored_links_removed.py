"""Remove every access link stored in the outbox, and give each row a Message-ID.

Before, a message's body held its link (password reset, e-mail confirmation,
cohort invitation, survey) and a reset's idempotency key held its token. Now
links are made when a message is sent (``notifications/links.py``). For each
stored message:

- its ``Message-ID`` is kept as it was derived before (from its id and key),
  so a retry of a message written before this change carries the same one;
- a link in a message not sent yet becomes the placeholder, with the reference
  the sender makes a fresh link from; if that reference cannot be found the
  message is marked failed, with the reason, rather than sent without a link;
- a link in any other message (sent, failed, suppressed) is removed;
- a reset key's token is replaced by the row's id.

The URL shapes are those the portal had when these rows were written.
"""

import hashlib
import re

from django.conf import settings
from django.db import migrations

PLACEHOLDER = "[personal link, added when the e-mail is sent]"
REMOVED = "[link removed from the portal's copy]"
NO_REFERENCE = (
    "Written before links were made at sending, and what its link opened is "
    "gone: not sent. Ask the person to request a new one."
)

_HOST = r"(?:https?://[^\s\"'<>]*?)?"
_PART = r"[^/\s\"'<>]+"
LINKS = {
    "password_reset": re.compile(_HOST + rf"/accounts/reset/{_PART}/{_PART}/"),
    "email_confirmation": re.compile(_HOST + rf"/apply/confirm/{_PART}/"),
    "award_invitation": re.compile(_HOST + rf"/cohorts/invitation/{_PART}/"),
    "waitlist_offer": re.compile(_HOST + rf"/cohorts/invitation/{_PART}/"),
    "survey_invitation": re.compile(_HOST + rf"/surveys/answer/{_PART}/"),
    "survey_reminder": re.compile(_HOST + rf"/surveys/answer/{_PART}/"),
}
RESET_KEY = re.compile(r"(:reset:[^:]+:).*$")
AWARD_KEY = re.compile(r":award-invite:(\d+):")
SURVEY_KEY = re.compile(r":survey:(\d+)(?::|$)")
UNSENT = {"pending", "queued", "sending"}


def _legacy_message_id(pk: int, key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"<outbox.{pk}.{digest}@{domain}>"


def _reference(apps, message) -> tuple[str, int | None]:
    kind = message.kind
    if kind in ("password_reset", "email_confirmation"):
        return kind, message.recipient_id
    if kind in ("award_invitation", "waitlist_offer"):
        found = AWARD_KEY.search(message.idempotency_key)
        if not found:
            return "cohort_invitation", None
        member = (
            apps.get_model("cohorts", "CohortMember")
            .objects.filter(
                award_id=int(found.group(1)), email__iexact=message.to_email
            )
            .values_list("pk", flat=True)
            .first()
        )
        return "cohort_invitation", member
    found = SURVEY_KEY.search(message.idempotency_key)
    if not found:
        return "survey", None
    invitation = (
        apps.get_model("surveys", "Invitation")
        .objects.filter(
            survey_id=int(found.group(1)), email=message.to_email.strip().lower()
        )
        .values_list("pk", flat=True)
        .first()
    )
    return "survey", invitation


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    fields = [
        "message_id_header",
        "idempotency_key",
        "body_text",
        "body_html",
        "link_kind",
        "link_object_id",
        "status",
        "last_error",
    ]
    ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        rows = list(Message.objects.filter(pk__in=ids[start : start + 2000]))
        for message in rows:
            _convert(apps, message)
        Message.objects.bulk_update(rows, fields)


def _convert(apps, message) -> None:
    message.message_id_header = _legacy_message_id(message.pk, message.idempotency_key)
    pattern = LINKS.get(message.kind)
    if pattern is not None and (
        pattern.search(message.body_text) or pattern.search(message.body_html)
    ):
        replacement = REMOVED
        if message.status in UNSENT:
            link_kind, object_id = _reference(apps, message)
            if object_id is None:
                message.status = "failed"
                message.last_error = NO_REFERENCE
            else:
                message.link_kind, message.link_object_id = link_kind, object_id
                replacement = PLACEHOLDER
        message.body_text = pattern.sub(replacement, message.body_text)
        message.body_html = pattern.sub(replacement, message.body_html)
    if message.kind == "password_reset":
        message.idempotency_key = RESET_KEY.sub(
            rf"\g<1>legacy-{message.pk}", message.idempotency_key
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_message_links_and_message_id"),
        ("cohorts", "0003_dashboardcache"),
        ("surveys", "0002_anonymous_release"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
