"""The reminder scan: which reminders are due now, written as outbox rows.

Celery beat runs ``reminders_scan`` every few minutes. Future reminders are
never scheduled as Celery ETAs: the scan computes, from the rows of the
database, the reminder each thing is owed at this moment (see
``rules.due_stage``), and writes it with an idempotency key naming the thing and
the stage (``deadline:<round>:<application>:7d``). A second scan, a second beat,
or two scans at once find the key taken and send nothing more.

Each app registers the scans of what it owns (``dashmentor.registry``, from its
``AppConfig.ready()``): the application deadline and award milestones
(``applications/reminders.py``), work plans and cohort events
(``cohorts/year/reminders.py``), affinity group meetings
(``affinity/reminders.py``). This module holds what they share and runs them.
Survey reminders are the surveys app's (``surveys.tasks.surveys_scan_task``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dashmentor import registry

from . import rules
from .models import Kind, Message, ReminderRule
from .services import idempotency_key, message_enqueue

logger = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One reminder to one person, before it is written."""

    kind: str
    to_email: str
    recipient: object
    subject: str
    template: str
    context: dict
    key: str

    @property
    def full_key(self) -> str:
        return idempotency_key(self.kind, self.to_email, self.key)


class Offsets:
    """The offsets of each (round, kind), loaded once per scan."""

    def __init__(self):
        self.rules = {(r.round_id, r.kind): r for r in ReminderRule.objects.all()}

    def get(self, kind: str, round_=None) -> list[int]:
        rule = self.rules.get((getattr(round_, "pk", None), kind))
        if rule is None and round_ is not None:
            rule = self.rules.get((None, kind))
        if rule is not None:
            return _clean(rule.offsets_days) if rule.active else []
        if kind == Kind.DEADLINE_REMINDER and round_ is not None:
            return _clean(round_.deadline_reminder_days)
        return list(rules.DEFAULT_OFFSETS.get(kind, []))


def _clean(value) -> list[int]:
    try:
        return rules.normalize_offsets(value or [])
    except ValueError:
        logger.warning("reminders: ignoring bad offsets %r", value)
        return []


def reminder_path(name: str, *args, fallback: str = "/") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _write(outgoing: Iterable[Outgoing]) -> int:
    """Enqueue the reminders not yet written; return how many were new."""
    items = list(outgoing)
    if not items:
        return 0
    taken = set()
    keys = [item.full_key for item in items]
    for start in range(0, len(keys), 500):
        taken.update(
            Message.objects.filter(
                idempotency_key__in=keys[start : start + 500]
            ).values_list("idempotency_key", flat=True)
        )
    written = 0
    with transaction.atomic():
        for item in items:
            if item.full_key in taken:
                continue
            taken.add(item.full_key)
            message_enqueue(
                kind=item.kind,
                to_email=item.to_email,
                subject=item.subject,
                template=item.template,
                context=item.context,
                key=item.key,
                recipient=item.recipient,
            )
            written += 1
    return written


def reminder_people(users) -> list:
    """Active users with an address, each once."""
    seen, people = set(), []
    for user in users:
        if user is None or not user.is_active or not user.email:
            continue
        if user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        people.append(user)
    return people


def reminder_horizon(offsets: Offsets, kind: str) -> dt.timedelta:
    """How far ahead any rule of ``kind`` can reach, to bound the query."""
    longest = max(offsets.get(kind) or [0])
    for (_round, rule_kind), rule in offsets.rules.items():
        if rule_kind == kind and rule.active:
            longest = max(longest, *(_clean(rule.offsets_days) or [0]))
    return dt.timedelta(days=longest + 1)


def event_outgoing(*, user, title, starts_at, key, now, **context) -> Outgoing:
    return Outgoing(
        kind=Kind.EVENT_REMINDER,
        to_email=user.email,
        recipient=user,
        subject=f"Reminder: {title}, {_when(starts_at, user)}",
        template="notifications_event_reminder",
        context={
            "title": title,
            "starts_at": starts_at,
            "time_left": rules.time_left(starts_at, now),
            **context,
        },
        key=key,
    )


def _when(moment: dt.datetime, user) -> str:
    local = timezone.localtime(moment, user.zone)
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%a %b} {local.day} at {hour} {local.tzname()}"


def reminders_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Write every reminder due at ``now``; return how many were new, by scan."""
    now = now or timezone.now()
    offsets = Offsets()
    counts = {}
    for name, scan in registry.reminder_scans().items():
        try:
            counts[name] = _write(scan(now, offsets))
        except Exception:
            # One broken scan must not stop the others; the next run retries.
            logger.exception("reminders: the %s scan failed", name)
            counts[name] = 0
    return counts
