"""The outbox in process: rows, idempotency, batching, retries and the sweep."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Message, Preference
from notifications.services import message_enqueue, outbox_sweep
from tests import factories
from tests.notifications.backends import RefusingBackend
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    settings.OUTBOX_MAX_ATTEMPTS = 4
    RefusingBackend.refuse = 0
    RefusingBackend.reply = (451, b"4.3.0 Try again later")
    RefusingBackend.opened = 0
    yield RefusingBackend
    RefusingBackend.refuse = 0


def notice(to="reader@example.org", key="n:1", kind=Kind.GROUP_EMAIL, **extra):
    return message_enqueue(
        kind=kind,
        to_email=to,
        subject=extra.pop("subject", "Group news"),
        template="notifications_notice",
        context={"body": "The meeting moved to Thursday.", **extra},
        key=key,
        recipient=extra.pop("recipient", None),
    )


def test_message_is_sent_after_commit_with_text_html_and_a_stable_message_id(
    django_capture_on_commit_callbacks,
):
    """The row is written in the transaction and sent once it commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = notice()
        assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.sent_at is not None and message.attempts == 1
    (sent,) = mail.outbox
    assert sent.to == ["reader@example.org"]
    assert "The meeting moved to Thursday." in sent.body
    html = sent.alternatives[0][0]
    assert "The meeting moved to Thursday." in html and "<html" in html
    assert sent.extra_headers["Message-ID"] == message.message_id_header
    assert message.message_id_header.startswith("<outbox.")


def test_rolled_back_event_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    """A request that fails after writing a message queues nothing."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notice()
        raise RuntimeError("the decision failed")
    assert callbacks == []
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_same_key_twice_is_one_message(django_capture_on_commit_callbacks):
    """The idempotency key makes a second enqueue return the first message."""
    with django_capture_on_commit_callbacks(execute=True):
        first = notice(key="decision:42")
        second = notice(key="decision:42", subject="Something else")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_duplicate_key():
    """Two rows with the same idempotency key cannot exist."""
    from django.db import IntegrityError

    notice(key="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            kind=Kind.GROUP_EMAIL,
            to_email="reader@example.org",
            subject="dup",
            body_text="dup",
            idempotency_key=Message.objects.get().idempotency_key,
        )


def test_long_keys_stay_unique_after_shortening():
    """Keys longer than the column are cut with a hash of the whole."""
    a = services.idempotency_key(Kind.GENERAL, "a@example.org", "x" * 300 + "1")
    b = services.idempotency_key(Kind.GENERAL, "a@example.org", "x" * 300 + "2")
    assert len(a) <= 255 and len(b) <= 255 and a != b


def test_one_transaction_of_many_messages_is_sent_in_batches_over_few_connections(
    django_capture_on_commit_callbacks, settings, refusing
):
    """A group e-mail to 120 people is three batch tasks, one connection each."""
    settings.OUTBOX_BATCH_SIZE = 50
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for n in range(120):
            notice(to=f"member{n}@example.org", key=f"g:{n}")
    assert len(mail.outbox) == 120
    assert refusing.opened == 3
    assert Message.objects.filter(status=Message.Status.SENT).count() == 120


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_of_many_messages_goes_out_in_batches(
    settings, refusing
):
    """At a real commit (not captured callbacks), a group e-mail to 120 people
    is three batch tasks, each sent over one SMTP connection."""
    settings.OUTBOX_BATCH_SIZE = 50
    with transaction.atomic():
        for n in range(120):
            notice(to=f"member{n}@example.org", key=f"g:{n}")
    assert len(mail.outbox) == 120
    assert refusing.opened == 3
    assert Message.objects.filter(status=Message.Status.SENT).count() == 120


@pytest.mark.django_db(transaction=True)
def test_at_commit_the_task_carries_only_the_messages_that_were_kept(monkeypatch):
    """A message whose savepoint rolled back is left out of the batch, and a
    message of an earlier transaction that rolled back is not handed out by
    the next commit."""
    from notifications.tasks import message_send_batch_task

    published = []
    monkeypatch.setattr(
        message_send_batch_task,
        "apply_async",
        lambda args, **options: published.append(args[0]),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        notice(to="lost@example.org", key="lost")
        raise RuntimeError("the whole request failed")
    with transaction.atomic():
        kept = notice(to="kept@example.org", key="k")
        with pytest.raises(RuntimeError), transaction.atomic():
            notice(to="dropped@example.org", key="d")
            raise RuntimeError("this part failed")
        also_kept = notice(to="also-kept@example.org", key="a")
    assert published == [[kept.pk, also_kept.pk]]
    assert sorted(Message.objects.values_list("to_email", "status")) == [
        ("also-kept@example.org", Message.Status.QUEUED),
        ("kept@example.org", Message.Status.QUEUED),
    ]


def test_a_rolled_back_savepoint_drops_only_its_own_message(
    django_capture_on_commit_callbacks,
):
    """A message written in a savepoint that rolls back is neither kept nor
    sent; the rest of the transaction's messages are."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notice(to="kept@example.org", key="k")
        with pytest.raises(RuntimeError), transaction.atomic():
            notice(to="dropped@example.org", key="d")
            raise RuntimeError("this part failed")
        notice(to="also-kept@example.org", key="a")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "also-kept@example.org",
        "kept@example.org",
    ]


def test_sending_a_sent_message_again_sends_nothing(django_capture_on_commit_callbacks):
    """A task delivered twice finds the row sent and does nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        message = notice()
    services.message_send_batch(message_ids=[message.pk, message.pk])
    services.message_send(message_id=message.pk)
    assert len(mail.outbox) == 1


def test_preference_off_suppresses_an_optional_kind_but_not_an_essential_one(
    django_capture_on_commit_callbacks,
):
    """A user who turned off group e-mail gets none; decisions still arrive."""
    user = factories.UserFactory()
    Preference.objects.create(user=user, kind=Kind.GROUP_EMAIL, enabled=False)
    Preference.objects.create(user=user, kind=Kind.DECISION, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        group = notice(to=user.email, recipient=user, key="g")
        decision = notice(to=user.email, recipient=user, key="d", kind=Kind.DECISION)
    assert group.status == Message.Status.SUPPRESSED
    decision.refresh_from_db()
    assert decision.status == Message.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_times_are_rendered_in_the_recipient_time_zone(
    django_capture_on_commit_callbacks,
):
    """The same moment reads 3:30 PM in New York and 12:30 PM in Los Angeles."""
    moment = dt.datetime(2030, 3, 1, 20, 30, tzinfo=dt.UTC)
    west = factories.UserFactory(time_zone="America/Los_Angeles")
    east = factories.UserFactory(time_zone="America/New_York")
    round_ = factories.RoundFactory(closes_at=moment)
    application = factories.ApplicationFactory(round=round_)
    for user in (west, east):
        message_enqueue(
            kind=Kind.DEADLINE_REMINDER,
            to_email=user.email,
            subject="closes soon",
            template="notifications_deadline_reminder",
            context={
                "round": round_,
                "application": application,
                "due_at": moment,
                "time_left": "2 days",
                "path": "/x/",
            },
            key="z",
            recipient=user,
        )
    by_email = {m.to_email: m for m in Message.objects.all()}
    assert "12:30 PM (America/Los Angeles)" in by_email[west.email].body_text
    assert "3:30 PM (America/New York)" in by_email[east.email].body_text
    assert "12:30 PM" in by_email[west.email].body_html
    assert timezone.get_current_timezone() != zoneinfo.ZoneInfo("America/Los_Angeles")


def test_refused_message_waits_with_backoff_and_is_sent_by_the_sweep_when_due(
    django_capture_on_commit_callbacks, refusing, time_machine
):
    """A 451 is an attempt with its error; the sweep retries only when due."""
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    refusing.refuse = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = notice()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.attempts == 1 and "451" in message.last_error
    assert message.next_attempt_at == timezone.now() + dt.timedelta(seconds=30)

    outbox_sweep()  # not yet due
    message.refresh_from_db()
    assert message.attempts == 1

    time_machine.shift(dt.timedelta(seconds=31))
    outbox_sweep()  # second attempt, refused again: wait twice as long
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)

    time_machine.shift(dt.timedelta(seconds=61))
    outbox_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 3
    assert message.last_error == ""
    assert len(mail.outbox) == 1


def test_message_is_failed_after_the_last_attempt(
    django_capture_on_commit_callbacks, refusing, time_machine
):
    """After OUTBOX_MAX_ATTEMPTS refusals the row is failed, for staff to see."""
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    refusing.refuse = 100
    with django_capture_on_commit_callbacks(execute=True):
        message = notice()
    for _ in range(6):
        time_machine.shift(dt.timedelta(hours=2))
        outbox_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 4
    assert mail.outbox == []


def test_permanent_refusal_fails_at_once(django_capture_on_commit_callbacks, refusing):
    """A 5xx answer (no such mailbox) is not retried."""
    refusing.refuse = 1
    refusing.reply = (550, b"5.1.1 No such user")
    with django_capture_on_commit_callbacks(execute=True):
        message = notice()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 1 and "550" in message.last_error


def test_backoff_is_exponential_and_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    assert [services.retry_delay(n) for n in range(1, 8)] == [
        30,
        60,
        120,
        240,
        480,
        600,
        600,
    ]


def test_sweep_sends_a_row_left_sending_by_a_dead_worker(time_machine, settings):
    """A row claimed by a worker that died is sent again after the timeout."""
    settings.OUTBOX_STUCK_AFTER_SECONDS = 300
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    message = notice()
    mail.outbox.clear()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, attempts=1, sending_started_at=timezone.now()
    )
    outbox_sweep()
    assert mail.outbox == []  # a live worker may still be sending it

    time_machine.shift(dt.timedelta(seconds=301))
    result = outbox_sweep()
    assert result.stuck_sending == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert len(mail.outbox) == 1


def test_sweep_hands_out_again_a_row_queued_to_a_lost_task(time_machine, settings):
    """A row handed to Celery whose task was lost is queued again."""
    settings.OUTBOX_STUCK_AFTER_SECONDS = 300
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    message = notice()
    mail.outbox.clear()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED, attempts=0, queued_at=timezone.now()
    )
    assert outbox_sweep().stuck_queued == 0
    time_machine.shift(dt.timedelta(seconds=301))
    assert outbox_sweep().stuck_queued == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_broker_down_leaves_the_row_pending_for_the_sweep(
    django_capture_on_commit_callbacks, broker_down
):
    """When Celery cannot take the task the event still commits; the message
    waits as a pending row and the sweep sends it once the broker is back."""
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        message = notice()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert mail.outbox == []
    assert outbox_sweep().pending == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_two_sweeps_at_once_send_nothing_twice(time_machine):
    """Sweeps racing each other: a row is claimed by one send only."""
    message = notice()
    mail.outbox.clear()
    Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    outbox_sweep()
    outbox_sweep()
    services.message_send_batch(message_ids=[message.pk])
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_batch_at_once_send_each_message_once():
    """Two workers handed the same 60 messages at the same moment (a task
    delivered twice, or the sweep racing a worker): each row is claimed by one
    of them, so each recipient gets one e-mail and each row counts one
    attempt."""
    messages = MessageFactory.create_batch(60, status=Message.Status.QUEUED)
    ids = [message.pk for message in messages]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.message_send_batch(message_ids=ids))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(sent.to[0] for sent in mail.outbox) == sorted(
        message.to_email for message in messages
    )
    assert sorted(len(result.sent) + len(result.skipped) for result in results) == [
        60,
        60,
    ]
    assert set(Message.objects.values_list("status", "attempts")) == {
        (Message.Status.SENT, 1)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_the_claim_commits_without_waiting_for_the_disk():
    """The claim does not wait for the database's log to reach the disk; the
    "sent" mark, which ends the window in which a killed worker causes a
    duplicate, still does, and so does everything the worker writes after."""
    messages = MessageFactory.create_batch(3, status=Message.Status.QUEUED)
    with CaptureQueriesContext(connection) as queries:
        result = services.message_send_batch(message_ids=[m.pk for m in messages])
    assert len(result.sent) == 3
    statements = [query["sql"] for query in queries]
    claims = [sql for sql in statements if "SET status = 'sending'" in sql]
    marks = [sql for sql in statements if "SET status = 'sent'" in sql]
    assert len(claims) == 3 and len(marks) == 3
    assert all(sql.startswith("SET LOCAL synchronous_commit TO OFF;") for sql in claims)
    assert not any("synchronous_commit" in sql for sql in marks)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_plain_text_is_not_html_escaped_but_the_html_part_is():
    message = notice(body="Tom & Jerry's <group> meets at 5.")
    assert "Tom & Jerry's <group> meets at 5." in message.body_text
    assert "Tom &amp; Jerry&#x27;s &lt;group&gt;" in message.body_html


def test_optional_messages_say_how_to_turn_them_off_and_essential_ones_do_not():
    optional = notice(key="o")
    essential = notice(key="e", kind=Kind.DECISION)
    assert "/notifications/settings/" in optional.body_text
    assert "/notifications/settings/" in optional.body_html
    assert "/notifications/settings/" not in essential.body_text
