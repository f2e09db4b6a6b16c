"""Send 10,000 messages through a real Celery worker to a local SMTP sink.

Prints the time the callers took to write and queue the messages, the time
the worker took to deliver them (and so messages per second), the CPU time of
each part (the machine may be shared: CPU time says how much work each part
did, wall time how long it waited as well), the duplicates and losses it
counted (both must be zero: the script exits 1 otherwise), and the measured
gap between the SMTP server's acceptance of a message and the worker's "sent"
mark: the window in which a killed worker could cause a duplicate.

    python bench/outbox_bench.py                   # 10,000 messages, SQLite
    python bench/outbox_bench.py --messages 2000 --concurrency 2
    python bench/outbox_bench.py --database-url postgres://postgres@127.0.0.1:5432/dm_bench

Everything runs on this machine: a throwaway redis-server on a free port (or
``--broker``), an SMTP sink in its own process on a loopback port
(``bench/smtp_sink.py``), a fresh database (a temporary SQLite file, or the
PostgreSQL database named, which is dropped and created anew), and a
``celery worker`` with its pool processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


class Sink:
    """``bench/smtp_sink.py`` in its own process, and what it has recorded."""

    def __init__(self, workdir: Path, port: int):
        self.port = port
        self.path = workdir / "received.tsv"
        self.path.touch()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "smtp_sink.py"),
                f"--port={port}",
                f"--record={self.path}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        self._read, self._count = 0, 0

    def count(self) -> int:
        """Messages accepted so far (reading only what was appended since)."""
        with open(self.path, "rb") as fh:
            fh.seek(self._read)
            chunk = fh.read()
        complete = chunk.rfind(b"\n") + 1
        self._read += complete
        self._count += chunk.count(b"\n", 0, complete)
        return self._count

    def records(self) -> list[tuple[float, str, str, str]]:
        rows = []
        for line in self.path.read_text().splitlines():
            at, to, key, message_id = line.split("\t")
            rows.append((float(at), to, key, message_id))
        return rows

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def children_cpu() -> float:
    """CPU seconds of the child processes that have ended (and their own)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
        _reset_celery_connections,
        free_port,
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

    smtp = Sink(workdir, free_port())
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
    load_before = os.getloadavg()
    started, cpu_started = time.monotonic(), time.process_time()
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
    enqueued, cpu_enqueued = time.monotonic(), time.process_time()
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
    worker_started = time.monotonic()
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
    early = smtp.count()

    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if smtp.count() >= args.messages:
            break
        time.sleep(0.1)
    delivered = time.monotonic()
    load_after = os.getloadavg()
    # Let anything late (a duplicate) arrive before counting.
    time.sleep(3)

    cpu_children = children_cpu()
    worker.stop()
    cpu_worker = children_cpu() - cpu_children
    smtp.stop()
    cpu_sink = children_cpu() - cpu_children - cpu_worker
    if redis is not None:
        redis.stop()

    received = smtp.records()
    counts = Counter(to for _at, to, _key, _mid in received)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    losses = sum(1 for address in addresses if counts.get(address, 0) == 0)
    known = set(addresses)
    strangers = sum(1 for address in counts if address not in known)
    ids_by_key: dict[str, set[str]] = {}
    for _at, _to, key, message_id in received:
        ids_by_key.setdefault(key, set()).add(message_id)
    changed_ids = sum(1 for ids in ids_by_key.values() if len(ids) > 1)
    not_sent = Message.objects.exclude(status=Message.Status.SENT).count()

    sent_at = dict(Message.objects.values_list("idempotency_key", "sent_at"))
    gaps_ms = [
        (sent_at[key].timestamp() - at) * 1000
        for at, _to, key, _mid in received
        if sent_at.get(key)
    ]

    n = args.messages
    enqueue_s = enqueued - started
    send_s = delivered - worker_ready
    print(
        f"  enqueue (render, insert, queue) in the caller: {enqueue_s:7.2f} s "
        f"= {n / enqueue_s:7.1f} messages/s, CPU {cpu_enqueued - cpu_started:6.2f} s"
    )
    print(
        f"  worker ready to last delivery:                 {send_s:7.2f} s "
        f"= {n / send_s:7.1f} messages/s ({early} delivered before it was ready)"
    )
    if received:
        first_to_last = received[-1][0] - received[0][0]
        print(
            f"  first to last delivery at the sink:            {first_to_last:7.2f} s "
            f"= {(len(received) - 1) / first_to_last:7.1f} messages/s"
        )
    print(
        "  worker start (with Django's and Celery's) to last delivery: "
        f"{delivered - worker_started:.2f} s"
    )
    print(
        f"  CPU: worker (with its start-up) {cpu_worker:6.2f} s "
        f"({1000 * cpu_worker / n:.2f} ms a message), "
        f"SMTP sink {cpu_sink:6.2f} s ({1000 * cpu_sink / n:.2f} ms a message)"
    )
    print(
        "  load average (1 min) before / after: "
        f"{load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(f"  delivered {len(received)}, distinct recipients {len(counts)}")
    print(
        f"  duplicates: {duplicates}   losses: {losses}   unknown: {strangers}   "
        f"copies with another Message-ID: {changed_ids}"
    )
    print(f"  rows not marked sent: {not_sent}")
    if gaps_ms:
        print(
            "  server accept -> 'sent' mark issued (ms; its commit waits for "
            "a disk flush on top): "
            f"median {statistics.median(gaps_ms):.2f}, "
            f"p99 {percentile(gaps_ms, 0.99):.2f}, max {max(gaps_ms):.2f}"
        )

    ok = (
        duplicates == 0
        and losses == 0
        and strangers == 0
        and changed_ids == 0
        and not_sent == 0
    )
    print("  result:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
