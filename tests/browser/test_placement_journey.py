"""Staff place a round in the browser: compute, read why, move one, commit."""

import pytest
from playwright.sync_api import expect

from applications.models import Award
from notifications.models import Kind, Message
from tests import factories
from tests.cohorts.placement_factories import applicant, mentorships

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_compute_explain_move_and_commit(
    browser_page, live_url, shot, axe_check, sign_in
):
    """Staff compute a preview with one click, read an applicant's explanation,
    move it by hand (a full cohort is refused first), commit, and the mentees
    and mentors get their e-mails."""
    round_ = factories.RoundFactory(name="Spring round", awards_count=10)
    mentor = factories.UserFactory(email="mentor@example.org", full_name="Meg Mentor")
    small, big = mentorships(round_, [1, 3], mentor=mentor)
    applicant(round_, prefs=[small, big], score="4.8", name="Riverbend Health")
    applicant(round_, prefs=[small, big], score="4.1", name="Lakeside Coalition")
    applicant(round_, prefs=[], score="3.0", name="No Choice Alliance")
    staff = factories.StaffFactory(email="staff@example.org", full_name="Pat Okafor")
    page = browser_page
    sign_in(page, staff)

    page.goto(f"/cohorts/staff/rounds/{round_.pk}/placement/")
    expect(page.get_by_role("heading", name="No placement yet")).to_be_visible()
    page.get_by_role("button", name="Compute a preview").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("alert").filter(has_text="Preview computed")
    ).to_be_visible()
    expect(page.get_by_text("No mentorship preference given.")).to_be_visible()
    axe_check(page, label="placement-preview")
    shot(page, "preview")

    page.get_by_role("link", name="Lakeside Coalition").click()
    page.wait_for_load_state()
    explanation = page.get_by_test_id("explanation").inner_text()
    assert "2nd choice" in explanation and "higher scores" in explanation
    axe_check(page, label="placement-entry")
    shot(page, "explanation")

    page.get_by_label("Move to").select_option(
        label=f"{small.short_name} — {small.topic} (capacity 1)"
    )
    page.get_by_role("button", name="Move").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(f"{small.short_name} is full: it has capacity 1.")
    ).to_be_visible()
    shot(page, "move-refused")

    page.get_by_label("Move to").select_option(label="Unplaced (no award)")
    page.get_by_role("button", name="Move").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("alert").filter(has_text="Lakeside Coalition moved.")
    ).to_be_visible()
    expect(page.get_by_text("Moved by hand by Pat Okafor")).to_be_visible()
    shot(page, "moved")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Commit and send").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Awards")).to_be_visible()
    expect(page.get_by_role("link", name="Riverbend Health")).to_be_visible()
    axe_check(page, label="awards")
    shot(page, "committed")

    assert list(
        Award.objects.filter(application__round=round_).values_list(
            "application__organization__name", flat=True
        )
    ) == ["Riverbend Health"]
    assert Message.objects.filter(kind=Kind.AWARD_INVITATION).count() == 2
    assert Message.objects.filter(kind=Kind.ROSTER, to_email=mentor.email).exists()

    page.get_by_role("link", name=small.short_name).first.click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name=f"{small.short_name} cohort")
    ).to_be_visible()
    axe_check(page, label="cohort")
    shot(page, "cohort")
