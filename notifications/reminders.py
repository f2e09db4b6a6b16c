"""The reminder scan: which reminders are due now, written as outbox rows.

Celery beat runs ``reminders_scan`` every few minutes. Future reminders are
never scheduled as Celery ETAs: the scan computes, from the rows of the
database, the reminder each thing is owed at this moment (see
``rules.due_stage``), and writes it with an idempotency key naming the thing and
the stage (``deadline:<round>:<application>:7d``). A second scan, a second beat,
or two scans at once find the key taken and send nothing more.

Survey reminders are the surveys app's (``surveys.tasks.surveys_scan_task``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _path(name: str, *args, fallback: str = "/") -> str:
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


def _deadline_subject(round_, due_at, now) -> str:
    return _("%(round)s: your application closes in %(left)s") % {
        "round": round_.name,
        "left": left_text(due_at, now),
    }


def _workplan_subject(due_at, now) -> str:
    return _("Your work plan is due in %(left)s") % {"left": left_text(due_at, now)}


def _award_subject(milestone, due_at, now) -> str:
    left = left_text(due_at, now)
    return {
        "offer": _("Your award offer expires in %(left)s"),
        "start": _("Your mentorship contract starts in %(left)s"),
        "end": _("Your mentorship contract ends in %(left)s"),
    }[milestone] % {"left": left}


def _people(users) -> list:
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


# --- application deadline -------------------------------------------------------


def deadline_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Drafts of open rounds, to the members of the drafting organization."""
    from applications.models import Application, Round
    from dashmentor.models import Membership

    out = []
    rounds = Round.objects.filter(opens_at__lte=now, closes_at__gt=now)
    for round_ in rounds:
        days = offsets.get(Kind.DEADLINE_REMINDER, round_)
        if rules.due_stage(due_at=round_.closes_at, now=now, offsets_days=days) is None:
            continue
        drafts = (
            Application.objects.filter(round=round_, status=Application.Status.DRAFT)
            .select_related("organization")
            .prefetch_related(
                Prefetch(
                    "organization__memberships",
                    queryset=Membership.objects.select_related("user"),
                )
            )
        )
        left = left_lazy(round_.closes_at, now)
        for application in drafts:
            stage = rules.due_stage(
                due_at=round_.closes_at,
                now=now,
                offsets_days=days,
                since=application.created_at,
            )
            if stage is None:
                continue
            users = [m.user for m in application.organization.memberships.all()]
            for user in _people(users):
                out.append(
                    Outgoing(
                        kind=Kind.DEADLINE_REMINDER,
                        to_email=user.email,
                        recipient=user,
                        subject=partial(
                            _deadline_subject, round_, round_.closes_at, now
                        ),
                        template="notifications_deadline_reminder",
                        context={
                            "round": round_,
                            "application": application,
                            "due_at": round_.closes_at,
                            "time_left": left,
                            "path": application.get_absolute_url(),
                        },
                        key=f"deadline:{round_.pk}:{application.pk}:{stage}d",
                    )
                )
    return out


# --- work plans -------------------------------------------------------------------


def workplan_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Work plans not yet submitted (or sent back), to the mentee organization."""
    from applications.models import Award
    from cohorts.models import CohortMember, WorkPlan

    horizon = _horizon(offsets, Kind.WORKPLAN_REMINDER)
    today = timezone.localdate(now)
    plans = (
        WorkPlan.objects.filter(
            status__in=[WorkPlan.Status.DRAFT, WorkPlan.Status.CHANGES_REQUESTED],
            due_on__isnull=False,
            due_on__gte=today - dt.timedelta(days=1),
            due_on__lte=today + horizon,
            award__status__in=[Award.Status.ACCEPTED, Award.Status.CONTRACTED],
        )
        .select_related("award__application__round", "award__mentorship")
        .prefetch_related(
            Prefetch(
                "award__members",
                queryset=CohortMember.objects.filter(active=True).select_related(
                    "user"
                ),
            )
        )
    )
    out = []
    for plan in plans:
        round_ = plan.award.application.round
        days = offsets.get(Kind.WORKPLAN_REMINDER, round_)
        due_at = rules.end_of_day(plan.due_on, round_.zone)
        stage = rules.due_stage(
            due_at=due_at, now=now, offsets_days=days, since=plan.award.created_at
        )
        if stage is None:
            continue
        left = left_lazy(due_at, now)
        seen = set()
        for member in plan.award.members.all():
            email = (member.user.email if member.user else member.email).lower()
            if not email or email in seen:
                continue
            if member.user is not None and not member.user.is_active:
                continue
            seen.add(email)
            out.append(
                Outgoing(
                    kind=Kind.WORKPLAN_REMINDER,
                    to_email=email,
                    recipient=member.user,
                    subject=partial(_workplan_subject, due_at, now),
                    template="notifications_workplan_reminder",
                    context={
                        "plan": plan,
                        "mentorship": plan.award.mentorship,
                        "due_on": plan.due_on,
                        "due_at": due_at,
                        "time_left": left,
                        "changes_requested": plan.status
                        == WorkPlan.Status.CHANGES_REQUESTED,
                        "name": member.name,
                        "path": _path("cohorts:mentee-home"),
                        "time_zone": round_.time_zone,
                    },
                    key=f"workplan:{plan.pk}:{plan.due_on:%Y%m%d}:{stage}d",
                )
            )
    return out


def _horizon(offsets: Offsets, kind: str) -> dt.timedelta:
    """How far ahead any rule of ``kind`` can reach, to bound the query."""
    longest = max(offsets.get(kind) or [0])
    for (_round, rule_kind), rule in offsets.rules.items():
        if rule_kind == kind and rule.active:
            longest = max(longest, *(_clean(rule.offsets_days) or [0]))
    return dt.timedelta(days=longest + 1)


# --- events -----------------------------------------------------------------------


def event_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Cohort events to the cohort's active mentees and its mentors; affinity
    group meetings to the admitted members and the leaders."""
    from affinity.models import GroupMember, Meeting
    from applications.models import Award
    from cohorts.models import CohortMember, Event

    horizon = now + _horizon(offsets, Kind.EVENT_REMINDER)
    out = []
    events = (
        Event.objects.filter(starts_at__gt=now, starts_at__lte=horizon)
        .select_related("mentorship__round", "mentorship__mentor_organization")
        .prefetch_related(
            "mentorship__mentors",
            Prefetch(
                "mentorship__awards",
                queryset=Award.objects.filter(status__in=Award.ACTIVE).prefetch_related(
                    Prefetch(
                        "members",
                        queryset=CohortMember.objects.filter(
                            active=True, user__isnull=False
                        ).select_related("user"),
                    )
                ),
            ),
        )
    )
    for event in events:
        round_ = event.mentorship.round
        days = offsets.get(Kind.EVENT_REMINDER, round_)
        stage = rules.due_stage(
            due_at=event.starts_at, now=now, offsets_days=days, since=event.created_at
        )
        if stage is None:
            continue
        awards = [
            a
            for a in event.mentorship.awards.all()
            if event.award_id is None or a.pk == event.award_id
        ]
        users = [m.user for a in awards for m in a.members.all()]
        users += list(event.mentorship.mentors.all())
        for user in _people(users):
            out.append(
                _event_outgoing(
                    user=user,
                    title=event.title,
                    kind_label=event.get_kind_display,
                    where=event.mentorship.short_name,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    location=event.location,
                    link=event.link,
                    agenda=event.agenda,
                    path=event.mentorship.get_absolute_url(),
                    key=f"event:{event.pk}:{event.starts_at:%Y%m%d%H%M}:{stage}d",
                    now=now,
                )
            )

    meeting_days = offsets.get(Kind.EVENT_REMINDER)
    meetings = (
        Meeting.objects.filter(starts_at__gt=now, starts_at__lte=horizon)
        .select_related("group")
        .prefetch_related(
            "group__leaders",
            Prefetch(
                "group__members",
                queryset=GroupMember.objects.filter(
                    status=GroupMember.Status.ADMITTED
                ).select_related("user"),
            ),
        )
    )
    for meeting in meetings:
        stage = rules.due_stage(
            due_at=meeting.starts_at, now=now, offsets_days=meeting_days
        )
        if stage is None:
            continue
        users = [m.user for m in meeting.group.members.all()]
        users += list(meeting.group.leaders.all())
        for user in _people(users):
            out.append(
                _event_outgoing(
                    user=user,
                    title=meeting.title,
                    kind_label=_lazy_meeting_label(),
                    where=meeting.group.topic,
                    starts_at=meeting.starts_at,
                    ends_at=None,
                    location="",
                    link=meeting.link,
                    agenda=meeting.agenda,
                    path=meeting.group.get_absolute_url(),
                    key=f"meeting:{meeting.pk}:{meeting.starts_at:%Y%m%d%H%M}:{stage}d",
                    now=now,
                )
            )
    return out


def _event_outgoing(*, user, title, starts_at, key, now, **context) -> Outgoing:
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


def _lazy_meeting_label():
    from django.utils.translation import gettext_lazy

    return gettext_lazy("Affinity group meeting")


# --- awards and contracts -----------------------------------------------------------


def award_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Offers about to expire, contracts about to start or end: to the members
    of the awarded organization."""
    from applications.models import Award
    from dashmentor.models import Membership

    horizon = _horizon(offsets, Kind.AWARD_MILESTONE)
    today = timezone.localdate(now)
    awards = (
        Award.objects.filter(
            status__in=[
                Award.Status.OFFERED,
                Award.Status.ACCEPTED,
                Award.Status.CONTRACTED,
            ]
        )
        .filter(
            # Only awards with a milestone inside the horizon are loaded.
            _award_window(now, today, horizon)
        )
        .select_related("application__round", "application__organization")
        .prefetch_related(
            Prefetch(
                "application__organization__memberships",
                queryset=Membership.objects.select_related("user"),
            )
        )
    )
    out = []
    for award in awards:
        round_ = award.application.round
        days = offsets.get(Kind.AWARD_MILESTONE, round_)
        milestones = []
        if award.status == Award.Status.OFFERED and award.offer_expires_at:
            milestones.append(("offer", award.offer_expires_at))
        if award.status in (Award.Status.OFFERED, Award.Status.ACCEPTED):
            start = rules.start_of_day(award.contract_start, round_.zone)
            milestones.append(("start", start))
        if award.status in (Award.Status.ACCEPTED, Award.Status.CONTRACTED):
            end = rules.end_of_day(award.contract_end, round_.zone)
            milestones.append(("end", end))
        users = [m.user for m in award.application.organization.memberships.all()]
        for milestone, due_at in milestones:
            stage = rules.due_stage(
                due_at=due_at, now=now, offsets_days=days, since=award.created_at
            )
            if stage is None:
                continue
            left = left_lazy(due_at, now)
            subject = partial(_award_subject, milestone, due_at, now)
            for user in _people(users):
                out.append(
                    Outgoing(
                        kind=Kind.AWARD_MILESTONE,
                        to_email=user.email,
                        recipient=user,
                        subject=subject,
                        template="notifications_award_milestone",
                        context={
                            "award": award,
                            "round": round_,
                            "milestone": milestone,
                            "due_at": due_at,
                            "contract_start": award.contract_start,
                            "contract_end": award.contract_end,
                            "time_left": left,
                            "path": award.application.get_absolute_url(),
                        },
                        key=f"award:{award.pk}:{milestone}:{due_at:%Y%m%d}:{stage}d",
                    )
                )
    return out


def _award_window(now, today, horizon):
    from django.db.models import Q

    last_day = today + horizon + dt.timedelta(days=1)
    return (
        Q(offer_expires_at__gt=now, offer_expires_at__lte=now + horizon)
        | Q(contract_start__gte=today, contract_start__lte=last_day)
        | Q(contract_end__gte=today - dt.timedelta(days=1), contract_end__lte=last_day)
    )


SCANS = {
    "deadline": deadline_reminders,
    "workplan": workplan_reminders,
    "event": event_reminders,
    "award": award_reminders,
}


def reminders_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Write every reminder due at ``now``; return how many were new, by scan."""
    now = now or timezone.now()
    offsets = Offsets()
    counts = {}
    for name, scan in SCANS.items():
        try:
            counts[name] = _write(scan(now, offsets))
        except Exception:
            # One broken scan must not stop the others; the next run retries.
            logger.exception("reminders: the %s scan failed", name)
            counts[name] = 0
    return counts
