"""Factories for placement tests: decisions and accepted applicants with choices."""

from decimal import Decimal

import factory

from applications.models import Contact, Decision
from tests import factories


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(factories.ApplicationFactory)
    outcome = Decision.Outcome.ACCEPT


def applicant(
    round,
    *,
    prefs=(),
    score="3.0",
    outcome=Decision.Outcome.ACCEPT,
    name=None,
    contacts=True,
):
    """An application of ``round`` with a decision, a score, ranked preferences
    (mentorships in rank order) and a primary and a secondary contact."""
    kwargs = {"round": round, "score_normalized": Decimal(score)}
    if name:
        kwargs["organization__name"] = name
    application = factories.ApplicationFactory(**kwargs)
    DecisionFactory(application=application, outcome=outcome)
    for rank, mentorship in enumerate(prefs, start=1):
        factories.PreferenceFactory(
            application=application, mentorship=mentorship, rank=rank
        )
    if contacts:
        factories.ContactFactory(application=application, kind=Contact.Kind.PRIMARY)
        factories.ContactFactory(application=application, kind=Contact.Kind.SECONDARY)
    return application


def mentorships(round, capacities, mentor=None):
    """Mentorships of ``round`` with the given capacities, in order."""
    made = []
    for order, capacity in enumerate(capacities):
        m = factories.MentorshipFactory(round=round, capacity=capacity, order=order)
        if mentor is not None:
            m.mentors.add(mentor)
        made.append(m)
    return made
