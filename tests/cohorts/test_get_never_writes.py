"""Every page of the mentorship year only reads.

A mentee, a mentor and staff open every page of the year for two mentee
organizations (one with a full plan, one whose award was made outside the
placement and has no plan yet): each page answers, and no query of any of them
inserts, updates or deletes a row (the derived dashboard cache aside, see
``tests/support/writes.py``). The year's work plans are made with the award.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Event, WorkPlan
from cohorts.year import services
from tests import factories
from tests.cohorts import year_factories as yf
from tests.support.writes import no_writes

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    mentorship, mentor, (planned, unplanned) = yf.cohort(2)
    award = planned.award
    workplan = services.workplan_get_or_create(award=award)
    goal = yf.GoalFactory(workplan=workplan)
    yf.ActivityFactory(goal=goal)
    services.workplan_submit(workplan=workplan, by=planned.user)
    measure = yf.MeasureFactory(success_goal__award=award)
    yf.ProgressEntryFactory(measure=measure, value=Decimal("2"))
    webinar = yf.EventFactory(mentorship=mentorship)
    yf.AttendanceFactory(event=webinar, member=planned)
    call = yf.EventFactory(
        mentorship=mentorship,
        kind=Event.Kind.CHECK_IN,
        award=award,
        starts_at=timezone.now() - dt.timedelta(days=2),
    )
    yf.CheckInNoteFactory(award=award, event=call, author=mentor)
    period = yf.ActionPeriodFactory(mentorship=mentorship)
    yf.ActionLogFactory(period=period, award=award, author=planned.user)
    services.personnel_change_report(
        award=award,
        kind="joins",
        person_name="Nia New",
        person_email="nia@example.org",
        effective_on=timezone.localdate(),
        by=planned.user,
    )
    assert not WorkPlan.objects.filter(award=unplanned.award).exists()
    return mentorship, mentor, planned, unplanned, goal, webinar


def year_pages(award, goal=None, *, editor=True):
    """The pages of one organization's year; ``editor``: with those only its
    people and staff open (the mentor reads and reviews)."""
    pk = award.pk
    pages = [
        reverse("cohorts:year-overview", args=[pk]),
        reverse("cohorts:workplan-detail", args=[pk]),
        reverse("cohorts:workplan-timeline", args=[pk]),
        reverse("cohorts:success-goal", args=[pk]),
        reverse("cohorts:action-logs", args=[pk]),
        reverse("cohorts:checkin-notes", args=[pk]),
        reverse("cohorts:personnel-report", args=[pk]),
    ]
    if goal is not None:
        pages.append(reverse("cohorts:workplan-version", args=[pk, 1]))
    if editor:
        pages += [
            reverse("cohorts:goal-create", args=[pk]),
            reverse("cohorts:progress-create", args=[pk]),
        ]
        if goal is not None:
            pages.append(reverse("cohorts:goal-edit", args=[pk, goal.pk]))
    return pages


def assert_pages_only_read(client, pages):
    for url in pages:
        with no_writes(url):
            response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)


def test_the_mentees_pages_only_read(client_as, year):
    mentorship, _, planned, _, goal, webinar = year
    pages = [
        reverse("cohorts:mentee-home"),
        reverse("cohorts:event-list", args=[mentorship.pk]),
        reverse("cohorts:event-detail", args=[webinar.pk]),
        reverse("cohorts:calendar"),
        *year_pages(planned.award, goal),
    ]
    assert_pages_only_read(client_as(planned.user), pages)


def test_a_mentee_without_a_plan_sees_an_empty_draft_without_a_write(client_as, year):
    _, _, _, unplanned, _, _ = year
    client = client_as(unplanned.user)
    assert_pages_only_read(
        client, [reverse("cohorts:mentee-home"), *year_pages(unplanned.award)]
    )
    page = client.get(reverse("cohorts:workplan-detail", args=[unplanned.award.pk]))
    assert page.context["workplan"].status == WorkPlan.Status.DRAFT
    assert not WorkPlan.objects.filter(award=unplanned.award).exists()


@pytest.mark.parametrize("who", ["mentor", "staff"])
def test_the_mentors_and_staff_pages_only_read(client_as, year, who):
    mentorship, mentor, planned, unplanned, goal, webinar = year
    user = mentor if who == "mentor" else factories.StaffFactory()
    pages = [
        reverse("cohorts:event-list", args=[mentorship.pk]),
        reverse("cohorts:event-detail", args=[webinar.pk]),
        reverse("cohorts:event-attendance", args=[webinar.pk]),
        reverse("cohorts:event-create", args=[mentorship.pk]),
        reverse("cohorts:event-series", args=[mentorship.pk]),
        reverse("cohorts:checkin-note-create", args=[planned.award.pk]),
        reverse("cohorts:calendar"),
        *year_pages(planned.award, goal, editor=who == "staff"),
        *year_pages(unplanned.award, editor=who == "staff"),
    ]
    if who == "mentor":
        pages.insert(0, reverse("cohorts:mentor-home"))
    else:
        pages[:0] = [
            reverse("cohorts:program-dashboard"),
            reverse("cohorts:personnel-list"),
        ]
    assert_pages_only_read(client_as(user), pages)


def test_a_placement_and_a_waitlist_offer_make_the_awards_work_plans():
    """The year starts with the award: its plan exists before anyone opens a
    page, so its due date drives the reminders from the first day."""
    from applications.models import Decision
    from cohorts.placement import services as placement_services
    from tests.cohorts.placement_factories import applicant, mentorships

    staff = factories.StaffFactory()
    round_ = factories.RoundFactory(awards_count=10)
    a, b = mentorships(round_, [1, 1])
    applicant(round_, prefs=[a], score="4")
    waiting = applicant(round_, prefs=[b], outcome=Decision.Outcome.WAITLIST, score="3")
    run = placement_services.placement_preview(round=round_, by=staff)
    run.entries.filter(application=waiting).delete()
    (award,) = placement_services.placement_commit(run=run, by=staff)
    offer = placement_services.waitlist_offer(
        application=waiting, mentorship=b, by=staff
    )
    for made in (award, offer):
        workplan = WorkPlan.objects.get(award=made)
        assert workplan.status == WorkPlan.Status.DRAFT
        assert workplan.due_on == made.contract_start + dt.timedelta(days=30)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_awards_their_work_plans():
    """Awards made before plans came with them get theirs, once."""
    from django.core.management import call_command

    with_plan = factories.AwardFactory()
    kept = services.workplan_get_or_create(award=with_plan)
    without = factories.AwardFactory()
    call_command("migrate", "cohorts", "0005", verbosity=0)
    call_command("migrate", verbosity=0)  # every app: later apps depend on cohorts
    made = WorkPlan.objects.get(award=without)
    assert (made.status, made.due_on) == (
        WorkPlan.Status.DRAFT,
        without.contract_start + dt.timedelta(days=30),
    )
    assert list(WorkPlan.objects.filter(award=with_plan)) == [kept]
