"""A survey in English and Spanish: each person reads it in their language,
and every answer counts under the same question and option in one report."""

import csv
import html as htmllib
import io

import pytest
from django.urls import reverse

from surveys import selectors, services
from surveys.models import Answer, Response, Survey

from .factories import SurveyFactory, add_questions, cohort_with_mentees, valid_answers

pytestmark = pytest.mark.django_db

SPANISH = {
    "likert": "La mentoría ha sido útil para nuestra colaboración.",
    "single": "¿Con qué frecuencia habla con su mentor?",
}
SPANISH_CHOICES = {"weekly": "Cada semana", "monthly": "Cada mes", "rarely": "Rara vez"}


def _in_spanish(q):
    for kind, prompt in SPANISH.items():
        q[kind].prompt_es = prompt
        q[kind].save()
    for choice in q["single"].choices.all():
        choice.label_es = SPANISH_CHOICES[choice.value]
        choice.save()


def _answer(client, token, q, language, single):
    client.cookies["portal_language"] = language
    page = client.get(reverse("surveys:answer", args=[token]))
    assert page.status_code == 200
    posted = client.post(
        reverse("surveys:answer", args=[token]), valid_answers(q, single=single)
    )
    assert posted.status_code == 302
    return htmllib.unescape(page.content.decode())


def test_answers_from_the_english_and_the_spanish_page_count_together(
    invite, client, client_as, staff_user, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    _in_spanish(q)
    cohort, users = cohort_with_mentees(survey.round, 5)
    languages = ["en", "es", "en", "es", "es"]
    with django_capture_on_commit_callbacks(execute=True):
        for user, language in zip(users, languages, strict=True):
            _, token = invite(survey, user, mentorship=cohort)
            page = _answer(client, token, q, language, single="monthly")
            if language == "es":
                assert SPANISH["single"] in page and "Cada mes" in page
                assert "How often do you talk" not in page
                # Not translated: the English is shown.
                assert "What helped most?" in page
            else:
                assert "How often do you talk with your mentor?" in page
                assert "Cada mes" not in page
    assert Response.objects.filter(survey=survey).count() == 5
    # Answers name the question and the option, never a text of either.
    stored = Answer.objects.filter(question=q["single"])
    assert sorted(a.choices for a in stored) == [["monthly"]] * 5

    staff = client_as(staff_user)
    staff.cookies["portal_language"] = "en"
    report = htmllib.unescape(
        staff.get(reverse("surveys:survey-report", args=[survey.pk])).content.decode()
    )
    assert "5 of 5 invited answered" in report
    staff.cookies["portal_language"] = "es"
    csv_text = staff.get(
        reverse("surveys:survey-report-csv", args=[survey.pk])
    ).content.decode()
    rows = list(csv.reader(io.StringIO(csv_text)))[2:]
    monthly = [r for r in rows if r[2] == "Cada mes"]
    assert [r[3] for r in monthly] == ["5"], rows
    assert not any(r[2] == "Monthly" for r in rows)


def test_the_builder_saves_the_spanish_and_keeps_the_options(client_as, staff_user):
    """Spanish options are the same options line for line: renaming them keeps
    every option's value (what answers store)."""
    survey = SurveyFactory()
    q = add_questions(survey)
    single = q["single"]
    values = list(single.choices.values_list("value", flat=True))
    client = client_as(staff_user)
    client.cookies["portal_language"] = "es"
    url = reverse("surveys:question-edit", args=[single.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "kind": "single",
        "prompt": single.prompt_en,
        "prompt_es": SPANISH["single"],
        "help_text": "",
        "help_text_es": "",
        "required": "on",
        "choices_text": "Weekly\nMonthly\nRarely",
        "choices_es_text": "Cada semana\nCada mes\nRara vez",
        "likert_labels_text": "",
        "likert_labels_es_text": "",
        "key": single.key,
    }
    assert client.post(url, data).status_code == 302
    single.refresh_from_db()
    assert single.prompt_en == "How often do you talk with your mentor?"
    assert single.prompt_es == SPANISH["single"]
    choices = list(single.choices.all())
    assert [c.value for c in choices] == values
    assert [c.label_en for c in choices] == ["Weekly", "Monthly", "Rarely"]
    assert [c.label_es for c in choices] == ["Cada semana", "Cada mes", "Rara vez"]
    # Saved back unchanged, in Spanish: the English stays English.
    assert client.post(url, data).status_code == 302
    single.refresh_from_db()
    assert single.prompt_en == "How often do you talk with your mentor?"
    # Too few Spanish options: a clear message, nothing written.
    bad = client.post(url, {**data, "choices_es_text": "Cada semana"})
    assert bad.status_code == 200
    assert str(services.SPANISH_CHOICES) in htmllib.unescape(bad.content.decode())


def test_a_copy_keeps_both_languages(staff_user):
    survey = SurveyFactory(title="Midpoint", title_es="Encuesta intermedia")
    q = add_questions(survey)
    _in_spanish(q)
    copy = services.survey_copy(survey=survey, by=staff_user)
    assert copy.title_en == "Midpoint (copy)"
    assert copy.title_es == "Encuesta intermedia (copia)"
    copied = {
        qq.key: qq for s in selectors.survey_structure(copy) for qq in s.questions.all()
    }
    assert copied["calls"].prompt_es == SPANISH["single"]
    assert copied["calls"].prompt_en == "How often do you talk with your mentor?"
    assert [c.label_es for c in copied["calls"].choices.all()] == list(
        SPANISH_CHOICES.values()
    )


def test_translated_pages_run_the_same_queries_in_either_language(
    invite, client, client_as, staff_user
):
    """The Spanish is a column of the same rows: no page needs another query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    _in_spanish(q)
    cohort, users = cohort_with_mentees(survey.round, 1)
    _, token = invite(survey, users[0], mentorship=cohort)
    staff = client_as(staff_user)
    pages = [
        (client, reverse("surveys:answer", args=[token])),
        (client, survey.round.get_absolute_url()),
        (staff, reverse("surveys:survey-builder", args=[survey.pk])),
        (staff, reverse("surveys:question-edit", args=[q["single"].pk])),
    ]
    for who, url in pages:
        counts = {}
        for language in ("en", "es"):
            who.cookies["portal_language"] = language
            staff_user.language = language
            staff_user.save()
            who.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = who.get(url)
            assert response.status_code == 200, url
            counts[language] = len(queries)
        assert counts["es"] == counts["en"], (url, counts)
