"""Survey invitations: derived from the database, sent by the outbox in
batches, and their links made only when each e-mail is sent."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from notifications import links
from notifications.models import Kind, Message
from notifications.services import message_send_batch
from notifications.tasks import message_send_batch_task
from surveys import selectors, services
from surveys.models import Invitation, Survey, hash_token
from tests import factories
from tests.notifications.backends import RefusingBackend

from .factories import SurveyFactory, add_questions, cohort_with_mentees

pytestmark = pytest.mark.django_db


def token_in(body: str) -> str:
    marker = "/surveys/answer/"
    start = body.index(marker) + len(marker)
    return body[start : body.index("/", start)]


@pytest.fixture
def counting_smtp(settings):
    """Locmem e-mail that counts the SMTP connections opened."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    RefusingBackend.refuse = 0
    RefusingBackend.opened = 0
    return RefusingBackend


@pytest.fixture
def list_survey(db):
    """A draft survey to a list of 120 addresses."""
    survey = SurveyFactory(
        audience=Survey.Audience.LIST,
        audience_emails="\n".join(f"person{n:03d}@example.org" for n in range(120)),
    )
    add_questions(survey)
    return survey


@pytest.mark.django_db(transaction=True)
def test_opening_sends_invitations_in_outbox_batches_one_connection_each(
    client_as, staff_user, list_survey, counting_smtp, settings, monkeypatch
):
    """120 invitations go out as three send tasks of 50, 50 and 20 messages,
    each over one SMTP connection, like every other mailing of the outbox.

    Committed for real (no test transaction around it), as a worker commits:
    a task per committed batch of invitations, not per invitation."""
    settings.OUTBOX_BATCH_SIZE = 50
    batches = []
    publish = message_send_batch_task.apply_async

    def record(args=None, kwargs=None, **options):
        batches.append(len(args[0]))
        return publish(args=args, kwargs=kwargs, **options)

    monkeypatch.setattr(message_send_batch_task, "apply_async", record)
    page = client_as(staff_user).post(
        reverse("surveys:survey-open", args=[list_survey.pk])
    )
    assert page.status_code == 302
    assert batches == [50, 50, 20]
    assert counting_smtp.opened == 3
    assert len(mail.outbox) == 120
    assert len({m.to[0] for m in mail.outbox}) == 120


def test_people_who_join_an_open_survey_are_invited_by_the_sweep(
    staff_user, django_capture_on_commit_callbacks
):
    """Invitations follow the database: a mentee placed after the survey
    opened is invited by the next sweep, the others are not invited again."""
    survey = SurveyFactory()
    add_questions(survey)
    _cohort, first = cohort_with_mentees(survey.round, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=survey, by=staff_user)
    assert len(mail.outbox) == 3
    _other, joined = cohort_with_mentees(survey.round, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_sweep() == 2
        assert services.invitations_sweep() == 0
    assert sorted(m.to[0] for m in mail.outbox[3:]) == sorted(u.email for u in joined)
    assert Invitation.objects.filter(survey=survey).count() == 5


def test_closed_and_draft_surveys_are_left_alone_by_the_sweep(staff_user):
    draft = SurveyFactory()
    add_questions(draft)
    cohort_with_mentees(draft.round, 2)
    closed = SurveyFactory(status=Survey.Status.CLOSED)
    cohort_with_mentees(closed.round, 2)
    assert services.invitations_sweep() == 0
    assert not Invitation.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_dispatch_and_the_sweep_at_once_invite_each_recipient_once(
    list_survey, broker_drops
):
    """The task and the sweep running at the same moment take turns on the
    survey's row: 120 invitations and 120 messages, none twice.

    The sends are left queued (their wake-ups dropped): Celery's in-process
    mode keeps a flag per process that tasks run at once in threads would
    race on."""
    Survey.objects.filter(pk=list_survey.pk).update(status=Survey.Status.OPEN)
    barrier = threading.Barrier(3)
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=(lambda: services.survey_dispatch(survey=list_survey),)
        ),
        threading.Thread(target=run, args=(services.invitations_sweep,)),
        threading.Thread(
            target=run, args=(lambda: services.survey_dispatch(survey=list_survey),)
        ),
    ]
    with broker_drops():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Invitation.objects.filter(survey=list_survey).count() == 120
    messages = Message.objects.filter(kind=Kind.SURVEY_INVITATION)
    assert messages.count() == 120
    assert len(set(messages.values_list("to_email", flat=True))) == 120


# --- links ------------------------------------------------------------------------


def test_the_answer_link_is_made_when_sent_and_works(
    client, list_survey, django_capture_on_commit_callbacks
):
    """The outbox keeps a placeholder and the invitation; the e-mail carries a
    link that opens the survey."""
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=list_survey)
    message = Message.objects.filter(kind=Kind.SURVEY_INVITATION).first()
    assert str(links.PLACEHOLDER) in message.body_text
    assert "/surveys/answer/" not in message.body_text + message.body_html
    assert message.link_kind == services.SURVEY_LINK
    sent = next(m for m in mail.outbox if m.to == [message.to_email])
    token = token_in(sent.body)
    invitation = Invitation.objects.get(pk=message.link_object_id)
    assert invitation.token_hash == hash_token(token)
    assert client.get(reverse("surveys:answer", args=[token])).status_code == 200


def test_a_repeated_send_carries_the_same_link_and_message_id(
    list_survey, django_capture_on_commit_callbacks
):
    """The one duplicate a killed worker can cause is the same e-mail: same
    Message-ID, same working link."""
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=list_survey)
    message = Message.objects.filter(kind=Kind.SURVEY_INVITATION).first()
    first = next(m for m in mail.outbox if m.to == [message.to_email])
    Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    message_send_batch(message_ids=[message.pk])
    again = [m for m in mail.outbox if m.to == [message.to_email]]
    assert len(again) == 2
    assert again[1].extra_headers["Message-ID"] == first.extra_headers["Message-ID"]
    assert token_in(again[1].body) == token_in(first.body)
    assert selectors.invitation_for_token(token_in(first.body)) is not None


def test_a_late_invitation_does_not_revive_a_replaced_link(
    list_survey, django_capture_on_commit_callbacks
):
    """Once a reminder went out with a new link, an older invitation e-mail
    sent late (a retry) leaves the reminder's link the working one."""
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=list_survey)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_remind(survey=list_survey, days=3)
    reminder = Message.objects.filter(kind=Kind.SURVEY_REMINDER).first()
    invitation = Invitation.objects.get(pk=reminder.link_object_id)
    sent = [m for m in mail.outbox if m.to == [invitation.email]]
    old, new = token_in(sent[0].body), token_in(sent[1].body)
    assert old != new
    assert invitation.token_hash == hash_token(new)
    first = Message.objects.get(
        kind=Kind.SURVEY_INVITATION, link_object_id=invitation.pk
    )
    Message.objects.filter(pk=first.pk).update(status=Message.Status.PENDING)
    message_send_batch(message_ids=[first.pk])
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(new)


def test_an_invitation_gone_before_sending_fails_with_the_reason(
    list_survey, django_capture_on_commit_callbacks
):
    """A survey deleted before its e-mails left: they are marked failed with
    the reason, not sent without a link."""
    with django_capture_on_commit_callbacks():  # written, not yet sent
        services.survey_open(survey=list_survey)
        services.survey_dispatch(survey=list_survey)
    survey_id = list_survey.pk
    ids = list(
        Message.objects.filter(kind=Kind.SURVEY_INVITATION).values_list("pk", flat=True)
    )
    Survey.objects.filter(pk=survey_id).delete()
    result = message_send_batch(message_ids=ids[:3])
    assert len(result.failed) == 3 and mail.outbox == []
    failed = Message.objects.get(pk=ids[0])
    assert failed.status == Message.Status.FAILED
    assert str(services.INVITATION_GONE) in failed.last_error


def test_invitation_writing_needs_no_account(django_capture_on_commit_callbacks):
    """A listed address with no account is invited and its link works."""
    survey = SurveyFactory(
        audience=Survey.Audience.LIST, audience_emails="new.person@example.org"
    )
    add_questions(survey)
    factories.UserFactory(email="someone.else@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey=survey)
    (sent,) = mail.outbox
    assert selectors.invitation_for_token(token_in(sent.body)).user is None
