"""Pages: answering by link or signed in, the builder, reports and their CSV."""

import csv
import datetime as dt
import html as htmllib
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import reports, rules, services
from surveys.models import Invitation, PendingResponse, Question, Response, Survey

from .factories import (
    SurveyFactory,
    add_questions,
    cohort_with_mentees,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def _answer_url(token):
    return reverse("surveys:answer", args=[token])


def test_a_mentee_answers_through_its_link_once(open_survey, invite, client):
    survey, q, cohorts = open_survey
    invitation, token = invite(survey, cohorts["big"][1][0])
    page = client.get(_answer_url(token))
    assert page.status_code == 200
    assert q["likert"].prompt in page.content.decode()
    done = client.post(_answer_url(token), valid_answers(q))
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:thanks", args=[survey.pk])
    again = client.get(_answer_url(token))
    assert str(services.ALREADY_SUBMITTED) in again.content.decode()
    assert "<form" not in again.content.decode().split("<main")[1]
    twice = client.post(_answer_url(token), valid_answers(q))
    assert twice.status_code == 409
    assert PendingResponse.objects.count() == 1


def test_a_forged_token_shows_a_clear_message(open_survey, client):
    page = client.get(_answer_url("x" * 43))
    assert page.status_code == 404
    assert str(services.BAD_LINK) in page.content.decode()
    page = client.post(_answer_url("not-a-token"), {})
    assert page.status_code == 404


def test_a_required_question_left_empty_saves_nothing(open_survey, invite, client):
    survey, q, cohorts = open_survey
    invitation, token = invite(survey, cohorts["big"][1][0])
    raw = valid_answers(q)
    raw[f"q{q['likert'].pk}"] = []
    raw[f"q{q['number'].pk}"] = ["-3"]
    page = client.post(_answer_url(token), raw)
    assert page.status_code == 400
    html = page.content.decode()
    assert str(rules.REQUIRED) in html
    assert rules.BELOW_MIN.format(bound="0") in html
    assert f'id="q{q["likert"].pk}-error"' in html
    # What was typed comes back, so nothing is lost.
    assert 'value="monthly" checked' in html
    invitation.refresh_from_db()
    assert not invitation.completed and not PendingResponse.objects.exists()


def test_a_closed_survey_says_so_and_accepts_nothing(open_survey, invite, client):
    survey, q, cohorts = open_survey
    invitation, token = invite(survey, cohorts["big"][1][0])
    survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.save()
    page = client.get(_answer_url(token))
    assert str(services.SURVEY_CLOSED) in page.content.decode()
    page = client.post(_answer_url(token), valid_answers(q))
    assert page.status_code == 403
    assert not PendingResponse.objects.exists()


def test_signed_in_answering_is_only_for_ones_own_invitation(
    open_survey, invite, client_as
):
    survey, q, cohorts = open_survey
    me, other = cohorts["big"][1][0], cohorts["big"][1][1]
    invite(survey, me)
    client = client_as(other)
    assert (
        client.get(reverse("surveys:answer-signed-in", args=[survey.pk])).status_code
        == 404
    )
    client = client_as(me)
    listing = client.get(reverse("surveys:my-surveys"))
    assert survey.title in listing.content.decode()
    url = reverse("surveys:answer-signed-in", args=[survey.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, valid_answers(q)).status_code == 302
    assert Invitation.objects.get(user=me).completed


def test_signed_in_answering_needs_a_sign_in(open_survey, client):
    survey, _q, _c = open_survey
    page = client.get(reverse("surveys:answer-signed-in", args=[survey.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_named_survey_progress_is_saved_and_shown_again(invite, client, mentee_user):
    survey = SurveyFactory(
        kind=Survey.Kind.CAPACITY, anonymous=False, status=Survey.Status.OPEN
    )
    q = add_questions(survey)
    _inv, token = invite(survey, mentee_user)
    raw = {f"q{q['single'].pk}": ["weekly"], "action": "save"}
    assert client.post(_answer_url(token), raw).status_code == 302
    page = client.get(_answer_url(token))
    assert 'value="weekly" checked' in page.content.decode()


STAFF_URLS = [
    ("surveys:staff-survey-list", False),
    ("surveys:survey-create", False),
    ("surveys:survey-builder", True),
    ("surveys:survey-edit", True),
    ("surveys:survey-report", True),
    ("surveys:survey-report-csv", True),
    ("surveys:capacity-compare", True),
]


@pytest.mark.parametrize("name,with_pk", STAFF_URLS)
def test_staff_pages_refuse_mentees_and_send_strangers_to_sign_in(
    name, with_pk, open_survey, client, client_as, mentee_user
):
    survey, _q, _c = open_survey
    url = reverse(name, args=[survey.pk] if with_pk else [])
    assert client.get(url).status_code == 302
    assert client_as(mentee_user).get(url).status_code == 403


def test_staff_pages_404_for_a_missing_survey(client_as, staff_user):
    client = client_as(staff_user)
    assert client.get(reverse("surveys:survey-report", args=[999])).status_code == 404
    assert client.get(reverse("surveys:question-edit", args=[999])).status_code == 404


def test_staff_build_a_survey_and_open_it_for_a_cohort(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    mentorship, users = cohort_with_mentees(SurveyFactory.round.get_factory()(), 5)
    client = client_as(staff_user)
    opens = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    closes = opens + dt.timedelta(days=14)
    page = client.post(
        reverse("surveys:survey-create"),
        {
            "title_en": "Midpoint survey",
            "kind": "midpoint",
            "audience": "cohort",
            "audience_mentorship": mentorship.pk,
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
            "anonymous": "on",
            "required": "on",
            "min_group_size": 5,
            "reminder_days_text": "3, 1",
        },
    )
    survey = Survey.objects.get(title="Midpoint survey")
    assert page.status_code == 302
    assert survey.reminder_days == [3, 1] and survey.round == mentorship.round
    client.post(
        reverse("surveys:section-create", args=[survey.pk]), {"title": "Progress"}
    )
    section = survey.sections.get()
    client.post(
        reverse("surveys:question-create", args=[section.pk]),
        {"kind": "likert", "prompt": "We are on track.", "required": "on"},
    )
    client.post(
        reverse("surveys:question-create", args=[section.pk]),
        {
            "kind": "single",
            "prompt": "Best format?",
            "choices_text": "Webinar\nCall\nIn person",
            "required": "on",
        },
    )
    assert Question.objects.filter(section=section).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:survey-open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert survey.invitations.count() == 5
    builder = client.get(reverse("surveys:survey-builder", args=[survey.pk]))
    assert (
        "0 <span" in builder.content.decode()
        or "of 5 invited" in builder.content.decode()
    )


def test_survey_form_explains_bad_settings(client_as, staff_user):
    client = client_as(staff_user)
    now = timezone.localtime()
    page = client.post(
        reverse("surveys:survey-create"),
        {
            "title_en": "Exit survey",
            "kind": "exit",
            "audience": "list",
            "audience_emails": "someone@example.org\nnot an address",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "min_group_size": 2,
            "reminder_days_text": "soon",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    from surveys import forms

    for message in (
        forms.CLOSE_BEFORE_OPEN,
        forms.GROUP_TOO_SMALL,
        forms.BAD_REMINDERS,
    ):
        assert str(message) in html
    assert "not an address" in html
    assert not Survey.objects.exists()


def test_locked_survey_refuses_question_edits_through_the_page(
    open_survey, invite, submit, client_as, staff_user
):
    survey, q, cohorts = open_survey
    submit(invite(survey, cohorts["big"][1][0])[0], valid_answers(q))
    client = client_as(staff_user)
    page = client.post(
        reverse("surveys:question-edit", args=[q["likert"].pk]),
        {"kind": "likert", "prompt": "Changed", "required": "on"},
    )
    assert str(services.LOCKED) in page.content.decode()
    q["likert"].refresh_from_db()
    assert q["likert"].prompt != "Changed"
    copied = client.post(reverse("surveys:survey-copy", args=[survey.pk]))
    assert copied.status_code == 302
    assert Survey.objects.filter(copied_from=survey).exists()


def _answered(n_big, invite, capture, *, extra_small=0):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    big, big_users = cohort_with_mentees(survey.round, n_big)
    small, small_users = cohort_with_mentees(survey.round, 4)
    for i, user in enumerate(big_users):
        with capture(execute=True):
            services.response_submit(
                invitation=invite(survey, user, mentorship=big)[0],
                raw=valid_answers(q, likert=str(1 + i % 5), text=f"Note {i}"),
            )
    for user in small_users[:extra_small]:
        with capture(execute=True):
            services.response_submit(
                invitation=invite(survey, user, mentorship=small)[0],
                raw=valid_answers(q),
            )
    for user in small_users[extra_small:]:
        invite(survey, user, mentorship=small)
    return survey, q


def test_report_shows_charts_tables_and_explains_hidden_cohorts(
    invite, client_as, staff_user, django_capture_on_commit_callbacks
):
    survey, q = _answered(6, invite, django_capture_on_commit_callbacks, extra_small=4)
    # 6 + 4 answered: 10 released in two groups of five.
    page = client_as(staff_user).get(reverse("surveys:survey-report", args=[survey.pk]))
    html = htmllib.unescape(page.content.decode())
    assert page.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert 'aria-label="Question 1:' in html
    assert "10 of 10 invited answered (100.0%)" in html
    # The cohort of four can never have five of its own: its answers went out
    # with the sixth of the other cohort, which is hidden from then on.
    assert reports.BREAKDOWN_NOTE.format(k=5) in html
    assert str(reports.HIDDEN_COHORT_NOTE) in html
    assert str(reports.NO_COHORT) in html
    assert "Note 0" in html and "Note 5" in html


def test_report_hides_everything_below_the_minimum(
    invite, client_as, staff_user, django_capture_on_commit_callbacks
):
    survey, q = _answered(3, invite, django_capture_on_commit_callbacks)
    html = htmllib.unescape(
        client_as(staff_user)
        .get(reverse("surveys:survey-report", args=[survey.pk]))
        .content.decode()
    )
    assert reports.HIDDEN_ALL.format(n=3, k=5) in html
    assert "<svg" not in html and "Note 0" not in html


def test_report_csv_holds_what_the_report_shows(
    invite, client_as, staff_user, django_capture_on_commit_callbacks
):
    survey, q = _answered(5, invite, django_capture_on_commit_callbacks, extra_small=2)
    response = client_as(staff_user).get(
        reverse("surveys:survey-report-csv", args=[survey.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    language, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert language == ["Language: English"]
    assert rows[0] == ["section", "item", "label", "value", "percent", "note"]
    likert = [r for r in rows if r[1].startswith("Q1 ") and r[2][:1].isdigit()]
    assert [int(r[3]) for r in likert] == [1, 1, 1, 1, 1]
    assert any(r[2] == "Monthly" and r[3] == "5" for r in rows)
    assert any(r[2] == "mean" for r in rows)
    # Two of the small cohort still wait sealed; the CSV says nothing of them.
    assert not any("Note" in r[3] and r[2] != "answer" for r in rows)
    assert Response.objects.filter(survey=survey).count() == 5


@pytest.mark.parametrize("size", [5, 15])
def test_report_runs_a_fixed_number_of_queries(
    size,
    invite,
    client_as,
    staff_user,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    survey, _q = _answered(size, invite, django_capture_on_commit_callbacks)
    client = client_as(staff_user)
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("surveys:survey-report", args=[survey.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        client.get(reverse("surveys:staff-survey-list"))


def test_capacity_comparison_before_and_after_per_organization(
    invite, submit, client_as, staff_user
):
    base = SurveyFactory(
        kind=Survey.Kind.CAPACITY,
        anonymous=False,
        status=Survey.Status.OPEN,
        title="Baseline",
        opens_at=timezone.now() - dt.timedelta(days=200),
    )
    q = add_questions(base)
    mentorship, users = cohort_with_mentees(base.round, 2)
    orgs = [u.cohort_memberships.get().award.application.organization for u in users]
    for user, org, score in zip(users, orgs, ["2", "3"], strict=True):
        submit(invite(base, user, organization=org)[0], valid_answers(q, likert=score))
    later = services.survey_copy(survey=base, by=staff_user)
    later.title = "Later"
    later.opens_at = timezone.now() - dt.timedelta(hours=1)
    later.status = Survey.Status.OPEN
    later.save()
    lq = {qq.kind: qq for qq in Question.objects.filter(section__survey=later)}
    for user, org, score in zip(users, orgs, ["4", "3"], strict=True):
        submit(
            invite(later, user, organization=org)[0], valid_answers(lq, likert=score)
        )
    page = client_as(staff_user).get(
        reverse("surveys:capacity-compare", args=[later.pk])
    )
    html = htmllib.unescape(page.content.decode())
    assert page.status_code == 200
    assert orgs[0].name in html and "+2.00" in html
    assert 'role="img"' in html
    assert "2.50 before, 3.50 after" in html
    csv_page = client_as(staff_user).get(
        reverse("surveys:capacity-compare-csv", args=[later.pk])
    )
    assert f"organization,{orgs[0].name},2.00,4.00,2.00" in csv_page.content.decode()
