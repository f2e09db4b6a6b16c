"""The mentor's cohort dashboard, the staff's program dashboard, the mentee home."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Attendance, Event, WorkPlan
from surveys.models import Invitation, Survey
from tests import factories
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db


def survey(round_, title="Midpoint survey", anonymous=True):
    return Survey.objects.create(
        title=title,
        kind=Survey.Kind.MIDPOINT,
        round=round_,
        audience=Survey.Audience.ROUND,
        opens_at=timezone.now() - dt.timedelta(days=5),
        closes_at=timezone.now() + dt.timedelta(days=5),
        anonymous=anonymous,
        status=Survey.Status.OPEN,
    )


def invite(survey_, user, completed=False):
    return Invitation.objects.create(
        survey=survey_,
        user=user,
        email=user.email,
        token_hash=hashlib.sha256(f"{survey_.pk}-{user.pk}".encode()).hexdigest(),
        completed_on=timezone.localdate() if completed else None,
    )


def populate(mentorship, members):
    """Give every mentee the full set of year records the dashboard reads."""
    events = [
        yf.EventFactory(
            mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(days=d)
        )
        for d in (40, 10)
    ]
    period = yf.ActionPeriodFactory(mentorship=mentorship)
    done = survey(mentorship.round)
    for i, member in enumerate(members):
        award = member.award
        yf.ActivityFactory(goal__workplan__award=award)
        yf.ProgressEntryFactory(
            measure__success_goal__award=award, value=Decimal(i % 10)
        )
        yf.CheckInNoteFactory(award=award)
        yf.ActionLogFactory(period=period, award=award)
        invite(done, member.user, completed=True)
        for event in events:
            Attendance.objects.create(
                event=event, member=member, status="present" if i % 2 else "absent"
            )


def test_mentor_home_shows_one_row_per_mentee_with_its_signals(client_as):
    """Plan status, last check-in, attendance, progress, surveys and the quiet flag."""
    mentorship, mentor, (active, quiet) = yf.cohort(2)
    today = timezone.localdate()
    old = timezone.now() - dt.timedelta(days=30)
    recent = timezone.now() - dt.timedelta(days=3)
    events = [
        yf.EventFactory(mentorship=mentorship, starts_at=old),
        yf.EventFactory(mentorship=mentorship, starts_at=recent),
    ]
    for event in events:
        Attendance.objects.create(event=event, member=active, status="present")
        Attendance.objects.create(event=event, member=quiet, status="absent")
    yf.WorkPlanFactory(award=active.award, status=WorkPlan.Status.APPROVED)
    yf.WorkPlanFactory(award=quiet.award, status=WorkPlan.Status.SUBMITTED)
    yf.CheckInNoteFactory(award=active.award, held_on=today - dt.timedelta(days=6))
    yf.ProgressEntryFactory(
        measure__success_goal__award=active.award,
        measure__baseline=0,
        measure__target=8,
        value=6,
    )
    period = yf.ActionPeriodFactory(mentorship=mentorship)
    yf.ActionLogFactory(period=period, award=active.award)
    s = survey(mentorship.round)
    invite(s, active.user, completed=True)
    invite(s, quiet.user, completed=False)

    response = client_as(mentor).get(reverse("cohorts:mentor-home"))
    assert response.status_code == 200
    rows = {r.award_id: r for r in response.context["rows"]}
    a, q = rows[active.award.pk], rows[quiet.award.pk]
    assert (a.workplan_label, q.workplan_label) == (
        "Approved",
        "Submitted for review",
    )
    assert a.last_check_in == today - dt.timedelta(days=6)
    assert q.last_check_in is None
    assert (a.attendance_percent, q.attendance_percent) == (100, 0)
    assert a.progress_percent == 75
    assert (a.surveys_completed, q.surveys_completed) == (1, 0)
    assert not a.quiet.quiet
    assert q.quiet.quiet
    assert "Missed the last 2 events" in q.quiet.reasons
    # Who needs attention comes first, and the page says why in words.
    assert response.context["rows"][0].award_id == quiet.award_id
    html = response.content.decode()
    assert "Gone quiet" in html and "Missed the last 2 events" in html
    assert response.context["quiet_count"] == 1
    assert response.context["review_count"] == 1


def test_quiet_thresholds_come_from_the_round(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    for days in (30, 3):
        event = yf.EventFactory(
            mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(days=days)
        )
        Attendance.objects.create(event=event, member=member, status="absent")
    yf.ActionLogFactory(period__mentorship=mentorship, award=member.award)
    round_ = mentorship.round
    round_.quiet_missed_events = 3
    round_.save()
    rows = client_as(mentor).get(reverse("cohorts:mentor-home")).context["rows"]
    assert not rows[0].quiet.quiet


def test_survey_answers_are_never_read_only_completion_records(client_as):
    """An anonymous survey's completion counts; its answers are not touched."""
    mentorship, mentor, (member,) = yf.cohort(1)
    invite(survey(mentorship.round), member.user, completed=True)
    response = client_as(mentor).get(reverse("cohorts:mentor-home"))
    assert response.context["rows"][0].surveys_completed == 1


def test_mentor_cannot_open_another_cohorts_dashboard(client_as):
    _, mentor, _ = yf.cohort(1)
    other, _, _ = yf.cohort(1)
    response = client_as(mentor).get(
        reverse("cohorts:mentor-home") + f"?cohort={other.pk}"
    )
    assert response.status_code == 404


def test_mentor_cannot_open_another_cohorts_mentee(client_as):
    _, mentor, _ = yf.cohort(1)
    _, _, (stranger,) = yf.cohort(1)
    for name in ["year-overview", "success-goal", "action-logs", "checkin-notes"]:
        url = reverse(f"cohorts:{name}", args=[stranger.award.pk])
        assert client_as(mentor).get(url).status_code == 404, name


def count_queries(client, url):
    # The setup's writes mark the mentor's cached roles changed for
    # ROLES_CHANGED_TIMEOUT seconds, during which every page reads them afresh
    # (one query more): start from an empty cache, so both sizes are measured
    # in the steady state, however long the setup took.
    cache.clear()
    client.get(url)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_cohort_dashboard_runs_the_same_queries_for_3_and_60_mentees(
    client_as, django_assert_max_num_queries
):
    """The same number of queries for a cohort of 3 and of 60 mentees."""
    mentorship, mentor, members = yf.cohort(3)
    populate(mentorship, members)
    client = client_as(mentor)
    url = reverse("cohorts:mentor-home")
    small, _ = count_queries(client, url)
    _, _, more = yf.cohort(57, mentor=mentor, mentorship=mentorship)
    populate(mentorship, more)
    large, response = count_queries(client, url)
    assert len(response.context["rows"]) == 60
    assert large == small
    with django_assert_max_num_queries(small):
        client.get(url)


def test_program_dashboard_runs_the_same_queries_for_3_and_60_mentees(client_as):
    """Every cohort rolled up in the same number of queries at 3 and 60 mentees."""
    round_ = yf.YearRoundFactory()
    first = yf.YearMentorshipFactory(round=round_)
    second = yf.YearMentorshipFactory(round=round_)
    _, _, members = yf.cohort(3, mentorship=first)
    populate(first, members)
    _, _, members2 = yf.cohort(2, mentorship=second)
    populate(second, members2)
    client = client_as(factories.StaffFactory())
    url = reverse("cohorts:program-dashboard")
    small, _ = count_queries(client, url)
    _, _, more = yf.cohort(57, mentorship=first)
    populate(first, more)
    large, response = count_queries(client, url)
    summaries = {s.mentorship.pk: s for s in response.context["summaries"]}
    assert summaries[first.pk].mentee_count == 60
    assert summaries[second.pk].mentee_count == 2
    assert large == small


def test_program_dashboard_rolls_up_each_cohort(client_as):
    round_ = yf.YearRoundFactory()
    mentorship = yf.YearMentorshipFactory(round=round_)
    _, _, (a, b) = yf.cohort(2, mentorship=mentorship)
    yf.WorkPlanFactory(award=a.award, status=WorkPlan.Status.APPROVED)
    for days in (20, 5):
        event = yf.EventFactory(
            mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(days=days)
        )
        Attendance.objects.create(event=event, member=a, status="present")
        Attendance.objects.create(event=event, member=b, status="absent")
    yf.ActionLogFactory(period__mentorship=mentorship, award=a.award)
    yf.ActionLogFactory(period__mentorship=mentorship, award=b.award)
    response = client_as(factories.StaffFactory()).get(
        reverse("cohorts:program-dashboard") + f"?round={round_.pk}"
    )
    (summary,) = [
        s for s in response.context["summaries"] if s.mentorship == mentorship
    ]
    assert summary.plans_approved == 1
    assert summary.plans_not_filed == 1
    assert summary.attendance_percent == 50
    assert [r.award_id for r in summary.quiet_rows] == [b.award_id]
    assert b.award.application.organization.name in response.content.decode()


def test_only_staff_open_the_program_dashboard(client_as):
    _, mentor, (member,) = yf.cohort(1)
    url = reverse("cohorts:program-dashboard")
    assert client_as(mentor).get(url).status_code == 403
    assert client_as(member.user).get(url).status_code == 403


def test_mentee_home_shows_cohort_mentor_what_is_due_and_progress(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    award = member.award
    yf.EventFactory(
        mentorship=mentorship,
        title="Kickoff webinar",
        kind=Event.Kind.KICKOFF,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    yf.CheckInNoteFactory(award=award, notes="Draft the data-sharing MOU.")
    yf.CheckInNoteFactory(
        award=award, notes="Private mentor thoughts.", shared_with_mentee=False
    )
    yf.ProgressEntryFactory(
        measure__success_goal__award=award, measure__name="Partners signed", value=5
    )
    invite(survey(mentorship.round, title="Capacity assessment"), member.user)
    response = client_as(member.user).get(reverse("cohorts:mentee-home"))
    html = response.content.decode()
    assert mentor.full_name in html
    assert mentorship.mentor_organization.name in html
    assert "File your work plan" in html
    assert "Kickoff webinar" in html
    assert "Capacity assessment" in html
    assert "Draft the data-sharing MOU." in html
    assert "Private mentor thoughts." not in html
    assert "Partners signed" in html and "50%" in html
