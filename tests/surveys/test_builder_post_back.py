"""Saving a page of the survey builder keeps what staff did not touch.

Each page is loaded as staff, its own form read as a browser sends it and
posted back: unchanged, every row of the database is as it was (the survey,
its sections, questions and options with their keys, and no audit row); with
one option renamed or removed, the other options keep their rows.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Choice
from tests.support.forms import assert_same_rows, database_rows, page_form

from .factories import SurveyFactory, add_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    opens = timezone.now() + dt.timedelta(days=2)
    survey = SurveyFactory(
        status="draft",
        description="How the year is going.",
        reminder_days=[3, 1],
        # Times with seconds, as a seed or an import stores them: the page
        # shows minutes.
        opens_at=opens.replace(second=17),
        closes_at=(opens + dt.timedelta(days=14)).replace(second=42),
    )
    add_questions(survey)
    return survey


def post_back(client, url):
    response = client.get(url)
    assert response.status_code == 200
    form = page_form(response.content.decode(), containing="csrfmiddlewaretoken")
    before = database_rows()
    response = client.post(url, form.post_data("save"))
    assert response.status_code == 302, (
        response.context and response.context["form"].errors
    )
    assert_same_rows(before, database_rows())


def test_the_survey_settings_saved_back_unchanged_change_nothing(
    client_as, staff_user, survey
):
    post_back(client_as(staff_user), reverse("surveys:survey-edit", args=[survey.pk]))


def test_a_section_saved_back_unchanged_changes_nothing(client_as, staff_user, survey):
    section = survey.sections.get()
    post_back(client_as(staff_user), reverse("surveys:section-edit", args=[section.pk]))


def test_every_question_saved_back_unchanged_changes_nothing(
    client_as, staff_user, survey
):
    client = client_as(staff_user)
    questions = list(survey.sections.get().questions.all())
    assert {q.kind for q in questions} >= {"likert", "single", "multiple", "number"}
    for question in questions:
        post_back(client, reverse("surveys:question-edit", args=[question.pk]))


def _edit_options(client, question, change):
    url = reverse("surveys:question-edit", args=[question.pk])
    data = page_form(client.get(url).content.decode(), containing="prompt").post_data(
        "save"
    )
    lines = data["choices_text"][0].split("\n")
    data["choices_text"] = ["\n".join(change(lines))]
    response = client.post(url, data)
    assert response.status_code == 302


def test_renaming_one_option_keeps_the_others(client_as, staff_user, survey):
    client = client_as(staff_user)
    question = survey.sections.get().questions.get(kind="single")
    before = list(Choice.objects.filter(question=question).values())
    _edit_options(client, question, lambda lines: [lines[0], "Every month", lines[2]])
    after = list(Choice.objects.filter(question=question).values())
    assert [c["label"] for c in after] == ["Weekly", "Every month", "Rarely"]
    kept = [c for c in before if c["value"] != "monthly"]
    assert [c for c in after if c["value"] != "every-month"] == kept


def test_removing_one_option_keeps_the_others(client_as, staff_user, survey):
    client = client_as(staff_user)
    question = survey.sections.get().questions.get(kind="multiple")
    first, _, third = Choice.objects.filter(question=question)
    _edit_options(client, question, lambda lines: [lines[0], lines[2]])
    rows = list(Choice.objects.filter(question=question).values("pk", "label", "order"))
    assert rows == [
        {"pk": first.pk, "label": first.label, "order": 1},
        {"pk": third.pk, "label": third.label, "order": 2},
    ]
