"""Factories for the mentorship year: a cohort mid-year and its records."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from cohorts.models import (
    ActionLog,
    ActionPeriod,
    Activity,
    Attendance,
    CheckInNote,
    Event,
    Goal,
    Measure,
    ProgressEntry,
    SuccessGoal,
    WorkPlan,
)
from tests import factories


def _today():
    return timezone.localdate()


class YearRoundFactory(factories.RoundFactory):
    """A round whose ten-month contract started 150 days ago."""

    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=240))
    closes_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=200))
    contract_start = factory.LazyFunction(lambda: _today() - dt.timedelta(days=150))
    contract_end = factory.LazyFunction(lambda: _today() + dt.timedelta(days=152))


class YearMentorshipFactory(factories.MentorshipFactory):
    round = factory.SubFactory(YearRoundFactory)


def mentee(mentorship, **kwargs):
    """A mentee organization of ``mentorship`` with one member who has an account."""
    return factories.CohortMemberFactory(
        award__application__round=mentorship.round,
        award__mentorship=mentorship,
        **kwargs,
    )


def cohort(size: int, *, mentor=None, mentorship=None):
    """A cohort mid-year with a mentor and ``size`` mentee organizations.

    Returns ``(mentorship, mentor, members)``, one member per organization.
    """
    mentorship = mentorship or YearMentorshipFactory()
    mentor = mentor or factories.UserFactory()
    mentorship.mentors.add(mentor)
    members = [mentee(mentorship) for _ in range(size)]
    return mentorship, mentor, members


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan
        django_get_or_create = ("award",)

    award = factory.SubFactory(factories.AwardFactory)
    due_on = factory.LazyAttribute(
        lambda o: o.award.contract_start + dt.timedelta(days=30)
    )


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    workplan = factory.SubFactory(WorkPlanFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    order = factory.Sequence(lambda n: n)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    target_date = factory.LazyAttribute(
        lambda o: o.goal.workplan.award.contract_start + dt.timedelta(days=60)
    )


class SuccessGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuccessGoal
        django_get_or_create = ("award",)

    award = factory.SubFactory(factories.AwardFactory)
    statement = "Build a shared data dashboard with our housing partners."


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    success_goal = factory.SubFactory(SuccessGoalFactory)
    name = factory.Sequence(lambda n: f"Partners sharing data {n}")
    unit = "partners"
    baseline = Decimal("0")
    target = Decimal("10")


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    measure = factory.SubFactory(MeasureFactory)
    date = factory.LazyFunction(_today)
    value = Decimal("5")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    mentorship = factory.SubFactory(YearMentorshipFactory)
    kind = Event.Kind.WEBINAR
    title = factory.Sequence(lambda n: f"Cohort webinar {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(factories.CohortMemberFactory)
    status = Attendance.Status.PRESENT


class ActionPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPeriod

    mentorship = factory.SubFactory(YearMentorshipFactory)
    title = factory.Sequence(lambda n: f"Action period {n}")
    starts_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=20))
    ends_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=20))


class ActionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLog

    period = factory.SubFactory(ActionPeriodFactory)
    award = factory.SubFactory(factories.AwardFactory)
    did = "Met our data partners."


class CheckInNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInNote

    award = factory.SubFactory(factories.AwardFactory)
    held_on = factory.LazyFunction(_today)
    notes = "Talked about the data-sharing agreement."
