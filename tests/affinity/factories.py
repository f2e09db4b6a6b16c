"""Factories for the affinity models (cycles, groups, members, meetings) and
the surveys they use."""

import datetime as dt

import factory
from django.utils import timezone

from affinity.models import Cycle, Group, GroupMember, Meeting
from surveys.models import Invitation, Survey, hash_token, new_invitation_token
from tests.factories import UserFactory


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{2021 + n}")
    starts_on = dt.date(2021, 3, 1)
    ends_on = dt.date(2021, 10, 31)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    topic = factory.Sequence(lambda n: f"Affinity topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Peers working through the same questions."
    learning_goals = "Learn from each other."
    cadence = "Monthly"
    capacity = 30

    @factory.post_generation
    def leaders(self, create, extracted, **kwargs):
        if create and extracted:
            self.leaders.add(*extracted)

    @factory.post_generation
    def support_staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.support_staff.add(*extracted)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    status = GroupMember.Status.ADMITTED


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    # A meeting held a week ago: attendance is recorded only for meetings that
    # have taken place.
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    agenda = "Introductions; goals."


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Survey {n}")
    kind = Survey.Kind.AFFINITY_FINAL
    audience = Survey.Audience.AFFINITY_GROUP
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    anonymous = True
    status = Survey.Status.OPEN


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    survey = factory.SubFactory(SurveyFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    token_hash = factory.LazyFunction(lambda: hash_token(new_invitation_token()))
    completed_on = factory.LazyFunction(timezone.localdate)
