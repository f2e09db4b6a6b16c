"""Send 10,000 messages through a real Celery worker to a local SMTP sink.

Prints messages per second, the duplicates and losses it counted (both must be
zero: the script exits 1 otherwise), and the measured gap between the SMTP
server's acceptance of a message and the worker's "sent" mark: the window in
which a killed worker could cause a duplicate.

    python bench/outbox_bench.py                   # 10,000 messages, SQLite
    python bench/outbox_bench.py --messages 2000 --concurrency 2
    python bench/outbox_bench.py --database-url postgres://postgres@127.0.0.1:5432/dm_bench

Everything runs on this machine: a throwaway redis-server on a free port (or
``--broker``), an aiosmtpd sink on a loopback port, a fresh database (a
temporary SQLite file, or the PostgreSQL database named, which is dropped and
created anew), and ``celery worker`` subprocesses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--per-transaction", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--broker", default="")
    parser.add_argument("--timeout", type=float, default=900)
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


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="outbox-bench-"))
    os.environ.update(prepare_database(args, workdir))
    os.environ["OUTBOX_BATCH_SIZE"] = str(args.batch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    if not args.database_url:
        # SQLite: take the write lock when a transaction begins, so that this
        # process's long enqueue transactions wait for the workers' one-row
        # updates instead of failing on a lock upgrade.
        connections.settings["default"].setdefault("OPTIONS", {})
        connections.settings["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

    from dashmentor.celery import app
    from notifications.models import Kind, Message
    from notifications.services import message_enqueue
    from tests.support.services import (
        FAST_CLOCKS,
        CeleryProcess,
        RedisServer,
        SMTPServer,
        _reset_celery_connections,
    )

    call_command("migrate", verbosity=0)
    redis = None
    broker = args.broker
    if not broker:
        redis = RedisServer(workdir).start()
        broker = redis.url
    app.conf.broker_url = broker
    app.conf.task_always_eager = False
    _reset_celery_connections(app)

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = SMTPServer().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(FAST_CLOCKS)
    env.update(
        {
            "CELERY_BROKER_URL": broker,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "OUTBOX_STUCK_AFTER_SECONDS": "3600",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    addresses = [f"bench{n:05d}@example.org" for n in range(args.messages)]
    print(
        f"outbox bench: {args.messages} messages, {args.concurrency} worker "
        f"process(es), batches of {args.batch}, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, broker {broker}"
    )
    started = time.monotonic()
    for start in range(0, len(addresses), args.per_transaction):
        with transaction.atomic():
            for n in range(start, min(start + args.per_transaction, len(addresses))):
                message_enqueue(
                    kind=Kind.GROUP_EMAIL,
                    to_email=addresses[n],
                    subject=f"Bench message {n}",
                    template="notifications_notice",
                    context={"body": f"Message {n} of the outbox benchmark."},
                    key=f"bench:{n}",
                )
    enqueued = time.monotonic()
    worker = CeleryProcess(
        [
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={args.concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--beat",
            f"--schedule={workdir / 'beat'}",
        ],
        env,
        workdir / "worker.log",
    )
    # The worker starts once every row is written and its task queued, so that
    # the send rate is measured on its own: enqueueing is the callers' cost.
    worker.start()
    # The worker is ready when it answers a ping through the broker.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        time.sleep(0.2)
    else:
        print("worker did not start:\n" + worker.log(), file=sys.stderr)
        return 2

    worker_ready = time.monotonic()

    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if len(smtp.messages) >= args.messages:
            break
        time.sleep(0.1)
    delivered = time.monotonic()
    # Let anything late (a duplicate) arrive before counting.
    time.sleep(3)

    counts = smtp.count_by_recipient()
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    losses = sum(1 for address in addresses if counts.get(address, 0) == 0)
    known = set(addresses)
    strangers = sum(1 for address in counts if address not in known)
    not_sent = Message.objects.exclude(status=Message.Status.SENT).count()

    sent_at = dict(Message.objects.values_list("idempotency_key", "sent_at"))
    gaps_ms = [
        (sent_at[m.outbox_key].timestamp() - m.at) * 1000
        for m in smtp.messages
        if sent_at.get(m.outbox_key)
    ]

    enqueue_s = enqueued - started
    send_s = delivered - worker_ready
    print(
        f"  enqueue (render, insert, queue) in the caller: {enqueue_s:7.2f} s "
        f"= {args.messages / enqueue_s:7.1f} messages/s"
    )
    print(
        f"  worker ready to last delivery:                 {send_s:7.2f} s "
        f"= {args.messages / send_s:7.1f} messages/s"
    )
    print(f"  delivered {len(smtp.messages)}, distinct recipients {len(counts)}")
    print(f"  duplicates: {duplicates}   losses: {losses}   unknown: {strangers}")
    print(f"  rows not marked sent: {not_sent}")
    if gaps_ms:
        print(
            "  server accept -> 'sent' timestamp (ms): "
            f"median {statistics.median(gaps_ms):.2f}, "
            f"p99 {percentile(gaps_ms, 0.99):.2f}, max {max(gaps_ms):.2f}"
        )

    worker.stop()
    smtp.stop()
    if redis is not None:
        redis.stop()
    ok = duplicates == 0 and losses == 0 and strangers == 0 and not_sent == 0
    print("  result:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
