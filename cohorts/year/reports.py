"""Each cohort's dashboard rows, computed once and kept with their "as of" time.

The rows read every attendance record, check-in, log, progress entry and survey
completion of a cohort, so, as a survey's report is (``surveys.reports``), they
are computed once and kept, in ``DashboardCache``. Whatever they read marks the
kept rows stale in the same transaction as the change (``cohorts.year.signals``), so
a change shows on the next view. The clock ends them too: at the end of the
round's day (the quiet flag counts days), when the cohort's next event starts
(it becomes a past event), and after ``MAX_AGE`` at the latest, for what
changes outside the mentorship year (an organization's name).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import OperationalError, connection
from django.db.models import Case, F, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from dashmentor import kept

from ..models import DashboardCache, Mentorship
from . import selectors
from .selectors import CohortSummary, MenteeRow

FORMAT = 1
MAX_AGE = dt.timedelta(minutes=10)


@dataclass
class CohortSignals:
    """A cohort's dashboard rows, as of ``as_of``."""

    rows: list[MenteeRow]
    as_of: dt.datetime


def _fresh(kept: DashboardCache, now: dt.datetime) -> bool:
    data = kept.data
    return (
        data.get("format") == FORMAT
        and data.get("version") == kept.version
        and now < dt.datetime.fromisoformat(data["valid_until"])
    )


def cohort_signals(*, mentorships, now=None) -> dict[int, CohortSignals]:
    """The dashboard rows of each cohort in ``mentorships`` and their "as of" time.

    Kept rows are read in one query (none when ``mentorships`` were read with
    their ``dashboard_cache``); the cohorts whose rows are stale or not kept
    yet are computed together (``selectors.cohort_rows``) and kept, in a fixed
    number of queries. ``mentorships`` come with their ``round``.
    """
    now = now or timezone.now()
    kept = _kept(mentorships)
    found, stale = {}, []
    for mentorship in mentorships:
        row = kept.get(mentorship.pk)
        if row is not None and _fresh(row, now):
            rows = [MenteeRow.from_data(r) for r in row.data["rows"]]
            found[mentorship.pk] = CohortSignals(rows, row.computed_at)
        else:
            stale.append(mentorship)
    if stale:
        found.update(_compute(stale, kept, now))
    return found


def _kept(mentorships) -> dict[int, DashboardCache]:
    """The kept rows of ``mentorships``: read with them (``select_related``),
    or now in one query."""
    if mentorships and all(
        Mentorship.dashboard_cache.is_cached(m) for m in mentorships
    ):
        return {
            m.pk: m.dashboard_cache
            for m in mentorships
            if hasattr(m, "dashboard_cache")  # False when no row is kept yet
        }
    return DashboardCache.objects.in_bulk([m.pk for m in mentorships])


def _valid_until(mentorship, now: dt.datetime, next_event_at) -> dt.datetime:
    zone = mentorship.round.zone
    tomorrow = timezone.localdate(now, zone) + dt.timedelta(days=1)
    ends = [now + MAX_AGE, dt.datetime.combine(tomorrow, dt.time(), tzinfo=zone)]
    if next_event_at:
        ends.append(next_event_at)
    return min(ends)


def _compute(mentorships, kept: dict, now: dt.datetime) -> dict[int, CohortSignals]:
    missing = [
        DashboardCache(mentorship_id=m.pk) for m in mentorships if m.pk not in kept
    ]
    if missing:
        # Made before the records are read, so that a change committed while
        # they are being read has a row to mark stale.
        DashboardCache.objects.bulk_create(missing, ignore_conflicts=True)
        kept.update({c.pk: c for c in missing})
    computed = selectors.cohort_rows(mentorships=mentorships, now=now)
    found, data = {}, {}
    for mentorship in mentorships:
        cohort = computed.get(mentorship.pk) or selectors.CohortRows()
        # Tagged with the version read before the records: a change since
        # has moved the row's version, and these rows are not current.
        data[mentorship.pk] = {
            "format": FORMAT,
            "version": kept[mentorship.pk].version,
            "valid_until": _valid_until(
                mentorship, now, cohort.next_event_at
            ).isoformat(),
            "rows": [r.to_data() for r in cohort.rows],
        }
        found[mentorship.pk] = CohortSignals(cohort.rows, now)
    _keep(data, now)
    return found


def _keep(data: dict[int, dict], now: dt.datetime) -> None:
    """Keep each cohort's computed rows, in one statement."""
    field = DashboardCache._meta.get_field("data")
    rows = Case(
        *[When(pk=pk, then=Value(d, output_field=field)) for pk, d in data.items()],
        output_field=field,
    )
    if connection.features.requires_casted_case_in_updates:
        rows = Cast(rows, output_field=field)
    kept = DashboardCache.objects.filter(pk__in=sorted(data))
    if connection.in_atomic_block:
        kept.update(computed_at=now, data=rows)  # the caller's transaction decides
        return
    # A deadlock with a change marking these rows (rare) costs only the
    # keeping: the page shows its rows, the next view computes them again.
    with contextlib.suppress(OperationalError):
        kept.update(computed_at=now, data=rows)


def dashboard_invalidate(*, mentorships) -> None:
    """Mark the kept rows of ``mentorships`` (ids or a query of ids) stale."""
    kept.rows_changed(
        DashboardCache.objects.filter(mentorship__in=mentorships),
        version=F("version") + 1,
    )


def program_summary(*, round_) -> tuple[list[CohortSummary], dt.datetime | None]:
    """Every cohort of ``round_`` with its rows rolled up, and the "as of" time
    of the oldest kept rows among them."""
    mentorships = list(selectors.mentorship_list_for_round(round_=round_))
    signals = cohort_signals(mentorships=mentorships)
    summaries = [CohortSummary(m, signals[m.pk].rows) for m in mentorships]
    as_of = min((s.as_of for s in signals.values()), default=None)
    return summaries, as_of
