"""Kept results and how a change reaches them: the portal's one scheme.

A page that is costly to compute keeps what it computed and says the time it is
"as of". Nothing kept is ever deleted to invalidate it: whatever a kept result
reads *marks it changed* when it changes, and the next reader computes it
again. Where the result is kept decides how the mark is made:

- In the database (a cohort's dashboard rows, ``DashboardCache``; a survey's
  report, ``ReportCache``): ``rows_changed`` updates the kept rows in the same
  transaction as the change, so a result computed before the change can never
  be kept as current after it commits, and a rollback undoes the mark too.
- In the cache (a user's roles, the affinity report): ``cache_mark`` writes the
  marks now and again when the transaction commits, so a reader that read the
  rows before the commit cannot store its stale result over the mark; and
  ``cache_version_bump`` moves a version that the kept result's key carries,
  now and at commit. A cache that cannot be reached fails no write: its
  readers fall back to computing, and the timeouts bound what it kept.

A result whose key is a digest of everything it shows (the review desk's
ranked tables) needs no mark at all.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def rows_changed(queryset, **fields) -> int:
    """Mark the kept rows of ``queryset`` changed: ``fields`` are the mark (a
    version moved by an ``F()`` expression, a stale flag)."""
    return queryset.update(**fields)


def _now_and_at_commit(write) -> None:
    def guarded():
        try:
            write()
        except Exception:
            logger.error("Kept results: the cache is unwritable", exc_info=True)

    guarded()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(guarded, robust=True)


def cache_mark(marks: dict, timeout: int) -> None:
    """Write ``marks`` (key: marker) over whatever the cache keeps under them."""
    if marks:
        _now_and_at_commit(lambda: cache.set_many(marks, timeout))


def cache_version(key: str) -> int:
    """The version the kept result's cache key carries."""
    return cache.get_or_set(key, 1, timeout=None)


def cache_version_bump(key: str) -> None:
    """Move the version of ``key``: what was kept under the old one is not read."""

    def bump():
        try:
            cache.incr(key)
        except ValueError:  # not there (a flushed cache): any new version will do
            cache.set(key, 2, timeout=None)

    _now_and_at_commit(bump)
