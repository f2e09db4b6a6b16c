"""The demo in both languages: every round, mentorship, survey, affinity
group and award-letter template has its Spanish, and an applicant in Puerto
Rico works in Spanish."""

import pytest
from django.urls import reverse
from django.utils import translation

from affinity.models import Group
from applications.models import Application, Question, Round
from awards.models import RoundTerms
from cohorts.models import Mentorship
from dashmentor.models import User
from surveys.models import Choice, Survey
from surveys.models import Question as SurveyQuestion


def _missing(queryset, *fields):
    """The rows of ``queryset`` with an empty Spanish in one of ``fields``."""
    return [
        (str(row.pk), field)
        for row in queryset
        for field in fields
        if getattr(row, f"{field}_en") and not getattr(row, f"{field}_es")
    ]


@pytest.mark.django_db(transaction=True)
def test_every_demo_text_staff_write_has_its_spanish(demo_snapshot):
    demo_snapshot.restore()
    assert not _missing(Round.objects.all(), "name", "description")
    assert not _missing(Question.objects.all(), "prompt", "help_text")
    assert not _missing(Mentorship.objects.all(), "topic", "description", "tags")
    assert not _missing(Survey.objects.all(), "title", "description")
    assert not _missing(
        SurveyQuestion.objects.all(), "prompt", "help_text", "likert_labels"
    )
    assert not _missing(Choice.objects.all(), "label")
    assert not _missing(
        Group.objects.all(),
        "topic",
        "description",
        "learning_goals",
        "expectations_before",
        "expectations_during",
        "expectations_after",
        "cadence",
    )
    terms = RoundTerms.objects.all()
    assert terms.count() >= 2
    assert not _missing(
        terms, "letter_subject", "letter_body", "expectations", "getting_started"
    )
    # Spanish, not a copy of the English.
    for mentorship in Mentorship.objects.all():
        assert mentorship.topic_es != mentorship.topic_en
    with translation.override("es"):
        round_ = Round.objects.get(slug="open-round")
        assert round_.name.startswith("Programa de Mentoría DASH")


@pytest.mark.django_db(transaction=True)
def test_the_puerto_rico_applicant_works_in_spanish(demo_snapshot, client):
    out = demo_snapshot.restore()
    user = User.objects.get(email="solicitante@dash.test")
    assert user.language == "es"
    assert "solicitante@dash.test (español)" in out
    application = Application.objects.get(organization__memberships__user=user)
    assert application.organization.state == "PR"
    assert application.learning_goal.startswith("Diseñar")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("applications:round-detail", args=["open-round"]))
    text = page.content.decode()
    assert '<html lang="es"' in text
    assert "Se reciben solicitudes" in text
