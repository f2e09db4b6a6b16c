"""Pure rules of the discussions: no ORM, no request.

Digest periods, the limits on what people write, and the activity series the
taper warning reads (with the attendance report's own tapering rule).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from affinity.rules import sanitize_notes, tapers

BODY_MAX_CHARS = 10_000
TITLE_MAX_CHARS = 200
REASON_MAX_CHARS = 500

EMPTY_BODY = _("Write something before posting: the text is empty.")
BODY_TOO_LONG = _(
    "Keep a post under %(limit)s characters (this one has %(count)s); split it "
    "into several posts if you need to."
)
THREAD_LOCKED = _("This thread is locked: it takes no new posts.")
CHALLENGE_CLOSED = _("This challenge is closed: it takes no new replies.")
NOT_A_MEMBER = _("Only the members of this space may write here.")
NOT_A_MODERATOR = _(
    "Only the cohort's mentors, the group's leaders and program staff moderate."
)
REASON_REQUIRED = _("Say why the post is hidden: its author will read the reason.")
ALREADY_HIDDEN = _("This post is already hidden.")
NOT_THE_AUTHOR = _("Only the challenge's author may do this.")
DECISION_REQUIRED = _("Say what the challenge decided before closing it.")
NO_SPACE_FOR_AUDIENCE = _(
    "You are not in a cohort or an affinity group that can see this challenge; "
    "choose another audience."
)
MEETING_NOT_OF_SPACE = _(
    "Choose an upcoming meeting of the challenge's own cohort or group."
)
HELPFUL_OWN_REPLY = _("Mark the replies of others as helpful, not your own.")


def text_error(text: str) -> str | None:
    """Why ``text`` cannot be posted, or None: empty or over the limit."""
    stripped = (text or "").strip()
    if not stripped or not html_to_text(sanitize_notes(stripped)).strip():
        return str(EMPTY_BODY)
    if len(stripped) > BODY_MAX_CHARS:
        return str(BODY_TOO_LONG) % {"limit": BODY_MAX_CHARS, "count": len(stripped)}
    return None


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote|pre)>|<br\s*/?>", re.I)


def html_to_text(value: str) -> str:
    """The words of sanitized HTML, for search and for e-mail excerpts."""
    value = _BLOCK_END.sub("\n", value or "")
    value = html.unescape(_TAG.sub("", value))
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def excerpt(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- Digest periods -----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A day or an ISO week, in UTC: ``[start, end)`` and its name in keys."""

    frequency: str
    start: dt.datetime
    end: dt.datetime
    name: str


def period_ending_before(frequency: str, now: dt.datetime) -> Period:
    """The last whole day or week (Monday to Sunday) before ``now``."""
    now = now.astimezone(dt.UTC)
    today = dt.datetime.combine(now.date(), dt.time(), tzinfo=dt.UTC)
    if frequency == "daily":
        start = today - dt.timedelta(days=1)
        return Period(frequency, start, today, start.date().isoformat())
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(days=7)
    year, week, _day = start.isocalendar()
    return Period(frequency, start, monday, f"{year}-W{week:02d}")


# --- Activity over time and the taper warning ----------------------------------


@dataclass(frozen=True)
class Bucket:
    start: dt.date
    posts: int
    replies: int
    attendance: float | None  # share present at the meetings of the bucket

    @property
    def activity(self) -> int:
        return self.posts + self.replies


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from ``first``'s month to ``last``'s."""
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def midpoint(start: dt.date, end: dt.date) -> dt.date:
    return start + (end - start) / 2


def activity_tapers(buckets: Sequence[Bucket]) -> bool:
    """The attendance report's rule, on posts and replies per month.

    Months with no activity count (a group that goes silent is tapering), so
    each month's activity is its share of the busiest month.
    """
    top = max((b.activity for b in buckets), default=0)
    if top == 0:
        return False
    return tapers([b.activity / top for b in buckets])


def attendance_tapers(buckets: Sequence[Bucket]) -> bool:
    return tapers([b.attendance for b in buckets])
