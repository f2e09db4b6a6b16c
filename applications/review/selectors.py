"""Reads of the review desk, shared by its views, the admin and the applicant
side. Each list runs a fixed number of queries whatever its length."""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from dashmentor.choices import Sector

from ..models import (
    Answer,
    Application,
    Contact,
    Criterion,
    Decision,
    Preference,
    Review,
    ReviewAssignment,
    Round,
    Score,
)
from . import rules
from .services import ACTIVE, round_aggregate

SECTOR_LABELS = dict(Sector.choices)


def sectors_of(application: Application) -> list[str]:
    """The partner sectors' labels, from the denormalized index."""
    codes = [c for c in (application.sectors_index or "").split(",") if c]
    return [str(SECTOR_LABELS.get(c, c)) for c in codes]


# --------------------------------------------------------------------------
# The reviewer's desk


def assignment_list_for_reviewer(*, reviewer):
    """The reviewer's open and done assignments, newest round first, with the
    round's review due date (kept by the staff workspace's review calendar)."""
    return (
        ReviewAssignment.objects.filter(reviewer=reviewer, status__in=ACTIVE)
        .select_related(
            "application__organization",
            "application__round__review_schedule",
            "review",
        )
        .order_by("-application__round__closes_at", "status", "assigned_at", "pk")
    )


def reviewer_progress(assignments) -> dict:
    assignments = list(assignments)
    done = sum(a.status == ReviewAssignment.Status.SUBMITTED for a in assignments)
    total = len(assignments)
    return {
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


def assignment_get_for_reviewer(*, reviewer, application_id: int) -> ReviewAssignment:
    """The reviewer's open or done assignment on the application, else 404.

    A reviewer never learns anything of an application it is not assigned to,
    not even that it exists.
    """
    assignment = (
        ReviewAssignment.objects.filter(
            reviewer=reviewer, application_id=application_id, status__in=ACTIVE
        )
        .select_related("application__round", "application__organization")
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


def is_blind_for(viewer, round: Round) -> bool:
    return bool(round.blind_review and getattr(viewer, "is_external_reviewer", False))


def hidden_fields_for(viewer, round: Round) -> set[str]:
    """The identifying fields of the round that ``viewer`` may not read."""
    return set(round.blind_fields or []) if is_blind_for(viewer, round) else set()


def application_title_for(viewer, application: Application) -> str:
    """How a page names the application to ``viewer``: by its organization,
    or by number when the organization is withheld."""
    if "organization" in hidden_fields_for(viewer, application.round):
        return f"Application #{application.pk}"
    return application.applicant.name


def withheld_names(
    application: Application,
    hidden: set[str],
    *,
    contacts: list[Contact],
    partners: list,
) -> list[str]:
    """Every value of the hidden fields that could name the applicant in a
    free text: names, e-mail addresses, numbers, the place and the website."""
    names: list[str] = []
    if "organization" in hidden:
        # What the application was submitted with, and the profile as it is
        # now (a reviewer's page may quote either).
        for org in {application.applicant, application.organization}:
            host = urlsplit(org.website or "").hostname or ""
            names += [
                org.name,
                org.ein,
                org.address_line1,
                org.address_line2,
                org.city,
                org.postal_code,
                host.removeprefix("www."),
            ]
    if "collaboration_name" in hidden:
        names.append(application.collaboration_name)
    if "contacts" in hidden:
        for c in contacts:
            names += [c.name, c.email, c.phone]
    if "partners" in hidden:
        names += [p.name for p in partners]
    return [n for n in names if n and n.strip()]


@dataclass
class ApplicationView:
    """An application as one viewer may read it, identifying parts withheld
    when the review is blind for that viewer."""

    application: Application
    blind: bool
    withheld: list[str]
    title: str
    organization: dict | None
    contacts: list[Contact]
    collaboration_name: str | None
    collaboration_status: str
    collaboration_description: str
    partners: list[dict]
    learning_goal: str
    answers: list[tuple[str, str, int]]
    preferences: list[Preference]
    all_in_profile: str
    # What finds the withheld names in any other text the viewer reads on the
    # same page (other reviewers' comments); None when nothing is withheld.
    redaction: re.Pattern | None = None
    marker: str = rules.REDACTED

    def clean(self, text: str) -> str:
        """``text`` with every withheld name replaced by the marker."""
        return rules.redact(text or "", self.redaction)


def application_view(application: Application, *, viewer) -> ApplicationView:
    """Read an application for a reviewer, applying the round's blind setting.

    When blind, the fields staff marked identifying are left out, and their
    values (and obvious variants of them) are replaced with a visible marker
    wherever a free text the reviewer reads mentions them. Partners whose names
    are withheld are shown by their sectors and role.
    """
    round_ = application.round
    hidden = hidden_fields_for(viewer, round_)
    org = application.applicant
    partners = list(application.partners.all().order_by("order", "pk"))
    contacts = list(application.contacts.all())
    redaction = rules.redaction_pattern(
        withheld_names(application, hidden, contacts=contacts, partners=partners)
    )

    def clean(text: str) -> str:
        return rules.redact(text or "", redaction)

    answers = [
        (a.question.prompt, clean(a.text), a.question.word_limit)
        for a in Answer.objects.filter(application=application)
        .select_related("question")
        .order_by("question__order", "question__pk")
    ]
    return ApplicationView(
        application=application,
        blind=bool(hidden),
        withheld=[rules.BLIND_FIELDS[f] for f in rules.BLIND_FIELDS if f in hidden],
        title=(
            f"Application #{application.pk}" if "organization" in hidden else org.name
        ),
        organization=None if "organization" in hidden else _organization_view(org),
        contacts=[] if "contacts" in hidden else contacts,
        collaboration_name=None
        if "collaboration_name" in hidden
        else application.collaboration_name,
        collaboration_status=application.get_collaboration_status_display(),
        collaboration_description=clean(application.collaboration_description),
        partners=_partners_view(partners, "partners" in hidden, clean),
        learning_goal=clean(application.learning_goal),
        answers=answers,
        preferences=list(
            application.preferences.select_related(
                "mentorship__mentor_organization"
            ).order_by("rank")
        ),
        all_in_profile=application.get_all_in_profile_display(),
        redaction=redaction,
    )


def _organization_view(org) -> dict:
    return {
        "name": org.name,
        "type": org.get_org_type_display(),
        "ein": org.ein,
        "city": org.city,
        "state": org.get_state_display(),
        "website": org.website,
    }


def _partners_view(partners, names_hidden: bool, clean) -> list[dict]:
    """Each partner by its sectors and (cleaned) role, and its name unless
    names are withheld."""
    return [
        {
            "name": None if names_hidden else p.name,
            "label": f"Partner {n}",
            "sectors": [SECTOR_LABELS.get(s, s) for s in p.sectors],
            "role": clean(p.role),
        }
        for n, p in enumerate(partners, start=1)
    ]


@dataclass
class PeerReview:
    label: str
    weighted_total: object
    scores: dict[int, Score]
    overall_comment: str


def peer_reviews(
    assignment: ReviewAssignment, *, clean=lambda text: text
) -> list[PeerReview] | None:
    """Other reviewers' submitted reviews, unsigned; ``None`` until the
    reviewer has submitted its own, so nobody anchors on another's scores.

    ``clean`` is applied to their comments: a reviewer who reads the whole
    application may name the applicant to one from whom it is withheld.
    """
    if assignment.status != ReviewAssignment.Status.SUBMITTED:
        return None
    reviews = (
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    return [
        PeerReview(
            label=f"Reviewer {chr(ord('A') + i)}",
            weighted_total=r.weighted_total,
            scores={s.criterion_id: s for s in r.scores.all()},
            overall_comment=clean(r.overall_comment),
        )
        for i, r in enumerate(reviews)
    ]


# --------------------------------------------------------------------------
# Staff lists


def default_round() -> Round | None:
    """The round staff most likely review now: the latest with applications."""
    return (
        Round.objects.filter(
            applications__status__in=[
                Application.Status.SUBMITTED,
                Application.Status.UNDER_REVIEW,
                Application.Status.DECIDED,
            ]
        )
        .order_by("-closes_at")
        .first()
    )


# What a row of the staff lists (the review list, its CSV export and the
# ranked view) shows; the long texts and the round, which every row shares,
# are left in the database.
STAFF_ROW_FIELDS = [
    "round_id",
    "status",
    "eligibility",
    "sectors_index",
    "state",
    "submitted_at",
    "reviews_assigned",
    "reviews_done",
    "score_mean",
    "score_spread",
    "score_normalized",
    "disagreement",
    "organization__name",
    "organization__org_type",
    *Application.SNAPSHOT_SHOWN,
    "first_preference__mentor_organization__name",
    "decision__outcome",
    "decision__version",
    "decision__released_at",
]


def application_list_for_staff(*, round: Round | None = None):
    """Every non-draft application with what the review list shows, in one
    query: the figures are denormalized on the application."""
    qs = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related(
            "organization",
            "first_preference__mentor_organization",
            "decision",
        )
        .only(*STAFF_ROW_FIELDS)
        .order_by("-score_normalized", "organization__name", "pk")
    )
    if round is not None:
        qs = qs.filter(round=round)
    return qs


@dataclass
class RankedGroup:
    mentorship: object
    rows: list[Application] = field(default_factory=list)
    total: int = 0

    @property
    def capacity(self) -> int:
        return getattr(self.mentorship, "capacity", 0) or 0

    @property
    def key(self):
        return self.mentorship.pk if self.mentorship else "none"


RANKED_PER_GROUP = 50

# What a row of the ranked view shows (its mentorship is its group's).
RANKED_ROW_FIELDS = [
    "first_preference_id",
    "state",
    "reviews_assigned",
    "reviews_done",
    "score_mean",
    "score_spread",
    "score_normalized",
    "disagreement",
    "organization__name",
    "status",
    *Application.SNAPSHOT_SHOWN,
    "decision__outcome",
    "decision__version",
    "decision__released_at",
]

# The ranked view's order: best normalized score first, then the plain mean,
# then by name; unscored applications last. The index
# ``application_choice_rank`` holds the first two inside each mentorship.
RANK_ORDER = [
    F("score_normalized").desc(nulls_last=True),
    F("score_mean").desc(nulls_last=True),
    F("organization__name").asc(),
    F("pk").asc(),
]


def ranked_by_preference(
    *, round: Round, limit: int | None = RANKED_PER_GROUP, only=None
) -> list[RankedGroup]:
    """Eligible applications grouped by first-choice mentorship, best
    normalized score first, with their rank inside the group.

    Three queries whatever the size: the mentorships, the group sizes and the
    rows. Each group's top ``limit`` is chosen by its own subquery, which
    reads the group on an index in rank order and stops at ``limit``, so a
    round of any size loads and renders ``limit`` rows a group; ``only`` (a
    mentorship id, or ``"none"``) shows one whole group instead. The rank is
    the row's place in its group, counted as the rows come in rank order.
    """
    from cohorts.models import Mentorship

    groups: OrderedDict[object, RankedGroup] = OrderedDict()
    for m in Mentorship.objects.filter(round=round).select_related(
        "mentor_organization"
    ):
        groups[m.pk] = RankedGroup(mentorship=m)
    none_group = RankedGroup(mentorship=None)
    base = Application.objects.filter(
        round=round, eligibility=Application.Eligibility.ELIGIBLE
    ).exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    for pref, n in (
        base.order_by()
        .values_list("first_preference_id")
        .annotate(n=Count("pk"))
        .values_list("first_preference_id", "n")
    ):
        groups.get(pref, none_group).total += n

    chosen = _ranked_chosen(base, list(groups), only=only, limit=limit)
    rows = (
        Application.objects.filter(round=round)
        .filter(chosen)
        .select_related("organization", "decision")
        .only(*RANKED_ROW_FIELDS)
        .order_by(*RANK_ORDER)
    )
    for app in rows:
        group = groups.get(app.first_preference_id, none_group)
        app.rank = len(group.rows) + 1
        app.within_capacity = app.rank <= group.capacity
        group.rows.append(app)
    result = list(groups.values())
    if none_group.total:
        result.append(none_group)
    if only is not None:
        result = [g for g in result if str(g.key) == str(only)]
    return result


def _ranked_chosen(base, group_keys: list, *, only, limit) -> Q:
    """Which rows to load: one whole group (``only``), every row (no
    ``limit``), or each group's top ``limit`` in rank order."""

    def members(key):
        # A first choice outside the round's mentorships counts as none.
        if key == "none":
            return base.exclude(first_preference__in=group_keys)
        return base.filter(first_preference_id=key)

    if only is not None:
        return Q(pk__in=members(only).values("pk"))
    if limit is None:
        return Q(pk__in=base.values("pk"))
    return reduce(
        or_,
        (
            Q(pk__in=members(key).order_by(*RANK_ORDER).values("pk")[:limit])
            for key in [*group_keys, "none"]
        ),
    )


def reviewer_loads_table(*, round: Round):
    """Each reviewer with its assignments in the round, by state."""
    from dashmentor.models import User

    return (
        User.objects.filter(is_reviewer=True, is_active=True)
        .annotate(
            assigned=Count(
                "review_assignments",
                filter=Q(
                    review_assignments__application__round=round,
                    review_assignments__status__in=ACTIVE,
                ),
            ),
            done=Count(
                "review_assignments",
                filter=Q(
                    review_assignments__application__round=round,
                    review_assignments__status=ReviewAssignment.Status.SUBMITTED,
                ),
            ),
            conflicts_declared=Count(
                "review_assignments",
                filter=Q(
                    review_assignments__application__round=round,
                    review_assignments__status=ReviewAssignment.Status.CONFLICT,
                ),
            ),
        )
        .order_by("full_name", "email")
    )


def round_progress(*, round: Round) -> dict:
    """The round's review funnel in one query."""
    return Application.objects.filter(round=round).aggregate(
        submitted=Count("pk", filter=~Q(status=Application.Status.DRAFT)),
        eligible=Count(
            "pk",
            filter=Q(eligibility=Application.Eligibility.ELIGIBLE)
            & ~Q(status=Application.Status.DRAFT),
        ),
        assigned=Count("pk", filter=Q(reviews_assigned__gt=0)),
        complete=Count(
            "pk",
            filter=Q(reviews_done__gte=round.reviews_per_application),
        ),
        disagreements=Count("pk", filter=Q(disagreement=True)),
        decided=Count("decision"),
        unreleased=Count("decision", filter=Q(decision__released_at__isnull=True)),
        released=Count("decision", filter=Q(decision__released_at__isnull=False)),
    )


# --------------------------------------------------------------------------
# One application's review file, for staff


@dataclass
class ReviewLine:
    assignment: ReviewAssignment
    review: Review | None
    scores: dict[int, Score]
    total: float | None
    calibration: rules.ReviewerCalibration | None
    z: float | None


def review_file(application: Application) -> dict:
    """Everything that explains an application's rank: each review with its
    scores, the reviewer's habit across the round and the resulting z-score."""
    round_ = application.round
    agg = round_aggregate(round_)
    criteria = list(Criterion.objects.filter(round=round_).order_by("order", "pk"))
    assignments = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer")
        .prefetch_related(
            Prefetch("review", queryset=Review.objects.prefetch_related("scores"))
        )
        .order_by("assigned_at", "pk")
    )
    lines = []
    for a in assignments:
        review = getattr(a, "review", None) if hasattr(a, "review") else None
        scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
        submitted = a.status == ReviewAssignment.Status.SUBMITTED and review
        total = (
            float(review.weighted_total)
            if submitted and review.weighted_total is not None
            else None
        )
        cal = agg.reviewers.get(a.reviewer_id) if total is not None else None
        z = (
            rules.z_score(total, cal, agg.round_mean, agg.round_sd)
            if cal is not None
            else None
        )
        lines.append(ReviewLine(a, review, scores, total, cal, z))
    return {
        "criteria": criteria,
        "lines": lines,
        "aggregate": agg.applications.get(application.pk),
        "round_mean": agg.round_mean,
        "round_sd": agg.round_sd,
    }


# --------------------------------------------------------------------------
# The audit trail, in words

ACTION_LABELS = {
    "application.status": _("Status changed"),
    "eligibility.override": _("Eligibility overridden"),
    "eligibility.overridden": _("Eligibility overridden"),
    "eligibility.override_cleared": _("Eligibility override cleared"),
    "review.assign": _("Reviewer assigned"),
    "review.unassign": _("Reviewer removed"),
    "review.reassign": _("Reassigned after a conflict"),
    "review.conflict_declared": _("Conflict of interest declared"),
    "review.submitted": _("Review submitted"),
    "review.scores_changed": _("Submitted scores changed"),
    "decision.record": _("Decision recorded"),
    "decision.release": _("Decision released and e-mailed"),
}


def audit_lines(obj, *, limit: int = 200) -> list:
    """The record's audit rows, newest first, each with a readable label."""
    from dashmentor.services import audit_trail

    rows = list(audit_trail(obj)[:limit])
    for row in rows:
        row.label = ACTION_LABELS.get(row.action, row.action)
    return rows


# --------------------------------------------------------------------------
# Feedback and the applicant's decision


@dataclass
class FeedbackItem:
    criterion: str
    description: str
    comments: list[str]


def shared_feedback(applications) -> dict[int, list[FeedbackItem]]:
    """Reviewers' comments marked shareable, grouped by rubric criterion.

    No reviewer is named and comments keep no order that hints who wrote
    them; only submitted reviews count.
    """
    ids = [a.pk for a in applications]
    if not ids:
        return {}
    out: dict[int, OrderedDict[int, FeedbackItem]] = defaultdict(OrderedDict)
    rows = (
        Score.objects.filter(
            review__assignment__application_id__in=ids,
            review__assignment__status=ReviewAssignment.Status.SUBMITTED,
            shareable=True,
        )
        .exclude(comment="")
        .select_related("criterion")
        .order_by(
            "review__assignment__application_id",
            "criterion__order",
            "criterion_id",
            "comment",
        )
        .values_list(
            "review__assignment__application_id",
            "criterion_id",
            "criterion__name",
            "criterion__description",
            "comment",
        )
    )
    for app_id, cid, name, description, comment in rows:
        item = out[app_id].setdefault(cid, FeedbackItem(name, description, []))
        item.comments.append(comment)
    return {app_id: list(items.values()) for app_id, items in out.items()}


@dataclass
class ApplicantDecision:
    decision: Decision
    feedback: list[FeedbackItem]


def decision_for_applicant(application: Application) -> ApplicantDecision | None:
    """The released decision and, for a declined or waitlisted application
    whose decision shares feedback, the reviewers' shareable comments.
    ``None`` while nothing is released: internal decisions stay internal."""
    decision = Decision.objects.filter(
        application=application, released_at__isnull=False
    ).first()
    if decision is None:
        return None
    feedback = []
    if decision.share_feedback and decision.outcome != Decision.Outcome.ACCEPT:
        feedback = shared_feedback([application]).get(application.pk, [])
    return ApplicantDecision(decision=decision, feedback=feedback)


# --- what the review pages show --------------------------------------------


def has_decision(application) -> bool:
    """Whether the application's decision is there (loaded or not)."""
    try:
        application.decision  # noqa: B018 - the reverse one-to-one may be missing
    except Application.decision.RelatedObjectDoesNotExist:
        return False
    return True


def decision_get(*, application) -> Decision | None:
    return (
        Decision.objects.filter(application=application)
        .select_related("decided_by")
        .first()
    )


def eligibility_results(*, application) -> list:
    from ..models import EligibilityResult

    return list(
        EligibilityResult.objects.filter(application=application).select_related(
            "overridden_by"
        )
    )


def criteria_of(*, round) -> list[Criterion]:
    return list(Criterion.objects.filter(round=round).order_by("order", "pk"))


def review_of(assignment) -> Review | None:
    """The assignment's review, or None before the reviewer first saves."""
    try:
        return assignment.review
    except ReviewAssignment.review.RelatedObjectDoesNotExist:
        return None


def review_list_rows(page, *, page_size: int) -> list:
    """The page's applications, numbered, with their sectors' labels and
    decision (if any)."""
    offset = (page.number - 1) * page_size
    rows = []
    for i, a in enumerate(page.object_list, start=offset + 1):
        a.position = i
        a.sectors = sectors_of(a)
        a.current_decision = a.decision if has_decision(a) else None
        rows.append(a)
    return rows
