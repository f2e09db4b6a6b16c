"""The peer network in the browser: a mentee finds a peer outside its cohort on
the same data system, reads why, asks for an introduction; the peer accepts and
both see each other's e-mail; an alumnus uses the directory; staff open the
network report with its picture."""

import pytest
from playwright.sync_api import expect

from applications.models import Award
from peers import services
from peers.models import Introduction
from tests import factories
from tests.browser.pages import loaded_html
from tests.peers.factories import fill, mentee_org

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mentee_meets_a_peer_and_an_alumnus_and_staff_use_the_network(
    browser_page, shot, axe_check, sign_in
):
    mine, me = mentee_org(name="Lakeside Partnership", state="MI")
    theirs, them = mentee_org(name="Desert Valley Network", state="MI")
    old, alumnus = mentee_org(
        name="Waco Library Exchange", state="TX", status=Award.Status.ENDED
    )
    fill(mine, me, works_on="HMIS linked with jail bookings", data_systems=["hmis"])
    fill(
        theirs,
        them,
        works_on="Shelter stays (HMIS) matched with jail data",
        data_systems=["hmis", "jail"],
        challenges=["Matching records without a shared identifier"],
    )
    fill(old, alumnus, works_on="A 2-1-1 exchange", data_systems=["211"])
    services.similarities_compute()
    page = browser_page

    sign_in(page, me)
    page.goto("/peers/?data_system=hmis")
    axe_check(page, label="directory")
    shot(page, "directory")
    page.get_by_role("link", name="Desert Valley Network").click()
    page.wait_for_load_state()
    assert "Matching records without a shared identifier" in loaded_html(page)
    assert them.email not in loaded_html(page)
    page.get_by_label("A short note").fill("How do you match without an ID?")
    axe_check(page, label="profile")
    shot(page, "profile")
    page.get_by_role("button", name="Ask for the introduction").click()
    page.wait_for_load_state()
    intro = Introduction.objects.get()
    assert them.email not in loaded_html(page)

    page.goto("/home/")
    assert "both use HMIS" in loaded_html(page)  # peers like us, with the reason
    shot(page, "mentee-home")

    page.context.clear_cookies()
    sign_in(page, them)
    page.goto(f"/peers/introductions/{intro.pk}/")
    assert "How do you match without an ID?" in loaded_html(page)
    page.get_by_role("button", name="Accept and share our e-mail").click()
    page.wait_for_load_state()
    assert me.email in loaded_html(page)
    shot(page, "accepted")

    page.context.clear_cookies()
    sign_in(page, me)
    page.goto(f"/peers/introductions/{intro.pk}/")
    assert them.email in loaded_html(page)

    page.context.clear_cookies()
    sign_in(page, alumnus)
    page.goto("/home/")
    expect(page.get_by_role("heading", name="Alumni home")).to_be_visible()
    axe_check(page, label="alumni-home")
    shot(page, "alumni-home")
    page.get_by_role("link", name="Open the peer directory").click()
    page.wait_for_load_state()
    assert "Lakeside Partnership" in loaded_html(page)

    page.context.clear_cookies()
    sign_in(page, factories.StaffFactory())
    page.goto("/peers/report/")
    expect(page.get_by_role("heading", name="Peer network report")).to_be_visible()
    expect(page.locator("img[src$='network.svg']")).to_be_visible()
    axe_check(page, label="report")
    shot(page, "report")
