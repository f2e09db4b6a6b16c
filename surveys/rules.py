"""Pure rules of surveys: answer validation, small-group suppression, statistics
and chart geometry. No ORM, no request: every function here takes plain values.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

LIKERT_POINTS = (1, 2, 3, 4, 5)
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10000

REQUIRED = "This question needs an answer."
NOT_AN_OPTION = "Choose one of the options shown."
ONE_ONLY = "Choose only one option."
NOT_A_NUMBER = "Enter a number, for example 12 or 3.5."
BELOW_MIN = "Enter a number no smaller than {bound}."
ABOVE_MAX = "Enter a number no larger than {bound}."
LIKERT_RANGE = "Choose one point of the scale, from 1 to 5."
TEXT_TOO_LONG = "Keep this answer under {limit} characters."

SUPPRESSED_REASON = (
    "Hidden: fewer than {k} people answered in this group, so showing it could "
    "reveal who said what."
)
COMPLEMENT_REASON = (
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
