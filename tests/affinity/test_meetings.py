"""Meetings, notes and attendance: leaders and staff write, members read."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from affinity import services
from affinity.models import Meeting, MeetingAttendance

from .factories import GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_leader_schedules_a_meeting_in_their_time_zone(client_as, group, leader):
    leader.time_zone = "America/Chicago"
    leader.save()
    response = client_as(leader).post(
        reverse("affinity:meeting-create", args=[group.pk]),
        {
            "title": "Kickoff",
            "starts_at": "2030-04-06T13:00",
            "agenda": "Introductions",
            "link": "https://meet.example.org/kickoff",
        },
    )
    meeting = Meeting.objects.get(group=group)
    assert response.status_code == 302
    chicago = timezone.localtime(meeting.starts_at, leader.zone)
    assert (chicago.hour, chicago.minute) == (13, 0)


def test_a_double_submit_schedules_one_meeting(client_as, group, leader):
    data = {"title": "Kickoff", "starts_at": "2030-04-06T13:00", "agenda": ""}
    client = client_as(leader)
    url = reverse("affinity:meeting-create", args=[group.pk])
    client.post(url, data)
    client.post(url, data)
    assert Meeting.objects.filter(group=group).count() == 1


def test_a_meeting_without_a_time_is_refused_next_to_the_field(
    client_as, group, leader
):
    response = client_as(leader).post(
        reverse("affinity:meeting-create", args=[group.pk]), {"title": "Kickoff"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert not Meeting.objects.exists()


def test_notes_with_a_script_are_stored_and_shown_inert(
    client_as, group, leader, member
):
    """The script is gone from the stored notes and from the members' page."""
    meeting = MeetingFactory(group=group)
    client_as(leader).post(
        reverse("affinity:meeting-notes", args=[group.pk, meeting.pk]),
        {
            "notes": "<p>We agreed on <em>three</em> goals.</p>"
            "<script>alert('pwned')</script>"
            '<p onmouseover="alert(1)">Next time: data law.</p>'
        },
    )
    meeting.refresh_from_db()
    assert "<script" not in meeting.notes_html
    assert "alert" not in meeting.notes_html
    assert "<em>three</em>" in meeting.notes_html
    assert meeting.notes_updated_by == leader
    page = (
        client_as(member.user)
        .get(reverse("affinity:meeting-detail", args=[group.pk, meeting.pk]))
        .content.decode()
    )
    assert "We agreed on <em>three</em> goals." in page
    assert "alert(" not in page
    assert "<p>Next time: data law.</p>" in page


def test_members_read_notes_and_link_others_do_not(client_as, group, member, outsider):
    meeting = MeetingFactory(
        group=group, notes_html="<p>Secret sauce</p>", link="https://meet.example.org/x"
    )
    url = reverse("affinity:meeting-detail", args=[group.pk, meeting.pk])
    inside = client_as(member.user).get(url).content.decode()
    assert "Secret sauce" in inside and "meet.example.org/x" in inside
    outside = client_as(outsider).get(url).content.decode()
    assert "Secret sauce" not in outside and "meet.example.org/x" not in outside
    assert "The notes are for the group" in outside


def test_a_member_cannot_edit_notes_or_attendance(client_as, group, member):
    """Members read; only leaders, support staff and program staff write."""
    meeting = MeetingFactory(group=group, notes_html="<p>Original</p>")
    client = client_as(member.user)
    notes_url = reverse("affinity:meeting-notes", args=[group.pk, meeting.pk])
    attendance_url = reverse("affinity:attendance", args=[group.pk, meeting.pk])
    edit_url = reverse("affinity:meeting-edit", args=[group.pk, meeting.pk])
    assert client.get(notes_url).status_code == 403
    assert client.post(notes_url, {"notes": "Rewritten"}).status_code == 403
    assert client.get(attendance_url).status_code == 403
    assert client.post(attendance_url, {"present": [member.pk]}).status_code == 403
    assert client.post(edit_url, {"title": "Hijacked"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.notes_html == "<p>Original</p>"
    assert meeting.title != "Hijacked"
    assert not MeetingAttendance.objects.exists()


def test_a_meeting_of_another_group_is_not_found(client_as, group, leader):
    elsewhere = MeetingFactory()
    for name in ["meeting-detail", "meeting-notes", "attendance", "meeting-edit"]:
        url = reverse(f"affinity:{name}", args=[group.pk, elsewhere.pk])
        assert client_as(leader).get(url).status_code == 404


def test_attendance_is_recorded_for_everyone_on_one_screen(client_as, group, support):
    meeting = MeetingFactory(group=group)
    here = GroupMemberFactory(group=group)
    away = GroupMemberFactory(group=group)
    GroupMemberFactory(group=group, status="requested")  # not on the roster
    client = client_as(support)
    url = reverse("affinity:attendance", args=[group.pk, meeting.pk])
    page = client.get(url)
    assert len(page.context["rows"]) == 2
    response = client.post(url, {"present": [here.pk]})
    assert response.status_code == 302
    rows = {a.member_id: a.present for a in MeetingAttendance.objects.all()}
    assert rows == {here.pk: True, away.pk: False}
    # Correcting the screen updates the same rows.
    client.post(url, {"present": [here.pk, away.pk]})
    assert MeetingAttendance.objects.filter(present=True).count() == 2
    assert MeetingAttendance.objects.count() == 2


def test_attendance_for_a_non_member_is_refused_and_nothing_saved(
    client_as, group, leader
):
    meeting = MeetingFactory(group=group)
    member = GroupMemberFactory(group=group)
    requested = GroupMemberFactory(group=group, status="requested")
    other_group = GroupMemberFactory()
    url = reverse("affinity:attendance", args=[group.pk, meeting.pk])
    for stranger in (requested, other_group):
        response = client_as(leader).post(url, {"present": [member.pk, stranger.pk]})
        assert response.status_code == 200
        error = response.context["form"].errors["present"][0]
        assert "is not a member of this group" in error
        assert escape("is not a member of this group") in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_the_service_refuses_a_non_member_by_name(group, leader):
    meeting = MeetingFactory(group=group)
    stranger = GroupMemberFactory(status="admitted", user__full_name="Nat Stranger")
    with pytest.raises(Exception) as exc:
        services.attendance_record(meeting=meeting, present=[stranger.pk], by=leader)
    assert exc.value.messages == [
        services.ATTENDANCE_NOT_MEMBER.format(name="Nat Stranger")
    ]


def test_a_member_who_left_keeps_their_record(group, leader):
    meeting = MeetingFactory(
        group=group, starts_at=timezone.now() - dt.timedelta(days=30)
    )
    member = GroupMemberFactory(group=group)
    services.attendance_record(meeting=meeting, present=[member.pk], by=leader)
    services.membership_leave(member=member, by=member.user)
    assert [m.pk for m in services.attendance_roster(meeting)] == [member.pk]


def test_group_page_lists_meetings_with_attendance_for_leaders(
    client_as, group, leader, member
):
    meeting = MeetingFactory(group=group, title="Data law 101")
    services.attendance_record(meeting=meeting, present=[member.pk], by=leader)
    page = client_as(leader).get(reverse("affinity:group-detail", args=[group.pk]))
    html = page.content.decode()
    assert "Data law 101" in html and "1 of 1 present" in html
