"""iCalendar files: a round's timeline feed, and one registrant's session.

Times are written in UTC, which every calendar program shows in its owner's
zone; a milestone without a time is a whole-day event on its date in the
round's zone. The public feed never carries a session's join link: only a
registrant's own file does.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.utils import timezone

from . import links


def _host() -> str:
    return settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0]


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//DASH Mentor Portal//Round timeline//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def timeline_ics(round_, items) -> bytes:
    """The round's timeline as a calendar feed."""
    cal = _calendar(round_.name)
    stamp = timezone.now().astimezone(dt.UTC)
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"round-{round_.pk}-{item.key}@{_host()}")
        summary = item.label
        if item.when_text:
            summary = f"{summary} ({item.when_text})"
        event.add("summary", f"{summary} · {round_.name}")
        if item.has_time:
            end = item.extra.get("ends_at") or item.when
            event.add("dtstart", item.when.astimezone(dt.UTC))
            event.add("dtend", end.astimezone(dt.UTC))
        else:
            event.add("dtstart", item.when)
            event.add("dtend", item.when + dt.timedelta(days=1))
        event.add("dtstamp", stamp)
        url = settings.SITE_URL + (item.url or round_.get_absolute_url())
        event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()


def registration_ics(registration) -> bytes:
    """One registrant's session, with the join link."""
    webinar = registration.webinar
    cal = _calendar(webinar.title)
    event = icalendar.Event()
    event.add("uid", f"webinar-{webinar.pk}@{_host()}")
    event.add("summary", webinar.title)
    event.add("dtstart", webinar.starts_at.astimezone(dt.UTC))
    event.add("dtend", webinar.ends_at.astimezone(dt.UTC))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    page = settings.SITE_URL + links.registration_path(registration)
    description = webinar.description
    if webinar.join_url:
        description = f"{description}\n\nJoin: {webinar.join_url}".strip()
        event.add("location", webinar.join_url)
    event.add("description", f"{description}\n\nYour registration: {page}".strip())
    event.add("url", page)
    cal.add_component(event)
    return cal.to_ical()
