"""Place a round's accepted applicants into its mentorships (cohorts).

This is the placement engine's core: plain Python over plain data, with no
Django import, so it runs and is tested without a database. The Django layer
turns rows into :class:`Candidate` and :class:`Cohort`, calls :func:`place`,
stores the :class:`Placement`, and rates a placement that staff edited by hand
with :func:`objective_of` and :func:`violations`.

Rules every placement keeps
---------------------------
- No mentorship holds more applicants than its capacity, and no more applicants
  are placed than the round has awards.
- An applicant is placed only in a mentorship it ranked, unless staff pinned it
  elsewhere. Every pin is honoured; a forbidden (applicant, mentorship) pair is
  never used.
- Preferences that name no mentorship of the round are ignored, as are repeats;
  "choice number" means the position in what is left (1 for the first choice).

Score order is score descending, equal scores ordered by applicant id.

Objective
---------
Among placements that keep those rules, :func:`place` returns the best one by
this objective, compared level by level, the first difference deciding:

1. Count. The most applicants placed.
2. Awards by score. Of the sets of applicants that can be placed that many at
   once, the first in score order: walking down the score order, the first
   applicant that one set places and the other does not decides for the set
   that places it.
3. Choices. The lowest total of choice numbers over the placed applicants (a
   pin outside an applicant's ranking counts one more than its last choice).
4. Seats by score. The highest-scored applicant gets the best choice it has in
   any placement that meets 1 to 3; keeping that, the next applicant gets the
   best it can; and so on down the score order.

A place is an award, which is why level 2 comes before level 3. Putting choice
numbers first would let them decide who gets a limited award: an applicant
whose 1st choice had room would take the award of a higher-scored applicant
that could only have had its 2nd choice.

Guarantee
---------
:func:`place` returns the optimum of this objective, and there is exactly one:
levels 1 and 2 fix who is placed, and level 4 fixes each placed applicant's
choice, hence its mentorship. :func:`objective_of` encodes the same order as a
tuple of integers, larger being better, so the guarantee reads
``objective_of(result) == max(objective_of(p) for every placement p that keeps
the rules)``. Consequences, each tested:

- Pareto optimality. No placement that keeps the rules makes one applicant
  better off (a better choice, or a place instead of none) without making
  another worse off.
- Stability, where it is compatible. Say that applicant A, not pinned, and a
  mentorship M that A ranked and may use form a blocking pair when A would
  rather have M than its outcome (any place beats none) and M either holds a
  non-pinned applicant later than A in score order, or has a free seat while A
  is placed, the round has an award left, or an applicant later than A holds
  an award. A placement with no blocking pair is stable in the
  deferred-acceptance sense, every mentorship ranking applicants in score
  order. Because all mentorships share that order there is exactly one stable
  placement: the one serial dictatorship gives, each applicant in score order
  taking its best choice with a free seat while awards remain. It is also the
  best of all placements at level 4, so whenever it meets levels 1 to 3,
  :func:`place` returns it. When it does not, levels 1 to 3 win: a
  higher-scored applicant then sits in a worse choice than a seat that a
  lower-scored one holds, and its explanation says that giving it the seat
  would have cost another applicant its place or a better choice. An unplaced
  applicant never loses to a lower-scored one: every mentorship it ranked and
  may use is full of pins and applicants no later than it in score order, or
  the round's awards all went to such applicants.

Why a solver
------------
Levels 1 to 3 are linear programs over a bipartite flow: applicants to
mentorships, each mentorship under its capacity, all under the round's total.
Their constraint matrices are network matrices, hence totally unimodular, so a
basic optimal solution is a whole-number placement. HiGHS, through
:func:`scipy.optimize.linprog`, solves them: it is maintained, takes about two
seconds for 10,000 applicants and 50 mentorships, and its optimality rests on
no search written here. Level 2 is solved with one weight per applicant,
distinct and falling down the score order: the placeable sets form a matroid (a
transversal matroid cut at the round's total), so such weights pick out the
level-2 optimum exactly, and it places the most applicants too. Level 3 is then
solved for that set with the choice numbers as costs. Solving the levels in
turn keeps every cost below the number of applicants, well inside the solver's
floating-point tolerances; folding levels 2 and 3 into one cost would multiply
the costs by the number of applicants times the longest ranking, and level 4
would need weights growing exponentially with the number of applicants.

Each solution is then checked in whole numbers: a placement is optimal exactly
when the residual graph between mentorships (an edge for each applicant that
could move, weighted by the change in cost) has no negative cycle, which
Bellman-Ford finds. A tolerance slip or a failed solve would be
repaired by moving applicants around such cycles until none is left. The shortest
distances of that check are optimal dual prices, and level 4 uses them: it
moves applicants only around cycles of zero reduced cost, which are exactly the
changes that keep levels 1 to 3 optimal, giving each applicant in score order
the best mentorship such a cycle can reach.
"""

from __future__ import annotations

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.optimize import linprog

__all__ = [
    "Candidate",
    "Cohort",
    "Outcome",
    "Placement",
    "objective_of",
    "place",
    "violations",
]

DUPLICATE_CANDIDATE = "Applicant {id!r} is listed more than once."
DUPLICATE_COHORT = "Mentorship {id!r} is listed more than once."
BAD_SCORE = "Applicant {name} has no usable score ({score!r})."
BAD_CAPACITY = (
    "Mentorship {name} needs a whole-number capacity of 0 or more, not {capacity!r}."
)
BAD_TOTAL = (
    "The round's total of awards must be a whole number of 0 or more, not {total!r}."
)
PIN_UNKNOWN_CANDIDATE = (
    "A pin names applicant {id!r}, who is not among the accepted applicants."
)
PIN_UNKNOWN_COHORT = (
    "Applicant {name} is pinned to {id!r}, which is not a mentorship of this round."
)
PIN_FORBIDDEN = "Applicant {name} is both pinned to and ruled out of {cohort}."
PINS_OVER_CAPACITY = (
    "Pins put {count} applicants in {cohort}, which has capacity {capacity}."
)
PINS_OVER_TOTAL = "Pins place {count} applicants, more than the round's {total} awards."


def gettext_noop(text: str) -> str:
    """Mark a sentence of the explanations for the translation catalogs.

    The module imports nothing of Django: the sentences are translated where
    they are written, by the ``Words`` the caller passes to :func:`place`.
    """
    return text


def pgettext_lazy(context: str, text: str) -> str:
    """Mark a word with its context for the catalogs (see ``gettext_noop``)."""
    return text


class Words:
    """How the explanations are written: English unless the caller passes the
    active language's translation functions, as the Django layer does
    (``Words(gettext, pgettext)``); the English sentences are the message ids."""

    def __init__(self, gettext=None, pgettext=None):
        self.gettext = gettext or (lambda text: text)
        self.pgettext = pgettext or (lambda context, text: text)

    def say(self, text, **values) -> str:
        """``text`` (or a ``(context, text)`` pair) in the language, filled in."""
        if isinstance(text, tuple):
            return self.pgettext(*text).format(**values)
        return self.gettext(text).format(**values)

    def ordinal(self, n: int) -> str:
        if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
            suffix = self.pgettext(*_ORDINAL_TH)
        else:
            suffix = self.pgettext(*_ORDINAL_SUFFIXES[n % 10])
        return f"{n}{suffix}"

    def join(self, words: list[str]) -> str:
        if len(words) <= 1:
            return "".join(words)
        return self.say(
            gettext_noop("{first} and {last}"),
            first=", ".join(words[:-1]),
            last=words[-1],
        )


ENGLISH = Words()

# The ordinal's ending, given with its context so that each language writes
# its own ("1st", "1.ª").
_ORDINAL_SUFFIXES = {
    1: (
        "ordinal ending of 1, 21, 31…",
        pgettext_lazy("ordinal ending of 1, 21, 31…", "st"),
    ),
    2: (
        "ordinal ending of 2, 22, 32…",
        pgettext_lazy("ordinal ending of 2, 22, 32…", "nd"),
    ),
    3: (
        "ordinal ending of 3, 23, 33…",
        pgettext_lazy("ordinal ending of 3, 23, 33…", "rd"),
    ),
}
_ORDINAL_TH = (
    "ordinal ending of other numbers",
    pgettext_lazy("ordinal ending of other numbers", "th"),
)

# Reasons a ranked mentorship did not hold the applicant, with their wording
# for one mentorship and for several.
_FORBIDDEN = "forbidden"
_NO_CAPACITY = "no-capacity"
_PINNED = "pinned"
_HIGHER = "higher"
_HIGHER_PINS = "higher-pins"
_TIED = "tied"
_TIED_PINS = "tied-pins"
_CONTESTED = "contested"
_OPEN = "open"

_PHRASES = {
    _FORBIDDEN: (
        gettext_noop("was ruled out for it by staff"),
        gettext_noop("were ruled out for it by staff"),
    ),
    # The same English for one and for several: a context tells them apart.
    _NO_CAPACITY: (
        ("one mentorship", pgettext_lazy("one mentorship", "had no capacity")),
        (
            "several mentorships",
            pgettext_lazy("several mentorships", "had no capacity"),
        ),
    ),
    _PINNED: (
        gettext_noop("was filled by staff pins"),
        gettext_noop("were filled by staff pins"),
    ),
    _HIGHER: (
        gettext_noop("was filled by applicants with higher scores"),
        gettext_noop("were filled by applicants with higher scores"),
    ),
    _HIGHER_PINS: (
        gettext_noop("was filled by staff pins and applicants with higher scores"),
        gettext_noop("were filled by staff pins and applicants with higher scores"),
    ),
    _TIED: (
        gettext_noop("was filled by applicants with scores at least as high"),
        gettext_noop("were filled by applicants with scores at least as high"),
    ),
    _TIED_PINS: (
        gettext_noop(
            "was filled by staff pins and applicants with scores at least as high"
        ),
        gettext_noop(
            "were filled by staff pins and applicants with scores at least as high"
        ),
    ),
    _CONTESTED: (
        gettext_noop(
            "was full, and a seat there would have cost another applicant its place"
            " or a better choice"
        ),
        gettext_noop(
            "were full, and a seat in any of them would have cost another applicant"
            " its place or a better choice"
        ),
    ),
}
# A placed applicant never passes over a free seat at the optimum; were it to,
# the contested wording would still be true, the placement being Pareto optimal.
_PHRASES[_OPEN] = _PHRASES[_CONTESTED]

_CANNOT_PLACE = gettext_noop(
    "It could not be placed without costing another applicant its place or a"
    " better choice."
)


@dataclass(frozen=True)
class Candidate:
    """An accepted applicant organization, with its ranked mentorship ids."""

    id: Hashable
    name: str
    score: float
    preferences: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Cohort:
    """A mentorship of the round and how many applicants it takes."""

    id: Hashable
    name: str
    capacity: int


@dataclass(frozen=True)
class Outcome:
    """Where one applicant lands, which of its choices that is, and why.

    ``choice`` is the 1-based choice number, None when the applicant is
    unplaced or pinned to a mentorship it did not rank.
    """

    candidate_id: Hashable
    cohort_id: Hashable | None
    choice: int | None
    explanation: str
    pinned: bool = False


@dataclass(frozen=True)
class Placement:
    """The result of :func:`place`.

    ``outcomes`` holds every applicant in score order (highest first, equal
    scores by id); ``objective`` is :func:`objective_of` of the placement and
    ``objective_text`` says the same in words. :meth:`in_words` writes the
    same placement in other words.
    """

    outcomes: dict[Hashable, Outcome]
    objective: tuple[int, ...]
    objective_text: str
    # What the words are told from, kept so that another language needs no
    # second solve.
    _problem: _Problem = field(repr=False, compare=False, kw_only=True)
    _where: tuple[int | None, ...] = field(repr=False, compare=False, kw_only=True)

    def in_words(self, words: Words) -> Placement:
        """Return this placement with its explanations and ``objective_text``
        written by ``words`` (another language's), without solving it again."""
        return _result(self._problem, list(self._where), words)

    def assignment(self) -> dict[Hashable, Hashable | None]:
        """Return applicant id -> mentorship id (None when unplaced)."""
        return {cid: o.cohort_id for cid, o in self.outcomes.items()}

    def placed(self) -> list[Outcome]:
        """Return the placed applicants' outcomes, in score order."""
        return [o for o in self.outcomes.values() if o.cohort_id is not None]

    def unplaced(self) -> list[Outcome]:
        """Return the unplaced applicants' outcomes, in score order."""
        return [o for o in self.outcomes.values() if o.cohort_id is None]

    def roster(self, cohort_id: Hashable) -> list[Hashable]:
        """Return the ids of the applicants placed in a mentorship, by score."""
        return [cid for cid, o in self.outcomes.items() if o.cohort_id == cohort_id]

    def choice_counts(self) -> dict[int, int]:
        """Return how many applicants were placed at each choice number.

        Pins outside an applicant's ranking have no choice number and are not
        counted.
        """
        counts = Counter(
            o.choice for o in self.outcomes.values() if o.choice is not None
        )
        return dict(sorted(counts.items()))


def place(
    candidates: Iterable[Candidate],
    cohorts: Iterable[Cohort],
    *,
    total_awards: int,
    pins: Mapping[Hashable, Hashable] | None = None,
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    words: Words = ENGLISH,
) -> Placement:
    """Place the accepted applicants, optimally for the module's objective.

    ``words`` writes the explanations (English unless given).

    ``pins`` maps applicant id to mentorship id; ``forbidden`` holds
    (applicant id, mentorship id) pairs, and pairs naming someone unknown are
    ignored. Raise ValueError, with one of the module's message constants, for
    input that cannot be placed: repeated ids, a score that is not a finite
    number, a negative or fractional capacity or total, or pins that name
    someone unknown, a forbidden pair, or more applicants than a mentorship or
    the round can take. The result is the same for the same applicants,
    mentorships, pins and forbidden pairs in any order.
    """
    problem = _Problem(candidates, cohorts, total_awards, pins, forbidden)
    where = _Solver(problem).solve()
    return _result(problem, where, words)


def objective_of(
    assignment: Mapping[Hashable, Hashable | None],
    candidates: Iterable[Candidate],
    cohorts: Iterable[Cohort] | None = None,
) -> tuple[int, ...]:
    """Return the module's objective for an assignment; larger is better.

    The tuple is ``(placed count, *placed flags, -choice total, *-choice
    numbers)``, both runs being in score order: a flag is 1 for a placed
    applicant, a choice number counts one more than the last choice for a
    mentorship the applicant did not rank and two more for no place. With
    ``cohorts`` given, preferences outside them are ignored, as in
    :func:`place`. Applicants missing from ``assignment`` count as unplaced.
    Feasibility is not checked here; see :func:`violations`.
    """
    known = None if cohorts is None else {c.id for c in cohorts}
    ordered = _score_order(list(candidates))
    flags, choices = [], []
    total = 0
    for candidate in ordered:
        prefs = _effective_preferences(candidate.preferences, known)
        where = assignment.get(candidate.id)
        if where is None:
            flags.append(0)
            choices.append(-(len(prefs) + 2))
            continue
        number = prefs.index(where) + 1 if where in prefs else len(prefs) + 1
        flags.append(1)
        choices.append(-number)
        total += number
    return (sum(flags), *flags, -total, *choices)


def violations(
    assignment: Mapping[Hashable, Hashable | None],
    candidates: Iterable[Candidate],
    cohorts: Iterable[Cohort],
    *,
    total_awards: int,
    pins: Mapping[Hashable, Hashable] | None = None,
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
) -> list[str]:
    """Return, in plain English, every rule an assignment breaks.

    An empty list means the assignment keeps every rule of the module
    docstring. Meant for placements that staff edit by hand.
    """
    candidates = list(candidates)
    cohorts = list(cohorts)
    pins = dict(pins or {})
    by_id = {c.id: c for c in candidates}
    cohort_by_id = {c.id: c for c in cohorts}
    ruled_out = {tuple(pair) for pair in forbidden}
    problems = []
    load: Counter = Counter()
    for candidate in candidates:
        where = assignment.get(candidate.id)
        pinned = pins.get(candidate.id)
        if pinned is not None and where != pinned:
            problems.append(
                f"{candidate.name} is pinned to {_cohort_name(cohort_by_id, pinned)}"
                f" but is {_where_text(cohort_by_id, where)}."
            )
        if where is None:
            continue
        load[where] += 1
        name = _cohort_name(cohort_by_id, where)
        if where not in cohort_by_id:
            problems.append(f"{candidate.name} is placed in {name}, not a mentorship.")
            continue
        if (candidate.id, where) in ruled_out:
            problems.append(f"{candidate.name} is placed in {name}, ruled out for it.")
        if where != pinned and where not in _as_tuple(candidate.preferences):
            problems.append(
                f"{candidate.name} is placed in {name}, which it did not rank."
            )
    for cid in assignment:
        if cid not in by_id:
            problems.append(f"{cid!r} is not an accepted applicant.")
    for cohort in cohorts:
        if load[cohort.id] > cohort.capacity:
            problems.append(
                f"{cohort.name} holds {load[cohort.id]} applicants but has capacity"
                f" {cohort.capacity}."
            )
    placed = sum(1 for c in candidates if assignment.get(c.id) is not None)
    if placed > total_awards:
        problems.append(
            f"{placed} applicants are placed but the round has {total_awards} awards."
        )
    return problems


# Input


class _Problem:
    """The input, checked and indexed: applicants by position in score order."""

    def __init__(self, candidates, cohorts, total_awards, pins, forbidden):
        self.cohorts = list(cohorts)
        self._read_cohorts(total_awards)
        self._read_candidates(candidates)
        self._read_forbidden(forbidden)
        self._read_pins(pins)
        self._check_pinned_load()

    def _read_cohorts(self, total_awards) -> None:
        """Index the mentorships and check their capacities and the total."""
        self.cohort_index = {}
        for index, cohort in enumerate(self.cohorts):
            if cohort.id in self.cohort_index:
                raise ValueError(DUPLICATE_COHORT.format(id=cohort.id))
            self.cohort_index[cohort.id] = index
        self.capacity = []
        for cohort in self.cohorts:
            capacity = _whole(cohort.capacity)
            if capacity is None:
                raise ValueError(
                    BAD_CAPACITY.format(
                        name=cohort.name or cohort.id, capacity=cohort.capacity
                    )
                )
            self.capacity.append(capacity)
        self.total = _whole(total_awards)
        if self.total is None:
            raise ValueError(BAD_TOTAL.format(total=total_awards))

    def _read_candidates(self, candidates) -> None:
        """Check the applicants and put them in score order with their choices."""
        listed = list(candidates)
        seen = set()
        for candidate in listed:
            if candidate.id in seen:
                raise ValueError(DUPLICATE_CANDIDATE.format(id=candidate.id))
            seen.add(candidate.id)
            _check_score(candidate)
        self.candidates = _score_order(listed)
        self.position = {c.id: i for i, c in enumerate(self.candidates)}
        self.scores = [float(c.score) for c in self.candidates]
        self.prefs = [
            tuple(
                self.cohort_index[p]
                for p in _effective_preferences(c.preferences, self.cohort_index)
            )
            for c in self.candidates
        ]
        self.gave_preferences = [
            bool(_as_tuple(c.preferences)) for c in self.candidates
        ]

    def _read_forbidden(self, forbidden) -> None:
        """Keep the ruled-out pairs that name a known applicant and mentorship."""
        self.forbidden = set()
        for pair in forbidden:
            candidate_id, cohort_id = tuple(pair)
            if candidate_id in self.position and cohort_id in self.cohort_index:
                self.forbidden.add(
                    (self.position[candidate_id], self.cohort_index[cohort_id])
                )

    def _read_pins(self, pins) -> None:
        """Check each pin, in score order, and record it by position."""
        self.pin = [None] * len(self.candidates)
        for candidate_id, cohort_id in sorted(
            (pins or {}).items(), key=lambda item: self.position.get(item[0], -1)
        ):
            if candidate_id not in self.position:
                raise ValueError(PIN_UNKNOWN_CANDIDATE.format(id=candidate_id))
            i = self.position[candidate_id]
            if cohort_id not in self.cohort_index:
                raise ValueError(
                    PIN_UNKNOWN_COHORT.format(
                        name=self.candidates[i].name, id=cohort_id
                    )
                )
            m = self.cohort_index[cohort_id]
            if (i, m) in self.forbidden:
                raise ValueError(
                    PIN_FORBIDDEN.format(
                        name=self.candidates[i].name, cohort=self.cohort_name(m)
                    )
                )
            self.pin[i] = m

    def _check_pinned_load(self) -> None:
        """Check the pins fit the capacities and the total; keep what is left."""
        self.pinned_load = Counter(m for m in self.pin if m is not None)
        for m, count in sorted(self.pinned_load.items()):
            if count > self.capacity[m]:
                raise ValueError(
                    PINS_OVER_CAPACITY.format(
                        count=count,
                        cohort=self.cohort_name(m),
                        capacity=self.capacity[m],
                    )
                )
        pinned = sum(self.pinned_load.values())
        if pinned > self.total:
            raise ValueError(PINS_OVER_TOTAL.format(count=pinned, total=self.total))
        self.free_capacity = [
            self.capacity[m] - self.pinned_load[m] for m in range(len(self.cohorts))
        ]
        self.free_total = self.total - pinned

    def cohort_name(self, m: int) -> str:
        cohort = self.cohorts[m]
        return cohort.name or str(cohort.id)

    def options(self, i: int) -> list[tuple[int, int]]:
        """Return (mentorship, choice number) pairs applicant i may be placed in."""
        return [
            (m, number)
            for number, m in enumerate(self.prefs[i], start=1)
            if self.free_capacity[m] > 0 and (i, m) not in self.forbidden
        ]


def _whole(value) -> int | None:
    """Return value as a whole number of 0 or more, or None if it is not one."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = operator.index(value)
    except TypeError:
        return None
    return number if number >= 0 else None


def _check_score(candidate: Candidate) -> None:
    try:
        score = float(candidate.score)
    except (TypeError, ValueError):
        score = math.nan
    if not math.isfinite(score):
        raise ValueError(BAD_SCORE.format(name=candidate.name, score=candidate.score))


def _as_tuple(preferences) -> tuple:
    if preferences is None:
        return ()
    if isinstance(preferences, str | bytes):
        return (preferences,)
    return tuple(preferences)


def _effective_preferences(preferences, known) -> list:
    """Return the ranked ids left once unknown ids and repeats are dropped."""
    kept = []
    for item in _as_tuple(preferences):
        try:
            if item in kept or (known is not None and item not in known):
                continue
        except TypeError:  # an unhashable id names no mentorship
            continue
        kept.append(item)
    return kept


def _score_order(candidates: list[Candidate]) -> list[Candidate]:
    """Sort by score descending, equal scores by id, whatever the id types."""
    ids = [c.id for c in candidates]
    try:
        ranked = sorted(ids)
    except TypeError:
        ranked = sorted(ids, key=lambda i: (type(i).__name__, repr(i)))
    id_rank = {cid: n for n, cid in enumerate(ranked)}
    return sorted(candidates, key=lambda c: (-float(c.score), id_rank[c.id]))


# Solving


class _Solver:
    """Levels 1 to 4 of the objective for the applicants that are not pinned.

    Mentorships are nodes 0..k-1 of the residual graphs; ``awards`` collects
    placed applicants under the round's total, ``pool`` holds the unplaced
    and ``end`` is where both drain.
    """

    def __init__(self, problem: _Problem):
        self.problem = problem
        self.k = len(problem.cohorts)
        self.awards, self.pool, self.end = self.k, self.k + 1, self.k + 2
        free = [i for i, m in enumerate(problem.pin) if m is None]
        self.options = {i: problem.options(i) for i in free}
        self.number = {i: dict(self.options[i]) for i in free}
        self.active = [i for i in free if self.options[i]]
        self.where: dict[int, int | None] = dict.fromkeys(free)
        self.load = [0] * self.k
        self.potential: dict[int, int] = {}

    def solve(self) -> list[int | None]:
        problem = self.problem
        if self.active and problem.free_total > 0:
            self._award_by_score()
            self._fewest_choice_numbers()
            self._seats_by_score()
        return [
            problem.pin[i] if problem.pin[i] is not None else self.where[i]
            for i in range(len(problem.candidates))
        ]

    # Levels 1 and 2: who is placed.

    def _award_by_score(self) -> None:
        weight = {i: len(self.active) - n for n, i in enumerate(self.active)}

        def cost(i, m):
            return 0 if m is None else -weight[i]

        # The interior-point method, then crossover to a basic solution, is about
        # twice as fast as the simplex methods on this program.
        chosen = self._linear_program(
            self.active, cost, place_all=False, method="highs-ipm"
        )
        self._adopt(chosen)
        self._cancel_negative_cycles(cost, self.active, pool=True)

    # Level 3: the fewest choice numbers for those placed.

    def _fewest_choice_numbers(self) -> None:
        placed = [i for i in self.active if self.where[i] is not None]
        chosen = self._linear_program(
            placed, self._choice_cost, place_all=True, method="highs-ds"
        )
        if len(chosen) == len(placed) and self._feasible(chosen):
            for i in placed:
                self.where[i] = None
            self.load = [0] * self.k
            self._adopt(chosen)
        self.potential = self._cancel_negative_cycles(
            self._choice_cost, placed, pool=False
        )

    def _choice_cost(self, i, m):
        return self.number[i][m]

    # Level 4: seats by score, moving only around zero-cost cycles.

    def _seats_by_score(self) -> None:
        tight = _TightMoves(self)
        placed = [i for i in self.active if self.where[i] is not None]
        for i in placed:
            tight.enter(i)
        for m in range(self.k):
            tight.sync(m)
        for i in placed:
            self._seat_better(tight, i)

    def _seat_better(self, tight: _TightMoves, i: int) -> None:
        """Move applicant i to a better choice along a zero-cost cycle, if any."""
        here = self.where[i]
        better = [
            m
            for m, n in self.options[i]
            if n < self.number[i][here] and not tight.reduced(i, m)
        ]
        tight.leave(i)
        if not better:
            return
        reach = nx.ancestors(tight.graph, here)
        target = next((m for m in better if m in reach), None)
        if target is None:
            return
        path = nx.shortest_path(tight.graph, target, here)
        movers = [
            (max(tight.tight[(a, b)]), b)
            for a, b in pairwise(path)
            if self.awards not in (a, b)
        ]
        for mover, _ in movers:
            tight.leave(mover)
        touched = {here, target}
        self._move(i, target)
        for mover, to in movers:
            touched.update((self.where[mover], to))
            self._move(mover, to)
        for mover, _ in movers:
            tight.enter(mover)
        for m in touched:
            tight.sync(m)

    # Shared machinery.

    def _move(self, i, to) -> None:
        here = self.where[i]
        if here is not None:
            self.load[here] -= 1
        if to is not None:
            self.load[to] += 1
        self.where[i] = to

    def _adopt(self, chosen: list[tuple[int, int]]) -> None:
        """Take the solver's pairs, skipping any that would break a limit."""
        capacity = self.problem.free_capacity
        placed = sum(1 for m in self.where.values() if m is not None)
        for i, m in chosen:
            if (
                self.where[i] is None
                and self.load[m] < capacity[m]
                and placed < self.problem.free_total
            ):
                self._move(i, m)
                placed += 1

    def _feasible(self, chosen) -> bool:
        load = Counter(m for _, m in chosen)
        return len({i for i, _ in chosen}) == len(chosen) and all(
            load[m] <= self.problem.free_capacity[m] for m in load
        )

    def _linear_program(self, applicants, cost, *, place_all, method):
        """Return the (applicant, mentorship) pairs of an optimal basic solution."""
        rows, columns, costs = [], [], []
        for row, i in enumerate(applicants):
            for m, _ in self.options[i]:
                rows.append(row)
                columns.append(m)
                costs.append(cost(i, m))
        if not costs:
            return []
        count = len(costs)
        edges = np.arange(count)
        ones = np.ones(count)
        per_applicant = sparse.csr_matrix(
            (ones, (rows, edges)), shape=(len(applicants), count)
        )
        limits = sparse.csr_matrix(
            (
                np.ones(2 * count),
                (np.concatenate([columns, np.full(count, self.k)]), np.tile(edges, 2)),
            ),
            shape=(self.k + 1, count),
        )
        bounds = np.array(
            [*self.problem.free_capacity, self.problem.free_total], dtype=float
        )
        if place_all:
            extra = {
                "A_ub": limits,
                "b_ub": bounds,
                "A_eq": per_applicant,
                "b_eq": np.ones(len(applicants)),
            }
        else:
            extra = {
                "A_ub": sparse.vstack([per_applicant, limits]).tocsr(),
                "b_ub": np.concatenate([np.ones(len(applicants)), bounds]),
            }
        result = linprog(
            np.array(costs, dtype=float), bounds=(0, 1), method=method, **extra
        )
        if result.status != 0 or result.x is None:
            return []
        return [
            (applicants[rows[e]], columns[e]) for e in np.flatnonzero(result.x > 0.5)
        ]

    def _residual_graph(self, cost: Callable, movers, *, pool: bool) -> nx.DiGraph:
        """Build the mentorship-level residual graph of the current placement."""
        awards, unplaced, end = self.awards, self.pool, self.end
        capacity = self.problem.free_capacity
        cheapest: dict[tuple[int, int], tuple[int, int]] = {}

        def offer(edge, change, i):
            best = cheapest.get(edge)
            if best is None or change < best[0] or (change == best[0] and i > best[1]):
                cheapest[edge] = (change, i)

        for i in movers:
            here = self.where[i]
            if here is None and not pool:
                continue
            base = cost(i, here)
            source = unplaced if here is None else here
            for m, _ in self.options[i]:
                if m != here:
                    offer((source, m), cost(i, m) - base, i)
            if pool and here is not None:
                offer((here, unplaced), cost(i, None) - base, i)
        graph = nx.DiGraph()
        graph.add_nodes_from(range(self.k + (3 if pool else 1)))
        for (a, b), (change, i) in cheapest.items():
            graph.add_edge(a, b, weight=change, mover=i)
        for m in range(self.k):
            if self.load[m] < capacity[m]:
                graph.add_edge(m, awards, weight=0)
            if self.load[m] > 0:
                graph.add_edge(awards, m, weight=0)
        if pool:
            placed = sum(self.load)
            if placed < self.problem.free_total:
                graph.add_edge(awards, end, weight=0)
            if placed > 0:
                graph.add_edge(end, awards, weight=0)
            graph.add_edge(unplaced, end, weight=0)
            if any(self.where[i] is None for i in movers):
                graph.add_edge(end, unplaced, weight=0)
        return graph

    def _cancel_negative_cycles(self, cost, movers, *, pool) -> dict[int, int]:
        """Move applicants around negative cycles until none is left.

        Return the shortest distances of the final check, which are optimal
        dual prices of the mentorships.
        """
        while True:
            graph = self._residual_graph(cost, movers, pool=pool)
            cycle, distance = _negative_cycle(graph)
            if cycle is None:
                return distance
            moves = [
                (graph[a][b]["mover"], b)
                for a, b in pairwise(cycle)
                if "mover" in graph[a][b]
            ]
            for mover, to in moves:
                self._move(mover, None if to == self.pool else to)


class _TightMoves:
    """The moves of zero reduced cost between mentorships, kept as seats change.

    An edge (a, b) means some applicant in a may move to b at no cost;
    ``tight`` holds, for each edge, the applicants that could make it. The
    ``awards`` node stands for the award an applicant takes or gives back.
    """

    def __init__(self, solver: _Solver):
        self.solver = solver
        self.potential = solver.potential
        self.awards = solver.awards
        self.capacity = solver.problem.free_capacity
        self.tight: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(range(solver.k + 1))

    def reduced(self, i, to):
        solver = self.solver
        here = solver.where[i]
        return (
            solver.number[i][to]
            - solver.number[i][here]
            + self.potential[here]
            - self.potential[to]
        )

    def moves(self, i):
        here = self.solver.where[i]
        return [
            (here, m)
            for m, _ in self.solver.options[i]
            if m != here and not self.reduced(i, m)
        ]

    def enter(self, i):
        for edge in self.moves(i):
            self.tight[edge].add(i)
            self.graph.add_edge(*edge)

    def leave(self, i):
        for edge in self.moves(i):
            self.tight[edge].discard(i)
            if not self.tight[edge]:
                self.graph.remove_edge(*edge)

    def sync(self, m):
        load = self.solver.load
        level = self.potential[m] == self.potential[self.awards]
        for edge, present in (
            ((m, self.awards), level and load[m] < self.capacity[m]),
            ((self.awards, m), level and load[m] > 0),
        ):
            if present:
                self.graph.add_edge(*edge)
            elif self.graph.has_edge(*edge):
                self.graph.remove_edge(*edge)


def _negative_cycle(graph: nx.DiGraph):
    """Return (a negative cycle, None), or (None, shortest distances) if none.

    Bellman-Ford from a virtual root joined to every node by a zero edge.
    networkx's find_negative_cycle can return a zero-weight cycle when such
    cycles sit beside a negative one (networkx issue 5916), and moving
    applicants around that would loop forever; with strict relaxation, every
    cycle of the predecessor graph built here is negative.
    """
    edges = [(a, b, w) for a, b, w in graph.edges(data="weight")]
    distance = dict.fromkeys(graph, 0)
    before: dict = {}
    changed = None
    for _ in range(len(distance)):
        changed = None
        for a, b, w in edges:
            if distance[a] + w < distance[b]:
                distance[b] = distance[a] + w
                before[b] = a
                changed = b
        if changed is None:
            return None, distance
    node = changed
    for _ in range(len(distance)):  # walk back onto the cycle itself
        node = before[node]
    cycle = [node]
    while (previous := before[cycle[-1]]) != node:
        cycle.append(previous)
    cycle.append(node)
    cycle.reverse()
    weight = sum(graph[a][b]["weight"] for a, b in pairwise(cycle))
    if weight >= 0:
        raise RuntimeError("Bellman-Ford returned a cycle that is not negative.")
    return cycle, None


# Output


def _result(problem: _Problem, where: list[int | None], words: Words) -> Placement:
    facts = _Facts(problem, where, words)
    outcomes = {}
    for i, candidate in enumerate(problem.candidates):
        m = where[i]
        number = None
        if m is not None and m in problem.prefs[i]:
            number = problem.prefs[i].index(m) + 1
        outcomes[candidate.id] = Outcome(
            candidate_id=candidate.id,
            cohort_id=None if m is None else problem.cohorts[m].id,
            choice=number,
            explanation=facts.explain(i),
            pinned=problem.pin[i] is not None,
        )
    assignment = {cid: o.cohort_id for cid, o in outcomes.items()}
    objective = objective_of(assignment, problem.candidates, problem.cohorts)
    return Placement(
        outcomes=outcomes,
        objective=objective,
        objective_text=_objective_text(problem, outcomes, objective, words),
        _problem=problem,
        _where=tuple(where),
    )


class _Facts:
    """What the final placement says about each mentorship, for explanations."""

    def __init__(self, problem: _Problem, where: list[int | None], words: Words):
        self.problem = problem
        self.where = where
        self.words = words
        k = len(problem.cohorts)
        self.load = [0] * k
        self.last = [-1] * k  # the latest free holder in score order
        self.lowest = [math.inf] * k  # the lowest free holder's score
        self.last_awarded = -1
        self.lowest_awarded = math.inf
        for i, m in enumerate(where):
            if m is None:
                continue
            self.load[m] += 1
            if problem.pin[i] is None:
                self.last[m] = max(self.last[m], i)
                self.lowest[m] = min(self.lowest[m], problem.scores[i])
                self.last_awarded = max(self.last_awarded, i)
                self.lowest_awarded = min(self.lowest_awarded, problem.scores[i])
        self.placed = sum(self.load)

    def explain(self, i: int) -> str:
        if self.problem.pin[i] is not None:
            return self._explain_pinned(i)
        if self.where[i] is not None:
            return self._explain_placed(i)
        return self._explain_unplaced(i)

    def _explain_pinned(self, i: int) -> str:
        problem = self.problem
        w = self.words
        m = self.where[i]
        prefs = problem.prefs[i]
        name = problem.cohort_name(m)
        if m in prefs:
            return w.say(
                gettext_noop("Pinned by staff to {cohort}, its {ordinal} choice."),
                cohort=name,
                ordinal=w.ordinal(prefs.index(m) + 1),
            )
        return w.say(
            gettext_noop("Pinned by staff to {cohort}, which it did not rank."),
            cohort=name,
        )

    def _explain_placed(self, i: int) -> str:
        problem = self.problem
        w = self.words
        m = self.where[i]
        prefs = problem.prefs[i]
        number = prefs.index(m) + 1
        values = {"ordinal": w.ordinal(number), "cohort": problem.cohort_name(m)}
        if number == 1:
            return w.say(
                gettext_noop("Placed in its {ordinal} choice, {cohort}."), **values
            )
        reasons = [
            (n, c, self.reason(i, c)) for n, c in enumerate(prefs[: number - 1], 1)
        ]
        return w.say(
            gettext_noop("Placed in its {ordinal} choice, {cohort}: {reasons}."),
            reasons=self.clauses(reasons),
            **values,
        )

    def _explain_unplaced(self, i: int) -> str:
        problem = self.problem
        w = self.words
        prefs = problem.prefs[i]
        if not prefs:
            if problem.gave_preferences[i]:
                return w.say(
                    gettext_noop("None of its choices is a mentorship in this round.")
                )
            return w.say(gettext_noop("No mentorship preference given."))
        reasons = [(n, c, self.reason(i, c)) for n, c in enumerate(prefs, 1)]
        kinds = {kind for _, _, kind in reasons}
        if _OPEN in kinds:
            return self.awards_went(i)
        if _CONTESTED in kinds:
            return w.say(_CANNOT_PLACE)
        names = [problem.cohort_name(c) for _, c, _ in reasons]
        if len(reasons) == 1:
            return w.say(
                gettext_noop("Its only choice, {cohort}, {why}."),
                cohort=names[0],
                why=w.say(_PHRASES[reasons[0][2]][0]),
            )
        if len(kinds) == 1:
            return w.say(
                gettext_noop("All its choices ({cohorts}) {why}."),
                cohorts=", ".join(names),
                why=w.say(_PHRASES[kinds.pop()][1]),
            )
        return w.say(
            gettext_noop("None of its choices could take it: {reasons}."),
            reasons=self.clauses(reasons),
        )

    def reason(self, i: int, m: int) -> str:
        """Say why applicant i is not in mentorship m, which it ranked."""
        problem = self.problem
        if (i, m) in problem.forbidden:
            return _FORBIDDEN
        if problem.capacity[m] == 0:
            return _NO_CAPACITY
        if problem.free_capacity[m] == 0:
            return _PINNED
        if self.load[m] < problem.capacity[m]:
            return _OPEN
        if self.last[m] > i:
            return _CONTESTED
        pins = problem.pinned_load[m] > 0
        if self.lowest[m] > problem.scores[i]:
            return _HIGHER_PINS if pins else _HIGHER
        return _TIED_PINS if pins else _TIED

    def clauses(self, reasons) -> str:
        """Group ranked mentorships by reason into clauses joined by semicolons."""
        groups: dict[str, list[tuple[int, int]]] = {}
        for number, m, kind in reasons:
            groups.setdefault(kind, []).append((number, m))
        w = self.words
        parts = []
        for kind, members in groups.items():
            ordinals = w.join([w.ordinal(n) for n, _ in members])
            names = w.join([self.problem.cohort_name(m) for _, m in members])
            if len(members) == 1:
                parts.append(
                    w.say(
                        gettext_noop("its {ordinals} choice, {cohorts}, {why}"),
                        ordinals=ordinals,
                        cohorts=names,
                        why=w.say(_PHRASES[kind][0]),
                    )
                )
            else:
                parts.append(
                    w.say(
                        gettext_noop("its {ordinals} choices, {cohorts}, {why}"),
                        ordinals=ordinals,
                        cohorts=names,
                        why=w.say(_PHRASES[kind][1]),
                    )
                )
        return "; ".join(parts)

    def awards_went(self, i: int) -> str:
        """Say where the round's awards went, for an applicant with a free seat."""
        problem = self.problem
        w = self.words
        if self.placed < problem.total or self.last_awarded > i:
            return w.say(_CANNOT_PLACE)
        if problem.total == 0:
            return w.say(gettext_noop("The round has no awards to give."))
        pinned = sum(problem.pinned_load.values())
        one = problem.total == 1
        if self.last_awarded < 0:
            who = w.say(
                gettext_noop("a staff pin") if one else gettext_noop("staff pins")
            )
        else:
            higher = self.lowest_awarded > problem.scores[i]
            if one:
                who = w.say(
                    gettext_noop("an applicant with a higher score")
                    if higher
                    else gettext_noop("an applicant with a score at least as high")
                )
            else:
                who = w.say(
                    gettext_noop("applicants with higher scores")
                    if higher
                    else gettext_noop("applicants with scores at least as high")
                )
                if pinned:
                    who = w.say(gettext_noop("staff pins and {who}"), who=who)
        if one:
            return w.say(gettext_noop("The round's only award went to {who}."), who=who)
        return w.say(
            gettext_noop("The round's {total} awards went to {who}."),
            total=f"{problem.total:,}",
            who=who,
        )


def _objective_text(problem: _Problem, outcomes, objective, words: Words) -> str:
    w = words
    n = len(outcomes)
    placed = objective[0]
    pinned = sum(1 for o in outcomes.values() if o.pinned)
    seats = sum(problem.capacity)
    counts = Counter(o.choice for o in outcomes.values() if o.cohort_id is not None)
    outside = counts.pop(None, 0)
    parts = [f"{w.ordinal(c)} {counts[c]:,}" for c in sorted(counts)]
    if outside:
        parts.append(w.say(gettext_noop("unranked pins {count}"), count=f"{outside:,}"))
    values = {
        "placed": f"{placed:,}",
        "applicants": f"{n:,}",
        "awards": f"{problem.total:,}",
        "seats": f"{seats:,}",
    }
    if pinned:
        text = w.say(
            gettext_noop(
                "{placed} of {applicants} applicants placed ({awards} awards, "
                "{seats} seats, {pinned} pinned by staff)."
            ),
            pinned=f"{pinned:,}",
            **values,
        )
    else:
        text = w.say(
            gettext_noop(
                "{placed} of {applicants} applicants placed ({awards} awards, "
                "{seats} seats)."
            ),
            **values,
        )
    if parts:
        text += " " + w.say(
            gettext_noop("By choice: {counts}."), counts=", ".join(parts)
        )
    text += " " + w.say(
        gettext_noop(
            "Choice numbers total {total}. Chosen by: most placed, then awards by "
            "score, then the lowest total of choice numbers, then seats by score."
        ),
        total=f"{-objective[n + 1]:,}",
    )
    return text


def _where_text(cohort_by_id, where) -> str:
    return "unplaced" if where is None else f"in {_cohort_name(cohort_by_id, where)}"


def _cohort_name(cohort_by_id, cohort_id) -> str:
    cohort = cohort_by_id.get(cohort_id)
    return repr(cohort_id) if cohort is None else (cohort.name or str(cohort.id))
