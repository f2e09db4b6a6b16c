"""An applicant who cannot use a mouse completes the application with the
keyboard alone: sign in, skip the navigation, start the application, fill in
every section (text fields, radio groups, checkboxes, selects), add a partner
row with the "Add another partner" button, and submit.

Only ``page.keyboard`` moves focus and enters data: no ``click()``, no
``fill()``. After every Tab the focused element is something other than the
page body, and it shows a focus indicator (an outline or a focus shadow), so a
sighted keyboard user always sees where they are.
"""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests import factories
from tests.applications.factories import QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 120

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
        return null;
    }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute("name") || "",
        label: (el.innerText || el.getAttribute("aria-label") || el.value || "")
            .trim().slice(0, 80),
        focusVisible: el.matches(":focus-visible"),
        indicator: outline || shadow || el.id === "main",
    };
}"""


def focused(page) -> dict:
    """Where the keyboard focus is; fails if it fell back on the page body or
    the focused element draws no focus indicator."""
    info = page.evaluate(FOCUSED)
    # The indicator may still be fading in (Bootstrap's focus ring is a
    # 0.15 s transition) on a busy machine: look again for up to two seconds.
    for _ in range(40):
        if info is None or info["indicator"]:
            break
        page.wait_for_timeout(50)
        info = page.evaluate(FOCUSED)
    assert info is not None, "Keyboard focus was lost to the page body."
    assert info["indicator"], f"No visible focus indicator on {info}."
    return info


def tab_to(page, selector: str, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the
    focus, checking the focus is visible at every stop on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        info = focused(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return info
    raise AssertionError(f"{selector} never got the keyboard focus.")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def tab_to_named(page, name: str) -> dict:
    """Press Tab until the button or link named ``name`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        info = focused(page)
        if info["tag"] in ("button", "a") and info["label"] == name:
            return info
    raise AssertionError(f"{name!r} never got the keyboard focus.")


def press_button(page, name: str) -> None:
    """Tab to the button named ``name`` and press Enter; a page loads."""
    tab_to_named(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def skip_to_main(page) -> None:
    """The first Tab lands on the skip link; Enter moves the focus to main.

    A page reached with ``#main`` in its address (the skip link's fragment
    survives a redirect) starts keyboard navigation inside main already, as
    browsers do for fragments; such a page is loaded once more without it.
    """
    if "#" in page.url:
        page.goto(page.url.split("#")[0])
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["label"] == "Skip to main content", info
    assert info["focusVisible"]
    expect(page.get_by_role("link", name="Skip to main content")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def select_option(page, selector: str, value: str) -> None:
    """Move through a select's options with the arrow keys until ``value``."""
    tab_to(page, selector)
    for _ in range(30):
        if page.evaluate("(s) => document.querySelector(s).value", selector) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value!r} was never reached in {selector}.")


def check_box(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("(s) => document.querySelector(s).checked", selector)


def saved(page):
    expect(page.get_by_text("Saved. You can come back").first).to_be_visible()


def test_the_application_can_be_completed_with_the_keyboard_alone(
    browser_page, shot, axe_check
):
    round_ = factories.RoundFactory(name="DASH Mentor Program, keyboard round")
    questions = [
        QuestionFactory(
            round=round_, order=i, prompt=f"Question {i + 1}: why now?", word_limit=60
        )
        for i in range(2)
    ]
    mentorships = [factories.MentorshipFactory(round=round_) for _ in range(3)]
    membership = factories.MembershipFactory(
        user__email="kim@example.org", user__full_name="Kim Okafor"
    )
    page = browser_page

    # Sign in: skip link first, then the two fields, Enter submits.
    page.goto("/accounts/login/")
    skip_to_main(page)
    type_into(page, "#id_username", "kim@example.org")
    type_into(page, "#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My applications")).to_be_visible()
    shot(page, "applicant-home")

    skip_to_main(page)
    press_button(page, "Start an application")
    expect(page.get_by_role("heading", name="Contacts and team")).to_be_visible()

    # Contacts and team.
    skip_to_main(page)
    type_into(page, "#id_primary-title", "Program Director")
    type_into(page, "#id_primary-phone", "218-555-0100")
    type_into(page, "#id_secondary-name", "Bo Chen")
    type_into(page, "#id_secondary-title", "Data Analyst")
    type_into(page, "#id_secondary-email", "bo@example.org")
    type_into(page, "#id_secondary-phone", "218-555-0101")
    # Shift+Tab goes back to correct the secondary contact's title.
    tab_to(page, "#id_secondary-title", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" and Evaluator")
    shot(page, "contacts")
    press_button(page, "Save and continue")
    saved(page)

    # Collaboration: a radio group, two partner rows, a third row added.
    expect(
        page.get_by_role("heading", name="Collaboration and partners")
    ).to_be_visible()
    skip_to_main(page)
    type_into(page, "#id_collab-collaboration_name", "Healthy Lakeside")
    tab_to(page, 'input[name="collab-collaboration_status"]')
    page.keyboard.press("Space")  # the first choice: "member"
    page.keyboard.press("ArrowDown")  # arrows move within the group
    page.keyboard.press("ArrowUp")
    assert (
        page.evaluate(
            "() => document.querySelector("
            "'input[name=\"collab-collaboration_status\"]:checked').value"
        )
        == Application.Collaboration.MEMBER
    )
    type_into(page, "#id_partners-0-name", "Lakeside Housing Authority")
    check_box(page, 'input[name="partners-0-sectors"][value="housing"]')
    type_into(page, "#id_partners-1-name", "Lakeside Schools")
    check_box(page, 'input[name="partners-1-sectors"][value="education"]')
    tab_to_named(page, "Add another partner")
    page.keyboard.press("Enter")
    # The new row's first field takes the focus.
    assert page.evaluate("() => document.activeElement.id") == "id_partners-2-name"
    page.keyboard.type("Lakeside Transit")
    check_box(page, 'input[name="partners-2-sectors"][value="transportation"]')
    shot(page, "collaboration")
    press_button(page, "Save and continue")
    saved(page)

    # Learning goal.
    skip_to_main(page)
    type_into(
        page,
        "#id_learning_goal",
        "Match shelter, school attendance and transit data so our coalition can "
        "reach families at risk of homelessness before they lose housing.",
    )
    press_button(page, "Save and continue")
    saved(page)

    # Selection questions.
    skip_to_main(page)
    type_into(page, f"#id_q_{questions[0].pk}", "Because our data sits in silos.")
    type_into(page, f"#id_q_{questions[1].pk}", "Peers who built such agreements.")
    shot(page, "questions")
    press_button(page, "Save and continue")
    saved(page)

    # All In profile: Space on the first radio, ArrowDown to the second.
    skip_to_main(page)
    tab_to(page, 'input[name="all_in_profile"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert (
        page.evaluate(
            "() => document.querySelector('input[name=\"all_in_profile\"]:checked')"
            ".value"
        )
        == Application.AllIn.AGREES
    )
    press_button(page, "Save and continue")
    saved(page)

    # Mentorship preferences: arrow keys in the selects.
    skip_to_main(page)
    select_option(page, "#id_choice_1", str(mentorships[2].pk))
    select_option(page, "#id_choice_2", str(mentorships[0].pk))
    shot(page, "preferences")
    press_button(page, "Save and review")

    # Review and submit.
    expect(page.get_by_text("Every section is complete")).to_be_visible()
    skip_to_main(page)
    check_box(page, "#id_confirm")
    axe_check(page, label="submit")
    shot(page, "submit")
    press_button(page, "Submit the application")
    expect(page.get_by_text("Your application is submitted")).to_be_visible()
    expect(page.get_by_role("heading", name="Submitted")).to_be_visible()
    shot(page, "submitted")

    application = Application.objects.get(organization=membership.organization)
    assert application.status == Application.Status.SUBMITTED
    assert application.all_in_profile == Application.AllIn.AGREES
    assert application.collaboration_status == Application.Collaboration.MEMBER
    assert sorted(application.partners.values_list("name", flat=True)) == [
        "Lakeside Housing Authority",
        "Lakeside Schools",
        "Lakeside Transit",
    ]
    assert list(
        application.preferences.order_by("rank").values_list("mentorship", flat=True)
    ) == [mentorships[2].pk, mentorships[0].pk]
    secondary = application.contacts.get(kind="secondary")
    assert secondary.title == "Data Analyst and Evaluator"
