"""Staff placement pages, award pages, the cohort page and the invitation link."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from applications.models import Application, Award, Round
from dashmentor.params import id_param
from dashmentor.roles import Role, role_required
from dashmentor.services import audit_trail
from dashmentor.views_support import error_text, messages_add_errors

from ..models import Mentorship, PlacementConstraint, PlacementEntry, PlacementRun
from ..permissions import can_see_cohort_contacts, get_mentorship_for_user
from . import selectors, services
from .forms import (
    AwardMoveForm,
    AwardTransitionForm,
    ConstraintForm,
    EntryMoveForm,
    InvitationPasswordForm,
)


def _run(round_id, run_id) -> PlacementRun:
    return get_object_or_404(
        PlacementRun.objects.select_related("round", "created_by", "committed_by"),
        pk=run_id,
        round_id=round_id,
    )


@role_required(Role.STAFF)
def placement_round_list(request):
    rounds = selectors.placement_round_list()
    return render(request, "cohorts/placement_round_list.html", {"rounds": rounds})


@role_required(Role.STAFF)
def placement_round(request, round_id):
    """The round's placement: compute, the current preview or committed run."""
    round = get_object_or_404(Round, pk=round_id)
    run = selectors.placement_run_current(round=round)
    inputs = selectors.placement_inputs(round=round)
    context = {
        "round": round,
        "run": run,
        "inputs": inputs,
        "view": selectors.placement_run_view(run=run) if run else None,
    }
    return render(request, "cohorts/placement_round.html", context)


@require_POST
@role_required(Role.STAFF)
def placement_compute(request, round_id):
    round = get_object_or_404(Round, pk=round_id)
    try:
        run = services.placement_preview(round=round, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
        return redirect("cohorts:placement-round", round_id=round.pk)
    messages.success(
        request, gettext("Preview computed. Nothing is sent until you commit it.")
    )
    return redirect("cohorts:placement-round", round_id=run.round_id)


@role_required(Role.STAFF)
def placement_mentorship(request, round_id, run_id, mentorship_id):
    """One mentorship's roster in a run: score, choice number, seats left."""
    run = _run(round_id, run_id)
    mentorship = get_object_or_404(Mentorship, pk=mentorship_id, round_id=round_id)
    roster = selectors.placement_roster(run=run, mentorship=mentorship)
    return render(
        request,
        "cohorts/placement_mentorship.html",
        {"round": run.round, "run": run, "roster": roster},
    )


@role_required(Role.STAFF)
def placement_entry(request, round_id, run_id, entry_id):
    """One applicant in a run: its choices, where it landed and why; move it."""
    run = _run(round_id, run_id)
    entry = get_object_or_404(
        PlacementEntry.objects.select_related(
            "application__organization", "mentorship__mentor_organization"
        ),
        pk=entry_id,
        run=run,
    )
    form = EntryMoveForm(
        request.POST or None, round=run.round, current=entry.mentorship_id
    )
    editable = run.status == PlacementRun.Status.PREVIEW
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.placement_entry_move(
                entry=entry,
                mentorship=form.cleaned_data["mentorship"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("mentorship", exc)
        else:
            messages.success(
                request,
                gettext("%(organization)s moved.")
                % {"organization": entry.application.organization.name},
            )
            return redirect(
                reverse("cohorts:placement-round", args=[run.round_id])
                + f"#entry-{entry.pk}"
            )
    return render(
        request,
        "cohorts/placement_entry.html",
        {
            "round": run.round,
            "run": run,
            "entry": entry,
            "choices": selectors.placement_entry_choices(entry=entry),
            "form": form,
            "score": selectors.application_score(entry.application),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.STAFF)
def placement_commit(request, round_id, run_id):
    run = _run(round_id, run_id)
    try:
        awards = services.placement_commit(run=run, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
        return redirect("cohorts:placement-round", round_id=run.round_id)
    messages.success(
        request,
        ngettext(
            "Placement committed: %(count)d award offered. Mentees are invited "
            "and mentors get their rosters by e-mail.",
            "Placement committed: %(count)d awards offered. Mentees are invited "
            "and mentors get their rosters by e-mail.",
            len(awards),
        )
        % {"count": len(awards)},
    )
    return redirect("cohorts:award-list", round_id=run.round_id)


@require_POST
@role_required(Role.STAFF)
def placement_discard(request, round_id, run_id):
    run = _run(round_id, run_id)
    try:
        services.placement_discard(run=run, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.info(request, gettext("Preview discarded."))
    return redirect("cohorts:placement-round", round_id=run.round_id)


@role_required(Role.STAFF)
def placement_constraints(request, round_id):
    """Pins and exclusions of a round, honoured by the next computed preview."""
    round = get_object_or_404(Round, pk=round_id)
    form = ConstraintForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_constraint_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Rule added; compute the preview again."))
            return redirect("cohorts:placement-constraints", round_id=round.pk)
    constraints = selectors.placement_inputs(round=round).constraints
    return render(
        request,
        "cohorts/placement_constraints.html",
        {"round": round, "form": form, "constraints": constraints},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.STAFF)
def placement_constraint_delete(request, round_id, constraint_id):
    constraint = get_object_or_404(
        PlacementConstraint.objects.select_related(
            "application__organization", "mentorship__mentor_organization"
        ),
        pk=constraint_id,
        mentorship__round_id=round_id,
    )
    services.placement_constraint_delete(constraint=constraint, by=request.user)
    messages.info(request, gettext("Rule removed."))
    return redirect("cohorts:placement-constraints", round_id=round_id)


@role_required(Role.STAFF)
def award_list(request, round_id):
    round = get_object_or_404(Round, pk=round_id)
    awards = selectors.award_list(round=round)
    return render(
        request, "cohorts/award_list.html", {"round": round, "awards": awards}
    )


@role_required(Role.STAFF)
def award_detail(request, award_id):
    """One award: status changes, moving to another cohort, and its history."""
    award = get_object_or_404(selectors.award_list_for_staff(), pk=award_id)
    transition_form = AwardTransitionForm(award=award)
    move_form = AwardMoveForm(award=award)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "status":
            transition_form = AwardTransitionForm(request.POST, award=award)
            form, call = transition_form, services.award_transition
            field = "status"
        elif action == "move":
            move_form = AwardMoveForm(request.POST, award=award)
            form, call = move_form, services.award_move
            field = "mentorship"
        else:
            raise Http404("Unknown action.")
        if form.is_valid():
            try:
                award = call(award=award, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(field, exc)
            else:
                return _after_award_change(request, award)
        status = 400
    return render(
        request,
        "cohorts/award_detail.html",
        {
            "award": award,
            "round": award.application.round,
            "transition_form": transition_form,
            "move_form": move_form,
            "trail": audit_trail(award)[:50],
            "members": selectors.award_members(award=award),
        },
        status=status,
    )


def _after_award_change(request, award):
    if award.status in services.LEAVING:
        messages.info(
            request,
            gettext(
                "%(organization)s is now %(status)s; its seat in %(mentorship)s is "
                "free. Here is the best waitlisted applicant for it."
            )
            % {
                "organization": award.organization.name,
                "status": award.get_status_display().lower(),
                "mentorship": award.mentorship.short_name,
            },
        )
        return redirect(
            reverse("cohorts:placement-waitlist", args=[award.application.round_id])
            + f"#seat-{award.mentorship_id}"
        )
    messages.success(
        request,
        gettext("Award to %(organization)s updated.")
        % {"organization": award.organization.name},
    )
    return redirect("cohorts:award-detail", award_id=award.pk)


@role_required(Role.STAFF)
def placement_waitlist(request, round_id):
    """Free seats with the best waitlisted applicant for each; offers out."""
    round = get_object_or_404(Round, pk=round_id)
    view = selectors.waitlist_view(round=round)
    return render(
        request, "cohorts/placement_waitlist.html", {"round": round, "view": view}
    )


@require_POST
@role_required(Role.STAFF)
def placement_waitlist_offer(request, round_id):
    round = get_object_or_404(Round, pk=round_id)
    application = get_object_or_404(
        Application.objects.select_related("organization"),
        pk=id_param(request.POST, "application") or 0,
        round=round,
    )
    mentorship = get_object_or_404(
        Mentorship, pk=id_param(request.POST, "mentorship") or 0, round=round
    )
    try:
        award = services.waitlist_offer(
            application=application, mentorship=mentorship, by=request.user
        )
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            gettext(
                "%(organization)s is offered a seat in %(mentorship)s; its contacts "
                "have the offer by e-mail."
            )
            % {
                "organization": award.organization.name,
                "mentorship": mentorship.short_name,
            },
        )
    return redirect("cohorts:placement-waitlist", round_id=round.pk)


@role_required(Role.STAFF, Role.MENTOR, Role.MENTEE)
def cohort_detail(request, pk):
    """A cohort: mentor organization, topic, mentors and mentee organizations.

    Staff and the cohort's mentors also see each mentee's contacts and award
    status; mentees see their peers' organization names only.
    """
    mentorship = get_mentorship_for_user(request.user, pk)
    full = can_see_cohort_contacts(request.user, mentorship)
    roster = selectors.cohort_roster(mentorship=mentorship)
    if not full:
        roster = roster.filter(status__in=Award.ACTIVE)
    roster = list(roster)
    return render(
        request,
        "cohorts/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "roster": roster,
            "full": full,
            "held": sum(1 for a in roster if a.status in Award.ACTIVE),
            "mentors": mentorship.mentors.order_by("full_name"),
            "is_staff": request.user.is_staff,
            "my_offers": [
                a
                for a in roster
                if a.status == Award.Status.OFFERED
                and any(
                    m.user_id == request.user.pk and m.role in ("primary", "secondary")
                    for m in a.members.all()
                )
            ],
        },
    )


@require_POST
@role_required(Role.MENTEE)
def award_respond(request, award_id):
    """A mentee contact accepts or declines its organization's offered award."""
    award = get_object_or_404(
        Award.objects.select_related(
            "application__organization", "mentorship"
        ).distinct(),
        pk=award_id,
        members__user=request.user,
        members__active=True,
    )
    try:
        services.award_respond(
            award=award, accept=request.POST.get("answer") == "accept", by=request.user
        )
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        award.refresh_from_db()
        messages.success(
            request,
            gettext("Thank you: the award is %(status)s.")
            % {"status": award.get_status_display().lower()},
        )
    if award.status in services.LEAVING:
        return redirect("home")
    return redirect("cohorts:cohort-detail", pk=award.mentorship_id)


def invitation_accept(request, token):
    """The invitation link: set a password, sign in, and land on the cohort."""
    try:
        user = services.invitation_user(token)
    except ValidationError as exc:
        return render(
            request,
            "cohorts/placement_invitation.html",
            {"error": error_text(exc)},
            status=400,
        )
    membership = (
        user.cohort_memberships.filter(active=True)
        .select_related("award__mentorship__mentor_organization")
        .order_by("-id")
        .first()
    )
    next_url = (
        reverse("cohorts:cohort-detail", args=[membership.award.mentorship_id])
        if membership
        else reverse("home")
    )
    if user.has_usable_password():
        messages.info(request, gettext("You already have a password: sign in."))
        return redirect(reverse("login") + f"?next={next_url}")
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["new_password1"]
        services.invitation_accept(user=user, password=password)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, gettext("Welcome! Your password is set."))
        return redirect(next_url)
    return render(
        request,
        "cohorts/placement_invitation.html",
        {"form": form, "invited": user, "membership": membership},
        status=400 if request.method == "POST" else 200,
    )
