"""Saving a leader's page of an affinity group keeps what was not touched.

Each page is loaded as the group's leader, its own form read as a browser sends
it and posted back unchanged: every row of the database is as it was (the
group, the meeting and its notes with their author and time, each attendance
mark with who recorded it and when, the check-in and its attendees). And
attendance is recorded only for a meeting that has taken place.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affinity import services
from affinity.models import LeaderCheckIn, MeetingAttendance
from tests.support.forms import assert_same_rows, database_rows, page_form

from .factories import GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(group, leader, support):
    """A meeting held last week (stored with seconds, as a seed stores it),
    with notes and attendance recorded, and a midpoint check-in."""
    members = [GroupMemberFactory(group=group) for _ in range(3)]
    meeting = MeetingFactory(
        group=group,
        starts_at=(timezone.now() - dt.timedelta(days=7)).replace(second=31),
        link="https://meet.example.org/data",
    )
    services.meeting_notes_save(
        meeting=meeting,
        notes="<p>We compared <strong>data agreements</strong>.</p>",
        by=leader,
    )
    services.attendance_record(
        meeting=meeting, present=[members[0].pk, members[2].pk], by=support
    )
    checkin = LeaderCheckIn.objects.create(
        group=group,
        kind="midpoint",
        held_on=timezone.localdate() - dt.timedelta(days=3),
        notes="Turnout dips in summer.",
    )
    checkin.attendees.set([leader, support])
    return meeting


PAGES = {
    "group page": lambda g, m: reverse("affinity:group-edit", args=[g.pk]),
    "meeting": lambda g, m: reverse("affinity:meeting-edit", args=[g.pk, m.pk]),
    "notes": lambda g, m: reverse("affinity:meeting-notes", args=[g.pk, m.pk]),
    "attendance": lambda g, m: reverse("affinity:attendance", args=[g.pk, m.pk]),
    "check-in": lambda g, m: reverse("affinity:checkin", args=[g.pk, "midpoint"]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_saved_back_unchanged_changes_nothing(
    client_as, group, leader, held, page
):
    client = client_as(leader)
    url = PAGES[page](group, held)
    response = client.get(url)
    assert response.status_code == 200
    form = page_form(response.content.decode(), containing="csrfmiddlewaretoken")
    before = database_rows()
    response = client.post(url, form.post_data())
    assert response.status_code == 302, (
        response.context and response.context["form"].errors
    )
    assert_same_rows(before, database_rows())


def test_changing_one_mark_leaves_the_others_as_recorded(
    client_as, group, leader, held
):
    marks = list(MeetingAttendance.objects.order_by("pk").values())
    present = [m["member_id"] for m in marks if m["present"]]
    client_as(leader).post(
        reverse("affinity:attendance", args=[group.pk, held.pk]),
        {"present": present[:1]},
    )
    after = list(MeetingAttendance.objects.order_by("pk").values())
    changed = [a for a, b in zip(after, marks, strict=True) if a != b]
    assert [(c["member_id"], c["present"], c["recorded_by_id"]) for c in changed] == [
        (present[1], False, leader.pk)
    ]


def test_attendance_for_a_meeting_not_yet_held_is_refused(client_as, group, leader):
    member = GroupMemberFactory(group=group)
    meeting = MeetingFactory(
        group=group, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    url = reverse("affinity:attendance", args=[group.pk, meeting.pk])
    client = client_as(leader)
    page = client.get(url).content.decode()
    with timezone.override(leader.zone):  # the page speaks in the leader's zone
        message = services.attendance_not_held(meeting)
    assert message in page
    assert message.startswith("This meeting has not taken place yet")
    assert 'name="present"' not in page
    response = client.post(url, {"present": [member.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["present"] == [message]
    assert not MeetingAttendance.objects.exists()
    with pytest.raises(services.ValidationError) as exc:
        services.attendance_record(meeting=meeting, present=[], by=leader)
    assert exc.value.messages == [message]


@pytest.mark.parametrize("value", ["99999999999999999999999", "x"])
def test_a_check_in_naming_someone_not_among_the_leaders_is_refused(
    client_as, group, leader, value
):
    client = client_as(leader)
    url = reverse("affinity:checkin", args=[group.pk, "midpoint"])
    before = database_rows()
    response = client.post(
        url, {"held_on": "2026-01-01", "notes": "x", "attendees": [value]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert_same_rows(before, database_rows())
