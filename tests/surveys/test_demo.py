"""The demo surveys: built from whatever mentees the current round has."""

import pytest
from django.utils import timezone

from dashmentor import demo as core
from surveys import demo, reports
from surveys.models import Invitation, PendingResponse, Response, Survey
from tests.factories import CohortMemberFactory


@pytest.mark.django_db
def test_seed_builds_the_surveys_with_answers_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    ctx = core.DemoContext(password="x" * 12, today=timezone.localdate())
    core.seed_core(ctx)
    current = ctx.rounds["current"]
    for mentorship in list(ctx.mentorships["current"].values())[:3]:
        for _ in range(4):
            CohortMemberFactory(
                award__application__round=current, award__mentorship=mentorship
            )
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ctx)
    counts = (
        Survey.objects.count(),
        Response.objects.count(),
        Invitation.objects.count(),
        PendingResponse.objects.count(),
    )
    midpoint = Survey.objects.get(title="Midpoint survey")
    assert midpoint.anonymous and midpoint.status == Survey.Status.OPEN
    assert Invitation.objects.filter(survey=midpoint).count() == 12
    released = Response.objects.filter(survey=midpoint).count()
    assert released + PendingResponse.objects.filter(survey=midpoint).count() == (
        Invitation.objects.filter(survey=midpoint, completed_on__isnull=False).count()
    )
    assert released >= 5
    end = Survey.objects.get(title="End-of-program survey")
    assert end.status == Survey.Status.DRAFT
    later = Survey.objects.get(title="All In capacity assessment: midyear")
    baseline = Survey.objects.get(title="All In capacity assessment: baseline")
    comparison = reports.capacity_comparison(before=baseline, after=later)
    assert comparison.org_rows and comparison.overall[0] is not None
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ctx)
    assert counts == (
        Survey.objects.count(),
        Response.objects.count(),
        Invitation.objects.count(),
        PendingResponse.objects.count(),
    )


@pytest.mark.django_db
def test_seed_without_mentees_makes_surveys_without_answers():
    ctx = core.DemoContext(password="x" * 12, today=timezone.localdate())
    core.seed_core(ctx)
    demo.seed(ctx)
    assert Survey.objects.count() == 4
    assert not Response.objects.exists()
