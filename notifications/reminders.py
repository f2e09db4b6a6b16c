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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dashmentor import registry
from dashmentor.templatetags.dates import format_when

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
    # Made in the recipient's language when the message is written.
    subject: str | Callable[[], str]
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


def left_text(due_at: dt.datetime, now: dt.datetime) -> str:
    """The time until ``due_at`` in the active language ("3 days", "3 días")."""
    seconds = max(0, int((due_at - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 2:
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    if days == 1:
        if hours == 0:
            return _("1 day")
        return ngettext(
            "1 day and %(hours)d hour", "1 day and %(hours)d hours", hours
        ) % {"hours": hours}
    if hours >= 1:
        return ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
    return _("less than an hour")


# In the e-mail's context: written out when the e-mail is, in its language.
left_lazy = lazy(left_text, str)


def deadline_subject(round_, due_at, now) -> str:
    return _("%(round)s: your application closes in %(left)s") % {
        "round": round_.name,
        "left": left_text(due_at, now),
    }


def workplan_subject(due_at, now) -> str:
    return _("Your work plan is due in %(left)s") % {"left": left_text(due_at, now)}


def award_subject(milestone, due_at, now) -> str:
    left = left_text(due_at, now)
    return {
        "offer": _("Your award offer expires in %(left)s"),
        "start": _("Your mentorship contract starts in %(left)s"),
        "end": _("Your mentorship contract ends in %(left)s"),
    }[milestone] % {"left": left}


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
        subject=partial(_event_subject, title, starts_at, user),
        template="notifications_event_reminder",
        context={
            "title": title,
            "starts_at": starts_at,
            "time_left": left_lazy(starts_at, now),
            **context,
        },
        key=key,
    )


def _event_subject(title, starts_at, user) -> str:
    # ``title`` may be a translated field read now, in the recipient's language.
    title = title() if callable(title) else title
    return _("Reminder: %(title)s, %(when)s") % {
        "title": title,
        "when": _when(starts_at, user),
    }


def _when(moment: dt.datetime, user) -> str:
    """ "Thu Mar 5 at 2:00 PM EST", "jue 5 mar, 14:00 EST": the reader's zone."""
    return format_when(timezone.localtime(moment, user.zone), "short_weekday_time_tz")


MEETING_LABEL = gettext_lazy("Affinity group meeting")


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
