"""Time the staff placement flow through the Django layer, end to end.

Builds a round in one transaction (default: 2,000 accepted applicants with three
ranked choices and two contacts each, 50 mentorships, 250 awards), then times
what staff trigger: computing the preview (reading the rows, the engine, writing
one entry per applicant), one move by hand (with its re-scoring), and the commit
(row locks, awards, cohort members, invitation and roster e-mails in the
outbox). Everything is rolled back at the end, so it leaves the database as it
found it. Run: ``python bench/placement_flow_bench.py [--applicants N]``, with
DATABASE_URL set to use PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import (  # noqa: E402
    Application,
    Contact,
    Decision,
    Preference,
    Round,
)
from cohorts.models import Mentorship  # noqa: E402
from cohorts.placement import selectors as placement_selectors  # noqa: E402
from cohorts.placement import services  # noqa: E402
from dashmentor.models import Organization, User  # noqa: E402


class Rollback(Exception):
    pass


def build(applicants: int, mentorships: int, awards: int, seed: int):
    rng = random.Random(seed)
    today = timezone.localdate()
    round_ = Round.objects.create(
        name="Placement bench",
        slug=f"placement-bench-{seed}",
        opens_at=timezone.now(),
        closes_at=timezone.now(),
        awards_count=awards,
        contract_start=today,
        contract_end=today,
    )
    mentor_org = Organization.objects.create(
        name="Bench mentor", kind=Organization.Kind.MENTOR
    )
    cohorts = Mentorship.objects.bulk_create(
        Mentorship(
            round=round_,
            mentor_organization=mentor_org,
            topic=f"Topic {i}",
            slug=f"bench-{i}",
            capacity=rng.randint(4, 8),
            order=i,
        )
        for i in range(mentorships)
    )
    staff = User.objects.create_user(
        email=f"bench-staff-{seed}@example.org", full_name="Bench Staff", is_staff=True
    )
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Bench applicant {i}") for i in range(applicants)
    )
    apps = Application.objects.bulk_create(
        Application(
            round=round_,
            organization=org,
            created_by=staff,
            status=Application.Status.DECIDED,
            score_normalized=Decimal(f"{rng.uniform(1, 5):.3f}"),
        )
        for org in orgs
    )
    Decision.objects.bulk_create(
        Decision(application=a, outcome=Decision.Outcome.ACCEPT) for a in apps
    )
    Preference.objects.bulk_create(
        Preference(application=a, mentorship=m, rank=rank)
        for a in apps
        for rank, m in enumerate(rng.sample(cohorts, 3), start=1)
    )
    Contact.objects.bulk_create(
        Contact(
            application=a,
            kind=kind,
            name=f"{kind.label} {a.pk}",
            email=f"{kind.value}.{a.pk}.{seed}@bench.example.org",
        )
        for a in apps
        for kind in (Contact.Kind.PRIMARY, Contact.Kind.SECONDARY)
    )
    return round_, staff


def timed(label, fn):
    queries_before = len(connection.queries)
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    queries = len(connection.queries) - queries_before
    print(f"{label:<34} {elapsed * 1000:9.0f} ms  {queries:6d} queries")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--mentorships", type=int, default=50)
    parser.add_argument("--awards", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from django.conf import settings

    settings.DEBUG = True  # count queries
    print(
        f"{connection.vendor}: {args.applicants} accepted applicants, "
        f"{args.mentorships} mentorships, {args.awards} awards"
    )
    try:
        with transaction.atomic():
            round_, staff = timed(
                "build the round (bulk)",
                lambda: build(
                    args.applicants, args.mentorships, args.awards, args.seed
                ),
            )
            run = timed(
                "compute the preview",
                lambda: services.placement_preview(round=round_, by=staff),
            )
            placed = run.entries.filter(mentorship__isnull=False).count()
            print(f"  placed {placed}; {run.objective_text[:100]}")
            entry = run.entries.filter(mentorship__isnull=False).first()
            rosters = placement_selectors.placement_run_view(run=run).rosters
            free = next((r.mentorship for r in rosters if r.seats_left > 0), None)
            if free is not None and free.pk != entry.mentorship_id:
                timed(
                    "move one applicant by hand",
                    lambda: services.placement_entry_move(
                        entry=entry, mentorship=free, by=staff
                    ),
                )
            awards = timed(
                "commit (awards, members, e-mails)",
                lambda: services.placement_commit(run=run, by=staff),
            )
            print(f"  {len(awards)} awards offered")
            raise Rollback
    except Rollback:
        print("rolled back: nothing kept")


if __name__ == "__main__":
    main()
