"""Pages of the mentorship year: the role homes, the dashboards, and each
mentee organization's work plan, success goal, logs, events and check-ins.

Every handler checks the role (403 for another role), then reaches its object
through ``permissions`` (404 for someone else's), calls one service or selector
and renders.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from applications.models import Round
from dashmentor.models import User
from dashmentor.params import id_param
from dashmentor.roles import Role, has_role, role_required
from dashmentor.views_support import form_add_errors, messages_add_errors

from ..models import (
    ActionLog,
    Activity,
    Event,
    Goal,
    PersonnelChange,
    WorkPlanVersion,
)
from ..permissions import (
    can_edit_workplan,
    can_manage_events,
    can_mentor,
    can_review_workplan,
    get_award_for_user,
    get_event_for_user,
    get_managed_mentorship,
    get_mentorship_for_user,
    is_mentee_of,
    is_mentor_of,
)
from . import calendar, forms, reports, rules, selectors, services

YEAR_ROLES = (Role.STAFF, Role.MENTOR, Role.MENTEE)


def _year_context(request, award, tab: str) -> dict:
    return {
        "award": award,
        "organization": award.application.organization,
        "mentorship": award.mentorship,
        "tab": tab,
        "is_mentee": is_mentee_of(request.user, award),
        "is_mentor": can_mentor(request.user, award),
        "can_edit": can_edit_workplan(request.user, award),
    }


# --- role homes and dashboards ---------------------------------------------


@role_required(Role.MENTOR)
def mentor_home(request):
    """The mentor's cohort dashboard: one row per mentee with its signals."""
    mentorships = list(selectors.mentorship_list_for_mentor(user=request.user))
    chosen = request.GET.get("cohort")
    if chosen:
        mentorship = next((m for m in mentorships if str(m.pk) == chosen), None)
        if mentorship is None:
            raise Http404("No such cohort.")
    else:
        mentorship = selectors.default_mentorship(mentorships, timezone.localdate())
    signals = (
        reports.cohort_signals(mentorships=[mentorship])[mentorship.pk]
        if mentorship
        else None
    )
    rows = signals.rows if signals else []
    return render(
        request,
        "cohorts/mentor_home.html",
        {
            "mentorships": mentorships,
            "mentorship": mentorship,
            "rows": rows,
            "as_of": signals.as_of if signals else None,
            "max_age_minutes": reports.MAX_AGE.seconds // 60,
            # The rows' table is rendered once per computation of the rows.
            "rows_key": f"{mentorship.pk}:{signals.as_of.isoformat()}"
            if signals
            else None,
            "rows_seconds": reports.MAX_AGE.seconds,
            "quiet_count": sum(1 for r in rows if r.quiet.quiet),
            "review_count": sum(1 for r in rows if r.awaiting_review),
            "next_event": selectors.next_event(mentorship=mentorship)
            if mentorship
            else None,
        },
    )


@role_required(Role.MENTEE)
def mentee_home(request):
    """The mentee's home: its cohort and mentor, what is due next, the latest
    from its mentor and its goal's progress."""
    today = timezone.localdate()
    cards = selectors.mentee_home_cards(user=request.user, today=today)
    return render(
        request,
        "cohorts/mentee_home.html",
        {
            "cards": cards,
            "events": selectors.upcoming_events_for_user(user=request.user),
            "surveys": selectors.pending_invitations(user=request.user),
            "today": today,
        },
    )


@role_required(Role.STAFF)
def program_dashboard(request):
    """Every cohort of a round on one page, with the mentees' signals rolled up."""
    rounds = list(selectors.round_list_with_cohorts())
    chosen = request.GET.get("round")
    if chosen:
        round_ = next((r for r in rounds if str(r.pk) == chosen), None)
        if round_ is None:
            raise Http404("No such round.")
    else:
        round_ = selectors.default_round(rounds, timezone.localdate())
    summaries, as_of = reports.program_summary(round_=round_) if round_ else ([], None)
    return render(
        request,
        "cohorts/program_dashboard.html",
        {
            "rounds": rounds,
            "round": round_,
            "summaries": summaries,
            "as_of": as_of,
            "max_age_minutes": reports.MAX_AGE.seconds // 60,
            "quiet_total": sum(len(s.quiet_rows) for s in summaries),
            "review_total": sum(s.plans_awaiting_review for s in summaries),
            "mentee_total": sum(s.mentee_count for s in summaries),
            "open_changes": selectors.personnel_changes_open().count(),
        },
    )


def _posted_id(request, name: str) -> int:
    value = id_param(request.POST, name)
    if value is None:
        raise Http404(f"No such {name}.")
    return value


@require_POST
@role_required(Role.STAFF, Role.MENTOR)
def dashboard_refresh(request):
    """Compute a dashboard again now: a mentor's own cohort, or a round (staff)."""
    if "round" in request.POST:
        if not has_role(request.user, Role.STAFF):
            raise PermissionDenied
        round_ = get_object_or_404(Round, pk=_posted_id(request, "round"))
        reports.dashboard_invalidate(mentorships=round_.mentorships.values("pk"))
        return redirect(f"{reverse('cohorts:program-dashboard')}?round={round_.pk}")
    mentorship = get_mentorship_for_user(request.user, _posted_id(request, "cohort"))
    if not is_mentor_of(request.user, mentorship):
        raise Http404("No such cohort.")
    reports.dashboard_invalidate(mentorships=[mentorship.pk])
    return redirect(f"{reverse('cohorts:mentor-home')}?cohort={mentorship.pk}")


# --- one organization's year ---------------------------------------------


@role_required(*YEAR_ROLES)
def year_overview(request, award_pk):
    """A mentee organization's year at a glance, for its mentors and staff."""
    award = get_award_for_user(request.user, award_pk)
    workplan = selectors.workplan_of(award=award)
    signals = reports.cohort_signals(mentorships=[award.mentorship])[
        award.mentorship_id
    ]
    row = next((r for r in signals.rows if r.award_id == award.pk), None)
    return render(
        request,
        "cohorts/year_overview.html",
        {
            **_year_context(request, award, "overview"),
            "row": row,
            "as_of": signals.as_of,
            "workplan": workplan,
            "members": award.members.filter(active=True),
            "notes": selectors.check_in_notes_for(
                award=award, mentee_view=not can_mentor(request.user, award)
            )[:5],
            "attendance": selectors.attendance_of_award(award=award)[:12],
            "measures": selectors.measure_rows(
                selectors.measures_with_progress(award=award)
            ),
            "changes": award.personnel_changes.all()[:5],
        },
    )


@role_required(*YEAR_ROLES)
def workplan_detail(request, award_pk):
    """The work plan: goals, activities, status, review and versions."""
    award = get_award_for_user(request.user, award_pk)
    workplan = selectors.workplan_of(award=award)
    versions = list(selectors.workplan_versions(workplan=workplan))
    goals = selectors.workplan_with_goals(workplan=workplan)
    changed_since = bool(versions) and (
        services.workplan_snapshot(workplan)["goals"] != versions[0].snapshot["goals"]
    )
    context = {
        **_year_context(request, award, "workplan"),
        "workplan": workplan,
        "goals": goals,
        "versions": versions,
        "pending": next(
            (v for v in versions if v.decision == WorkPlanVersion.Decision.PENDING),
            None,
        ),
        "changed_since": changed_since,
        "can_add_goal": rules.goal_count_error(len(goals), adding=True) is None,
        "can_review": can_review_workplan(request.user, award),
        "review_form": forms.ReviewForm(),
        "status_choices": Activity.Status.choices,
        "submission_errors": rules.submission_errors(
            [{"title": g.title, "activities": list(g.activities.all())} for g in goals]
        ),
    }
    return render(request, "cohorts/workplan_detail.html", context)


def _editable_award(request, award_pk):
    award = get_award_for_user(request.user, award_pk)
    if not can_edit_workplan(request.user, award):
        raise PermissionDenied("Only the organization's people edit its plan.")
    return award


@role_required(*YEAR_ROLES)
def goal_edit(request, award_pk, goal_pk=None):
    """Add a goal (at most two) or change one, with its activities."""
    award = _editable_award(request, award_pk)
    workplan = selectors.workplan_of(award=award)
    goal = (
        get_object_or_404(Goal, pk=goal_pk, workplan__award=award) if goal_pk else None
    )
    detail = reverse("cohorts:workplan-detail", args=[award.pk])
    try:
        services.goal_edit_check(workplan=workplan, adding=goal is None)
    except ValidationError as exc:
        messages_add_errors(request, exc)
        return redirect(detail)
    initial, activities = selectors.goal_initial(goal)
    form, formset = forms.goal_forms(
        request.POST if request.method == "POST" else None,
        initial=initial,
        activities=activities,
        award=award,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.goal_save(
                # The first save of a plan makes it, if the award had none.
                workplan=services.workplan_get_or_create(award=award),
                goal=goal,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                activities=formset.activities(),
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("The goal is saved."))
            return redirect(detail)
    context = {"goal": goal, "form": form, "formset": formset}
    return render(
        request,
        "cohorts/goal_form.html",
        {**_year_context(request, award, "workplan"), **context},
    )


@require_POST
@role_required(*YEAR_ROLES)
def goal_delete(request, award_pk, goal_pk):
    award = _editable_award(request, award_pk)
    goal = get_object_or_404(Goal, pk=goal_pk, workplan__award=award)
    try:
        services.goal_delete(goal=goal, by=request.user)
        messages.success(
            request, gettext("The goal “%(title)s” is removed.") % {"title": goal.title}
        )
    except ValidationError as exc:
        messages_add_errors(request, exc)
    return redirect("cohorts:workplan-detail", award.pk)


@require_POST
@role_required(*YEAR_ROLES)
def activity_status(request, award_pk, activity_pk):
    """Mark how an activity stands, in any state of the plan."""
    award = _editable_award(request, award_pk)
    activity = get_object_or_404(Activity, pk=activity_pk, goal__workplan__award=award)
    form = forms.ActivityStatusForm(request.POST)
    if form.is_valid():
        services.activity_status_set(
            activity=activity, status=form.cleaned_data["status"], by=request.user
        )
        messages.success(
            request,
            gettext("“%(title)s” is now %(status)s.")
            % {
                "title": activity.title,
                "status": activity.get_status_display().lower(),
            },
        )
    else:
        messages.error(request, gettext("Choose a status from the list."))
    return redirect("cohorts:workplan-detail", award.pk)


@require_POST
@role_required(*YEAR_ROLES)
def workplan_submit(request, award_pk):
    award = _editable_award(request, award_pk)
    workplan = selectors.workplan_of(award=award)
    try:
        if workplan.pk is None:  # never saved: it has no goal yet
            raise ValidationError(rules.ERR_NO_GOALS)
        version = services.workplan_submit(workplan=workplan, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            gettext("Version %(number)s is submitted; your mentor has been told.")
            % {"number": version.number},
        )
    return redirect("cohorts:workplan-detail", award.pk)


@require_POST
@role_required(Role.STAFF, Role.MENTOR)
def workplan_review(request, award_pk):
    """The mentor approves the submitted plan or asks for changes."""
    award = get_award_for_user(request.user, award_pk)
    if not can_review_workplan(request.user, award):
        raise Http404("No such mentee organization.")
    workplan = selectors.workplan_of(award=award)
    form = forms.ReviewForm(request.POST)
    if workplan.pk is None:
        messages.error(request, services.ERR_NOTHING_TO_REVIEW)
    elif form.is_valid():
        try:
            services.workplan_review(
                workplan=workplan,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as exc:
            messages_add_errors(request, exc)
        else:
            messages.success(request, gettext("Your review is sent to the mentee."))
            return redirect("cohorts:workplan-detail", award.pk)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("cohorts:workplan-detail", award.pk)


@role_required(*YEAR_ROLES)
def workplan_version(request, award_pk, number):
    """One submitted version, compared with the one before it."""
    award = get_award_for_user(request.user, award_pk)
    workplan = selectors.workplan_of(award=award)
    version = get_object_or_404(
        WorkPlanVersion.objects.select_related("submitted_by", "decided_by"),
        workplan__award=award,
        number=number,
    )
    previous = workplan.versions.filter(number__lt=number).order_by("-number").first()
    changes = rules.workplan_diff(
        previous.snapshot if previous else None, version.snapshot
    )
    labels = dict(Activity.Status.choices)
    for change in changes:
        for activity in change.activities:
            activity.fields = [
                (name, labels.get(old, old), labels.get(new, new))
                if name == "status"
                else (name.replace("_", " "), old, new)
                for name, old, new in activity.fields
            ]
    return render(
        request,
        "cohorts/workplan_version.html",
        {
            **_year_context(request, award, "workplan"),
            "version": version,
            "previous": previous,
            "changes": changes,
        },
    )


@role_required(*YEAR_ROLES)
def workplan_timeline(request, award_pk):
    """The activities across the contract period, month by month."""
    award = get_award_for_user(request.user, award_pk)
    workplan = selectors.workplan_of(award=award)
    start, end = award.contract_start, award.contract_end
    span = max((end - start).days, 1)

    def pos(day):
        return round(max(0, min(span, (day - start).days)) * 100 / span, 2)

    months = []
    cursor = dt.date(start.year, start.month, 1)
    while cursor <= end:
        nxt = rules.add_months(cursor, 1, 1)
        left, right = pos(max(cursor, start)), pos(min(nxt, end))
        months.append({"label": f"{cursor:%b %Y}", "left": left, "width": right - left})
        cursor = nxt
    goals = []
    for goal in selectors.workplan_with_goals(workplan=workplan):
        items, previous = [], start
        for activity in goal.activities.all():
            left = pos(previous)
            width = max(pos(activity.target_date) - left, 1)
            items.append({"activity": activity, "left": left, "width": width})
            previous = min(activity.target_date, end)
        goals.append({"goal": goal, "items": items})
    today = timezone.localdate()
    return render(
        request,
        "cohorts/workplan_timeline.html",
        {
            **_year_context(request, award, "workplan"),
            "workplan": workplan,
            "months": months,
            "goals": goals,
            "today_pos": pos(today) if start <= today <= end else None,
        },
    )


@role_required(*YEAR_ROLES)
def success_goal(request, award_pk):
    """The individual success goal: statement, measures and progress."""
    award = get_award_for_user(request.user, award_pk)
    goal = getattr(award, "success_goal", None)
    editable = can_edit_workplan(request.user, award)
    measures = list(selectors.measures_with_progress(award=award))
    posted = request.method == "POST" and "save_goal" in request.POST
    if posted and not editable:
        raise PermissionDenied("Only the organization's people edit its goal.")
    form, formset = forms.success_goal_forms(
        request.POST if posted else None, goal=goal, measures=measures
    )
    if posted and form.is_valid() and formset.is_valid():
        services.success_goal_save(
            award=award,
            statement=form.cleaned_data["statement"],
            measures=forms.measure_items(formset),
            by=request.user,
        )
        messages.success(request, gettext("The success goal is saved."))
        return redirect("cohorts:success-goal", award.pk)
    return render(
        request,
        "cohorts/successgoal_detail.html",
        {
            **_year_context(request, award, "goal"),
            "goal": goal,
            "form": form,
            "formset": formset,
            "editable": editable,
            "measures": selectors.measure_rows(measures),
            "progress_form": forms.ProgressForm(award=award),
        },
    )


@role_required(*YEAR_ROLES)
def progress_create(request, award_pk):
    """Add a dated value to one of the organization's measures."""
    award = _editable_award(request, award_pk)
    form = forms.ProgressForm(request.POST or None, award=award)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(award=award, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("The progress entry is recorded."))
            return redirect("cohorts:success-goal", award.pk)
    return render(
        request,
        "cohorts/progress_form.html",
        {**_year_context(request, award, "goal"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*YEAR_ROLES)
def action_logs(request, award_pk):
    """The action periods with the organization's logs; the mentee adds to them."""
    award = get_award_for_user(request.user, award_pk)
    periods = list(selectors.action_periods_with_logs(award=award))
    today = timezone.localdate()
    started = award.mentorship.action_periods.filter(starts_on__lte=today)
    form = None
    if can_edit_workplan(request.user, award):
        current = selectors.current_period(periods, today)
        form = forms.ActionLogForm(
            request.POST or None,
            periods=started,
            initial={"period": current.pk if current else None},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.action_log_create(
                    award=award, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, gettext("Your log entry is saved."))
                return redirect("cohorts:action-logs", award.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the organization's people write its log.")
    return render(
        request,
        "cohorts/actionlog_list.html",
        {
            **_year_context(request, award, "logs"),
            "periods": periods,
            "current": selectors.current_period(periods, today),
            "today": today,
            "form": form,
            "comment_form": forms.LogCommentForm(),
        },
    )


@require_POST
@role_required(Role.STAFF, Role.MENTOR)
def log_comment(request, award_pk, log_pk):
    award = get_award_for_user(request.user, award_pk)
    if not can_mentor(request.user, award):
        raise Http404("No such mentee organization.")
    log = get_object_or_404(ActionLog, pk=log_pk, award=award)
    form = forms.LogCommentForm(request.POST)
    if form.is_valid():
        services.action_log_comment(
            log=log, comment=form.cleaned_data["comment"], by=request.user
        )
        messages.success(request, gettext("Your comment is saved."))
    else:
        messages.error(request, gettext("Write a comment first."))
    return redirect("cohorts:action-logs", award.pk)


@role_required(Role.STAFF, Role.MENTOR)
def checkin_note_create(request, award_pk):
    """The mentor records a check-in call."""
    award = get_award_for_user(request.user, award_pk)
    if not can_mentor(request.user, award):
        raise Http404("No such mentee organization.")
    form = forms.CheckInNoteForm(
        request.POST or None, award=award, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_note_create(
                award=award, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("The check-in notes are saved."))
            return redirect("cohorts:year-overview", award.pk)
    return render(
        request,
        "cohorts/checkinnote_form.html",
        {**_year_context(request, award, "overview"), "form": form},
    )


@role_required(*YEAR_ROLES)
def check_in_notes(request, award_pk):
    """Check-in notes of an organization: all for mentors, shared ones for it."""
    award = get_award_for_user(request.user, award_pk)
    return render(
        request,
        "cohorts/checkinnote_list.html",
        {
            **_year_context(request, award, "notes"),
            "notes": selectors.check_in_notes_for(
                award=award, mentee_view=not can_mentor(request.user, award)
            ),
        },
    )


@role_required(*YEAR_ROLES)
def personnel_report(request, award_pk):
    """A mentee reports a change of its team; the program office is told."""
    award = get_award_for_user(request.user, award_pk)
    editable = can_edit_workplan(request.user, award)
    form = forms.PersonnelChangeForm(request.POST or None) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only the organization's people report changes.")
        if form.is_valid():
            services.personnel_change_report(
                award=award, by=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                gettext(
                    "Thank you: the program office has the change and will "
                    "update your contacts."
                ),
            )
            return redirect("cohorts:personnel-report", award.pk)
    return render(
        request,
        "cohorts/personnelchange_form.html",
        {
            **_year_context(request, award, "team"),
            "form": form,
            "members": award.members.all(),
            "changes": award.personnel_changes.select_related(
                "reported_by", "applied_by"
            ),
        },
    )


@role_required(Role.STAFF)
def personnel_list(request):
    """Staff: reported personnel changes to apply, and the latest applied."""
    return render(
        request,
        "cohorts/personnelchange_list.html",
        {
            "open": selectors.personnel_changes_open(),
            "applied": PersonnelChange.objects.filter(
                status=PersonnelChange.Status.APPLIED
            ).select_related("award__application__organization", "applied_by")[:20],
        },
    )


@require_POST
@role_required(Role.STAFF)
def personnel_apply(request, pk):
    change = get_object_or_404(PersonnelChange, pk=pk)
    try:
        services.personnel_change_apply(change=change, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            gettext("The contacts of %(organization)s are updated.")
            % {"organization": change.award.organization},
        )
    return redirect("cohorts:personnel-list")


# --- events ------------------------------------------------------------------


@role_required(*YEAR_ROLES)
def event_list(request, mentorship_pk):
    """A cohort's events: upcoming first, then past, in the viewer's zone."""
    mentorship = get_mentorship_for_user(request.user, mentorship_pk)
    manager = can_manage_events(request.user, mentorship)
    award_ids = None
    if not manager:
        award_ids = list(
            request.user.cohort_memberships.filter(
                active=True, award__mentorship=mentorship
            ).values_list("award_id", flat=True)
        )
    events = list(
        selectors.events_for_cohort(mentorship=mentorship, award_ids=award_ids)
    )
    now = timezone.now()
    return render(
        request,
        "cohorts/event_list.html",
        {
            "mentorship": mentorship,
            "upcoming": [e for e in events if e.starts_at >= now],
            "past": [e for e in events if e.starts_at < now][::-1],
            "can_manage": manager,
            "zone": timezone.get_current_timezone_name(),
        },
    )


@role_required(Role.STAFF, Role.MENTOR)
def event_create(request, mentorship_pk):
    mentorship = get_managed_mentorship(request.user, mentorship_pk)
    zone = timezone.get_current_timezone_name()
    form = forms.EventForm(
        request.POST or None,
        mentorship=mentorship,
        zone_name=zone,
        initial={"kind": request.GET.get("kind", Event.Kind.WEBINAR)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                mentorship=mentorship,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + dt.timedelta(minutes=data["minutes"]),
                location=data["location"],
                link=data["link"],
                agenda=data["agenda"],
                award=data["award"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, gettext("“%(title)s” is scheduled.") % {"title": event.title}
            )
            return redirect("cohorts:event-detail", event.pk)
    return render(
        request, "cohorts/event_form.html", {"mentorship": mentorship, "form": form}
    )


@role_required(Role.STAFF, Role.MENTOR)
def event_series(request, mentorship_pk):
    """Generate a webinar series at a cadence: preview the dates, then create."""
    mentorship = get_managed_mentorship(request.user, mentorship_pk)
    round_ = mentorship.round
    form = forms.SeriesForm(
        request.POST or None,
        zone_name=round_.time_zone,
        initial={"first": max(round_.contract_start, timezone.localdate())},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "create" in request.POST:
            try:
                events = services.event_series_create(
                    mentorship=mentorship, by=request.user, **data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d webinar is scheduled.",
                        "%(count)d webinars are scheduled.",
                        len(events),
                    )
                    % {"count": len(events)},
                )
                return redirect("cohorts:event-list", mentorship.pk)
        else:
            preview = [
                dt.datetime.combine(day, data["at"], tzinfo=round_.zone)
                for day in services.series_preview(
                    mentorship=mentorship, first=data["first"], cadence=data["cadence"]
                )
            ]
            if not preview:
                form.add_error("first", rules.ERR_SERIES_EMPTY)
    return render(
        request,
        "cohorts/event_series.html",
        {"mentorship": mentorship, "form": form, "preview": preview, "round": round_},
    )


@role_required(*YEAR_ROLES)
def event_detail(request, pk):
    event = get_event_for_user(request.user, pk)
    manager = can_manage_events(request.user, event.mentorship)
    return render(
        request,
        "cohorts/event_detail.html",
        {
            "event": event,
            "mentorship": event.mentorship,
            "can_manage": manager,
            "attendance": event.attendance.select_related(
                "member__award__application__organization"
            ).order_by("member__award__application__organization__name", "member__name")
            if manager
            else None,
            "notes": (
                event.notes.filter(shared_with_mentee=True)
                if not manager
                else event.notes.all()
            ).prefetch_related("members"),
            "zone": timezone.get_current_timezone_name(),
        },
    )


@role_required(Role.STAFF, Role.MENTOR)
def event_attendance(request, pk):
    """Record attendance per person at one event, on one screen."""
    event = get_event_for_user(request.user, pk)
    if not can_manage_events(request.user, event.mentorship):
        raise Http404("No such event.")
    members = list(services.attendance_members(event))
    recorded = {a.member_id: a.status for a in event.attendance.all()}
    form = forms.AttendanceForm(
        request.POST or None,
        members=members,
        initial={f"member_{k}": v for k, v in recorded.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                event=event, statuses=form.statuses(), by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance of %(count)d person is recorded.",
                    "Attendance of %(count)d people is recorded.",
                    count,
                )
                % {"count": count},
            )
            return redirect("cohorts:event-detail", event.pk)
    rows = [(m, form[f"member_{m.pk}"]) for m in members]
    return render(
        request,
        "cohorts/attendance_form.html",
        {
            "event": event,
            "mentorship": event.mentorship,
            "form": form,
            "rows": rows,
            "zone": timezone.get_current_timezone_name(),
            "not_held": services.attendance_not_held(event),
        },
        status=400 if form.errors else 200,
    )


# --- calendar feed -----------------------------------------------------------


@login_required
def calendar_settings(request):
    """The user's personal feed address, to copy into a calendar program.

    A user without an address yet makes it with a button: the page only reads.
    """
    token = request.user.calendar_token
    url = (
        request.build_absolute_uri(reverse("cohorts:calendar-feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "cohorts/calendar_settings.html",
        {
            "feed_url": url,
            "events": calendar.feed_events(request.user).filter(
                starts_at__gte=timezone.now()
            )[:5],
            "is_staff_only": has_role(request.user, Role.STAFF)
            and not has_role(request.user, Role.MENTOR, Role.MENTEE),
        },
    )


@require_POST
@login_required
def calendar_reset(request):
    """Make the user's feed address, or a new one in place of the old."""
    first = not request.user.calendar_token
    services.calendar_token_reset(user=request.user)
    messages.success(
        request,
        gettext("Your calendar address is ready: copy it into your calendar program.")
        if first
        else gettext("Your calendar address is new; the old one no longer works."),
    )
    return redirect("cohorts:calendar")


def calendar_feed(request, token):
    """The iCalendar feed of the user whose secret token is in the address."""
    if len(token) < 20:
        raise Http404("No such calendar.")
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        calendar.build_feed(user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="dash-mentor.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
