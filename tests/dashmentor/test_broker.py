"""Waking workers never costs a page anything when the broker is down.

The broker here is real: kombu publishing to a loopback port nothing listens
on (``broker_down``), or a throwaway ``redis-server`` stopped and started
again. What the tests count is attempts to reach the broker, not seconds
(``bench/broker_down.py`` measures the time).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from kombu import Connection

from dashmentor import broker
from dashmentor.celery import app, ping
from notifications.models import Kind, Message
from notifications.services import message_enqueue, outbox_sweep
from tests.test_permission_matrix import (  # noqa: F401 - the world fixture
    EXPECTED,
    ROLES,
    answer,
    world,
)


@pytest.fixture
def connection_attempts(monkeypatch):
    """Every attempt of this process to open a broker connection, counted."""
    attempts = []
    establish = Connection._establish_connection

    def counted(self):
        attempts.append(self.as_uri())
        return establish(self)

    monkeypatch.setattr(Connection, "_establish_connection", counted)
    return attempts


def write(n: int) -> Message:
    with transaction.atomic():
        return message_enqueue(
            kind=Kind.GENERAL,
            to_email=f"person{n}@example.org",
            subject=f"Notice {n}",
            template="notifications_notice",
            context={"body": "The meeting moved."},
            key=f"notice:{n}",
        )


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_many_transactions_try_it_once(
    broker_down, connection_attempts
):
    """200 requests that each queue an e-mail while Redis is down: the first
    tries the broker once, the others do not wait on it at all (the breaker
    is open); every row waits, pending, for the sweep."""
    with broker_down():
        for n in range(200):
            write(n)
    assert len(connection_attempts) == 1
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
    assert outbox_sweep().pending == 200
    assert len(mail.outbox) == 200


def test_publishing_tries_again_after_the_cooldown(broker_down, connection_attempts):
    """After the cooldown the process tries the broker again, once."""
    with broker_down():
        assert broker.publish(ping, ["x"]) is False
        assert not broker.available()
        assert broker.publish(ping, ["x"]) is False
        assert len(connection_attempts) == 1
        # Nested, not pytest-django's ``settings``: that one is undone after
        # ``broker_down`` and would put back the refused broker for good.
        with override_settings(BROKER_PUBLISH_COOLDOWN=0):
            broker.reset()
            assert broker.publish(ping, ["x"]) is False
        assert len(connection_attempts) == 2


def test_in_process_the_task_runs_at_once_and_its_errors_show(monkeypatch):
    """Without a broker (the embedded default and the tests) nothing is
    swallowed: a failing task fails the caller, as Celery does in process."""
    assert broker.publish(ping, ["hello"]) is True

    def boom(*args, **kwargs):
        raise RuntimeError("the task failed")

    monkeypatch.setattr(ping, "run", boom)
    with pytest.raises(RuntimeError):
        broker.publish(ping, ["hello"])


@pytest.mark.worker
def test_a_redis_restart_costs_one_reconnect_not_a_paused_process(
    redis_server, monkeypatch
):
    """The kept connection dies with a Redis restart; the next publish opens a
    fresh one at once instead of pausing publishing for the cooldown."""
    import redis

    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = redis_server.url, False
    try:
        assert broker.publish(ping, ["before"]) is True
        redis_server.stop()
        redis_server.start()
        assert broker.publish(ping, ["after"]) is True
        assert broker.available()
        queued = redis.Redis(port=redis_server.port).llen("celery")
        assert queued == 1  # the first went with the old Redis's memory
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        broker.reset()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_as_usual_with_the_broker_down(
    world,  # noqa: F811
    client,
    role,
    broker_down,
):
    """Every URL of the permission matrix, as every role, with Redis down:
    the same answer as with it up, and /health/ says the broker is down."""
    user = world.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrong = []
    with broker_down():
        for name, (args, expected) in sorted(EXPECTED.items()):
            if name == "health":
                continue
            url = reverse(name, args=args(world) if args else None)
            got = answer(client.get(url))
            if got != expected[role]:
                wrong.append(f"{name} ({url}): expected {expected[role]}, got {got}")
        health = client.get(reverse("health"))
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
    assert health.status_code == 503
