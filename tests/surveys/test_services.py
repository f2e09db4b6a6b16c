"""Dispatch, reminders, answering and the release of anonymous answers."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Kind, Message
from surveys import rules, selectors, services
from surveys.models import (
    Answer,
    Invitation,
    PendingResponse,
    Question,
    Response,
    Survey,
    hash_token,
)

from .factories import SurveyFactory, add_questions, valid_answers

pytestmark = pytest.mark.django_db


def _token_from(message_body: str) -> str:
    marker = "/surveys/answer/"
    start = message_body.index(marker) + len(marker)
    return message_body[start : message_body.index("/", start)]


def test_opening_invites_each_recipient_once_even_when_dispatch_runs_twice(
    open_survey, staff_user, django_capture_on_commit_callbacks
):
    """Opening creates one invitation per mentee and one e-mail each; running the
    dispatch again sends nothing more."""
    survey, _q, cohorts = open_survey
    survey.status = Survey.Status.DRAFT
    survey.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=survey, by=staff_user)
    assert Invitation.objects.filter(survey=survey).count() == 9
    assert len(mail.outbox) == 9
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_dispatch(survey=survey) == 0
        assert services.invitations_sweep() == 0
    assert Invitation.objects.filter(survey=survey).count() == 9
    assert Message.objects.filter(kind=Kind.SURVEY_INVITATION).count() == 9
    assert len(mail.outbox) == 9
    # The link in the e-mail works: its token hashes to the stored hash.
    message = mail.outbox[0]
    token = _token_from(message.body)
    invitation = Invitation.objects.get(email=message.to[0])
    assert invitation.token_hash == hash_token(token)
    assert invitation.mentorship is not None


def test_dispatch_goes_in_batches(open_survey, monkeypatch):
    """Each batch of invitations is one transaction: a run that dies keeps the
    batches before it, and the next run writes only the rest."""
    survey, _q, _c = open_survey
    monkeypatch.setattr(services, "DISPATCH_BATCH_SIZE", 4)
    real = services._invitation_write
    calls = []

    def dies_in_the_third_batch(**kwargs):
        calls.append(1)
        if len(calls) == 9:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "_invitation_write", dies_in_the_third_batch)
    with pytest.raises(RuntimeError):
        services.survey_dispatch(survey=survey)
    assert Invitation.objects.filter(survey=survey).count() == 8
    monkeypatch.setattr(services, "_invitation_write", real)
    assert services.survey_dispatch(survey=survey) == 1
    assert Invitation.objects.filter(survey=survey).count() == 9


def test_opening_needs_questions_and_a_future_close(staff_user):
    survey = SurveyFactory()
    with pytest.raises(ValidationError) as exc:
        services.survey_open(survey=survey, by=staff_user)
    assert exc.value.messages == [services.NO_QUESTIONS]
    add_questions(survey)
    survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.save()
    with pytest.raises(ValidationError) as exc:
        services.survey_open(survey=survey, by=staff_user)
    assert exc.value.messages == [services.CLOSE_IN_PAST]


def test_reminders_go_only_to_non_completers_once_per_offset(
    open_survey, submit, django_capture_on_commit_callbacks
):
    survey, q, cohorts = open_survey
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_dispatch(survey=survey)
    first_links = {m.to[0]: _token_from(m.body) for m in mail.outbox}
    invitations = list(Invitation.objects.filter(survey=survey).order_by("id"))
    submit(invitations[0], valid_answers(q))
    submit(invitations[1], valid_answers(q))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_remind(survey=survey, days=3) == 7
        assert services.survey_remind(survey=survey, days=3) == 0
    reminded = {m.to[0] for m in mail.outbox}
    assert reminded == {i.email for i in invitations[2:]}
    assert len(mail.outbox) == 7
    # The reminder's link replaces the first one, which no longer opens anything.
    fresh = _token_from(mail.outbox[0].body)
    invitation = Invitation.objects.get(email=mail.outbox[0].to[0])
    assert invitation.token_hash == hash_token(fresh)
    assert fresh != first_links[invitation.email]
    assert selectors.invitation_for_token(first_links[invitation.email]) is None
    assert "no longer works" in mail.outbox[0].body


def test_scan_sends_the_nearest_due_reminder_and_closes_overdue_surveys(
    open_survey, django_capture_on_commit_callbacks
):
    survey, _q, cohorts = open_survey
    services.survey_dispatch(survey=survey)
    survey.reminder_days = [3, 1]
    survey.closes_at = timezone.now() + dt.timedelta(hours=20)
    survey.save()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.surveys_scan()
    assert done["reminded"] == 9
    keys = set(
        Message.objects.filter(kind=Kind.SURVEY_REMINDER).values_list(
            "idempotency_key", flat=True
        )
    )
    assert all(k.endswith(f"survey:{survey.pk}:reminder:1d") for k in keys)
    done = services.surveys_scan(now=survey.closes_at + dt.timedelta(minutes=1))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and done["closed"] == 1


def test_scan_opens_a_scheduled_survey_when_due(
    staff_user, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(opens_at=timezone.now() + dt.timedelta(hours=2))
    add_questions(survey)
    services.survey_schedule(survey=survey, by=staff_user)
    services.surveys_scan()
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        services.surveys_scan(now=timezone.now() + dt.timedelta(hours=3))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_bad_answers_save_nothing(open_survey, invite, submit):
    survey, q, cohorts = open_survey
    invitation, _ = invite(survey, cohorts["big"][1][0])
    raw = valid_answers(q)
    raw[f"q{q['likert'].pk}"] = []
    raw[f"q{q['single'].pk}"] = ["not-an-option"]
    raw[f"q{q['number'].pk}"] = ["500"]
    with pytest.raises(ValidationError) as exc:
        submit(invitation, raw)
    errors = exc.value.message_dict
    assert errors[f"q{q['likert'].pk}"] == [rules.REQUIRED]
    assert errors[f"q{q['single'].pk}"] == [rules.NOT_AN_OPTION]
    assert errors[f"q{q['number'].pk}"] == [rules.ABOVE_MAX.format(bound="200")]
    invitation.refresh_from_db()
    assert not invitation.completed
    assert not PendingResponse.objects.exists() and not Response.objects.exists()


def test_a_second_submission_and_a_late_one_are_refused(open_survey, invite, submit):
    survey, q, cohorts = open_survey
    first, _ = invite(survey, cohorts["big"][1][0])
    submit(first, valid_answers(q))
    with pytest.raises(ValidationError) as exc:
        submit(first, valid_answers(q))
    assert exc.value.messages == [services.ALREADY_SUBMITTED]
    late, _ = invite(survey, cohorts["big"][1][1])
    survey.closes_at = timezone.now() - dt.timedelta(seconds=1)
    survey.save()
    with pytest.raises(ValidationError) as exc:
        submit(late, valid_answers(q))
    assert exc.value.messages == [services.SURVEY_CLOSED]
    assert PendingResponse.objects.count() == 1


def test_anonymous_answers_wait_until_enough_to_release_together(
    open_survey, invite, submit, django_capture_on_commit_callbacks
):
    """Four answers wait sealed; the fifth releases all five at once."""
    survey, q, cohorts = open_survey
    users = cohorts["big"][1]
    for user in users[:4]:
        invitation, _ = invite(survey, user, mentorship=cohorts["big"][0])
        with django_capture_on_commit_callbacks(execute=True):
            submit(invitation, valid_answers(q))
    assert PendingResponse.objects.count() == 4
    assert Response.objects.count() == 0
    invitation, _ = invite(survey, users[4], mentorship=cohorts["big"][0])
    with django_capture_on_commit_callbacks(execute=True):
        submit(invitation, valid_answers(q))
    assert PendingResponse.objects.count() == 0
    assert Response.objects.count() == 5
    assert Answer.objects.count() == 5 * 6
    response = Response.objects.first()
    assert response.segment_id is None and response.invitation_id is None
    assert response.organization_id is None and response.submitted_on is None
    assert services.segment_of(survey.pk, response) == cohorts["big"][0].pk


def test_close_withholds_fewer_than_k_answers_given_after_the_last_release(
    open_survey, invite, submit, staff_user, django_capture_on_commit_callbacks
):
    """Released alone at the close, two answers would be matched to the two
    people who completed since the last release: they stay sealed."""
    survey, q, cohorts = open_survey
    big, big_users = cohorts["big"]
    small, small_users = cohorts["small"]
    for user in big_users:
        with django_capture_on_commit_callbacks(execute=True):
            submit(invite(survey, user, mentorship=big)[0], valid_answers(q))
    for user in small_users[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            submit(invite(survey, user, mentorship=small)[0], valid_answers(q))
    assert PendingResponse.objects.count() == 2
    services.survey_close(survey=survey, by=staff_user)
    assert PendingResponse.objects.count() == 2
    assert Response.objects.count() == 5
    assert list(survey.releases.values_list("number", "answers")) == [(1, 5)]


def test_close_releases_the_rest_in_one_group_and_hides_its_cohorts(
    open_survey, invite, submit, staff_user, django_capture_on_commit_callbacks
):
    survey, q, cohorts = open_survey
    big, big_users = cohorts["big"]
    small, small_users = cohorts["small"]
    big_invitations = [invite(survey, u, mentorship=big)[0] for u in big_users]
    small_invitations = [invite(survey, u, mentorship=small)[0] for u in small_users]
    for invitation in big_invitations[:3] + small_invitations[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            submit(invitation, valid_answers(q))
    # The three of the cohort of five wait for the rest of their cohort; the
    # two of the cohort of four (which can never reach five) for others.
    assert PendingResponse.objects.count() == 5
    services.survey_close(survey=survey, by=staff_user)
    assert PendingResponse.objects.count() == 0
    segments = [services.segment_of(survey.pk, r) for r in Response.objects.all()]
    # Three of one cohort and two of another went out together: no response
    # keeps a cohort, and both cohorts stay hidden from now on.
    assert segments == [None] * 5
    assert sorted(survey.releases.get().hidden_cohorts) == sorted([big.pk, small.pk])


def test_named_survey_keeps_organization_and_day(invite, submit, mentee_user):
    survey = SurveyFactory(
        kind=Survey.Kind.CAPACITY, anonymous=False, status=Survey.Status.OPEN
    )
    q = add_questions(survey)
    member = mentee_user.cohort_memberships.get()
    org = member.award.application.organization
    invitation, _ = invite(survey, mentee_user, organization=org)
    response = submit(invitation, valid_answers(q))
    assert isinstance(response, Response)
    assert response.organization == org
    assert response.invitation == invitation
    assert response.submitted_on == timezone.localdate()


def test_progress_is_kept_for_named_surveys_only(open_survey, invite):
    survey, q, cohorts = open_survey
    invitation, _ = invite(survey, cohorts["big"][1][0])
    with pytest.raises(ValidationError) as exc:
        services.response_save_progress(invitation=invitation, raw=valid_answers(q))
    assert exc.value.messages == [services.PROGRESS_ANONYMOUS]
    survey.anonymous = False
    survey.save()
    services.response_save_progress(invitation=invitation, raw=valid_answers(q))
    invitation.refresh_from_db()
    assert invitation.progress[f"q{q['single'].pk}"] == ["monthly"]
    services.response_submit(invitation=invitation, raw=valid_answers(q))
    invitation.refresh_from_db()
    assert invitation.progress == {}


def test_questions_lock_once_answers_exist_and_copy_makes_a_new_version(
    open_survey, invite, submit, staff_user
):
    survey, q, cohorts = open_survey
    submit(invite(survey, cohorts["big"][1][0])[0], valid_answers(q))
    assert selectors.survey_is_locked(survey)
    with pytest.raises(ValidationError) as exc:
        services.question_save(
            section=q["likert"].section,
            question=q["likert"],
            by=staff_user,
            kind="likert",
            prompt="Changed",
        )
    assert exc.value.messages == [services.LOCKED]
    with pytest.raises(ValidationError):
        services.survey_update(survey=survey, by=staff_user, anonymous=False)
    copy = services.survey_copy(survey=survey, by=staff_user)
    assert copy.status == Survey.Status.DRAFT and copy.copied_from == survey
    copied = Question.objects.filter(section__survey=copy)
    assert copied.count() == 6
    assert set(copied.values_list("key", flat=True)) == {
        "useful",
        "calls",
        "helped",
        "hours",
        "word",
        "change",
    }
    assert not selectors.survey_is_locked(copy)


def test_question_builder_validates_choices_and_bounds(open_survey, staff_user):
    survey, q, _ = open_survey
    section = q["likert"].section
    with pytest.raises(ValidationError) as exc:
        services.question_save(
            section=section,
            by=staff_user,
            kind="single",
            prompt="Pick",
            choices_text="Only one",
        )
    assert exc.value.message_dict["choices_text"] == [services.NEEDS_CHOICES]
    from decimal import Decimal

    with pytest.raises(ValidationError) as exc:
        services.question_save(
            section=section,
            by=staff_user,
            kind="number",
            prompt="N",
            min_value=Decimal(5),
            max_value=Decimal(1),
        )
    assert exc.value.message_dict["max_value"] == [services.BOUNDS_ORDER]
    made = services.question_save(
        section=section,
        by=staff_user,
        kind="multiple",
        prompt="Which?",
        choices_text="Data\nData\nPeople",
    )
    assert list(made.choices.values_list("value", flat=True)) == [
        "data",
        "data-2",
        "people",
    ]
    services.question_move(question=made, direction="up", by=staff_user)
    made.refresh_from_db()
    assert made.order == 6


def test_survey_emails_are_stored_without_their_link(
    open_survey, django_capture_on_commit_callbacks
):
    """The outbox's copy of an invitation or reminder never holds the answer
    link: it is made when the e-mail is sent."""
    survey, _q, _cohorts = open_survey
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_dispatch(survey=survey)
        services.survey_remind(survey=survey, days=3)
    assert "/surveys/answer/" in mail.outbox[0].body
    stored = Message.objects.filter(
        kind__in=[Kind.SURVEY_INVITATION, Kind.SURVEY_REMINDER]
    )
    assert stored.count() == 18
    for message in stored:
        assert "/surveys/answer/" not in message.body_text + message.body_html
