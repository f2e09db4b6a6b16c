"""The review demo seed: reviews in, harsh and lenient reviewers, internal
decisions, and nothing added when it runs again."""

import pytest
from django.utils import timezone

from applications.models import Application, Decision, Review, ReviewAssignment
from applications.review import demo as review_demo
from dashmentor import demo
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db


def counts():
    return (
        ReviewAssignment.objects.count(),
        Review.objects.filter(submitted_at__isnull=False).count(),
        Decision.objects.count(),
    )


def test_the_review_demo_scores_most_applications_and_is_idempotent():
    ctx = demo.DemoContext(password="x", today=timezone.localdate())
    demo.seed_core(ctx)
    round_ = ctx.rounds["open"]
    mentorships = list(ctx.mentorships["open"].values())
    for i in range(30):
        rf.SubmittedApplicationFactory(
            round=round_, first_preference=mentorships[i % len(mentorships)]
        )
    review_demo.seed(ctx)
    first = counts()
    review_demo.seed(ctx)
    assert counts() == first

    assignments, reviews, decisions = first
    assert assignments >= 30 * 3
    assert reviews >= 0.75 * 30 * 3
    assert decisions > 0
    assert not Decision.objects.filter(released_at__isnull=False).exists()
    # The demo reviewer still has work to do.
    assert ReviewAssignment.objects.filter(
        reviewer=ctx.users["reviewer"], status__in=["assigned", "in_progress"]
    ).exists()
    # Robin Ames is harsher than Dana Liu on average.
    from django.db.models import Avg

    def avg(key):
        return Review.objects.filter(
            assignment__reviewer=ctx.users[key], submitted_at__isnull=False
        ).aggregate(m=Avg("weighted_total"))["m"]

    assert avg("reviewer") < avg("reviewer3")
    assert Application.objects.filter(round=round_, disagreement=True).exists()
