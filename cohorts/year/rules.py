"""Pure rules of the mentorship year: no ORM, no request.

The work-plan rules, the webinar cadence generator, the "gone quiet" flag, goal
progress and the comparison of two submitted work-plan versions. Everything here
takes plain values and is unit-tested without a database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dashmentor.templatetags.dates import format_when

MIN_GOALS = 1
MAX_GOALS = 2

ERR_TOO_MANY_GOALS = _("A work plan has at most two goals.")
ERR_NO_GOALS = _("A work plan needs at least one goal before it is submitted.")
ERR_GOAL_WITHOUT_ACTIVITY = _(
    "Each goal needs at least one activity: “{goal}” has none."
)
ERR_ACTIVITY_OUTSIDE_CONTRACT = _(
    "The target date must fall inside the contract period, {start} to {end}."
)
ERR_EVENT_OUTSIDE_CONTRACT = _(
    "The event must take place inside the contract period, {start} to {end}."
)
ERR_SERIES_EMPTY = _(
    "No date of this series falls inside the contract period: choose an earlier "
    "first date."
)


PLAN_DUE_DAYS = 30


def workplan_due_on(contract_start: dt.date) -> dt.date:
    """A new work plan is due a month into the contract."""
    return contract_start + dt.timedelta(days=PLAN_DUE_DAYS)


def goal_count_error(count: int, *, adding: bool = False) -> str | None:
    """Say what is wrong with a plan of ``count`` goals, or None.

    ``adding`` asks whether one more goal may be added to a plan of ``count``.
    """
    if adding:
        return ERR_TOO_MANY_GOALS if count >= MAX_GOALS else None
    if count < MIN_GOALS:
        return ERR_NO_GOALS
    if count > MAX_GOALS:
        return ERR_TOO_MANY_GOALS
    return None


def activity_date_error(day: dt.date, start: dt.date, end: dt.date) -> str | None:
    """Refuse a target date outside the contract period (both ends included)."""
    if day < start or day > end:
        return ERR_ACTIVITY_OUTSIDE_CONTRACT.format(
            start=format_when(start, "short_date"), end=format_when(end, "short_date")
        )
    return None


def submission_errors(goals: Sequence[dict]) -> list[str]:
    """What stops a plan from being submitted: goal count, goals with no activity.

    ``goals`` is a snapshot's list of goals (``title`` and ``activities``).
    """
    errors = []
    problem = goal_count_error(len(goals))
    if problem:
        errors.append(problem)
    for goal in goals:
        if not goal.get("activities"):
            errors.append(ERR_GOAL_WITHOUT_ACTIVITY.format(goal=goal.get("title", "")))
    return errors


# --- the cadence generator ---------------------------------------------------


class Cadence:
    """Webinar cadences the call allows: bi-monthly (every two months) to quarterly.

    Each value is ``(months, weeks)``: a step of whole months, or of whole weeks.
    """

    CHOICES = [
        ("2m", _("Every two months (bi-monthly)")),
        ("8w", _("Every eight weeks")),
        ("10w", _("Every ten weeks")),
        ("12w", _("Every twelve weeks")),
        ("3m", _("Every three months (quarterly)")),
    ]
    STEPS = {"2m": (2, 0), "8w": (0, 8), "10w": (0, 10), "12w": (0, 12), "3m": (3, 0)}


def add_months(day: dt.date, months: int, anchor_day: int) -> dt.date:
    """``day`` moved by ``months``, on ``anchor_day`` or the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(anchor_day, last))


def _next_free_weekday(day: dt.date, taken: set[dt.date]) -> dt.date:
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


def cadence_dates(
    *,
    first: dt.date,
    cadence: str,
    start: dt.date,
    end: dt.date,
    taken: Iterable[dt.date] = (),
) -> list[dt.date]:
    """Dates of a webinar series from ``first`` at ``cadence``, inside the contract.

    Every date falls between ``start`` and ``end`` (both included), on a weekday,
    and never on a day in ``taken`` (days that already have a cohort event) nor
    twice on the same day: a date that lands on a weekend or a taken day moves to
    the next free weekday. The steps count from the intended dates, so the series
    does not drift when one date moves.
    """
    months, weeks = Cadence.STEPS[cadence]
    taken_days = set(taken)
    dates: list[dt.date] = []
    intended = max(first, start)
    anchor_day = intended.day
    step = 0
    while True:
        if months:
            intended = add_months(max(first, start), months * step, anchor_day)
        else:
            intended = max(first, start) + dt.timedelta(weeks=weeks * step)
        if intended > end:
            break
        day = _next_free_weekday(intended, taken_days)
        if day <= end:
            dates.append(day)
            taken_days.add(day)
        step += 1
    return dates


def periods_between(
    webinar_days: Sequence[dt.date], contract_end: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The action periods: from each cohort webinar to the day before the next.

    The last period runs to the end of the contract. Duplicate days count once.
    """
    days = sorted(set(webinar_days))
    periods = []
    for i, day in enumerate(days):
        if day > contract_end:
            break
        last = days[i + 1] - dt.timedelta(days=1) if i + 1 < len(days) else None
        last = min(last, contract_end) if last else contract_end
        periods.append((day, last))
    return periods


# --- signals of the dashboard -----------------------------------------------

PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"


def organization_status(member_statuses: Iterable[str]) -> str | None:
    """How an organization did at one event, from its people's attendance.

    Present if anyone came; excused if no one came and someone was excused;
    absent if all recorded were absent; None when nothing was recorded.
    """
    statuses = set(member_statuses)
    if not statuses:
        return None
    if PRESENT in statuses:
        return PRESENT
    if EXCUSED in statuses:
        return EXCUSED
    return ABSENT


def attendance_rate(statuses: Iterable[str | None]) -> float | None:
    """Share of recorded events attended; excused and unrecorded ones do not count."""
    counted = [s for s in statuses if s in (PRESENT, ABSENT)]
    if not counted:
        return None
    return sum(1 for s in counted if s == PRESENT) / len(counted)


@dataclass
class QuietVerdict:
    """Whether an organization has gone quiet, and why.

    ``signals`` are plain data, ``(kind, number)`` pairs (``"missed"`` events,
    days ``"silent"``, days silent ``"never"`` having logged), so a dashboard
    kept as JSON says its reasons in the language of whoever reads it.
    """

    quiet: bool
    signals: list[tuple[str, int]] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [quiet_reason(kind, number) for kind, number in self.signals]


def quiet_reason(kind: str, number: int) -> str:
    """One reason of the quiet flag, in the active language."""
    if kind == "missed":
        return ngettext(
            "Missed the last %(count)d event",
            "Missed the last %(count)d events",
            number,
        ) % {"count": number}
    if kind == "silent":
        return ngettext(
            "Nothing logged for %(count)d day",
            "Nothing logged for %(count)d days",
            number,
        ) % {"count": number}
    return ngettext(
        "Nothing logged since the contract began %(count)d day ago",
        "Nothing logged since the contract began %(count)d days ago",
        number,
    ) % {"count": number}


def quiet_flag(
    *,
    statuses_newest_first: Sequence[str | None],
    last_logged: dt.date | None,
    since: dt.date,
    today: dt.date,
    missed_events: int = 2,
    quiet_days: int = 28,
) -> QuietVerdict:
    """Has a mentee organization gone quiet?

    Quiet when it missed its last ``missed_events`` recorded events (excused
    absences break the run; events with nothing recorded are skipped), or when
    it logged nothing (action log, progress entry, work-plan submission) for
    ``quiet_days`` days, counted from ``since`` (the contract start) when it has
    never logged anything.
    """
    signals = []
    recorded = [s for s in statuses_newest_first if s is not None]
    run = recorded[:missed_events]
    if missed_events > 0 and len(run) == missed_events and set(run) == {ABSENT}:
        signals.append(("missed", missed_events))
    reference = last_logged or since
    silent_for = (today - reference).days
    if quiet_days > 0 and silent_for >= quiet_days:
        if last_logged:
            signals.append(("silent", silent_for))
        else:
            signals.append(("never", silent_for))
    return QuietVerdict(quiet=bool(signals), signals=signals)


def measure_progress(
    baseline: Decimal, target: Decimal, latest: Decimal | None
) -> float | None:
    """How far a measure went from its baseline to its target, 0 to 1.

    None when there is no progress entry yet or the target equals the baseline.
    A measure whose target is below the baseline (e.g. fewer missed referrals)
    progresses as the value falls.
    """
    if latest is None or target == baseline:
        return None
    share = float((latest - baseline) / (target - baseline))
    return max(0.0, min(1.0, share))


def measure_places(values: Iterable[Decimal | None]) -> int:
    """The decimal places a measure's figures need to be shown exactly.

    None when every figure is whole (partners, indicators, people: "4 of 6
    partners"); otherwise as many as the most precise figure has, so a
    measure's baseline, target and progress read alike ("0.25 of 0.50").
    """
    places = 0
    for value in values:
        if value is None or not value.is_finite():
            continue
        exponent = value.normalize().as_tuple().exponent
        places = max(places, -exponent)
    return places


def format_quantity(value: Decimal | None, places: int) -> str:
    """A measure's figure with ``places`` decimals and thousands separated."""
    if value is None:
        return ""
    return f"{value:,.{places}f}"


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


# --- comparing two versions --------------------------------------------------

GOAL_FIELDS = ("title", "description")
ACTIVITY_FIELDS = ("title", "target_date", "status")


@dataclass
class Change:
    kind: str  # "added", "removed", "changed", "same"
    title: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)
    activities: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.kind != "same" or any(a.kind != "same" for a in self.activities)


def _compare(old: dict | None, new: dict | None, names: Sequence[str]) -> Change:
    if old is None:
        return Change("added", new["title"], [(n, None, new.get(n)) for n in names])
    if new is None:
        return Change("removed", old["title"], [(n, old.get(n), None) for n in names])
    fields = [(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]
    return Change("changed" if fields else "same", new["title"], fields)


def _pair(old_items: Sequence[dict], new_items: Sequence[dict]):
    """Pair items by their ``id``; the unpaired are added or removed."""
    old_by_id = {item["id"]: item for item in old_items}
    new_ids = {item["id"] for item in new_items}
    for item in new_items:
        yield old_by_id.get(item["id"]), item
    for item in old_items:
        if item["id"] not in new_ids:
            yield item, None


def workplan_diff(old: dict | None, new: dict) -> list[Change]:
    """What changed from snapshot ``old`` to snapshot ``new``, goal by goal.

    A snapshot is ``{"goals": [{"id", "title", "description", "activities":
    [{"id", "title", "target_date", "status"}]}]}``; goals and activities are
    matched by id, so a renamed goal is "changed", not removed and added. With
    no ``old`` (the first version) everything is "added".
    """
    changes = []
    for old_goal, new_goal in _pair((old or {}).get("goals", []), new.get("goals", [])):
        change = _compare(old_goal, new_goal, GOAL_FIELDS)
        old_acts = old_goal.get("activities", []) if old_goal else []
        new_acts = new_goal.get("activities", []) if new_goal else []
        if new_goal is None:
            change.activities = [_compare(a, None, ACTIVITY_FIELDS) for a in old_acts]
        elif old_goal is None:
            change.activities = [_compare(None, a, ACTIVITY_FIELDS) for a in new_acts]
        else:
            change.activities = [
                _compare(a, b, ACTIVITY_FIELDS) for a, b in _pair(old_acts, new_acts)
            ]
        changes.append(change)
    return changes


# --- who took part in a check-in call -----------------------------------------

_PEOPLE_SEPARATORS = re.compile(r"[,;\n]+|\s+and\s+|\s*&\s*", re.IGNORECASE)


def people_named(text: str) -> list[str]:
    """The people a free-text list names: "Ana Ruiz, Bo Chen and Cy" gives
    three names, as people write such lists (commas, semicolons, lines, "and")."""
    return [
        part.strip() for part in _PEOPLE_SEPARATORS.split(text or "") if part.strip()
    ]


def person_key(text: str) -> str:
    """A name or e-mail compared as people mean it: case and spacing aside."""
    return " ".join((text or "").casefold().split())


def members_named(text: str, members: Iterable) -> tuple[list, list[str]]:
    """Split a free-text list into the ``members`` it names (by name or e-mail)
    and the names it gives of anyone else, each in the text's order."""
    by_key = {}
    for member in members:
        by_key.setdefault(person_key(member.name), member)
        by_key.setdefault(person_key(member.email), member)
    found, others = [], []
    for name in people_named(text):
        member = by_key.get(person_key(name))
        if member is None:
            others.append(name)
        elif member not in found:
            found.append(member)
    return found, others
