"""The reviewer's desk and the staff review pages.

Each handler parses, authorizes, calls one service or selector and responds.
Reviewers reach only their own assignments (anything else is a 404); staff
pages need ``Role.STAFF``.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dashmentor.csv_export import csv_response
from dashmentor.params import id_param
from dashmentor.redirects import safe_next
from dashmentor.roles import Role, role_required
from dashmentor.views_support import form_add_errors

from ..forms import EligibilityOverrideForm
from ..models import (
    Application,
    Criterion,
    Decision,
    ReviewAssignment,
    Round,
)
from . import selectors, services
from .filters import SORTS, ApplicationFilter, sort_queryset
from .forms import (
    AssignForm,
    BulkDecisionForm,
    ConflictDeclareForm,
    CriterionFormSet,
    DecisionForm,
    ReviewForm,
    RoundReviewSettingsForm,
)

PAGE_SIZE = 50


# --------------------------------------------------------------------------
# Reviewer


@role_required(Role.REVIEWER)
def reviewer_queue(request):
    """The reviewer's assignments with its progress, open ones first."""
    assignments = list(selectors.assignment_list_for_reviewer(reviewer=request.user))
    for a in assignments:
        a.view_title = selectors.application_title_for(request.user, a.application)
        schedule = getattr(a.application.round, "review_schedule", None)
        a.days_left = schedule.days_left() if schedule else None
        a.days_late = -a.days_left if a.days_left is not None else None
    return render(
        request,
        "applications/reviewer_queue.html",
        {
            "assignments": assignments,
            "progress": selectors.reviewer_progress(assignments),
        },
    )


@role_required(Role.REVIEWER)
def review_form(request, application_id):
    """The application read-only beside the score form: save, come back, submit."""
    assignment = selectors.assignment_get_for_reviewer(
        reviewer=request.user, application_id=application_id
    )
    application = assignment.application
    criteria = selectors.criteria_of(round=application.round)
    review = selectors.review_of(assignment)
    form = ReviewForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.review_save(
                assignment=assignment,
                scores=form.score_inputs(),
                overall_comment=form.cleaned_data["overall_comment"],
                by=request.user,
                submit=submit,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if submit:
                messages.success(request, _("Your review is submitted. Thank you!"))
                return redirect("applications:reviewer-queue")
            messages.success(
                request, _("Saved. You can come back and finish it any time.")
            )
            return redirect("applications:review-form", application_id=application.pk)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Some scores need your attention; see below."))
    assignment.refresh_from_db(fields=["status"])
    app_view = selectors.application_view(application, viewer=request.user)
    return render(
        request,
        "applications/review_form.html",
        {
            "assignment": assignment,
            "app_view": app_view,
            "form": form,
            "criteria": criteria,
            "review": review,
            "peers": selectors.peer_reviews(assignment, clean=app_view.clean),
            "conflict_form": ConflictDeclareForm(),
            "locked": Decision.objects.filter(application=application).exists(),
        },
    )


@require_POST
@role_required(Role.REVIEWER)
def review_conflict(request, application_id):
    """The reviewer declares a conflict; the application goes to someone else."""
    assignment = selectors.assignment_get_for_reviewer(
        reviewer=request.user, application_id=application_id
    )
    form = ConflictDeclareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the conflict is, then declare it again."))
        return redirect("applications:review-form", application_id=application_id)
    try:
        services.conflict_declare(
            assignment=assignment,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("applications:review-form", application_id=application_id)
    messages.success(
        request,
        _(
            "Thank you for declaring the conflict. The application was taken off your "
            "list and goes to another reviewer."
        ),
    )
    return redirect("applications:reviewer-queue")


# --------------------------------------------------------------------------
# Staff: the review list


def _round_from_request(request) -> Round | None:
    value = id_param(request.GET, "round") or id_param(request.POST, "round")
    if value:
        return Round.objects.filter(pk=value).first()
    return selectors.default_round()


# The list's columns, in its order (the review counts and the decision's
# release state split into their own cells).
CSV_HEADER = [
    _("Position"),
    _("Organization"),
    _("Organization type"),
    _("State"),
    _("Partner sectors"),
    _("First preference"),
    _("Eligibility"),
    _("Reviews done"),
    _("Reviews assigned"),
    _("Mean score"),
    _("Normalized score"),
    _("Spread"),
    _("Reviewers disagree"),
    _("Decision"),
    _("Released"),
]


def _csv_row(position: int, a: Application) -> list:
    decision = getattr(a, "decision", None) if selectors.has_decision(a) else None
    return [
        position,
        a.applicant.name,
        a.applicant.get_org_type_display(),
        a.state,
        "; ".join(selectors.sectors_of(a)),
        a.first_preference.short_name if a.first_preference else "",
        a.get_eligibility_display(),
        a.reviews_done,
        a.reviews_assigned,
        a.score_mean,
        a.score_normalized,
        a.score_spread,
        gettext("yes") if a.disagreement else gettext("no"),
        decision.get_outcome_display() if decision else "",
        gettext("yes") if decision and decision.released_at else gettext("no"),
    ]


def _csv_response(rows, filename: str):
    lines = (_csv_row(i, a) for i, a in enumerate(rows, start=1))
    return csv_response(filename, lines, header=CSV_HEADER)


def _with_file_urls(rows):
    """Give each row the address of its review file, from one ``reverse()``.

    Reversing a route costs about as much as rendering the rest of a row, and
    the ranked view shows hundreds of rows.
    """
    marker = "2147483647"
    pattern = reverse("applications:staff-application-review", args=[int(marker)])
    for a in rows:
        a.file_url = pattern.replace(marker, str(a.pk))
    return rows


def _query(request, **changes) -> str:
    """The current query string with ``changes`` applied (None drops a key)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


def _sort_links(request, current: str) -> dict:
    """Per sort key: the link that sorts by it (again: reversed) and the
    direction it is sorted now, for ``aria-sort``."""
    links = {}
    for key in SORTS:
        if current == key:
            target, state = f"-{key}", "descending"
        elif current == f"-{key}":
            target, state = key, "ascending"
        else:
            target, state = key, None
        # Text columns read naturally A→Z, scores best-first; "state" says
        # what the user sees.
        if key in ("organization", "state", "submitted") and state:
            state = "ascending" if state == "descending" else "descending"
        links[key] = {"query": _query(request, sort=target, page=None), "state": state}
    return links


@role_required(Role.STAFF)
def staff_review_list(request):
    """Every submitted application of a round with its review figures,
    filtered, sorted, paginated, exportable and decidable in bulk."""
    round_ = _round_from_request(request)
    qs = selectors.application_list_for_staff(round=round_)
    filterset = ApplicationFilter(request.GET or None, queryset=qs, round=round_)
    filtered = filterset.qs if filterset.is_bound else qs
    filtered, sort = sort_queryset(filtered, request.GET.get("sort", ""))
    if request.GET.get("export") == "csv":
        stamp = timezone.localdate().isoformat()
        slug = round_.slug if round_ else "all"
        return _csv_response(
            filtered.iterator(chunk_size=1000), f"applications-{slug}-{stamp}.csv"
        )
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _with_file_urls(selectors.review_list_rows(page, page_size=PAGE_SIZE))
    return render(
        request,
        "applications/staff_review_list.html",
        {
            "sort_links": _sort_links(request, sort),
            "filters_active": any(
                request.GET.get(f) for f in filterset.filters if f in request.GET
            ),
            "export_query": _query(request, export="csv", page=None),
            "round": round_,
            "rounds": Round.objects.order_by("-closes_at"),
            "filter": filterset,
            "page": page,
            "rows": rows,
            "sort": sort,
            "sorts": SORTS,
            "bulk_form": BulkDecisionForm(),
            "progress": selectors.round_progress(round=round_) if round_ else None,
        },
    )


@require_POST
@role_required(Role.STAFF)
def staff_bulk_decision(request):
    """Decide the ticked applications; rows decided meanwhile are reported."""
    form = BulkDecisionForm(request.POST)
    back = safe_next(request, "applications:staff-review-list")
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    result = services.decision_record_bulk(
        seen=form.cleaned_data["pick"],
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
        share_feedback=form.cleaned_data["share_feedback"],
        by=request.user,
    )
    if result.decided:
        messages.success(
            request,
            ngettext(
                "Recorded “%(outcome)s” for %(count)s application. Nothing is "
                "sent until you release decisions.",
                "Recorded “%(outcome)s” for %(count)s applications. Nothing is "
                "sent until you release decisions.",
                len(result.decided),
            )
            % {
                "outcome": Decision.Outcome(form.cleaned_data["outcome"]).label,
                "count": len(result.decided),
            },
        )
    if result.conflicts:
        names = ", ".join(a.applicant.name for a in result.conflicts)
        messages.warning(
            request,
            _(
                "Someone else decided %(count)s of them since you loaded the "
                "list; they were left as they are: %(names)s."
            )
            % {"count": len(result.conflicts), "names": names},
        )
    for application, reason in result.refused:
        messages.error(request, f"{application.applicant.name}: {reason}")
    return redirect(back)


# --------------------------------------------------------------------------
# Staff: one application's review file


def _staff_application(pk) -> Application:
    return get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).select_related(
            "round", "organization", "first_preference__mentor_organization"
        ),
        pk=pk,
    )


def _render_review_file(
    request,
    application,
    *,
    decision_form=None,
    assign_form=None,
    status=200,
):
    decision = selectors.decision_get(application=application)
    if decision_form is None:
        decision_form = DecisionForm.for_decision(decision)
    results = selectors.eligibility_results(application=application)
    for r in results:
        # The eligibility page's own form; its errors show on that page.
        r.form = EligibilityOverrideForm.for_result(r)
    return render(
        request,
        "applications/staff_application_review.html",
        {
            "application": application,
            "file": selectors.review_file(application),
            "app_view": selectors.application_view(application, viewer=request.user),
            "decision": decision,
            "decision_form": decision_form,
            "assign_form": assign_form or AssignForm(),
            "eligibility_results": results,
            "trail": selectors.audit_lines(application, limit=100),
            "feedback": selectors.shared_feedback([application]).get(
                application.pk, []
            ),
        },
        status=status,
    )


@role_required(Role.STAFF)
def staff_application_review(request, pk):
    """Explain an application's rank and decide it."""
    return _render_review_file(request, _staff_application(pk))


@require_POST
@role_required(Role.STAFF)
def staff_decide(request, pk):
    application = _staff_application(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(
                application=application,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                share_feedback=form.cleaned_data["share_feedback"],
                by=request.user,
                seen_version=form.cleaned_data["seen_version"],
            )
        except services.DecisionConflict as exc:
            # Keep what this person chose, but against the version now seen,
            # so saving again is a deliberate choice over the earlier one.
            data = request.POST.copy()
            data["seen_version"] = str(exc.decision.version)
            form = DecisionForm(data)
            form.is_valid()
            form.add_error(None, exc.messages[0])
            return _render_review_file(
                request, application, decision_form=form, status=409
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Decision recorded. It stays internal until decisions are released."),
            )
            return redirect("applications:staff-application-review", pk=pk)
    return _render_review_file(request, application, decision_form=form, status=400)


@require_POST
@role_required(Role.STAFF)
def staff_assign(request, pk):
    application = _staff_application(pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.review_assign(
                application=application,
                reviewer=form.cleaned_data["reviewer"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(reviewer)s is assigned.")
                % {"reviewer": form.cleaned_data["reviewer"]},
            )
            return redirect("applications:staff-application-review", pk=pk)
    return _render_review_file(request, application, assign_form=form, status=400)


@require_POST
@role_required(Role.STAFF)
def staff_unassign(request, pk):
    assignment = get_object_or_404(ReviewAssignment, pk=pk)
    try:
        services.review_unassign(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("%(reviewer)s was taken off.") % {"reviewer": assignment.reviewer},
        )
    return redirect(
        "applications:staff-application-review", pk=assignment.application_id
    )


# --------------------------------------------------------------------------
# Staff: the round's review desk


@role_required(Role.STAFF)
def staff_round_review(request, slug):
    """Set up the round's review, assign, watch progress, release decisions."""
    round_ = get_object_or_404(Round, slug=slug)
    form = RoundReviewSettingsForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            # The threshold sets every application's disagreement flag.
            if "disagreement_threshold" in form.changed_data:
                services.round_rescore_queue(round=round_, by=request.user)
        messages.success(request, _("Review settings saved."))
        return redirect("applications:staff-round-review", slug=slug)
    return render(
        request,
        "applications/staff_round_review.html",
        {
            "round": round_,
            "form": form,
            "progress": selectors.round_progress(round=round_),
            "loads": selectors.reviewer_loads_table(round=round_),
            "criteria": Criterion.objects.filter(round=round_).order_by("order", "pk"),
        },
    )


@require_POST
@role_required(Role.STAFF)
def staff_auto_assign(request, slug):
    round_ = get_object_or_404(Round, slug=slug)
    result = services.review_assign_auto(round=round_, by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s assignment made.", "%(count)s assignments made.", result.created
        )
        % {"count": result.created},
    )
    if result.shortfalls:
        messages.warning(
            request,
            ngettext(
                "%(count)s application could not get all its reviewers (conflicts "
                "or caps). Raise the cap or add reviewers, then assign again.",
                "%(count)s applications could not get all their reviewers "
                "(conflicts or caps). Raise the cap or add reviewers, then assign "
                "again.",
                len(result.shortfalls),
            )
            % {"count": len(result.shortfalls)},
        )
    return redirect("applications:staff-round-review", slug=slug)


@require_POST
@role_required(Role.STAFF)
def staff_release(request, slug):
    round_ = get_object_or_404(Round, slug=slug)
    count = services.decision_release(round=round_, by=request.user)
    if count:
        messages.success(
            request, f"{count} decision(s) released; the applicants are e-mailed."
        )
    else:
        messages.info(request, _("There was no unreleased decision; nothing was sent."))
    return redirect("applications:staff-round-review", slug=slug)


@role_required(Role.STAFF)
def staff_ranked(request, slug):
    """Eligible applications ranked within each first-choice mentorship."""
    round_ = get_object_or_404(Round, slug=slug)
    only = request.GET.get("mentorship") or None
    if only != "none":
        only = id_param(request.GET, "mentorship")
        only = None if only is None else str(only)
    groups = selectors.ranked_by_preference(round=round_, only=only)
    for g in groups:
        for a in g.rows:
            a.current_decision = a.decision if selectors.has_decision(a) else None
        _with_file_urls(g.rows)
    return render(
        request,
        "applications/staff_ranked.html",
        {
            "round": round_,
            "groups": groups,
            "groups_digest": _ranked_digest(groups),
            "only": only,
            "per_group": selectors.RANKED_PER_GROUP,
        },
    )


def _ranked_digest(groups) -> str:
    """A digest of everything the ranked tables show.

    The tables are hundreds of rows; the template keeps them rendered under
    this digest, so a page whose figures are unchanged is served from the
    cache and any change (a score, a decision, a name) renders it anew:
    never stale, with no invalidation to forget.
    """
    digest = hashlib.blake2b(digest_size=16)
    for g in groups:
        m = g.mentorship
        group = (g.key, g.total, g.capacity, m and m.short_name, m and m.topic)
        digest.update(repr(group).encode())
        for a in g.rows:
            decision = a.current_decision
            row = (
                a.pk,
                a.rank,
                a.applicant.name,
                a.state,
                a.reviews_done,
                a.reviews_assigned,
                a.score_mean,
                a.score_normalized,
                a.score_spread,
                a.disagreement,
                decision and decision.outcome,
            )
            digest.update(repr(row).encode())
    return digest.hexdigest()


@role_required(Role.STAFF)
def staff_rubric(request, slug):
    """Edit the round's criteria; weighted totals follow the new weights."""
    round_ = get_object_or_404(Round, slug=slug)
    formset = CriterionFormSet(request.POST or None, instance=round_)
    if request.method == "POST" and formset.is_valid():
        if not formset.has_changed():
            messages.info(request, _("Nothing changed in the rubric."))
            return redirect("applications:staff-rubric", slug=slug)
        with transaction.atomic():
            formset.save()
            services.round_rescore_queue(round=round_, by=request.user)
        messages.success(
            request,
            _(
                "Rubric saved. Every weighted total and rank is being recomputed "
                "with the new weights; the lists show them in a few moments."
            ),
        )
        return redirect("applications:staff-rubric", slug=slug)
    return render(
        request,
        "applications/staff_rubric.html",
        {"round": round_, "formset": formset},
    )
