import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_role_signs_in_and_sees_its_home(browser_page, shot, axe_check, sign_in):
    """A staff user signs in through the form and lands on the program page."""
    factories.RoundFactory(name="Open round")
    page = browser_page
    page.goto("/")
    axe_check(page, label="public-home")
    shot(page, "public-home")
    staff = factories.StaffFactory(email="staff@example.org", full_name="Sta Ff")
    sign_in(page, staff)
    expect(page.get_by_role("heading", name="Program office")).to_be_visible()
    axe_check(page, label="staff-home")
    shot(page, "staff-home")


def test_wrong_password_shows_a_clear_message(browser_page, sign_in, axe_check):
    user = factories.UserFactory(email="someone@example.org")
    sign_in(browser_page, user, password="not-the-password")
    expect(browser_page.get_by_role("alert")).to_be_visible()
    assert "correct e-mail address and password" in browser_page.content()
    axe_check(browser_page, label="login-error")
