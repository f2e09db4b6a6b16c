"""Waking workers: publish a task without ever waiting on, or failing for, the broker.

Work the portal owes for later is a database row first (the outbox pattern:
README, "Reliability"). The task message published here only wakes a worker
early, and a beat sweep finishes whatever a lost message left. So publishing
is best-effort and must cost a request nothing when Redis is down:

- one attempt, no retry, with a short connect and read timeout
  (``BROKER_PUBLISH_TIMEOUT``; kombu's own default waits and retries for
  about 0.2 s against a refused connection and seconds against a silent one);
- after a failure this process publishes nothing for
  ``BROKER_PUBLISH_COOLDOWN`` seconds (a circuit breaker, per process): a
  request that writes 1,000 messages while Redis is down pays for one refused
  connection, not 1,000;
- failures are logged, never raised: the event that wrote the row has
  committed, and the sweep will hand it out.

Every ``.delay()`` a request or a service triggers goes through
``publish``/``publish_on_commit``. In process (``task_always_eager``: no broker
configured, and the tests) the task runs at once and its errors propagate, as
Celery does.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

_local = threading.local()
_lock = threading.Lock()
_closed_until = 0.0  # time.monotonic(); publishing resumes after it


def available() -> bool:
    """Whether this process would try to publish now (the breaker is closed).

    False for ``BROKER_PUBLISH_COOLDOWN`` seconds after a failed publish: pages
    use it to say that what they queued goes out once the queue is reachable.
    """
    return time.monotonic() >= _closed_until


def reset() -> None:
    """Close the breaker and forget this thread's connection (tests, fork)."""
    global _closed_until
    with _lock:
        _closed_until = 0.0
    _drop_connection()


def _trip() -> None:
    global _closed_until
    with _lock:
        _closed_until = time.monotonic() + settings.BROKER_PUBLISH_COOLDOWN


def _connection(app):
    """This thread's publishing connection, made afresh after a fork."""
    owner = (os.getpid(), id(app), app.conf.broker_url)
    held = getattr(_local, "held", None)
    if held is not None and held[0] == owner:
        return held[1], True
    _drop_connection()
    timeout = settings.BROKER_PUBLISH_TIMEOUT
    conn = app.connection_for_write(
        transport_options={
            # kombu reads these when it opens the connection: fail at once.
            "max_retries": 0,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
        connect_timeout=timeout,
    )
    _local.held = (owner, conn)
    return conn, False


def _drop_connection() -> None:
    held = getattr(_local, "held", None)
    _local.held = None
    # A connection inherited through a fork belongs to the parent: leave it.
    if held is not None and held[0][0] == os.getpid():
        try:
            held[1].release()
        except Exception:  # already broken; nothing to give back
            logger.debug("broker: closing a broken connection failed", exc_info=True)


def publish(task, args=(), kwargs=None, *, countdown: int | None = None) -> bool:
    """Publish ``task`` once, quickly; return whether the broker took it.

    A kept connection that Redis dropped (a restart) is replaced and tried
    once more at once; any other failure trips the breaker.
    """
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args=list(args), kwargs=kwargs or {}, countdown=countdown)
        return True
    if not available():
        return False
    for _attempt in range(2):
        conn, reused = _connection(app)
        try:
            task.apply_async(
                args=list(args),
                kwargs=kwargs or {},
                countdown=countdown,
                connection=conn,
                retry=False,
            )
            return True
        except Exception as exc:  # kombu raises several kinds when Redis is down
            _drop_connection()
            if reused:
                continue  # the kept connection may be stale: one fresh try
            _trip()
            logger.warning(
                "broker: %s not published, the sweep will do it "
                "(publishing paused for %ss): %s",
                task.name,
                settings.BROKER_PUBLISH_COOLDOWN,
                exc,
            )
            return False
    return False


def publish_on_commit(task, *args, **kwargs) -> None:
    """Publish ``task(*args, **kwargs)`` once the current transaction commits."""
    transaction.on_commit(lambda: publish(task, args, kwargs))
