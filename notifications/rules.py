"""Pure rules of the notification engine: no database, no request."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Days before the thing when a reminder goes out, when a round sets nothing.
# The application deadline's default is the round's ``deadline_reminder_days``.
DEFAULT_OFFSETS = {
    "workplan_reminder": [7, 1],
    "event_reminder": [1],
    "award_milestone": [14, 3],
}
MAX_OFFSET_DAYS = 365

OFFSETS_INVALID = _(
    "Enter whole numbers of days between 1 and 365, separated by commas "
    "(for example 7, 1)."
)


def backoff_seconds(attempts: int, *, base: int, cap: int) -> int:
    """Seconds to wait after the ``attempts``-th failure: base·2^(n-1), capped."""
    attempts = max(1, attempts)
    # Cap the exponent too, so a large attempt count cannot overflow the maths.
    return int(min(cap, base * 2 ** min(attempts - 1, 30)))


def zone_or_default(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.PORTAL_DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.PORTAL_DEFAULT_TIME_ZONE)


def normalize_offsets(value: Iterable) -> list[int]:
    """The offsets as distinct whole days, largest first; ValueError if bad."""
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    days = set()
    for item in value:
        try:
            number = int(str(item).strip())
        except ValueError:
            raise ValueError(OFFSETS_INVALID)
        if not 1 <= number <= MAX_OFFSET_DAYS:
            raise ValueError(OFFSETS_INVALID)
        days.add(number)
    return sorted(days, reverse=True)


def due_stage(
    *,
    due_at: dt.datetime,
    now: dt.datetime,
    offsets_days: Iterable[int],
    since: dt.datetime | None = None,
) -> int | None:
    """The reminder owed now for something due at ``due_at``, or None.

    Offsets are days before ``due_at``. The stage owed is the smallest offset
    whose moment has passed, so a scan that was down for days sends the latest
    reminder only, not every one it missed. Nothing is owed once the thing is
    due, nor for a stage whose moment came before the thing existed
    (``since``): a draft started two days before the deadline gets the one-day
    reminder, not a "one week left" e-mail the moment it is created.
    """
    if now >= due_at:
        return None
    passed = [d for d in offsets_days if due_at - dt.timedelta(days=d) <= now]
    if not passed:
        return None
    stage = min(passed)
    if since is not None and since > due_at - dt.timedelta(days=stage):
        return None
    return stage


def end_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last moment of ``day`` in ``zone``: a date due "on" a day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)


def start_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, zone)


def time_left(due_at: dt.datetime, now: dt.datetime) -> str:
    """A short English phrase for the time until ``due_at`` ("3 days")."""
    seconds = max(0, int((due_at - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 2:
        return f"{days} days"
    if days == 1:
        return "1 day" if hours == 0 else f"1 day and {hours} hour{'s' * (hours > 1)}"
    if hours >= 1:
        return f"{hours} hour{'s' * (hours > 1)}"
    return "less than an hour"
