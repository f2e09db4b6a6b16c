"""Reminders of the applicant side: a round's deadline, award milestones."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import Prefetch, Q
from django.utils import timezone

from dashmentor.models import Membership
from notifications import rules
from notifications.models import Kind
from notifications.reminders import (
    Offsets,
    Outgoing,
    award_subject,
    deadline_subject,
    left_lazy,
    reminder_horizon,
    reminder_people,
)

from .models import Application, Award, Round


def deadline_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Drafts of open rounds, to the members of the drafting organization."""
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
            for user in reminder_people(users):
                out.append(
                    Outgoing(
                        kind=Kind.DEADLINE_REMINDER,
                        to_email=user.email,
                        recipient=user,
                        subject=partial(
                            deadline_subject, round_, round_.closes_at, now
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


def award_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Offers about to expire, contracts about to start or end: to the members
    of the awarded organization."""
    horizon = reminder_horizon(offsets, Kind.AWARD_MILESTONE)
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
        users = [m.user for m in award.application.organization.memberships.all()]
        for milestone, due_at in _award_milestones(award, round_):
            stage = rules.due_stage(
                due_at=due_at, now=now, offsets_days=days, since=award.created_at
            )
            if stage is not None:
                out += _milestone_outgoing(
                    award, milestone, due_at, stage, users=users, now=now
                )
    return out


def _award_milestones(award, round_) -> list[tuple[str, dt.datetime]]:
    """The moments an award's people are reminded of: an offer's expiry, the
    contract's first and last day, as the award's status makes them due."""
    milestones = []
    if award.status == Award.Status.OFFERED and award.offer_expires_at:
        milestones.append(("offer", award.offer_expires_at))
    if award.status in (Award.Status.OFFERED, Award.Status.ACCEPTED):
        milestones.append(
            ("start", rules.start_of_day(award.contract_start, round_.zone))
        )
    if award.status in (Award.Status.ACCEPTED, Award.Status.CONTRACTED):
        milestones.append(("end", rules.end_of_day(award.contract_end, round_.zone)))
    return milestones


def _milestone_outgoing(award, milestone, due_at, stage, *, users, now) -> list:
    # Both made in the recipient's language when the message is written.
    left = left_lazy(due_at, now)
    subject = partial(award_subject, milestone, due_at, now)
    return [
        Outgoing(
            kind=Kind.AWARD_MILESTONE,
            to_email=user.email,
            recipient=user,
            subject=subject,
            template="notifications_award_milestone",
            context={
                "award": award,
                "round": award.application.round,
                "milestone": milestone,
                "due_at": due_at,
                "contract_start": award.contract_start,
                "contract_end": award.contract_end,
                "time_left": left,
                "path": award.application.get_absolute_url(),
            },
            key=f"award:{award.pk}:{milestone}:{due_at:%Y%m%d}:{stage}d",
        )
        for user in reminder_people(users)
    ]


def _award_window(now, today, horizon):
    last_day = today + horizon + dt.timedelta(days=1)
    return (
        Q(offer_expires_at__gt=now, offer_expires_at__lte=now + horizon)
        | Q(contract_start__gte=today, contract_start__lte=last_day)
        | Q(contract_end__gte=today - dt.timedelta(days=1), contract_end__lte=last_day)
    )
