"""The review desk in a real browser: a reviewer scores, saves, comes back and
submits; staff compare, decide and release."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import Decision, ReviewAssignment
from tests import factories
from tests.applications import review_factories as rf
from tests.browser.pages import loaded_html

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene():
    round_ = factories.RoundFactory(name="Open round", slug="open-round")
    rf.rubric(round_)
    mentorship = factories.MentorshipFactory(round=round_)
    reviewer = factories.ReviewerFactory(
        email="rev@example.org", full_name="Robin Ames"
    )
    app = rf.SubmittedApplicationFactory(
        round=round_,
        organization__name="Lakeside Community Health Alliance",
        first_preference=mentorship,
        learning_goal="Link shelter and clinic data to find frequent users.",
    )
    factories.PartnerFactory(application=app, sectors=["housing", "education"])
    factories.ContactFactory(application=app, email="lead@example.org")
    assignment = ReviewAssignment.objects.create(application=app, reviewer=reviewer)
    return round_, reviewer, app, assignment


def score_label(value):
    """A score's label: the number, and what it means where the rubric says
    (the ends of the scale say "weak" and "strong")."""
    return re.compile(rf"^{value}( · .*)?$")


def pick(page, criterion_number, value):
    group = page.get_by_role("group", name=criterion_number)
    group.get_by_label(score_label(value)).check()


def test_a_reviewer_scores_saves_comes_back_and_submits(
    browser_page, shot, axe_check, sign_in, scene
):
    round_, reviewer, app, assignment = scene
    page = browser_page
    sign_in(page, reviewer)
    page.goto("/apply/reviews/")
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    assert "0 of 1 reviews submitted" in loaded_html(page)
    axe_check(page, label="reviewer-queue")
    shot(page, "queue")

    page.get_by_role("link", name="Start review").click()
    expect(page.get_by_role("heading", name="Your scores")).to_be_visible()
    pick(page, "1. Responsiveness", 4)
    pick(page, "2. Desire and need", 3)
    page.get_by_role("group", name="2. Desire and need").get_by_label(
        "Comment (optional)"
    ).fill("Say more about what you have tried.")
    axe_check(page, label="review-form")
    page.get_by_role("button", name="Save and come back later").click()
    assert "Saved. You can come back" in loaded_html(page)
    shot(page, "saved-draft")

    # Come back from the queue: the draft is there.
    page.goto("/apply/reviews/")
    expect(page.get_by_text("In progress")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    assert (
        page.get_by_role("group", name="1. Responsiveness")
        .get_by_label(score_label(4))
        .is_checked()
    )

    # Submitting with a missing score is refused next to the criterion.
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Submit review").click()
    assert "Give this criterion a score before you submit." in loaded_html(page)
    shot(page, "missing-scores")
    axe_check(page, label="review-form-errors")

    pick(page, "2. Desire and need", 3)
    pick(page, "3. Engaging stakeholders", 5)
    pick(page, "4. Equity", 4)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Submit review").click()
    assert "Your review is submitted" in loaded_html(page)
    assert "1 of 1 reviews submitted" in loaded_html(page)
    shot(page, "submitted")
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED


def test_staff_compare_decide_and_release(
    browser_page, shot, axe_check, sign_in, scene
):
    round_, reviewer, app, assignment = scene
    rf.submit_review(
        assignment,
        [4, 2, 4, 3],
        comments={"need": "Say more about what you tried."},
        shareable={"need"},
    )
    rf.eligibility_results(app)
    staff = factories.StaffFactory(email="boss@example.org", full_name="Pat Okafor")
    page = browser_page
    sign_in(page, staff)

    page.goto(f"/apply/staff/applications/?round={round_.pk}")
    expect(page.get_by_role("heading", name="Applications", exact=True)).to_be_visible()
    axe_check(page, label="staff-list")
    shot(page, "staff-list")

    page.get_by_role("link", name="Ranked by mentorship").click()
    assert "within capacity" in loaded_html(page)
    axe_check(page, label="ranked")
    shot(page, "ranked")

    page.get_by_role("link", name="Lakeside Community Health Alliance").click()
    assert page.get_by_role("heading", name="Scores and how they make the rank")
    axe_check(page, label="review-file")
    page.get_by_label("Decline", exact=True).check()
    page.get_by_label("Send the reviewers' shareable comments").check()
    page.get_by_role("button", name="Record decision").click()
    assert "Decision recorded" in loaded_html(page)
    shot(page, "decided")

    page.get_by_role("link", name="Applications").last.click()
    page.get_by_role("link", name="Assign & release").click()
    axe_check(page, label="review-desk")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Release 1 decision").click()
    assert "1 decision(s) released" in loaded_html(page)
    shot(page, "released")
    decision = Decision.objects.get(application=app)
    assert decision.released_at is not None
    assert len(mail.outbox) == 1
    assert "Say more about what you tried." in mail.outbox[0].body

    page.goto(f"/apply/staff/rounds/{round_.slug}/rubric/")
    axe_check(page, label="rubric")
    shot(page, "rubric")
