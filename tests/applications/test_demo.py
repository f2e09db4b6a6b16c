"""The demo seed's applications: varied, screened, and created once."""

import pytest
from django.utils import timezone

from applications import demo as applications_demo
from applications.models import Application, EligibilityResult
from dashmentor import demo


@pytest.mark.django_db
def test_demo_applications_are_submitted_screened_and_seeded_once():
    ctx = demo.DemoContext(password="demo-pass-123", today=timezone.localdate())
    demo.seed_core(ctx)
    applications_demo.seed(ctx)
    round_ = ctx.rounds["open"]
    submitted = Application.objects.filter(round=round_, status="submitted")
    assert len(ctx.applications) == submitted.count() >= 55
    assert {a.pk for a in ctx.applications} == set(
        submitted.values_list("pk", flat=True)
    )
    # Every submitted application carries its five screening results ...
    assert EligibilityResult.objects.filter(application__in=submitted).count() == (
        5 * submitted.count()
    )
    # ... and some fail each criterion, with a territory and one abroad.
    failing = set(
        EligibilityResult.objects.filter(
            application__in=submitted, outcome="fail"
        ).values_list("criterion", flat=True)
    )
    assert failing == {1, 2, 3, 4, 5}
    states = set(submitted.values_list("state", flat=True))
    assert {"PR", "XX"} <= states
    assert set(submitted.values_list("eligibility", flat=True)) >= {
        "eligible",
        "ineligible",
    }
    draft = Application.objects.get(
        round=round_, organization__memberships__user=ctx.users["applicant"]
    )
    assert draft.status == "draft"

    count = Application.objects.count()
    applications_demo.seed(ctx)
    assert Application.objects.count() == count
