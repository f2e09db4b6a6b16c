"""The largest mailing the portal makes, under the faults production has.

A survey opened to a list of recipients (``FAULT_RECIPIENTS``, 500 unless
set) is the workload: its invitations are written by a task, then sent by
the outbox in batches. Real processes: a ``celery worker`` with its beat (the
sweeps on short clocks), a recording SMTP server, Redis. Each test injects
one kind of fault, waits until every recipient is invited and every message
sent, and reports (``measure``; printed with ``-s`` and in the run's summary,
quoted in the README) the messages the SMTP server accepted, the duplicates,
whether each duplicate carried its first copy's Message-ID, and recipients
left without their message, which must be none.
"""

from __future__ import annotations

import contextlib
import os
import random
import time

import pytest

from notifications.models import Kind, Message
from surveys import services
from surveys.models import Invitation, Survey
from tests.support.services import _reset_celery_connections, measure, wait_until
from tests.surveys.factories import SurveyFactory, add_questions

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECIPIENTS = int(os.environ.get("FAULT_RECIPIENTS", "500"))
# The invitations sweep every second, as the outbox sweep already does in
# these tests (FAST_CLOCKS); production runs both every minute.
SWEEPS = {"INVITATIONS_SWEEP_SECONDS": "1"}


def list_survey(count: int, prefix: str) -> tuple[Survey, list[str]]:
    emails = [f"{prefix}{n:04d}@example.org" for n in range(count)]
    survey = SurveyFactory(
        audience=Survey.Audience.LIST, audience_emails="\n".join(emails), round=None
    )
    add_questions(survey)
    return survey, emails


def invited(survey) -> int:
    return Invitation.objects.filter(survey=survey).count()


def all_done(survey, count: int) -> bool:
    return (
        invited(survey) == count
        and Message.objects.filter(
            kind=Kind.SURVEY_INVITATION, status=Message.Status.SENT
        ).count()
        == count
    )


def check(figures) -> None:
    assert figures.lost == 0, figures.line()
    assert figures.duplicates == figures.duplicates_sharing_message_id, figures.line()
    assert figures.duplicates <= figures.faults, figures.line()


@contextlib.contextmanager
def publishing_to(url: str, monkeypatch):
    """This process publishes its tasks to ``url`` (not in process)."""
    from dashmentor import broker
    from dashmentor.celery import app

    # Celery reads a CELERY_BROKER_URL environment variable before its own
    # configuration (CI sets one), so point both at this test's Redis.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _reset_celery_connections(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_celery_connections(app)
        broker.reset()


def test_worker_killed_while_writing_invitations(
    celery_broker, smtp_server, celery_worker_proc
):
    """SIGKILL of the worker while its task writes the invitations: the task
    message waits 30 minutes for Redis to give it back, but the invitations
    sweep of the next worker writes the rest within seconds."""
    survey, emails = list_survey(RECIPIENTS, "writing")
    worker = celery_worker_proc(celery_broker, smtp_server, **SWEEPS)
    services.survey_open(survey=survey)
    wait_until(lambda: invited(survey) >= 100, 60, interval=0.02, what="invitations")
    worker.kill()
    at_kill = invited(survey)
    assert at_kill < RECIPIENTS, "the writing ended before the kill"

    celery_worker_proc(celery_broker, smtp_server, **SWEEPS)
    wait_until(lambda: all_done(survey, RECIPIENTS), 240, what="every invitation sent")
    check(measure("worker killed while writing invitations", emails, smtp_server))


@pytest.mark.parametrize("moment", ["just after an acceptance", "at a random time"])
def test_workers_killed_while_sending(
    celery_broker, smtp_server, celery_worker_proc, moment
):
    """Three SIGKILLs during the sending, a new worker after each: at most one
    repeated message per kill, each with its first copy's Message-ID, and
    nobody without theirs.

    "Just after an acceptance" kills the moment the SMTP server has accepted
    a message, before the worker can record it: the worst moment, which shows
    the bound. "At a random time" kills after a random pause: how often a
    kill repeats a message in practice.
    """
    survey, emails = list_survey(RECIPIENTS, "sending")
    worker = celery_worker_proc(celery_broker, smtp_server, **SWEEPS)
    services.survey_open(survey=survey)
    kills = 0
    for share in sorted(random.sample(range(15, 85), 3)):
        target = RECIPIENTS * share // 100
        wait_until(
            lambda t=target: len(smtp_server.messages) >= t,
            240,
            interval=0.002,
            what=f"{target} messages",
        )
        if moment == "at a random time":
            time.sleep(random.uniform(0, 0.5))
        worker.kill()
        kills += 1
        worker = celery_worker_proc(celery_broker, smtp_server, **SWEEPS)
    wait_until(lambda: all_done(survey, RECIPIENTS), 240, what="every invitation sent")
    check(
        measure(
            f"worker killed while sending, {moment}", emails, smtp_server, faults=kills
        )
    )


def test_broker_down_when_the_survey_opens(
    redis_server, smtp_server, celery_worker_proc, monkeypatch
):
    """Redis is down when staff open the survey: the opening commits, nothing
    waits on the broker; once Redis is back the sweeps write and send it all."""
    survey, emails = list_survey(RECIPIENTS, "outage")
    with publishing_to(redis_server.url, monkeypatch):
        celery_worker_proc(redis_server.url, smtp_server, **SWEEPS)
        redis_server.stop()
        services.survey_open(survey=survey)
        survey.refresh_from_db()
        assert survey.status == Survey.Status.OPEN and invited(survey) == 0
        redis_server.start()
        wait_until(
            lambda: all_done(survey, RECIPIENTS), 240, what="every invitation sent"
        )
    check(measure("broker down when the survey opened", emails, smtp_server))


def test_redis_restarted_without_persistence_while_writing_and_sending(
    redis_server, smtp_server, celery_worker_proc, monkeypatch
):
    """Redis restarts empty while the invitations are being written and the
    first are sent: the task messages it held are gone; the rows they stood
    for, and the recipients still without an invitation, are found by the
    sweeps."""
    survey, emails = list_survey(RECIPIENTS, "restart")
    with publishing_to(redis_server.url, monkeypatch):
        celery_worker_proc(redis_server.url, smtp_server, **SWEEPS)
        services.survey_open(survey=survey)
        wait_until(
            lambda: invited(survey) >= RECIPIENTS // 5,
            240,
            interval=0.01,
            what="a fifth of the invitations",
        )
        redis_server.stop()
        redis_server.start()
        wait_until(
            lambda: all_done(survey, RECIPIENTS), 240, what="every invitation sent"
        )
    check(measure("Redis restarted without persistence", emails, smtp_server))
