"""The personal calendar feed, read back with an iCalendar library."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from affinity.models import Cycle, Group, GroupMember, Meeting
from tests import factories
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db


def feed(client, user):
    client_as_user = client
    if not client_as_user.get(reverse("cohorts:calendar")).context["feed_url"]:
        client_as_user.post(reverse("cohorts:calendar-reset"))  # make the address
    page = client_as_user.get(reverse("cohorts:calendar"))
    url = page.context["feed_url"]
    client.logout()  # calendar programs do not sign in
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def group_with_meeting(user, status=GroupMember.Status.ADMITTED, title="Data law"):
    cycle, _ = Cycle.objects.get_or_create(
        name="2020 cycle",
        defaults={"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(2020, 12, 31)},
    )
    group = Group.objects.create(cycle=cycle, topic=title, slug=title.lower()[:20])
    GroupMember.objects.create(group=group, user=user, status=status)
    return Meeting.objects.create(
        group=group,
        title=f"{title} meeting",
        starts_at=timezone.now() + dt.timedelta(days=4),
        link="https://meet.example.org/law",
    )


def test_mentee_feed_has_its_cohort_events_check_ins_and_group_meetings(client_as):
    """Parsed back, the feed holds the right events at the right instants."""
    mentorship, _, (member, other) = yf.cohort(2)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    webinar = yf.EventFactory(
        mentorship=mentorship,
        title="Webinar 2",
        starts_at=starts,
        link="https://meet.example.org/w2",
        agenda="Data governance",
    )
    yf.EventFactory(
        mentorship=mentorship, title="My call", kind="check_in", award=member.award
    )
    yf.EventFactory(
        mentorship=mentorship, title="Their call", kind="check_in", award=other.award
    )
    yf.EventFactory(title="Another cohort's webinar")
    group_with_meeting(member.user)
    group_with_meeting(member.user, GroupMember.Status.REQUESTED, title="Not yet")

    events = feed(client_as(member.user), member.user)
    name = mentorship.short_name
    assert set(events) == {
        f"Webinar 2 ({name})",
        f"My call ({name})",
        "Data law meeting (Data law)",
    }
    item = events[f"Webinar 2 ({name})"]
    assert item["dtstart"].dt == webinar.starts_at
    assert item["dtend"].dt == webinar.ends_at
    assert "Data governance" in str(item["description"])
    assert "https://meet.example.org/w2" in str(item["description"])
    assert str(item["uid"]).startswith(f"cohort-event-{webinar.pk}@")


def test_mentor_feed_has_all_its_cohorts_check_ins(client_as):
    mentorship, mentor, (a, b) = yf.cohort(2)
    yf.EventFactory(
        mentorship=mentorship, title="Call A", kind="check_in", award=a.award
    )
    yf.EventFactory(
        mentorship=mentorship, title="Call B", kind="check_in", award=b.award
    )
    events = feed(client_as(mentor), mentor)
    assert len(events) == 2


def test_unknown_token_is_404_and_reset_retires_the_old_address(client, client_as):
    _, _, (member,) = yf.cohort(1)
    user_client = client_as(member.user)
    assert user_client.get(reverse("cohorts:calendar")).context["feed_url"] is None
    user_client.post(reverse("cohorts:calendar-reset"))  # the first address
    old = user_client.get(reverse("cohorts:calendar")).context["feed_url"]
    user_client.post(reverse("cohorts:calendar-reset"))
    new = user_client.get(reverse("cohorts:calendar")).context["feed_url"]
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    bad = reverse("cohorts:calendar-feed", args=["x" * 43])
    assert client.get(bad).status_code == 404


def test_a_blank_token_never_opens_a_feed(client):
    """Users who never opened their feed page have an empty token: no match."""
    factories.UserFactory(calendar_token="")
    assert client.get("/cohorts/calendar/.ics").status_code == 404


def test_the_calendar_page_needs_sign_in(client):
    response = client.get(reverse("cohorts:calendar"))
    assert response.status_code == 302
