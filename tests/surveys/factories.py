"""Factories for surveys: a survey with one question of every kind."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from surveys.models import Choice, Question, Section, Survey
from tests.factories import CohortMemberFactory, MentorshipFactory, RoundFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Midpoint survey {n}")
    kind = Survey.Kind.MIDPOINT
    audience = Survey.Audience.ROUND
    round = factory.SubFactory(RoundFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    anonymous = True
    min_group_size = 5


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


def add_questions(survey: Survey) -> dict[str, Question]:
    """One section with a question of every kind; return them by kind."""
    section = SectionFactory(survey=survey, title="Your mentorship so far")
    q = {}
    q["likert"] = Question.objects.create(
        section=section,
        order=1,
        kind="likert",
        key="useful",
        prompt="The mentorship has been useful to our collaboration.",
    )
    q["single"] = Question.objects.create(
        section=section,
        order=2,
        kind="single",
        key="calls",
        prompt="How often do you talk with your mentor?",
    )
    for i, (label, value) in enumerate(
        [("Weekly", "weekly"), ("Monthly", "monthly"), ("Rarely", "rarely")], 1
    ):
        Choice.objects.create(question=q["single"], order=i, label=label, value=value)
    q["multiple"] = Question.objects.create(
        section=section,
        order=3,
        kind="multiple",
        key="helped",
        required=False,
        prompt="What helped most?",
    )
    for i, (label, value) in enumerate(
        [("Webinars", "webinars"), ("Check-ins", "check-ins"), ("Peers", "peers")], 1
    ):
        Choice.objects.create(question=q["multiple"], order=i, label=label, value=value)
    q["number"] = Question.objects.create(
        section=section,
        order=4,
        kind="number",
        key="hours",
        required=False,
        prompt="Hours a month spent on the work plan",
        min_value=Decimal("0"),
        max_value=Decimal("200"),
    )
    q["short_text"] = Question.objects.create(
        section=section,
        order=5,
        kind="short_text",
        key="word",
        required=False,
        prompt="One word for the mentorship",
    )
    q["long_text"] = Question.objects.create(
        section=section,
        order=6,
        kind="long_text",
        key="change",
        required=False,
        prompt="What would you change?",
    )
    return q


def valid_answers(q: dict, *, likert="4", single="monthly", text="") -> dict:
    return {
        f"q{q['likert'].pk}": [likert],
        f"q{q['single'].pk}": [single],
        f"q{q['multiple'].pk}": ["webinars", "peers"],
        f"q{q['number'].pk}": ["12"],
        f"q{q['short_text'].pk}": ["Helpful"],
        f"q{q['long_text'].pk}": [text or "More time with peers."],
    }


def cohort_with_mentees(round_, n: int, *, slug=None):
    """A mentorship of the round with ``n`` active mentees, each with a user."""
    kwargs = {"round": round_}
    if slug:
        kwargs["slug"] = slug
    mentorship = MentorshipFactory(**kwargs)
    members = [
        CohortMemberFactory(
            award__application__round=round_,
            award__mentorship=mentorship,
        )
        for _ in range(n)
    ]
    return mentorship, [m.user for m in members]
