"""Reads the mentorship-year pages share, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from applications.models import Award, Round
from surveys.models import Invitation

from . import rules
from .models import (
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


def mentorship_list_for_mentor(*, user):
    return (
        Mentorship.objects.filter(mentors=user)
        .select_related("round", "mentor_organization")
        .annotate(
            mentee_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .order_by("-round__contract_start", "order")
    )


def cohort_memberships_for_mentee(*, user):
    return CohortMember.objects.filter(user=user, active=True).select_related(
        "award__mentorship__mentor_organization",
        "award__mentorship__round",
        "award__application__organization",
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
    """One mentee organization on a dashboard, with its signals."""

    award: Award
    members: list = field(default_factory=list)
    workplan_status: str | None = None
    workplan_label: str = "Not started"
    last_check_in: dt.date | None = None
    attendance_rate: float | None = None
    goal_progress: float | None = None
    surveys_completed: int = 0
    last_logged: dt.date | None = None
    quiet: rules.QuietVerdict = field(default_factory=lambda: rules.QuietVerdict(False))
    recent: list = field(default_factory=list)

    @property
    def organization(self):
        return self.award.application.organization

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


def _latest(qs, value: str) -> Subquery:
    """The latest ``value`` of the rows of ``qs``, as a subquery column."""
    return Subquery(
        qs.filter(**{f"{value}__isnull": False}).order_by(f"-{value}").values(value)[:1]
    )


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def cohort_rows(*, mentorships, today: dt.date | None = None) -> dict[int, list]:
    """Dashboard rows of each cohort in ``mentorships``, keyed by mentorship id.

    Runs the same dozen queries whatever the number of cohorts and mentees.
    Surveys are counted from completion records only, never from answers.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    ids = [m.pk for m in mentorships]
    rounds = {m.pk: m.round for m in mentorships}
    round_ids = {r.pk for r in rounds.values()}
    # The latest of each kind of record, as columns of the awards' own query
    # (one query, however many mentees).
    awards = list(
        Award.objects.filter(mentorship_id__in=ids, status__in=Award.ACTIVE)
        .select_related("application__organization", "workplan")
        .annotate(
            last_note=_latest(
                CheckInNote.objects.filter(award=OuterRef("pk")), "held_on"
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
        .order_by("application__organization__name")
    )
    award_ids = [a.pk for a in awards]
    # Each member with the surveys they completed in the cohort's rounds (or
    # in no round), counted from completion records only.
    completed_surveys = (
        Invitation.objects.filter(
            user_id=OuterRef("user_id"), completed_on__isnull=False
        )
        .filter(Q(survey__round_id__in=round_ids) | Q(survey__round__isnull=True))
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = list(
        CohortMember.objects.filter(award_id__in=award_ids, active=True)
        .annotate(surveys_done=Subquery(completed_surveys))
        .order_by("role", "name")
    )
    members_by_award = defaultdict(list)
    for member in members:
        members_by_award[member.award_id].append(member)

    events = list(
        Event.objects.filter(mentorship_id__in=ids, starts_at__lte=now)
        .order_by("-starts_at")
        .values("id", "mentorship_id", "award_id", "kind", "starts_at")
    )
    statuses = defaultdict(list)  # (event, award) -> member statuses
    for row in Attendance.objects.filter(
        event__mentorship_id__in=ids, event__starts_at__lte=now
    ).values("event_id", "member__award_id", "status"):
        statuses[(row["event_id"], row["member__award_id"])].append(row["status"])

    notes = {a.pk: a.last_note for a in awards if a.last_note}
    logs = {a.pk: a.last_log for a in awards}
    progress_logged = {a.pk: a.last_progress for a in awards}
    submitted = {a.pk: a.last_submitted for a in awards}
    latest_value = (
        ProgressEntry.objects.filter(measure=OuterRef("pk"))
        .order_by("-date", "-id")
        .values("value")[:1]
    )
    progress = defaultdict(list)
    for row in (
        Measure.objects.filter(success_goal__award_id__in=award_ids)
        .annotate(latest=Subquery(latest_value))
        .values("success_goal__award_id", "baseline", "target", "latest")
    ):
        progress[row["success_goal__award_id"]].append(
            rules.measure_progress(row["baseline"], row["target"], row["latest"])
        )
    surveys = {m.user_id: m.surveys_done or 0 for m in members if m.user_id}

    rows = defaultdict(list)
    for award in awards:
        round_ = rounds[award.mentorship_id]
        expected = [
            e
            for e in events
            if e["mentorship_id"] == award.mentorship_id
            and e["award_id"] in (None, award.pk)
        ]
        org_statuses = [
            rules.organization_status(statuses.get((e["id"], award.pk), []))
            for e in expected
        ]
        check_in_days = [
            _as_date(e["starts_at"])
            for e in expected
            if e["kind"] == Event.Kind.CHECK_IN
        ]
        if award.pk in notes:
            check_in_days.append(notes[award.pk])
        logged = [
            _as_date(v)
            for v in (
                logs.get(award.pk),
                progress_logged.get(award.pk),
                submitted.get(award.pk),
            )
            if v
        ]
        last_logged = max(logged) if logged else None
        workplan = getattr(award, "workplan", None)
        award_members = members_by_award[award.pk]
        row = MenteeRow(
            award=award,
            members=award_members,
            workplan_status=workplan.status if workplan else None,
            workplan_label=workplan.get_status_display() if workplan else "Not started",
            last_check_in=max(check_in_days) if check_in_days else None,
            attendance_rate=rules.attendance_rate(org_statuses),
            goal_progress=rules.mean(progress.get(award.pk, [])),
            surveys_completed=sum(
                surveys.get(uid, 0) for uid in {m.user_id for m in award_members}
            ),
            last_logged=last_logged,
            quiet=rules.quiet_flag(
                statuses_newest_first=org_statuses,
                last_logged=last_logged,
                since=award.contract_start,
                today=today,
                missed_events=round_.quiet_missed_events,
                quiet_days=round_.quiet_days,
            ),
            recent=[s for s in org_statuses if s is not None][:5],
        )
        rows[award.mentorship_id].append(row)
    for cohort_rows_ in rows.values():
        cohort_rows_.sort(key=lambda r: (not r.needs_attention, r.organization.name))
    return rows


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


def program_summary(*, round_, today: dt.date | None = None) -> list[CohortSummary]:
    """Every cohort of ``round_`` with its signals rolled up, in fixed queries."""
    mentorships = list(
        Mentorship.objects.filter(round=round_)
        .select_related("round", "mentor_organization")
        .prefetch_related("mentors")
        .order_by("order", "id")
    )
    rows = cohort_rows(mentorships=mentorships, today=today)
    return [CohortSummary(m, rows.get(m.pk, [])) for m in mentorships]


def personnel_changes_open():
    return PersonnelChange.objects.filter(
        status=PersonnelChange.Status.REPORTED
    ).select_related(
        "award__application__organization", "award__mentorship", "reported_by"
    )


# --- one organization's year ---------------------------------------------


def workplan_with_goals(*, workplan: WorkPlan) -> list[Goal]:
    return list(workplan.goals.prefetch_related("activities").order_by("order", "id"))


def workplan_versions(*, workplan: WorkPlan):
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
    rows = []
    for measure in measures:
        entries = list(measure.progress.all())
        latest = entries[-1].value if entries else None
        share = rules.measure_progress(measure.baseline, measure.target, latest)
        rows.append(
            {
                "measure": measure,
                "entries": entries,
                "latest": latest,
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
    qs = award.check_in_notes.select_related("author", "event")
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


def upcoming_events_for_user(*, user, limit: int = 5):
    from .permissions import events_visible_to

    return (
        events_visible_to(user)
        .filter(starts_at__gte=timezone.now())
        .select_related(
            "mentorship__mentor_organization", "award__application__organization"
        )
        .order_by("starts_at")[:limit]
    )
