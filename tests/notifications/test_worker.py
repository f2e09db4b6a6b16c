"""The outbox with a real Celery worker on Redis and a recording SMTP server.

These tests start processes: ``redis-server``, ``celery worker`` (with its beat)
and an aiosmtpd server on loopback ports, and kill them the way production
loses them.
"""

import os
import random
import signal

import pytest
from django.db import transaction

from notifications.models import Kind, Message
from notifications.services import message_enqueue
from tests.support.services import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def enqueue_many(count: int, prefix: str = "fault") -> list[str]:
    """Write ``count`` messages in one transaction, as a group e-mail does."""
    addresses = [f"{prefix}{n:04d}@example.org" for n in range(count)]
    with transaction.atomic():
        for n, address in enumerate(addresses):
            message_enqueue(
                kind=Kind.GROUP_EMAIL,
                to_email=address,
                subject=f"Group news {n}",
                template="notifications_notice",
                context={"body": f"Message number {n}."},
                key=f"{prefix}:{n}",
            )
    return addresses


def all_sent(count: int):
    return Message.objects.filter(status=Message.Status.SENT).count() == count


def test_messages_written_in_a_transaction_reach_the_smtp_server_once(
    celery_broker, smtp_server, celery_worker_proc, monkeypatch, settings
):
    """Messages are sent by the worker after commit, each once, text and HTML;
    the 60 messages of the transaction go to the broker as two batch tasks."""
    from notifications.tasks import message_send_batch_task

    settings.OUTBOX_BATCH_SIZE = 50
    publish = message_send_batch_task.apply_async
    published = []

    def record(args, **options):
        published.append(len(args[0]))
        return publish(args, **options)

    monkeypatch.setattr(message_send_batch_task, "apply_async", record)
    celery_worker_proc(celery_broker, smtp_server)
    addresses = enqueue_many(60)
    assert published == [50, 10]
    smtp_server.wait_for(60)
    wait_until(lambda: all_sent(60), 30, what="60 rows marked sent")
    counts = smtp_server.count_by_recipient()
    assert sorted(counts) == addresses
    assert set(counts.values()) == {1}
    first = smtp_server.messages[0]
    assert "Message number" in first.text
    assert "<html" in first.html
    assert first.message_id.startswith("<outbox.")


def test_worker_killed_mid_batch_every_recipient_gets_exactly_one_message(
    celery_broker, smtp_server, celery_worker_proc
):
    """A worker SIGKILLed in the middle of sending a batch of 200, and a new one
    started: all 200 recipients receive their message, none twice.

    The SMTP server stalls the 80th conversation so that the kill lands while a
    message is in flight (claimed, "sending", not yet accepted by the server).
    The new worker's sweep finds that row and the queued rest, and sends them.
    """
    smtp_server.hold_at_rcpt(80)
    worker = celery_worker_proc(celery_broker, smtp_server)
    addresses = enqueue_many(200)
    wait_until(smtp_server.handler.held.is_set, 60, what="the 80th message in flight")
    assert len(smtp_server.messages) == 79
    assert Message.objects.filter(status=Message.Status.SENDING).count() == 1

    worker.kill()
    smtp_server.handler.release.set()
    celery_worker_proc(celery_broker, smtp_server)

    wait_until(lambda: all_sent(200), 90, what="200 rows marked sent")
    counts = smtp_server.count_by_recipient()
    assert sorted(counts) == addresses
    assert set(counts.values()) == {1}, counts.most_common(3)


def test_worker_killed_at_a_random_moment_loses_nothing(
    celery_broker, smtp_server, celery_worker_proc
):
    """A SIGKILL at an arbitrary moment of a batch of 200 loses no message.

    The only way to a duplicate is a kill between the server's acceptance and
    the commit of the "sent" mark: at most one message for the one killed
    process, and it carries the same Message-ID as the first copy.
    """
    worker = celery_worker_proc(celery_broker, smtp_server)
    addresses = enqueue_many(200)
    smtp_server.wait_for(random.randint(20, 150), timeout=60)
    worker.kill()
    celery_worker_proc(celery_broker, smtp_server)

    wait_until(lambda: all_sent(200), 90, what="200 rows marked sent")
    counts = smtp_server.count_by_recipient()
    assert sorted(counts) == addresses
    duplicates = {addr: n for addr, n in counts.items() if n > 1}
    assert len(duplicates) <= 1 and set(duplicates.values()) <= {2}
    for address in duplicates:
        ids = {m.message_id for m in smtp_server.messages if address in m.to}
        assert len(ids) == 1


def test_pool_process_killed_hands_its_batch_back_at_once(
    celery_broker, smtp_server, celery_worker_proc, celery_beat_proc
):
    """When the pool process dies mid-batch, the worker gives the task back
    (``task_reject_on_worker_lost``); the new pool process finishes the batch,
    and the one message in flight is sent by the sweep: each recipient once."""
    smtp_server.hold_at_rcpt(20)
    # Beat runs apart, so that the worker's only child is its pool process.
    celery_beat_proc(celery_broker)
    worker = celery_worker_proc(celery_broker, smtp_server, beat=False)
    addresses = enqueue_many(50)
    wait_until(smtp_server.handler.held.is_set, 60, what="the 20th message in flight")
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    smtp_server.handler.release.set()

    wait_until(lambda: all_sent(50), 60, what="50 rows marked sent")
    counts = smtp_server.count_by_recipient()
    assert sorted(counts) == addresses
    assert set(counts.values()) == {1}


def test_smtp_refusing_for_a_while_messages_are_retried_then_delivered(
    celery_broker, smtp_server, celery_worker_proc
):
    """The mail server answers 451 for a few seconds: every message is retried
    with backoff and delivered once the server accepts again; none is lost."""
    celery_worker_proc(celery_broker, smtp_server)
    smtp_server.refuse(seconds=5)
    addresses = enqueue_many(20)
    wait_until(lambda: smtp_server.handler.refused >= 20, 30, what="20 refusals")
    assert Message.objects.filter(attempts__gte=1).exclude(last_error="").exists()

    wait_until(lambda: all_sent(20), 60, what="20 rows marked sent")
    counts = smtp_server.count_by_recipient()
    assert sorted(counts) == addresses
    assert set(counts.values()) == {1}
    assert all(m.attempts >= 2 for m in Message.objects.all())


def test_smtp_refusing_for_good_marks_the_message_failed_for_staff(
    celery_broker, smtp_server, celery_worker_proc
):
    """After the last attempt a message is "failed" with the server's answer."""
    celery_worker_proc(celery_broker, smtp_server, OUTBOX_MAX_ATTEMPTS=3)
    smtp_server.refuse(seconds=600)
    enqueue_many(2)
    wait_until(
        lambda: Message.objects.filter(status=Message.Status.FAILED).count() == 2,
        60,
        what="2 failed rows",
    )
    failed = Message.objects.first()
    assert failed.attempts == 3
    assert "451" in failed.last_error
    assert smtp_server.messages == []


def test_redis_down_when_the_event_happens_the_row_waits_and_is_sent_later(
    redis_server, smtp_server, celery_worker_proc, monkeypatch
):
    """With Redis down, the event still commits and its message waits as a
    pending row; when Redis is back, the beat's sweep hands it to the worker."""
    from dashmentor.celery import app
    from tests.support.services import _reset_celery_connections

    # Celery reads a CELERY_BROKER_URL environment variable before its own
    # configuration (CI sets one), so point both at the Redis this test stops.
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = redis_server.url, False
    _reset_celery_connections(app)
    try:
        celery_worker_proc(redis_server.url, smtp_server)
        redis_server.stop()
        enqueue_many(3, prefix="outage")
        assert set(Message.objects.values_list("status", flat=True)) == {
            Message.Status.PENDING
        }
        redis_server.start()
        smtp_server.wait_for(3, timeout=90)
        wait_until(lambda: all_sent(3), 30, what="3 rows marked sent")
        assert set(smtp_server.count_by_recipient().values()) == {1}
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_celery_connections(app)


def test_two_beats_firing_the_reminder_scan_send_each_reminder_once(
    celery_broker, smtp_server, celery_worker_proc, celery_beat_proc
):
    """Two beat processes, each firing the reminder scan every second, and a
    worker running two scans at a time: each member of the drafting
    organization receives the deadline reminder once."""
    import datetime as dt

    from django.utils import timezone

    from applications.models import Application
    from dashmentor.models import Membership
    from tests import factories

    now = timezone.now()
    round_ = factories.RoundFactory(
        opens_at=now - dt.timedelta(days=20), closes_at=now + dt.timedelta(days=6)
    )
    draft = factories.ApplicationFactory(round=round_, created_by__email="lead@x.org")
    Membership.objects.create(
        user=factories.UserFactory(email="second@x.org"),
        organization=draft.organization,
    )
    Application.objects.filter(pk=draft.pk).update(
        created_at=now - dt.timedelta(days=10)
    )

    fast = {"REMINDERS_SCAN_SECONDS": "1"}
    worker = celery_worker_proc(celery_broker, smtp_server, beat=False, concurrency=2)
    celery_beat_proc(celery_broker, **fast)
    celery_beat_proc(celery_broker, **fast)

    smtp_server.wait_for(2, timeout=60)

    def scans_run():
        return (
            worker.log(tail=None).count("reminders_scan_task") // 2
        )  # received, succeeded

    # Let both beats fire several more scans after the first delivery.
    already = scans_run()
    wait_until(lambda: scans_run() >= already + 6, 30, what="six more scans")
    assert smtp_server.count_by_recipient() == {"lead@x.org": 1, "second@x.org": 1}
    assert Message.objects.filter(kind=Kind.DEADLINE_REMINDER).count() == 2
