"""Real services for tests: Redis, a recording SMTP server, Celery processes.

Load with ``pytest_plugins = ["tests.support.services"]``. Fixtures:

- ``redis_url``: the broker for a test. ``CELERY_BROKER_URL`` from the
  environment if set, else a throwaway ``redis-server`` on a free port (the test
  is skipped, naming what is missing, when there is no binary).
- ``redis_server``: a throwaway ``redis-server`` the test owns and may stop and
  start again on the same port (for "Redis is down" tests).
- ``smtp_server``: an aiosmtpd server on a free loopback port that records every
  message it accepts; it can refuse for a number of messages or seconds, and
  hold a conversation open so a test can kill the sender mid-message.
- ``celery_broker``: points this process's Celery app at ``redis_url`` (not in
  process any more) for the test.
- ``celery_worker_proc``: a factory that starts ``python -m celery -A dashmentor
  worker`` (and, by default, its beat) as a subprocess on the test database,
  the broker and the SMTP server; the process can be SIGKILLed and restarted.
- ``celery_beat_proc``: a factory for a separate ``celery beat`` process.
- ``broker_down`` and ``broker_drops``: in-process, publishing to a Redis that
  refuses, or every task message accepted and lost.
- ``measure(...)``: what a fault test counted at the SMTP server (messages,
  duplicates, whether each shares its first copy's Message-ID, recipients
  without their message), printed with ``-s`` and in the run's summary.

Tests that use the processes need ``@pytest.mark.django_db(transaction=True)``
so that the rows they write are committed where the worker can read them.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = ""):
    """Poll ``predicate`` until it is true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what or predicate}")


# --- Redis ----------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of our own: in memory, no persistence, loopback only."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("needs the redis-server binary (apt-get install redis-server)")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, what=f"redis-server on port {self.port}")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def flush(self) -> None:
        import redis

        redis.Redis(port=self.port).flushall()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def shared_redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(request):
    """The broker URL for this test, with an empty queue."""
    from_env = os.environ.get("CELERY_BROKER_URL", "").strip()
    if from_env and from_env.startswith("redis"):
        import redis

        client = redis.Redis.from_url(from_env)
        client.delete("celery", "unacked", "unacked_index")
        return from_env
    server = request.getfixturevalue("shared_redis_server")
    server.flush()
    return server.url


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of this test alone, which it may stop and start again."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


# --- SMTP -----------------------------------------------------------------------


@dataclass
class Received:
    to: list[str]
    subject: str
    message_id: str
    outbox_key: str
    text: str
    html: str
    at: float


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that records what it accepts and can misbehave."""

    messages: list[Received] = field(default_factory=list)
    refused: int = 0
    refuse_remaining: int = 0
    refuse_until: float = 0.0
    refuse_reply: str = "451 4.3.0 Mail server busy, try again later"
    hold_at_rcpt: int | None = None
    rcpt_seen: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_seen += 1
            hold = self.hold_at_rcpt is not None and self.rcpt_seen == self.hold_at_rcpt
        if hold:
            # Stall mid-conversation: the message is in flight, not accepted.
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_remaining > 0 or time.monotonic() < self.refuse_until:
                self.refuse_remaining = max(0, self.refuse_remaining - 1)
                self.refused += 1
                return self.refuse_reply
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = html = ""
        for part in parsed.walk():
            if part.get_content_type() == "text/plain" and not text:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and not html:
                html = part.get_content()
        received = Received(
            to=list(envelope.rcpt_tos),
            subject=str(parsed.get("Subject", "")),
            message_id=str(parsed.get("Message-ID", "")),
            outbox_key=str(parsed.get("X-Outbox-Key", "")),
            text=text,
            html=html,
            at=time.time(),
        )
        with self.lock:
            self.messages.append(received)
        return "250 2.0.0 Message accepted for delivery"


class SMTPServer:
    """A recording SMTP server on a free loopback port."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    def count_by_recipient(self) -> Counter:
        return Counter(addr.lower() for m in self.messages for addr in m.to)

    def refuse(self, *, messages: int = 0, seconds: float = 0.0) -> None:
        """Answer 451 to the next ``messages`` messages, or for ``seconds``."""
        with self.handler.lock:
            self.handler.refuse_remaining = messages
            self.handler.refuse_until = time.monotonic() + seconds if seconds else 0

    def hold_at_rcpt(self, n: int) -> None:
        """Stall the conversation of the ``n``-th recipient until released."""
        self.handler.hold_at_rcpt = n
        self.handler.held.clear()
        self.handler.release.clear()

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        wait_until(
            lambda: len(self.messages) >= count,
            timeout,
            what=f"{count} messages at the SMTP server (have {len(self.messages)})",
        )
        return self.messages


@pytest.fixture
def smtp_server():
    import logging

    # aiosmtpd logs every command at INFO: thousands of lines per test.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    server = SMTPServer().start()
    yield server
    server.stop()


# --- Celery ----------------------------------------------------------------------


def _reset_celery_connections(app) -> None:
    """Forget pooled broker connections, so the next task uses the new URL."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def celery_broker(redis_url):
    """Send this process's tasks to ``redis_url`` instead of running them here."""
    from dashmentor.celery import app

    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    _reset_celery_connections(app)
    yield redis_url
    app.conf.update(saved)
    _reset_celery_connections(app)


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """Each test starts with the publishing circuit breaker closed."""
    from dashmentor import broker

    broker.reset()
    yield
    broker.reset()


def _refused_url() -> str:
    """A Redis URL on a loopback port nothing listens on: refused at once."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def broker_down(monkeypatch):
    """``with broker_down():`` the Celery app publishes to a Redis that is down.

    Real publishing (not in process) to a loopback port nothing listens on,
    so kombu fails the way it does in production; tasks no longer run in
    process inside the block. Outside it everything is as before.
    """
    import contextlib

    from django.test import override_settings

    from dashmentor import broker
    from dashmentor.celery import app

    @contextlib.contextmanager
    def down():
        url = _refused_url()
        saved = (app.conf.broker_url, app.conf.task_always_eager)
        with (
            monkeypatch.context() as patch,
            override_settings(CELERY_BROKER_URL=url),
        ):
            patch.setenv("CELERY_BROKER_URL", url)
            app.conf.broker_url, app.conf.task_always_eager = url, False
            _reset_celery_connections(app)
            try:
                yield url
            finally:
                app.conf.broker_url, app.conf.task_always_eager = saved
                _reset_celery_connections(app)
                broker.reset()

    return down


@pytest.fixture
def broker_drops(monkeypatch):
    """``with broker_drops() as lost:`` every task message is accepted and lost.

    What a Redis restart without persistence, or a worker that dies with the
    message, does: the publisher is told it went, and no worker ever runs it.
    ``lost`` lists the names of the tasks that were dropped.
    """
    import contextlib

    from celery.app.task import Task

    @contextlib.contextmanager
    def drops():
        lost: list[str] = []

        def apply_async(self, args=None, kwargs=None, **options):
            lost.append(self.name)

        with monkeypatch.context() as patch:
            patch.setattr(Task, "apply_async", apply_async)
            yield lost

    return drops


def database_env() -> dict[str, str]:
    """Environment that points a subprocess at the current test database."""
    from django.db import connection

    db = connection.settings_dict
    if settings.USING_POSTGRES:
        auth = db["USER"] or "postgres"
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return {"DATABASE_URL": f"postgres://{auth}@{host}:{port}/{db['NAME']}"}
    return {"DATABASE_URL": "", "SQLITE_NAME": str(db["NAME"])}


class CeleryProcess:
    """A ``celery`` subprocess in its own process group, with its log kept."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.args = args
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, ready_line: str | None = None, timeout: float = 60):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._mark = self.log_path.stat().st_size
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "dashmentor", *self.args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if ready_line:
            wait_until(
                lambda: self._ready(ready_line),
                timeout,
                interval=0.1,
                what=f"'{ready_line}' in {self.log_path}",
            )
        return self

    def _ready(self, line: str) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"celery exited with {self.proc.returncode}:\n{self.log()}")
        with open(self.log_path, "rb") as fh:
            fh.seek(self._mark)
            return line.encode() in fh.read()

    def log(self, tail: int | None = 8000) -> str:
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def children(self) -> list[int]:
        """Pids of the pool processes (direct children of the main process)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no hand-back of tasks."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._close()

    def _close(self):
        if self._log is not None:
            self._log.close()
            self._log = None


# Short clocks, so that what takes minutes in production takes seconds in a test.
FAST_CLOCKS = {
    "OUTBOX_SWEEP_SECONDS": "1",
    "OUTBOX_STUCK_AFTER_SECONDS": "4",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_MAX_SECONDS": "2",
    "REMINDERS_SCAN_SECONDS": "3600",
    "EMAIL_TIMEOUT": "5",
}


def _celery_env(broker: str, smtp: SMTPServer | None, extra: dict) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # A worker runs as deployed: not as the test suite (DJANGO_TESTING).
        if not key.startswith(("PYTEST_", "COV_")) and key != "DJANGO_TESTING"
    }
    env.update(database_env())
    env.update(FAST_CLOCKS)
    env.update(
        {
            "CELERY_BROKER_URL": broker,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "dashmentor.settings",
        }
    )
    if smtp is not None:
        env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)})
    env.update({k: str(v) for k, v in extra.items()})
    return {k: v for k, v in env.items() if v != "" or k == "DATABASE_URL"}


@pytest.fixture
def celery_worker_proc(transactional_db, tmp_path, request):
    """Start real workers: ``celery_worker_proc(broker, smtp, beat=True, **env)``.

    Depends on ``transactional_db`` so that the processes stop before the test
    database is flushed.
    """
    started: list[CeleryProcess] = []

    def start(
        broker: str,
        smtp: SMTPServer | None = None,
        *,
        beat: bool = True,
        concurrency: int = 1,
        name: str | None = None,
        **extra_env,
    ) -> CeleryProcess:
        index = len(started)
        name = name or f"w{index}-{os.getpid()}"
        args = [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}@%h",
        ]
        if beat:
            args += ["--beat", f"--schedule={tmp_path / f'beat-{index}'}"]
        proc = CeleryProcess(
            args, _celery_env(broker, smtp, extra_env), tmp_path / f"worker-{index}.log"
        )
        started.append(proc)
        return proc.start(ready_line=" ready.")

    yield start
    # The test has read all it needed: the processes are killed, not stopped
    # warmly (a warm stop waits a second or three for the pool and the beat,
    # in each of some twenty tests). The next test empties the queue first.
    for proc in started:
        proc.kill()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for proc in started:
            sys.stderr.write(f"--- {proc.log_path}\n{proc.log()}\n")


@pytest.fixture
def celery_beat_proc(transactional_db, tmp_path):
    """Start a separate beat: ``celery_beat_proc(broker, **env)``."""
    started: list[CeleryProcess] = []

    def start(broker: str, **extra_env) -> CeleryProcess:
        index = len(started)
        args = [
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / f'beat-only-{index}'}",
        ]
        proc = CeleryProcess(
            args, _celery_env(broker, None, extra_env), tmp_path / f"beat-{index}.log"
        )
        started.append(proc)
        return proc.start(ready_line="beat: Starting")

    yield start
    for proc in started:
        proc.kill()


# --- fault figures -----------------------------------------------------------------


@dataclass
class FaultFigures:
    """What one fault test measured at the SMTP server."""

    scenario: str
    recipients: int
    messages: int
    duplicates: int
    duplicates_sharing_message_id: int
    lost: int
    faults: int = 1

    def line(self) -> str:
        return (
            f"{self.scenario}: {self.faults} fault(s), {self.recipients} recipients, "
            f"{self.messages} messages, {self.duplicates} duplicate(s) "
            f"({self.duplicates_sharing_message_id} with their first copy's "
            f"Message-ID), {self.lost} recipient(s) without their message"
        )


_FAULT_FIGURES: list[FaultFigures] = []


def measure(scenario: str, recipients: list[str], smtp: SMTPServer, faults: int = 1):
    """Count what reached ``smtp`` for ``recipients``; record and return it."""
    by_recipient: dict[str, list[Received]] = {}
    for received in smtp.messages:
        for address in received.to:
            by_recipient.setdefault(address.lower(), []).append(received)
    duplicates = sharing = 0
    for copies in by_recipient.values():
        if len(copies) > 1:
            duplicates += len(copies) - 1
            first = copies[0].message_id
            sharing += sum(1 for c in copies[1:] if c.message_id == first)
    figures = FaultFigures(
        scenario=scenario,
        recipients=len(recipients),
        messages=len(smtp.messages),
        duplicates=duplicates,
        duplicates_sharing_message_id=sharing,
        lost=sum(1 for r in recipients if r.lower() not in by_recipient),
        faults=faults,
    )
    _FAULT_FIGURES.append(figures)
    sys.stdout.write(f"\nfault figures: {figures.line()}\n")
    return figures


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print what the fault tests measured (the README quotes these)."""
    if _FAULT_FIGURES:
        terminalreporter.section("fault figures")
        for figures in _FAULT_FIGURES:
            terminalreporter.write_line(figures.line())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
