"""What a down broker costs the web: queued mail and pages, with Redis stopped.

Starts a throwaway ``redis-server`` on a free port, points the portal's Celery
at it (not in process) and measures, in this process, against a fresh
database (a temporary SQLite file, or the PostgreSQL database named, dropped
and created anew):

1. writing 1,000 queued messages, each in a transaction of its own (1,000
   events: a reset asked, a decision made...), with Redis up, then stopped;
   target: under 10 s with Redis stopped (it was 212 s);
2. a page that queues mail (the password reset form, anonymous POST), as
   median and p95 of ``--requests`` requests through Django's WSGI handler,
   with Redis up, then stopped; target: the median within 50 ms of its time
   with Redis up;
3. ``/health/`` with Redis stopped (it must answer, naming the broker down);
4. one publish with the retry policy the outbox used before (two retries,
   0.2 s apart), for comparison.

    python bench/broker_down.py
    python bench/broker_down.py --database-url postgres://postgres@127.0.0.1:5432/dm_bench

Every row written while Redis is stopped is ``pending``: the script checks it
and exits 1 if a target is missed or a row was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def prepare_database(args, workdir: Path) -> dict[str, str]:
    if not args.database_url:
        return {"DATABASE_URL": "", "SQLITE_NAME": str(workdir / "bench.sqlite3")}
    import psycopg2

    base, _, name = args.database_url.rpartition("/")
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return {"DATABASE_URL": args.database_url}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="broker-down-bench-"))
    os.environ.update(prepare_database(args, workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")
    # Pages rate-limit resets per address; the bench asks many.
    os.environ["RATE_LIMIT_PASSWORD_RESET"] = str(10 * args.requests)

    # The settings read the broker's address when they load (the test
    # support module below loads them): choose the port first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"

    from tests.support.services import RedisServer, _reset_celery_connections

    redis = RedisServer(workdir, port=port).start()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from dashmentor import broker
    from dashmentor.celery import app
    from dashmentor.models import User
    from notifications.models import Kind, Message
    from notifications.services import message_enqueue
    from notifications.tasks import message_send_batch_task

    call_command("migrate", verbosity=0)
    app.conf.broker_url = redis.url
    app.conf.task_always_eager = False
    _reset_celery_connections(app)
    print(
        f"broker-down bench: {'PostgreSQL' if args.database_url else 'SQLite'}, "
        f"Redis {redis.url}, publish timeout {settings.BROKER_PUBLISH_TIMEOUT} s, "
        f"cooldown {settings.BROKER_PUBLISH_COOLDOWN} s"
    )

    def write(label: str) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(args.messages):
            with transaction.atomic():
                message_enqueue(
                    kind=Kind.GENERAL,
                    to_email=f"{label}{n:05d}@example.org",
                    subject=f"Notice {n}",
                    template="notifications_notice",
                    context={"body": f"Notice {n} of the broker bench."},
                    key=f"{label}:{n}",
                )
        return time.perf_counter() - started, time.process_time() - cpu

    # Accounts with a password (the reset form writes to no other), a set for
    # each run: an account asks once (a second ask in the same minute is the
    # same message).
    users = [
        User.objects.create_user(
            email=f"reader{n}@example.org",
            password="a-long-bench-passphrase",  # noqa: S106 - a throwaway account
        )
        for n in range(3 * args.requests)
    ]
    client = Client()

    def pages(run: int) -> list[float]:
        times = []
        for user in users[run * args.requests : (run + 1) * args.requests]:
            started = time.perf_counter()
            response = client.post("/accounts/password-reset/", {"email": user.email})
            times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        return times

    pages(0)  # warm up templates, URL resolver, the connection
    up_write = write("up")
    up_pages = pages(1)
    resets = Message.objects.filter(kind=Kind.PASSWORD_RESET).count()
    assert resets == 2 * args.requests, f"{resets} e-mails for {2 * args.requests}"
    queued_up = Message.objects.filter(status=Message.Status.QUEUED).count()

    redis.stop()
    broker.reset()
    down_write = write("down")
    down_rows = Message.objects.filter(to_email__startswith="down")
    pending = down_rows.filter(status=Message.Status.PENDING).count()
    down_pages = pages(2)
    resets = Message.objects.filter(kind=Kind.PASSWORD_RESET)
    waiting = resets.filter(status=Message.Status.PENDING).count()
    assert waiting == args.requests, f"{waiting} reset e-mails pending"
    started = time.perf_counter()
    health = client.get("/health/")
    health_time = time.perf_counter() - started

    broker.reset()
    old_policy = []
    for _ in range(5):
        started = time.perf_counter()
        with contextlib.suppress(Exception):  # refused, as expected
            message_send_batch_task.apply_async(
                args=[[]],
                retry=True,
                retry_policy={
                    "max_retries": 2,
                    "interval_start": 0,
                    "interval_step": 0.2,
                    "interval_max": 0.5,
                },
            )
        old_policy.append(time.perf_counter() - started)

    up_median, down_median = statistics.median(up_pages), statistics.median(down_pages)
    print()
    print(f"{args.messages} queued messages, one transaction each:")
    print(
        f"  Redis up:      {up_write[0]:.2f} s, {up_write[1]:.2f} s of CPU "
        f"({queued_up} handed to Redis)"
    )
    print(
        f"  Redis stopped: {down_write[0]:.2f} s, {down_write[1]:.2f} s of CPU "
        f"({pending} of {args.messages} pending for the sweep)   target < 10 s"
    )
    print(f"password reset page (POST, queues one e-mail), {args.requests} requests:")
    up_p95 = percentile(up_pages, 0.95)
    print(f"  Redis up:      median {ms(up_median)}, p95 {ms(up_p95)}")
    print(
        f"  Redis stopped: median {ms(down_median)}, "
        f"p95 {ms(percentile(down_pages, 0.95))}, max {ms(max(down_pages))}"
    )
    difference = down_median - up_median
    print(f"  difference of the medians: {ms(difference)}   target < 50 ms")
    print(f"/health/ with Redis stopped: {health.status_code} in {ms(health_time)}")
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores")
    print(
        "one publish with the former retry policy, Redis stopped: median "
        f"{ms(statistics.median(old_policy))}"
    )
    redis.stop()

    ok = (
        down_write[0] < 10
        and pending == args.messages
        and down_median - up_median < 0.050
        and health.status_code == 503
    )
    print("targets met" if ok else "A TARGET WAS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
