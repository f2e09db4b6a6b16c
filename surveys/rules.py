"""Pure rules of surveys: answer validation, small-group suppression, statistics
and chart geometry. No ORM, no request: every function here takes plain values.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

LIKERT_POINTS = (1, 2, 3, 4, 5)
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10000

REQUIRED = _("This question needs an answer.")
NOT_AN_OPTION = _("Choose one of the options shown.")
ONE_ONLY = _("Choose only one option.")
NOT_A_NUMBER = _("Enter a number, for example 12 or 3.5.")
BELOW_MIN = _("Enter a number no smaller than {bound}.")
ABOVE_MAX = _("Enter a number no larger than {bound}.")
LIKERT_RANGE = _("Choose one point of the scale, from 1 to 5.")
TEXT_TOO_LONG = _("Keep this answer under {limit} characters.")
# The words of Django's own form fields (ProhibitNullCharactersValidator).
NUL_CHARACTER = _("Null characters are not allowed.")
TOO_MANY_VALUES = _("Choose at most {limit} options.")
MAX_VALUES = 100

SUPPRESSED_REASON = _(
    "Hidden: fewer than {k} people answered in this group, so showing it could "
    "reveal who said what."
)
COMPLEMENT_REASON = _(
    "Hidden as well: with the total shown, this group's figures would let "
    "someone work out a smaller hidden group."
)

LIKERT = "likert"
SINGLE = "single"
MULTIPLE = "multiple"
NUMBER = "number"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
CHOICE_KINDS = (SINGLE, MULTIPLE)
TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)


@dataclass(frozen=True)
class QuestionSpec:
    """What validation needs to know of a question."""

    id: int
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


@dataclass
class Cleaned:
    """A valid answer: exactly one of number, text or choices is set."""

    number: Decimal | None = None
    text: str = ""
    choices: list[str] = field(default_factory=list)


def _fmt(value: Decimal) -> str:
    return (
        format(value.normalize(), "f") if value == value.to_integral() else str(value)
    )


def validate_answer(
    spec: QuestionSpec, raw: Sequence[str]
) -> tuple[Cleaned | None, str]:
    """Check one question's raw form values; return (answer or None, error)."""
    if any(v is not None and not isinstance(v, str) for v in raw):
        return None, NOT_AN_OPTION if spec.kind in CHOICE_KINDS else NOT_A_NUMBER
    # PostgreSQL cannot store a NUL in text: refused here, as Django's forms do,
    # so that no answer is accepted that a later release could not write.
    if any(v is not None and "\x00" in v for v in raw):
        return None, NUL_CHARACTER
    if len(raw) > MAX_VALUES:
        return None, TOO_MANY_VALUES.format(limit=MAX_VALUES)
    values = [v.strip() for v in raw if v is not None and v.strip() != ""]
    if not values:
        return None, (REQUIRED if spec.required else "")
    if spec.kind == LIKERT:
        if len(values) != 1 or values[0] not in {str(p) for p in LIKERT_POINTS}:
            return None, LIKERT_RANGE
        return Cleaned(number=Decimal(values[0])), ""
    if spec.kind == SINGLE:
        if len(values) != 1:
            return None, ONE_ONLY
        if values[0] not in spec.choices:
            return None, NOT_AN_OPTION
        return Cleaned(choices=[values[0]]), ""
    if spec.kind == MULTIPLE:
        if any(v not in spec.choices for v in values):
            return None, NOT_AN_OPTION
        # Keep the question's order and drop repeats.
        chosen = [c for c in spec.choices if c in set(values)]
        return Cleaned(choices=chosen), ""
    if spec.kind == NUMBER:
        if len(values) != 1:
            return None, NOT_A_NUMBER
        try:
            number = Decimal(values[0].replace(",", ""))
        except InvalidOperation:
            return None, NOT_A_NUMBER
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            return None, NOT_A_NUMBER
        if spec.min_value is not None and number < spec.min_value:
            return None, BELOW_MIN.format(bound=_fmt(spec.min_value))
        if spec.max_value is not None and number > spec.max_value:
            return None, ABOVE_MAX.format(bound=_fmt(spec.max_value))
        return Cleaned(number=number.quantize(Decimal("0.01"))), ""
    limit = SHORT_TEXT_MAX if spec.kind == SHORT_TEXT else LONG_TEXT_MAX
    text = "\n".join(values)
    if len(text) > limit:
        return None, TEXT_TOO_LONG.format(limit=limit)
    return Cleaned(text=text), ""


def validate_answers(
    specs: Iterable[QuestionSpec], raw: Mapping[str, Sequence[str]]
) -> tuple[dict[int, Cleaned], dict[str, str]]:
    """Check every question; return the answers given and errors by field name."""
    cleaned: dict[int, Cleaned] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        answer, error = validate_answer(spec, raw.get(spec.field_name, []))
        if error:
            errors[spec.field_name] = error
        elif answer is not None:
            cleaned[spec.id] = answer
    return cleaned, errors


# --- suppression ---


@dataclass(frozen=True)
class Suppression:
    """Which cells of a breakdown are hidden, and why."""

    primary: frozenset
    complementary: frozenset

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.complementary

    def reason(self, key, k: int) -> str:
        if key in self.primary:
            return SUPPRESSED_REASON.format(k=k)
        if key in self.complementary:
            return COMPLEMENT_REASON
        return ""


def suppress_cells(counts: Mapping, k: int) -> Suppression:
    """Hide every cell with fewer than ``k`` people, and enough others with it.

    A cell with 1 to k-1 people is hidden (primary suppression). Since the total
    is shown, the hidden cells together can be worked out as the total minus the
    visible ones: while they add up to fewer than ``k`` people, the smallest
    visible cell is hidden too (complementary suppression), so that what can be
    derived always covers at least ``k`` people. Empty cells reveal no one and
    stay visible.
    """
    primary = {key for key, n in counts.items() if 0 < n < k}
    complementary: set = set()
    if primary:
        visible = sorted(
            (key for key, n in counts.items() if n >= k),
            key=lambda key: (counts[key], str(key)),
        )
        hidden_total = sum(counts[key] for key in primary)
        while hidden_total < k and visible:
            key = visible.pop(0)
            complementary.add(key)
            hidden_total += counts[key]
    return Suppression(frozenset(primary), frozenset(complementary))


# --- releases of anonymous answers ---


@dataclass(frozen=True)
class ReleasePlan:
    """Which waiting answers a release writes, grouped as a report may show them.

    ``own``: cohorts whose waiting answers (at least k) are released as a group
    of their own and stay shown in the breakdown. ``mixed``: cohorts (``None``
    for answers without one) whose waiting answers are released together, in
    no cohort. ``newly_hidden``: cohorts hidden from this release on, because
    some of their answers go out in the mixed group.
    """

    own: frozenset
    mixed: frozenset
    newly_hidden: frozenset

    @property
    def released(self) -> frozenset:
        return self.own | self.mixed


def plan_release(
    waiting: Mapping,
    *,
    k: int,
    hidden: Iterable = (),
    room: Mapping | None = None,
    final: bool = False,
) -> ReleasePlan:
    """Group waiting answers so that every published figure covers k or more.

    ``waiting`` counts the answers waiting per cohort (``None``: no cohort);
    ``hidden`` are cohorts already hidden by an earlier release; ``room`` counts,
    per cohort, the invited people who have not answered yet.

    Every release publishes unions of disjoint groups of at least ``k``
    answers, and never splits a group later: a shown cohort's figures are the
    union of its own groups, the overall figures the union of all groups, and
    so any difference of published figures (between cohorts, between
    releases) is again a union of whole groups, never fewer than k people.

    * A shown cohort with at least k waiting is released as its own group.
    * Answers of hidden cohorts, of no cohort, and of shown cohorts with fewer
      than k waiting that can no longer reach k (or at the close) go out
      together as one mixed group, once it holds at least k; the shown cohorts
      among them are hidden from then on.
    * Before the close, a shown cohort with fewer than k waiting but enough
      invited people yet to answer waits for them, so that it can stay shown.
    * At the close, a mixed group still under k takes in the smallest own
      groups (hiding those cohorts) until it reaches k; if even everything
      waiting is fewer than k, nothing is released: it is withheld.
    """
    hidden = set(hidden)
    room = room or {}
    counts = {c: n for c, n in waiting.items() if n > 0}
    own = {c for c, n in counts.items() if c is not None and c not in hidden and n >= k}
    mixed: set = set()
    for cohort, n in counts.items():
        if cohort in own:
            continue
        if cohort is None or cohort in hidden:
            mixed.add(cohort)
        elif not final and n + room.get(cohort, 0) >= k:
            continue  # waits for the rest of its cohort
        else:
            mixed.add(cohort)
    size = sum(counts[c] for c in mixed)
    if final and 0 < size < k:
        for cohort in sorted(own, key=lambda c: (counts[c], str(c))):
            own.discard(cohort)
            mixed.add(cohort)
            size += counts[cohort]
            if size >= k:
                break
    if size < k:
        mixed = set()
    return ReleasePlan(
        own=frozenset(own),
        mixed=frozenset(mixed),
        newly_hidden=frozenset(c for c in mixed if c is not None and c not in hidden),
    )


def text_order(text: str) -> tuple[str, str]:
    """How an anonymous survey lists free-text answers: by their own words, so
    that the order says nothing of who wrote them, when, or what else they
    answered."""
    return (text.casefold(), text)


# --- statistics ---


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    stdev: float | None


def number_summary(values: Iterable) -> NumberSummary:
    """Count, mean, median, range and sample standard deviation."""
    data = [float(v) for v in values if v is not None]
    if not data:
        return NumberSummary(0, None, None, None, None, None)
    return NumberSummary(
        n=len(data),
        mean=statistics.fmean(data),
        median=statistics.median(data),
        minimum=min(data),
        maximum=max(data),
        stdev=statistics.stdev(data) if len(data) > 1 else None,
    )


def distribution(values: Iterable, options: Sequence) -> list[tuple[object, int]]:
    """How many times each option was chosen, in the options' order."""
    counts = dict.fromkeys(options, 0)
    for value in values:
        if value in counts:
            counts[value] += 1
    return list(counts.items())


def likert_mean(counts: Sequence[tuple[int, int]]) -> float | None:
    total = sum(n for _, n in counts)
    if not total:
        return None
    return sum(point * n for point, n in counts) / total


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def change(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return after - before


# --- chart geometry ---


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float
    x: float
    y: float
    width: float
    height: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    plot_width: int
    bars: tuple[Bar, ...]


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    width: int = 640,
    label_width: int = 220,
    bar_height: int = 22,
    gap: int = 8,
    value_width: int = 90,
) -> BarChart:
    """Lay out a horizontal bar chart: one bar per row, scaled to the largest."""
    total = sum(v for _, v in rows)
    largest = max((v for _, v in rows), default=0)
    plot_width = width - label_width - value_width
    bars = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        bar_width = (plot_width * value / largest) if largest else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                percent=percent(value, total),
                x=float(label_width),
                y=float(y),
                width=round(bar_width, 2),
                height=float(bar_height),
                text_y=y + bar_height * 0.7,
            )
        )
    height = gap + len(rows) * (bar_height + gap)
    return BarChart(
        width=width,
        height=max(height, bar_height + 2 * gap),
        label_width=label_width,
        plot_width=plot_width,
        bars=tuple(bars),
    )
