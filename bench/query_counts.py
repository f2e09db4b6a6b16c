"""Count the SQL queries each measured page runs against the seeded database.

Run by bench/pages.py (same environment); prints JSON {label: queries}. Each
page is requested twice with the Django test client as its role's user and the
second request is counted (the first warms what a running server keeps warm).
"""

from __future__ import annotations

import json
import os
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

from bench.targets import api_token, targets  # noqa: E402
from dashmentor.models import User  # noqa: E402

USERS = {
    "staff": User.objects.filter(email="bench-staff@dash.test"),
    "mentor": User.objects.filter(email__startswith="bench-mentor").order_by("-pk"),
    "applicant": User.objects.filter(email="bench-applicant1@dash.test"),
}


def main() -> None:
    counts = {}
    for label, path, role in targets():
        client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
        if role and role.startswith("api:"):
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token(role)}"
        elif role:
            client.force_login(USERS[role].first())
        client.get(path, secure=True)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        counts[label] = {"queries": len(queries), "status": response.status_code}
        if "-v" in sys.argv:
            sql_ms = sum(float(q["time"]) for q in queries) * 1000
            print(
                f"--- {label}: {len(queries)} queries, {elapsed:.0f} ms "
                f"({sql_ms:.0f} ms in SQL)",
                file=sys.stderr,
            )
            for q in sorted(queries, key=lambda q: -float(q["time"]))[:4]:
                print(
                    f"   {float(q['time']) * 1000:7.1f} ms",
                    q["sql"][:300],
                    file=sys.stderr,
                )
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
