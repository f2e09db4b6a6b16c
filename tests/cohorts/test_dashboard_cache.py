"""The dashboards' kept rows: computed once, shown with their "as of" time, and
computed again as soon as what they show changes through the pages people use
(or the clock makes them out of date)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse
from django.utils import timezone

from cohorts.models import DashboardCache, Event, WorkPlan
from cohorts.year import reports
from surveys import services as survey_services
from surveys.models import Survey
from tests import factories
from tests.cohorts import year_factories as yf
from tests.cohorts.test_workplan import add_goal
from tests.surveys.conftest import invite  # noqa: F401 - a fixture used below
from tests.surveys.factories import SurveyFactory, add_questions, valid_answers

pytestmark = pytest.mark.django_db

MENTOR_HOME = reverse("cohorts:mentor-home")
PROGRAM = reverse("cohorts:program-dashboard")
REFRESH = reverse("cohorts:dashboard-refresh")


@pytest.fixture
def clock(time_machine):
    """Time that moves only when told, so that "as of" times can be compared."""
    time_machine.move_to(timezone.now(), tick=False)

    def forward(**delta):
        time_machine.move_to(timezone.now() + dt.timedelta(**delta), tick=False)

    return forward


def mentor_page(client, **params):
    response = client.get(MENTOR_HOME, params)
    assert response.status_code == 200
    return response


def row_of(response, member):
    (row,) = [r for r in response.context["rows"] if r.award_id == member.award_id]
    return row


def test_rows_are_kept_and_read_back_with_their_as_of_time(client_as, clock):
    """The second view reads the kept rows: the page says when they were made."""
    mentorship, mentor, (member,) = yf.cohort(1)
    client = client_as(mentor)
    first = mentor_page(client)
    kept = DashboardCache.objects.get(mentorship=mentorship)
    assert first.context["as_of"] == kept.computed_at == timezone.now()
    assert kept.data["rows"][0]["award_id"] == member.award_id
    clock(minutes=3)
    again = mentor_page(client)
    assert again.context["as_of"] == first.context["as_of"]
    assert [r.award_id for r in again.context["rows"]] == [member.award_id]
    html = again.content.decode()
    local = timezone.localtime(kept.computed_at)
    assert f'Signals as of <time datetime="{local.isoformat()}">' in html
    assert f"{local:%H:%M}" in html


def test_attendance_saved_on_the_attendance_page_shows_at_once(client_as, clock):
    mentorship, mentor, (member,) = yf.cohort(1)
    event = yf.EventFactory(mentorship=mentorship)
    client = client_as(mentor)
    before = mentor_page(client)
    assert row_of(before, member).attendance_percent is None
    clock(minutes=1)
    client.post(
        reverse("cohorts:event-attendance", args=[event.pk]),
        {f"member_{member.pk}": "absent"},
    )
    after = mentor_page(client)
    assert row_of(after, member).attendance_percent == 0
    assert row_of(after, member).recent == ["absent"]
    assert after.context["as_of"] > before.context["as_of"]


def test_work_plan_submitted_by_the_mentee_shows_on_the_mentors_dashboard(
    client_as, django_capture_on_commit_callbacks
):
    mentorship, mentor, (member,) = yf.cohort(1)
    assert row_of(mentor_page(client_as(mentor)), member).workplan_label == (
        "Not started"
    )
    mentee = client_as(member.user)
    add_goal(mentee, member.award)
    with django_capture_on_commit_callbacks(execute=True):
        mentee.post(reverse("cohorts:workplan-submit", args=[member.award.pk]))
    page = mentor_page(client_as(mentor))
    assert row_of(page, member).workplan_status == WorkPlan.Status.SUBMITTED
    assert page.context["review_count"] == 1
    assert "Review now" in page.content.decode()


def test_check_in_call_and_progress_recorded_on_their_pages_show_at_once(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    measure = yf.MeasureFactory(success_goal__award=member.award, target=4)
    client = client_as(mentor)
    row = row_of(mentor_page(client), member)
    assert (row.last_check_in, row.progress_percent) == (None, None)
    held_on = timezone.localdate(timezone=mentorship.round.zone) - dt.timedelta(days=2)
    client.post(
        reverse("cohorts:checkin-note-create", args=[member.award.pk]),
        {"held_on": held_on.isoformat(), "notes": "Talked data sharing."},
    )
    client_as(member.user).post(
        reverse("cohorts:progress-create", args=[member.award.pk]),
        {"measure": measure.pk, "date": timezone.localdate().isoformat(), "value": "3"},
    )
    page = mentor_page(client_as(mentor))
    row = row_of(page, member)
    assert (row.last_check_in, row.progress_percent) == (held_on, 75)
    assert "2 days ago" in page.content.decode()


def test_a_completed_survey_counts_at_once(
    client_as,
    invite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    mentorship, mentor, (member,) = yf.cohort(1)
    survey = SurveyFactory(round=mentorship.round, status=Survey.Status.OPEN)
    questions = add_questions(survey)
    invitation, _ = invite(survey, member.user, mentorship=mentorship)
    client = client_as(mentor)
    assert row_of(mentor_page(client), member).surveys_completed == 0
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.response_submit(
            invitation=invitation, raw=valid_answers(questions)
        )
    assert row_of(mentor_page(client), member).surveys_completed == 1


def test_a_move_to_another_cohort_shows_on_both_at_once(client_as):
    """Staff move an organization: both cohorts' kept rows are computed again."""
    round_ = yf.YearRoundFactory()
    first, second = (yf.YearMentorshipFactory(round=round_) for _ in range(2))
    _, _, (member, _) = yf.cohort(2, mentorship=first)
    staff = client_as(factories.StaffFactory())
    counts = {
        s.mentorship.pk: s.mentee_count
        for s in staff.get(PROGRAM, {"round": round_.pk}).context["summaries"]
    }
    assert counts == {first.pk: 2, second.pk: 0}
    response = staff.post(
        reverse("cohorts:award-detail", args=[member.award_id]),
        {"action": "move", "mentorship": second.pk},
    )
    assert response.status_code == 302
    summaries = staff.get(PROGRAM, {"round": round_.pk}).context["summaries"]
    assert {s.mentorship.pk: s.mentee_count for s in summaries} == {
        first.pk: 1,
        second.pk: 1,
    }


def test_rows_are_computed_again_when_the_next_event_starts(client_as, clock):
    """A check-in call in an hour is not a "last check-in" until it has begun."""
    mentorship, mentor, (member,) = yf.cohort(1)
    call = yf.EventFactory(
        mentorship=mentorship,
        kind=Event.Kind.CHECK_IN,
        award=member.award,
        starts_at=timezone.now() + dt.timedelta(hours=1),
    )
    client = client_as(mentor)
    assert row_of(mentor_page(client), member).last_check_in is None
    clock(minutes=59)
    assert row_of(mentor_page(client), member).last_check_in is None
    clock(minutes=2)
    day = timezone.localdate(call.starts_at, mentorship.round.zone)
    assert row_of(mentor_page(client), member).last_check_in == day


def test_rows_are_kept_at_most_max_age(client_as, clock):
    """What changes outside the year's pages (an organization's name) shows
    within the age the page states."""
    mentorship, mentor, (member,) = yf.cohort(1)
    client = client_as(mentor)
    first = mentor_page(client)
    organization = member.award.application.organization
    organization.name = "Renamed Collaborative"
    organization.save()
    clock(seconds=reports.MAX_AGE.total_seconds() - 1)
    assert "Renamed Collaborative" not in mentor_page(client).content.decode()
    clock(seconds=2)
    page = mentor_page(client)
    assert "Renamed Collaborative" in page.content.decode()
    assert page.context["as_of"] > first.context["as_of"]
    minutes = int(reports.MAX_AGE.total_seconds() // 60)
    assert f"anything else within {minutes} minutes" in page.content.decode()


def test_a_mentor_refreshes_the_own_cohort_now(client_as, clock):
    mentorship, mentor, (member,) = yf.cohort(1)
    client = client_as(mentor)
    first = mentor_page(client)
    organization = member.award.application.organization
    organization.name = "Renamed Collaborative"
    organization.save()
    clock(minutes=1)
    response = client.post(REFRESH, {"cohort": mentorship.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{MENTOR_HOME}?cohort={mentorship.pk}"
    page = mentor_page(client, cohort=mentorship.pk)
    assert page.context["as_of"] > first.context["as_of"]
    assert row_of(page, member).organization_name == "Renamed Collaborative"


def test_only_a_cohorts_mentors_and_staff_refresh_it(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    other, _, _ = yf.cohort(1)
    assert client_as(mentor).post(REFRESH, {"cohort": other.pk}).status_code == 404
    assert client_as(mentor).post(REFRESH, {"cohort": "x"}).status_code == 404
    assert client_as(mentor).post(REFRESH, {"round": other.round_id}).status_code == (
        403
    )
    assert client_as(member.user).post(
        REFRESH, {"cohort": mentorship.pk}
    ).status_code == (403)
    staff = client_as(factories.StaffFactory())
    response = staff.post(REFRESH, {"round": mentorship.round_id})
    assert response["Location"] == f"{PROGRAM}?round={mentorship.round_id}"


def test_staff_refresh_computes_every_cohort_of_the_round_again(client_as, clock):
    mentorship, _, (member,) = yf.cohort(1)
    staff = client_as(factories.StaffFactory())
    first = staff.get(PROGRAM, {"round": mentorship.round_id})
    assert "Signals as of" in first.content.decode()
    clock(minutes=1)
    assert (
        staff.get(PROGRAM, {"round": mentorship.round_id}).context["as_of"]
        == (first.context["as_of"])
    )
    staff.post(REFRESH, {"round": mentorship.round_id})
    again = staff.get(PROGRAM, {"round": mentorship.round_id})
    assert again.context["as_of"] == timezone.now() > first.context["as_of"]


def test_a_mentor_sees_only_the_own_cohorts_kept_rows(client_as):
    """Two cohorts of one mentor, both kept: each page shows its own rows only."""
    mentorship, mentor, (mine,) = yf.cohort(1)
    second, _, (also_mine,) = yf.cohort(1, mentor=mentor)
    _, _, (theirs,) = yf.cohort(1)
    client = client_as(mentor)
    for cohort, member in ((mentorship, mine), (second, also_mine)):
        mentor_page(client, cohort=cohort.pk)  # keep the rows
        rows = mentor_page(client, cohort=cohort.pk).context["rows"]
        assert [r.award_id for r in rows] == [member.award_id]
    other = theirs.award.mentorship
    staff = client_as(factories.StaffFactory())
    staff.get(PROGRAM, {"round": other.round_id})  # keep the other cohort's rows
    assert client_as(mentor).get(MENTOR_HOME, {"cohort": other.pk}).status_code == 404


def test_kept_rows_say_the_same_as_rows_computed_now(client_as):
    """Reading the kept rows back gives what computing them gives."""
    mentorship, mentor, members = yf.cohort(3)
    for i, member in enumerate(members):
        event = yf.EventFactory(
            mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(days=i + 1)
        )
        yf.AttendanceFactory(event=event, member=member, status="absent")
        yf.ProgressEntryFactory(
            measure__success_goal__award=member.award, value=Decimal(i)
        )
    yf.CheckInNoteFactory(award=members[0].award)
    client = client_as(mentor)
    computed = mentor_page(client).context["rows"]
    kept = mentor_page(client).context["rows"]
    assert kept == computed


def test_the_rows_table_is_rendered_once_per_computation_of_the_rows(client_as):
    """Later views show the table rendered with the rows; new rows, a new table."""
    mentorship, mentor, (member,) = yf.cohort(1)
    client = client_as(mentor)
    first = mentor_page(client)

    def table_key(page):
        as_of = page.context["as_of"].isoformat()
        # One rendering per language: the page's language is part of the key.
        return make_template_fragment_key(
            "mentor_rows", [f"{mentorship.pk}:{as_of}", "en"]
        )

    table = cache.get(table_key(first))
    assert member.award.application.organization.name in table
    cache.set(table_key(first), "<p>The table rendered before.</p>")
    assert "The table rendered before." in mentor_page(client).content.decode()
    client.post(REFRESH, {"cohort": mentorship.pk})
    page = mentor_page(client).content.decode()
    assert "The table rendered before." not in page
    assert member.award.application.organization.name in page


def test_an_organizations_year_shows_its_kept_signals_and_their_time(client_as):
    mentorship, mentor, (member, _) = yf.cohort(2)
    event = yf.EventFactory(mentorship=mentorship)
    client = client_as(mentor)
    client.post(
        reverse("cohorts:event-attendance", args=[event.pk]),
        {f"member_{member.pk}": "present"},
    )
    page = client.get(reverse("cohorts:year-overview", args=[member.award_id]))
    assert page.context["row"].award_id == member.award_id
    assert page.context["row"].attendance_percent == 100
    kept = DashboardCache.objects.get(mentorship=mentorship)
    assert page.context["as_of"] == kept.computed_at
    assert "As of <time" in page.content.decode()


def test_a_cohort_made_without_a_kept_row_gets_one_on_its_first_view(client_as):
    """Cohorts made in bulk (no signal) are kept from their first view on."""
    mentorship, mentor, (member,) = yf.cohort(1)
    DashboardCache.objects.filter(mentorship=mentorship).delete()
    page = mentor_page(client_as(mentor))
    assert [r.award_id for r in page.context["rows"]] == [member.award_id]
    kept = DashboardCache.objects.get(mentorship=mentorship)
    assert kept.data["rows"][0]["award_id"] == member.award_id
