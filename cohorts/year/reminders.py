"""Reminders of the mentorship year: work plans due, cohort events."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import Prefetch
from django.utils import timezone

from applications.models import Award
from notifications import rules
from notifications.models import Kind
from notifications.reminders import (
    Offsets,
    Outgoing,
    event_outgoing,
    left_lazy,
    reminder_horizon,
    reminder_path,
    reminder_people,
    workplan_subject,
)

from ..models import CohortMember, Event, WorkPlan


def workplan_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Work plans not yet submitted (or sent back), to the mentee organization."""
    horizon = reminder_horizon(offsets, Kind.WORKPLAN_REMINDER)
    today = timezone.localdate(now)
    out = []
    for plan in _plans_due(today, horizon):
        round_ = plan.award.application.round
        days = offsets.get(Kind.WORKPLAN_REMINDER, round_)
        due_at = rules.end_of_day(plan.due_on, round_.zone)
        stage = rules.due_stage(
            due_at=due_at, now=now, offsets_days=days, since=plan.award.created_at
        )
        if stage is None:
            continue
        out.extend(_plan_outgoing(plan, now, due_at, stage))
    return out


def _plans_due(today: dt.date, horizon: dt.timedelta):
    """Open plans of running awards due from yesterday to the horizon."""
    return (
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


def _plan_outgoing(
    plan: WorkPlan, now: dt.datetime, due_at: dt.datetime, stage: int
) -> list[Outgoing]:
    """One reminder for each active member's address of the plan's award."""
    round_ = plan.award.application.round
    left = left_lazy(due_at, now)
    out = []
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
                subject=partial(workplan_subject, due_at, now),
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
                    "path": reminder_path("cohorts:mentee-home"),
                    "time_zone": round_.time_zone,
                },
                key=f"workplan:{plan.pk}:{plan.due_on:%Y%m%d}:{stage}d",
            )
        )
    return out


def event_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Cohort events to the cohort's active mentees and its mentors."""

    horizon = now + reminder_horizon(offsets, Kind.EVENT_REMINDER)
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
        for user in reminder_people(users):
            out.append(
                event_outgoing(
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
    return out
