"""Work the portal owes for later: a row first, a wake-up second, a sweep last.

One test per row of the README's reliability table. Each does what a person
does, through the page, while the broker is down (a Redis that refuses: the
page must answer as usual) or while every task message is dropped (accepted
and never run: what a Redis restart without persistence or a killed worker
does), checks that nothing was done yet, then runs the beat task that is the
row's sweep and finds the work done, once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from affinity.models import GroupEmail
from affinity.tasks import group_emails_sweep_task
from applications.models import Round
from applications.review import tasks as application_tasks
from notifications.models import Kind, Message
from notifications.tasks import outbox_sweep_task
from surveys import services as survey_services
from surveys.models import Invitation, PendingResponse, Response, Survey, hash_token
from surveys.tasks import invitations_sweep_task, surveys_scan_task
from tests import factories
from tests.affinity.factories import GroupFactory, GroupMemberFactory
from tests.applications import review_factories as rf
from tests.applications.test_review_views import _rubric_post
from tests.surveys.factories import (
    SurveyFactory,
    add_questions,
    cohort_with_mentees,
    valid_answers,
)

pytestmark = pytest.mark.django_db

# The sweeps leave younger rows to their own wake-up; past these they act.
AFTER_STUCK = dt.timedelta(minutes=11)


def later(delta=AFTER_STUCK):
    return time_machine.travel(timezone.now() + delta, tick=False)


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- outbox messages (every e-mail) ---------------------------------------------------


def test_password_reset_with_the_broker_down_is_sent_by_the_outbox_sweep(
    client, broker_down, django_capture_on_commit_callbacks
):
    """Row: ``Message`` (pending). Sweep: ``outbox_sweep_task``, every minute."""
    user = factories.UserFactory(email="forgetful@example.org")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("password_reset"), {"email": "forgetful@example.org"}
        )
    assert page.status_code == 302
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    assert message.status == Message.Status.PENDING and mail.outbox == []

    assert outbox_sweep_task()["pending"] == 1
    (sent,) = mail.outbox
    assert sent.to == [user.email] and "/accounts/reset/" in sent.body
    assert outbox_sweep_task()["pending"] == 0
    assert len(mail.outbox) == 1


def test_messages_whose_task_was_dropped_are_sent_by_the_outbox_sweep(
    client, broker_drops, django_capture_on_commit_callbacks
):
    """Handed out (``queued``) and lost: the sweep hands them out again once
    ``OUTBOX_STUCK_AFTER_SECONDS`` have passed, each once."""
    factories.UserFactory(email="forgetful@example.org")
    with broker_drops() as lost, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "forgetful@example.org"})
    assert lost == ["notifications.tasks.message_send_batch_task"]
    assert Message.objects.get().status == Message.Status.QUEUED

    assert outbox_sweep_task()["stuck_queued"] == 0  # its task may still come
    with later():
        assert outbox_sweep_task()["stuck_queued"] == 1
        assert outbox_sweep_task()["stuck_queued"] == 0
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == Message.Status.SENT


def test_a_retry_whose_task_was_dropped_is_sent_by_the_outbox_sweep(
    settings, monkeypatch
):
    """A refused attempt waits as ``pending`` with ``next_attempt_at``; its
    countdown task is only a wake-up: the sweep sends it when it is due."""
    from tests.notifications.backends import RefusingBackend

    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "refuse", 1)
    monkeypatch.setattr(RefusingBackend, "reply", (451, b"4.3.0 Try again later"))
    user = factories.UserFactory()
    from notifications.services import message_enqueue

    message = message_enqueue(
        kind=Kind.GENERAL,
        to_email=user.email,
        subject="Hello",
        template="notifications_notice",
        context={"body": "Hello."},
        key="retry",
    )
    from notifications.services import message_send_batch

    message_send_batch(message_ids=[message.pk])
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.next_attempt_at
    assert outbox_sweep_task()["pending"] == 0  # not due yet
    with later(dt.timedelta(hours=2)):
        assert outbox_sweep_task()["pending"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and len(mail.outbox) == 1


# --- survey invitations ---------------------------------------------------------------


@pytest.fixture
def draft_survey(db):
    survey = SurveyFactory(closes_at=timezone.now() + dt.timedelta(days=10))
    add_questions(survey)
    _big, big = cohort_with_mentees(survey.round, 5)
    _small, small = cohort_with_mentees(survey.round, 4)
    return survey, [*big, *small]


@pytest.mark.django_db(transaction=True)
def test_opening_a_survey_with_the_broker_down_answers_and_the_sweep_invites(
    client_as, staff_user, draft_survey, broker_down
):
    """Row: the open ``Survey`` and its recipients without an ``Invitation``.
    Sweep: ``invitations_sweep_task``, every minute.

    Committed for real (no test transaction around the request), so the
    wake-up is tried when the survey's opening commits, as in production, and
    the page knows it failed."""
    survey, people = draft_survey
    client = client_as(staff_user)
    with broker_down():
        page = client.post(reverse("surveys:survey-open", args=[survey.pk]))
    assert page.status_code == 302
    assert flash(page) == [survey_services.OPENED_QUEUE_DOWN]
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert not Invitation.objects.exists() and mail.outbox == []

    assert invitations_sweep_task() == 9
    assert invitations_sweep_task() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    assert Message.objects.filter(status=Message.Status.SENT).count() == 9


def test_opening_a_survey_whose_dispatch_was_dropped_is_finished_by_the_sweep(
    client_as,
    staff_user,
    draft_survey,
    broker_drops,
    django_capture_on_commit_callbacks,
):
    survey, people = draft_survey
    with broker_drops() as lost, django_capture_on_commit_callbacks(execute=True):
        page = client_as(staff_user).post(
            reverse("surveys:survey-open", args=[survey.pk])
        )
    assert flash(page) == [survey_services.OPENED]
    assert lost == ["surveys.tasks.survey_dispatch_task"]
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_sweep_task() == 9
    assert Invitation.objects.filter(survey=survey).count() == 9
    assert len(mail.outbox) == 9


def test_a_scheduled_opening_whose_dispatch_was_dropped_is_finished_by_the_sweep(
    staff_user, draft_survey, broker_drops, django_capture_on_commit_callbacks
):
    """The surveys scan opens a scheduled survey; its wake-up is lost."""
    survey, _people = draft_survey
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() + dt.timedelta(hours=1)
    )
    survey_services.survey_schedule(survey=survey, by=staff_user)
    with (
        later(dt.timedelta(hours=2)),
        broker_drops() as lost,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert surveys_scan_task()["opened"] == 1
    assert lost == ["surveys.tasks.survey_dispatch_task"]
    assert not Invitation.objects.exists()
    with later(dt.timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        assert invitations_sweep_task() == 9
    assert len(mail.outbox) == 9


# --- release of anonymous answers -----------------------------------------------------


def test_answers_whose_release_was_dropped_are_released_by_the_surveys_scan(
    client, broker_drops, django_capture_on_commit_callbacks
):
    """Row: ``PendingResponse``. Sweep: ``surveys_scan_task``, every 5 minutes."""
    survey = SurveyFactory(status=Survey.Status.OPEN, min_group_size=3)
    questions = add_questions(survey)
    mentorship, people = cohort_with_mentees(survey.round, 3)
    with broker_drops() as lost:
        for n, person in enumerate(people):
            token = f"answer-link-token-{n:02d}-of-the-deferred-test"
            Invitation.objects.create(
                survey=survey,
                user=person,
                email=person.email,
                mentorship=mentorship,
                token_hash=hash_token(token),
            )
            with django_capture_on_commit_callbacks(execute=True):
                page = client.post(
                    reverse("surveys:answer", args=[token]), valid_answers(questions)
                )
            assert page.status_code == 302
    assert lost == ["surveys.tasks.survey_release_task"] * 3
    assert PendingResponse.objects.count() == 3 and not Response.objects.exists()

    assert surveys_scan_task()["released"] == 3
    assert Response.objects.filter(survey=survey).count() == 3
    assert not PendingResponse.objects.exists()


# --- affinity group e-mails -----------------------------------------------------------


def test_a_group_email_sent_with_the_broker_down_is_written_by_its_sweep(
    client_as, broker_down, django_capture_on_commit_callbacks
):
    """Row: ``GroupEmail`` without ``queued_at``. Sweep:
    ``group_emails_sweep_task``, every minute, for e-mails older than one."""
    support = factories.StaffFactory()
    group = GroupFactory(support_staff=[support])
    members = [GroupMemberFactory(group=group) for _ in range(3)]
    client = client_as(support)
    url = reverse("affinity:email", args=[group.pk])
    token = client.get(url).context["form"]["token"].value()
    data = {"token": token, "subject": "Next meeting", "body": "Bring a story."}
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, data)
    assert page.status_code == 302
    email = GroupEmail.objects.get()
    assert email.queued_at is None and not Message.objects.exists()

    assert group_emails_sweep_task() == 0  # its own task may still come
    with (
        later(dt.timedelta(minutes=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert group_emails_sweep_task() == 1
        assert group_emails_sweep_task() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members)


# --- review: a round's totals after a rubric change -----------------------------------


def test_a_rubric_change_with_the_broker_down_is_recomputed_by_its_sweep(
    client_as,
    staff_user,
    reviewer_user,
    broker_down,
    django_capture_on_commit_callbacks,
):
    """Row: ``Round.totals_stale_since``. Sweep: ``rounds_rescore_sweep_task``,
    every 5 minutes, for marks older than ``RESCORE_STUCK_AFTER_SECONDS``."""
    round_ = factories.RoundFactory()
    rf.rubric(round_)
    assignment = rf.ReviewAssignment.objects.create(
        application=rf.SubmittedApplicationFactory(round=round_),
        reviewer=reviewer_user,
    )
    rf.submit_review(assignment, [5, 1, 1, 1])
    url = reverse("applications:staff-rubric", args=[round_.slug])
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        page = client_as(staff_user).post(
            url, _rubric_post(round_, ["3", "1", "1", "1"])
        )
    assert page.status_code == 302
    assert Round.objects.get(pk=round_.pk).totals_stale_since is not None

    with later():
        assert application_tasks.rounds_rescore_sweep_task() == 1
    assignment.review.refresh_from_db()
    assert str(assignment.review.weighted_total) == "3.000"
    assert Round.objects.get(pk=round_.pk).totals_stale_since is None


# --- webhook deliveries ---


def test_a_decision_release_with_the_broker_down_is_delivered_by_the_webhook_sweep(
    client, broker_down, django_capture_on_commit_callbacks
):
    """Row: ``WebhookDelivery`` (pending). Sweep: ``webhook_sweep_task``."""
    from api import services as api_services
    from api.models import WebhookDelivery
    from api.tasks import webhook_sweep_task
    from applications.review import services as review_services
    from tests.api.receiver import Receiver

    staff = factories.StaffFactory()
    application = rf.SubmittedApplicationFactory()
    review_services.decision_record(
        application=application, outcome="accept", by=staff, seen_version=0
    )
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    with Receiver() as receiver:
        endpoint = api_services.endpoint_create(
            url=receiver.url, events=["decision.released"], by=staff
        )
        receiver.secret = api_services.endpoint_secret(endpoint)
        with broker_down(), django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                reverse("applications:staff-release", args=[application.round.slug])
            )
        assert page.status_code == 302
        assert WebhookDelivery.objects.get().status == "pending"
        assert receiver.received == []

        assert webhook_sweep_task()["pending"] == 1
        assert webhook_sweep_task()["pending"] == 0
    assert [r["verified"] for r in receiver.received] == [True]
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_webhook_delivery_whose_task_was_dropped_is_delivered_by_the_sweep(
    broker_drops, django_capture_on_commit_callbacks
):
    from api import services as api_services
    from api.models import WebhookDelivery
    from api.tasks import webhook_sweep_task
    from tests.api.receiver import Receiver

    staff = factories.StaffFactory()
    with Receiver() as receiver:
        endpoint = api_services.endpoint_create(
            url=receiver.url, events=["decision.released"], by=staff
        )
        receiver.secret = api_services.endpoint_secret(endpoint)
        with broker_drops() as lost, django_capture_on_commit_callbacks(execute=True):
            api_services.endpoint_ping(endpoint=endpoint, by=staff)
        assert lost == ["api.tasks.webhook_deliver_batch_task"]
        assert WebhookDelivery.objects.get().status == "queued"
        assert webhook_sweep_task()["stuck_queued"] == 0  # too young yet
        with later():
            assert webhook_sweep_task()["stuck_queued"] == 1
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


# --- close-out: tranches that fall due ------------------------------------------------


def test_a_plan_approved_whose_commit_hook_was_lost_is_made_due_by_the_scan(
    client_as, django_capture_on_commit_callbacks
):
    """Row: the ``Tranche`` rows ``pending`` or ``due``. Sweep:
    ``closeout_scan_task``, every 5 minutes."""
    from awards import services as award_services
    from awards.models import Tranche
    from awards.tasks import closeout_scan_task
    from tests.awards.factories import Awarded

    a = Awarded()
    letter = award_services.letter_issue(award=a.award, by=a.staff, expected_number=0)
    award_services.letter_accept(letter=letter, by=a.contact)
    award_services.letter_countersign(letter=letter, by=a.staff)
    a.file_workplan()
    # The mentor approves through the page; what waited for the commit is lost.
    with django_capture_on_commit_callbacks(execute=False):
        page = client_as(a.mentor).post(
            reverse("cohorts:workplan-review", args=[a.award.pk]),
            {"decision": "approve", "comment": "A clear plan."},
        )
    assert page.status_code == 302
    first = a.award.tranches.get(number=1)
    assert first.status == Tranche.Status.PENDING

    assert closeout_scan_task()["tranches"] == 1
    first.refresh_from_db()
    assert first.status == Tranche.Status.DUE
    assert closeout_scan_task()["tranches"] == 0
