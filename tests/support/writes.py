"""Catch the queries of a request that write to the database.

A page that is only read (GET) writes nothing. Two writes are not the page's:
the session Django keeps for a signed-in user, and derived caches that the
portal computes on a read and keeps as rows (the cohort dashboards, the survey
reports), which hold nothing a user entered and are recomputed from the
records at any time.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Tables a read may write: kept caches of figures computed from the records.
DERIVED_TABLES = frozenset(
    {
        "django_session",
        "cohorts_dashboardcache",
        "surveys_reportcache",
        "awards_funderreportcache",
    }
)

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)


def written_tables(queries, allowed=DERIVED_TABLES) -> list[tuple[str, str]]:
    """(table, SQL) of each query that writes to a table outside ``allowed``."""
    found = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match and match.group(1).lower() not in allowed:
            found.append((match.group(1), query["sql"][:300]))
    return found


@contextmanager
def no_writes(label: str = ""):
    """Fail if the block writes to any table but the derived ones."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    writes = written_tables(captured.captured_queries)
    assert not writes, f"{label} wrote: {writes}"
