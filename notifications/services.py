"""The outbox: every e-mail is a row first, written in the caller's transaction.

``message_enqueue`` is the one way any part of the portal sends an e-mail. The
row is unique on its idempotency key, so the same message cannot exist twice;
the send is queued only after the transaction commits, so a rolled-back request
sends nothing.

The life of a row::

    pending ──(handed to Celery)──▶ queued ──(claimed by a worker)──▶ sending
       ▲                              │                                  │
       │   retry later (backoff)      │                    SMTP accepted │
       └──────────────────────────────┴──────── failure ◀────────────────┤
                                                   │                     ▼
                                     too many ─▶ failed                 sent

Delivery guarantee: at least once; a repeat is possible in one window, at most
one message per killed worker process, and it carries the same Message-ID.

* Nothing is lost. The row is written in the transaction of the event, before
  any broker is involved. A task message lost with a killed worker, a broker
  down when the row was written, a Redis restarted without persistence: each
  leaves the row ``pending``, ``queued`` or ``sending``, and the sweep hands it
  out again (``outbox_sweep``, every minute; ``queued`` and ``sending`` rows
  after ``OUTBOX_STUCK_AFTER_SECONDS``).
* One window for a duplicate. A worker claims a row (``sending``) with a
  conditional UPDATE before it talks to the SMTP server and records it
  ``sent`` with one single-row UPDATE as soon as the server accepts it (the
  250 reply to the end of the message), message by message, never at the end
  of a batch. The server keeps the message from the moment it accepts it
  (which may come just before its 250 reaches the worker); a worker killed
  between that moment and the commit of the ``sent`` UPDATE leaves a row that
  looks unsent, and the sweep sends it again. Only the one message in that
  window can be repeated, so a killed worker process repeats at most one.
* A repeat is recognisable. Every row gets one ``Message-ID`` when it is
  written (``Message.message_id_header``), and every attempt sends it; mail
  systems that collapse identical Message-IDs show the repeat once, and staff
  find the row by it in the admin. Links that grant access are made at each
  attempt from the row (``links.py``), the same link each time.

The fault tests measure it (``tests/notifications/test_faults.py``; figures in
the README's reliability section): messages, duplicates, whether each
duplicate shares its Message-ID, and recipients left without their message.

Throughput: the messages a transaction writes go to Celery in batches of
``OUTBOX_BATCH_SIZE`` ids, one task each, and a worker sends a batch over one
SMTP connection. Per message it costs two statements: the claim, which does
not wait for the disk (see ``_claim`` for why that is safe), and the ``sent``
mark, which does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import smtplib
import socket
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dashmentor import broker
from dashmentor.languages import language_for
from dashmentor.status import status_sql, status_update

from . import links, rules
from .models import ESSENTIAL_KINDS, Kind, Message, Preference

logger = logging.getLogger(__name__)

RESEND_ONLY_FAILED = _("Only a failed message can be resent.")
ERROR_WORKER_LOST = (
    "The worker stopped while sending; the message was handed out again."
)
ERROR_STALE_CLAIM = "The claim on this message expired before the send began."
PREFERENCE_ESSENTIAL = _(
    "This kind of message is always sent and cannot be turned off."
)


def idempotency_key(kind: str, to_email: str, subject_key: str) -> str:
    """The key of (kind, recipient, what the message is about).

    Keys longer than the column keep their start and end a hash of the whole,
    so two long keys never collide by truncation.
    """
    full = f"{kind}:{to_email.strip().lower()}:{subject_key}"
    if len(full) <= 255:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:32]
    return f"{full[:222]}:{digest}"


def message_id_for_key(full_key: str) -> str:
    """The Message-ID of the message with this idempotency key, for every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    digest = hashlib.sha256(full_key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{domain}>"


def wants(user, kind: str) -> bool:
    """Whether ``user`` receives messages of ``kind`` (essential ones always)."""
    if kind in ESSENTIAL_KINDS or user is None:
        return True
    return not Preference.objects.filter(user=user, kind=kind, enabled=False).exists()


def _zone_for(recipient, context: dict):
    zone = getattr(recipient, "zone", None)
    if zone is not None:
        return zone
    name = context.get("time_zone") or settings.PORTAL_DEFAULT_TIME_ZONE
    return rules.zone_or_default(name)


def _render(template: str, ctx: dict, zone) -> tuple[str, str]:
    """Render the text part and the HTML part, times in ``zone``.

    Templates show aware datetimes in the active time zone, so rendering under
    the recipient's zone is what puts every time of the e-mail in that zone,
    whatever page or worker triggered it.
    """
    with timezone.override(zone):
        body_text = render_to_string(f"emails/{template}.txt", ctx)
        try:
            body_html = render_to_string(f"emails/{template}.html", ctx)
        except TemplateDoesNotExist:
            body_html = render_to_string(
                "emails/notifications_from_text.html",
                {**ctx, "body_text": _strip_footer(body_text)},
            )
    return body_text.strip() + "\n", body_html


def _strip_footer(body_text: str) -> str:
    # The text footer starts with a dash line; the HTML layout has its own.
    head, _sep, _tail = body_text.partition("\n—\n")
    return head.strip()


def message_enqueue(
    *,
    kind: str,
    to_email: str,
    subject,  # str, lazy, or a callable (see below)
    template: str,
    context: dict,
    key: str,
    recipient=None,
    link_kind: str = "",
    link_object_id: int | None = None,
    language: str | None = None,
) -> Message:
    """Write the message row (or return the existing one with the same key).

    ``template`` names ``templates/emails/<template>.txt`` and, if present,
    ``.html`` (without one, the HTML part is the text in the e-mail layout);
    both get ``context`` plus ``recipient``, ``site_url`` and
    ``preferences_url``, rendered with times in the recipient's time zone and
    in the recipient's language (``dashmentor.languages.language_for``, or
    ``language``). ``subject`` is made in that language too: a lazy
    translation, or a callable without arguments (a ``functools.partial``) that
    formats it from translated parts (a round's name in the recipient's
    language, a "3 days" in theirs).
    ``key`` says what the message is about (e.g. ``"survey:12"``): with the
    kind and the address it makes the idempotency key, so a second call with
    the same three returns the first message and sends nothing more.

    A link that grants access (a password reset, a confirmation, an
    invitation) is never put in ``context`` or ``key``: pass ``link_kind`` and
    ``link_object_id`` instead, and the templates get ``link``, a marker that
    the sender replaces with the link it makes at send time (``links.py``).

    Call it inside the transaction of the event: the send is queued only when
    that transaction commits.
    """
    if link_kind and not links.is_registered(link_kind):
        raise ValueError(links.UNKNOWN_KIND.format(kind=link_kind))
    full_key = idempotency_key(kind, to_email, key)
    existing = Message.objects.filter(idempotency_key=full_key).first()
    if existing is not None:
        return existing
    fields = _new_row_fields(
        full_key,
        kind=kind,
        to_email=to_email,
        subject=subject,
        template=template,
        context=context,
        recipient=recipient,
        link_kind=link_kind,
        link_object_id=link_object_id,
        language=language,
    )
    return _insert_once(fields)


def _new_row_fields(
    full_key: str,
    *,
    kind: str,
    to_email: str,
    subject,
    template: str,
    context: dict,
    recipient,
    link_kind: str,
    link_object_id: int | None,
    language: str | None,
) -> dict:
    """The columns of a new row: the message rendered for its recipient."""
    ctx = {
        **context,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + "/notifications/settings/",
        "essential": kind in ESSENTIAL_KINDS,
    }
    if link_kind:
        ctx["link"] = links.PLACEHOLDER
    zone = _zone_for(recipient, context)
    ctx["time_zone_name"] = zone.key.replace("_", " ")
    with translation.override(language or language_for(recipient)):
        body_text, body_html = _render(template, ctx, zone)
        subject = str(subject() if callable(subject) else subject)
    status = (
        Message.Status.PENDING if wants(recipient, kind) else Message.Status.SUPPRESSED
    )
    return {
        "kind": kind,
        "recipient": recipient,
        "to_email": to_email.strip(),
        "subject": subject[:255],
        "body_text": body_text,
        "body_html": body_html,
        "idempotency_key": full_key,
        "message_id_header": message_id_for_key(full_key),
        "link_kind": link_kind,
        "link_object_id": link_object_id if link_kind else None,
        "status": status,
    }


def _insert_once(fields: dict) -> Message:
    """Insert the row and queue its send after commit.

    A concurrent insert of the same key that won the race is returned instead,
    and nothing more is queued.
    """
    try:
        # A savepoint, so that losing the race to a concurrent insert of the
        # same key leaves the caller's transaction usable.
        with transaction.atomic():
            message = Message.objects.create(**fields)
    except IntegrityError:
        return Message.objects.get(idempotency_key=fields["idempotency_key"])
    if message.status == Message.Status.PENDING:
        _queue_after_commit(message.pk)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One person's copy of a written message, for :func:`message_enqueue_bulk`."""

    to_email: str
    subject: str
    body: str
    recipient: object = None  # a User, or None for an address without an account


# Stands for the body while the layout is rendered once for a whole mailing.
_BODY_MARK = "\x00outbox-body\x00"
BULK_ROWS_PER_STATEMENT = 500


def _bulk_layout(essential: bool) -> tuple[str, str]:
    ctx = {
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + "/notifications/settings/",
        "essential": essential,
        "body": _BODY_MARK,
    }
    text = render_to_string("emails/notifications_written.txt", ctx)
    html = render_to_string("emails/notifications_written.html", ctx)
    return text.strip() + "\n", html


def message_enqueue_bulk(*, kind: str, key: str, messages: list[Outgoing]):
    """Write one outbox row per person of a written message, in a few statements.

    The twin of :func:`message_enqueue` for a message staff wrote to hundreds
    or thousands of people (``body`` is each person's own text, already
    merged): the e-mail layout is rendered once, the existing keys and the
    recipients' preferences are read once, and the rows are inserted in
    batches. ``key`` says what the message is (``"mailing:12"``): with the kind
    and each address it makes the idempotency key, so a second call writes
    nothing for an address already written. People who turned ``kind`` off
    get a row ``suppressed`` (not sent). The rows are handed to the workers in
    batches when the caller's transaction commits, as every message is.

    Return the rows by lower-cased address, those written now and those found.
    """
    by_key: dict[str, Outgoing] = {}
    for item in messages:
        by_key.setdefault(idempotency_key(kind, item.to_email, key), item)
    found = _existing_by_key(list(by_key))
    opted_out = _opted_out_ids(kind, by_key.values())
    rows = _bulk_rows(kind, by_key, found, opted_out)
    created = Message.objects.bulk_create(rows, batch_size=BULK_ROWS_PER_STATEMENT)
    pending = [m.pk for m in created if m.status == Message.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: outbox_dispatch(pending))
    result = {m.to_email.lower(): m for m in found.values()}
    result.update({m.to_email.lower(): m for m in created})
    return result


def _existing_by_key(keys: list[str]) -> dict[str, Message]:
    """The rows already written under these idempotency keys, by key."""
    found: dict[str, Message] = {}
    for start in range(0, len(keys), BULK_ROWS_PER_STATEMENT):
        chunk = keys[start : start + BULK_ROWS_PER_STATEMENT]
        for message in Message.objects.filter(idempotency_key__in=chunk):
            found[message.idempotency_key] = message
    return found


def _opted_out_ids(kind: str, items: Iterable[Outgoing]) -> set[int]:
    """The ids of the recipients who turned ``kind`` off."""
    user_ids = [item.recipient.pk for item in items if item.recipient is not None]
    opted_out: set[int] = set()
    if kind not in ESSENTIAL_KINDS and user_ids:
        for start in range(0, len(user_ids), BULK_ROWS_PER_STATEMENT):
            opted_out.update(
                Preference.objects.filter(
                    user_id__in=user_ids[start : start + BULK_ROWS_PER_STATEMENT],
                    kind=kind,
                    enabled=False,
                ).values_list("user_id", flat=True)
            )
    return opted_out


def _bulk_rows(
    kind: str,
    by_key: dict[str, Outgoing],
    found: dict[str, Message],
    opted_out: set[int],
) -> list[Message]:
    """The unsaved rows of the keys not written yet, each body in the layout."""
    text_layout, html_layout = _bulk_layout(kind in ESSENTIAL_KINDS)
    text_head, _, text_tail = text_layout.partition(_BODY_MARK)
    html_head, _, html_tail = html_layout.partition(_BODY_MARK)
    now = timezone.now()
    rows = []
    for full_key, item in by_key.items():
        if full_key in found:
            continue
        suppressed = item.recipient is not None and item.recipient.pk in opted_out
        body = item.body.strip()
        rows.append(
            Message(
                kind=kind,
                recipient=item.recipient,
                to_email=item.to_email.strip(),
                subject=item.subject[:255],
                body_text=text_head + body + text_tail,
                body_html=html_head + _html_paragraphs(body) + html_tail,
                idempotency_key=full_key,
                message_id_header=message_id_for_key(full_key),
                status=Message.Status.SUPPRESSED
                if suppressed
                else Message.Status.PENDING,
                created_at=now,
            )
        )
    return rows


_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _html_paragraphs(text: str) -> str:
    """The text as HTML paragraphs: escaped, with its web addresses as links.

    Django's ``urlize`` costs half a millisecond a message, which a mailing to
    thousands cannot pay; only ``http(s)://`` addresses become links here.
    """
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>"
        + _LINK.sub(r'<a href="\g<0>">\g<0></a>', escape(p)).replace("\n", "<br>")
        + "</p>"
        for p in paragraphs
    )


# --- handing rows to Celery -----------------------------------------------------


def _queue_after_commit(message_id: int) -> None:
    """Queue the send of the row once the current transaction commits.

    Each message registers its own on-commit callback, so a rollback of the
    savepoint that wrote it drops exactly its send, and notes its id with the
    connection. When the transaction commits, the first of these callbacks to
    run hands out its id and every id noted after it, in batches, and the
    others find their id taken and do nothing: a group e-mail to 80 people
    becomes two batch tasks, not 80. (Django takes the list of callbacks off
    the connection before it runs them, so a callback cannot see the ones
    after it; the note is how it knows them.) Callbacks run in the order they
    were registered, so an id noted before the first one to run belongs to a
    callback that will not run (rolled back, or in a test not captured) and is
    left out; an id noted after it whose savepoint rolled back has no pending
    row, and ``outbox_dispatch`` hands out only the rows it moves from pending
    to queued, so it is dropped there.
    """
    _note_awaiting_commit(message_id)
    # Robust: the row is written; a send that cannot be handed out (the sweep
    # hands it out later) must not stop the other callbacks of the commit.
    transaction.on_commit(_SendAfterCommit(message_id), robust=True)


# The ids noted by this connection's transaction, in order, for _SendAfterCommit.
_awaiting_commit: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _note_awaiting_commit(message_id: int) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    noted = _awaiting_commit.get(conn)
    if noted is None or not conn.in_atomic_block:
        # Outside a transaction the callback runs at once: anything noted
        # before belongs to a transaction that rolled back, so start afresh.
        # (Inside one, what a rolled-back transaction noted stays ahead of
        # this transaction's ids, and the first callback to run leaves it out.)
        noted = _awaiting_commit[conn] = {}
    # Noted again (a message resent, or an id reused after a rollback): it
    # belongs where its latest callback is.
    noted.pop(message_id, None)
    noted[message_id] = None


class _SendAfterCommit:
    def __init__(self, message_id: int):
        self.message_id = message_id

    def __call__(self) -> None:
        noted = _awaiting_commit.get(connections[DEFAULT_DB_ALIAS], {})
        if self.message_id not in noted:
            return  # an earlier callback of the same commit handed it out
        message_ids = list(noted)
        noted.clear()
        outbox_dispatch(message_ids[message_ids.index(self.message_id) :])


def outbox_dispatch(message_ids: Iterable[int], *, countdown: int | None = None):
    """Hand pending messages to Celery in batches; return how many batches went out.

    Each batch's rows move from ``pending`` to ``queued`` before its task is
    published (a worker may run it at once), and the task carries only the rows
    that moved: a row already queued, sending, sent or gone is not handed out
    twice. Publishing never waits on the broker (``dashmentor/broker.py``): if
    it cannot be reached the rows go back to ``pending`` and the rest of the
    batches are not tried, and the sweep hands them all out when it is back.
    The event that wrote them has committed and is not undone.
    """
    from .tasks import message_send_batch_task

    ids = list(dict.fromkeys(message_ids))
    size = max(1, settings.OUTBOX_BATCH_SIZE)
    sent_batches = 0
    if countdown:
        countdown = min(countdown, settings.CELERY_MAX_COUNTDOWN)
    for start in range(0, len(ids), size):
        if not broker.available():
            break  # the rows stay pending: the sweep's
        chunk = ids[start : start + size]
        stamp = timezone.now()
        moved = status_update(
            Message.objects.filter(pk__in=chunk),
            Message.Status.QUEUED,
            before=[Message.Status.PENDING],
            queued_at=stamp,
        )
        if moved == 0:
            continue
        ours = Message.objects.filter(
            pk__in=chunk, status=Message.Status.QUEUED, queued_at=stamp
        )
        if moved < len(chunk):
            moved_ids = set(ours.values_list("pk", flat=True))
            chunk = [pk for pk in chunk if pk in moved_ids]
        if not broker.publish(message_send_batch_task, [chunk], countdown=countdown):
            status_update(ours, Message.Status.PENDING, before=[Message.Status.QUEUED])
            logger.warning(
                "outbox: broker unreachable, %d message(s) wait for the sweep",
                len(ids) - start,
            )
            break
        sent_batches += 1
    return sent_batches


# --- sending --------------------------------------------------------------------


def _email_for(message: Message, conn) -> EmailMultiAlternatives:
    """The e-mail of one attempt: the stored copy, with its link made now."""
    body_text, body_html = links.render(message, message.body_text, message.body_html)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=body_text,
        to=[message.to_email],
        connection=conn,
        headers={
            "Message-ID": message.message_id_header
            or message_id_for_key(message.idempotency_key),
            "X-Outbox-Key": message.idempotency_key,
        },
    )
    if body_html:
        email.attach_alternative(body_html, "text/html")
    return email


def _claim(message_id: int, now) -> bool:
    """Take the row for this worker; False when it is not ours to send.

    On PostgreSQL the claim is one statement that commits without waiting for
    its log record to reach the disk. Other workers see it at once all the same
    (that is what keeps a row to one worker), and it needs no durability of its
    own: the "sent" mark that follows commits with a flush, which writes the
    log up to and including the claim, and a database crash that loses a claim
    before that leaves the row queued, to be handed out again like the row of
    a dead worker. Waiting for the disk, and the ORM's transaction around the
    setting, cost as much as the send itself.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Two statements in one query run as one transaction, to which
            # the local setting applies; the row count is the UPDATE's.
            cursor.execute(_CLAIM_SQL, [now, message_id, now])
            return cursor.rowcount == 1
    # SQLite, or inside a caller's transaction, where a local setting would
    # reach the caller's own writes too.
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        status_update(
            Message.objects.filter(due, pk=message_id),
            Message.Status.SENDING,
            before=_CLAIMABLE,
            sending_started_at=now,
            attempts=F("attempts") + 1,
        )
    )


# The rows a worker may claim, and the claim written out for PostgreSQL; both
# checked against Message.TRANSITIONS when the module loads (dashmentor/status.py).
_CLAIMABLE = [Message.Status.PENDING, Message.Status.QUEUED]
_CLAIM = status_sql(Message, _CLAIMABLE, Message.Status.SENDING)
# The table is Message's (``Message._meta.db_table``).
# The status literals come from status_sql, hence the S608 exceptions.
_CLAIM_SQL = (
    "SET LOCAL synchronous_commit TO OFF; "  # noqa: S608
    "UPDATE notifications_message "
    f"SET {_CLAIM[0]}, sending_started_at = %s, attempts = attempts + 1 "
    f"WHERE id = %s AND {_CLAIM[1]} "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= %s)"
)


def _mark_sent(message_id: int, claimed_at) -> None:
    # The one statement between the server's acceptance and a safe state: keep
    # it a single-row UPDATE on the primary key, in autocommit (which on
    # PostgreSQL waits for the disk: synchronous_commit is on). Written out for
    # PostgreSQL, where building it with the ORM took longer than running it.
    sent_at = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_MARK_SENT_SQL, [sent_at, message_id, claimed_at])
        return
    status_update(
        Message.objects.filter(pk=message_id, sending_started_at=claimed_at),
        Message.Status.SENT,
        before=[Message.Status.SENDING],
        sent_at=sent_at,
        last_error="",
    )


# Checked against Message.TRANSITIONS when the module loads (dashmentor/status.py).
_MARK_SENT = status_sql(Message, [Message.Status.SENDING], Message.Status.SENT)
_MARK_SENT_SQL = (
    f"UPDATE notifications_message SET {_MARK_SENT[0]}, sent_at = %s, "  # noqa: S608
    f"last_error = '' WHERE id = %s AND {_MARK_SENT[1]} AND sending_started_at = %s"
)


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: exponential, capped."""
    return rules.backoff_seconds(
        attempts,
        base=settings.OUTBOX_RETRY_BASE_SECONDS,
        cap=settings.OUTBOX_RETRY_MAX_SECONDS,
    )


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer about this message will not change on retry, nor a link
    that cannot be made."""
    if isinstance(exc, links.LinkUnavailable):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
        exc, smtplib.SMTPServerDisconnected
    ):
        return 500 <= exc.smtp_code < 600
    return False


def _mark_failed_attempt(message_id: int, claimed_at, exc: Exception) -> int | None:
    """Record a failed attempt; return the retry delay, or None if given up."""
    message = Message.objects.filter(
        pk=message_id, status=Message.Status.SENDING, sending_started_at=claimed_at
    ).first()
    if message is None:
        return None
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status_update(
            Message.objects.filter(pk=message_id),
            Message.Status.FAILED,
            before=[Message.Status.SENDING],
            last_error=error,
            next_attempt_at=None,
        )
        logger.error("outbox: message %s failed for good: %s", message_id, error)
        return None
    delay = retry_delay(message.attempts)
    status_update(
        Message.objects.filter(pk=message_id),
        Message.Status.PENDING,
        before=[Message.Status.SENDING],
        last_error=error,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    logger.warning(
        "outbox: message %s attempt %s failed (%s); retry in %ss",
        message_id,
        message.attempts,
        error,
        delay,
    )
    return delay


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    retry: dict[int, int] = field(default_factory=dict)  # id -> delay seconds
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _connection_broken(exc: Exception) -> bool:
    """Whether the SMTP connection is unusable after ``exc``.

    A refusal of one message (a 4xx or 5xx reply) leaves the session usable;
    a dropped or timed-out connection does not.
    """
    if isinstance(exc, smtplib.SMTPServerDisconnected | socket.timeout):
        return True
    answered = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
    return isinstance(exc, OSError) and not isinstance(exc, answered)


def message_send_batch(*, message_ids: Iterable[int]) -> BatchResult:
    """Send each message of the batch that is still due, over one connection.

    Each row is claimed just before its send and marked sent just after the
    server accepts it, so a worker that dies mid-batch leaves at most one row in
    ``sending`` and the rest ``queued``, both of which the sweep hands out again.
    A row already sent, sending elsewhere, suppressed or failed is skipped:
    running the same batch twice sends nothing twice.
    """
    result = BatchResult()
    ids = list(dict.fromkeys(message_ids))
    rows = {m.pk: m for m in Message.objects.filter(pk__in=ids)}
    conn = None
    try:
        for message_id in ids:
            message = rows.get(message_id)
            now = timezone.now()
            if message is None or not _claim(message_id, now):
                result.skipped.append(message_id)
                continue
            try:
                if conn is None:
                    conn = get_connection(fail_silently=False)
                    conn.open()
                _email_for(message, conn).send()
            except Exception as exc:
                delay = _mark_failed_attempt(message_id, now, exc)
                if delay is None:
                    result.failed.append(message_id)
                else:
                    result.retry[message_id] = delay
                if conn is not None and _connection_broken(exc):
                    # Start the next message on a fresh connection.
                    _close_quietly(conn)
                    conn = None
                continue
            _mark_sent(message_id, now)
            result.sent.append(message_id)
    finally:
        if conn is not None:
            _close_quietly(conn)
    return result


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except Exception:  # the connection may already be gone
        logger.debug("outbox: closing a broken SMTP connection failed", exc_info=True)


def message_send(*, message_id: int) -> Message | None:
    """Send one message if it is still due; a row already sent is left alone."""
    message_send_batch(message_ids=[message_id])
    return Message.objects.filter(pk=message_id).first()


def schedule_retries(result: BatchResult) -> None:
    """Queue the short retries now; longer ones wait in the database.

    A retry due within ``CELERY_MAX_COUNTDOWN`` seconds goes to Celery with that
    countdown; a later one is a row with ``next_attempt_at`` that the sweep
    hands out when due, never a long ETA (which Redis would redeliver in a loop
    after its visibility timeout).
    """
    from celery import current_app

    if current_app.conf.task_always_eager:
        # In process there is no delay to wait: the sweep retries when due.
        return
    by_delay: dict[int, list[int]] = {}
    for message_id, delay in result.retry.items():
        if delay <= settings.CELERY_MAX_COUNTDOWN:
            by_delay.setdefault(delay, []).append(message_id)
    for delay, ids in by_delay.items():
        # One second late rather than early: a task that arrives before
        # next_attempt_at finds the row not yet due and leaves it to the sweep.
        outbox_dispatch(ids, countdown=delay + 1)


# --- the sweep --------------------------------------------------------------------


@dataclass
class SweepResult:
    pending: int = 0
    stuck_queued: int = 0
    stuck_sending: int = 0
    given_up: int = 0


def outbox_sweep(*, now=None, limit: int = 5000) -> SweepResult:
    """Hand out again every message a dead worker or a down broker left behind.

    - ``pending`` rows that are due (new rows whose hand-off failed, retries
      whose time has come) are dispatched;
    - ``queued`` rows handed out longer than ``OUTBOX_STUCK_AFTER_SECONDS`` ago
      are dispatched again (their task was lost with a killed worker);
    - ``sending`` rows claimed longer ago than that belong to a dead worker and
      go back to ``pending`` (or ``failed`` after the last attempt).

    Every change is a conditional UPDATE, and a worker claims a row before it
    sends, so two sweeps at once, or a sweep racing a live worker, send nothing
    twice.
    """
    now = now or timezone.now()
    stuck_before = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    result = SweepResult()
    _release_stale_sending(stuck_before, limit, result)

    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    pending_ids = list(
        Message.objects.filter(due, status=Message.Status.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    result.pending = len(pending_ids)

    stuck_ids = list(
        Message.objects.filter(
            due, status=Message.Status.QUEUED, queued_at__lt=stuck_before
        )
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if stuck_ids:
        # Back to pending, so that the dispatch below hands them out as new.
        result.stuck_queued = status_update(
            Message.objects.filter(pk__in=stuck_ids, queued_at__lt=stuck_before),
            Message.Status.PENDING,
            before=[Message.Status.QUEUED],
        )
    outbox_dispatch([*pending_ids, *stuck_ids])
    return result


def _release_stale_sending(stuck_before, limit: int, result: SweepResult) -> None:
    """Move the rows of dead workers back to pending, or to failed after the last
    attempt, counting them in ``result``."""
    stale_sending = list(
        Message.objects.filter(
            status=Message.Status.SENDING, sending_started_at__lt=stuck_before
        ).values_list("pk", "attempts")[:limit]
    )
    for message_id, attempts in stale_sending:
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            changed = status_update(
                Message.objects.filter(
                    pk=message_id, sending_started_at__lt=stuck_before
                ),
                Message.Status.FAILED,
                before=[Message.Status.SENDING],
                last_error=ERROR_WORKER_LOST,
            )
            result.given_up += changed
            continue
        result.stuck_sending += status_update(
            Message.objects.filter(pk=message_id, sending_started_at__lt=stuck_before),
            Message.Status.PENDING,
            before=[Message.Status.SENDING],
            last_error=ERROR_WORKER_LOST,
            next_attempt_at=None,
        )


# --- staff and user actions ---------------------------------------------------------


def message_resend(*, message: Message, by) -> Message:
    """Give a failed message a fresh set of attempts and queue it after commit."""
    from dashmentor.services import audit_record

    with transaction.atomic():
        changed = status_update(
            Message.objects.filter(pk=message.pk),
            Message.Status.PENDING,
            before=[Message.Status.FAILED],
            attempts=0,
            next_attempt_at=None,
            sending_started_at=None,
        )
        if not changed:
            raise ValueError(RESEND_ONLY_FAILED)
        audit_record(
            actor=by,
            action="message.resend",
            target=message,
            before={"status": Message.Status.FAILED, "last_error": message.last_error},
            after={"status": Message.Status.PENDING},
        )
        _queue_after_commit(message.pk)
    message.refresh_from_db()
    return message


def preferences_update(
    *,
    user,
    time_zone: str,
    disabled_kinds: Iterable[str],
    language: str | None = None,
):
    """Save the user's time zone, language (when given; "" is the browser's)
    and which optional kinds they turned off."""
    disabled = set(disabled_kinds)
    refused = disabled & ESSENTIAL_KINDS
    if refused:
        raise ValueError(PREFERENCE_ESSENTIAL)
    with transaction.atomic():
        changed = []
        if user.time_zone != time_zone:
            user.time_zone = time_zone
            changed.append("time_zone")
        if language is not None and user.language != language:
            user.language = language
            changed.append("language")
        if changed:
            user.save(update_fields=changed)
        for kind in OPTIONAL_KINDS:
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"enabled": kind not in disabled}
            )
    return user


OPTIONAL_KINDS = [kind for kind in Kind.values if kind not in ESSENTIAL_KINDS]
