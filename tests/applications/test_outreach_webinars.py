"""Informational webinars: registration without an account confirmed by
e-mail, one seat per address, full sessions, the join link for registrants
only, the calendar file, the reminder the day before, and staff's lists."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.outreach import services
from applications.outreach.models import Webinar, WebinarRegistration
from dashmentor.models import User
from notifications.models import Kind, Message, ReminderRule
from notifications.reminders import reminders_scan
from tests import factories as core
from tests.support.forms import assert_same_rows, database_rows, page_form

from .outreach_factories import link_in, registration, sent_to, webinar

pytestmark = pytest.mark.django_db

JOIN = "https://meet.example.org/j/123"


@pytest.fixture
def round_(db):
    return core.RoundFactory(name="2026 round", time_zone="America/New_York")


@pytest.fixture
def session(round_):
    return webinar(round_, title="Meet the mentors", capacity=2)


def register(client, session, **data):
    payload = {
        "name": "Rita Registrant",
        "email": "rita@example.org",
        "organization": "Riverbend Health",
    }
    return client.post(
        reverse("applications:webinar-register", args=[session.pk]),
        {**payload, **data},
        follow=True,
    )


def test_a_visitor_registers_confirms_by_email_and_gets_the_join_link_and_ics(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = register(client, session)
    assert "we sent a link to rita@example.org" in page.content.decode()
    reg = WebinarRegistration.objects.get()
    assert reg.status == WebinarRegistration.Status.UNCONFIRMED
    (confirmation,) = sent_to("rita@example.org")
    assert JOIN not in confirmation.body
    stored = Message.objects.get(kind=Kind.EMAIL_CONFIRMATION)
    assert "/webinars/registration/" not in stored.body_text  # made at sending

    path = link_in(confirmation, "/apply/webinars/registration/")
    shown = client.get(path).content.decode()
    assert "Confirm my registration" in shown
    assert JOIN not in shown
    ics_url = reverse(
        "applications:webinar-registration-ics", args=[path.rstrip("/").split("/")[-1]]
    )
    assert client.get(ics_url).status_code == 404  # not confirmed yet

    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"action": "confirm"})
    reg.refresh_from_db()
    assert reg.status == WebinarRegistration.Status.CONFIRMED
    mine = client.get(path).content.decode()
    assert JOIN in mine and "Add to my calendar (.ics)" in mine
    registered = sent_to("rita@example.org")[-1]
    assert JOIN in registered.body
    assert "/apply/webinars/registration/" in registered.body

    ics = client.get(ics_url)
    assert ics["Content-Type"] == "text/calendar"
    text = ics.content.decode()
    assert "BEGIN:VEVENT" in text and "Meet the mentors" in text
    assert JOIN in text
    start = session.starts_at.astimezone(dt.UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in text


def test_the_join_link_is_shown_to_registrants_only(client, client_as, round_, session):
    registration(session)
    pages = [
        client.get(round_.get_absolute_url()),
        client.get(reverse("applications:round-webinars", args=[round_.slug])),
        client.get(reverse("applications:webinar-register", args=[session.pk])),
        client.get(reverse("applications:round-timeline-ics", args=[round_.slug])),
        client_as(core.MembershipFactory().user).get(round_.get_absolute_url()),
    ]
    for page in pages:
        assert page.status_code == 200
        assert JOIN not in page.content.decode()


def test_one_address_registering_twice_makes_one_registration(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, session)
        register(client, session, email="RITA@example.org")
    assert WebinarRegistration.objects.count() == 1
    assert len(sent_to("rita@example.org")) == 1


def test_a_full_session_says_so_and_registers_nobody(client, session):
    registration(session, email="a@example.org")
    registration(session, email="b@example.org")
    page = register(client, session).content.decode()
    assert "This session is full" in page
    assert WebinarRegistration.objects.count() == 2
    assert not Message.objects.exists()


def test_the_last_seat_goes_to_the_first_to_confirm(
    client, session, django_capture_on_commit_callbacks
):
    registration(session, email="a@example.org")
    first = registration(session, email="b@example.org", confirmed=False)
    second = registration(session, email="c@example.org", confirmed=False)
    services.webinar_registration_confirm(registration=first)
    with pytest.raises(Exception) as refused:
        services.webinar_registration_confirm(registration=second)
    assert services.SESSION_FULL in str(refused.value)
    second.refresh_from_db()
    assert second.status == WebinarRegistration.Status.UNCONFIRMED


def test_a_cancelled_seat_is_free_again(client, session):
    registration(session, email="a@example.org")
    reg = registration(session, email="b@example.org")
    services.webinar_registration_cancel(registration=reg)
    page = register(client, session).content.decode()
    assert "This session is full" not in page
    assert WebinarRegistration.objects.filter(email="rita@example.org").exists()


def test_a_past_session_takes_no_registration(client, round_):
    past = webinar(round_, days=-1)
    page = register(client, past).content.decode()
    assert "already taken place" in page
    assert not WebinarRegistration.objects.exists()


def test_a_signed_in_user_is_registered_at_once(
    client_as, session, django_capture_on_commit_callbacks
):
    user = core.UserFactory(email="lee@example.org", full_name="Lee Lead")
    with django_capture_on_commit_callbacks(execute=True):
        page = register(
            client_as(user), session, email="lee@example.org", name="Lee Lead"
        )
    body = page.content.decode()
    assert "You are registered for Meet the mentors" in body
    assert JOIN in body
    reg = WebinarRegistration.objects.get()
    assert reg.user == user and reg.status == WebinarRegistration.Status.CONFIRMED


def test_the_honeypot_registers_nobody(client, session):
    register(client, session, website="spam")
    assert not WebinarRegistration.objects.exists()
    assert not Message.objects.exists()


def test_registration_is_rate_limited(client, round_, settings):
    big = webinar(round_)
    limit = settings.RATE_LIMITS["outreach"][0]
    for i in range(limit + 5):
        response = client.post(
            reverse("applications:webinar-register", args=[big.pk]),
            {"name": "Bot", "email": f"bot{i}@example.org"},
        )
    assert response.status_code == 429
    assert WebinarRegistration.objects.count() == limit


def test_registrants_are_reminded_the_day_before_by_the_reminder_rules(
    round_, session, django_capture_on_commit_callbacks
):
    confirmed = registration(session, email="a@example.org")
    confirmed.confirmed_at = timezone.now() - dt.timedelta(days=1)
    confirmed.save()
    registration(session, email="waiting@example.org", confirmed=False)
    with time_machine.travel(session.starts_at - dt.timedelta(days=2)):
        assert reminders_scan()["webinar"] == 0
    day_before = session.starts_at - dt.timedelta(hours=23)
    with (
        time_machine.travel(day_before),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_scan()["webinar"] == 1
        assert reminders_scan()["webinar"] == 0  # a second scan: nothing more
    (reminder,) = sent_to("a@example.org")
    assert reminder.subject.startswith("Reminder: Meet the mentors")
    assert JOIN in reminder.body
    assert "EST" in reminder.body or "EDT" in reminder.body
    assert not sent_to("waiting@example.org")


def test_a_rounds_event_reminder_rule_moves_the_webinar_reminder(round_, session):
    ReminderRule.objects.create(
        round=round_, kind=Kind.EVENT_REMINDER, offsets_days=[2]
    )
    confirmed = registration(session, email="a@example.org")
    confirmed.confirmed_at = timezone.now() - dt.timedelta(days=1)
    confirmed.save()
    with time_machine.travel(session.starts_at - dt.timedelta(days=1, hours=23)):
        assert reminders_scan()["webinar"] == 1


def test_staff_see_registrations_with_csv_and_who_applied(client_as, round_, session):
    applicant = core.UserFactory(email="applied@example.org")
    membership = core.MembershipFactory(user=applicant)
    core.ApplicationFactory(
        round=round_,
        organization=membership.organization,
        created_by=applicant,
        status=Application.Status.SUBMITTED,
    )
    registration(session, email="applied@example.org", name="=HYPERLINK(1)")
    registration(session, email="browsing@example.org", organization="@evil")
    staff = client_as(core.StaffFactory())
    page = staff.get(
        reverse(
            "applications:staff-webinar-registrations", args=[round_.slug, session.pk]
        )
    ).content.decode()
    assert "applied@example.org" in page and "browsing@example.org" in page
    response = staff.get(
        reverse(
            "applications:staff-webinar-registrations-csv",
            args=[round_.slug, session.pk],
        )
    )
    # The first line names the language.
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert rows[0][:3] == ["name", "e-mail", "organization"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["applied@example.org"][0] == "'=HYPERLINK(1)"
    assert by_email["applied@example.org"][-1] == "yes"
    assert by_email["browsing@example.org"][2] == "'@evil"
    assert by_email["browsing@example.org"][-1] == "no"

    home = staff.get(reverse("staff-home")).content.decode()
    assert "2 registrants, 1 of whom applied" in home


def test_staff_add_a_session_in_the_rounds_zone_whatever_their_own(client_as, round_):
    staff = core.StaffFactory(time_zone="America/Los_Angeles")
    client_as(staff).post(
        reverse("applications:staff-webinars", args=[round_.slug]),
        {
            "title_en": "Informational webinar",
            "starts_at": "2099-12-05T13:00",
            "duration_minutes": 60,
            "join_url": JOIN,
            "capacity": "",
        },
    )
    created = Webinar.objects.get()
    eastern = zoneinfo.ZoneInfo("America/New_York")
    assert created.starts_at == dt.datetime(2099, 12, 5, 13, 0, tzinfo=eastern)


def test_the_recording_afterwards_is_offered_on_the_round_page(
    client, client_as, round_
):
    past = webinar(round_, days=-2, title="December webinar")
    staff = client_as(core.StaffFactory(time_zone="America/Los_Angeles"))
    url = reverse("applications:staff-webinar-edit", args=[round_.slug, past.pk])
    form = page_form(staff.get(url).content.decode(), containing="recording_url")
    data = form.post_data()
    data["recording_url"] = ["https://video.example.org/dec"]
    data["slides_url"] = ["https://slides.example.org/dec.pdf"]
    assert staff.post(url, data).status_code == 302
    after = Webinar.objects.get(pk=past.pk)
    assert after.recording_url == "https://video.example.org/dec"
    assert after.starts_at == past.starts_at  # kept, to the microsecond
    client.logout()
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Watch the recording" in page
    assert "https://video.example.org/dec" in page


def test_saving_a_session_back_unchanged_writes_nothing(client_as, round_, session):
    staff = client_as(core.StaffFactory(time_zone="America/Los_Angeles"))
    url = reverse("applications:staff-webinar-edit", args=[round_.slug, session.pk])
    form = page_form(staff.get(url).content.decode(), containing="starts_at")
    before = database_rows()
    assert staff.post(url, form.post_data()).status_code == 302
    assert_same_rows(before, database_rows())


@pytest.mark.parametrize("who", ["anonymous", "applicant", "mentor"])
def test_only_staff_add_sessions_or_read_registrants(
    client, client_as, round_, session, who
):
    registration(session, email="secret-registrant@example.org")
    if who == "applicant":
        client = client_as(core.MembershipFactory().user)
    elif who == "mentor":
        mentor = core.UserFactory()
        core.MentorshipFactory(round=round_).mentors.add(mentor)
        client = client_as(mentor)
    response = client.post(
        reverse("applications:staff-webinars", args=[round_.slug]),
        {"title_en": "Hijack", "starts_at": "2099-01-01T10:00", "duration_minutes": 60},
    )
    assert response.status_code in (302, 403)
    assert Webinar.objects.count() == 1
    for name in ("staff-webinar-registrations", "staff-webinar-registrations-csv"):
        response = client.get(
            reverse(f"applications:{name}", args=[round_.slug, session.pk])
        )
        assert response.status_code in (302, 403)
        assert b"secret-registrant" not in response.content


def test_a_registration_link_of_another_address_opens_nothing(client, session):
    reg = registration(session)
    from applications.outreach.links import registration_path

    path = registration_path(reg)
    reg.email = "changed@example.org"
    reg.save()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_the_webinar_pages_keep_a_fixed_number_of_queries(
    client, round_, size, django_assert_max_num_queries
):
    for i in range(size):
        w = webinar(round_, days=i - size // 2, title=f"Session {i}", capacity=50)
        registration(w, email=f"r{i}@example.org")
    with django_assert_max_num_queries(3):
        page = client.get(reverse("applications:round-webinars", args=[round_.slug]))
    assert page.content.decode().count('id="webinar-') == size
    with django_assert_max_num_queries(8):
        client.get(round_.get_absolute_url())
    staff = core.StaffFactory()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    client.get(reverse("staff-home"))
    with django_assert_max_num_queries(8):
        client.get(reverse("applications:staff-webinars", args=[round_.slug]))
    w = Webinar.objects.first()
    with django_assert_max_num_queries(8):
        client.get(
            reverse(
                "applications:staff-webinar-registrations", args=[round_.slug, w.pk]
            )
        )


def test_nobody_is_told_whether_an_address_is_registered(
    client, session, django_capture_on_commit_callbacks
):
    reg = registration(session, email="rita@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        page = register(client, session).content.decode()
        register(client, session)
    assert "we sent a link to rita@example.org" in page
    assert JOIN not in page
    assert User.objects.count() == 0
    assert WebinarRegistration.objects.get() == reg
    # The address's owner gets the seat's e-mail again, once a day at most.
    (again,) = mail.outbox
    assert again.to == ["rita@example.org"] and JOIN in again.body


def test_an_unconfirmed_registration_reaches_no_staff_page(client_as, round_, session):
    registration(session, email="unconfirmed@example.org", confirmed=False)
    registration(session, email="confirmed@example.org")
    staff = client_as(core.StaffFactory(is_superuser=True))
    pages = [
        staff.get(
            reverse(f"applications:{name}", args=[round_.slug, session.pk])
        ).content.decode()
        for name in (
            "staff-webinar-registrations",
            "staff-webinar-registrations-csv",
        )
    ]
    pages.append(
        staff.get(
            reverse("admin:applications_webinar_change", args=[session.pk])
        ).content.decode()
    )
    for page in pages:
        assert "confirmed@example.org" in page
        assert "unconfirmed@example.org" not in page


def test_someone_who_registers_after_the_reminders_moment_is_not_reminded(session):
    late = registration(session, email="late@example.org")
    late.confirmed_at = session.starts_at - dt.timedelta(hours=3)
    late.save()
    with time_machine.travel(session.starts_at - dt.timedelta(hours=2)):
        assert reminders_scan()["webinar"] == 0


def test_the_past_rounds_timeline_offers_its_webinars_recording(client, round_):
    past = webinar(
        round_,
        days=-20,
        title="Mentor Pitch Webinar",
        recording_url="https://video.example.org/pitch",
    )
    page = client.get(round_.get_absolute_url()).content.decode()
    timeline = page[page.index('class="list-unstyled timeline') :]
    row = timeline[timeline.index(f"#webinar-{past.pk}") :]
    row = row[: row.index("</li>")]
    assert "Past" in row and "https://video.example.org/pitch" in row
