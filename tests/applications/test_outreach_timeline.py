"""A round's timeline and its dates in the round's zone: on the round page,
in the calendar feed, on the staff pages and in the admin."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import Round
from applications.outreach import rules
from applications.outreach.models import Milestone
from tests import factories as core
from tests.support.forms import assert_same_rows, database_rows, page_form

from .outreach_factories import webinar

EASTERN = zoneinfo.ZoneInfo("America/New_York")
PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


# --- rules ---


def item(key, when, **f):
    return rules.TimelineItem(key=key, label=key, when=when, **f)


def test_past_items_are_marked_and_the_next_one_flagged():
    now = dt.datetime(2019, 12, 10, 12, 0, tzinfo=EASTERN)
    items = rules.timeline(
        [
            item("deadline", dt.datetime(2019, 12, 23, 15, 30, tzinfo=EASTERN)),
            item("announced", dt.date(2019, 11, 26)),
            item("webinar", dt.datetime(2019, 12, 5, 13, 0, tzinfo=EASTERN)),
            item("cutoff", dt.date(2019, 12, 19)),
            item("today", dt.date(2019, 12, 10)),
        ],
        now=now,
        zone=EASTERN,
    )
    assert [i.key for i in items] == [
        "announced",
        "webinar",
        "today",
        "cutoff",
        "deadline",
    ]
    assert [i.past for i in items] == [True, True, False, False, False]
    # A whole day is not past while it lasts: today is the next item.
    assert [i.next for i in items] == [False, False, True, False, False]


def test_a_whole_day_ends_at_midnight_in_the_rounds_zone():
    day = dt.date(2019, 12, 19)
    before = dt.datetime(2019, 12, 19, 23, 59, tzinfo=EASTERN)
    # 11:30 pm Pacific on the 19th is already the 20th in New York.
    pacific_late = dt.datetime(2019, 12, 19, 23, 30, tzinfo=PACIFIC)
    (at_before,) = rules.timeline([item("d", day)], now=before, zone=EASTERN)
    (at_late,) = rules.timeline([item("d", day)], now=pacific_late, zone=EASTERN)
    assert not at_before.past and at_late.past


def test_the_cut_off_without_a_time_leaves_its_whole_day():
    cutoff = rules.question_cutoff(dt.date(2019, 12, 19), None, EASTERN)
    assert cutoff.moment == dt.datetime(2019, 12, 20, 0, 0, tzinfo=EASTERN)
    assert not cutoff.has_time and cutoff.day == dt.date(2019, 12, 19)
    timed = rules.question_cutoff(dt.date(2019, 12, 19), dt.time(17, 0), EASTERN)
    assert timed.moment == dt.datetime(2019, 12, 19, 17, 0, tzinfo=EASTERN)


def test_an_asker_is_found_in_the_wording_by_name_or_address():
    assert rules.names_asker("Hi, Ada Asker here", name="Ada Asker", email="a@x.org")
    assert rules.names_asker("write to A@X.org", name="", email="a@x.org")
    assert rules.names_asker("Can counties apply?", name="Ada", email="a@x.org") is None


# --- pages ---


@pytest.fixture
def round_(db):
    return core.RoundFactory(time_zone="America/New_York")


@pytest.mark.django_db
def test_the_round_page_shows_the_timeline_in_the_rounds_zone(
    client, client_as, round_
):
    local = round_.closes_at.astimezone(EASTERN)
    Milestone.objects.create(
        round=round_,
        kind=Milestone.Kind.ANNOUNCED,
        on=round_.opens_at.astimezone(EASTERN).date() - dt.timedelta(days=6),
    )
    Milestone.objects.create(
        round=round_,
        kind=Milestone.Kind.AWARDEES_NOTIFIED,
        on=local.date() + dt.timedelta(days=40),
        when_text="End of January",
    )
    session = webinar(round_, days=2, title="Meet the mentors")
    viewer = core.UserFactory(time_zone="America/Los_Angeles")
    page = client_as(viewer).get(round_.get_absolute_url()).content.decode()
    timeline = page[page.index('class="list-unstyled timeline') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<li") == 5
    # Every date in a <time datetime>, in the round's zone, not the viewer's.
    deadline_iso = local.isoformat()
    assert f'<time datetime="{deadline_iso}">' in timeline
    assert local.strftime("%I:%M %p").lstrip("0") + " E" in timeline
    assert "End of January" in timeline
    # The announcement and the opening are past; the webinar is next.
    assert timeline.count("timeline-past") == 2
    next_item = timeline[timeline.index("timeline-next") :]
    assert "Meet the mentors" in next_item[: next_item.index("</li>")]
    assert f"#webinar-{session.pk}" in timeline
    assert reverse("applications:round-timeline-ics", args=[round_.slug]) in page


@pytest.mark.django_db
def test_the_opening_and_deadline_come_from_the_round_itself(client, round_):
    new_close = dt.datetime(2099, 12, 23, 15, 30, tzinfo=EASTERN)
    Round.objects.filter(pk=round_.pk).update(closes_at=new_close)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert '<time datetime="2099-12-23T15:30:00-05:00">' in page
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_the_timeline_feed_has_every_date(client, round_):
    Milestone.objects.create(
        round=round_, kind=Milestone.Kind.FINAL_EVALUATION, on=dt.date(2099, 12, 31)
    )
    webinar(round_, title="Meet the mentors")
    response = client.get(
        reverse("applications:round-timeline-ics", args=[round_.slug])
    )
    assert response["Content-Type"] == "text/calendar"
    text = response.content.decode()
    assert text.count("BEGIN:VEVENT") == 4
    assert "DTSTART;VALUE=DATE:20991231" in text
    assert "Application deadline" in text and "Meet the mentors" in text
    closes = round_.closes_at.astimezone(dt.UTC)
    assert f"DTSTART:{closes:%Y%m%dT%H%M%S}Z" in text


@pytest.mark.django_db
def test_staff_add_change_and_remove_milestones(client_as, round_):
    staff = client_as(core.StaffFactory(time_zone="America/Los_Angeles"))
    url = reverse("applications:staff-timeline", args=[round_.slug])
    staff.post(
        url,
        {"kind": "questions_close", "on": "2099-12-19", "at_time": "17:00"},
    )
    cutoff = Milestone.objects.get()
    assert cutoff.at_time == dt.time(17, 0)  # the round's wall time, as typed
    page = staff.post(url, {"kind": "questions_close", "on": "2099-12-20"})
    assert "already has its question cut-off" in page.content.decode()
    assert Milestone.objects.count() == 1
    edit = reverse("applications:staff-milestone-edit", args=[round_.slug, cutoff.pk])
    staff.post(edit, {"kind": "questions_close", "on": "2099-12-18", "at_time": ""})
    cutoff.refresh_from_db()
    assert cutoff.on == dt.date(2099, 12, 18) and cutoff.at_time is None
    bad = staff.post(
        url,
        {
            "kind": "notified",
            "on": "2099-01-31",
            "at_time": "10:00",
            "when_text_en": "Late",
        },
    )
    assert "An approximate date has no time" in bad.content.decode()
    staff.post(
        reverse("applications:staff-milestone-delete", args=[round_.slug, cutoff.pk])
    )
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_saving_a_milestone_back_unchanged_writes_nothing(client_as, round_):
    milestone = Milestone.objects.create(
        round=round_, kind=Milestone.Kind.ANNOUNCED, on=dt.date(2099, 11, 26)
    )
    staff = client_as(core.StaffFactory())
    url = reverse("applications:staff-milestone-edit", args=[round_.slug, milestone.pk])
    form = page_form(staff.get(url).content.decode(), containing="kind")
    before = database_rows()
    staff.post(url, form.post_data())
    assert_same_rows(before, database_rows())


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer"])
def test_only_staff_edit_the_timeline(client, client_as, round_, who):
    milestone = Milestone.objects.create(
        round=round_, kind=Milestone.Kind.ANNOUNCED, on=dt.date(2099, 11, 26)
    )
    if who == "applicant":
        client = client_as(core.MembershipFactory().user)
    elif who == "reviewer":
        client = client_as(core.ReviewerFactory())
    url = reverse("applications:staff-timeline", args=[round_.slug])
    client.post(url, {"kind": "other", "on": "2099-01-01", "title_en": "Hacked"})
    client.post(
        reverse("applications:staff-milestone-delete", args=[round_.slug, milestone.pk])
    )
    assert list(Milestone.objects.values_list("pk", flat=True)) == [milestone.pk]


# --- the admin: a deadline typed in the round's zone ---


def admin_round_data(page_html):
    return page_form(page_html, containing="closes_at").post_data("_save")


@pytest.mark.django_db
def test_a_pacific_staff_member_sets_a_new_york_deadline_of_3_30_pm(client, round_):
    staff = core.StaffFactory(is_superuser=True, time_zone="America/Los_Angeles")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:applications_round_change", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "In the round's time zone, America/New York." in page
    data = admin_round_data(page)
    data["closes_at"] = ["2099-12-23T15:30"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    round_.refresh_from_db()
    assert round_.closes_at == dt.datetime(2099, 12, 23, 15, 30, tzinfo=EASTERN)
    # The admin shows it back as typed, and the public page says 3:30 PM Eastern.
    assert 'value="2099-12-23T15:30"' in client.get(url).content.decode()
    client.logout()
    public = client.get(round_.get_absolute_url()).content.decode()
    assert "Wednesday, December 23, 2099, 3:30 PM EST" in public


@pytest.mark.django_db
def test_a_zone_changed_with_the_dates_reads_them_in_the_new_zone(client, round_):
    staff = core.StaffFactory(is_superuser=True, time_zone="America/New_York")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:applications_round_change", args=[round_.pk])
    data = admin_round_data(client.get(url).content.decode())
    data["time_zone"] = ["America/Chicago"]
    data["closes_at"] = ["2099-12-23T15:30"]
    client.post(url, data)
    round_.refresh_from_db()
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    assert round_.closes_at == dt.datetime(2099, 12, 23, 15, 30, tzinfo=chicago)


@pytest.mark.django_db
def test_a_time_that_does_not_exist_in_the_rounds_zone_is_refused(client, round_):
    staff = core.StaffFactory(is_superuser=True, time_zone="UTC")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:applications_round_change", args=[round_.pk])
    data = admin_round_data(client.get(url).content.decode())
    before = round_.closes_at
    data["closes_at"] = ["2099-03-08T02:30"]  # clocks jump from 2 to 3 in New York
    page = client.post(url, data).content.decode()
    assert "does not happen exactly once in America/New York" in page
    round_.refresh_from_db()
    assert round_.closes_at == before


@pytest.mark.django_db
def test_the_admin_round_list_shows_the_rounds_own_zone(client, round_):
    staff = core.StaffFactory(is_superuser=True, time_zone="America/Los_Angeles")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("admin:applications_round_changelist")).content.decode()
    local = round_.closes_at.astimezone(EASTERN)
    assert local.tzname() in page  # EST or EDT
    assert "PST" not in page and "PDT" not in page


@pytest.mark.django_db
def test_the_countdown_and_local_line_carry_the_instant_not_a_zone_guess(
    client, round_
):
    with time_machine.travel(round_.opens_at + dt.timedelta(hours=1)):
        page = client.get(round_.get_absolute_url()).content.decode()
    iso = round_.closes_at.astimezone(EASTERN).isoformat()
    assert f'data-local-time="{iso}" data-zone="America/New_York" hidden' in page
    assert f'data-deadline="{iso}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_the_round_page_keeps_a_fixed_number_of_queries(
    client, round_, size, django_assert_max_num_queries
):
    for i in range(size):
        Milestone.objects.create(
            round=round_, kind="other", title=f"Step {i}", on=dt.date(2099, 1, 1 + i)
        )
        webinar(round_, days=i + 1, title=f"Session {i}")
    with django_assert_max_num_queries(8):
        page = client.get(round_.get_absolute_url())
    assert page.content.decode().count("timeline-item") == 2 * size + 2
