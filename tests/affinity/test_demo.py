"""The demo cycle: staff can run it from roster to drawing, and the report
answers how many mentee collaborations took part."""

import pytest
from django.utils import timezone

from affinity import demo, selectors
from affinity.models import Cycle, Drawing, Group, GroupMember, MeetingAttendance
from dashmentor import demo as core_demo
from tests.factories import CohortMemberFactory

pytestmark = pytest.mark.django_db


def run_seed(collaborations: int = 0):
    ctx = core_demo.DemoContext(password="demo-pass", today=timezone.localdate())
    core_demo.seed_core(ctx)
    for i in range(collaborations):  # as the cohorts demo makes them
        CohortMemberFactory(
            award__application__round=ctx.rounds["current"],
            award__application__collaboration_name=f"Collab {i}",
        )
    demo.seed(ctx)
    return ctx


def test_the_demo_cycles_have_what_the_program_ran():
    ctx = run_seed(collaborations=6)
    current, past = Cycle.objects.order_by("-starts_on")[:2]
    today = timezone.localdate()
    assert current.starts_on <= today <= current.ends_on
    assert past.ends_on < today
    for cycle in (current, past):
        assert Group.objects.filter(cycle=cycle).count() == 8
    assert ctx.users["participant"].affinity_memberships.count() >= 6
    led = Group.objects.filter(leaders=ctx.users["mentor"], cycle=current)
    assert led.exists()
    assert GroupMember.objects.filter(status="requested", group__cycle=current)
    assert GroupMember.objects.filter(status="waitlisted", group__cycle=current)
    report = selectors.attendance_report(cycle=past)
    assert 2 <= len(report.tapering) < 8
    assert Drawing.objects.get().group.cycle == past
    crossover = selectors.crossover_report(cycle=current)
    assert crossover.figures.count == 4  # two of every three collaborations
    exit_survey = selectors.exit_survey_list()[0]
    assert exit_survey.opens_at.year == past.starts_on.year
    figures = selectors.exit_figures(exit_survey)
    rows = figures.rows()
    assert (rows[0][2], rows[2][2]) == (37, 35)


def test_the_demo_seed_twice_adds_nothing():
    ctx = run_seed(collaborations=1)
    counts = (
        GroupMember.objects.count(),
        MeetingAttendance.objects.count(),
        Drawing.objects.count(),
    )
    demo.seed(ctx)
    assert (
        GroupMember.objects.count(),
        MeetingAttendance.objects.count(),
        Drawing.objects.count(),
    ) == counts
