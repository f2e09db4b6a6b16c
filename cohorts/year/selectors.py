"""Reads the mentorship-year pages share, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from applications.models import Award, Round
from surveys.models import Invitation

from ..models import (
    ActionLog,
    ActionPeriod,
    Attendance,
    CheckInNote,
    CohortMember,
    Event,
    Goal,
    Measure,
    Mentorship,
    PersonnelChange,
    ProgressEntry,
    WorkPlan,
    WorkPlanVersion,
)
from . import rules


def mentorship_list_for_mentor(*, user):
    return (
        Mentorship.objects.filter(mentors=user)
        .select_related("round", "mentor_organization", "dashboard_cache")
        .annotate(
            mentee_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .order_by("-round__contract_start", "order")
    )


def cohort_memberships_for_mentee(*, user):
    # An ended award's people are alumni (peers/): not on the mentee's home.
    return (
        CohortMember.objects.filter(user=user, active=True)
        .exclude(award__status=Award.Status.ENDED)
        .select_related(
            "award__mentorship__mentor_organization",
            "award__mentorship__round",
            "award__application__organization",
        )
    )


def mentorship_list_for_staff():
    return (
        Mentorship.objects.select_related("round", "mentor_organization")
        .annotate(
            mentee_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .prefetch_related("mentors")
        .order_by("-round__closes_at", "order")
    )


def default_mentorship(mentorships, today: dt.date):
    """The cohort to show first: one in its mentorship year, with mentees."""
    in_year = [
        m
        for m in mentorships
        if m.round.contract_start <= today <= m.round.contract_end and m.mentee_count
    ]
    if in_year:
        return in_year[0]
    with_mentees = [m for m in mentorships if m.mentee_count]
    return (with_mentees or list(mentorships) or [None])[0]


def round_list_with_cohorts():
    return (
        Round.objects.filter(mentorships__awards__status__in=Award.ACTIVE)
        .distinct()
        .order_by("-contract_start")
    )


def default_round(rounds, today: dt.date):
    for round_ in rounds:
        if round_.contract_start <= today <= round_.contract_end:
            return round_
    return rounds[0] if rounds else None


# --- the cohort dashboard ----------------------------------------------------


@dataclass
class MenteeRow:
    """One mentee organization on a dashboard, with its signals.

    Plain values only, so that a cohort's rows are kept as JSON
    (``cohorts.year.reports``) and read back without touching the database.
    """

    award_id: int
    organization_name: str
    member_names: list[str] = field(default_factory=list)
    workplan_status: str | None = None
    last_check_in: dt.date | None = None
    check_in_days_ago: int | None = None
    attendance_rate: float | None = None
    goal_progress: float | None = None
    surveys_completed: int = 0
    last_logged: dt.date | None = None
    quiet: rules.QuietVerdict = field(default_factory=lambda: rules.QuietVerdict(False))
    recent: list[str] = field(default_factory=list)

    @property
    def workplan_label(self) -> str:
        """The work plan's state in words, in the reader's language."""
        if self.workplan_status:
            return str(WorkPlan.Status(self.workplan_status).label)
        return gettext("Not started")

    @property
    def awaiting_review(self) -> bool:
        return self.workplan_status == WorkPlan.Status.SUBMITTED

    @property
    def needs_attention(self) -> bool:
        return self.quiet.quiet or self.awaiting_review

    @property
    def attendance_percent(self):
        return (
            None if self.attendance_rate is None else round(self.attendance_rate * 100)
        )

    @property
    def progress_percent(self):
        return None if self.goal_progress is None else round(self.goal_progress * 100)

    def to_data(self) -> dict:
        return {
            "award_id": self.award_id,
            "organization_name": self.organization_name,
            "member_names": self.member_names,
            "workplan_status": self.workplan_status,
            "last_check_in": _iso(self.last_check_in),
            "check_in_days_ago": self.check_in_days_ago,
            "attendance_rate": self.attendance_rate,
            "goal_progress": self.goal_progress,
            "surveys_completed": self.surveys_completed,
            "last_logged": _iso(self.last_logged),
            "quiet_signals": self.quiet.signals,
            "recent": self.recent,
        }

    @classmethod
    def from_data(cls, data: dict) -> MenteeRow:
        signals = [tuple(s) for s in data.get("quiet_signals", [])]
        return cls(
            award_id=data["award_id"],
            organization_name=data["organization_name"],
            member_names=data["member_names"],
            workplan_status=data["workplan_status"],
            last_check_in=_day(data["last_check_in"]),
            check_in_days_ago=data["check_in_days_ago"],
            attendance_rate=data["attendance_rate"],
            goal_progress=data["goal_progress"],
            surveys_completed=data["surveys_completed"],
            last_logged=_day(data["last_logged"]),
            quiet=rules.QuietVerdict(bool(signals), signals),
            recent=data["recent"],
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _latest(qs, value: str) -> Subquery:
    """The latest ``value`` of the rows of ``qs``, as a subquery column."""
    return Subquery(
        qs.filter(**{f"{value}__isnull": False}).order_by(f"-{value}").values(value)[:1]
    )


@dataclass
class CohortRows:
    """A cohort's rows, and when its next event starts: the rows change then,
    as the event joins the past ones."""

    rows: list[MenteeRow] = field(default_factory=list)
    next_event_at: dt.datetime | None = None


def cohort_rows(
    *, mentorships, now: dt.datetime | None = None
) -> dict[int, CohortRows]:
    """Dashboard rows of each cohort in ``mentorships``, keyed by mentorship id.

    Runs the same four queries whatever the number of cohorts, mentees, events
    and attendance records, and reads each attendance record once. Days (the
    last check-in, the last log, "today" of the quiet flag) are the round's,
    in its time zone, so that every viewer sees the same rows. Surveys are
    counted from completion records only, never from answers.
    ``mentorships`` come with their ``round``.
    """
    now = now or timezone.now()
    by_id = {m.pk: m for m in mentorships}
    awards = _awards_with_latest_records(mentorship_ids=list(by_id), now=now)
    award_ids = [a["pk"] for a in awards]
    names, surveys = _members_and_surveys(award_ids=award_ids)
    recorded = _attendance_recorded(mentorship_ids=list(by_id), now=now)
    progress = _measure_progress(award_ids=award_ids)

    days = {}  # round -> (zone, today)
    cohorts = defaultdict(CohortRows)
    for award in awards:
        pk, mentorship_id = award["pk"], award["mentorship_id"]
        round_ = by_id[mentorship_id].round
        if round_.pk not in days:
            days[round_.pk] = round_.zone, timezone.localdate(now, round_.zone)
        zone, today = days[round_.pk]
        cohort = cohorts[mentorship_id]
        cohort.rows.append(
            _mentee_row(
                award,
                round_=round_,
                zone=zone,
                today=today,
                names=names[pk],
                surveys_completed=sum(surveys[pk].values()),
                org_statuses=_organization_statuses(recorded[pk], award),
                progress=progress.get(pk, []),
            )
        )
        upcoming = award["next_event"]
        if upcoming and (
            cohort.next_event_at is None or upcoming < cohort.next_event_at
        ):
            cohort.next_event_at = upcoming
    for cohort in cohorts.values():
        cohort.rows.sort(key=lambda r: (not r.needs_attention, r.organization_name))
    return cohorts


def _awards_with_latest_records(*, mentorship_ids, now) -> list[dict]:
    """The cohorts' active awards, each with the latest of each kind of record
    and its next event as columns of the one query (however many mentees and
    events)."""
    # The events an organization is expected at: its cohort's, and its own
    # check-in calls (not another organization's).
    expected = Event.objects.filter(mentorship_id=OuterRef("mentorship_id")).filter(
        Q(award__isnull=True) | Q(award_id=OuterRef("pk"))
    )
    return list(
        Award.objects.filter(mentorship_id__in=mentorship_ids, status__in=Award.ACTIVE)
        .annotate(
            last_note=_latest(
                CheckInNote.objects.filter(award=OuterRef("pk")), "held_on"
            ),
            last_call=_latest(
                expected.filter(kind=Event.Kind.CHECK_IN, starts_at__lte=now),
                "starts_at",
            ),
            next_event=Subquery(
                expected.filter(starts_at__gt=now)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            last_log=_latest(
                ActionLog.objects.filter(award=OuterRef("pk")), "created_at"
            ),
            last_progress=_latest(
                ProgressEntry.objects.filter(
                    measure__success_goal__award=OuterRef("pk")
                ),
                "created_at",
            ),
            last_submitted=_latest(
                WorkPlanVersion.objects.filter(workplan__award=OuterRef("pk")),
                "submitted_at",
            ),
        )
        .order_by("application__organization__name", "pk")
        .values(
            "pk",
            "mentorship_id",
            "contract_start",
            "application__organization__name",
            "workplan__status",
            "last_note",
            "last_call",
            "next_event",
            "last_log",
            "last_progress",
            "last_submitted",
        )
    )


def _members_and_surveys(*, award_ids) -> tuple[dict, dict]:
    """Each award's active members' names, and each member's surveys completed
    in their cohort's round (or in no round), counted from completion records
    only: ``({award: [names]}, {award: {user: surveys}})``."""
    completed_surveys = (
        Invitation.objects.filter(
            user_id=OuterRef("user_id"), completed_on__isnull=False
        )
        .filter(
            Q(survey__round_id=OuterRef("award__mentorship__round_id"))
            | Q(survey__round__isnull=True)
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    names = defaultdict(list)
    surveys = defaultdict(dict)
    for award_id, user_id, name, done in (
        CohortMember.objects.filter(award_id__in=award_ids, active=True)
        .annotate(surveys_done=Subquery(completed_surveys))
        .order_by("role", "name")
        .values_list("award_id", "user_id", "name", "surveys_done")
    ):
        names[award_id].append(name)
        if user_id:
            surveys[award_id][user_id] = done or 0
    return names, surveys


def _attendance_recorded(*, mentorship_ids, now) -> dict:
    """What each organization's people did at each past event, newest event
    first: ``{award: {(event, its mentorship, its award): [statuses]}}``.

    Events with nothing recorded count nowhere (not in the rate, not in the
    quiet run), so only the recorded ones are read.
    """
    recorded = defaultdict(dict)
    for event_id, mentorship_id, event_award_id, award_id, status in (
        Attendance.objects.filter(
            event__mentorship_id__in=mentorship_ids, event__starts_at__lte=now
        )
        .order_by("-event__starts_at", "-event_id")
        .values_list(
            "event_id",
            "event__mentorship_id",
            "event__award_id",
            "member__award_id",
            "status",
        )
    ):
        recorded[award_id].setdefault(
            (event_id, mentorship_id, event_award_id), []
        ).append(status)
    return recorded


def _measure_progress(*, award_ids) -> dict[int, list]:
    """Each award's measures' progress toward their targets, from the latest
    entry of each."""
    latest_value = (
        ProgressEntry.objects.filter(measure=OuterRef("pk"))
        .order_by("-date", "-id")
        .values("value")[:1]
    )
    progress = defaultdict(list)
    for award_id, baseline, target, latest in (
        Measure.objects.filter(success_goal__award_id__in=award_ids)
        .annotate(latest=Subquery(latest_value))
        .values_list("success_goal__award_id", "baseline", "target", "latest")
    ):
        progress[award_id].append(rules.measure_progress(baseline, target, latest))
    return progress


def _organization_statuses(recorded: dict, award: dict) -> list[str]:
    """The organization's status at each event it is expected at, newest first:
    only its cohort's events and its own calls (not another cohort's, before a
    move)."""
    return [
        rules.organization_status(statuses)
        for (_, event_mentorship, event_award), statuses in recorded.items()
        if event_mentorship == award["mentorship_id"]
        and event_award in (None, award["pk"])
    ]


def _mentee_row(
    award: dict,
    *,
    round_,
    zone,
    today: dt.date,
    names: list[str],
    surveys_completed: int,
    org_statuses: list[str],
    progress: list,
) -> MenteeRow:
    """One organization's row from its award's columns, in its round's days."""
    check_ins = [
        day
        for day in (
            award["last_note"],
            award["last_call"] and timezone.localdate(award["last_call"], zone),
        )
        if day
    ]
    logged = [
        timezone.localdate(t, zone)
        for t in (award["last_log"], award["last_progress"], award["last_submitted"])
        if t
    ]
    last_logged = max(logged) if logged else None
    last_check_in = max(check_ins) if check_ins else None
    status = award["workplan__status"]
    return MenteeRow(
        award_id=award["pk"],
        organization_name=award["application__organization__name"],
        member_names=names,
        workplan_status=status,
        last_check_in=last_check_in,
        check_in_days_ago=(
            max(0, (today - last_check_in).days) if last_check_in else None
        ),
        attendance_rate=rules.attendance_rate(org_statuses),
        goal_progress=rules.mean(progress),
        surveys_completed=surveys_completed,
        last_logged=last_logged,
        quiet=rules.quiet_flag(
            statuses_newest_first=org_statuses,
            last_logged=last_logged,
            since=award["contract_start"],
            today=today,
            missed_events=round_.quiet_missed_events,
            quiet_days=round_.quiet_days,
        ),
        recent=org_statuses[:5],
    )


@dataclass
class CohortSummary:
    """A cohort rolled up for the program dashboard."""

    mentorship: Mentorship
    rows: list

    @property
    def mentee_count(self):
        return len(self.rows)

    def _count(self, status):
        return sum(1 for r in self.rows if r.workplan_status == status)

    @property
    def plans_approved(self):
        return self._count(WorkPlan.Status.APPROVED)

    @property
    def plans_awaiting_review(self):
        return self._count(WorkPlan.Status.SUBMITTED)

    @property
    def plans_changes(self):
        return self._count(WorkPlan.Status.CHANGES_REQUESTED)

    @property
    def plans_not_filed(self):
        return sum(
            1 for r in self.rows if r.workplan_status in (None, WorkPlan.Status.DRAFT)
        )

    @property
    def attendance_percent(self):
        value = rules.mean(r.attendance_rate for r in self.rows)
        return None if value is None else round(value * 100)

    @property
    def progress_percent(self):
        value = rules.mean(r.goal_progress for r in self.rows)
        return None if value is None else round(value * 100)

    @property
    def surveys_completed(self):
        return sum(r.surveys_completed for r in self.rows)

    @property
    def quiet_rows(self):
        return [r for r in self.rows if r.quiet.quiet]

    @property
    def last_check_in(self):
        days = [r.last_check_in for r in self.rows if r.last_check_in]
        return max(days) if days else None


def mentorship_list_for_round(*, round_):
    return (
        Mentorship.objects.filter(round=round_)
        .select_related("round", "mentor_organization", "dashboard_cache")
        .prefetch_related("mentors")
        .order_by("order", "id")
    )


def personnel_changes_open():
    return PersonnelChange.objects.filter(
        status=PersonnelChange.Status.REPORTED
    ).select_related(
        "award__application__organization", "award__mentorship", "reported_by"
    )


# --- one organization's year ---------------------------------------------


def workplan_of(*, award) -> WorkPlan:
    """The award's work plan, read only.

    Awards get theirs when they are made (``services.workplan_get_or_create``);
    one made another way (the admin, an old import) shows an empty draft,
    unsaved, until its first save creates it: a page that shows it writes
    nothing.
    """
    workplan = WorkPlan.objects.filter(award=award).first()
    if workplan is None:
        workplan = WorkPlan(
            award=award, due_on=rules.workplan_due_on(award.contract_start)
        )
    return workplan


def goal_initial(goal: Goal | None) -> tuple[dict | None, list[dict]]:
    """What a goal's form and its activities' rows start with (nothing for a
    new goal)."""
    if goal is None:
        return None, []
    activities = [
        {"id": a.pk, "title": a.title, "target_date": a.target_date, "status": a.status}
        for a in goal.activities.all()
    ]
    return {"title": goal.title, "description": goal.description}, activities


def workplan_with_goals(*, workplan: WorkPlan) -> list[Goal]:
    if workplan.pk is None:
        return []
    return list(workplan.goals.prefetch_related("activities").order_by("order", "id"))


def workplan_versions(*, workplan: WorkPlan):
    if workplan.pk is None:
        return WorkPlanVersion.objects.none()
    return workplan.versions.select_related("submitted_by", "decided_by")


def measures_with_progress(*, award):
    return (
        Measure.objects.filter(success_goal__award=award)
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=ProgressEntry.objects.select_related("recorded_by").order_by(
                    "date", "id"
                ),
            )
        )
        .order_by("order", "id")
    )


def measure_rows(measures) -> list[dict]:
    """Each measure with its progress and its figures as the pages show them.

    A measure's figures share one precision (``rules.measure_places``): whole
    numbers when they are whole, each entry's text in ``entry.shown``.
    """
    rows = []
    for measure in measures:
        entries = list(measure.progress.all())
        latest = entries[-1].value if entries else None
        share = rules.measure_progress(measure.baseline, measure.target, latest)
        places = rules.measure_places(
            [measure.baseline, measure.target, *(e.value for e in entries)]
        )
        for entry in entries:
            entry.shown = rules.format_quantity(entry.value, places)
        rows.append(
            {
                "measure": measure,
                "entries": entries,
                "latest": latest,
                "baseline_shown": rules.format_quantity(measure.baseline, places),
                "target_shown": rules.format_quantity(measure.target, places),
                # What the measure stands at: its latest value, else its baseline.
                "current_shown": rules.format_quantity(
                    measure.baseline if latest is None else latest, places
                ),
                "percent": None if share is None else round(share * 100),
            }
        )
    return rows


def action_periods_with_logs(*, award):
    """The cohort's action periods, each with this organization's logs."""
    logs = ActionLog.objects.filter(award=award).select_related(
        "author", "commented_by"
    )
    return ActionPeriod.objects.filter(
        mentorship_id=award.mentorship_id
    ).prefetch_related(Prefetch("logs", queryset=logs))


def current_period(periods, today: dt.date):
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return period
    return None


def check_in_notes_for(*, award, mentee_view: bool):
    qs = award.check_in_notes.select_related("author", "event").prefetch_related(
        "members"
    )
    if mentee_view:
        qs = qs.filter(shared_with_mentee=True)
    return qs


def events_for_cohort(*, mentorship, award_ids=None):
    """The cohort's events; with ``award_ids``, only those check-ins."""
    qs = mentorship.events.select_related("award__application__organization")
    if award_ids is not None:
        qs = qs.filter(Q(award__isnull=True) | Q(award_id__in=award_ids))
    return qs.order_by("starts_at")


def attendance_of_award(*, award):
    return (
        Attendance.objects.filter(member__award=award)
        .select_related("event", "member")
        .order_by("-event__starts_at")
    )


def pending_invitations(*, user):
    now = timezone.now()
    return (
        Invitation.objects.filter(
            user=user,
            completed_on__isnull=True,
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
        )
        .select_related("survey")
        .order_by("survey__closes_at")
    )


def next_event(*, mentorship):
    """The cohort's next event, or None."""
    return (
        mentorship.events.filter(starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )


def upcoming_events_for_user(*, user, limit: int = 5):
    from ..permissions import events_visible_to

    return (
        events_visible_to(user)
        .filter(starts_at__gte=timezone.now())
        .select_related(
            "mentorship__mentor_organization", "award__application__organization"
        )
        .order_by("starts_at")[:limit]
    )


def mentee_home_cards(*, user, today: dt.date) -> list[dict]:
    """A card for each of the mentee's cohorts: its mentors, its work plan and
    the latest review, the action period now and whether it is logged, the
    latest check-in note and mentor comment, and its measures' progress."""
    memberships = list(cohort_memberships_for_mentee(user=user))
    cards = []
    for member in memberships:
        award = member.award
        workplan = workplan_of(award=award)
        periods = list(action_periods_with_logs(award=award))
        period = current_period(periods, today)
        last_version = (
            workplan_versions(workplan=workplan)
            .exclude(decision=WorkPlanVersion.Decision.PENDING)
            .first()
        )
        cards.append(
            {
                "member": member,
                "award": award,
                "mentors": list(award.mentorship.mentors.all()),
                "workplan": workplan,
                "period": period,
                "period_logged": bool(period and period.logs.all()),
                "note": check_in_notes_for(award=award, mentee_view=True).first(),
                "review": last_version,
                "comment": award.action_logs.exclude(mentor_comment="")
                .order_by("-commented_at")
                .first(),
                "measures": measure_rows(measures_with_progress(award=award)),
                "success_goal": getattr(award, "success_goal", None),
            }
        )
    return cards
