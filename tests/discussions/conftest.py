"""A program with two cohorts and two affinity groups, each with its people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from affinity.models import Cycle, Group, GroupMember
from discussions.models import Space
from discussions.permissions import Ref
from tests import factories


@dataclass
class Program:
    mentor: object
    mentee: object
    peer: object  # another mentee of the same cohort
    outsider: object  # a mentee of the other cohort
    other_mentor: object
    staff: object
    leader: object
    member: object  # an admitted member of the group
    requested: object  # asked to join the group, not admitted
    cohort: object
    other_cohort: object
    group: object
    other_group: object

    @property
    def cohort_ref(self) -> Ref:
        return Ref(Space.Kind.COHORT, self.cohort.pk)

    @property
    def other_cohort_ref(self) -> Ref:
        return Ref(Space.Kind.COHORT, self.other_cohort.pk)

    @property
    def group_ref(self) -> Ref:
        return Ref(Space.Kind.GROUP, self.group.pk)

    @property
    def other_group_ref(self) -> Ref:
        return Ref(Space.Kind.GROUP, self.other_group.pk)


def mentee_of(mentorship, email):
    return factories.CohortMemberFactory(
        award__application__round=mentorship.round,
        award__mentorship=mentorship,
        user__email=email,
        user__full_name=email.split("@")[0].title(),
    ).user


@pytest.fixture
def program(db):
    round_ = factories.RoundFactory()
    cohort = factories.MentorshipFactory(round=round_, topic="Health and housing")
    other_cohort = factories.MentorshipFactory(round=round_, topic="Care coordination")
    mentor = factories.UserFactory(email="mentor@example.org", full_name="Mia Mentor")
    other_mentor = factories.UserFactory(email="other-mentor@example.org")
    cohort.mentors.add(mentor)
    other_cohort.mentors.add(other_mentor)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name="Cycle",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=240),
    )
    group = Group.objects.create(cycle=cycle, topic="Data law", slug="data-law")
    other_group = Group.objects.create(cycle=cycle, topic="Dashboards", slug="dash")
    leader = factories.UserFactory(email="leader@example.org", full_name="Lee Leader")
    group.leaders.add(leader)
    member = factories.UserFactory(email="member@example.org", full_name="Max Member")
    requested = factories.UserFactory(email="requested@example.org")
    GroupMember.objects.create(group=group, user=member, status="admitted")
    GroupMember.objects.create(group=group, user=requested, status="requested")
    return Program(
        mentor=mentor,
        mentee=mentee_of(cohort, "mentee@example.org"),
        peer=mentee_of(cohort, "peer@example.org"),
        outsider=mentee_of(other_cohort, "outsider@example.org"),
        other_mentor=other_mentor,
        staff=factories.StaffFactory(email="staff@example.org"),
        leader=leader,
        member=member,
        requested=requested,
        cohort=cohort,
        other_cohort=other_cohort,
        group=group,
        other_group=other_group,
    )


def fresh(user):
    """The user as a new request sees it (its memberships read again)."""
    return type(user).objects.get(pk=user.pk)
