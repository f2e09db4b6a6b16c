"""A mentee answers the midpoint survey through its e-mailed link, once; staff
read the report with its charts."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from surveys import services
from surveys.models import Invitation, PendingResponse, Response, Survey
from tests.factories import StaffFactory
from tests.surveys.factories import (
    SurveyFactory,
    add_questions,
    cohort_with_mentees,
    valid_answers,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _link_of(email: str) -> str:
    body = next(m.body for m in mail.outbox if m.to == [email])
    start = body.index("/surveys/answer/")
    return body[start : body.index("\n", start)].strip()


def test_mentee_answers_through_the_link_and_cannot_answer_again(
    browser_page, shot, axe_check
):
    survey = SurveyFactory(title="Midpoint survey", status=Survey.Status.DRAFT)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 5)
    staff = StaffFactory()
    services.survey_open(survey=survey, by=staff)
    # The embedded Celery ran the dispatch after the commit: five e-mails.
    assert Invitation.objects.filter(survey=survey).count() == 5
    mentee = users[0]
    link = _link_of(mentee.email)
    # Four others have already answered.
    for other in Invitation.objects.filter(survey=survey).exclude(user=mentee):
        services.response_submit(invitation=other, raw=valid_answers(q, likert="5"))

    page = browser_page
    page.goto(link)
    expect(page.get_by_role("heading", name="Midpoint survey")).to_be_visible()
    expect(page.get_by_text("Anonymous.")).to_be_visible()
    axe_check(page, label="answer-form")
    shot(page, "answer-form")

    # Submitting with a required question left empty: a clear message, nothing saved.
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    expect(page.get_by_text("This question needs an answer.").first).to_be_visible()
    assert PendingResponse.objects.count() == 4
    axe_check(page, label="answer-errors")
    shot(page, "answer-errors")

    page.get_by_label("4 · Agree").check()
    page.get_by_label("Monthly").check()
    page.get_by_label("Peers").check()
    page.get_by_label("Hours a month spent on the work plan").fill("15")
    page.get_by_label("One word for the mentorship").fill("Useful")
    page.get_by_label("What would you change?").fill("More peer time.")
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    axe_check(page, label="thanks")
    shot(page, "thanks")
    # The fifth answer released all five together.
    assert Response.objects.filter(survey=survey).count() == 5

    page.goto(link)
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    assert page.get_by_role("button", name="Submit answers").count() == 0
    shot(page, "already-answered")
    assert Response.objects.filter(survey=survey).count() == 5


def test_staff_read_the_report_with_charts(browser_page, shot, axe_check, sign_in):
    survey = SurveyFactory(title="Midpoint survey", status=Survey.Status.OPEN)
    q = add_questions(survey)
    for size in (6, 5):
        mentorship, users = cohort_with_mentees(survey.round, size)
        for i, user in enumerate(users):
            invitation = Invitation.objects.create(
                survey=survey,
                user=user,
                email=user.email,
                mentorship=mentorship,
                token_hash=f"{survey.pk}-{user.pk}".ljust(64, "0"),
            )
            services.response_submit(
                invitation=invitation,
                raw=valid_answers(q, likert=str(1 + i % 5), text=f"Idea {i}"),
            )
    staff = StaffFactory()
    sign_in(browser_page, staff)
    browser_page.goto(f"/surveys/staff/{survey.pk}/report/")
    expect(
        browser_page.get_by_role("heading", name="Report: Midpoint survey")
    ).to_be_visible()
    assert browser_page.locator("svg[role=img]").count() == 3
    axe_check(browser_page, label="report")
    shot(browser_page, "report")
