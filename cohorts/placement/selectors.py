"""Reads of the placement, award and cohort pages, each in a fixed number of queries.

The placement engine (``cohorts.placement``) works on plain data;
:func:`placement_inputs` is the one place that turns a round's rows into its
``Candidate`` and ``Cohort`` values, so the preview, a move by hand and the
waitlist all see the same scores, preferences and free seats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from applications.models import Application, Award, Decision, Preference, Round

from ..models import (
    CohortMember,
    Mentorship,
    PlacementConstraint,
    PlacementEntry,
    PlacementRun,
)
from . import rules as engine


def application_score(application: Application) -> Decimal:
    """The score placement ranks by: normalized, else the mean, else zero."""
    if application.score_normalized is not None:
        return application.score_normalized
    if application.score_mean is not None:
        return application.score_mean
    return Decimal("0")


def _ordered_preferences():
    return Prefetch(
        "preferences",
        queryset=Preference.objects.order_by("rank").only(
            "id", "application_id", "mentorship_id", "rank"
        ),
    )


def mentorships_with_seats(*, round: Round):
    """The round's mentorships, each with ``active_count`` of seats held."""
    return (
        Mentorship.objects.filter(round=round)
        .select_related("mentor_organization")
        .annotate(
            active_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .order_by("order", "id")
    )


@dataclass
class PlacementInputs:
    """A round's placement problem, as rows and as the engine's values."""

    round: Round
    applications: dict[int, Application]
    mentorships: dict[int, Mentorship]
    candidates: list[engine.Candidate]
    cohorts: list[engine.Cohort]
    total_awards: int
    awards_active: int
    pins: dict[int, int] = field(default_factory=dict)
    forbidden: list[tuple[int, int]] = field(default_factory=list)
    constraints: list[PlacementConstraint] = field(default_factory=list)

    def seats_left(self, mentorship_id: int) -> int:
        m = self.mentorships[mentorship_id]
        return max(m.capacity - m.active_count, 0)


def placement_inputs(*, round: Round) -> PlacementInputs:
    """Build the placement problem of a round's accepted, not yet awarded applicants.

    A mentorship offers its capacity minus the seats active awards already hold;
    the round offers its number of awards minus the active awards. Pins and
    forbidden pairs come from the round's ``PlacementConstraint`` rows; a pin on
    an applicant that is not to be placed (no longer accepted, or awarded) is
    left out.
    """
    applications = _applications_to_place(round)
    mentorships = {m.pk: m for m in mentorships_with_seats(round=round)}
    awards_active = sum(m.active_count for m in mentorships.values())
    candidates = [
        engine.Candidate(
            id=a.pk,
            name=a.organization.name,
            score=float(application_score(a)),
            preferences=tuple(p.mentorship_id for p in a.preferences.all()),
        )
        for a in applications.values()
    ]
    cohorts = [
        engine.Cohort(
            id=m.pk, name=m.short_name, capacity=max(m.capacity - m.active_count, 0)
        )
        for m in mentorships.values()
    ]
    constraints = _round_constraints(round)
    pins = {
        c.application_id: c.mentorship_id
        for c in constraints
        if c.kind == PlacementConstraint.Kind.PIN and c.application_id in applications
    }
    forbidden = [
        (c.application_id, c.mentorship_id)
        for c in constraints
        if c.kind == PlacementConstraint.Kind.FORBID
    ]
    return PlacementInputs(
        round=round,
        applications=applications,
        mentorships=mentorships,
        candidates=candidates,
        cohorts=cohorts,
        total_awards=max(round.awards_count - awards_active, 0),
        awards_active=awards_active,
        pins=pins,
        forbidden=forbidden,
        constraints=constraints,
    )


def _applications_to_place(round: Round) -> dict[int, Application]:
    """The round's accepted applications without an award, by id."""
    return {
        a.pk: a
        for a in Application.objects.filter(
            round=round,
            decision__outcome=Decision.Outcome.ACCEPT,
            award__isnull=True,
        )
        .select_related("organization")
        .prefetch_related(_ordered_preferences())
        .order_by("id")
    }


def _round_constraints(round: Round) -> list[PlacementConstraint]:
    """The round's pins and exclusions, by applicant name."""
    return list(
        PlacementConstraint.objects.filter(mentorship__round=round)
        .select_related("application__organization", "mentorship__mentor_organization")
        .order_by("application__organization__name", "mentorship__order")
    )


def placement_round_list():
    """Every round, newest first, with its accepted, waitlisted and awarded counts."""
    return Round.objects.annotate(
        accepted=Count(
            "applications",
            filter=Q(applications__decision__outcome=Decision.Outcome.ACCEPT),
        ),
        waitlisted=Count(
            "applications",
            filter=Q(applications__decision__outcome=Decision.Outcome.WAITLIST),
        ),
        awarded=Count(
            "applications",
            filter=Q(applications__award__status__in=Award.ACTIVE),
        ),
    ).order_by("-closes_at")


def placement_run_current(*, round: Round) -> PlacementRun | None:
    """The round's open preview, else its latest committed run, else None."""
    runs = PlacementRun.objects.filter(round=round).select_related(
        "created_by", "committed_by"
    )
    return (
        runs.filter(status=PlacementRun.Status.PREVIEW).first()
        or runs.filter(status=PlacementRun.Status.COMMITTED).first()
    )


@dataclass
class RunRoster:
    """One mentorship's column of a run: who lands there, and what is left."""

    mentorship: Mentorship
    entries: list[PlacementEntry]

    @property
    def held(self) -> int:
        return self.mentorship.active_count

    @property
    def seats_left(self) -> int:
        return self.mentorship.capacity - self.held - len(self.entries)


@dataclass
class RunView:
    run: PlacementRun
    rosters: list[RunRoster]
    unplaced: list[PlacementEntry]
    choice_counts: list[tuple[str, int]]

    @property
    def placed_count(self) -> int:
        return sum(len(r.entries) for r in self.rosters)


def _ordinal(n: int) -> str:
    if not translation.get_language().startswith("en"):
        # "1.ª": the feminine ordinal indicator of "opción", the word it goes with.
        return pgettext("ordinal of a ranked choice", "%(number)d.ª") % {"number": n}
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10)
    return f"{n}{suffix or 'th'}"


def _choice_label(choice: int | None) -> str:
    if not choice:
        return gettext("unranked")
    return gettext("%(ordinal)s choice") % {"ordinal": _ordinal(choice)}


def placement_run_view(*, run: PlacementRun) -> RunView:
    """A run's rosters per mentorship (highest score first) and its unplaced."""
    mentorships = list(mentorships_with_seats(round=run.round))
    entries = list(
        run.entries.select_related("application__organization").order_by(
            "-score", "application__organization__name", "id"
        )
    )
    by_mentorship = defaultdict(list)
    unplaced = []
    counts: dict[int | None, int] = defaultdict(int)
    for entry in entries:
        if entry.mentorship_id is None:
            unplaced.append(entry)
            continue
        by_mentorship[entry.mentorship_id].append(entry)
        counts[entry.choice or None] += 1
    rosters = [RunRoster(m, by_mentorship.get(m.pk, [])) for m in mentorships]
    ordered = [
        (_choice_label(choice), count)
        for choice, count in sorted(
            counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)
        )
    ]
    return RunView(run=run, rosters=rosters, unplaced=unplaced, choice_counts=ordered)


def placement_roster(*, run: PlacementRun, mentorship: Mentorship) -> RunRoster:
    """One mentorship's roster in a run, with its seats held by earlier awards."""
    mentorship = mentorships_with_seats(round=run.round).get(pk=mentorship.pk)
    entries = list(
        run.entries.filter(mentorship=mentorship)
        .select_related("application__organization")
        .order_by("-score", "application__organization__name", "id")
    )
    return RunRoster(mentorship, entries)


def placement_entry_choices(*, entry: PlacementEntry) -> list[dict]:
    """The applicant's ranked mentorships, each with whether it landed there."""
    prefs = (
        Preference.objects.filter(application_id=entry.application_id)
        .select_related("mentorship__mentor_organization")
        .order_by("rank")
    )
    return [
        {
            "rank": p.rank,
            "mentorship": p.mentorship,
            "landed": p.mentorship_id == entry.mentorship_id,
        }
        for p in prefs
        if p.mentorship.round_id == entry.run.round_id
    ]


def award_list(*, round: Round):
    """A round's awards with organization, mentorship and status."""
    return (
        Award.objects.filter(application__round=round)
        .select_related("application__organization", "mentorship__mentor_organization")
        .order_by("mentorship__order", "application__organization__name")
    )


@dataclass
class WaitlistSeat:
    mentorship: Mentorship
    seats_left: int
    proposal: Application | None


@dataclass
class WaitlistView:
    seats: list[WaitlistSeat]
    awards_left: int
    expired: list[Award]
    pending: list[Award]
    waitlisted: list[Application]


def waitlist_view(*, round: Round) -> WaitlistView:
    """Free seats of the round, each with the best waitlisted applicant for it.

    The proposal for a mentorship is the waitlisted application with the highest
    score that ranked it, has no award and is not forbidden there.
    """
    mentorships = list(mentorships_with_seats(round=round))
    awards_left = max(round.awards_count - sum(m.active_count for m in mentorships), 0)
    waitlisted = sorted(
        Application.objects.filter(
            round=round,
            decision__outcome=Decision.Outcome.WAITLIST,
            award__isnull=True,
        )
        .select_related("organization")
        .prefetch_related(_ordered_preferences()),
        key=lambda a: (-application_score(a), a.pk),
    )
    forbidden = set(
        PlacementConstraint.objects.filter(
            mentorship__round=round, kind=PlacementConstraint.Kind.FORBID
        ).values_list("application_id", "mentorship_id")
    )
    seats = []
    for m in mentorships:
        left = m.capacity - m.active_count
        if left <= 0:
            continue
        proposal = next(
            (
                a
                for a in waitlisted
                if (a.pk, m.pk) not in forbidden
                and any(p.mentorship_id == m.pk for p in a.preferences.all())
            ),
            None,
        )
        seats.append(WaitlistSeat(m, left, proposal if awards_left else None))
    offers = list(
        Award.objects.filter(application__round=round, from_waitlist=True)
        .filter(status__in=[Award.Status.OFFERED, Award.Status.EXPIRED])
        .select_related("application__organization", "mentorship__mentor_organization")
        .order_by("offer_expires_at")
    )
    return WaitlistView(
        seats=seats,
        awards_left=awards_left,
        expired=[a for a in offers if a.status == Award.Status.EXPIRED],
        pending=[a for a in offers if a.status == Award.Status.OFFERED],
        waitlisted=waitlisted,
    )


def offers_expired(*, now=None):
    """Offered awards whose offer has run out: the expiry task's work list."""
    now = now or timezone.now()
    return Award.objects.filter(
        status=Award.Status.OFFERED, offer_expires_at__lte=now
    ).order_by("id")


def cohort_roster(*, mentorship: Mentorship):
    """A cohort's awards (active first, then ended or left) with their members."""
    return (
        mentorship.awards.select_related("application__organization")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CohortMember.objects.filter(active=True).select_related(
                    "user"
                ),
            )
        )
        .order_by("application__organization__name")
    )


def mentorship_roster(*, mentorship):
    """The active awards of a mentorship with their active members."""
    return (
        mentorship.awards.filter(status__in=Award.ACTIVE)
        .select_related("application__organization")
        .prefetch_related(
            Prefetch("members", queryset=CohortMember.objects.filter(active=True))
        )
    )


def award_list_for_staff():
    """Awards with what their staff page shows of them."""
    return Award.objects.select_related(
        "application__organization",
        "application__round",
        "mentorship__mentor_organization",
    )


def award_members(*, award):
    """The award's people, those still in the cohort first."""
    return award.members.select_related("user").order_by("-active", "role", "name")
