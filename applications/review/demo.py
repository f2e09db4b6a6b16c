"""Demo review data.

The open round: reviewers assigned, most reviews in, one harsh and one
lenient reviewer, a few disagreements and a declared conflict, and some
internal decisions waiting to be released.

The past round: every eligible application reviewed three times in the weeks
after the deadline, decided at the review meeting and the decisions released,
each step dated when it happened.

Runs after ``applications.demo`` (which submits the rounds' applications).
Idempotent: it assigns only what is missing, scores only assignments not yet
scored, and decides only when the round has no decision yet.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from notifications.demo import dated

from ..models import (
    Application,
    Conflict,
    Criterion,
    Decision,
    Review,
    ReviewAssignment,
)
from . import services

# How each demo reviewer scores, on top of an application's own quality:
# Robin Ames (the "reviewer" account) is harsh, Dana Liu is lenient.
BIAS = {"reviewer": -0.9, "reviewer2": 0.0, "reviewer3": 0.8, "reviewer4": 0.1}
# The demo reviewer keeps a few applications to do, one of them half done.
LEAVE_OPEN_FOR_REVIEWER = 3

COMMENTS = {
    "need": [
        "The need for guidance is clear and specific.",
        "Say more about what you have already tried.",
    ],
    "stakeholders": [
        "Strong engagement of partners outside health care.",
        "The housing partner's role is not yet defined.",
    ],
    "equity": [
        "People with lived experience sit on the steering group: excellent.",
        "Describe how community members will shape the work.",
    ],
    "sustainability": [
        "The plan to keep the data-sharing agreement after the year is convincing.",
        "Sustainability beyond the mentorship year is unclear.",
    ],
}


def _submitted_applications(ctx, round_):
    apps = getattr(ctx, "applications", None)
    qs = Application.objects.filter(
        round=round_,
        status__in=[Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW],
    )
    if apps:
        qs = qs.filter(pk__in=[a.pk for a in apps])
    return list(qs.select_related("organization", "round").order_by("pk"))


def _quality(application) -> float:
    # Keyed by names, never ids: ids differ from one database to the next, and
    # the demo must come out the same everywhere (who is accepted, placed, ...).
    key = f"quality-{application.organization.name}-{application.round.name}"
    return random.Random(key).uniform(1.8, 4.7)


def _score(rng, quality, bias, criterion) -> int:
    value = round(quality + bias + rng.gauss(0, 0.45))
    return max(criterion.scale_min, min(criterion.scale_max, value))


def seed(ctx) -> None:
    _seed_open_round(ctx)
    _seed_past_round(ctx)


def _scores(rng, criteria, quality, bias) -> dict:
    scores = {}
    for c in criteria:
        value = _score(rng, quality, bias, c)
        comment, shareable = "", False
        if c.key in COMMENTS and rng.random() < 0.5:
            good = value >= 4
            comment = COMMENTS[c.key][0 if good else 1]
            shareable = rng.random() < 0.7
        scores[c.pk] = services.ScoreInput(value, comment, shareable)
    return scores


OVERALL = [
    "",
    "A thoughtful application from a collaboration ready to act.",
    "Promising, but the plan needs sharper goals.",
]


def _seed_open_round(ctx) -> None:
    round_ = ctx.rounds.get("open")
    staff = ctx.users.get("staff")
    if round_ is None or staff is None:
        return
    applications = _submitted_applications(ctx, round_)
    if not applications:
        ctx.log.append("Review demo: no submitted application in the open round yet.")
        return
    keys = ["reviewer", "reviewer2", "reviewer3", "reviewer4", "reviewer5", "staff"]
    users = {k: ctx.users[k] for k in keys if k in ctx.users}
    by_user = {u.pk: k for k, u in users.items()}
    eligible = [
        a for a in applications if a.eligibility == Application.Eligibility.ELIGIBLE
    ]
    _funder_conflict(users, eligible, staff)
    result = services.review_assign_auto(round=round_, by=staff, notify=False)
    _declared_conflict(round_, users)
    criteria = list(Criterion.objects.filter(round=round_).order_by("order", "pk"))
    scored, left_for_reviewer = _open_reviews(round_, criteria, by_user, eligible)
    # The round's aggregates once, not after each of a hundred reviews.
    services.round_recompute(round=round_)
    _half_done_review(round_, users, left_for_reviewer, criteria)
    decided = _open_decisions(round_, staff)
    ctx.log.append(
        f"Review demo: {result.created} assignment(s), {scored} review(s) "
        f"submitted, {decided} decision(s) recorded (not released)."
    )


def _funder_conflict(users, eligible, staff) -> None:
    """An organization-level conflict, recorded before anyone is assigned."""
    if "reviewer4" in users and len(eligible) > 5:
        Conflict.objects.get_or_create(
            reviewer=users["reviewer4"],
            organization=eligible[5].organization,
            defaults={
                "kind": Conflict.Kind.FUNDER,
                "note": "Sits on the board of this applicant's main funder.",
                "declared_by": staff,
            },
        )


def _declared_conflict(round_, users) -> None:
    """Reviewer 2 declares a conflict on its first assignment (once)."""
    if (
        "reviewer2" in users
        and not Conflict.objects.filter(
            reviewer=users["reviewer2"], application__round=round_
        ).exists()
    ):
        first = (
            ReviewAssignment.objects.filter(
                reviewer=users["reviewer2"],
                application__round=round_,
                status=ReviewAssignment.Status.ASSIGNED,
            )
            .order_by("pk")
            .first()
        )
        if first is not None:
            services.conflict_declare(
                assignment=first,
                kind=Conflict.Kind.FORMER_COLLEAGUE,
                note="I worked with the primary contact until last spring.",
                by=users["reviewer2"],
            )


def _open_reviews(round_, criteria, by_user, eligible):
    """Submit most open assignments' scores (leaving some to the demo reviewer
    and a few to others); return how many, and the demo reviewer's open ones."""
    open_assignments = list(
        ReviewAssignment.objects.filter(
            application__round=round_,
            status=ReviewAssignment.Status.ASSIGNED,
            application__decision__isnull=True,
        )
        .select_related("application__organization", "application__round", "reviewer")
        .order_by("pk")
    )
    left_for_reviewer = [
        a for a in open_assignments if by_user.get(a.reviewer_id) == "reviewer"
    ][:LEAVE_OPEN_FOR_REVIEWER]
    skip = {a.pk for a in left_for_reviewer}
    # Some disagreement: on every seventh application one reviewer sees it
    # very differently.
    disagree = {a.pk for i, a in enumerate(eligible) if i % 7 == 3}
    scored = 0
    for assignment in open_assignments:
        app = assignment.application
        key = by_user.get(assignment.reviewer_id, "")
        rng = random.Random(
            f"score-{app.organization.name}-{app.round.name}-{assignment.reviewer.email}"
        )
        if assignment.pk in skip:
            continue
        # About one review in twelve is still to do, spread over reviewers.
        if rng.random() < 0.08:
            continue
        bias = BIAS.get(key, 0.0)
        if app.pk in disagree and key in ("reviewer3", "staff"):
            bias += 2.0 if _quality(app) < 3 else -2.0
        services.review_save(
            assignment=assignment,
            scores=_scores(rng, criteria, _quality(app), bias),
            overall_comment=rng.choice(OVERALL),
            by=assignment.reviewer,
            submit=True,
            recompute=False,
        )
        scored += 1
    return scored, left_for_reviewer


def _half_done_review(round_, users, left_for_reviewer, criteria) -> None:
    """The demo reviewer's first open assignment is half done (once)."""
    has_draft = ReviewAssignment.objects.filter(
        application__round=round_,
        reviewer=users.get("reviewer"),
        status=ReviewAssignment.Status.IN_PROGRESS,
    ).exists()
    if left_for_reviewer and criteria and not has_draft:
        draft = left_for_reviewer[0]
        services.review_save(
            assignment=draft,
            scores={criteria[0].pk: services.ScoreInput(3)},
            overall_comment="",
            by=draft.reviewer,
        )


def _open_decisions(round_, staff) -> int:
    """Internal decisions on the best and worst complete applications, unless
    the round has some; return how many were recorded."""
    if Decision.objects.filter(application__round=round_).exists():
        return 0
    complete = list(
        Application.objects.filter(
            round=round_,
            eligibility=Application.Eligibility.ELIGIBLE,
            reviews_done__gte=round_.reviews_per_application,
        )
        .exclude(Q(assignments__status__in=["assigned", "in_progress"]))
        .order_by("-score_normalized")
        .distinct()
    )
    plan = (
        [(a, Decision.Outcome.ACCEPT) for a in complete[:8]]
        + [(a, Decision.Outcome.WAITLIST) for a in complete[8:11]]
        + [(a, Decision.Outcome.DECLINE) for a in complete[-4:]]
    )
    decided = 0
    seen = set()
    for application, outcome in plan:
        if application.pk in seen:
            continue
        seen.add(application.pk)
        services.decision_record(
            application=application,
            outcome=outcome,
            note="Proposed at the review meeting.",
            share_feedback=outcome != Decision.Outcome.ACCEPT,
            by=staff,
            seen_version=0,
        )
        decided += 1
    return decided


REVIEWED = "Decided at the review meeting."
NOT_ELIGIBLE = "Did not meet the eligibility criteria of the call."


def _seed_past_round(ctx) -> None:
    """Reviews, decisions and their release for the past round, dated."""
    round_ = ctx.rounds.get("historical")
    if round_ is None or "staff" not in ctx.users:
        return
    if Decision.objects.filter(application__round=round_).exists():
        return
    reviews = review_round(ctx, round_)
    decisions = decide_round(ctx, round_, accept=12)
    if reviews or decisions:
        ctx.log.append(
            f"Review demo: {round_.name}: {reviews} reviews, {decisions} decisions "
            "released."
        )


def review_round(ctx, round_) -> int:
    """Give every eligible application of a closed round its reviewers, and
    have each submit its review, in the weeks after the deadline (dated so).
    Only what is missing is assigned and reviewed; returns how many reviews."""
    staff = ctx.users["staff"]
    closes = round_.closes_at
    assigned_at = closes + dt.timedelta(days=3)
    with dated(assigned_at):
        services.review_assign_auto(round=round_, by=staff)
    ReviewAssignment.objects.filter(
        application__round=round_, assigned_at__gt=assigned_at
    ).update(assigned_at=assigned_at)
    by_user = {u.pk: k for k, u in ctx.users.items()}
    criteria = list(Criterion.objects.filter(round=round_).order_by("order", "pk"))
    assignments = list(
        ReviewAssignment.objects.filter(
            application__round=round_, status=ReviewAssignment.Status.ASSIGNED
        )
        .select_related("application__organization", "reviewer")
        .order_by("pk")
    )
    with dated(closes + dt.timedelta(days=24)):
        for assignment in assignments:
            rng = random.Random(
                f"past-{assignment.application.organization.name}-{assignment.reviewer.email}"
            )
            bias = BIAS.get(by_user.get(assignment.reviewer_id, ""), 0.0)
            services.review_save(
                assignment=assignment,
                scores=_scores(rng, criteria, _quality(assignment.application), bias),
                overall_comment=rng.choice(OVERALL),
                by=assignment.reviewer,
                submit=True,
                recompute=False,
            )
            Review.objects.filter(assignment=assignment).update(
                submitted_at=closes + dt.timedelta(days=rng.randint(6, 24), hours=10)
            )
        services.round_recompute(round=round_)
    return len(assignments)


def decide_round(ctx, round_, *, accept: int | set[int]) -> int:
    """The review meeting of a closed round, a month after the deadline, and
    the release of its decisions five days later (dated so).

    ``accept`` is how many of the best eligible applications are accepted, or
    which. Of the rest, the next three go on the waitlist and the others are
    declined, those that did not pass screening with the reason. Returns how
    many decisions were released.
    """
    staff = ctx.users["staff"]
    applications = list(
        Application.objects.filter(
            round=round_,
            status__in=[Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW],
            decision__isnull=True,
        ).order_by("pk")
    )
    if not applications:
        return 0
    plan = _meeting_plan(applications, accept)
    meeting = round_.closes_at + dt.timedelta(days=30)
    with dated(meeting):
        for application, outcome, note in plan:
            services.decision_record(
                application=application,
                outcome=outcome,
                note=note,
                share_feedback=outcome != Decision.Outcome.ACCEPT,
                by=staff,
                seen_version=0,
            )
    released = meeting + dt.timedelta(days=5)
    with dated(released):
        count = services.decision_release(
            by=staff,
            decisions=Decision.objects.filter(
                application__in=[a for a, _o, _n in plan]
            ),
        )
    Decision.objects.filter(application__in=[a for a, _o, _n in plan]).update(
        decided_at=meeting, released_at=released
    )
    return count


def _meeting_plan(applications, accept) -> list[tuple]:
    """(application, outcome, note) for each application: the accepted, then
    three on the waitlist, the other eligible ones declined, and those that did
    not pass screening declined with the reason."""
    ranked = [
        a
        for a in sorted(
            applications,
            key=lambda a: (
                a.score_normalized is None,
                -(a.score_normalized or 0),
                a.pk,
            ),
        )
        if a.eligibility == Application.Eligibility.ELIGIBLE
    ]
    if isinstance(accept, int):
        accepted = {a.pk for a in ranked[:accept]}
    else:
        accepted = set(accept)
    others = [a for a in ranked if a.pk not in accepted]
    return (
        [(a, Decision.Outcome.ACCEPT, REVIEWED) for a in ranked if a.pk in accepted]
        + [(a, Decision.Outcome.WAITLIST, REVIEWED) for a in others[:3]]
        + [(a, Decision.Outcome.DECLINE, REVIEWED) for a in others[3:]]
        + [
            (a, Decision.Outcome.DECLINE, NOT_ELIGIBLE)
            for a in applications
            if a not in ranked
        ]
    )
