"""Releases of anonymous answers: groups, withheld answers, bad rows, staff views."""

import datetime as dt
import html as htmllib

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashmentor.models import AuditEvent
from surveys import reports, rules, sealing, services
from surveys.admin import ANSWERED_IN_RELEASE, ANSWERED_WAITING
from surveys.models import Answer, Invitation, PendingResponse, Response, Survey
from tests.factories import UserFactory

from .factories import SurveyFactory, add_questions, cohort_with_mentees, valid_answers

pytestmark = pytest.mark.django_db


def _answer_url(token):
    return reverse("surveys:answer", args=[token])


def _sealed_by_an_older_version(survey, q, mentorship, text):
    """A waiting response as an older version accepted it, bypassing the checks
    of today, and the completion record that went with it."""
    user = UserFactory()
    Invitation.objects.create(
        survey=survey,
        user=user,
        email=user.email,
        mentorship=mentorship,
        token_hash=f"older-{user.pk}",
        completed_on=timezone.localdate(),
    )
    return PendingResponse.objects.create(
        survey=survey,
        payload=sealing.seal(
            survey.pk,
            {
                "segment": mentorship.pk,
                "answers": {
                    str(q["likert"].pk): {"n": "3", "t": "", "c": []},
                    str(q["single"].pk): {"n": None, "t": "", "c": ["weekly"]},
                    str(q["long_text"].pk): {"n": None, "t": text, "c": []},
                },
            },
        ),
    )


# --- the plan ---


def test_a_shown_cohort_with_k_waiting_goes_out_as_its_own_group():
    plan = rules.plan_release({"a": 5, "b": 2}, k=5, room={"b": 3})
    assert plan.own == {"a"} and plan.mixed == frozenset()
    assert plan.newly_hidden == frozenset()


def test_a_cohort_that_can_still_reach_k_waits_for_its_own():
    plan = rules.plan_release({"a": 4}, k=5, room={"a": 1})
    assert plan.released == frozenset()


def test_small_groups_that_cannot_reach_k_go_out_together_and_stay_hidden():
    plan = rules.plan_release(
        {"a": 1, "b": 4, None: 1}, k=5, room={"a": 0, "b": 0}, hidden={"c"}
    )
    assert plan.mixed == {"a", "b", None}
    assert plan.newly_hidden == {"a", "b"}


def test_a_hidden_cohort_stays_hidden_even_with_k_waiting():
    plan = rules.plan_release({"a": 7}, k=5, hidden={"a"})
    assert plan.own == frozenset() and plan.mixed == {"a"}


def test_the_close_releases_nothing_under_k_and_pulls_in_the_smallest_group():
    assert rules.plan_release({"a": 4}, k=5, final=True).released == frozenset()
    plan = rules.plan_release({"a": 2, "b": 6, "c": 5}, k=5, final=True)
    assert plan.own == {"b"} and plan.mixed == {"a", "c"}
    assert plan.newly_hidden == {"a", "c"}


# --- withheld at the close, and what staff see of completion ---


def test_admin_shows_completion_by_release_never_the_day(
    client_as, django_capture_on_commit_callbacks
):
    """Five answers go out as release 1; a sixth person answers and the survey
    closes: the invitation list says who is in which release and who waits,
    never a day, and the day cannot be filtered on either."""
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 6)
    for user in users:
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"t-{user.pk}",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(invitation=invitation, raw=valid_answers(q))
    services.survey_close(survey=survey)
    assert PendingResponse.objects.filter(survey=survey).count() == 1
    assert Response.objects.filter(survey=survey).count() == 5

    admin = UserFactory(is_staff=True, is_superuser=True)
    client = client_as(admin)
    url = reverse("admin:surveys_invitation_changelist")
    page = htmllib.unescape(client.get(url, {"survey__id__exact": survey.pk}).text)
    day = date_format(timezone.localdate())
    in_release = ANSWERED_IN_RELEASE.format(number=1, day=day)
    assert page.count(in_release) == 5
    assert page.count(str(ANSWERED_WAITING)) == 1
    assert "Completed on" not in page
    for lookup in ("completed_on__gte", "completed_on", "completed_on__day"):
        refused = client.get(url, {lookup: "2000-01-01"})
        assert refused.status_code == 400, lookup

    report = htmllib.unescape(
        client.get(reverse("surveys:survey-report", args=[survey.pk])).text
    )
    assert reports.WITHHELD.format(n=1, k=5) in report


# --- bad rows and failures never strand the rest ---


def test_a_waiting_response_the_survey_refuses_is_kept_apart_and_the_rest_released(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    """A NUL byte in a waiting response (accepted by an older version) is kept
    apart at the release, sealed, reported to staff; the five others go out."""
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 5)
    bad = _sealed_by_an_older_version(survey, q, mentorship, "null \x00 byte")
    for user in users:
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"t-{user.pk}",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(invitation=invitation, raw=valid_answers(q))
    assert Response.objects.filter(survey=survey).count() == 5
    bad.refresh_from_db()
    assert bad.quarantined
    assert bad.problem == services.QUARANTINE_INVALID.format(error=rules.NUL_CHARACTER)
    assert not any("\x00" in t for t in Answer.objects.values_list("text", flat=True))
    assert AuditEvent.objects.filter(action="survey.quarantine").count() == 1
    # The scan does not try it again and again.
    assert services.surveys_scan()["released"] == 0
    assert AuditEvent.objects.filter(action="survey.quarantine").count() == 1
    page = htmllib.unescape(
        client_as(staff_user)
        .get(reverse("surveys:survey-report", args=[survey.pk]))
        .text
    )
    assert reports.QUARANTINED.format(n=1, problems=bad.problem) in page
    assert "5 of 6 invited answered" not in page  # six completed, five released
    assert "6 of 6 invited answered" in page


def test_a_waiting_response_under_a_dropped_key_is_kept_apart(
    settings, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 5)
    settings.SURVEY_SEAL_KEY = "an-old-key-" * 4
    old = _sealed_by_an_older_version(survey, q, mentorship, "sealed long ago")
    settings.SURVEY_SEAL_KEY = "the-new-key-" * 4
    for user in users:
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"t-{user.pk}",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(invitation=invitation, raw=valid_answers(q))
    old.refresh_from_db()
    assert old.quarantined and old.problem == services.QUARANTINE_UNREADABLE
    assert Response.objects.filter(survey=survey).count() == 5


@pytest.mark.postgres
def test_a_row_the_database_refuses_is_found_on_its_own_and_kept_apart(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Past every check (here: switched off), PostgreSQL refuses one row: the
    release tries each new row on its own, keeps the refused one apart, and
    releases the others in the same run."""
    monkeypatch.setattr(services, "_payload_problem", lambda data, specs: "")
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 5)
    bad = _sealed_by_an_older_version(survey, q, mentorship, "null \x00 byte")
    for user in users:
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"t-{user.pk}",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(invitation=invitation, raw=valid_answers(q))
    bad.refresh_from_db()
    assert bad.quarantined and bad.problem == services.QUARANTINE_UNSTORABLE
    assert Response.objects.filter(survey=survey).count() == 5
    assert survey.releases.get().answers == 5


def test_a_failing_release_never_fails_the_respondent_whose_answer_triggers_it(
    monkeypatch, open_survey, invite, client, django_capture_on_commit_callbacks
):
    """The fifth answer asks for a release; the release breaks: that person
    still sees their answers are in, and the scan releases the five later."""
    survey, q, cohorts = open_survey
    mentorship, users = cohorts["big"]
    tokens = [invite(survey, user, mentorship=mentorship)[1] for user in users]
    real = services.survey_release

    def broken(**kwargs):
        raise RuntimeError("the release broke")

    monkeypatch.setattr(services, "survey_release", broken)
    for token in tokens:
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(_answer_url(token), valid_answers(q))
        assert done.status_code == 302
        assert done["Location"] == reverse("surveys:thanks", args=[survey.pk])
    assert PendingResponse.objects.filter(survey=survey).count() == 5
    assert Invitation.objects.filter(completed_on__isnull=False).count() == 5
    monkeypatch.setattr(services, "survey_release", real)
    assert services.surveys_scan()["released"] == 5


def test_a_failing_release_at_the_close_still_closes_the_survey(
    monkeypatch, open_survey, staff_user
):
    survey, _q, _ = open_survey

    def broken(**kwargs):
        raise RuntimeError("the release broke")

    monkeypatch.setattr(services, "survey_release", broken)
    services.survey_close(survey=survey, by=staff_user)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED


# --- raw answers: refused as Django's forms refuse them ---


def test_a_nul_byte_in_an_answer_is_refused_with_a_clear_message(
    open_survey, invite, client
):
    survey, q, cohorts = open_survey
    invitation, token = invite(survey, cohorts["big"][1][0])
    raw = valid_answers(q, text="before\x00after")
    raw[f"q{q['short_text'].pk}"] = ["\x00"]
    raw[f"q{q['single'].pk}"] = ["monthly\x00"]
    page = client.post(_answer_url(token), raw)
    assert page.status_code == 400
    assert page.text.count(str(rules.NUL_CHARACTER)) == 3
    invitation.refresh_from_db()
    assert not invitation.completed
    assert not PendingResponse.objects.exists()


def test_a_nul_byte_in_saved_progress_is_refused(invite, client, mentee_user):
    survey = SurveyFactory(anonymous=False, status=Survey.Status.OPEN)
    q = add_questions(survey)
    invitation, token = invite(survey, mentee_user)
    raw = {f"q{q['long_text'].pk}": ["half\x00done"], "action": "save"}
    page = client.post(_answer_url(token), raw)
    assert page.status_code == 400
    assert str(rules.NUL_CHARACTER) in page.text
    invitation.refresh_from_db()
    assert invitation.progress == {}


def test_too_many_values_for_one_question_are_refused():
    spec = rules.QuestionSpec(id=1, kind=rules.MULTIPLE, choices=("a", "b"))
    assert rules.validate_answer(spec, ["a"] * 101) == (
        None,
        rules.TOO_MANY_VALUES.format(limit=100),
    )


TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=8),
    st.sampled_from(["\x00", "a\x00b", "5\x00", "monthly\x00", "1e309", "NaN", "-0"]),
    st.sampled_from(["1", "3", "5", "weekly", "peers", "12", "200.005"]),
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fuzzed_answers_never_break_a_later_request(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    """Random and hostile answers (NUL bytes, control characters, numbers out
    of range, unknown options, many values) posted on PostgreSQL: each is
    accepted or refused with errors, never a 500, and every answer accepted can
    be released and reported: no input makes a later request fail."""
    survey = SurveyFactory(status=Survey.Status.OPEN, min_group_size=3)
    q = add_questions(survey)
    mentorship, _ = cohort_with_mentees(survey.round, 1)
    valid = valid_answers(q)
    # Each question gets a valid answer or a hostile list; unknown names too.
    answers = st.fixed_dictionaries(
        {
            name: st.one_of(st.just(value), st.lists(TEXT, max_size=4))
            for name, value in valid.items()
        },
        optional={"q999999": st.lists(TEXT, max_size=2), "qx": st.lists(TEXT)},
    )
    accepted = []

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
        derandomize=True,
    )
    @given(raw=answers)
    def post(raw):
        user = UserFactory()
        invitation = Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"fuzz-{user.pk}",
        )
        client = client_as(user)
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                reverse("surveys:answer-signed-in", args=[survey.pk]), raw
            )
        assert page.status_code in (302, 400), page.status_code
        if page.status_code == 302:
            accepted.append(invitation.pk)

    post()
    assert accepted, "no example was valid: the strategy needs valid answers too"
    services.survey_close(survey=survey)
    assert not PendingResponse.objects.filter(survey=survey, quarantined=True).exists()
    released = Response.objects.filter(survey=survey).count()
    assert released + PendingResponse.objects.filter(survey=survey).count() == len(
        accepted
    )
    page = client_as(staff_user).get(
        reverse("surveys:survey-report-csv", args=[survey.pk])
    )
    assert page.status_code == 200


def test_every_answer_is_released_once_or_waits_and_records_agree(
    open_survey, invite, submit, django_capture_on_commit_callbacks
):
    """Nine answers of the cohorts of four and five: every answer is released
    once or still waits, no release holds fewer than five, and the completion
    records say the release of exactly the answers released."""
    survey, q, cohorts = open_survey
    for name in ("small", "big"):
        mentorship, users = cohorts[name]
        for user in users:
            with django_capture_on_commit_callbacks(execute=True):
                submit(invite(survey, user, mentorship=mentorship)[0], valid_answers(q))
            released = Response.objects.filter(survey=survey).count()
            waiting = PendingResponse.objects.filter(survey=survey).count()
            assert (
                released + waiting
                == Invitation.objects.filter(
                    survey=survey, completed_on__isnull=False
                ).count()
            )
            assert (
                Invitation.objects.filter(
                    survey=survey, released_in__isnull=False
                ).count()
                == released
            )
    assert not survey.releases.filter(answers__lt=survey.min_group_size).exists()
    survey.closes_at = timezone.now() - dt.timedelta(seconds=1)
    survey.save()
    services.surveys_scan()
    # The four after the first release are too few to go out on their own.
    assert Response.objects.filter(survey=survey).count() == 5
    assert PendingResponse.objects.filter(survey=survey).count() == 4


def test_the_minimum_group_size_cannot_shrink_once_answers_exist(
    open_survey, invite, submit, client_as, staff_user
):
    """Lowered after answers came in, the next release could be a smaller group
    to compare with the last: refused on the survey's page and in the admin."""
    survey, q, cohorts = open_survey
    submit(invite(survey, cohorts["big"][1][0])[0], valid_answers(q))
    client = client_as(staff_user)
    local = timezone.localtime
    page = client.post(
        reverse("surveys:survey-edit", args=[survey.pk]),
        {
            "title_en": survey.title,
            "kind": survey.kind,
            "round": survey.round_id,
            "audience": survey.audience,
            "opens_at": local(survey.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": local(survey.closes_at).strftime("%Y-%m-%dT%H:%M"),
            "anonymous": "on",
            "required": "on",
            "min_group_size": 3,
            "reminder_days_text": "3, 1",
        },
    )
    assert str(services.GROUP_SIZE_LOCKED) in htmllib.unescape(page.text)
    survey.refresh_from_db()
    assert survey.min_group_size == 5
    services.survey_update(survey=survey, by=staff_user, min_group_size=8)
    assert survey.min_group_size == 8

    admin = UserFactory(is_staff=True, is_superuser=True)
    change = client_as(admin).get(
        reverse("admin:surveys_survey_change", args=[survey.pk])
    )
    assert 'name="min_group_size"' not in change.text
