"""Pages of the affinity groups: for members, for leaders and staff, reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from dashmentor.csv_export import csv_response
from dashmentor.models import User
from dashmentor.roles import Role, has_role, role_required
from dashmentor.views_support import messages_add_errors

from . import permissions, rules, selectors, services, signals
from .forms import (
    AttendanceForm,
    CheckInForm,
    GroupEmailForm,
    GroupForm,
    MeetingForm,
    MeetingNotesForm,
)
from .models import Drawing, Group, GroupEmail, GroupMember, LeaderCheckIn


def _group_or_404(pk: int) -> Group:
    try:
        return selectors.group_get(pk)
    except Group.DoesNotExist:
        raise Http404("No such group.")


# --- Members' pages ---------------------------------------------------------------


@login_required
def group_list(request):
    """The cycle's groups, with join buttons and the viewer's memberships."""
    cycles = selectors.cycle_list()
    cycle = selectors.cycle_get(cycles, request.GET.get("cycle"))
    groups = selectors.group_list(cycle=cycle, user=request.user)
    active = (
        GroupMember.Status.ADMITTED,
        GroupMember.Status.REQUESTED,
        GroupMember.Status.WAITLISTED,
    )
    mentor_groups = []
    if has_role(request.user, Role.MENTEE):
        mentor_groups = selectors.mentor_led_groups(groups=groups, user=request.user)
    return render(
        request,
        "affinity/group_list.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "groups": groups,
            "my_groups": [
                g
                for g in groups
                if g.my_membership and g.my_membership.status in active
            ],
            "mentor_groups": mentor_groups,
        },
    )


@login_required
def group_detail(request, pk):
    """Goals, expectations, leaders, meetings (notes for members), my place."""
    group = _group_or_404(pk)
    manage = permissions.can_manage_group(request.user, group)
    membership = GroupMember.objects.filter(group=group, user=request.user).first()
    context = {
        "group": group,
        "manage": manage,
        "membership": membership,
        "read_notes": manage or bool(membership and membership.is_admitted),
        "meetings": selectors.meeting_list(group),
        "is_full": rules.is_full(group.member_count, group.capacity),
        "drawing": Drawing.objects.filter(group=group).first(),
    }
    if manage:
        context["survey_states"] = selectors.survey_states(group)
        context["can_create_surveys"] = permissions.can_create_surveys(
            request.user, group
        )
        context["pending"] = GroupMember.objects.filter(
            group=group, status=GroupMember.Status.REQUESTED
        ).count()
    return render(request, "affinity/group_detail.html", context)


@login_required
@require_POST
def group_join(request, pk):
    group = get_object_or_404(Group, pk=pk)
    try:
        member, text = services.membership_request(group=group, user=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc, messages.INFO)
    else:
        if member.status == GroupMember.Status.WAITLISTED:
            messages.warning(request, text)
        else:
            messages.success(request, text)
    return redirect(group)


@login_required
@require_POST
def group_leave(request, pk):
    group = get_object_or_404(Group, pk=pk)
    member = get_object_or_404(GroupMember, group=group, user=request.user)
    try:
        services.membership_leave(member=member, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request, gettext("You have left %(group)s.") % {"group": group.topic}
        )
    return redirect(group)


@login_required
def meeting_detail(request, pk, meeting_pk):
    """A meeting's agenda for all; its link and notes for members and leaders."""
    group = _group_or_404(pk)
    meeting = permissions.get_meeting_of_group(group, meeting_pk)
    manage = permissions.can_manage_group(request.user, group)
    context = {
        "group": group,
        "meeting": meeting,
        "manage": manage,
        "read_notes": permissions.can_read_notes(request.user, group),
    }
    if manage:
        context["attendance"] = meeting.attendance.aggregate(
            recorded=Count("pk"), present=Count("pk", filter=Q(present=True))
        )
    return render(request, "affinity/meeting_detail.html", context)


# --- Leaders' and staff pages -----------------------------------------------------


@login_required
def group_edit(request, pk):
    """Leaders and staff draft the goals, expectations, cadence and capacity."""
    group = permissions.get_group_for_manager(request.user, pk)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                group=Group.objects.get(pk=group.pk),
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("The group page is updated."))
            return redirect(group)
    return render(request, "affinity/group_form.html", {"group": group, "form": form})


@login_required
def roster(request, pk):
    """Requests, waitlist and members, with admit / waitlist / decline."""
    group = permissions.get_group_for_manager(request.user, pk)
    group = selectors.group_get(group.pk)
    members = selectors.roster(group)
    return render(
        request,
        "affinity/groupmember_list.html",
        {
            "group": group,
            "members": members,
            "open_places": max(group.capacity - group.member_count, 0),
            "Status": GroupMember.Status,
        },
    )


@login_required
@require_POST
def roster_decide(request, pk, member_pk):
    group = permissions.get_group_for_manager(request.user, pk)
    member = get_object_or_404(
        GroupMember.objects.select_related("user"), pk=member_pk, group=group
    )
    status = request.POST.get("status", "")
    if status not in GroupMember.Status.values:
        messages.error(request, gettext("Choose admit, waitlist or decline."))
        return redirect("affinity:roster", pk=group.pk)
    try:
        services.membership_decide(member=member, status=status, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        label = GroupMember.Status(status).label.lower()
        messages.success(
            request,
            gettext("%(person)s: %(status)s. They will get an e-mail.")
            % {"person": member.user, "status": label},
        )
    return redirect("affinity:roster", pk=group.pk)


@login_required
def meeting_form(request, pk, meeting_pk=None):
    """Schedule a meeting or change its title, time, agenda and link."""
    group = permissions.get_group_for_manager(request.user, pk)
    meeting = (
        permissions.get_meeting_of_group(group, meeting_pk) if meeting_pk else None
    )
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        saved = services.meeting_save(
            group=group, by=request.user, meeting=meeting, **form.cleaned_data
        )
        messages.success(
            request, gettext("Meeting “%(title)s” saved.") % {"title": saved.title}
        )
        return redirect("affinity:meeting-detail", pk=group.pk, meeting_pk=saved.pk)
    return render(
        request,
        "affinity/meeting_form.html",
        {"group": group, "meeting": meeting, "form": form},
    )


@login_required
def meeting_notes(request, pk, meeting_pk):
    """Leaders and staff write the notes; they are stored sanitized."""
    group = permissions.get_group_for_manager(request.user, pk)
    meeting = permissions.get_meeting_of_group(group, meeting_pk)
    form = MeetingNotesForm(request.POST or None, initial={"notes": meeting.notes_html})
    if request.method == "POST" and form.is_valid():
        services.meeting_notes_save(
            meeting=meeting, notes=form.cleaned_data["notes"], by=request.user
        )
        messages.success(request, gettext("Notes saved; members can read them now."))
        return redirect("affinity:meeting-detail", pk=group.pk, meeting_pk=meeting.pk)
    return render(
        request,
        "affinity/meeting_notes_form.html",
        {"group": group, "meeting": meeting, "form": form},
    )


@login_required
def meeting_attendance(request, pk, meeting_pk):
    """Everyone's attendance at one meeting on one screen."""
    group = permissions.get_group_for_manager(request.user, pk)
    meeting = permissions.get_meeting_of_group(group, meeting_pk)
    roster = services.attendance_roster(meeting)
    recorded = {a.member_id: a for a in meeting.attendance.all()}
    if request.method == "POST":
        form = AttendanceForm(request.POST, roster=roster)
        if form.is_valid():
            try:
                services.attendance_record(
                    meeting=meeting,
                    present=form.cleaned_data["present"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error("present", exc)
            else:
                count = len(form.cleaned_data["present"])
                messages.success(
                    request,
                    gettext("Attendance saved: %(count)d of %(total)d present.")
                    % {"count": count, "total": len(roster)},
                )
                return redirect(
                    "affinity:meeting-detail", pk=group.pk, meeting_pk=meeting.pk
                )
    else:
        form = AttendanceForm(
            roster=roster,
            initial={"present": [pk for pk, a in recorded.items() if a.present]},
        )
    checked = {int(v) for v in (form["present"].value() or []) if str(v).isdigit()}
    return render(
        request,
        "affinity/meetingattendance_form.html",
        {
            "group": group,
            "meeting": meeting,
            "form": form,
            "rows": [(m, m.pk in checked, m.pk in recorded) for m in roster],
            "already_recorded": bool(recorded),
            "not_held": services.attendance_not_held(meeting),
        },
    )


def _checkin_people(group: Group):
    return (
        User.objects.filter(affinity_groups_led=group)
        | User.objects.filter(affinity_groups_supported=group)
    ).distinct()


@login_required
def checkin_list(request, pk):
    """The orientation, midpoint and final check-ins of leaders and staff."""
    group = permissions.get_group_for_manager(request.user, pk)
    done = {
        c.kind: c
        for c in LeaderCheckIn.objects.filter(group=group).prefetch_related("attendees")
    }
    rows = [(kind, done.get(kind)) for kind in LeaderCheckIn.Kind]
    return render(
        request, "affinity/leadercheckin_list.html", {"group": group, "rows": rows}
    )


@login_required
def checkin_form(request, pk, kind):
    group = permissions.get_group_for_manager(request.user, pk)
    if kind not in LeaderCheckIn.Kind.values:
        raise Http404("No such check-in.")
    instance = LeaderCheckIn.objects.filter(group=group, kind=kind).first()
    form = CheckInForm(
        request.POST or None, instance=instance, people=_checkin_people(group)
    )
    if request.method == "POST" and form.is_valid():
        services.checkin_save(
            group=group,
            kind=kind,
            held_on=form.cleaned_data["held_on"],
            notes=form.cleaned_data["notes"],
            attendees=form.cleaned_data["attendees"],
            by=request.user,
        )
        messages.success(
            request,
            gettext("%(kind)s saved.") % {"kind": LeaderCheckIn.Kind(kind).label},
        )
        return redirect("affinity:checkins", pk=group.pk)
    return render(
        request,
        "affinity/leadercheckin_form.html",
        {"group": group, "form": form, "kind_label": LeaderCheckIn.Kind(kind).label},
    )


@login_required
def group_email(request, pk):
    """Write to every admitted member; the sending runs in the background."""
    group = permissions.get_group_for_manager(request.user, pk)
    group = selectors.group_get(group.pk)
    form = GroupEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email, created = services.group_email_create(
                group=group,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "“%(subject)s” is on its way to %(count)d member.",
                        "“%(subject)s” is on its way to %(count)d members.",
                        group.member_count,
                    )
                    % {"subject": email.subject, "count": group.member_count},
                )
            else:
                messages.info(request, gettext("This e-mail was already sent."))
            return redirect("affinity:email", pk=group.pk)
    sent = GroupEmail.objects.filter(group=group).select_related("sent_by")
    return render(
        request,
        "affinity/groupemail_form.html",
        {"group": group, "form": form, "sent": sent},
    )


@login_required
@require_POST
def surveys_create(request, pk):
    group = get_object_or_404(Group.objects.select_related("cycle"), pk=pk)
    if not permissions.can_create_surveys(request.user, group):
        raise PermissionDenied("Only program staff create the group's surveys.")
    try:
        services.group_surveys_create(group=group, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            gettext(
                "The pre-assessment and final survey are ready as drafts; open them "
                "from the survey pages to send the invitations."
            ),
        )
    return redirect(group)


@login_required
def drawing(request, pk):
    """The drawing: run it once (staff), and re-run it to check (anyone)."""
    group = _group_or_404(pk)
    drawing = Drawing.objects.filter(group=group).select_related("drawn_by").first()
    can_draw = permissions.can_run_drawing(request.user, group)
    see_names = can_draw or permissions.can_manage_group(request.user, group)
    if request.method == "POST":
        if not can_draw:
            raise PermissionDenied("Only program staff run the drawing.")
        try:
            drawing = services.drawing_draw(group=group, by=request.user)
        except ValidationError as exc:
            messages_add_errors(request, exc)
        else:
            messages.success(
                request, gettext("The winners are drawn and will get an e-mail.")
            )
            if drawing.note:
                messages.warning(request, drawing.note)
        return redirect("affinity:drawing", pk=group.pk)
    context = {
        "group": group,
        "drawing": drawing,
        "can_draw": can_draw,
        "see_names": see_names,
        "procedure": rules.DRAWING_PROCEDURE,
        "wanted": rules.WINNERS_PER_GROUP,
    }
    if drawing is not None:
        context.update(
            selectors.drawing_check(drawing, see_names=see_names, viewer=request.user)
        )
    else:
        context["eligible_count"] = len(services.drawing_eligible(group))
    return render(request, "affinity/drawing_detail.html", context)


# --- Reports ------------------------------------------------------------------


def _report_cycle(request):
    cycles = selectors.cycle_list()
    cycle = selectors.cycle_get(cycles, request.GET.get("cycle"))
    if cycle is None:
        raise Http404("No cycle yet.")
    return cycles, cycle


@role_required(Role.STAFF)
def report(request):
    """Attendance over the cycle, who the members are, and the cross-over."""
    cycles, cycle = _report_cycle(request)
    exit_surveys = selectors.exit_survey_list()
    exit_survey = next(
        (s for s in exit_surveys if str(s.pk) == request.GET.get("exit")),
        exit_surveys[0] if exit_surveys else None,
    )
    return render(
        request,
        "affinity/report.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            # Read only when the rendered report is not kept yet (see
            # templates/affinity/report.html and affinity/signals.py).
            "attendance": SimpleLazyObject(
                lambda: selectors.attendance_report(cycle=cycle)
            ),
            "members": SimpleLazyObject(
                lambda: selectors.members_by_organization(cycle=cycle)
            ),
            "crossover": SimpleLazyObject(
                lambda: selectors.crossover_report(cycle=cycle)
            ),
            "exit_surveys": exit_surveys,
            "exit_survey": exit_survey,
            "exit": SimpleLazyObject(
                lambda: selectors.exit_figures(exit_survey) if exit_survey else None
            ),
            "report_seconds": signals.REPORT_SECONDS,
            "report_version": signals.report_version(),
        },
    )


@role_required(Role.STAFF)
def report_csv(request, which):
    """Every table of the report as CSV."""
    _cycles, cycle = _report_cycle(request)
    slug = cycle.name.lower().replace(" ", "-")
    table = selectors.REPORT_TABLES.get(which)
    if table is None:
        raise Http404("No such export.")
    header, rows = table(cycle=cycle)
    return csv_response(f"affinity-{slug}-{which}.csv", rows, header=header)
