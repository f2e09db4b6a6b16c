"""Affinity groups in the browser: a leader runs a meeting, staff run the
drawing and read the cycle report."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from playwright.sync_api import expect

from affinity import services
from affinity.models import Drawing, Meeting, MeetingAttendance
from tests import factories
from tests.affinity.factories import (
    GroupFactory,
    GroupMemberFactory,
    InvitationFactory,
    SurveyFactory,
)
from tests.browser.pages import loaded_html

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_schedules_a_meeting_records_attendance_and_writes_notes(
    browser_page, shot, axe_check, sign_in
):
    """From the group page to a meeting with attendance and safe notes."""
    leader = factories.UserFactory(email="leader@example.org", full_name="Lena Leader")
    group = GroupFactory(topic="Community Indicator Dashboards", leaders=[leader])
    ada = GroupMemberFactory(group=group, user__full_name="Ada Alvarez")
    ben = GroupMemberFactory(group=group, user__full_name="Ben Brooks")
    GroupMemberFactory(group=group, user__full_name="Cy Carter")
    page = browser_page
    sign_in(page, leader)

    page.goto(f"/groups/{group.pk}/")
    expect(
        page.get_by_role("heading", name="Community Indicator Dashboards")
    ).to_be_visible()
    axe_check(page, label="group-page")
    shot(page, "group-page")

    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.get_by_label("Title").fill("Selecting indicators with residents")
    # A meeting held yesterday: attendance is recorded once a meeting has
    # taken place.
    held = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Starts at").fill(f"{held.isoformat()}T13:00")
    page.get_by_label("Agenda").fill("1. Check-in\n2. Indicator shortlist")
    page.get_by_label("Meeting link").fill("https://meet.example.org/indicators")
    axe_check(page, label="meeting-form")
    shot(page, "meeting-form")
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get(group=group)
    expect(page.get_by_role("heading", name=meeting.title)).to_be_visible()

    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Ada Alvarez").check()
    page.get_by_label("Ben Brooks").check()
    axe_check(page, label="attendance")
    shot(page, "attendance")
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()
    assert "Attendance saved: 2 of 3 present." in loaded_html(page)
    present = set(
        MeetingAttendance.objects.filter(present=True).values_list("member", flat=True)
    )
    assert present == {ada.pk, ben.pk}

    page.get_by_role("link", name="Write notes").click()
    page.get_by_label("Notes").fill(
        "<p>We shortlisted <strong>five</strong> indicators.</p>"
        "<script>document.title='pwned'</script>"
    )
    page.get_by_role("button", name="Save notes").click()
    page.wait_for_load_state()
    notes = page.locator(".meeting-notes")
    assert "We shortlisted five indicators." in notes.inner_text()
    assert page.title() != "pwned"
    assert "<script" not in Meeting.objects.get().notes_html
    axe_check(page, label="meeting-with-notes")
    shot(page, "meeting-with-notes")


def test_staff_draw_the_winners_and_read_the_report(
    browser_page, shot, axe_check, sign_in
):
    staff = factories.StaffFactory(email="staff@example.org", full_name="Sta Ff")
    group = GroupFactory(topic="Data Law and Governance", support_staff=[staff])
    survey = SurveyFactory(audience_group=group)
    group.final_survey = survey
    group.save()
    for _ in range(4):
        member = GroupMemberFactory(group=group)
        InvitationFactory(survey=survey, user=member.user)
    page = browser_page
    sign_in(page, staff)

    page.goto(f"/groups/{group.pk}/drawing/")
    axe_check(page, label="drawing-before")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Draw the winners").click()
    page.wait_for_load_state()
    drawing = Drawing.objects.get(group=group)
    assert page.locator("#drawing-seed").inner_text() == drawing.seed
    assert "Verified" in loaded_html(page)
    axe_check(page, label="drawing-after")
    shot(page, "drawing")
    with pytest.raises(ValidationError):
        services.drawing_draw(group=group, by=staff)

    page.goto("/groups/reports/")
    assert page.get_by_role("heading", name="Cross-over with the mentorship program")
    axe_check(page, label="report")
    shot(page, "report")
