"""Every write of the mentorship year.

Services are keyword-only, run in one transaction, return the model they
changed, write an audit row for decisions, and raise ``ValidationError`` with a
module-constant message when a rule refuses the change (nothing is saved then).
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.rows import rows_sync
from dashmentor.services import audit_record
from dashmentor.status import status_check, status_move
from dashmentor.templatetags.dates import format_when
from notifications.models import Kind
from notifications.services import message_enqueue

from ..models import (
    ActionLog,
    ActionPeriod,
    Activity,
    Attendance,
    CheckInNote,
    CohortMember,
    Event,
    Goal,
    Measure,
    PersonnelChange,
    ProgressEntry,
    SuccessGoal,
    WorkPlan,
    WorkPlanVersion,
)
from . import rules

ERR_PLAN_LOCKED = _(
    "Your work plan is with your mentor for review; you can change it again once "
    "the mentor has answered."
)
ERR_BAD_TRANSITION = _("A work plan that is “{before}” cannot be {action}.")
ERR_NOTHING_TO_REVIEW = _("There is no submitted version awaiting review.")
ERR_COMMENT_REQUIRED = _("Say what should change, so the mentee knows what to do.")
ERR_MEASURE_OTHER_ORG = _("This measure belongs to another organization's goal.")
ERR_PROGRESS_FUTURE = _("A progress entry cannot be dated in the future.")
ERR_NOT_IN_COHORT = _("{name} is not a member of this cohort; attendance not recorded.")
ERR_BAD_ATTENDANCE = _("“{status}” is not an attendance status.")
ERR_CHECK_IN_NEEDS_ORG = _(
    "A check-in call is with one mentee organization: choose it."
)
ERR_ORG_NOT_IN_COHORT = _("This organization is not in this cohort.")
ERR_EVENT_END_BEFORE_START = _("The end must come after the start.")
ERR_PERIOD_OTHER_COHORT = _("This action period belongs to another cohort.")
ERR_PERIOD_NOT_STARTED = _("This action period has not started yet.")
ERR_EVENT_OTHER_ORG = _("This call is not a check-in with this organization.")
ERR_EVENT_NOT_HELD = _(
    "This event has not taken place yet (it starts {when}): record who came once "
    "it has started."
)
ERR_MEMBER_OTHER_ORG = _("Only the organization's own team members can be ticked here.")
ERR_CHANGE_APPLIED = _("This change was already applied.")
ERR_NO_SUCH_PERSON = _("No active member of this organization has the e-mail {email}.")

RESUBMIT_DAYS = 14


def _personnel_subject(change) -> str:
    return gettext("Personnel change at %(organization)s: %(kind)s") % {
        "organization": change.award.application.organization.name,
        "kind": change.get_kind_display().lower(),
    }


def _date(value: dt.date) -> str:
    return value.isoformat()


# --- work plan ---------------------------------------------------------------


@transaction.atomic
def workplan_get_or_create(*, award) -> WorkPlan:
    """The award's work plan, created as a draft due a month into the contract.

    The year starts with the award: the placement and the waitlist offer call
    this when they make one, so that the plan's due date drives its reminders
    from the start. A save of the plan calls it too, for an award made another
    way (the admin); pages only read (``selectors.workplan_of``). Safe to call
    again: the plan is made once.
    """
    workplan, _ = WorkPlan.objects.get_or_create(
        award=award,
        defaults={"due_on": rules.workplan_due_on(award.contract_start)},
    )
    return workplan


def goal_edit_check(*, workplan: WorkPlan, adding: bool) -> None:
    """Refuse to open a goal's form when it could not be saved: the plan is
    with its mentors, or (``adding``) it has all its goals already."""
    _check_editable(workplan)
    if adding:
        count = workplan.goals.count() if workplan.pk else 0
        error = rules.goal_count_error(count, adding=True)
        if error:
            raise ValidationError(error)


def _check_editable(workplan: WorkPlan) -> None:
    if workplan.status == WorkPlan.Status.SUBMITTED:
        raise ValidationError(ERR_PLAN_LOCKED)


@transaction.atomic
def goal_save(
    *,
    workplan: WorkPlan,
    goal: Goal | None = None,
    title: str,
    description: str = "",
    activities: list[dict],
    by,
) -> Goal:
    """Create or change a goal and its activities in one step.

    ``activities`` holds dicts with ``title``, ``target_date``, ``status`` and,
    for an existing activity, ``id``; an existing activity with ``delete`` set is
    removed. Activities follow the rows rule of ``dashmentor.rows``: one saved
    back unchanged is not written, one not listed is kept. A third goal, a
    target date outside the contract, or a plan under review is refused and
    nothing is saved.
    """
    workplan = WorkPlan.objects.select_for_update().get(pk=workplan.pk)
    _check_editable(workplan)
    if goal is None:
        problem = rules.goal_count_error(workplan.goals.count(), adding=True)
        if problem:
            raise ValidationError(problem)
    _check_activity_dates(workplan.award, activities)
    goal, changed = _goal_write(workplan, goal, title, description)
    change = _activities_sync(goal, activities)
    if changed or change:
        workplan.save(update_fields=["updated_at"])
    return goal


def _check_activity_dates(award, activities: list[dict]) -> None:
    """Refuse, row by row, a target date outside the award's contract."""
    errors = {}
    for index, item in enumerate(activities):
        if item.get("delete"):
            continue
        problem = rules.activity_date_error(
            item["target_date"], award.contract_start, award.contract_end
        )
        if problem:
            errors[f"activity-{index}"] = problem
    if errors:
        raise ValidationError(errors)


def _goal_write(
    workplan: WorkPlan, goal: Goal | None, title: str, description: str
) -> tuple[Goal, bool]:
    """Create the goal, or change its title and description; say if it changed."""
    if goal is None:
        order = (workplan.goals.aggregate(m=Max("order"))["m"] or 0) + 1
        goal = Goal.objects.create(
            workplan=workplan, order=order, title=title, description=description
        )
        return goal, True
    goal = Goal.objects.get(pk=goal.pk, workplan=workplan)
    fields = [
        name
        for name, value in (("title", title), ("description", description))
        if getattr(goal, name) != value
    ]
    if fields:
        goal.title, goal.description = title, description
        goal.save(update_fields=fields)
    return goal, bool(fields)


def _activities_sync(goal: Goal, activities: list[dict]):
    """Save the goal's activity rows by the rows rule; return what changed."""
    order = itertools.count((goal.activities.aggregate(m=Max("order"))["m"] or 0) + 1)
    return rows_sync(
        queryset=goal.activities.all(),
        rows=[
            {
                "id": item.get("id"),
                "title": item["title"],
                "target_date": item["target_date"],
                "status": item.get("status") or Activity.Status.PLANNED,
            }
            for item in activities
            if not item.get("delete")
        ],
        remove=[
            item["id"] for item in activities if item.get("delete") and item.get("id")
        ],
        fields=["title", "target_date", "status"],
        new=lambda **values: Activity(goal=goal, order=next(order), **values),
    )


@transaction.atomic
def goal_delete(*, goal: Goal, by) -> None:
    """Remove a goal and its activities (a plan under review stays as it is)."""
    workplan = WorkPlan.objects.select_for_update().get(pk=goal.workplan_id)
    _check_editable(workplan)
    goal.delete()
    workplan.save(update_fields=["updated_at"])


@transaction.atomic
def activity_status_set(*, activity: Activity, status: str, by) -> Activity:
    """Mark how an activity stands; allowed in every state of the plan."""
    if status not in Activity.Status.values:
        raise ValidationError(_("Choose a status from the list."))
    if activity.status != status:
        status_move(activity, status)
    return activity


def workplan_snapshot(workplan: WorkPlan) -> dict:
    """The plan's goals and activities as plain JSON, for a version."""
    goals = workplan.goals.prefetch_related("activities")
    return {
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "activities": [
                    {
                        "id": a.pk,
                        "title": a.title,
                        "target_date": _date(a.target_date),
                        "status": a.status,
                    }
                    for a in goal.activities.all()
                ],
            }
            for goal in goals
        ]
    }


@transaction.atomic
def workplan_submit(*, workplan: WorkPlan, by) -> WorkPlanVersion:
    """Send the plan to the mentors: keep a numbered copy, e-mail the mentors.

    Refused with one or more messages when the plan has no goal, more than two,
    or a goal without an activity. Submitting twice makes one version: the second
    call finds the plan already submitted and is refused.
    """
    workplan = WorkPlan.objects.select_for_update().get(pk=workplan.pk)
    before = workplan.status
    status_check(
        workplan, WorkPlan.Status.SUBMITTED, ERR_BAD_TRANSITION, action="submitted"
    )
    snapshot = workplan_snapshot(workplan)
    errors = rules.submission_errors(snapshot["goals"])
    if errors:
        raise ValidationError(errors)
    number = (workplan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = WorkPlanVersion.objects.create(
        workplan=workplan, number=number, snapshot=snapshot, submitted_by=by
    )
    status_move(workplan, WorkPlan.Status.SUBMITTED, fields=["updated_at"])
    award = workplan.award
    audit_record(
        actor=by,
        action="workplan.submit",
        target=workplan,
        before={"status": before},
        after={"status": workplan.status, "version": number},
    )
    path = reverse("cohorts:workplan-detail", args=[award.pk])
    for mentor in award.mentorship.mentors.all():
        message_enqueue(
            kind=Kind.WORKPLAN_REVIEW,
            to_email=mentor.email,
            subject=format_lazy(
                _("Work plan to review: {organization}"),
                organization=award.application.organization.name,
            ),
            template="cohorts_year_workplan_submitted",
            context={"award": award, "version": version, "path": path},
            key=f"workplan-submitted:{version.pk}",
            recipient=mentor,
        )
    return version


@transaction.atomic
def workplan_review(
    *, workplan: WorkPlan, approve: bool, comment: str, by
) -> WorkPlanVersion:
    """Record the mentor's decision on the latest version and tell the mentees.

    Asking for changes needs a comment and gives the mentee two more weeks
    (the plan's ``due_on``, which drives the reminders).
    """
    workplan = WorkPlan.objects.select_for_update().get(pk=workplan.pk)
    version = workplan.versions.filter(
        decision=WorkPlanVersion.Decision.PENDING
    ).first()
    if version is None or workplan.status != WorkPlan.Status.SUBMITTED:
        raise ValidationError(ERR_NOTHING_TO_REVIEW)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": ERR_COMMENT_REQUIRED})
    before = workplan.status
    if approve:
        target, action = WorkPlan.Status.APPROVED, "approved"
        version.decision = WorkPlanVersion.Decision.APPROVED
    else:
        target, action = WorkPlan.Status.CHANGES_REQUESTED, "sent back"
        version.decision = WorkPlanVersion.Decision.CHANGES_REQUESTED
        workplan.due_on = timezone.localdate() + dt.timedelta(days=RESUBMIT_DAYS)
    status_check(workplan, target, ERR_BAD_TRANSITION, action=action)
    version.mentor_comment = comment
    version.decided_by = by
    version.decided_at = timezone.now()
    version.save()
    status_move(workplan, target, fields=["due_on", "updated_at"])
    audit_record(
        actor=by,
        action="workplan.review",
        target=workplan,
        before={"status": before},
        after={"status": workplan.status, "version": version.number},
        note=comment,
    )
    _review_notify(workplan, version, approve)
    return version


def _review_notify(workplan: WorkPlan, version: WorkPlanVersion, approve: bool):
    """E-mail the plan's active mentees the mentor's decision."""
    award = workplan.award
    path = reverse("cohorts:workplan-detail", args=[award.pk])
    members = CohortMember.objects.filter(
        award=award, active=True, user__isnull=False
    ).select_related("user")
    for member in members:
        message_enqueue(
            kind=Kind.WORKPLAN_REVIEW,
            to_email=member.user.email,
            subject=(
                _("Your work plan is approved")
                if approve
                else _("Your mentor asks for changes to your work plan")
            ),
            template="cohorts_year_workplan_review",
            context={
                "award": award,
                "version": version,
                "approved": approve,
                "path": path,
                "due_on": workplan.due_on,
            },
            key=f"workplan-review:{version.pk}",
            recipient=member.user,
        )


# --- success goal ----------------------------------------------------------


@transaction.atomic
def success_goal_save(
    *, award, statement: str, measures: list[dict], by
) -> SuccessGoal:
    """Write the success goal's statement and its measures.

    ``measures`` holds dicts with ``name``, ``unit``, ``baseline``, ``target``
    and, for an existing measure, ``id``; with ``delete`` set it is removed
    (with its progress entries). Measures follow the rows rule of
    ``dashmentor.rows``: one saved back unchanged is not written (its progress
    stays attached to the same row), one not listed is kept.
    """
    goal = SuccessGoal.objects.select_for_update().filter(award=award).first()
    if goal is None:
        goal = SuccessGoal.objects.create(award=award, statement=statement)
    elif goal.statement != statement:
        goal.statement = statement
        goal.save(update_fields=["statement", "updated_at"])
    order = itertools.count((goal.measures.aggregate(m=Max("order"))["m"] or 0) + 1)
    rows_sync(
        queryset=goal.measures.all(),
        rows=[
            {
                "id": item.get("id"),
                "name": item["name"],
                "unit": item.get("unit", ""),
                "baseline": item.get("baseline") or Decimal(0),
                "target": item["target"],
            }
            for item in measures
            if not item.get("delete")
        ],
        remove=[
            item["id"] for item in measures if item.get("delete") and item.get("id")
        ],
        fields=["name", "unit", "baseline", "target"],
        new=lambda **values: Measure(success_goal=goal, order=next(order), **values),
    )
    return goal


@transaction.atomic
def progress_record(
    *, award, measure: Measure, date: dt.date, value: Decimal, note: str = "", by
) -> ProgressEntry:
    """Add a dated value to one of the award's own measures."""
    if measure.success_goal.award_id != award.pk:
        raise ValidationError({"measure": ERR_MEASURE_OTHER_ORG})
    if date > timezone.localdate():
        raise ValidationError({"date": ERR_PROGRESS_FUTURE})
    return ProgressEntry.objects.create(
        measure=measure, date=date, value=value, note=note, recorded_by=by
    )


# --- events and attendance -------------------------------------------------


def _contract_check(mentorship, starts_at: dt.datetime) -> None:
    round_ = mentorship.round
    day = timezone.localtime(starts_at, round_.zone).date()
    if day < round_.contract_start or day > round_.contract_end:
        raise ValidationError(
            {
                "starts_at": rules.ERR_EVENT_OUTSIDE_CONTRACT.format(
                    start=format_when(round_.contract_start, "short_date"),
                    end=format_when(round_.contract_end, "short_date"),
                )
            }
        )


@transaction.atomic
def event_create(
    *,
    mentorship,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    location: str = "",
    link: str = "",
    agenda: str = "",
    award=None,
    by,
) -> Event:
    """Schedule one event of a cohort, inside the contract period.

    A check-in call is with one mentee organization of the cohort; the other
    kinds are for the whole cohort. Cohort webinars re-cut the action periods.
    """
    _contract_check(mentorship, starts_at)
    if ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": ERR_EVENT_END_BEFORE_START})
    if kind == Event.Kind.CHECK_IN:
        if award is None:
            raise ValidationError({"award": ERR_CHECK_IN_NEEDS_ORG})
        if award.mentorship_id != mentorship.pk:
            raise ValidationError({"award": ERR_ORG_NOT_IN_COHORT})
    else:
        award = None
    event = Event.objects.create(
        mentorship=mentorship,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        link=link,
        agenda=agenda,
        award=award,
        created_by=by,
    )
    if kind in (Event.Kind.KICKOFF, Event.Kind.WEBINAR):
        action_periods_sync(mentorship=mentorship)
    return event


def series_preview(*, mentorship, first: dt.date, cadence: str) -> list[dt.date]:
    """The dates a webinar series would get, skipping days with a cohort event."""
    round_ = mentorship.round
    taken = {
        timezone.localtime(t, round_.zone).date()
        for t in mentorship.events.filter(award__isnull=True).values_list(
            "starts_at", flat=True
        )
    }
    return rules.cadence_dates(
        first=first,
        cadence=cadence,
        start=round_.contract_start,
        end=round_.contract_end,
        taken=taken,
    )


@transaction.atomic
def event_series_create(
    *,
    mentorship,
    title: str,
    first: dt.date,
    cadence: str,
    at: dt.time,
    minutes: int = 60,
    link: str = "",
    location: str = "",
    agenda: str = "",
    by,
) -> list[Event]:
    """Create a cohort webinar series at ``cadence`` inside the contract dates.

    Times are taken in the round's time zone. Dates follow
    ``rules.cadence_dates``: none outside the contract, none on a day that
    already has a cohort event. The action periods are re-cut after.
    """
    days = series_preview(mentorship=mentorship, first=first, cadence=cadence)
    if not days:
        raise ValidationError({"first": rules.ERR_SERIES_EMPTY})
    zone = mentorship.round.zone
    events = []
    for number, day in enumerate(days, start=1):
        starts = dt.datetime.combine(day, at, tzinfo=zone)
        events.append(
            Event.objects.create(
                mentorship=mentorship,
                kind=Event.Kind.WEBINAR,
                title=f"{title} {number}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=minutes),
                link=link,
                location=location,
                agenda=agenda,
                created_by=by,
            )
        )
    action_periods_sync(mentorship=mentorship)
    audit_record(
        actor=by,
        action="events.series",
        target=mentorship,
        after={"cadence": cadence, "dates": [d.isoformat() for d in days]},
    )
    return events


@transaction.atomic
def action_periods_sync(*, mentorship) -> list[ActionPeriod]:
    """Make the action periods the stretches between the cohort's webinars.

    Periods are found by their first day; a period whose webinar is gone is
    removed unless mentees have logged in it.
    """
    round_ = mentorship.round
    days = [
        timezone.localtime(t, round_.zone).date()
        for t in mentorship.events.filter(
            kind__in=[Event.Kind.KICKOFF, Event.Kind.WEBINAR]
        ).values_list("starts_at", flat=True)
    ]
    wanted = rules.periods_between(days, round_.contract_end)
    existing = {p.starts_on: p for p in mentorship.action_periods.all()}
    periods = []
    for number, (start, end) in enumerate(wanted, start=1):
        title = f"Action period {number}"
        period = existing.pop(start, None)
        if period is None:
            period = ActionPeriod.objects.create(
                mentorship=mentorship, title=title, starts_on=start, ends_on=end
            )
        elif (period.ends_on, period.title) != (end, title):
            period.ends_on, period.title = end, title
            period.save(update_fields=["ends_on", "title"])
        periods.append(period)
    for stale in existing.values():
        if not stale.logs.exists():
            stale.delete()
    return periods


def attendance_members(event: Event):
    """Who is expected at an event: the cohort's active mentees (one org for a
    check-in)."""
    qs = CohortMember.objects.filter(active=True, award__mentorship=event.mentorship)
    if event.award_id:
        qs = qs.filter(award_id=event.award_id)
    return qs.select_related("award__application__organization").order_by(
        "award__application__organization__name", "role", "name"
    )


def attendance_not_held(event: Event, now=None) -> str:
    """Why attendance cannot be recorded for ``event`` yet (it has not
    started), or an empty string."""
    if event.starts_at <= (now or timezone.now()):
        return ""
    when = timezone.localtime(event.starts_at)
    return ERR_EVENT_NOT_HELD.format(when=dateformat.format(when, "F j, Y, g:i A T"))


@transaction.atomic
def attendance_record(*, event: Event, statuses: dict[int, str], by) -> int:
    """Record who came to ``event``, one status per member, in one step.

    An event that has not started has no attendance yet (``ERR_EVENT_NOT_HELD``).
    A member who is not expected at the event (another cohort, another
    organization's check-in, inactive) refuses the whole form: nothing saved.
    Recording twice updates the same rows; a status left as it was is not
    written again (who recorded it and when stay). A member marked absent or
    excused is taken off the "who took part" list of the event's check-in
    notes, so that a note never names someone the attendance says was not
    there. Returns the number of statuses given.
    """
    not_held = attendance_not_held(event)
    if not_held:
        raise ValidationError(not_held)
    allowed = {m.pk: m for m in attendance_members(event)}
    for member_id, status in statuses.items():
        if member_id not in allowed:
            member = CohortMember.objects.filter(pk=member_id).first()
            name = member.name if member else f"Member {member_id}"
            raise ValidationError(ERR_NOT_IN_COHORT.format(name=name))
        if status not in Attendance.Status.values:
            raise ValidationError(ERR_BAD_ATTENDANCE.format(status=status))
    written = _attendance_write(event=event, statuses=statuses, by=by)
    if written:
        away = [
            m for m, status in written.items() if status != Attendance.Status.PRESENT
        ]
        CheckInNote.members.through.objects.filter(
            checkinnote__event=event, cohortmember_id__in=away
        ).delete()
        audit_record(
            actor=by,
            action="event.attendance",
            target=event,
            after={str(k): v for k, v in written.items()},
        )
    return len(statuses)


def _attendance_write(*, event: Event, statuses: dict[int, str], by) -> dict:
    """Write the statuses that differ from the recorded ones; return them."""
    recorded = {
        a.member_id: a
        for a in Attendance.objects.select_for_update().filter(
            event=event, member_id__in=list(statuses)
        )
    }
    now = timezone.now()
    written = {}
    for member_id, status in statuses.items():
        row = recorded.get(member_id)
        if row is None:
            Attendance.objects.create(
                event=event,
                member_id=member_id,
                status=status,
                recorded_by=by,
                recorded_at=now,
            )
        elif row.status != status:
            row.recorded_by, row.recorded_at = by, now
            status_move(row, status, fields=["recorded_by", "recorded_at"])
        else:
            continue
        written[member_id] = status
    return written


# --- action logs and check-in notes ---------------------------------------


@transaction.atomic
def action_log_create(
    *, award, period: ActionPeriod, did: str, next_steps: str = "", by
) -> ActionLog:
    """The mentee's log of what it did in an action period and what comes next."""
    if period.mentorship_id != award.mentorship_id:
        raise ValidationError({"period": ERR_PERIOD_OTHER_COHORT})
    if period.starts_on > timezone.localdate():
        raise ValidationError({"period": ERR_PERIOD_NOT_STARTED})
    return ActionLog.objects.create(
        period=period, award=award, did=did, next_steps=next_steps, author=by
    )


@transaction.atomic
def action_log_comment(*, log: ActionLog, comment: str, by) -> ActionLog:
    """The mentor's comment on a log (a new comment replaces the last)."""
    log.mentor_comment = comment
    log.commented_by = by
    log.commented_at = timezone.now()
    log.save(update_fields=["mentor_comment", "commented_by", "commented_at"])
    return log


@transaction.atomic
def checkin_note_create(
    *,
    award,
    held_on: dt.date,
    notes: str,
    members=(),
    attendees: str = "",
    follow_ups: str = "",
    shared_with_mentee: bool = True,
    event: Event | None = None,
    by,
) -> CheckInNote:
    """The mentor's record of a check-in call with one mentee organization.

    ``members`` are the organization's people who took part; ``attendees``
    names anyone else. The note and the call's attendance say the same: a
    member ticked in the note of a scheduled call is recorded present at it
    (a mark of absent or excused is corrected, since the mentor who was on
    the call says otherwise), and ``attendance_record`` takes someone marked
    absent off the note. That is what a mentor expects from writing down who
    was on the call: the attendance follows, with nothing to record twice. A
    call that has not started yet has no note (``ERR_EVENT_NOT_HELD``).
    """
    if event is not None and (
        event.kind != Event.Kind.CHECK_IN or event.award_id != award.pk
    ):
        raise ValidationError({"event": ERR_EVENT_OTHER_ORG})
    if event is not None:
        not_held = attendance_not_held(event)
        if not_held:
            raise ValidationError({"event": not_held})
    members = list(members)
    if any(m.award_id != award.pk for m in members):
        raise ValidationError({"members": ERR_MEMBER_OTHER_ORG})
    note = CheckInNote.objects.create(
        award=award,
        event=event,
        author=by,
        held_on=held_on,
        attendees=attendees,
        notes=notes,
        follow_ups=follow_ups,
        shared_with_mentee=shared_with_mentee,
    )
    note.members.set(members)
    if event is not None and members:
        written = _attendance_write(
            event=event,
            statuses={m.pk: Attendance.Status.PRESENT for m in members},
            by=by,
        )
        if written:
            audit_record(
                actor=by,
                action="event.attendance",
                target=event,
                after={str(k): v for k, v in written.items()},
                note="Recorded from the check-in note.",
            )
    return note


# --- personnel changes -------------------------------------------------------


@transaction.atomic
def personnel_change_report(
    *,
    award,
    kind: str,
    person_name: str,
    person_email: str,
    effective_on: dt.date,
    note: str = "",
    by,
) -> PersonnelChange:
    """Record a change of the mentee team and tell the program office."""
    change = PersonnelChange.objects.create(
        award=award,
        kind=kind,
        person_name=person_name,
        person_email=person_email.lower(),
        effective_on=effective_on,
        note=note,
        reported_by=by,
    )
    audit_record(
        actor=by,
        action="personnel.report",
        target=change,
        after={"kind": kind, "email": change.person_email},
    )
    message_enqueue(
        kind=Kind.PERSONNEL_CHANGE,
        to_email=settings.PROGRAM_OFFICE_EMAIL,
        subject=partial(_personnel_subject, change),
        template="cohorts_year_personnel_change",
        context={
            "award": award,
            "change": change,
            "reported_by": by,
            "path": reverse("cohorts:personnel-list"),
        },
        key=f"personnel:{change.pk}",
    )
    return change


def _member_by_email(award, email: str) -> CohortMember | None:
    return CohortMember.objects.filter(award=award, email__iexact=email).first()


@transaction.atomic
def personnel_change_apply(*, change: PersonnelChange, by) -> PersonnelChange:
    """Update the organization's contacts from a reported change.

    Someone leaves: the member is made inactive. Someone joins: a colleague is
    added (linked to an account with that e-mail if there is one). A new primary
    or secondary contact takes the role; the one who held it becomes a
    colleague. The change is kept, marked applied, with who applied it.
    """
    from dashmentor.models import User

    change = PersonnelChange.objects.select_for_update().get(pk=change.pk)
    if change.status == PersonnelChange.Status.APPLIED:
        raise ValidationError(ERR_CHANGE_APPLIED)
    award = change.award
    member = _member_by_email(award, change.person_email)
    now = timezone.now()
    if change.kind == PersonnelChange.Kind.LEAVES:
        if member is None or not member.active:
            raise ValidationError(ERR_NO_SUCH_PERSON.format(email=change.person_email))
        member.active, member.left_at = False, now
        member.save(update_fields=["active", "left_at"])
    else:
        if member is None:
            member = CohortMember(award=award, email=change.person_email)
        member.name = change.person_name
        member.active, member.left_at = True, None
        member.user = (
            member.user
            or User.objects.filter(email__iexact=change.person_email).first()
        )
        member.joined_at = member.joined_at or now
        if change.kind in (
            PersonnelChange.Kind.PRIMARY,
            PersonnelChange.Kind.SECONDARY,
        ):
            role = change.kind
            CohortMember.objects.filter(award=award, role=role, active=True).exclude(
                pk=member.pk
            ).update(role=CohortMember.Role.COLLEAGUE)
            member.role = role
        elif not member.pk:
            member.role = CohortMember.Role.COLLEAGUE
        member.save()
    change.applied_by, change.applied_at = by, now
    status_move(
        change, PersonnelChange.Status.APPLIED, fields=["applied_by", "applied_at"]
    )
    audit_record(
        actor=by,
        action="personnel.apply",
        target=change,
        after={"member": member.pk, "role": member.role, "active": member.active},
    )
    return change


# --- calendar feed -----------------------------------------------------------


@transaction.atomic
def calendar_token_reset(*, user) -> str:
    """Make the user's feed token, or replace it: the old feed address stops
    working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    audit_record(actor=user, action="calendar.reset", target=user)
    return user.calendar_token
