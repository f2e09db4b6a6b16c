"""Between meetings in the browser: a mentee posts a challenge to its cohort, a
peer of the cohort replies, the author marks the reply helpful, the mentor
finds it on the cohort dashboard and the weekly digest lists it once for each
member; an affinity group's leader hides a post and locks a thread."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from discussions import digests, services
from discussions.models import Challenge, Frequency, Reply
from notifications.models import Message
from tests.discussions.conftest import program  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Matching jail bookings with HMIS"


def test_a_challenge_goes_round_the_cohort_and_a_leader_moderates(
    browser_page,
    shot,
    axe_check,
    sign_in,
    program,  # noqa: F811
):
    page = browser_page

    sign_in(page, program.mentee)
    page.goto("/home/")
    page.get_by_role("link", name="Challenges", exact=True).first.click()
    expect(page.get_by_role("heading", name="Challenges", exact=True)).to_be_visible()
    page.get_by_role("link", name="Share a challenge").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Context").fill("The two systems share no identifier.")
    page.get_by_label("What you have tried").fill("A manual match for a month.")
    page.get_by_label("Who may read it").select_option(f"cohort:{program.cohort.pk}")
    axe_check(page, label="challenge-form")
    shot(page, "challenge-form")
    page.get_by_role("button", name="Post the challenge").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    challenge = Challenge.objects.get()

    page.context.clear_cookies()
    sign_in(page, program.peer)
    page.goto("/peers/challenges/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your reply, from your own experience").fill(
        "We matched on name and birth date, then checked by hand."
    )
    page.get_by_role("button", name="Post the reply").click()
    expect(page.get_by_text("We matched on name and birth date")).to_be_visible()
    shot(page, "reply")

    page.context.clear_cookies()
    sign_in(page, program.mentee)
    page.goto(challenge.get_absolute_url())
    page.get_by_role("button", name="This helped").click()
    expect(page.get_by_text("Helped", exact=True)).to_be_visible()
    assert Reply.objects.get().helpful
    axe_check(page, label="challenge")
    shot(page, "challenge")

    page.context.clear_cookies()
    sign_in(page, program.mentor)
    page.goto("/home/")
    dashboard = page.get_by_role("region", name="Your mentees' open challenges")
    expect(dashboard.get_by_role("link", name=TITLE)).to_be_visible()
    shot(page, "mentor-dashboard")

    digests.digests_send(
        frequency=Frequency.WEEKLY, now=timezone.now() + dt.timedelta(days=7)
    )
    weekly = Message.objects.filter(idempotency_key__contains="digest:weekly")
    assert sorted(m.to_email for m in weekly) == sorted(
        [program.mentor.email, program.mentee.email, program.peer.email]
    )
    assert all(m.body_text.count(TITLE) == 1 for m in weekly)

    # The group: a member's stray post, then the leader moderates.
    thread = services.thread_start(
        ref=program.group_ref,
        title="Stories from the field",
        body="A client called Jane Roe at 555-0100 told us",
        by=program.member,
        form_token="journey",
    )
    page.context.clear_cookies()
    sign_in(page, program.leader)
    page.goto(f"/groups/{program.group.pk}/")
    page.get_by_role("link", name="The group's discussion").click()
    page.get_by_role("link", name="Stories from the field").click()
    page.get_by_label("Why hide it? (its author reads this)").fill(
        "Names a client and a phone number."
    )
    page.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Hidden by a moderator: Names a client")).to_be_visible()
    page.get_by_role("button", name="Lock the thread").click()
    expect(page.get_by_text("This thread is locked")).to_be_visible()
    axe_check(page, label="thread")
    shot(page, "thread-locked")

    page.context.clear_cookies()
    sign_in(page, program.member)
    page.goto(thread.get_absolute_url())
    expect(page.get_by_text("Names a client and a phone number.")).to_be_visible()
    expect(page.get_by_role("button", name="Post", exact=True)).to_have_count(0)
