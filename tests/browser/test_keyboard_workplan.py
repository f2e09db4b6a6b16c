"""A mentee who cannot use a mouse files its work plan with the keyboard
alone: sign in, open the work plan from its home, add a goal with two
activities (titles, target dates typed into the date fields, a status chosen
with the arrow keys), save, and submit the plan for review.

As in ``test_keyboard_application``: only ``page.keyboard`` moves focus and
enters data, and after every Tab the focus is visible on something other than
the page body.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cohorts.models import WorkPlan
from tests import factories
from tests.browser.test_keyboard_application import (
    press_button,
    skip_to_main,
    tab_to,
    tab_to_named,
    type_into,
)
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db(transaction=True)


def follow_link(page, name: str) -> None:
    tab_to_named(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_date(page, selector: str, day: dt.date) -> None:
    """A date field takes the month, the day and the year typed in a row."""
    tab_to(page, selector)
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.evaluate("(s) => document.querySelector(s).value", selector) == (
        day.isoformat()
    )


def test_a_work_plan_can_be_filed_with_the_keyboard_alone(
    browser_page, shot, axe_check
):
    mentorship, mentor, (member,) = yf.cohort(1)
    award = member.award
    page = browser_page

    page.goto("/accounts/login/")
    skip_to_main(page)
    type_into(page, "#id_username", member.user.email)
    type_into(page, "#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My mentorship")).to_be_visible()

    skip_to_main(page)
    follow_link(page, "File your work plan")
    skip_to_main(page)
    follow_link(page, "Add your first goal")
    skip_to_main(page)
    first = award.contract_start + dt.timedelta(days=60)
    second = award.contract_start + dt.timedelta(days=200)
    type_into(page, "input[name=title]", "Link housing and health data")
    type_into(page, "#id_act-0-title", "Sign the data-sharing agreement")
    type_date(page, "#id_act-0-target_date", first)
    type_into(page, "#id_act-1-title", "Match the first records")
    type_date(page, "#id_act-1-target_date", second)
    tab_to(page, "#id_act-1-status")
    page.keyboard.press("ArrowDown")  # from "planned" to "in progress"
    axe_check(page, label="keyboard-goal-form")
    shot(page, "keyboard-goal-form")
    press_button(page, "Save the goal")
    expect(page.get_by_text("The goal is saved.")).to_be_visible()

    skip_to_main(page)
    press_button(page, "Submit for review")
    expect(page.get_by_text("Version 1 is submitted")).to_be_visible()
    shot(page, "keyboard-workplan-submitted")

    plan = WorkPlan.objects.get(award=award)
    assert plan.status == WorkPlan.Status.SUBMITTED
    goal = plan.goals.get()
    assert goal.title == "Link housing and health data"
    activities = list(goal.activities.order_by("target_date"))
    assert [a.target_date for a in activities] == [first, second]
    assert activities[1].status != activities[0].status
