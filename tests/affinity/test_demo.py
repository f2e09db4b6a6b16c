"""The demo cycle: staff can run it from roster to drawing, and the report
answers how many mentee collaborations took part."""

import pytest
from django.utils import timezone

from affinity import demo, selectors
from affinity.models import Cycle, Drawing, Group, GroupMember, MeetingAttendance
from dashmentor import demo as core_demo
from tests.factories import CohortMemberFactory

pytestmark = pytest.mark.django_db


def run_seed():
    ctx = core_demo.DemoContext(password="demo-pass", today=timezone.localdate())
    core_demo.seed_core(ctx)
    demo.seed(ctx)
    return ctx


def test_the_demo_cycle_has_what_the_program_ran():
    for i in range(6):  # mentee collaborations, as the cohorts demo makes them
        CohortMemberFactory(award__application__collaboration_name=f"Collab {i}")
    ctx = run_seed()
    cycle = Cycle.objects.get(name="2021")
    assert Group.objects.filter(cycle=cycle).count() == 8
    assert ctx.users["participant"].affinity_memberships.count() >= 3
    led = Group.objects.filter(leaders=ctx.users["mentor"])
    assert led.exists()
    assert GroupMember.objects.filter(status="requested").exists()
    assert GroupMember.objects.filter(status="waitlisted").exists()
    report = selectors.attendance_report(cycle=cycle)
    assert 2 <= len(report.tapering) < 8
    assert Drawing.objects.count() == 1
    crossover = selectors.crossover_report(cycle=cycle)
    assert crossover.figures.count == 4  # two of every three collaborations
    exit_survey = selectors.exit_survey_list()[0]
    figures = selectors.exit_figures(exit_survey)
    rows = figures.rows()
    assert (rows[0][2], rows[2][2]) == (37, 35)


def test_the_demo_seed_twice_adds_nothing():
    CohortMemberFactory()
    run_seed()
    counts = (
        GroupMember.objects.count(),
        MeetingAttendance.objects.count(),
        Drawing.objects.count(),
    )
    run_seed()
    assert (
        GroupMember.objects.count(),
        MeetingAttendance.objects.count(),
        Drawing.objects.count(),
    ) == counts
