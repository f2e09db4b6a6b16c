"""Final-report reminders: before the report is due, to the organization's
members, on the offsets of the award-milestone reminder rules. A scan of
``notifications.reminders`` (registered in ``apps.py``).

Written with an idempotency key naming the award, the due date and the stage
(``final-report:<award>:<date>:<stage>d``), so a second scan sends nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from applications.models import Award
from cohorts.models import CohortMember
from notifications import rules as reminder_rules
from notifications.models import Kind
from notifications.reminders import Offsets, Outgoing, left_lazy, left_text

from .models import FinalReport, RoundTerms


def final_report_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Contracted awards whose final report is not in yet, due within reach."""
    today = timezone.localdate(now)
    awards = _awards_report_open(today, _longest_offset(offsets))
    days_after = dict(RoundTerms.objects.values_list("round_id", "report_due_days"))
    default_days = RoundTerms._meta.get_field("report_due_days").default
    out = []
    for award in awards:
        round_ = award.application.round
        report = getattr(award, "final_report", None)
        due_on = (
            report.due_on
            if report is not None
            else award.contract_end
            + dt.timedelta(days=days_after.get(round_.pk, default_days))
        )
        due_at = reminder_rules.end_of_day(due_on, round_.zone)
        stage = reminder_rules.due_stage(
            due_at=due_at,
            now=now,
            offsets_days=offsets.get(Kind.AWARD_MILESTONE, round_),
            since=award.created_at,
        )
        if stage is None:
            continue
        out.extend(
            _members_reminded(
                award, report=report, due_on=due_on, due_at=due_at, stage=stage, now=now
            )
        )
    return out


def _longest_offset(offsets: Offsets) -> int:
    """The most days before a due date that any award-milestone rule reminds."""
    longest = max(offsets.get(Kind.AWARD_MILESTONE) or [0])
    for (_round, kind), rule in offsets.rules.items():
        if kind == Kind.AWARD_MILESTONE and rule.active:
            longest = max([longest, *(rule.offsets_days or [0])])
    return longest


def _awards_report_open(today: dt.date, longest: int):
    """Contracted awards without a report in, whose contract ends near today."""
    # The report is due some days after the contract ends (at most a year).
    return (
        Award.objects.filter(
            status=Award.Status.CONTRACTED,
            contract_end__gte=today - dt.timedelta(days=366),
            contract_end__lte=today + dt.timedelta(days=longest + 1),
        )
        .filter(
            Q(final_report__isnull=True)
            | Q(final_report__status__in=FinalReport.EDITABLE)
        )
        .select_related("application__round", "final_report")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CohortMember.objects.filter(active=True).select_related(
                    "user"
                ),
            )
        )
    )


def _members_reminded(
    award: Award, *, report, due_on: dt.date, due_at, stage: int, now
) -> list[Outgoing]:
    """One reminder for each active member of the award, one per address."""
    round_ = award.application.round
    left = left_lazy(due_at, now)
    out = []
    seen = set()
    for member in award.members.all():
        user = member.user
        email = ((user.email if user else "") or member.email).lower()
        if not email or email in seen or (user is not None and not user.is_active):
            continue
        seen.add(email)
        out.append(
            Outgoing(
                kind=Kind.AWARD_MILESTONE,
                to_email=email,
                recipient=user,
                subject=partial(_report_subject, due_at, now),
                template="awards_report_reminder",
                context={
                    "name": member.name,
                    "due_on": due_on,
                    "due_at": due_at,
                    "time_left": left,
                    "changes_requested": report is not None
                    and report.status == FinalReport.Status.CHANGES_REQUESTED,
                    "path": reverse("awards:report", args=[award.pk]),
                    "time_zone": round_.time_zone,
                },
                key=f"final-report:{award.pk}:{due_on:%Y%m%d}:{stage}d",
            )
        )
    return out


def _report_subject(due_at, now) -> str:
    return gettext("Your final report is due in %(left)s") % {
        "left": left_text(due_at, now)
    }
