"""Close-out in Chromium: staff issue the award letter, the mentee accepts
it, the first tranche falls due and is paid, the mentee files the final
report, the mentor comments, staff accept it, the last tranche falls due, a
resource from it is published on the public page, and the funder's report
shows the round as of now."""

import pytest
from playwright.sync_api import expect

from awards.models import AwardLetter, FinalReport, Payment, Resource, Tranche
from tests.awards.factories import Awarded

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_award_from_its_letter_to_its_close(browser_page, shot, axe_check, sign_in):
    a = Awarded()
    a.mentor.full_name = "Mara Mentor"
    a.mentor.save()
    a.approve_workplan()
    organization = a.award.application.organization.name
    page = browser_page

    # Staff issue the letter from the award's page.
    sign_in(page, a.staff)
    page.goto(f"/awards/{a.award.pk}/")
    page.get_by_role("button", name="Issue the award letter").click()
    expect(page.get_by_text("Letter 1 is issued")).to_be_visible()
    axe_check(page, label="award-staff")
    shot(page, "letter-issued")

    # The mentee finds it from its home and accepts it.
    page.context.clear_cookies()
    sign_in(page, a.contact)
    page.get_by_role("link", name="Award letter, payments and final report").click()
    page.get_by_text("Read the letter").click()
    expect(page.get_by_text("Congratulations!")).to_be_visible()
    axe_check(page, label="award-mentee")
    shot(page, "letter-to-accept")
    page.get_by_role("button", name="Accept the award letter").click()
    expect(page.get_by_text("You accepted the award letter")).to_be_visible()
    assert AwardLetter.objects.get(award=a.award).accepted_by == a.contact

    # Staff countersign: the first tranche falls due, and is paid.
    page.context.clear_cookies()
    sign_in(page, a.staff)
    page.goto(f"/awards/{a.award.pk}/")
    page.get_by_role("button", name="Countersign the letter").click()
    expect(page.get_by_text("the contract is signed")).to_be_visible()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Awards"
    ).click()
    page.get_by_role("link", name="Payments").first.click()
    axe_check(page, label="payments")
    shot(page, "payments-due")
    page.get_by_role("link", name=f"Record payment to {organization}").click()
    page.get_by_label("Reference").fill("ACH-2041")
    axe_check(page, label="pay")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("$2,500.00 paid to")).to_be_visible()
    assert Payment.objects.get().reference == "ACH-2041"

    # The mentee files the final report.
    page.context.clear_cookies()
    sign_in(page, a.contact)
    page.goto(f"/awards/{a.award.pk}/report/")
    for area in page.locator("textarea[name^=answer_]").all():
        area.fill("We linked housing and health data across six partners.")
    for select in page.locator("select[name$=_met]").all():
        select.select_option("met")
    page.get_by_label("Lessons learned").fill("Start with the agreement.")
    page.get_by_label("Products and resources made").fill("Agreement template")
    axe_check(page, label="report-form")
    shot(page, "report-form")
    page.get_by_role("button", name="Save and submit the report").click()
    expect(
        page.get_by_text("Version 1 of your final report is submitted")
    ).to_be_visible()

    # The mentor comments.
    page.context.clear_cookies()
    sign_in(page, a.mentor)
    page.get_by_role("link", name="Final reports").click()
    page.get_by_role("link", name=organization).click()
    page.get_by_label("Your comment for the program office").fill("A strong year.")
    page.get_by_role("button", name="Save the comment").click()
    expect(page.get_by_text("Your comment is saved.")).to_be_visible()

    # Staff accept it: the last tranche falls due.
    page.context.clear_cookies()
    sign_in(page, a.staff)
    page.goto(f"/awards/{a.award.pk}/report/")
    expect(page.get_by_text("A strong year.").first).to_be_visible()
    page.get_by_label("Accept the report").check()
    axe_check(page, label="report-decide")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The final report is accepted")).to_be_visible()
    assert FinalReport.objects.get(award=a.award).status == "accepted"
    assert a.award.tranches.get(number=2).status == Tranche.Status.DUE
    shot(page, "report-accepted")

    # The mentee shares a product of the report; staff publish it.
    page.context.clear_cookies()
    sign_in(page, a.contact)
    page.goto(f"/awards/{a.award.pk}/report/")
    page.get_by_role("link", name="Share a product or resource").click()
    page.get_by_label("Title").fill("Data-sharing agreement template")
    page.get_by_label("Summary").fill("The agreement six partners signed.")
    page.get_by_label("Link").fill("https://example.org/agreement")
    axe_check(page, label="resource-form")
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.get_by_text("Sent to the program office")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, a.staff)
    page.goto("/resources/review/")
    page.get_by_label("Publish it").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("is published on the Resources page")).to_be_visible()
    assert Resource.objects.get().status == Resource.Status.PUBLISHED

    # The funder's report shows the round as of now.
    round_ = a.award.application.round
    page.goto(f"/awards/rounds/{round_.pk}/funder/")
    expect(page.get_by_text("Figures as of")).to_be_visible()
    expect(
        page.get_by_role("link", name="Data-sharing agreement template")
    ).to_be_visible()
    axe_check(page, label="funder-report")
    shot(page, "funder-report")

    # The public finds the resource.
    page.context.clear_cookies()
    page.goto("/resources/?q=agreement")
    page.get_by_role("link", name="Data-sharing agreement template").click()
    expect(page.get_by_text("Creative Commons Attribution 4.0")).to_be_visible()
    axe_check(page, label="resource-public")
    shot(page, "resource-public")
