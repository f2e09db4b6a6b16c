"""Anonymity as a property of the data.

These tests take the view of someone who can read every table the portal
stores (but not the server's configuration, where the sealing key lives), and
show that no anonymous response can be tied to a person.
"""

import threading

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, connections, models

from dashmentor.models import AuditEvent
from notifications.models import Message
from surveys import services
from surveys.models import Answer, Invitation, PendingResponse, Response, Survey

from .factories import SurveyFactory, add_questions, cohort_with_mentees, valid_answers

SECRET_PHRASE = "our director is hard to work with"


def _dump_everything() -> dict[str, list[dict]]:
    """Every row of every table of the portal, as plain values."""
    dump = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        dump[model._meta.label] = list(model._default_manager.values())
    return dump


def _answer_everyone_but(survey, q, cohorts, invite, capture, skip=1):
    """Every invited mentee answers, except ``skip`` of each cohort."""
    answered = 0
    for mentorship, users in cohorts:
        for i, user in enumerate(users):
            invitation, _ = invite(survey, user, mentorship=mentorship)
            if i < skip:
                continue
            text = SECRET_PHRASE if answered == 0 else f"Answer number {answered}"
            with capture(execute=True):
                services.response_submit(
                    invitation=invitation,
                    raw=valid_answers(q, likert=str(1 + answered % 5), text=text),
                )
            answered += 1
    return answered


@pytest.fixture
def answered_survey(db, invite, django_capture_on_commit_callbacks):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    cohorts = [
        cohort_with_mentees(survey.round, 6),
        cohort_with_mentees(survey.round, 5),
        cohort_with_mentees(survey.round, 4),
    ]
    _answer_everyone_but(survey, q, cohorts, invite, django_capture_on_commit_callbacks)
    return survey, cohorts


ANSWER_SIDE = {"surveys.Response", "surveys.Answer", "surveys.PendingResponse"}


@pytest.mark.django_db
def test_no_stored_value_joins_an_answer_to_a_person(answered_survey):
    """Nothing on the answer side (keys, dates, cohort, organization, invitation)
    appears on the side that names people, and the answer tables have no column
    that could: no link to an invitation or a user, no time finer than the day."""
    survey, _ = answered_survey
    # 12 answered: the cohort of six's five released as their own group; the
    # four of the cohort of five wait for their fifth, the three of the cohort
    # of four for others to go out with.
    assert Response.objects.filter(survey=survey).count() == 5
    assert PendingResponse.objects.filter(survey=survey).count() == 7
    dump = _dump_everything()

    for label in ANSWER_SIDE:
        model = apps.get_model(label)
        for f in model._meta.concrete_fields:
            assert not isinstance(f, models.DateTimeField), (label, f.name)
            if f.is_relation:
                assert f.related_model in (
                    Survey,
                    Response,
                    Answer.question.field.related_model,
                ) or f.name in ("segment", "organization", "invitation"), (
                    label,
                    f.name,
                )

    for row in dump["surveys.Response"]:
        assert row["invitation_id"] is None
        assert row["organization_id"] is None
        assert row["segment_id"] is None
        assert row["submitted_on"] is None

    # Keys of responses and answers appear nowhere outside the answer side.
    answer_keys = {str(r["id"]) for r in dump["surveys.Response"]} | {
        str(r["id"]) for r in dump["surveys.Answer"]
    }
    for label, rows in dump.items():
        if label in ANSWER_SIDE:
            continue
        for row in rows:
            for value in row.values():
                assert str(value) not in answer_keys, label

    # The sealed cohort says nothing by itself: equal cohorts seal differently.
    sealed = [r["segment_sealed"] for r in dump["surveys.Response"]]
    assert len(set(sealed)) == len(sealed)
    mentorship_ids = {str(r["id"]) for r in dump["cohorts.Mentorship"]}
    assert not mentorship_ids & set(sealed)

    # A free-text answer lives in the answer table and nowhere else: not in the
    # outbox, the audit log, or a saved draft on the invitation.
    holders = [
        label
        for label, rows in dump.items()
        for row in rows
        for value in row.values()
        if isinstance(value, str | dict) and SECRET_PHRASE in str(value)
    ]
    assert holders == ["surveys.Answer"]
    assert not AuditEvent.objects.filter(action__contains="response").exists()
    assert not Message.objects.filter(body_text__contains=SECRET_PHRASE).exists()


@pytest.mark.django_db
def test_every_response_has_at_least_k_candidate_people(answered_survey):
    """For each anonymous response, count the people whose stored data is
    consistent with it: everyone who completed the survey, since no attribute
    of the response narrows them down. That is never fewer than the minimum."""
    survey, _ = answered_survey
    completed = list(
        Invitation.objects.filter(survey=survey, completed_on__isnull=False).values(
            "id", "user_id", "mentorship_id", "organization_id", "completed_on"
        )
    )
    for response in Response.objects.filter(survey=survey).values():
        candidates = [
            inv
            for inv in completed
            if (response["invitation_id"] in (None, inv["id"]))
            and (response["segment_id"] in (None, inv["mentorship_id"]))
            and (response["organization_id"] in (None, inv["organization_id"]))
            and (response["submitted_on"] in (None, inv["completed_on"]))
        ]
        assert len({c["user_id"] for c in candidates}) >= survey.min_group_size


@pytest.mark.django_db
def test_after_the_close_not_even_the_sealing_key_narrows_below_k(
    answered_survey, staff_user
):
    """At the close the cohort is wiped from responses of cohorts a report would
    hide (here the cohort of four with three answers, and the next smallest that
    would give it away), so even someone holding the key finds at least k
    candidates for every response."""
    survey, cohorts = answered_survey
    services.survey_close(survey=survey, by=staff_user)
    completers: dict = {}
    for inv in Invitation.objects.filter(survey=survey, completed_on__isnull=False):
        completers.setdefault(inv.mentorship_id, set()).add(inv.user_id)
    segments = [
        services.segment_of(survey.pk, r)
        for r in Response.objects.filter(survey=survey)
    ]
    visible = {s for s in segments if s is not None}
    hidden_people = set().union(
        *(people for s, people in completers.items() if s not in visible)
    )
    for segment in segments:
        pool = completers[segment] if segment is not None else hidden_people
        assert len(pool) >= survey.min_group_size
    # The cohort of six (five answers) stays visible; the others do not.
    assert visible == {cohorts[0][0].pk}
    unsegmented = [
        r
        for r in Response.objects.filter(survey=survey)
        if services.segment_of(survey.pk, r) is None
    ]
    assert len(unsegmented) >= survey.min_group_size


@pytest.mark.django_db
def test_the_first_answers_of_a_survey_are_not_stored_in_the_clear(
    db, invite, django_capture_on_commit_callbacks
):
    """With one completion and one response, the response would name its
    author; so answers wait sealed, unreadable without the key, until enough
    others join them."""
    survey = SurveyFactory(status=Survey.Status.OPEN)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 5)
    invitation, _ = invite(survey, users[0], mentorship=mentorship)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(
            invitation=invitation, raw=valid_answers(q, text=SECRET_PHRASE)
        )
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    pending = PendingResponse.objects.get()
    assert SECRET_PHRASE not in pending.payload
    assert "monthly" not in pending.payload


@pytest.mark.django_db
def test_physical_row_order_does_not_follow_submission_order(answered_survey):
    """Released responses are rewritten in the order of fresh random keys: the
    physical order (PostgreSQL ctid, SQLite rowid) is the key order, not the
    order in which people answered; on PostgreSQL all share one inserting
    transaction (xmin), different from every invitation's."""
    survey, _ = answered_survey
    by_key = [str(r.pk) for r in Response.objects.filter(survey=survey).order_by("id")]
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE survey_id = %s ORDER BY {column}",  # noqa: S608
            [survey.pk],
        )
        physical = [str(Response._meta.pk.to_python(row[0])) for row in cursor]
        assert physical == by_key
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT DISTINCT xmin::text FROM {table} WHERE survey_id = %s",  # noqa: S608
                [survey.pk],
            )
            response_xmins = {row[0] for row in cursor}
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM surveys_invitation "
                "WHERE survey_id = %s",
                [survey.pk],
            )
            invitation_xmins = {row[0] for row in cursor}
            assert len(response_xmins) == 1
            assert not response_xmins & invitation_xmins


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_of_one_invitation_make_one_response(invite):
    """Two requests submitting the same invitation at the same moment: the row
    lock lets one through; the other is told the invitation was used."""
    survey = SurveyFactory(status=Survey.Status.OPEN, anonymous=False)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 1)
    invitation, _ = invite(survey, users[0], mentorship=mentorship)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            services.response_submit(invitation=invitation, raw=valid_answers(q))
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == sorted(["ok", services.ALREADY_SUBMITTED])
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == 6
