"""The program office's morning, on a phone: from the to-do to the late
reviewers, a reminder with each reviewer's own due date, its preview, the send,
and the copies delivered in the history; then the reports and a CSV."""

import pytest
from playwright.sync_api import expect

from staffdesk.models import MailingTemplate
from tests import factories
from tests.browser.pages import loaded_html
from tests.staffdesk.factories import late_review

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def fits(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_staff_remind_late_reviewers_from_a_phone(
    browser_page, shot, axe_check, sign_in
):
    staff = factories.StaffFactory(email="staff@example.org", full_name="Pat Okafor")
    dana = factories.ReviewerFactory(email="dana@example.org", full_name="Dana Ortiz")
    first = late_review(reviewer=dana, days_late=4)
    round_ = first.application.round
    late_review(round_=round_, days_late=4)
    MailingTemplate.objects.create(
        name="Reviews are late",
        subject="Your reviews were due {{ due_date }}",
        body="Dear {{ first_name }},\n\n{{ reviews_late }} of your reviews were "
        "due {{ due_date }}.\n\n{{ link }}",
    )
    due = round_.review_schedule.reviews_due_on
    due_words = f"{due:%B} {due.day}, {due.year}"
    page = browser_page
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, staff)

    assert page.url.endswith("/staff/")
    assert fits(page)
    expect(page.locator("#main-nav")).not_to_be_visible()
    page.locator("label[for=nav-toggle]").click()
    expect(
        page.locator("#main-nav").get_by_role("link", name="Applications")
    ).to_be_visible()
    shot(page, "home-menu-open")
    page.locator("label[for=nav-toggle]").click()

    page.locator("#todo-late-reviews").click()
    assert "Dana Ortiz" in loaded_html(page)
    assert fits(page)
    page.get_by_role("link", name="Write to them").click()

    page.get_by_label("Start from a saved template").select_option(
        label="Reviews are late"
    )
    page.get_by_role("button", name="Use it").click()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview-heading").locator("xpath=../..")
    assert f"1 of your reviews were due {due_words}" in preview.inner_text()
    assert fits(page)
    axe_check(page, label="message-preview")
    shot(page, "message-preview")

    page.get_by_role("button", name="Send to 2 people").click()
    page.wait_for_load_state()
    assert "/staff/messages/" in page.url
    assert "Your message is on its way to 2 people" in loaded_html(page)
    page.reload()
    delivered = page.locator(".stat.text-success").inner_text()
    assert delivered == "2"
    assert page.locator("td .badge", has_text="Delivered").count() == 2
    assert fits(page)
    axe_check(page, label="message-detail")
    shot(page, "message-delivered")

    page.goto("/staff/reports/")
    assert fits(page)
    with page.expect_download() as download:
        page.locator("a[href*='/staff/reports/reviewers.csv']").click()
    assert download.value.suggested_filename.startswith("reviewers-")
    shot(page, "reports")
