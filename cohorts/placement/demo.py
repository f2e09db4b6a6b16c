"""Demo data for placement.

The open round is left for staff to place in one click: the review demo
records the accept and waitlist decisions; this seed only adds one exclusion,
an organizational conflict, so the demo shows the engine honouring it, and
logs where staff place the round.

The past round was placed a week after its decisions went out: the engine's
placement committed, every offer accepted, the contracts signed before the
year began and ended with it, each step dated when it happened.

It creates nothing when there is no accepted applicant yet, and nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.urls import reverse

from applications.models import Application, Award, Decision
from dashmentor.demo import EASTERN, MENTORSHIPS, MENTORSHIPS_ES
from notifications.demo import dated

from ..models import CohortMember, Mentorship, PlacementConstraint, PlacementRun
from . import services

CONFLICT_NOTE = (
    "Organizational conflict: the applicant's board chair also sits on the mentor "
    "organization's board."
)


def seed_mentorships(ctx) -> None:
    """The call's seven mentorships in each demo round, led by the demo mentors."""
    for key, round_ in ctx.rounds.items():
        ctx.mentorships[key] = {}
        for order, (slug, _org, topic, tags, capacity, description) in enumerate(
            MENTORSHIPS, start=1
        ):
            mentorship, created = Mentorship.objects.get_or_create(
                round=round_,
                slug=slug,
                defaults={
                    "mentor_organization": ctx.mentor_orgs[slug],
                    "topic": topic,
                    "tags": tags,
                    "capacity": capacity,
                    "description": description,
                    "topic_es": MENTORSHIPS_ES[slug][0],
                    "tags_es": MENTORSHIPS_ES[slug][1],
                    "description_es": MENTORSHIPS_ES[slug][2],
                    "order": order,
                },
            )
            if created:
                mentorship.mentors.add(ctx.users[f"mentor-{slug}"])
            ctx.mentorships[key][slug] = mentorship


def seed(ctx) -> None:
    _seed_open_round(ctx)
    _seed_past_round(ctx)


def _seed_open_round(ctx) -> None:
    round_ = ctx.rounds.get("open")
    if round_ is None:
        return
    accepted = list(
        Application.objects.filter(
            round=round_, decision__outcome=Decision.Outcome.ACCEPT
        )
        .select_related("organization")
        .prefetch_related("preferences__mentorship__mentor_organization")
        .order_by("id")
    )
    if not accepted:
        ctx.log.append(
            "Placement demo: no accepted applicant in the open round yet; record "
            "decisions in the review, then place them."
        )
        return
    has_rules = PlacementConstraint.objects.filter(mentorship__round=round_).exists()
    committed = PlacementRun.objects.filter(
        round=round_, status=PlacementRun.Status.COMMITTED
    ).exists()
    if not has_rules and not committed:
        for application in accepted:
            prefs = sorted(application.preferences.all(), key=lambda p: p.rank)
            if len(prefs) >= 2:
                PlacementConstraint.objects.get_or_create(
                    application=application,
                    mentorship=prefs[-1].mentorship,
                    defaults={
                        "kind": PlacementConstraint.Kind.FORBID,
                        "note": CONFLICT_NOTE,
                        "created_by": ctx.users.get("staff"),
                    },
                )
                break
    awarded = Award.objects.filter(application__round=round_).count()
    ctx.log.append(
        f"Placement demo: {len(accepted)} accepted applicant(s) of {round_.name}, "
        f"{awarded} award(s); staff place them at "
        f"{reverse('cohorts:placement-round', args=[round_.pk])}"
    )


def _day(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=EASTERN)


def _seed_past_round(ctx) -> None:
    """Place the past round's accepted applicants and run their awards from
    offer to the end of the contract."""
    round_ = ctx.rounds.get("historical")
    staff = ctx.users.get("staff")
    if round_ is None or staff is None:
        return
    if Award.objects.filter(application__round=round_).exists():
        return
    released = Decision.objects.filter(
        application__round=round_,
        outcome=Decision.Outcome.ACCEPT,
        released_at__isnull=False,
    ).aggregate(last=Max("released_at"))["last"]
    if released is None:
        return
    placed_at = released + dt.timedelta(days=7)
    with dated(placed_at):
        run = services.placement_preview(round=round_, by=staff)
        awards = services.placement_commit(run=run, by=staff)
    PlacementRun.objects.filter(pk=run.pk).update(
        created_at=placed_at, committed_at=placed_at
    )
    accepted_at = placed_at + dt.timedelta(days=4)
    signed = _day(round_.contract_start - dt.timedelta(days=10))
    ended = _day(round_.contract_end + dt.timedelta(days=1))
    for award in awards:
        contact = (
            award.members.filter(role=CohortMember.Role.PRIMARY)
            .select_related("user")
            .first()
        )
        with dated(accepted_at):
            services.award_respond(award=award, accept=True, by=contact.user)
        with dated(signed):
            services.award_transition(
                award=award,
                status=Award.Status.CONTRACTED,
                by=staff,
                note="Contract signed.",
            )
        with dated(ended):
            services.award_transition(
                award=award,
                status=Award.Status.ENDED,
                by=staff,
                note="The mentorship year is over.",
            )
    Award.objects.filter(application__round=round_).update(
        created_at=placed_at, updated_at=ended
    )
    CohortMember.objects.filter(award__application__round=round_).update(
        invited_at=placed_at, joined_at=accepted_at
    )
    ctx.log.append(
        f"Placement demo: {round_.name}: {len(awards)} organizations placed, "
        "contracted and their year ended."
    )
