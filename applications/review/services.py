"""Every write of the review desk: assignment, conflicts, scores, aggregates,
decisions and their release (an eligibility override is the applicant side's
``applications.services.eligibility_override``).

Services are keyword-only, run in one transaction and write an audit row for
each eligibility override, score change and decision, on the application, so
the application's admin page shows who changed what, when, before and after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor import broker
from dashmentor.models import AuditEvent, Membership, User
from dashmentor.services import audit_record
from dashmentor.status import status_move, status_update
from notifications.models import Kind
from notifications.services import message_enqueue

from ..models import (
    Application,
    Conflict,
    Contact,
    Criterion,
    Decision,
    Partner,
    Review,
    ReviewAssignment,
    Round,
    Score,
)
from ..services import application_transition
from . import rules

# Messages the services raise; tests and views use the same constants.
NOT_A_REVIEWER = "{name} is not a reviewer."
CONFLICTED = "{name} has a conflict of interest with this application."
ALREADY_ASSIGNED = "{name} is already assigned to this application."
OVER_CAP = "{name} already has {cap} applications, the round's cap per reviewer."
NOT_REVIEWABLE = _("Only submitted, eligible applications are reviewed.")
ASSIGNMENT_CLOSED = _("This assignment is no longer open.")
REVIEW_LOCKED = _("A decision has been made; the reviews can no longer be changed.")
SUBMITTED_NOT_REMOVABLE = _("A submitted review cannot be removed.")
DECISION_CHANGED = (
    "{who} recorded “{outcome}” on this application at {when} while you were "
    "deciding. Nothing was overwritten: read their decision, then decide again."
)
DECISION_RELEASED = _("This decision has been released to the applicant; it is final.")
DECISION_NOT_OPEN = _("Only submitted applications can be decided.")


def _assignment_subject(round_) -> str:
    return gettext("Applications to review: %(round)s") % {"round": round_.name}


def _decision_subject(round_) -> str:
    return gettext("Your application to the %(round)s: decision") % {
        "round": round_.name
    }


NO_RUBRIC = _("This round has no rubric yet; the program office will add it.")

ACTIVE = (
    ReviewAssignment.Status.ASSIGNED,
    ReviewAssignment.Status.IN_PROGRESS,
    ReviewAssignment.Status.SUBMITTED,
)
REVIEWABLE_STATUSES = (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)


# --------------------------------------------------------------------------
# Status moves with their audit rows


def _move_statuses(applications: Sequence[Application], to: str, *, by, note: str):
    """Move applications to ``to`` where the transition table allows it.

    The bulk twin of ``applications.services.application_transition``, with
    the same audit row per moved application, because an auto-assignment can
    start the review of thousands at once.
    """
    moved = [a for a in applications if a.status != to and a.can_move_to(to)]
    if not moved:
        return []
    ct = ContentType.objects.get_for_model(Application)
    now = timezone.now()
    events = [
        AuditEvent(
            actor=by if getattr(by, "is_authenticated", False) else None,
            action="application.status",
            content_type=ct,
            object_id=str(a.pk),
            object_repr=str(a.pk),
            before={"status": a.status},
            after={"status": to},
            note=note,
            created_at=now,
        )
        for a in moved
    ]
    status_update(
        Application.objects.filter(pk__in=[a.pk for a in moved]),
        to,
        before={a.status for a in moved},
        rows=moved,
    )
    AuditEvent.objects.bulk_create(events)
    return moved


# --------------------------------------------------------------------------
# Conflicts and assignment


def conflicted_reviewers(application_ids: Iterable[int]) -> dict[int, set[int]]:
    """Map each application to the reviewers who may not review it.

    A reviewer is conflicted when it declared or was recorded with a conflict
    on the application itself, on the applicant organization or on a partner
    organization of its collaboration, or when it is a member of either (same
    organization).
    """
    application_ids = list(application_ids)
    orgs_of: dict[int, set[int]] = defaultdict(set)
    for app_id, org_id in Application.objects.filter(
        pk__in=application_ids
    ).values_list("pk", "organization_id"):
        orgs_of[app_id].add(org_id)
    for app_id, org_id in Partner.objects.filter(
        application_id__in=application_ids, organization__isnull=False
    ).values_list("application_id", "organization_id"):
        orgs_of[app_id].add(org_id)
    apps_of_org: dict[int, set[int]] = defaultdict(set)
    for app_id, orgs in orgs_of.items():
        for org_id in orgs:
            apps_of_org[org_id].add(app_id)

    result: dict[int, set[int]] = {app_id: set() for app_id in application_ids}
    for reviewer_id, app_id, org_id in Conflict.objects.filter(
        Q(application_id__in=application_ids) | Q(organization_id__in=apps_of_org)
    ).values_list("reviewer_id", "application_id", "organization_id"):
        if app_id in result:
            result[app_id].add(reviewer_id)
        for other in apps_of_org.get(org_id, ()):
            result[other].add(reviewer_id)
    for user_id, org_id in Membership.objects.filter(
        organization_id__in=apps_of_org
    ).values_list("user_id", "organization_id"):
        for app_id in apps_of_org[org_id]:
            result[app_id].add(user_id)
    return result


def reviewer_pool():
    return User.objects.filter(is_reviewer=True, is_active=True)


def reviewer_loads(*, round: Round, reviewers: Iterable[int]) -> dict[int, int]:
    """How many open or done assignments each reviewer has in the round."""
    loads = {r: 0 for r in reviewers}
    rows = (
        ReviewAssignment.objects.filter(
            application__round=round, status__in=ACTIVE, reviewer_id__in=loads
        )
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        loads[row["reviewer_id"]] = row["n"]
    return loads


def _assignment_notify(round: Round, reviewer_ids: Iterable[int]) -> None:
    """Tell each reviewer, once per batch, that new applications await it."""
    from django.urls import reverse

    reviewers = User.objects.filter(pk__in=set(reviewer_ids))
    latest = dict(
        ReviewAssignment.objects.filter(
            application__round=round, reviewer__in=reviewers, status__in=ACTIVE
        )
        .values("reviewer_id")
        .annotate(last=Max("id"), n=Count("id"))
        .values_list("reviewer_id", "last")
    )
    for reviewer in reviewers:
        message_enqueue(
            kind=Kind.REVIEW_ASSIGNMENT,
            to_email=reviewer.email,
            subject=partial(_assignment_subject, round),
            template="review_assignment",
            context={
                "round": round,
                "path": reverse("applications:reviewer-queue"),
            },
            key=f"review_assignment:{round.pk}:{latest.get(reviewer.pk)}",
            recipient=reviewer,
        )


@dataclass
class AutoAssignResult:
    created: int
    shortfalls: dict[int, int]
    loads: dict[int, int]


def _assignment_needs(applications, k: int) -> list[rules.AssignmentNeed]:
    """How many more active reviewers each application needs, and who may not
    be one (already on it, or in conflict)."""
    app_ids = [a.pk for a in applications]
    existing: dict[int, set[int]] = defaultdict(set)
    active_count: dict[int, int] = defaultdict(int)
    for app_id, reviewer_id, status in ReviewAssignment.objects.filter(
        application_id__in=app_ids
    ).values_list("application_id", "reviewer_id", "status"):
        existing[app_id].add(reviewer_id)
        if status in ACTIVE:
            active_count[app_id] += 1
    conflicts = conflicted_reviewers(app_ids)
    return [
        rules.AssignmentNeed(
            application_id=a.pk,
            needed=max(0, k - active_count[a.pk]),
            excluded=frozenset(existing[a.pk] | conflicts[a.pk]),
        )
        for a in applications
    ]


def _assignments_create(pairs, by) -> None:
    """Write the planned (application, reviewer) pairs as assignments."""
    now = timezone.now()
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application_id=app_id,
                reviewer_id=reviewer_id,
                assigned_by=by,
                assigned_at=now,
            )
            for app_id, reviewer_id in pairs
        ]
    )


@transaction.atomic
def review_assign_auto(
    *, round: Round, by, per_application: int | None = None, notify: bool = True
) -> AutoAssignResult:
    """Give each eligible application of the round ``k`` active reviewers.

    ``k`` is the round's reviews per application. Applications that already
    have some keep them and get only what they lack; a reviewer with a
    conflict, or already on the application, is never chosen; no reviewer goes
    above the round's cap; loads are balanced (see ``plan_assignments``).
    """
    k = per_application or round.reviews_per_application
    applications = list(
        Application.objects.select_for_update()
        .filter(
            round=round,
            status__in=REVIEWABLE_STATUSES,
            eligibility=Application.Eligibility.ELIGIBLE,
        )
        .order_by("pk")
    )
    needs = _assignment_needs(applications, k)
    pool = list(reviewer_pool().values_list("pk", flat=True))
    loads = reviewer_loads(round=round, reviewers=pool)
    plan = rules.plan_assignments(needs, loads, cap=round.reviewer_cap)
    _assignments_create(plan.pairs, by)
    assigned_ids = {app_id for app_id, _ in plan.pairs}
    _move_statuses(
        [a for a in applications if a.pk in assigned_ids],
        Application.Status.UNDER_REVIEW,
        by=by,
        note="Reviewers assigned.",
    )
    if plan.pairs:
        audit_record(
            actor=by,
            action="review.auto_assign",
            target=round,
            after={
                "created": len(plan.pairs),
                "per_application": k,
                "cap": round.reviewer_cap,
                "short": sum(plan.shortfalls.values()),
            },
        )
    round_recompute(round=round)
    if plan.pairs and notify:
        _assignment_notify(round, {r for _, r in plan.pairs})
    return AutoAssignResult(
        created=len(plan.pairs),
        shortfalls=plan.shortfalls,
        loads={r: n for r, n in plan.loads.items()},
    )


@transaction.atomic
def review_assign(*, application: Application, reviewer: User, by) -> ReviewAssignment:
    """Assign one reviewer by hand, with the same guards as auto-assignment."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    name = reviewer.full_name or reviewer.email
    if not reviewer.is_reviewer or not reviewer.is_active:
        raise ValidationError({"reviewer": NOT_A_REVIEWER.format(name=name)})
    if application.status not in REVIEWABLE_STATUSES:
        raise ValidationError(NOT_REVIEWABLE)
    if reviewer.pk in conflicted_reviewers([application.pk])[application.pk]:
        raise ValidationError({"reviewer": CONFLICTED.format(name=name)})
    assignment = ReviewAssignment.objects.filter(
        application=application, reviewer=reviewer
    ).first()
    if assignment is not None and assignment.status != ReviewAssignment.Status.REMOVED:
        raise ValidationError({"reviewer": ALREADY_ASSIGNED.format(name=name)})
    load = reviewer_loads(round=application.round, reviewers=[reviewer.pk])[reviewer.pk]
    if load >= application.round.reviewer_cap:
        raise ValidationError(
            {"reviewer": OVER_CAP.format(name=name, cap=application.round.reviewer_cap)}
        )
    if assignment is None:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=reviewer, assigned_by=by
        )
    else:
        assignment.assigned_by = by
        assignment.assigned_at = timezone.now()
        status_move(
            assignment,
            ReviewAssignment.Status.ASSIGNED,
            fields=["assigned_by", "assigned_at"],
        )
    if application.can_move_to(Application.Status.UNDER_REVIEW):
        application_transition(
            application=application,
            to=Application.Status.UNDER_REVIEW,
            by=by,
            note="Reviewer assigned.",
        )
    audit_record(
        actor=by,
        action="review.assign",
        target=application,
        after={"reviewer": name},
    )
    round_recompute(round=application.round)
    _assignment_notify(application.round, [reviewer.pk])
    return assignment


@transaction.atomic
def review_unassign(*, assignment: ReviewAssignment, by) -> ReviewAssignment:
    """Take an unfinished assignment away from its reviewer."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        raise ValidationError(SUBMITTED_NOT_REMOVABLE)
    if assignment.status != ReviewAssignment.Status.REMOVED:
        status_move(assignment, ReviewAssignment.Status.REMOVED)
        audit_record(
            actor=by,
            action="review.unassign",
            target=assignment.application,
            before={"reviewer": str(assignment.reviewer)},
        )
        round_recompute(round=assignment.application.round)
    return assignment


@transaction.atomic
def conflict_declare(
    *, assignment: ReviewAssignment, kind: str, note: str, by
) -> tuple[Conflict, ReviewAssignment | None]:
    """Record the reviewer's conflict, close its assignment and reassign.

    The application goes to the least-loaded reviewer without a conflict who
    is not already on it and is below the cap; if there is none, staff see the
    gap as a missing review on the list.
    """
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__round")
        .get(pk=assignment.pk)
    )
    if assignment.status not in (
        ReviewAssignment.Status.ASSIGNED,
        ReviewAssignment.Status.IN_PROGRESS,
    ):
        raise ValidationError(ASSIGNMENT_CLOSED)
    application = assignment.application
    conflict = Conflict.objects.create(
        reviewer_id=assignment.reviewer_id,
        application=application,
        kind=kind,
        note=note,
        declared_by=by,
    )
    status_move(assignment, ReviewAssignment.Status.CONFLICT)
    audit_record(
        actor=by,
        action="review.conflict_declared",
        target=application,
        after={"kind": kind, "note": note},
    )
    replacement = _conflict_reassign(application)
    round_recompute(round=application.round)
    return conflict, replacement


def _conflict_reassign(application: Application) -> ReviewAssignment | None:
    """Give the application to the least-loaded reviewer who may take it, if
    there is one, and tell them."""
    excluded = (
        set(
            ReviewAssignment.objects.filter(application=application).values_list(
                "reviewer_id", flat=True
            )
        )
        | conflicted_reviewers([application.pk])[application.pk]
    )
    pool = list(reviewer_pool().values_list("pk", flat=True))
    loads = reviewer_loads(round=application.round, reviewers=pool)
    plan = rules.plan_assignments(
        [rules.AssignmentNeed(application.pk, 1, frozenset(excluded))],
        loads,
        cap=application.round.reviewer_cap,
    )
    if not plan.pairs:
        return None
    _, reviewer_id = plan.pairs[0]
    replacement = ReviewAssignment.objects.create(
        application=application, reviewer_id=reviewer_id, assigned_by=None
    )
    audit_record(
        actor=None,
        action="review.reassign",
        target=application,
        after={"reviewer": str(replacement.reviewer)},
        note="Reassigned after a declared conflict.",
    )
    _assignment_notify(application.round, [reviewer_id])
    return replacement


# --------------------------------------------------------------------------
# Scoring


def criteria_specs(round: Round) -> list[rules.CriterionSpec]:
    return [
        rules.CriterionSpec(
            id=c.pk,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            required=c.required,
            name=c.name,
        )
        for c in Criterion.objects.filter(round=round).order_by("order", "pk")
    ]


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    comment: str = ""
    shareable: bool = False


def score_field(criterion_id: int) -> str:
    """The form field that carries a criterion's score (errors are keyed so)."""
    return f"score_{criterion_id}"


@transaction.atomic
def review_save(
    *,
    assignment: ReviewAssignment,
    scores: dict[int, ScoreInput],
    overall_comment: str,
    by,
    submit: bool = False,
    recompute: bool = True,
) -> Review:
    """Save a reviewer's scores; with ``submit`` also hand the review in.

    A draft may leave scores empty but never holds one outside the scale. A
    submitted review (or an edit of one) needs every required score. Every
    change of a submitted score is audited, and the round's aggregates are
    recomputed when a submitted review changes. A caller that saves a whole
    round's reviews in one transaction (an import, the demo seed) passes
    ``recompute=False`` and calls ``round_recompute`` once at the end.
    """
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__round", "reviewer")
        .get(pk=assignment.pk)
    )
    if assignment.status not in (*ACTIVE,):
        raise ValidationError(ASSIGNMENT_CLOSED)
    application = assignment.application
    if Decision.objects.filter(application=application).exists():
        raise ValidationError(REVIEW_LOCKED)
    was_submitted = assignment.status == ReviewAssignment.Status.SUBMITTED
    final = submit or was_submitted
    criteria = criteria_specs(application.round)
    if not criteria:
        raise ValidationError(NO_RUBRIC)
    values = {cid: s.value for cid, s in scores.items()}
    _check_scores(criteria, values, final=final)
    review, _ = Review.objects.get_or_create(assignment=assignment)
    before, after = _scores_write(review, criteria, scores)
    review.overall_comment = overall_comment.strip()
    review.weighted_total = rules.weighted_total(criteria, values)
    if submit and not was_submitted:
        review.submitted_at = timezone.now()
    review.save()
    if submit and not was_submitted:
        status_move(assignment, ReviewAssignment.Status.SUBMITTED)
    elif assignment.status == ReviewAssignment.Status.ASSIGNED:
        status_move(assignment, ReviewAssignment.Status.IN_PROGRESS)
    _review_audit(
        review,
        assignment,
        by=by,
        changes=(before, after),
        submit=submit,
        was_submitted=was_submitted,
    )
    if recompute and (submit or was_submitted):
        round_recompute(round=application.round)
    return review


def _check_scores(criteria, values: dict, *, final: bool) -> None:
    """Refuse a score outside its scale, or (``final``) a required one missing,
    each on its own field."""
    errors = rules.score_errors(criteria, values, final=final)
    if errors:
        raise ValidationError(
            {score_field(cid): message for cid, message in errors.items()}
        )


def _scores_write(review: Review, criteria, scores: dict) -> tuple[dict, dict]:
    """Write the review's scores as given (an empty one deletes a saved one);
    return what changed, by criterion name: ``(before, after)``."""
    existing = {s.criterion_id: s for s in review.scores.all()}
    before, after = {}, {}
    for c in criteria:
        given = scores.get(c.id, ScoreInput(None))
        old = existing.get(c.id)
        if given.value is None:
            if old is not None:
                before[c.name], after[c.name] = old.value, None
                old.delete()
            continue
        if old is None:
            Score.objects.create(
                review=review,
                criterion_id=c.id,
                value=given.value,
                comment=given.comment.strip(),
                shareable=given.shareable,
            )
            before[c.name], after[c.name] = None, given.value
            continue
        if old.value != given.value:
            before[c.name], after[c.name] = old.value, given.value
        old.value = given.value
        old.comment = given.comment.strip()
        old.shareable = given.shareable
        old.save(update_fields=["value", "comment", "shareable"])
    return before, after


def _review_audit(review, assignment, *, by, changes, submit, was_submitted) -> None:
    """Record a submission, and every change of a submitted review's scores."""
    before, after = changes
    reviewer = assignment.reviewer
    reviewer_name = reviewer.full_name or reviewer.email
    total = {"weighted total": str(review.weighted_total)}
    application = assignment.application
    if before and (was_submitted or submit):
        audit_record(
            actor=by,
            action="review.scores_changed" if was_submitted else "review.submitted",
            target=application,
            before={"reviewer": reviewer_name, **before},
            after={"reviewer": reviewer_name, **after, **total},
        )
    elif submit and not was_submitted:
        audit_record(
            actor=by,
            action="review.submitted",
            target=application,
            after={"reviewer": reviewer_name, **total},
        )


# --------------------------------------------------------------------------
# Aggregates


def round_aggregate(round: Round) -> rules.RoundAggregate:
    """Aggregate the round's submitted reviews (no writes)."""
    rows = Review.objects.filter(
        assignment__application__round=round,
        assignment__status=ReviewAssignment.Status.SUBMITTED,
        weighted_total__isnull=False,
    ).values_list(
        "assignment__reviewer_id", "assignment__application_id", "weighted_total"
    )
    return rules.aggregate_round(
        (rules.ReviewTotal(r, a, float(t)) for r, a, t in rows),
        disagreement_threshold=float(round.disagreement_threshold),
    )


AGGREGATE_FIELDS = [
    "reviews_assigned",
    "reviews_done",
    "score_mean",
    "score_spread",
    "score_normalized",
    "disagreement",
]


@transaction.atomic
def round_recompute(*, round: Round) -> int:
    """Recompute every application's review figures in the round, in one pass.

    Normalization is per reviewer across the round, so one submitted review
    can move every application's normalized score: the whole round is
    recomputed and only the rows that changed are written, in batches.
    Returns how many applications changed.
    """
    agg = round_aggregate(round)
    assigned = dict(
        ReviewAssignment.objects.filter(application__round=round, status__in=ACTIVE)
        .values("application_id")
        .annotate(n=Count("id"))
        .values_list("application_id", "n")
    )
    changed = []
    for app in Application.objects.filter(round=round).only("pk", *AGGREGATE_FIELDS):
        a = agg.applications.get(app.pk)
        new = {
            "reviews_assigned": assigned.get(app.pk, 0),
            "reviews_done": a.reviews_done if a else 0,
            "score_mean": rules.quantize(a.mean) if a else None,
            "score_spread": rules.quantize(a.spread) if a else None,
            "score_normalized": rules.quantize(a.normalized) if a else None,
            "disagreement": a.disagreement if a else False,
        }
        if any(getattr(app, f) != v for f, v in new.items()):
            for f, v in new.items():
                setattr(app, f, v)
            changed.append(app)
    Application.objects.bulk_update(changed, AGGREGATE_FIELDS, batch_size=500)
    return len(changed)


@transaction.atomic
def round_rescore_queue(*, round: Round, by=None) -> Round:
    """Mark the round's totals stale and recompute them once this commits.

    A rubric change moves every review's weighted total and so every rank:
    at tens of thousands of reviews that takes seconds, so a task does it
    (``round_rescore``) and the staff pages say the figures are being
    recomputed until it has.
    """
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(totals_stale_since=now)
    round.totals_stale_since = now
    by_id = by.pk if getattr(by, "is_authenticated", False) else None
    from .tasks import round_rescore_task

    # Only a wake-up: ``totals_stale_since`` is the record, and the rescore
    # sweep queues the recompute again if this message is lost.
    broker.publish_on_commit(round_rescore_task, round.pk, by_id)
    return round


@transaction.atomic
def round_rescore(*, round: Round, by=None) -> int:
    """Recompute each review's weighted total after the rubric changed, then
    the round's aggregates; safe to run twice (only changes are written).

    The round stops showing "being recomputed" only if its rubric did not
    change again after this run read it; the later change's own run will.
    """
    started = timezone.now()
    criteria = criteria_specs(round)
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, value in Score.objects.filter(
        review__assignment__application__round=round
    ).values_list("review_id", "criterion_id", "value"):
        values[review_id][criterion_id] = value
    changed = []
    for review_id, old in Review.objects.filter(
        assignment__application__round=round
    ).values_list("pk", "weighted_total"):
        total = rules.weighted_total(criteria, values.get(review_id, {}))
        if total != old:
            changed.append((review_id, total))
    # Totals take few distinct values: one UPDATE per value is far cheaper
    # than a CASE over tens of thousands of rows.
    by_total: dict = defaultdict(list)
    for review_id, total in changed:
        by_total[total].append(review_id)
    for total, ids in by_total.items():
        for start in range(0, len(ids), 500):
            Review.objects.filter(pk__in=ids[start : start + 500]).update(
                weighted_total=total
            )
    if changed:
        audit_record(
            actor=by,
            action="review.rescored",
            target=round,
            after={"reviews": len(changed)},
            note="Weighted totals recomputed after a rubric change.",
        )
    round_recompute(round=round)
    Round.objects.filter(pk=round.pk).update(totals_computed_at=timezone.now())
    Round.objects.filter(pk=round.pk, totals_stale_since__lte=started).update(
        totals_stale_since=None
    )
    return len(changed)


# --------------------------------------------------------------------------
# Decisions


class DecisionConflict(ValidationError):
    """Someone else decided since the form was shown; carries their decision."""

    def __init__(self, decision: Decision):
        self.decision = decision
        who = decision.decided_by or "Another staff member"
        when = dateformat.format(
            timezone.localtime(decision.decided_at), "M j, g:i A T"
        )
        super().__init__(
            DECISION_CHANGED.format(
                who=who, outcome=decision.get_outcome_display(), when=when
            )
        )


def _decision_state(d: Decision | None) -> dict:
    if d is None:
        return {}
    return {
        "outcome": d.outcome,
        "note": d.note,
        "share_feedback": d.share_feedback,
        "version": d.version,
    }


def _decide_locked(
    application: Application,
    decision: Decision | None,
    *,
    outcome: str,
    note: str,
    share_feedback: bool,
    by,
    seen_version: int,
) -> Decision:
    if application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.UNDER_REVIEW,
        Application.Status.DECIDED,
    ):
        raise ValidationError(DECISION_NOT_OPEN)
    current_version = decision.version if decision else 0
    if current_version != seen_version:
        raise DecisionConflict(decision)
    if decision is not None and decision.released_at:
        raise ValidationError(DECISION_RELEASED)
    before = _decision_state(decision)
    if decision is None:
        decision = Decision(application=application, version=0)
    decision.outcome = outcome
    decision.note = note.strip()
    decision.share_feedback = share_feedback
    decision.decided_by = by
    decision.decided_at = timezone.now()
    decision.version += 1
    decision.save()
    audit_record(
        actor=by,
        action="decision.record",
        target=application,
        before=before,
        after=_decision_state(decision),
        note=decision.note,
    )
    return decision


@transaction.atomic
def decision_record(
    *,
    application: Application,
    outcome: str,
    note: str = "",
    share_feedback: bool = False,
    by,
    seen_version: int,
) -> Decision:
    """Record or change an unreleased decision.

    ``seen_version`` is the decision version the deciding person saw (0 for
    none). If another decision was saved since, ``DecisionConflict`` carries
    it and nothing is written, so a later click never silently replaces an
    earlier one.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    decision = Decision.objects.select_for_update().filter(application=application)
    return _decide_locked(
        application,
        decision.first(),
        outcome=outcome,
        note=note,
        share_feedback=share_feedback,
        by=by,
        seen_version=seen_version,
    )


@dataclass
class BulkDecisionResult:
    decided: list[Decision]
    conflicts: list[Application]
    refused: list[tuple[Application, str]]


@transaction.atomic
def decision_record_bulk(
    *,
    seen: dict[int, int],
    outcome: str,
    note: str = "",
    share_feedback: bool = False,
    by,
) -> BulkDecisionResult:
    """Decide many applications at once: ``seen`` maps application id to the
    decision version shown on the list. Rows decided by someone else since
    are left unchanged and returned as conflicts."""
    applications = list(
        Application.objects.select_for_update()
        .filter(pk__in=seen)
        .select_related("organization")
        .order_by("pk")
    )
    decisions = {
        d.application_id: d
        for d in Decision.objects.select_for_update().filter(
            application__in=applications
        )
    }
    result = BulkDecisionResult([], [], [])
    for application in applications:
        try:
            with transaction.atomic():
                result.decided.append(
                    _decide_locked(
                        application,
                        decisions.get(application.pk),
                        outcome=outcome,
                        note=note,
                        share_feedback=share_feedback,
                        by=by,
                        seen_version=seen[application.pk],
                    )
                )
        except DecisionConflict:
            result.conflicts.append(application)
        except ValidationError as exc:
            result.refused.append((application, exc.messages[0]))
    return result


def decision_recipient(application: Application) -> tuple[str, User | None]:
    """The address a decision goes to: the primary contact, else the account
    that created the application."""
    contact = next(
        (c for c in application.contacts.all() if c.kind == Contact.Kind.PRIMARY), None
    )
    creator = application.created_by
    if contact is None or contact.email.lower() == creator.email.lower():
        return creator.email, creator
    user = User.objects.filter(email__iexact=contact.email).first()
    return contact.email, user


@transaction.atomic
def decision_release(
    *, by, round: Round | None = None, decisions: Iterable[Decision] | None = None
) -> int:
    """Release unreleased decisions and e-mail each applicant its decision.

    Each e-mail carries the key ``decision:<application id>``: the outbox keeps
    one message per key, and a released decision is not released again, so a
    second click (or two staff clicking at once) sends nothing more. Returns
    how many decisions were released now.
    """
    from .selectors import shared_feedback

    qs = Decision.objects.select_for_update().filter(released_at__isnull=True)
    if round is not None:
        qs = qs.filter(application__round=round)
    if decisions is not None:
        qs = qs.filter(pk__in=[d.pk for d in decisions])
    to_release = list(
        qs.select_related(
            "application__round", "application__organization", "application__created_by"
        )
        .prefetch_related("application__contacts")
        .order_by("pk")
    )
    if not to_release:
        return 0
    now = timezone.now()
    feedback = shared_feedback([d.application for d in to_release if d.share_feedback])
    for decision in to_release:
        decision.released_at = now
        _decision_send(decision, feedback, by)
    Decision.objects.bulk_update(to_release, ["released_at"])
    for decision in to_release:
        application = decision.application
        if application.can_move_to(Application.Status.DECIDED):
            application_transition(
                application=application,
                to=Application.Status.DECIDED,
                by=by,
                note="Decision released.",
            )
    return len(to_release)


def _decision_send(decision: Decision, feedback: dict, by) -> None:
    """E-mail the applicant its decision (with the shared feedback, unless
    accepted) and record the release."""
    from django.urls import reverse

    application = decision.application
    to_email, user = decision_recipient(application)
    items = (
        feedback.get(application.pk, [])
        if decision.share_feedback and decision.outcome != Decision.Outcome.ACCEPT
        else []
    )
    message_enqueue(
        kind=Kind.DECISION,
        to_email=to_email,
        subject=partial(_decision_subject, application.round),
        template="review_decision",
        context={
            "application": application,
            "decision": decision,
            "feedback": items,
            "path": reverse("applications:application-detail", args=[application.pk]),
        },
        key=f"decision:{application.pk}",
        recipient=user,
    )
    audit_record(
        actor=by,
        action="decision.release",
        target=application,
        before={"released": False},
        after={"released": True, "outcome": decision.outcome, "to": to_email},
    )
