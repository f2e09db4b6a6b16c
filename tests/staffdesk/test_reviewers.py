"""What reviewers see of the review calendar and the rubric: each assignment's
due date and days left, and each criterion's description and score anchors
beside its input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Criterion
from applications.review import rules

from .factories import late_review

pytestmark = pytest.mark.django_db


def test_the_queue_shows_each_assignments_due_date_and_days_left(client_as):
    late = late_review(days_late=3)
    soon = late_review(reviewer=late.reviewer, days_late=-5)
    page = client_as(late.reviewer).get(reverse("applications:reviewer-queue"))
    html = page.content.decode()
    assert "3 days late" in html
    assert "5 days left" in html
    due = soon.application.round.review_schedule.reviews_due_on
    assert f"{due:%b} {due.day}, {due.year}" in html


def test_the_review_form_shows_the_description_and_what_each_score_means(
    client_as,
):
    assignment = late_review()
    Criterion.objects.create(
        round=assignment.application.round,
        key="need",
        name="Need",
        description="Why a mentor now?\n1: No need stated\n5: A specific gap",
    )
    page = client_as(assignment.reviewer).get(
        reverse("applications:review-form", args=[assignment.application.pk])
    )
    html = page.content.decode()
    assert "Why a mentor now?" in html
    assert "1 · No need stated</label>" in html
    assert "5 · A specific gap</label>" in html
    assert ">3</label>" in html
    assert "1: No need stated" not in html


def test_anchor_lines_are_taken_out_of_the_description():
    anchors = rules.score_anchors("Look for partners.\n1 = none\n4 – many", 1, 4)
    assert anchors.text == "Look for partners."
    assert anchors.by_score == {1: "none", 4: "many"}
    plain = rules.score_anchors("", 0, 3)
    assert plain.by_score == {0: rules.DEFAULT_LOW, 3: rules.DEFAULT_HIGH}
    outside = rules.score_anchors("9: beyond the scale", 1, 5)
    assert outside.text == "9: beyond the scale"
