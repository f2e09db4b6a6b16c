"""An applicant who has never seen the portal applies from the home page:
sign up, sign in, confirm the e-mail, describe the organization, fill in the form,
save a draft, come back later, submit, and see the confirmation."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Application
from notifications.models import Kind, Message
from tests import factories
from tests.applications.factories import QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-unusual-passphrase"


def check(page, shot, axe_check, name):
    axe_check(page, label=name)
    shot(page, name)


def saved(page):
    expect(page.get_by_text("Saved. You can come back").first).to_be_visible()


def test_an_applicant_applies_from_the_home_page(
    browser_page, live_url, shot, axe_check
):
    round_ = factories.RoundFactory(name="DASH Mentor Program, next round")
    for order, limit in enumerate([60, 40]):
        QuestionFactory(
            round=round_,
            order=order,
            prompt=f"Question {order + 1}: why a mentor, and why now?",
            word_limit=limit,
        )
    mentorships = [factories.MentorshipFactory(round=round_) for _ in range(3)]
    page = browser_page

    # The front page leads to sign-up.
    page.goto("/")
    page.get_by_role("link", name="Create an account to apply").first.click()
    check(page, shot, axe_check, "signup")
    page.get_by_label("Your name").fill("Rosa Diaz")
    page.get_by_label("E-mail address").fill("rosa@example.org")
    page.get_by_label("Job title").fill("Director of Community Health")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    # The same answer as for a known address: check the inbox, sign in.
    expect(page.get_by_text("Check your inbox")).to_be_visible()
    page.get_by_label("E-mail address").fill("rosa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The organization profile comes next; a malformed EIN is explained.
    expect(
        page.get_by_role("heading", name="Tell us about your organization")
    ).to_be_visible()
    page.get_by_label("Legal name").fill("Lakeside Health Coalition")
    page.get_by_label("501(c)(3) nonprofit").check()
    page.get_by_label("Your organization's own sector").select_option("public_health")
    page.get_by_label("EIN (Employer Identification Number)").fill("12-34")
    page.get_by_label("City").fill("Lakeside")
    page.get_by_label("State or territory").select_option("MN")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_text("Enter the EIN as nine digits")).to_be_visible()
    assert page.get_by_label("Legal name").input_value() == "Lakeside Health Coalition"
    check(page, shot, axe_check, "organization-error")
    page.get_by_label("EIN (Employer Identification Number)").fill("123456789")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("heading", name="My applications")).to_be_visible()
    expect(page.get_by_text("Confirm your e-mail address")).to_be_visible()
    check(page, shot, axe_check, "applicant-home")

    # The confirmation link of the e-mail confirms the address (the outbox
    # keeps no copy of the link: it is made when the e-mail is sent).
    assert Message.objects.filter(
        kind=Kind.EMAIL_CONFIRMATION, to_email="rosa@example.org"
    ).exists()
    (sent,) = [m for m in mail.outbox if m.to == ["rosa@example.org"]]
    path = re.search(r"(/apply/confirm/\S+/)", sent.body).group(1)
    page.goto(path)
    expect(
        page.get_by_role("heading", name="Your e-mail address is confirmed")
    ).to_be_visible()
    check(page, shot, axe_check, "email-confirmed")
    page.get_by_role("link", name="Go to my applications").click()

    # Start the application; the contacts section opens first.
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", name="Contacts and team")).to_be_visible()
    assert page.locator("#id_primary-email").input_value() == "rosa@example.org"
    page.locator("#id_primary-phone").fill("218-555-0100")
    page.locator("#id_secondary-name").fill("Bo Chen")
    page.locator("#id_secondary-title").fill("Data Analyst")
    page.locator("#id_secondary-email").fill("bo@example.org")
    page.locator("#id_secondary-phone").fill("218-555-0101")
    check(page, shot, axe_check, "section-contacts")
    page.get_by_role("button", name="Save and continue").click()
    saved(page)

    # Collaboration and partners; a second partner row is added by script.
    expect(
        page.get_by_role("heading", name="Collaboration and partners")
    ).to_be_visible()
    page.get_by_label("Name of the collaboration").fill("Healthy Lakeside")
    page.get_by_label(
        "We are a member of an existing community or regional collaboration"
    ).check()
    page.locator("#id_partners-0-name").fill("Lakeside Housing Authority")
    page.locator("#div_id_partners-0-sectors").get_by_label("Housing").check()
    page.locator("#id_partners-1-name").fill("Lakeside Schools")
    page.locator("#div_id_partners-1-sectors").get_by_label("Education").check()
    page.get_by_role("button", name="Add another partner").click()
    page.locator("#id_partners-2-name").fill("Lakeside Transit")
    page.locator("#div_id_partners-2-sectors").get_by_label("Transportation").check()
    check(page, shot, axe_check, "section-collaboration")
    page.get_by_role("button", name="Save and continue").click()
    saved(page)

    # The learning goal, then one answer over its limit, refused and kept.
    page.get_by_label("Your learning goal for the mentorship").fill(
        "Match shelter, school attendance and transit data so our coalition can "
        "reach families at risk of homelessness before they lose housing."
    )
    page.get_by_role("button", name="Save and continue").click()
    saved(page)
    too_long = " ".join(["word"] * 45)
    page.get_by_label("Question 1: why a mentor, and why now?").fill(
        "Because we are stuck."
    )
    page.get_by_label("Question 2: why a mentor, and why now?").fill(too_long)
    expect(page.get_by_text("45 of 40 words")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(
        page.get_by_text("This answer has 45 words; the limit is 40.")
    ).to_be_visible()
    check(page, shot, axe_check, "section-questions-error")
    page.get_by_label("Question 2: why a mentor, and why now?").fill(
        "We want peers who have built the same agreements."
    )
    page.get_by_role("button", name="Save draft").click()
    saved(page)

    # Come back later: sign out, sign in, continue from the home page.
    page.get_by_role("button", name=re.compile("Rosa")).click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("rosa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Continue your application").click()
    expect(page.get_by_text("still missing").first).to_be_visible()
    check(page, shot, axe_check, "status-draft")
    page.get_by_role("link", name="All In profile").first.click()
    page.get_by_label("We agree to create one as a condition of acceptance").check()
    page.get_by_role("button", name="Save and continue").click()
    saved(page)
    page.get_by_label("First choice").select_option(str(mentorships[2].pk))
    page.get_by_label("Second choice").select_option(str(mentorships[0].pk))
    check(page, shot, axe_check, "section-preferences")
    page.get_by_role("button", name="Save and review").click()

    # Review and submit.
    expect(page.get_by_text("Every section is complete")).to_be_visible()
    check(page, shot, axe_check, "submit")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("Your application is submitted")).to_be_visible()
    expect(page.get_by_role("heading", name="Submitted")).to_be_visible()
    check(page, shot, axe_check, "status-submitted")

    application = Application.objects.get(
        organization__name="Lakeside Health Coalition"
    )
    assert application.status == "submitted"
    assert application.eligibility == "eligible"
    assert application.partners.count() == 3
    assert Message.objects.filter(
        kind=Kind.SUBMISSION_CONFIRMATION, to_email="rosa@example.org"
    ).exists()

    # The printable copy.
    page.goto(reverse("applications:application-print", args=[application.pk]))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check(page, shot, axe_check, "printable-copy")
