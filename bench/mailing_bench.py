"""Time the request that sends a staff message to 2,000 people.

A program officer presses "Send" on ``/staff/messages/new/`` for a cohort of
2,000 mentees: the request checks the message, merges each person's copy,
writes the mailing, its 2,000 recipients and 2,000 outbox rows, and hands the
rows to the broker in batches of 50 after the commit. The target is under a
second. The e-mails themselves are sent later by the workers
(``bench/outbox_bench.py`` measures that part).

    python bench/mailing_bench.py                       # SQLite, a temporary file
    python bench/mailing_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/dm_bench \\
        --broker redis://127.0.0.1:6379/3

The database named is dropped and created anew. With ``--broker`` the batches
are published to it (and purged at the end: no worker runs); without one the
broker is left out and the rows wait for the sweep, as when Redis is down.
Prints the median and worst wall and CPU time of ``--runs`` sends.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--broker", default="")
    return parser.parse_args()


def prepare_environment(args, workdir: Path) -> None:
    if args.database_url:
        import psycopg2

        base, _, name = args.database_url.rpartition("/")
        admin = psycopg2.connect(base + "/postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_NAME"] = str(workdir / "bench.sqlite3")
    # Without a broker the hand-off is skipped as if Redis were down (the
    # sweep's job), so the request does no sending of its own.
    os.environ["CELERY_BROKER_URL"] = args.broker or "redis://127.0.0.1:1/0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        prepare_environment(args, Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return run(args)


def run(args) -> int:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cohorts.models import CohortMember
    from dashmentor.models import User
    from notifications.models import Message
    from staffdesk.models import Mailing
    from tests import factories

    setup_test_environment()
    staff = factories.StaffFactory(email="bench-staff@example.org")
    award = factories.AwardFactory()
    User.objects.bulk_create(
        [
            User(email=f"mentee{n}@example.org", full_name=f"Mentee Number{n}")
            for n in range(args.recipients)
        ],
        batch_size=500,
    )
    CohortMember.objects.bulk_create(
        [
            CohortMember(award=award, user=u, name=u.full_name, email=u.email)
            for u in User.objects.filter(email__startswith="mentee")
        ],
        batch_size=500,
    )
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = "/staff/messages/new/"
    walls, cpus = [], []
    for _ in range(args.runs):
        page = client.get(url)
        token = re.search(rb'name="form_token" value="([0-9a-f]+)"', page.content)
        data = {
            "audiences": [f"mentees:{award.mentorship_id}"],
            "subject": "News for {{ organization }}",
            "body": "Dear {{ first_name }},\n\nThe midyear webinar is on "
            "Thursday. Your page: {{ link }}\n\nThe program office",
            "form_token": token.group(1).decode(),
            "action": "send",
        }
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, data)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 302, response.status_code
    mailings = Mailing.objects.count()
    messages = Message.objects.count()
    print(
        f"{args.recipients:,} recipients, {args.runs} sends "
        f"({mailings} mailings, {messages:,} outbox rows written)"
    )
    print(
        f"request wall: median {statistics.median(walls) * 1000:.0f} ms, "
        f"worst {max(walls) * 1000:.0f} ms"
    )
    print(
        f"request CPU:  median {statistics.median(cpus) * 1000:.0f} ms, "
        f"worst {max(cpus) * 1000:.0f} ms"
    )
    if args.broker:
        from dashmentor.celery import app

        app.control.purge()
    target_met = statistics.median(walls) < 1.0
    print("target (under 1 s):", "met" if target_met else "MISSED")
    return 0 if target_met and messages == args.recipients * args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
