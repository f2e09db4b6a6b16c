"""CPU time per request of the cohort dashboards, with their rows kept and computed.

Run against the seeded benchmark database, in the environment of bench/pages.py:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashmentor_bench \\
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/dashboard_cpu.py

Each page is requested with the Django test client as its role's user, first as
most views find it (the cohort's rows kept), then with the rows marked stale
before each request (computed, as after a change). CPU time is the process's,
so it holds on a busy machine where wall time does not; ``--profile mentor``
(or ``program``) prints where one computing request spends it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from cohorts.models import Mentorship  # noqa: E402
from cohorts.year.reports import dashboard_invalidate  # noqa: E402
from dashmentor.models import User  # noqa: E402

PAGES = {
    "mentor": (
        User.objects.filter(email__startswith="bench-mentor").order_by("-pk"),
        "cohorts:mentor-home",
    ),
    "program": (
        User.objects.filter(email="bench-staff@dash.test"),
        "cohorts:program-dashboard",
    ),
}


def stale() -> None:
    dashboard_invalidate(mentorships=Mentorship.objects.values("pk"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", choices=sorted(PAGES))
    args = parser.parse_args()
    print(f"{'page':<10}{'rows':<10}{'cpu/request':>13}{'wall':>10}{'queries':>9}")
    for label, (users, name) in PAGES.items():
        client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
        client.force_login(users.first())
        path = reverse(name)
        assert client.get(path, secure=True).status_code == 200
        for mode in ("kept", "computed"):
            cpu = wall = 0.0
            for _ in range(args.requests):
                if mode == "computed":
                    stale()
                cpu_start, wall_start = time.process_time(), time.perf_counter()
                client.get(path, secure=True)
                cpu += time.process_time() - cpu_start
                wall += time.perf_counter() - wall_start
            if mode == "computed":
                stale()
            with CaptureQueriesContext(connection) as queries:
                client.get(path, secure=True)
            print(
                f"{label:<10}{mode:<10}{cpu / args.requests * 1000:>10.1f} ms"
                f"{wall / args.requests * 1000:>7.1f} ms{len(queries):>9}"
            )
        if args.profile == label:
            stale()
            profile = cProfile.Profile()
            profile.enable()
            client.get(path, secure=True)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
