"""Before the deadline, on the demo program: a signed-out visitor in Los
Angeles reads the round's timeline and asks a question, confirms the address,
staff answer and publish it from their home, it appears without the asker's
name and the asker gets the answer by e-mail; a visitor registers for the
webinar and downloads the calendar file; a staff member whose profile is in
Pacific time sets a deadline of 3:30 pm in the New York round, and the public
page says 3:30 PM Eastern."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import Round
from applications.outreach.models import AskedQuestion, WebinarRegistration
from dashmentor.models import User
from tests.browser.pages import loaded_html
from tests.support.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = (
    "I'm Casey Quinn of Lakeside Health. Can a tribal health department apply "
    "with a housing partner and a school district?"
)
PUBLISHED = (
    "Can a tribal health department apply with a housing partner and a school district?"
)
ANSWER = "Yes: a tribal government is a public entity, and those are two sectors."


@pytest.fixture
def demo(demo_snapshot):
    demo_snapshot.restore()
    return Round.objects.get(slug="open-round")


def visitor_page(browser, live_url, timezone_id="America/Los_Angeles"):
    context = browser.new_context(
        base_url=live_url,
        viewport={"width": 1280, "height": 900},
        timezone_id=timezone_id,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    return context, page


def link_in(message, pattern):
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def check(page, shot, axe_check, name):
    axe_check(page, label=name)
    shot(page, name)


def test_a_question_asked_signed_out_is_answered_in_public(
    demo, browser, live_url, shot, axe_check, sign_in
):
    round_ = demo
    context, page = visitor_page(browser, live_url)

    # The round page: the timeline in the round's zone, the next date marked,
    # the deadline where the visitor is (from the browser), a pausable countdown.
    page.goto("/")
    page.get_by_role("link", name=round_.name).first.click()
    timeline = page.locator("ol.timeline")
    assert timeline.locator("li").count() >= 8
    assert timeline.locator("li.timeline-past").count() >= 2
    current = timeline.locator("li[aria-current=step]")
    assert current.count() == 1
    assert "Next" in current.inner_text()
    assert timeline.locator("time[datetime]").count() == timeline.locator("li").count()
    local = page.locator("[data-local-time]")
    expect(local).to_be_visible()
    assert re.search(r"P[SD]T\) · $|P[SD]T where you are", local.inner_text())
    assert "where you are (America/Los Angeles)" in local.inner_text()
    countdown = page.locator("[data-deadline]")
    assert re.fullmatch(r"(\d+ days? )?(\d+ h )?\d+ min left", countdown.inner_text())
    pause = page.get_by_role("button", name="Pause the countdown")
    pause.click()
    assert (
        page.get_by_role("button", name="Resume the countdown").get_attribute(
            "aria-pressed"
        )
        == "true"
    )
    check(page, shot, axe_check, "round-page")

    # Ask a question, signed out.
    page.get_by_role("link", name="Read the answers or ask a question").click()
    expect(page.get_by_text("may not be answered before the deadline")).to_be_visible()
    check(page, shot, axe_check, "questions")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Your name").fill("Casey Quinn")
    page.get_by_label("Your e-mail address").fill("casey@example.org")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("We sent a link to casey@example.org")).to_be_visible()
    assert AskedQuestion.objects.get(email="casey@example.org").status == "unconfirmed"

    (confirmation,) = [m for m in mail.outbox if "casey@example.org" in m.to]
    page.goto(link_in(confirmation, "/apply/questions/confirm/"))
    check(page, shot, axe_check, "confirm-question")
    page.get_by_role("button", name="Confirm my address and send the question").click()
    expect(page.get_by_text("reached the program office").first).to_be_visible()

    # Staff answer it from their home, in wording without the asker.
    staff_context, staff = visitor_page(browser, live_url, "America/New_York")
    sign_in(staff, User.objects.get(email="staff@dash.test"), DEMO_PASSWORD)
    staff.goto("/staff/")
    queue = staff.get_by_role("region", name=re.compile("Questions waiting"))
    assert "Sam Patel" not in queue.inner_text()  # staff see the name on the queue
    queue.get_by_role("link", name=re.compile("Casey Quinn")).click()
    check(staff, shot, axe_check, "staff-answer")
    staff.get_by_label("The question as published").fill(PUBLISHED)
    staff.get_by_label("Topic").select_option("eligibility")
    staff.get_by_label("The answer").fill(ANSWER)
    staff.get_by_role("button", name="Send the answer").click()
    expect(staff.get_by_text("and the question is published")).to_be_visible()
    check(staff, shot, axe_check, "staff-questions")

    # It is public, without the asker; the asker has the answer by e-mail.
    page.goto(f"/apply/rounds/{round_.slug}/questions/?q=tribal")
    entry = page.locator("article", has_text=PUBLISHED)
    assert entry.is_visible() and ANSWER in entry.inner_text()
    body = page.content()
    assert "Casey" not in body and "casey@example.org" not in body
    check(page, shot, axe_check, "published")
    answer = [m for m in mail.outbox if "casey@example.org" in m.to][-1]
    assert ANSWER in answer.body
    assert page.problems == [] and staff.problems == []
    staff_context.close()
    context.close()


def test_a_visitor_registers_for_the_webinar_and_gets_the_calendar_file(
    demo, browser, live_url, shot, axe_check, tmp_path
):
    round_ = demo
    context, page = visitor_page(browser, live_url)
    page.goto(round_.get_absolute_url())
    page.get_by_role("link", name="Register for the webinar").click()
    check(page, shot, axe_check, "register")
    page.get_by_label("Your name").fill("Drew Visitor")
    page.get_by_label("Your e-mail address").fill("drew@example.org")
    page.get_by_label("Your organization").fill("Lakeside Health")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("we sent a link to drew@example.org")).to_be_visible()
    check(page, shot, axe_check, "webinars")

    (confirmation,) = [m for m in mail.outbox if "drew@example.org" in m.to]
    page.goto(link_in(confirmation, "/apply/webinars/registration/"))
    assert "meet.dash.test" not in loaded_html(page)  # not before confirming
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("meet.dash.test"))).to_be_visible()
    check(page, shot, axe_check, "registered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    path = tmp_path / "webinar.ics"
    download.value.save_as(path)
    text = path.read_text()
    assert "BEGIN:VEVENT" in text and "meet.dash.test" in text
    registration = WebinarRegistration.objects.get(email="drew@example.org")
    assert registration.status == "confirmed"
    assert page.problems == []
    context.close()


def test_a_pacific_staff_member_sets_a_new_york_deadline(
    demo, browser, live_url, shot, axe_check, sign_in
):
    round_ = demo
    staff_user = User.objects.get(email="staff@dash.test")
    staff_user.time_zone = "America/Los_Angeles"
    staff_user.save(update_fields=["time_zone"])
    context, page = visitor_page(browser, live_url)
    sign_in(page, staff_user, DEMO_PASSWORD)
    page.goto(f"/admin/applications/round/{round_.pk}/change/")
    closes = round_.closes_at.astimezone(round_.zone)
    field = page.locator("#id_closes_at")
    assert field.input_value() == closes.strftime("%Y-%m-%dT%H:%M")
    assert page.get_by_text("In the round's time zone, America/New York.").first
    new_day = closes.date() + dt.timedelta(days=1)
    field.fill(f"{new_day:%Y-%m-%d}T15:30")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/applications/round/")
    shot(page, "round-saved")
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    round_.refresh_from_db()
    eastern = zoneinfo.ZoneInfo("America/New_York")
    expected = dt.datetime.combine(new_day, dt.time(15, 30), eastern)
    assert round_.closes_at == expected
    page.goto(round_.get_absolute_url())
    shown = page.locator("time", has_text="3:30 PM").first.inner_text()
    assert shown.endswith(("3:30 PM EST", "3:30 PM EDT"))
    check(page, shot, axe_check, "deadline-moved")
    assert page.problems == []
    context.close()
