"""The mentorship year in Chromium: a mentee files its work plan, the mentor
approves it, records attendance at a webinar, and the dashboard shows both."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import WorkPlan
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db(transaction=True)


def test_mentee_files_a_plan_mentor_approves_and_records_attendance(
    browser_page, shot, axe_check, sign_in
):
    mentorship, mentor, (member,) = yf.cohort(1)
    mentor.full_name = "Mara Mentor"
    mentor.save()
    award = member.award
    organization = award.application.organization.name
    yf.EventFactory(
        mentorship=mentorship,
        title="Cohort webinar 1",
        starts_at=timezone.now() - dt.timedelta(days=2),
    )
    page = browser_page

    # The mentee sees its cohort, its mentor and what to do next.
    sign_in(page, member.user)
    expect(page.get_by_role("heading", name="My mentorship")).to_be_visible()
    expect(page.get_by_text("Mara Mentor").first).to_be_visible()
    axe_check(page, label="mentee-home")
    shot(page, "mentee-home")

    page.get_by_role("link", name="File your work plan").click()
    page.get_by_role("link", name="Add your first goal").click()
    page.get_by_label("Goal").fill("Link housing and health data")
    page.get_by_label("Activity 1", exact=True).fill("Sign the data-sharing agreement")
    target = award.contract_start + dt.timedelta(days=200)
    page.get_by_label("Target date of activity 1").fill(target.isoformat())
    axe_check(page, label="goal-form")
    shot(page, "goal-form")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_text("The goal is saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 1 is submitted")).to_be_visible()
    axe_check(page, label="workplan-submitted")
    shot(page, "workplan-submitted")

    # The mentor sees the plan to review on its dashboard and approves it.
    page.context.clear_cookies()
    sign_in(page, mentor)
    expect(page.get_by_role("cell", name="Submitted for review")).to_be_visible()
    axe_check(page, label="mentor-dashboard-before")
    shot(page, "mentor-dashboard-before")
    page.get_by_role("link", name="Review now").click()
    page.get_by_label("Approve the plan").check()
    page.get_by_label("Comment").fill("A focused plan: go ahead.")
    axe_check(page, label="workplan-review")
    page.get_by_role("button", name="Send my review").click()
    expect(page.get_by_text("Your review is sent to the mentee.")).to_be_visible()
    assert WorkPlan.objects.get(award=award).status == WorkPlan.Status.APPROVED

    # The mentor records attendance at the webinar on one screen.
    page.goto("/cohorts/mentor/")
    page.get_by_role("link", name="Events and attendance").click()
    page.get_by_role("link", name="Record attendance at Cohort webinar 1").click()
    page.get_by_label(f"{member.name}: Present").check()
    axe_check(page, label="attendance")
    shot(page, "attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance of 1 person is recorded.")).to_be_visible()

    # The dashboard shows the approved plan and the attendance.
    page.goto("/cohorts/mentor/")
    row = page.get_by_role("row").filter(has_text=organization)
    assert "Approved" in row.inner_text()
    assert "100%" in row.inner_text()
    axe_check(page, label="mentor-dashboard-after")
    shot(page, "mentor-dashboard-after")
