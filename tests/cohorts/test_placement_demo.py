"""The placement demo seed: idempotent, and leaves the open round to staff."""

import pytest
from django.utils import timezone

from applications.models import Award
from cohorts.models import PlacementConstraint, PlacementRun
from cohorts.placement import demo as placement_demo
from dashmentor.demo import DemoContext
from tests import factories
from tests.cohorts.placement_factories import applicant, mentorships

pytestmark = pytest.mark.django_db


def _ctx(round_, staff):
    ctx = DemoContext(password="x", today=timezone.localdate())
    ctx.rounds["open"] = round_
    ctx.users["staff"] = staff
    return ctx


def test_seed_adds_one_exclusion_once_and_places_nobody():
    round_ = factories.RoundFactory()
    a, b = mentorships(round_, [2, 2])
    app = applicant(round_, prefs=[a, b])
    ctx = _ctx(round_, factories.StaffFactory())
    placement_demo.seed(ctx)
    placement_demo.seed(ctx)
    rule = PlacementConstraint.objects.get()
    assert (rule.application, rule.mentorship, rule.kind) == (app, b, "forbid")
    assert not PlacementRun.objects.exists() and not Award.objects.exists()
    assert f"/cohorts/staff/rounds/{round_.pk}/placement/" in ctx.log[-1]


def test_seed_without_accepted_applicants_says_so():
    round_ = factories.RoundFactory()
    ctx = _ctx(round_, factories.StaffFactory())
    placement_demo.seed(ctx)
    assert not PlacementConstraint.objects.exists()
    assert "no accepted applicant" in ctx.log[-1]
