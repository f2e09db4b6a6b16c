"""Pure rules of the timeline and the question cut-off: no database, no request.

A timeline item is a moment (an aware datetime) or a whole day (a date) in the
round's zone. A whole day is past once it has ended there; a moment once it
has come. The next item is the first that is not past.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class TimelineItem:
    """One date of a round's timeline, as the round page and the feed show it."""

    key: str
    label: str
    # An aware datetime, or a date for a whole day.
    when: dt.datetime | dt.date
    when_text: str = ""
    url: str = ""
    past: bool = False
    next: bool = False
    # Anything the page shows beside it (a webinar's recording, ...).
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)


def item_moment(when, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The moment an item is over: its time, or the end of its day in ``zone``."""
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime.combine(when + dt.timedelta(days=1), dt.time.min, zone)


def sort_key(item: TimelineItem, zone: zoneinfo.ZoneInfo):
    """Items in order of their day, then their time (a whole day first)."""
    if isinstance(item.when, dt.datetime):
        local = item.when.astimezone(zone)
        return (local.date(), 1, local.time())
    return (item.when, 0, dt.time.min)


def timeline(
    items: list[TimelineItem], *, now: dt.datetime, zone: zoneinfo.ZoneInfo
) -> list[TimelineItem]:
    """``items`` in date order, the past ones marked and the next one flagged."""
    ordered = sorted(items, key=lambda item: sort_key(item, zone))
    out, next_found = [], False
    for item in ordered:
        past = item_moment(item.when, zone) <= now
        is_next = not past and not next_found
        next_found = next_found or is_next
        out.append(replace(item, past=past, next=is_next))
    return out


def milestone_when(
    on: dt.date, at_time: dt.time | None, zone: zoneinfo.ZoneInfo
) -> dt.datetime | dt.date:
    """A milestone's moment in its round's zone, or its day when it has no time."""
    if at_time is None:
        return on
    return dt.datetime.combine(on, at_time, zone)


@dataclass(frozen=True)
class Cutoff:
    """After ``moment`` a question may not be answered before the deadline.

    "Questions asked after December 19th" leaves the whole of the 19th: a
    cut-off without a time is the end of its day (``day``) in the round's zone,
    and is shown as that day.
    """

    moment: dt.datetime
    day: dt.date
    has_time: bool


def question_cutoff(
    on: dt.date | None, at_time: dt.time | None, zone: zoneinfo.ZoneInfo
) -> Cutoff | None:
    if on is None:
        return None
    moment = item_moment(milestone_when(on, at_time, zone), zone)
    return Cutoff(moment=moment, day=on, has_time=at_time is not None)


def seats_left(capacity: int | None, taken: int) -> int | None:
    """Seats still free at a session; None when it has no limit."""
    if capacity is None:
        return None
    return max(0, capacity - taken)


def names_asker(text: str, *, name: str, email: str) -> str | None:
    """What of the asker (their name or address) the public wording names."""
    lowered = text.casefold()
    email = (email or "").strip()
    if email and email.casefold() in lowered:
        return email
    name = " ".join((name or "").split())
    if len(name) >= 3 and name.casefold() in lowered:
        return name
    return None
