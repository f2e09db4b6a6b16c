"""Attendance is recorded only for events that have happened, and a check-in
note and the call's attendance never disagree about who took part."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Attendance, CheckInNote, Event
from cohorts.year import forms, services
from dashmentor.models import AuditEvent
from tests.cohorts import year_factories as yf
from tests.support.forms import assert_same_rows, database_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    """A mentee organization of two people and its check-in call of yesterday,
    at which the second was recorded absent."""
    mentorship, mentor, (ana,) = yf.cohort(1)
    bo = yf.mentee(mentorship, award=ana.award, role="secondary", name="Bo Chen")
    event = yf.EventFactory(
        mentorship=mentorship,
        kind=Event.Kind.CHECK_IN,
        award=ana.award,
        title="Check-in",
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    yf.AttendanceFactory(event=event, member=ana, status="present")
    yf.AttendanceFactory(event=event, member=bo, status="absent")
    return mentor, ana, bo, event


def note_data(event, members, **extra):
    return {
        "held_on": timezone.localdate().isoformat(),
        "event": event.pk if event else "",
        "members": [m.pk for m in members],
        "attendees": "",
        "notes": "Went through the data-sharing agreement.",
        "follow_ups": "",
        "shared_with_mentee": "on",
        **extra,
    }


def note_url(award):
    return reverse("cohorts:checkin-note-create", args=[award.pk])


def test_attendance_for_an_event_not_yet_held_is_refused(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    event = yf.EventFactory(
        mentorship=mentorship, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    url = reverse("cohorts:event-attendance", args=[event.pk])
    client = client_as(mentor)
    with timezone.override(mentor.zone):  # the page speaks in the mentor's zone
        message = services.attendance_not_held(event)
    assert message.startswith("This event has not taken place yet")
    page = client.get(url).content.decode()
    assert message in page
    assert f'name="member_{member.pk}"' not in page
    before = database_rows()
    response = client.post(url, {f"member_{member.pk}": "present"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_same_rows(before, database_rows())
    with pytest.raises(services.ValidationError) as exc:
        services.attendance_record(
            event=event, statuses={member.pk: "present"}, by=mentor
        )
    assert exc.value.messages == [message]


def test_attendance_can_be_recorded_once_the_event_has_started(client_as):
    mentorship, mentor, (member,) = yf.cohort(1)
    event = yf.EventFactory(
        mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client_as(mentor).post(
        reverse("cohorts:event-attendance", args=[event.pk]),
        {f"member_{member.pk}": "present"},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(event=event, member=member).status == "present"


def test_ticking_someone_recorded_absent_in_the_note_records_them_present(
    client_as, call
):
    """The mentor was on the call: the note's list corrects the attendance."""
    mentor, ana, bo, event = call
    response = client_as(mentor).post(note_url(ana.award), note_data(event, [ana, bo]))
    assert response.status_code == 302
    note = CheckInNote.objects.get()
    assert set(note.members.all()) == {ana, bo}
    marks = dict(Attendance.objects.values_list("member_id", "status"))
    assert marks == {ana.pk: "present", bo.pk: "present"}
    assert Attendance.objects.get(member=bo).recorded_by == mentor
    assert AuditEvent.objects.filter(action="event.attendance").count() == 1
    page = client_as(ana.user).get(
        reverse("cohorts:checkin-notes", args=[ana.award.pk])
    )
    assert "Took part:" in page.content.decode()
    assert "Bo Chen" in page.content.decode()


def test_marking_someone_absent_takes_them_off_the_note(client_as, call):
    mentor, ana, bo, event = call
    client = client_as(mentor)
    client.post(note_url(ana.award), note_data(event, [ana, bo]))
    response = client.post(
        reverse("cohorts:event-attendance", args=[event.pk]),
        {f"member_{ana.pk}": "present", f"member_{bo.pk}": "excused"},
    )
    assert response.status_code == 302
    note = CheckInNote.objects.get()
    assert list(note.members.all()) == [ana]


def test_a_team_member_named_among_the_others_is_refused(client_as, call):
    mentor, ana, bo, event = call
    client = client_as(mentor)
    before = database_rows()
    response = client.post(
        note_url(ana.award), note_data(event, [ana], attendees="Dee Ross, bo chen")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        forms.ERR_TICK_MEMBER.format(name="Bo Chen")
    ]
    assert_same_rows(before, database_rows())


def test_a_note_for_a_call_not_yet_held_is_refused(call):
    mentor, ana, _, event = call
    later = yf.EventFactory(
        mentorship=event.mentorship,
        kind=Event.Kind.CHECK_IN,
        award=ana.award,
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    form = forms.CheckInNoteForm(award=ana.award)
    assert later not in form.fields["event"].queryset
    with pytest.raises(services.ValidationError) as exc:
        services.checkin_note_create(
            award=ana.award,
            held_on=timezone.localdate(),
            notes="x",
            members=[ana],
            event=later,
            by=mentor,
        )
    assert exc.value.message_dict == {"event": [services.attendance_not_held(later)]}
    assert not CheckInNote.objects.exists()


def test_another_organizations_member_cannot_be_ticked(call):
    mentor, ana, _, _ = call
    stranger = yf.mentee(yf.YearMentorshipFactory())
    with pytest.raises(services.ValidationError) as exc:
        services.checkin_note_create(
            award=ana.award,
            held_on=timezone.localdate(),
            notes="x",
            members=[stranger],
            by=mentor,
        )
    assert exc.value.message_dict == {"members": [services.ERR_MEMBER_OTHER_ORG]}


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_named_members_into_the_note_and_the_attendance(call):
    """Notes written as free text before: the members they name become the
    note's list and are recorded present where nothing was recorded; a mark
    recorded at the call is never changed (the name stays in the text, for the
    mentor to settle), and other names stay."""
    mentor, ana, bo, event = call
    cy = yf.mentee(
        ana.award.mentorship, award=ana.award, role="colleague", name="Cy Diaz"
    )
    Attendance.objects.filter(event=event, member=ana).delete()
    note = yf.CheckInNoteFactory(
        award=ana.award,
        event=event,
        author=mentor,
        attendees=f"{ana.name} and bo chen; Dee Ross (housing partner), {cy.email}",
    )
    call_command("migrate", "cohorts", "0004", verbosity=0)
    call_command("migrate", verbosity=0)  # every app: later apps depend on cohorts
    note.refresh_from_db()
    assert set(note.members.all()) == {ana, cy}
    assert note.attendees == "bo chen, Dee Ross (housing partner)"
    ana_mark = Attendance.objects.get(event=event, member=ana)
    assert (ana_mark.status, ana_mark.recorded_by) == ("present", mentor)
    assert Attendance.objects.get(event=event, member=bo).status == "absent"
    assert Attendance.objects.get(event=event, member=cy).status == "present"


@pytest.mark.parametrize("value", ["99999999999999999999999", "x", "-1"])
def test_a_posted_member_that_is_no_team_member_is_refused(client_as, call, value):
    mentor, ana, _, event = call
    client = client_as(mentor)
    before = database_rows()
    response = client.post(
        note_url(ana.award), {**note_data(event, [ana]), "members": [value]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert_same_rows(before, database_rows())
