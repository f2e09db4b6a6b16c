"""Factories for the application form's models and a complete application."""

import factory

from applications.models import Answer, Application, Contact, Question
from tests import factories as core


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    round = factory.SubFactory(core.RoundFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    order = factory.Sequence(lambda n: n)
    prompt = factory.Sequence(lambda n: f"Question {n}: why does this matter?")
    help_text = "Be specific."
    word_limit = 50


GOAL = (
    "Learn how to link housing and health data so our coalition can target "
    "outreach to families at risk of homelessness this year."
)


def round_with_questions(count=2, mentorships=3, **round_fields):
    """An open round with questions and mentorships."""
    round_ = core.RoundFactory(**round_fields)
    for i in range(count):
        QuestionFactory(round=round_, order=i, word_limit=50)
    for _ in range(mentorships):
        core.MentorshipFactory(round=round_)
    return round_


def complete_application(
    *,
    round=None,
    user=None,
    organization=None,
    partner_sectors=(("housing",), ("education",)),
    **fields,
):
    """A draft with every section filled in, ready to submit."""
    round_ = round or round_with_questions()
    user = user or core.UserFactory()
    organization = organization or core.OrganizationFactory()
    application = core.ApplicationFactory(
        round=round_,
        organization=organization,
        created_by=user,
        learning_goal=fields.pop("learning_goal", GOAL),
        **fields,
    )
    core.ContactFactory(application=application, kind=Contact.Kind.PRIMARY)
    core.ContactFactory(application=application, kind=Contact.Kind.SECONDARY)
    for i, sectors in enumerate(partner_sectors):
        core.PartnerFactory(
            application=application,
            name=f"Partner {i} of {application.pk}",
            sectors=list(sectors),
        )
    for question in round_.questions.all():
        Answer.objects.create(
            application=application, question=question, text="A short, honest answer."
        )
    for rank, mentorship in enumerate(round_.mentorships.all()[:2], start=1):
        core.PreferenceFactory(
            application=application, mentorship=mentorship, rank=rank
        )
    return Application.objects.get(pk=application.pk)
