"""Pure rules of the affinity groups: no ORM, no request.

The gift-card drawing, meeting-notes sanitizing, the attendance taper, and the
cross-over figures the program reports are all computed here from plain values,
so anyone can check them (and the tests need no database).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import nh3
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# --- Meeting notes ------------------------------------------------------------

# The tags meeting notes may keep; everything else (script, style, iframe,
# event handlers, javascript: links) is removed when the notes are saved.
NOTES_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
    }
)
NOTES_ATTRIBUTES = {"a": {"href", "title"}}
_HAS_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitize_notes(raw: str) -> str:
    """Return notes HTML that is safe to show as it is stored.

    Plain text (no tag at all) becomes paragraphs, so leaders can type notes
    without HTML; HTML keeps only ``NOTES_TAGS`` and ``http(s)``/``mailto``
    links, and the contents of ``<script>`` and ``<style>`` are dropped.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    if not _HAS_TAG.search(raw):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
        raw = "".join(
            "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs
        )
    return nh3.clean(
        raw,
        tags=set(NOTES_TAGS),
        attributes={k: set(v) for k, v in NOTES_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


# --- The gift-card drawing ----------------------------------------------------

WINNERS_PER_GROUP = 2

DRAWING_PROCEDURE = _(
    "Every eligible person is listed by their portal number. For each number n, "
    "take the SHA-256 hash of the text “seed:n” (for example "
    "“3f9a…:42”), written in hexadecimal. Sort the numbers by that hash, "
    "smallest first. The first two are the winners (or all of them, when fewer "
    "than two people are eligible)."
)


def drawing_key(seed: str, entrant: int) -> str:
    """The hash that places ``entrant`` in the draw made with ``seed``."""
    return hashlib.sha256(f"{seed}:{entrant}".encode()).hexdigest()


def drawing_order(seed: str, eligible: Iterable[int]) -> list[int]:
    """All entrants in the order the seed puts them; winners come first."""
    return sorted(eligible, key=lambda n: (drawing_key(seed, n), n))


def draw_winners(
    seed: str, eligible: Sequence[int], wanted: int = WINNERS_PER_GROUP
) -> list[int]:
    """Pick ``wanted`` winners from ``eligible`` with ``seed``, reproducibly.

    The same seed and list always give the same winners, on any machine and
    in any language that has SHA-256: that is what lets anyone re-run a draw.
    """
    return drawing_order(seed, eligible)[: max(wanted, 0)]


def drawing_shortfall_note(eligible_count: int, wanted: int) -> str:
    """Say so when fewer people are eligible than there are prizes."""
    if eligible_count >= wanted:
        return ""
    return ngettext(
        "Only %(count)d person completed the final survey, so %(count)d winner "
        "was drawn instead of %(wanted)d.",
        "Only %(count)d people completed the final survey, so %(count)d winners "
        "were drawn instead of %(wanted)d.",
        eligible_count,
    ) % {"count": eligible_count, "wanted": wanted}


# --- Membership -----------------------------------------------------------------


def is_full(admitted: int, capacity: int) -> bool:
    """A group with as many admitted members as its capacity takes no more."""
    return admitted >= capacity


# --- Attendance -------------------------------------------------------------------

# A group tapers when its last third of meetings averages less than this share
# of its first third's attendance rate.
TAPER_RATIO = 0.75
TAPER_MIN_MEETINGS = 3


def attendance_rate(present: int, recorded: int) -> float | None:
    """Share of the recorded roster that was present; None before any record."""
    if recorded <= 0:
        return None
    return present / recorded


def tapers(rates: Sequence[float | None]) -> bool:
    """Whether attendance fell off over the meetings held so far.

    Compare the mean rate of the first third of the recorded meetings with
    the last third; a fall below ``TAPER_RATIO`` of the start is a taper.
    """
    known = [r for r in rates if r is not None]
    if len(known) < TAPER_MIN_MEETINGS:
        return False
    third = max(len(known) // 3, 1)
    start = sum(known[:third]) / third
    end = sum(known[-third:]) / third
    return start > 0 and end < start * TAPER_RATIO


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, halves rounded up; None for an empty whole."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float | None


def bar_chart(
    rates: Sequence[float | None],
    *,
    width: int = 240,
    height: int = 60,
    gap: int = 4,
) -> list[Bar]:
    """Bars of an attendance-rate chart, one per meeting, in SVG coordinates."""
    n = len(rates)
    if n == 0:
        return []
    bar_w = max((width - gap * (n - 1)) / n, 1)
    bars = []
    for i, rate in enumerate(rates):
        h = round((rate or 0) * height, 1)
        bars.append(
            Bar(
                x=round(i * (bar_w + gap), 1),
                y=round(height - h, 1),
                width=round(bar_w, 1),
                height=h,
                label=(
                    gettext("Meeting %(number)d: not recorded") % {"number": i + 1}
                    if rate is None
                    else gettext("Meeting %(number)d: %(percent)d%%")
                    % {"number": i + 1, "percent": round(rate * 100)}
                ),
                value=rate,
            )
        )
    return bars


# --- Cross-over with the mentorship program ------------------------------------


@dataclass
class Crossover:
    """Which mentee collaborations took part in which groups."""

    collaborations: dict[object, str] = field(default_factory=dict)
    by_group: dict[object, set] = field(default_factory=dict)
    by_collaboration: dict[object, set] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.by_collaboration)


def crossover(participations: Iterable[tuple[object, str, object]]) -> Crossover:
    """Count distinct collaborations from (collaboration, name, group) rows.

    A collaboration with several people in several groups counts once.
    """
    result = Crossover()
    for collaboration, name, group in participations:
        result.collaborations[collaboration] = name
        result.by_group.setdefault(group, set()).add(collaboration)
        result.by_collaboration.setdefault(collaboration, set()).add(group)
    return result


# The exit survey's two keyed questions and their choice values.
PARTICIPATION_KEY = "affinity_participation"
PLANS_KEY = "affinity_plans"
TOOK_PART = "took_part"
DID_NOT_TAKE_PART = "did_not_take_part"
PLAN_CONTINUE = "continue"
PLAN_JOIN = "join"
NO_PLANS = "no_plans"
PLANS_YES = frozenset({PLAN_CONTINUE, PLAN_JOIN})


@dataclass
class ExitFigures:
    respondents: int
    took_part_continue: int
    took_part_no_plans: int
    not_yet_plan_to_join: int
    not_yet_no_plans: int
    hidden: bool

    def share(self, count: int) -> int | None:
        return percent(count, self.respondents)

    @property
    def took_part(self) -> int:
        return self.took_part_continue + self.took_part_no_plans

    def rows(self) -> list[tuple[str, int, int | None]]:
        return [
            (
                gettext("Took part and plan to continue"),
                self.took_part_continue,
                self.share(self.took_part_continue),
            ),
            (
                gettext("Took part, no plans to continue"),
                self.took_part_no_plans,
                self.share(self.took_part_no_plans),
            ),
            (
                gettext("Have not taken part and plan to join"),
                self.not_yet_plan_to_join,
                self.share(self.not_yet_plan_to_join),
            ),
            (
                gettext("Have not taken part, no plans to join"),
                self.not_yet_no_plans,
                self.share(self.not_yet_no_plans),
            ),
        ]


def exit_figures(
    answers: Iterable[tuple[str | None, str | None]], *, min_group_size: int = 1
) -> ExitFigures:
    """Tally (participation, plans) answer pairs of exit-survey responses.

    Respondents are the responses that answered the participation question;
    a response with no plans answer counts as "no plans". When fewer than
    ``min_group_size`` responded, the figures are marked hidden, as every
    survey report hides groups too small to stay anonymous.
    """
    counts = {"tc": 0, "tn": 0, "nj": 0, "nn": 0}
    respondents = 0
    for participation, plans in answers:
        if participation not in (TOOK_PART, DID_NOT_TAKE_PART):
            continue
        respondents += 1
        plans_yes = plans in PLANS_YES
        if participation == TOOK_PART:
            counts["tc" if plans_yes else "tn"] += 1
        else:
            counts["nj" if plans_yes else "nn"] += 1
    return ExitFigures(
        respondents=respondents,
        took_part_continue=counts["tc"],
        took_part_no_plans=counts["tn"],
        not_yet_plan_to_join=counts["nj"],
        not_yet_no_plans=counts["nn"],
        hidden=respondents < min_group_size,
    )
