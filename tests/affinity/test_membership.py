"""Joining, admitting, waitlisting and leaving, through the pages people use."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from affinity import services
from affinity.models import GroupMember
from dashmentor.models import AuditEvent
from notifications.models import Kind, Message
from tests.factories import MembershipFactory, UserFactory

from .factories import GroupFactory, GroupMemberFactory

pytestmark = pytest.mark.django_db


def test_anyone_signed_in_can_ask_to_join_and_leaders_hear_of_it(
    client_as, group, outsider, leader, django_capture_on_commit_callbacks
):
    """A person outside the mentorship program asks; the leaders get an e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(outsider).post(reverse("affinity:join", args=[group.pk]))
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group, user=outsider)
    assert member.status == GroupMember.Status.REQUESTED
    notices = Message.objects.filter(kind=Kind.GROUP_MEMBERSHIP)
    assert {m.to_email for m in notices} == {leader.email, "support@example.org"}
    page = client_as(outsider).get(reverse("affinity:group-detail", args=[group.pk]))
    assert escape(str(services.JOIN_REQUESTED)) in page.content.decode()


def test_a_full_group_waitlists_the_request_with_a_message(client_as, outsider):
    group = GroupFactory(capacity=1)
    GroupMemberFactory(group=group)
    response = client_as(outsider).post(
        reverse("affinity:join", args=[group.pk]), follow=True
    )
    assert escape(str(services.JOIN_WAITLISTED)) in response.content.decode()
    assert GroupMember.objects.get(user=outsider).status == "waitlisted"


def test_asking_twice_makes_one_request(client_as, group, outsider):
    client = client_as(outsider)
    client.post(reverse("affinity:join", args=[group.pk]))
    response = client.post(reverse("affinity:join", args=[group.pk]), follow=True)
    assert GroupMember.objects.filter(group=group, user=outsider).count() == 1
    assert escape(str(services.ALREADY_REQUESTED)) in response.content.decode()


def test_a_person_may_be_in_several_groups(client_as, outsider):
    first, second = GroupFactory(), GroupFactory()
    client = client_as(outsider)
    client.post(reverse("affinity:join", args=[first.pk]))
    client.post(reverse("affinity:join", args=[second.pk]))
    assert GroupMember.objects.filter(user=outsider).count() == 2


def test_leader_admits_and_the_person_is_told(
    client_as, group, leader, outsider, django_capture_on_commit_callbacks
):
    member = GroupMemberFactory(group=group, user=outsider, status="requested")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(leader).post(
            reverse("affinity:roster-decide", args=[group.pk, member.pk]),
            {"status": "admitted"},
        )
    member.refresh_from_db()
    assert member.status == GroupMember.Status.ADMITTED
    assert member.decided_by == leader
    welcome = Message.objects.get(to_email=outsider.email)
    assert welcome.subject == f"Welcome to {group.topic}"
    assert AuditEvent.objects.filter(action="affinity.membership_decide").exists()


def test_admitting_into_a_full_group_is_refused(client_as, leader, outsider):
    group = GroupFactory(capacity=1, leaders=[leader])
    GroupMemberFactory(group=group)
    waiting = GroupMemberFactory(group=group, user=outsider, status="waitlisted")
    response = client_as(leader).post(
        reverse("affinity:roster-decide", args=[group.pk, waiting.pk]),
        {"status": "admitted"},
        follow=True,
    )
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    assert escape(services.GROUP_FULL.format(capacity=1)) in response.content.decode()


def test_support_staff_can_waitlist_and_decline(client_as, group, support):
    one = GroupMemberFactory(group=group, status="requested")
    two = GroupMemberFactory(group=group, status="requested")
    client = client_as(support)
    url = "affinity:roster-decide"
    client.post(reverse(url, args=[group.pk, one.pk]), {"status": "waitlisted"})
    client.post(reverse(url, args=[group.pk, two.pk]), {"status": "declined"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == ("waitlisted", "declined")


def test_a_member_cannot_decide_requests(client_as, group, member, outsider):
    request = GroupMemberFactory(group=group, user=outsider, status="requested")
    response = client_as(member.user).post(
        reverse("affinity:roster-decide", args=[group.pk, request.pk]),
        {"status": "admitted"},
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "requested"


def test_a_leader_of_another_group_cannot_see_this_roster(client_as, group):
    someone = UserFactory()
    GroupFactory(leaders=[someone])
    response = client_as(someone).get(reverse("affinity:roster", args=[group.pk]))
    assert response.status_code == 403


def test_a_member_from_another_group_cannot_be_decided_here(client_as, group, leader):
    elsewhere = GroupMemberFactory(status="requested")
    response = client_as(leader).post(
        reverse("affinity:roster-decide", args=[group.pk, elsewhere.pk]),
        {"status": "admitted"},
    )
    assert response.status_code == 404


def test_a_member_can_leave_and_ask_again(client_as, group, member):
    client = client_as(member.user)
    client.post(reverse("affinity:leave", args=[group.pk]))
    member.refresh_from_db()
    assert member.status == "left"
    assert member.left_at is not None
    client.post(reverse("affinity:join", args=[group.pk]))
    member.refresh_from_db()
    assert member.status == "requested"


def test_anonymous_visitors_are_sent_to_sign_in(client, group):
    for url in [
        reverse("affinity:group-list"),
        reverse("affinity:group-detail", args=[group.pk]),
        reverse("affinity:roster", args=[group.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_the_roster_lists_people_with_their_organization(client_as, group, leader):
    membership = MembershipFactory(organization__name="Housing Authority of Elm")
    GroupMemberFactory(group=group, user=membership.user, status="requested")
    page = client_as(leader).get(reverse("affinity:roster", args=[group.pk]))
    assert page.status_code == 200
    assert "Housing Authority of Elm" in page.content.decode()


def test_an_admitted_member_cannot_be_sent_back_to_the_waitlist(group, leader, member):
    """Decisions follow the transition table; a bad move says which."""
    with pytest.raises(ValidationError) as exc:
        services.membership_decide(member=member, status="waitlisted", by=leader)
    assert exc.value.messages == [
        services.MEMBERSHIP_BAD_MOVE.format(before="Member", after="Waitlisted")
    ]


def test_someone_who_left_cannot_leave_again(group, member):
    services.membership_leave(member=member, by=member.user)
    with pytest.raises(ValidationError) as exc:
        services.membership_leave(member=member, by=member.user)
    assert exc.value.messages == [services.NOT_LEAVABLE]


def test_asking_again_after_a_decline_goes_to_the_waitlist_when_full(outsider):
    group = GroupFactory(capacity=1)
    declined = GroupMemberFactory(group=group, user=outsider, status="declined")
    GroupMemberFactory(group=group)
    member, text = services.membership_request(group=group, user=outsider)
    assert member.pk == declined.pk
    assert (member.status, text) == ("waitlisted", services.JOIN_WAITLISTED)
