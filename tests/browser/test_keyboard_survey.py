"""A mentee who cannot use a mouse answers a survey with the keyboard alone,
in Spanish: open the e-mailed link, skip the navigation, submit with a
required question left empty, hear the error summary (it takes the focus and
is announced), then answer radio groups, checkboxes, a number and text fields
and submit.

As in ``test_keyboard_application``: only ``page.keyboard`` moves focus and
enters data, and after every Tab the focus is visible on something other than
the page body.
"""

import pytest
from playwright.sync_api import expect

from surveys import services
from surveys.models import (
    Answer,
    Invitation,
    PendingResponse,
    Response,
    Survey,
    hash_token,
    new_invitation_token,
)
from tests.browser.test_keyboard_application import (
    check_box,
    focused,
    tab_to,
    tab_to_named,
    type_into,
)
from tests.factories import StaffFactory
from tests.surveys.factories import (
    SurveyFactory,
    add_questions,
    cohort_with_mentees,
    valid_answers,
)

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, name: str) -> None:
    tab_to_named(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_survey_can_be_answered_with_the_keyboard_alone_in_spanish(
    browser_page, live_url, shot, axe_check
):
    survey = SurveyFactory(
        title="Midpoint survey",
        title_es="Encuesta de mitad del año",
        status=Survey.Status.DRAFT,
    )
    q = add_questions(survey)
    q["single"].prompt_es = "¿Con qué frecuencia habla con su mentor?"
    q["single"].save()
    mentorship, users = cohort_with_mentees(survey.round, 5)
    services.survey_open(survey=survey, by=StaffFactory())
    invitations = Invitation.objects.filter(survey=survey)
    for other in invitations.exclude(user=users[0]):
        services.response_submit(
            invitation=other, raw=valid_answers(q, likert="5", single="weekly")
        )
    # The link as e-mailed: a fresh token for the one still to answer.
    token = new_invitation_token()
    invitations.filter(user=users[0]).update(token_hash=hash_token(token))

    page = browser_page
    # The mentee reads the portal in Spanish (the switcher's cookie).
    page.context.add_cookies(
        [{"name": "portal_language", "value": "es", "url": live_url}]
    )
    page.goto(f"/surveys/answer/{token}/")
    expect(
        page.get_by_role("heading", name="Encuesta de mitad del año")
    ).to_be_visible()
    assert page.evaluate("() => document.documentElement.lang") == "es"

    # Enter on the submit button with the required questions empty: the
    # summary is announced (role="alert") and takes the focus; the fields
    # that need an answer say so.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    assert page.evaluate("() => document.activeElement.id") == "main"
    submit(page, page.locator("button[value=submit]").inner_text().strip())
    assert page.evaluate("() => document.activeElement.id") == "form-errors"
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.locator("[aria-invalid=true]").count() >= 2
    assert PendingResponse.objects.filter(survey=survey).count() == 4
    axe_check(page, label="keyboard-survey-errors")
    shot(page, "keyboard-survey-errors")

    # From the summary, Tab goes on through the form.
    likert = f"input[name=q{q['likert'].pk}]"
    tab_to(page, likert)
    page.keyboard.press("Space")  # 1
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # to 4
    single = f"input[name=q{q['single'].pk}]"
    tab_to(page, single)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # the second option: monthly
    check_box(page, f"input[name=q{q['multiple'].pk}][value=peers]")
    type_into(page, f"#q{q['number'].pk}", "15")
    type_into(page, f"#q{q['short_text'].pk}", "Útil")
    type_into(page, f"#q{q['long_text'].pk}", "Más tiempo con los pares.")
    focused(page)
    shot(page, "keyboard-survey-filled")
    submit(page, page.locator("button[value=submit]").inner_text().strip())
    expect(page.locator("h1")).to_be_visible()
    # The fifth answer released all five together.
    assert Response.objects.filter(survey=survey).count() == 5
    mine = Answer.objects.filter(question=q["single"], choices=["monthly"])
    assert mine.count() == 1
    assert invitations.get(user=users[0]).completed
