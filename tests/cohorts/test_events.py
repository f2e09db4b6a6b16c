"""Events, webinar series, action periods and attendance."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import ActionPeriod, Attendance, Event
from cohorts.year import rules, services
from tests import factories
from tests.cohorts import year_factories as yf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    mentorship, mentor, members = yf.cohort(2)
    return mentorship, mentor, members


def local_input(when: dt.datetime, zone: str) -> str:
    return when.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_mentor_schedules_a_webinar_in_its_own_time_zone(client_as, setup):
    """The time typed is read in the mentor's zone and stored as that instant."""
    mentorship, mentor, _ = setup
    mentor.time_zone = "America/Los_Angeles"
    mentor.save()
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client_as(mentor).post(
        reverse("cohorts:event-create", args=[mentorship.pk]),
        {
            "kind": "webinar",
            "title": "Data governance webinar",
            "starts_at": f"{day.isoformat()}T09:00",
            "minutes": "90",
            "link": "https://meet.example.org/gov",
            "agenda": "Governance models",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Data governance webinar")
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    assert event.starts_at == dt.datetime.combine(day, dt.time(9), tzinfo=pacific)
    assert event.ends_at - event.starts_at == dt.timedelta(minutes=90)
    # An Eastern mentee sees it at noon, with its zone named.
    mentee = mentorship.awards.first().members.first().user
    page = client_as(mentee).get(reverse("cohorts:event-detail", args=[event.pk]))
    html = page.content.decode()
    assert "12:00 PM" in html
    assert "America/New_York" in html


def test_an_event_outside_the_contract_is_refused(client_as, setup):
    mentorship, mentor, _ = setup
    late = mentorship.round.contract_end + dt.timedelta(days=3)
    response = client_as(mentor).post(
        reverse("cohorts:event-create", args=[mentorship.pk]),
        {
            "kind": "webinar",
            "title": "Too late",
            "starts_at": f"{late.isoformat()}T12:00",
            "minutes": "60",
        },
    )
    assert response.status_code == 200
    assert (
        "inside the contract period" in response.context["form"].errors["starts_at"][0]
    )
    assert not Event.objects.exists()


def test_a_check_in_needs_an_organization_of_the_cohort(client_as, setup):
    mentorship, mentor, _ = setup
    other = yf.mentee(yf.YearMentorshipFactory())
    day = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(services.ValidationError) as exc:
        services.event_create(
            mentorship=mentorship,
            kind=Event.Kind.CHECK_IN,
            title="Call",
            starts_at=timezone.now() + dt.timedelta(days=2),
            award=other.award,
            by=mentor,
        )
    assert exc.value.message_dict == {"award": [services.ERR_ORG_NOT_IN_COHORT]}
    response = client_as(mentor).post(
        reverse("cohorts:event-create", args=[mentorship.pk]),
        {
            "kind": "check_in",
            "title": "Call",
            "starts_at": f"{day.isoformat()}T12:00",
            "minutes": "30",
        },
    )
    assert response.context["form"].errors["award"] == [services.ERR_CHECK_IN_NEEDS_ORG]


def test_webinar_series_preview_then_create_inside_the_contract(client_as, setup):
    """Preview lists the dates; create makes the webinars and the action periods."""
    mentorship, mentor, _ = setup
    round_ = mentorship.round
    url = reverse("cohorts:event-series", args=[mentorship.pk])
    data = {
        "title": "Cohort webinar",
        "first": round_.contract_start.isoformat(),
        "cadence": "2m",
        "at": "14:00",
        "minutes": "60",
    }
    client = client_as(mentor)
    preview = client.post(url, {**data, "preview": "1"})
    dates = preview.context["preview"]
    assert len(dates) >= 4
    assert not Event.objects.exists()
    client.post(url, {**data, "create": "1"})
    events = list(Event.objects.filter(mentorship=mentorship).order_by("starts_at"))
    assert [e.starts_at for e in events] == dates
    days = [timezone.localtime(e.starts_at, round_.zone).date() for e in events]
    assert all(round_.contract_start <= d <= round_.contract_end for d in days)
    assert len(set(days)) == len(days)
    assert all(timezone.localtime(e.starts_at, round_.zone).hour == 14 for e in events)
    periods = list(ActionPeriod.objects.filter(mentorship=mentorship))
    assert len(periods) == len(events)
    assert periods[0].starts_on == days[0]
    assert periods[0].ends_on == days[1] - dt.timedelta(days=1)
    assert periods[-1].ends_on == round_.contract_end


def test_a_second_series_never_lands_on_a_day_with_an_event(setup):
    mentorship, mentor, _ = setup
    round_ = mentorship.round
    first = services.event_series_create(
        mentorship=mentorship,
        title="A",
        first=round_.contract_start,
        cadence="2m",
        at=dt.time(10),
        by=mentor,
    )
    second = services.event_series_create(
        mentorship=mentorship,
        title="B",
        first=round_.contract_start,
        cadence="2m",
        at=dt.time(15),
        by=mentor,
    )
    days_a = {timezone.localtime(e.starts_at, round_.zone).date() for e in first}
    days_b = {timezone.localtime(e.starts_at, round_.zone).date() for e in second}
    assert not days_a & days_b


def test_series_starting_after_the_contract_is_refused(client_as, setup):
    mentorship, mentor, _ = setup
    response = client_as(mentor).post(
        reverse("cohorts:event-series", args=[mentorship.pk]),
        {
            "title": "Late",
            "first": (mentorship.round.contract_end + dt.timedelta(days=1)).isoformat(),
            "cadence": "3m",
            "at": "14:00",
            "minutes": "60",
            "create": "1",
        },
    )
    assert response.context["form"].errors["first"] == [rules.ERR_SERIES_EMPTY]
    assert not Event.objects.exists()


def attendance_url(event):
    return reverse("cohorts:event-attendance", args=[event.pk])


def test_mentor_records_attendance_on_one_screen(client_as, setup):
    """One post records everyone; posting again updates rather than duplicates."""
    mentorship, mentor, (a, b) = setup
    event = yf.EventFactory(mentorship=mentorship)
    client = client_as(mentor)
    page = client.get(attendance_url(event))
    assert a.name in page.content.decode() and b.name in page.content.decode()
    client.post(
        attendance_url(event), {f"member_{a.pk}": "present", f"member_{b.pk}": "absent"}
    )
    client.post(
        attendance_url(event),
        {f"member_{a.pk}": "present", f"member_{b.pk}": "excused"},
    )
    rows = dict(Attendance.objects.values_list("member_id", "status"))
    assert rows == {a.pk: "present", b.pk: "excused"}


def test_attendance_for_someone_not_in_the_cohort_is_refused(client_as, setup):
    """The whole form is refused with a message; nothing is saved."""
    mentorship, mentor, (a, _) = setup
    outsider = yf.mentee(yf.YearMentorshipFactory(), name="Olive Outsider")
    event = yf.EventFactory(mentorship=mentorship)
    response = client_as(mentor).post(
        attendance_url(event),
        {f"member_{a.pk}": "present", f"member_{outsider.pk}": "present"},
    )
    assert response.status_code == 400
    message = services.ERR_NOT_IN_COHORT.format(name="Olive Outsider")
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_check_in_expects_only_its_organization(setup):
    mentorship, mentor, (a, b) = setup
    event = yf.EventFactory(
        mentorship=mentorship, kind=Event.Kind.CHECK_IN, award=a.award
    )
    assert list(services.attendance_members(event)) == [a]
    with pytest.raises(services.ValidationError):
        services.attendance_record(event=event, statuses={b.pk: "present"}, by=mentor)


def test_a_mentee_cannot_record_attendance_and_another_mentor_gets_404(
    client_as, setup
):
    mentorship, _, (a, _) = setup
    event = yf.EventFactory(mentorship=mentorship)
    assert client_as(a.user).get(attendance_url(event)).status_code == 403
    _, stranger, _ = yf.cohort(1)
    assert client_as(stranger).get(attendance_url(event)).status_code == 404
    assert (
        client_as(stranger)
        .get(reverse("cohorts:event-detail", args=[event.pk]))
        .status_code
        == 404
    )
    assert (
        client_as(stranger)
        .get(reverse("cohorts:event-series", args=[mentorship.pk]))
        .status_code
        == 404
    )


def test_a_mentee_sees_its_check_ins_but_not_another_organizations(client_as, setup):
    mentorship, _, (a, b) = setup
    mine = yf.EventFactory(mentorship=mentorship, kind="check_in", award=a.award)
    theirs = yf.EventFactory(mentorship=mentorship, kind="check_in", award=b.award)
    client = client_as(a.user)
    assert (
        client.get(reverse("cohorts:event-detail", args=[mine.pk])).status_code == 200
    )
    response = client.get(reverse("cohorts:event-detail", args=[theirs.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("cohorts:event-list", args=[mentorship.pk]))
    assert mine.title in listing.content.decode()
    assert theirs.title not in listing.content.decode()


def test_event_list_of_another_cohort_is_404_for_a_mentee(client_as, setup):
    _, _, (a, _) = setup
    other = yf.YearMentorshipFactory()
    response = client_as(a.user).get(reverse("cohorts:event-list", args=[other.pk]))
    assert response.status_code == 404


def test_staff_may_manage_any_cohorts_events(client_as, setup):
    mentorship, _, _ = setup
    staff = factories.StaffFactory()
    response = client_as(staff).get(
        reverse("cohorts:event-create", args=[mentorship.pk])
    )
    assert response.status_code == 200
