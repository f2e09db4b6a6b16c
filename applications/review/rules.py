"""The review desk's pure rules: scoring, normalization, assignment, blinding.

Nothing here touches the database or a request; the services hand in plain
values and store what comes back, so each rule is unit-tested on its own.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Error messages the scoring rules raise; tests assert the same constants.
SCORE_OUT_OF_SCALE = "Choose a score from {low} to {high}."
SCORE_REQUIRED = "Give this criterion a score before you submit."
SCORE_UNKNOWN_CRITERION = "This criterion is not part of the round's rubric."

# Below this many submitted reviews (or with no spread at all) a reviewer's own
# mean and standard deviation say nothing about its harshness.
MIN_REVIEWS_TO_CALIBRATE = 2

THREE_PLACES = Decimal("0.001")


def quantize(value: float | Decimal | None) -> Decimal | None:
    """Round a score to three decimals for storage and display."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------
# Scoring one review


@dataclass(frozen=True)
class CriterionSpec:
    """What the rules need of a rubric criterion."""

    id: int
    weight: Decimal
    scale_min: int
    scale_max: int
    required: bool = True
    name: str = ""


def score_errors(
    criteria: Sequence[CriterionSpec],
    values: Mapping[int, int | None],
    *,
    final: bool,
) -> dict[int, str]:
    """Return an error per criterion id for the scores in ``values``.

    A score outside the criterion's scale is always refused; a missing score of
    a required criterion is refused only when the review is submitted
    (``final``), so a reviewer can save half a review and come back.
    """
    errors: dict[int, str] = {}
    known = {c.id for c in criteria}
    for criterion_id in values:
        if criterion_id not in known:
            errors[criterion_id] = SCORE_UNKNOWN_CRITERION
    for c in criteria:
        value = values.get(c.id)
        if value is None:
            if final and c.required:
                errors[c.id] = SCORE_REQUIRED
            continue
        if not c.scale_min <= value <= c.scale_max:
            errors[c.id] = SCORE_OUT_OF_SCALE.format(low=c.scale_min, high=c.scale_max)
    return errors


def weighted_total(
    criteria: Sequence[CriterionSpec], values: Mapping[int, int | None]
) -> Decimal | None:
    """The weighted mean of the scores, on a 0–1 fraction of each scale mapped
    back to the rubric's common scale.

    With every criterion on the same scale (the usual 1–5) this is plainly
    ``sum(weight × score) / sum(weight)``, a number on that scale. Criteria on
    different scales are first brought to the scale of the first criterion so
    that a 1–10 criterion does not outweigh a 1–5 one by its range alone.
    Criteria without a score are left out; with no score at all there is no
    total.
    """
    scored = [(c, values.get(c.id)) for c in criteria]
    scored = [(c, v) for c, v in scored if v is not None and c.weight > 0]
    if not scored:
        return None
    base_min, base_max = criteria[0].scale_min, criteria[0].scale_max
    total_weight = sum((c.weight for c, _ in scored), Decimal(0))
    acc = Decimal(0)
    for c, v in scored:
        if (c.scale_min, c.scale_max) == (base_min, base_max):
            on_base = Decimal(v)
        else:
            fraction = Decimal(v - c.scale_min) / Decimal(c.scale_max - c.scale_min)
            on_base = base_min + fraction * (base_max - base_min)
        acc += c.weight * on_base
    return quantize(acc / total_weight)


# --------------------------------------------------------------------------
# Aggregating a round


@dataclass(frozen=True)
class ReviewTotal:
    """One submitted review: who gave which application what weighted total."""

    reviewer_id: int
    application_id: int
    total: float


@dataclass(frozen=True)
class ReviewerCalibration:
    """How one reviewer scores across the round."""

    reviewer_id: int
    count: int
    mean: float
    sd: float
    # False when the reviewer has too few reviews or gave every application
    # the same total: its totals are then compared with the round instead.
    calibrated: bool


@dataclass
class ApplicationAggregate:
    application_id: int
    reviews_done: int
    mean: float | None
    spread: float | None
    z_mean: float | None
    normalized: float | None
    disagreement: bool
    # (reviewer_id, total, z) per review, for the page that explains the rank.
    parts: list[tuple[int, float, float]] = field(default_factory=list)


@dataclass
class RoundAggregate:
    round_mean: float | None
    round_sd: float | None
    reviewers: dict[int, ReviewerCalibration]
    applications: dict[int, ApplicationAggregate]


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def _sd(xs: Sequence[float]) -> float:
    """Population standard deviation (the reviewer's whole round is known)."""
    if len(xs) < 2:
        return 0.0
    m = _mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / len(xs))


# Two totals closer than this are the same total (float noise, not spread).
EPSILON = 1e-9


def aggregate_round(
    reviews: Iterable[ReviewTotal], *, disagreement_threshold: float
) -> RoundAggregate:
    """Aggregate a round's submitted reviews.

    Per reviewer: the mean and standard deviation of its weighted totals. Each
    total becomes a z-score, ``(total − reviewer's mean) / reviewer's sd``: how
    far above or below its own habit the reviewer placed this application. A
    harsh reviewer's 2.5 and a lenient one's 4.5 can both mean "a bit better
    than usual". A reviewer with fewer than two reviews, or whose totals are
    all equal, cannot be calibrated: its totals are compared with the round's
    mean and spread instead, ``(total − round mean) / round sd``.

    Per application: the plain mean, the spread (highest minus lowest total),
    the mean z-score, and the normalized score: the mean z-score put back on
    the rubric's scale as ``round mean + mean z × round sd``, so it reads like
    a score an average reviewer would give. The disagreement flag is set when
    the spread exceeds ``disagreement_threshold`` points.
    """
    reviews = list(reviews)
    all_totals = [r.total for r in reviews]
    round_mean = _mean(all_totals) if all_totals else None
    round_sd = _sd(all_totals) if all_totals else None
    calibrations = _calibrations(reviews)
    by_application: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for r in reviews:
        z = z_score(r.total, calibrations[r.reviewer_id], round_mean, round_sd)
        by_application[r.application_id].append((r.reviewer_id, r.total, z))
    applications = {
        application_id: _application_aggregate(
            application_id, parts, round_mean, round_sd, disagreement_threshold
        )
        for application_id, parts in by_application.items()
    }
    return RoundAggregate(
        round_mean=round_mean,
        round_sd=round_sd,
        reviewers=calibrations,
        applications=applications,
    )


def _calibrations(reviews: list[ReviewTotal]) -> dict[int, ReviewerCalibration]:
    """Each reviewer's mean and spread, and whether they can calibrate it."""
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for r in reviews:
        by_reviewer[r.reviewer_id].append(r.total)
    calibrations = {}
    for reviewer_id, totals in by_reviewer.items():
        sd = _sd(totals)
        calibrations[reviewer_id] = ReviewerCalibration(
            reviewer_id=reviewer_id,
            count=len(totals),
            mean=_mean(totals),
            sd=sd,
            calibrated=len(totals) >= MIN_REVIEWS_TO_CALIBRATE and sd > EPSILON,
        )
    return calibrations


def _application_aggregate(
    application_id: int, parts, round_mean, round_sd, disagreement_threshold
) -> ApplicationAggregate:
    """One application's mean, spread, mean z-score and normalized score."""
    totals = [t for _, t, _ in parts]
    zs = [z for _, _, z in parts]
    spread = max(totals) - min(totals)
    z_mean = _mean(zs)
    return ApplicationAggregate(
        application_id=application_id,
        reviews_done=len(parts),
        mean=_mean(totals),
        spread=spread,
        z_mean=z_mean,
        normalized=round_mean + z_mean * (round_sd or 0.0),
        disagreement=spread > disagreement_threshold + EPSILON,
        parts=parts,
    )


def z_score(total: float, cal: ReviewerCalibration, round_mean, round_sd) -> float:
    """The z-score of one total, as ``aggregate_round`` computes it."""
    if cal.calibrated:
        return (total - cal.mean) / cal.sd
    if round_sd and round_sd > EPSILON:
        return (total - round_mean) / round_sd
    return 0.0


# --------------------------------------------------------------------------
# Assigning reviewers


@dataclass(frozen=True)
class AssignmentNeed:
    """An application that needs ``needed`` more reviewers.

    ``excluded`` holds the reviewers that may not take it: those with a
    conflict of interest and those already assigned (in any state).
    """

    application_id: int
    needed: int
    excluded: frozenset[int] = frozenset()


@dataclass
class AssignmentPlan:
    pairs: list[tuple[int, int]]  # (application_id, reviewer_id)
    # application_id -> how many reviewers could not be found for it
    shortfalls: dict[int, int]
    loads: dict[int, int]


def plan_assignments(
    needs: Sequence[AssignmentNeed],
    loads: Mapping[int, int],
    *,
    cap: int,
) -> AssignmentPlan:
    """Give each application its needed reviewers, balancing the load.

    Greedy by least load: the most constrained applications (fewest eligible
    reviewers) go first, and each takes the least-loaded reviewers that are not
    excluded and below ``cap``, ties broken by reviewer id so a run is
    repeatable. Starting from equal loads with no exclusions this keeps every
    reviewer's load within one of every other's: each step raises the lowest
    loads first, so the loads always span at most two neighbouring values.
    """
    loads = dict(loads)
    reviewers = sorted(loads)
    pairs: list[tuple[int, int]] = []
    shortfalls: dict[int, int] = {}

    def eligible(need: AssignmentNeed) -> list[int]:
        return [r for r in reviewers if r not in need.excluded and loads[r] < cap]

    order = sorted(
        (n for n in needs if n.needed > 0),
        key=lambda n: (len(eligible(n)), n.application_id),
    )
    for need in order:
        pool = sorted(eligible(need), key=lambda r: (loads[r], r))
        chosen = pool[: need.needed]
        for reviewer_id in chosen:
            loads[reviewer_id] += 1
            pairs.append((need.application_id, reviewer_id))
        if len(chosen) < need.needed:
            shortfalls[need.application_id] = need.needed - len(chosen)
    return AssignmentPlan(pairs=pairs, shortfalls=shortfalls, loads=loads)


# --------------------------------------------------------------------------
# Blind review

# The parts of an application that can name the applicant; staff choose per
# round which of them external reviewers do not see. Partner names name the
# community as surely as the applicant's own name ("Yakima Police
# Department"), so they are withheld by default: reviewers score the variety
# of sectors from each partner's sectors and role.
BLIND_FIELDS = {
    "organization": "Organization name, EIN, address and website",
    "contacts": "Contacts and team members",
    "collaboration_name": "Collaboration name",
    "partners": "Partner organization names",
}
DEFAULT_BLIND_FIELDS = ["organization", "contacts", "collaboration_name", "partners"]
REDACTED = "[withheld]"

# Shorter than this, a "name" is too likely an ordinary word to replace.
MIN_REDACTED_LENGTH = 3
_SEPARATOR = r"[\s\-\u2010-\u2015]+"
_AND = r"(?:&|and)"
# "Department's", and the plural's "Schools'".
_POSSESSIVE = r"(?:['\u2019]s|(?<=s)['\u2019])?"
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_LEGAL_SUFFIX = re.compile(
    r",?\s+(?:inc|incorporated|llc|l\.l\.c|corp|corporation|ltd|pbc)\.?$",
    re.IGNORECASE,
)
_MINOR_WORDS = {"of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "&"}


def _name_forms(name: str) -> set[str]:
    """A name as it is written, and as writers shorten it: without a leading
    "The" or a trailing legal form ("Inc.", "LLC")."""
    forms = {name}
    for form in list(forms):
        forms.add(_LEADING_THE.sub("", form))
    for form in list(forms):
        forms.add(_LEGAL_SUFFIX.sub("", form))
    return {f for f in forms if len(f) >= MIN_REDACTED_LENGTH}


def _form_pattern(form: str) -> str:
    """A regular expression for one form of a name: any case, any run of
    spaces or dashes between its words, "&" for "and", a possessive after it,
    and never inside a longer word."""
    words = []
    for word in re.split(_SEPARATOR, form):
        if not word:
            continue
        words.append(_AND if word.lower() in ("&", "and") else re.escape(word))
    body = _SEPARATOR.join(words)
    before = r"(?<!\w)" if re.match(r"\w", form) else ""
    after = r"(?!\w)" if re.search(r"\w$", form) else ""
    return f"{before}{body}{_POSSESSIVE}{after}"


def _acronym(name: str) -> str | None:
    """The initials an organization of three or more words goes by ("YPS" for
    Yakima Public Schools), matched only in capitals."""
    words = [
        w
        for w in re.split(r"[\s\-\u2010-\u2015,]+", _LEGAL_SUFFIX.sub("", name))
        if w and w.lower() not in _MINOR_WORDS
    ]
    if len(words) < 3 or not all(w[0].isalpha() and w[0].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def redaction_pattern(names: Iterable[str]) -> re.Pattern | None:
    """One expression that finds every withheld name and its obvious variants
    (case, possessive, spacing, "&"/"and", a leading "The", a legal form, the
    initials of a long name); ``None`` when there is nothing to withhold."""
    alternatives: dict[str, str] = {}
    for raw in names:
        name = " ".join((raw or "").split())
        if len(name) < MIN_REDACTED_LENGTH:
            continue
        for form in _name_forms(name):
            alternatives.setdefault(form.lower(), _form_pattern(form))
        acronym = _acronym(name)
        if acronym:
            alternatives.setdefault(
                acronym, rf"(?<!\w)(?-i:{acronym}){_POSSESSIVE}(?!\w)"
            )
    if not alternatives:
        return None
    # Longest first, so "Riverbend County Health Department" is replaced whole
    # before "Riverbend County" could take a part of it.
    ordered = sorted(alternatives.items(), key=lambda kv: -len(kv[0]))
    return re.compile("|".join(p for _k, p in ordered), re.IGNORECASE)


def redact(text: str, names: Iterable[str] | re.Pattern | None) -> str:
    """Replace every mention of ``names`` (see ``redaction_pattern``) in
    ``text`` with the visible marker ``REDACTED``."""
    if not text:
        return text or ""
    pattern = (
        names
        if isinstance(names, re.Pattern) or names is None
        else redaction_pattern(names)
    )
    if pattern is None:
        return text
    return pattern.sub(REDACTED, text)


# --- score anchors ---------------------------------------------------------------

# A line of a criterion's description that says what a score means:
# "1: No plan yet", "5 = A plan shared with every partner", "3 – Some".
_ANCHOR_LINE = re.compile(r"^\s*(-?\d+)\s*[:=\u2013\u2014-]\s*(\S.*?)\s*$")
DEFAULT_LOW = "weak"
DEFAULT_HIGH = "strong"


@dataclass(frozen=True)
class Anchors:
    """What a criterion asks (its description without the anchor lines) and
    what each score of its scale means, where the description says."""

    text: str
    by_score: dict[int, str]

    def label(self, value: int) -> str:
        meaning = self.by_score.get(value)
        return f"{value} · {meaning}" if meaning else str(value)


def score_anchors(description: str, scale_min: int, scale_max: int) -> Anchors:
    """Split a criterion's description into its text and its score anchors.

    Anchors are lines of their own, ``<score>: <meaning>``, for scores of the
    scale; a scale whose ends have none gets "weak" and "strong" there.
    """
    text_lines, anchors = [], {}
    for line in (description or "").splitlines():
        match = _ANCHOR_LINE.match(line)
        if match and scale_min <= int(match.group(1)) <= scale_max:
            anchors[int(match.group(1))] = match.group(2)
        else:
            text_lines.append(line)
    anchors.setdefault(scale_min, DEFAULT_LOW)
    anchors.setdefault(scale_max, DEFAULT_HIGH)
    return Anchors("\n".join(text_lines).strip(), dict(sorted(anchors.items())))
