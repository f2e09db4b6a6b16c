"""The placement engine's core, tested without Django or a database.

Property tests compare :func:`place` with a brute force over every placement
that keeps the rules, on rounds of up to 8 applicants and 4 mentorships.
"""

import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cohorts.placement import rules as engine
from cohorts.placement.rules import (
    BAD_CAPACITY,
    BAD_SCORE,
    BAD_TOTAL,
    DUPLICATE_CANDIDATE,
    DUPLICATE_COHORT,
    PIN_FORBIDDEN,
    PIN_UNKNOWN_CANDIDATE,
    PIN_UNKNOWN_COHORT,
    PINS_OVER_CAPACITY,
    PINS_OVER_TOTAL,
    Candidate,
    Cohort,
    objective_of,
    place,
    violations,
)

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# A round, and the brute force the engine is held to.


@dataclass
class Round:
    candidates: list[Candidate]
    cohorts: list[Cohort]
    total: int
    pins: dict = field(default_factory=dict)
    forbidden: list = field(default_factory=list)

    def place(self):
        return place(
            self.candidates,
            self.cohorts,
            total_awards=self.total,
            pins=self.pins,
            forbidden=self.forbidden,
        )

    @property
    def capacity(self):
        return {m.id: m.capacity for m in self.cohorts}

    def score_order(self):
        return sorted(self.candidates, key=lambda c: (-c.score, c.id))

    def ranked(self, candidate):
        """Return its preferences without unknown mentorships and repeats."""
        known = self.capacity
        kept = []
        for p in candidate.preferences:
            if p in known and p not in kept:
                kept.append(p)
        return kept

    def usable(self, candidate):
        """Return the mentorships it ranked and is not ruled out of."""
        return [
            m for m in self.ranked(candidate) if (candidate.id, m) not in self.forbidden
        ]


@st.composite
def rankings(draw, ids):
    """Draw a ranking: mostly real mentorships, now and then a repeat or a stranger."""
    ranked = draw(st.permutations(ids))[: draw(st.integers(0, len(ids)))]
    if draw(st.integers(0, 5)) == 0:
        noise = draw(st.sampled_from([*ids, "ghost"]))
        ranked.insert(draw(st.integers(0, len(ranked))), noise)
    return tuple(ranked)


@st.composite
def rounds(draw, max_candidates=8, max_cohorts=4):
    """Draw a round of up to 8 applicants and 4 mentorships, crowded on purpose."""
    capacities = draw(
        st.lists(st.integers(0, 3), min_size=1, max_size=max_cohorts)
        | st.lists(st.integers(0, 3), max_size=max_cohorts)
    )
    cohorts = [Cohort(f"m{j}", f"Mentorship {j}", c) for j, c in enumerate(capacities)]
    ids = [m.id for m in cohorts]
    count = draw(st.integers(4, max_candidates) | st.integers(0, max_candidates))
    candidates = [
        Candidate(
            i,
            f"Applicant {i}",
            draw(st.sampled_from([0.2, 0.4, 0.6, 0.8])),
            draw(rankings(ids)),
        )
        for i in range(count)
    ]
    total = draw(st.integers(0, 10))
    pairs = [(c.id, m.id) for c in candidates for m in cohorts]
    forbidden, pins = [], {}
    if pairs:
        forbidden = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
        load = Counter()
        for cid, mid in draw(st.lists(st.sampled_from(pairs), max_size=2)):
            capacity = cohorts[int(mid[1:])].capacity
            if (
                cid not in pins
                and (cid, mid) not in forbidden
                and load[mid] < capacity
                and len(pins) < total
            ):
                pins[cid] = mid
                load[mid] += 1
    r = Round(candidates, cohorts, total, pins, forbidden)
    assume(math.prod(len(r.usable(c)) + 1 for c in candidates) <= 20_000)
    return r


def every_placement(r):
    """Return (key, assignment) for every placement that keeps the rules.

    The key is the docstring's objective, written out here independently of
    the engine: placed count, placed flags in score order, minus the total of
    choice numbers, minus each choice number in score order.
    """
    order = r.score_order()
    capacity = r.capacity
    options = []
    for c in order:
        ranked = r.ranked(c)
        if c.id in r.pins:
            m = r.pins[c.id]
            options.append(
                [(m, ranked.index(m) + 1 if m in ranked else len(ranked) + 1)]
            )
        else:
            options.append(
                [(None, len(ranked) + 2)]
                + [(m, ranked.index(m) + 1) for m in r.usable(c)]
            )
    found = []
    load = Counter()
    picked = []

    def walk(depth, placed):
        if depth == len(order):
            key = (
                placed,
                tuple(int(m is not None) for m, _ in picked),
                -sum(n for m, n in picked if m is not None),
                tuple(-n for _, n in picked),
            )
            found.append(
                (key, {c.id: m for c, (m, _) in zip(order, picked, strict=True)})
            )
            return
        for m, n in options[depth]:
            if m is not None:
                if load[m] >= capacity[m] or placed >= r.total:
                    continue
                load[m] += 1
            picked.append((m, n))
            walk(depth + 1, placed + (m is not None))
            picked.pop()
            if m is not None:
                load[m] -= 1

    walk(0, 0)
    return found


def serial_dictatorship(r):
    """Each applicant in score order takes its best choice with a free seat."""
    load = Counter(r.pins.values())
    placed = len(r.pins)
    result = {c.id: r.pins.get(c.id) for c in r.candidates}
    for c in r.score_order():
        if c.id in r.pins:
            continue
        for m in r.usable(c):
            if placed < r.total and load[m] < r.capacity[m]:
                result[c.id] = m
                load[m] += 1
                placed += 1
                break
    return result


def blocking_pairs(r, assignment):
    """Return the (applicant, mentorship) pairs that block, as the docstring says."""
    position = {c.id: n for n, c in enumerate(r.score_order())}
    placed = [d for d, m in assignment.items() if m is not None]
    found = []
    for c in r.candidates:
        if c.id in r.pins:
            continue
        usable = r.usable(c)
        mine = assignment[c.id]
        better = usable if mine is None else usable[: usable.index(mine)]
        later = [d for d in placed if d not in r.pins and position[d] > position[c.id]]
        for m in better:
            holders = [d for d in placed if assignment[d] == m]
            free_seat = len(holders) < r.capacity[m] and (
                mine is not None or len(placed) < r.total or later
            )
            if free_seat or any(d in later for d in holders):
                found.append((c.id, m))
    return found


def better_for_someone(r, this, other):
    """Return whether `other` is better for one applicant, worse for none."""

    def rank(c, m):
        ranked = r.ranked(c)
        if m is None:
            return len(ranked) + 2
        return ranked.index(m) + 1 if m in ranked else len(ranked) + 1

    pairs = [(rank(c, this[c.id]), rank(c, other[c.id])) for c in r.candidates]
    return all(b <= a for a, b in pairs) and any(b < a for a, b in pairs)


# The objective and its guarantee.


@PROPERTY
@given(rounds())
def test_result_is_the_one_best_placement(r):
    """The engine's placement is the single best one over every valid placement."""
    result = r.place()
    found = every_placement(r)
    best = max(k for k, _ in found)
    winners = [a for k, a in found if k == best]
    assert winners == [result.assignment()]
    assert result.objective == objective_of(
        result.assignment(), r.candidates, r.cohorts
    )


@settings(PROPERTY, max_examples=100)
@given(rounds(), st.randoms(use_true_random=False))
def test_objective_of_orders_placements_as_the_objective_says(r, rng):
    """objective_of ranks any two valid placements as the stated objective does."""
    found = every_placement(r)
    assume(len(found) > 1)
    for _ in range(20):
        (k1, a1), (k2, a2) = rng.sample(found, 2)
        o1 = objective_of(a1, r.candidates, r.cohorts)
        o2 = objective_of(a2, r.candidates, r.cohorts)
        assert (o1 > o2) == (k1 > k2)
        assert (o1 == o2) == (k1 == k2)


@PROPERTY
@given(rounds())
def test_every_rule_is_kept(r):
    """Capacities, the total, rankings, forbidden pairs and pins are all kept."""
    result = r.place()
    assignment = result.assignment()
    load = Counter(m for m in assignment.values() if m is not None)
    assert all(load[m.id] <= m.capacity for m in r.cohorts)
    assert sum(load.values()) <= r.total
    for c in r.candidates:
        m = assignment[c.id]
        if c.id in r.pins:
            assert m == r.pins[c.id]
            assert result.outcomes[c.id].pinned
        elif m is not None:
            assert m in r.ranked(c)
            assert (c.id, m) not in r.forbidden
    assert set(assignment) == {c.id for c in r.candidates}
    assert (
        violations(
            assignment,
            r.candidates,
            r.cohorts,
            total_awards=r.total,
            pins=r.pins,
            forbidden=r.forbidden,
        )
        == []
    )


@PROPERTY
@given(rounds())
def test_stable_placement_is_returned_when_it_meets_the_first_three_levels(r):
    """The stable placement wins whenever it places as many, as well, as cheaply."""
    stable = serial_dictatorship(r)
    assert blocking_pairs(r, stable) == []
    found = every_placement(r)
    best = max(k for k, _ in found)
    stable_key = next(k for k, a in found if a == stable)
    result = r.place().assignment()
    if stable_key[:3] == best[:3]:
        assert result == stable
    if not blocking_pairs(r, result):
        assert result == stable


@PROPERTY
@given(rounds())
def test_no_placement_is_better_for_one_and_worse_for_none(r):
    """The placement is Pareto optimal for the applicants."""
    result = r.place().assignment()
    assert not any(better_for_someone(r, result, a) for _, a in every_placement(r))


@PROPERTY
@given(rounds())
def test_an_unplaced_applicant_never_loses_to_a_lower_score(r):
    """Every usable choice of an unplaced applicant is full of no-lower scores,
    or the round's awards all went to applicants with scores no lower."""
    result = r.place()
    assignment = result.assignment()
    position = {c.id: n for n, c in enumerate(r.score_order())}
    placed = [d for d, m in assignment.items() if m is not None]
    for c in r.candidates:
        if assignment[c.id] is not None:
            continue
        earlier = {d for d in placed if d in r.pins or position[d] < position[c.id]}
        awards_to_earlier = len(placed) == r.total and set(placed) <= earlier
        for m in r.usable(c):
            holders = {d for d in placed if assignment[d] == m}
            full_of_earlier = len(holders) == r.capacity[m] and holders <= earlier
            assert full_of_earlier or awards_to_earlier


@settings(PROPERTY, max_examples=300)
@given(rounds())
def test_explanations_state_facts_of_the_result(r):
    """Each sentence names the outcome, and what it claims holds in the result."""
    result = r.place()
    assignment = result.assignment()
    names = {m.id: m.name for m in r.cohorts}
    scores = {c.id: c.score for c in r.candidates}
    placed = [d for d, m in assignment.items() if m is not None]
    for c in r.candidates:
        outcome = result.outcomes[c.id]
        text = outcome.explanation
        m = outcome.cohort_id
        assert text.endswith(".")
        if c.id in r.pins:
            assert text.startswith(f"Pinned by staff to {names[m]}")
            assert ("which it did not rank" in text) == (m not in r.ranked(c))
            continue
        if m is not None:
            assert outcome.choice == r.ranked(c).index(m) + 1
            assert text.startswith(f"Placed in its {ordinal(outcome.choice)} choice,")
            # Every better choice it may use is full.
            for better in r.usable(c)[: r.usable(c).index(m)]:
                assert (
                    sum(1 for d in placed if assignment[d] == better)
                    == (r.capacity[better])
                )
            continue
        assert outcome.choice is None
        if not c.preferences:
            assert text == "No mentorship preference given."
        if text.startswith("The round's"):
            assert len(placed) == r.total
            tied = "at least as high" in text
            for d in placed:
                if d not in r.pins:
                    assert scores[d] >= c.score if tied else scores[d] > c.score
        check_reasons(r, assignment, c, text)


def check_reasons(r, assignment, candidate, text):
    """Check each reason a sentence gives about a mentorship the applicant ranked.

    Reasons follow a colon or name mentorships in "Its only choice, ..." and
    "All its choices (...)"; each must hold for every mentorship it names.
    """
    if ": " in text:
        body = text.split(": ", 1)[1]
    elif text.startswith(("Its only choice", "All its choices")):
        body = text
    else:
        return
    scores = {c.id: c.score for c in r.candidates}
    for clause in body.rstrip(".").split("; "):
        named = [f"m{j}" for j in re.findall(r"Mentorship (\d+)", clause)]
        assert named
        for m in named:
            holders = [d for d, where in assignment.items() if where == m]
            pinned = [d for d in holders if d in r.pins]
            others = [scores[d] for d in holders if d not in r.pins]
            full = len(holders) == r.capacity[m]
            if "ruled out for it by staff" in clause:
                assert (candidate.id, m) in r.forbidden
            elif "had no capacity" in clause:
                assert r.capacity[m] == 0
            elif "filled by staff pins" in clause and "applicants" not in clause:
                assert full and holders == pinned
            elif "filled by" in clause:
                assert full
                assert bool(pinned) == ("staff pins and" in clause)
                if "at least as high" in clause:
                    assert all(s >= candidate.score for s in others)
                else:
                    assert "higher scores" in clause
                    assert all(s > candidate.score for s in others)
            else:
                assert "full, and a seat" in clause
                assert full


@PROPERTY
@given(rounds(), st.randoms(use_true_random=False))
def test_same_round_in_any_order_gives_the_same_placement(r, rng):
    """Shuffling applicants, mentorships, pins and forbidden pairs changes nothing."""
    first = r.place()
    shuffled = Round(
        rng.sample(r.candidates, len(r.candidates)),
        rng.sample(r.cohorts, len(r.cohorts)),
        r.total,
        dict(rng.sample(list(r.pins.items()), len(r.pins))),
        rng.sample(r.forbidden, len(r.forbidden)),
    )
    second = shuffled.place()
    assert list(first.outcomes.items()) == list(second.outcomes.items())
    assert first.objective == second.objective
    assert first.objective_text == second.objective_text


def ordinal(n):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def solver_that_gives_up(*args, **kwargs):
    return SimpleNamespace(status=4, x=None)


def solver_that_answers_the_worst(costs, **kwargs):
    return real_linprog(-np.asarray(costs), **kwargs)


real_linprog = engine.linprog


@pytest.mark.parametrize(
    "solver", [solver_that_gives_up, solver_that_answers_the_worst]
)
@settings(PROPERTY, max_examples=100)
@given(r=rounds())
def test_exact_check_repairs_whatever_the_solver_answers(solver, r):
    """The whole-number check reaches the optimum even from a useless answer."""
    expected = r.place()
    with mock.patch.object(engine, "linprog", solver):
        assert r.place() == expected


# Hand-written rounds: the sentences staff read.

SD = Cohort("sd", "2-1-1 San Diego", 1)
CANOPY = Cohort("canopy", "Civic Canopy", 2)
CSH = Cohort("csh", "CSH", 1)
CORE = Cohort("core", "CORE", 0)


def explanations(placement):
    return {cid: o.explanation for cid, o in placement.outcomes.items()}


def test_first_choice_filled_by_higher_scores_sends_applicant_to_second():
    """A first choice filled by higher scores sends the applicant to its second."""
    result = place(
        [
            Candidate(1, "Harbor Health", 0.9, ("sd", "canopy")),
            Candidate(2, "Mesa Alliance", 0.7, ("sd", "canopy")),
        ],
        [SD, CANOPY],
        total_awards=5,
    )
    assert explanations(result) == {
        1: "Placed in its 1st choice, 2-1-1 San Diego.",
        2: "Placed in its 2nd choice, Civic Canopy: its 1st choice, 2-1-1 San"
        " Diego, was filled by applicants with higher scores.",
    }
    assert result.outcomes[2].choice == 2
    assert result.choice_counts() == {1: 1, 2: 1}


def test_applicant_without_preferences_is_unplaced_and_told_why():
    """An applicant that ranked nothing is left unplaced, and told so."""
    result = place([Candidate(1, "Quiet Org", 0.9, ())], [SD], total_awards=5)
    assert result.outcomes[1].cohort_id is None
    assert result.outcomes[1].explanation == "No mentorship preference given."


def test_only_choices_without_capacity_are_named():
    """Choices with capacity zero leave the applicant unplaced, naming them."""
    result = place(
        [
            Candidate(1, "One", 0.9, ("core",)),
            Candidate(2, "Two", 0.8, ("core", "empty")),
        ],
        [CORE, Cohort("empty", "Empty", 0)],
        total_awards=5,
    )
    assert explanations(result) == {
        1: "Its only choice, CORE, had no capacity.",
        2: "All its choices (CORE, Empty) had no capacity.",
    }


def test_unknown_preferences_are_ignored():
    """Ids that name no mentorship are dropped before choices are numbered."""
    result = place(
        [
            Candidate(1, "Typo", 0.9, ("nowhere", "csh", "csh")),
            Candidate(2, "Lost", 0.8, ("nowhere",)),
        ],
        [CSH],
        total_awards=5,
    )
    assert result.outcomes[1].cohort_id == "csh"
    assert result.outcomes[1].choice == 1
    assert result.outcomes[2].explanation == (
        "None of its choices is a mentorship in this round."
    )


def test_pin_outside_the_ranking_is_honoured_and_said_so():
    """A pin to a mentorship the applicant did not rank is honoured and explained."""
    result = place(
        [
            Candidate(1, "Pinned", 0.1, ("sd",)),
            Candidate(2, "Ranked", 0.2, ("csh",)),
            Candidate(3, "Top", 0.9, ("csh",)),
        ],
        [SD, CSH],
        total_awards=5,
        pins={1: "csh"},
    )
    assert result.outcomes[1].cohort_id == "csh"
    assert result.outcomes[1].choice is None
    assert result.outcomes[1].pinned
    assert result.outcomes[1].explanation == (
        "Pinned by staff to CSH, which it did not rank."
    )
    assert result.outcomes[3].explanation == (
        "Its only choice, CSH, was filled by staff pins."
    )
    assert result.outcomes[2].explanation == result.outcomes[3].explanation


def test_pin_inside_the_ranking_names_the_choice():
    """A pin to a ranked mentorship says which choice it was."""
    result = place(
        [Candidate(1, "Pinned", 0.1, ("sd", "csh"))],
        [SD, CSH],
        total_awards=5,
        pins={1: "csh"},
    )
    assert result.outcomes[1].explanation == "Pinned by staff to CSH, its 2nd choice."
    assert result.outcomes[1].choice == 2


def test_forbidden_pair_is_never_used_and_is_named():
    """A forbidden pair is skipped, and the explanation says staff ruled it out."""
    result = place(
        [Candidate(1, "Conflicted", 0.9, ("sd", "canopy"))],
        [SD, CANOPY],
        total_awards=5,
        forbidden=[(1, "sd")],
    )
    assert result.outcomes[1].cohort_id == "canopy"
    assert result.outcomes[1].explanation == (
        "Placed in its 2nd choice, Civic Canopy: its 1st choice, 2-1-1 San Diego,"
        " was ruled out for it by staff."
    )


def test_awards_run_out_for_the_lowest_scores():
    """When the round's awards run out, the lower scores are told they went higher."""
    result = place(
        [
            Candidate(1, "First", 0.9, ("canopy",)),
            Candidate(2, "Second", 0.8, ("canopy",)),
            Candidate(3, "Third", 0.7, ("canopy", "sd")),
        ],
        [SD, CANOPY],
        total_awards=2,
    )
    assert [o.candidate_id for o in result.placed()] == [1, 2]
    assert result.outcomes[3].explanation == (
        "The round's 2 awards went to applicants with higher scores."
    )
    single = place(
        [Candidate(1, "First", 0.9, ("sd",)), Candidate(2, "Second", 0.8, ("csh",))],
        [SD, CSH],
        total_awards=1,
    )
    assert single.outcomes[2].explanation == (
        "The round's only award went to an applicant with a higher score."
    )


def test_all_choices_filled_by_higher_scores():
    """An applicant shut out of every choice by higher scores is told so."""
    result = place(
        [
            Candidate(1, "A", 0.9, ("sd",)),
            Candidate(2, "B", 0.8, ("csh",)),
            Candidate(3, "C", 0.5, ("sd", "csh")),
        ],
        [SD, CSH],
        total_awards=5,
    )
    assert result.outcomes[3].explanation == (
        "All its choices (2-1-1 San Diego, CSH) were filled by applicants with"
        " higher scores."
    )


def test_a_limited_award_goes_to_the_higher_score_not_the_better_choice():
    """With one award left, the higher score wins it even at a worse choice number."""
    result = place(
        [
            Candidate(1, "High", 0.9, ("core", "sd")),
            Candidate(2, "Low", 0.1, ("csh",)),
        ],
        [CORE, SD, CSH],
        total_awards=1,
    )
    assert result.assignment() == {1: "sd", 2: None}
    assert result.outcomes[1].explanation == (
        "Placed in its 2nd choice, 2-1-1 San Diego: its 1st choice, CORE, had no"
        " capacity."
    )


def test_placing_more_applicants_beats_a_higher_score_first_choice():
    """A higher score takes its 2nd choice when that lets one more applicant in."""
    result = place(
        [Candidate(1, "High", 0.9, ("sd", "csh")), Candidate(2, "Low", 0.1, ("sd",))],
        [SD, CSH],
        total_awards=5,
    )
    assert result.assignment() == {1: "csh", 2: "sd"}
    assert result.outcomes[1].explanation == (
        "Placed in its 2nd choice, CSH: its 1st choice, 2-1-1 San Diego, was full,"
        " and a seat there would have cost another applicant its place or a better"
        " choice."
    )


def test_awards_by_score_come_before_a_higher_score_first_choice():
    """A higher score yields its 1st choice so a better-scored applicant is placed."""
    result = place(
        [
            Candidate(1, "High", 0.9, ("sd", "csh")),
            Candidate(2, "Middle", 0.5, ("sd",)),
            Candidate(3, "Low", 0.1, ("csh",)),
        ],
        [SD, CSH],
        total_awards=5,
    )
    assert result.assignment() == {1: "csh", 2: "sd", 3: None}
    assert result.outcomes[3].explanation == (
        "Its only choice, CSH, was filled by applicants with higher scores."
    )


def test_fewer_choice_numbers_come_before_a_higher_score_first_choice():
    """The lowest total of choice numbers outranks who has the higher score."""
    result = place(
        [
            Candidate(1, "High", 0.9, ("sd", "csh")),
            Candidate(2, "Low", 0.1, ("sd", "core", "canopy", "csh")),
        ],
        [SD, CSH, CORE, Cohort("canopy", "Civic Canopy", 0)],
        total_awards=5,
    )
    assert result.assignment() == {1: "csh", 2: "sd"}


def test_equal_choice_totals_go_to_the_higher_score():
    """Between equally good placements the higher score gets the better choice."""
    result = place(
        [
            Candidate(1, "Low", 0.1, ("sd", "csh")),
            Candidate(2, "High", 0.9, ("sd", "csh")),
        ],
        [SD, CSH],
        total_awards=5,
    )
    assert result.assignment() == {2: "sd", 1: "csh"}
    assert result.roster("sd") == [2]
    assert [o.candidate_id for o in result.placed()] == [2, 1]


def test_equal_scores_are_ordered_by_id():
    """Two equal scores are ordered by applicant id, whatever the input order."""
    candidates = [
        Candidate("b", "Bee", 0.5, ("sd", "csh")),
        Candidate("a", "Ay", 0.5, ("sd", "csh")),
    ]
    result = place(candidates, [SD, CSH], total_awards=5)
    assert result.assignment() == {"a": "sd", "b": "csh"}
    assert result.outcomes["b"].explanation.endswith(
        "was filled by applicants with scores at least as high."
    )
    assert place(candidates[::-1], [CSH, SD], total_awards=5) == result


def test_more_accepted_than_seats():
    """More accepted applicants than seats fills every seat, by score."""
    candidates = [Candidate(i, f"Org {i}", i / 10, ("sd", "canopy")) for i in range(6)]
    result = place(candidates, [SD, CANOPY], total_awards=10)
    assert result.roster("sd") == [5]
    assert result.roster("canopy") == [4, 3]
    assert [o.candidate_id for o in result.unplaced()] == [2, 1, 0]
    assert result.objective[0] == 3
    assert result.objective_text.startswith("3 of 6 applicants placed")


def test_empty_round():
    """No applicants, no mentorships or no awards still give a placement."""
    assert place([], [], total_awards=0).outcomes == {}
    result = place([Candidate(1, "Alone", 0.5, ("sd",))], [], total_awards=3)
    assert result.outcomes[1].explanation == (
        "None of its choices is a mentorship in this round."
    )
    result = place([Candidate(1, "Alone", 0.5, ("sd",))], [SD], total_awards=0)
    assert result.outcomes[1].explanation == "The round has no awards to give."


def test_a_placement_is_written_in_other_words_without_a_second_solve():
    """``in_words`` writes the same placement's sentences with other words, as
    a placement computed with those words would have them."""
    marked = engine.Words(lambda text: "»" + text)
    candidates = [
        Candidate(1, "A", 0.9, ("sd", "csh")),
        Candidate(2, "B", 0.8, ("sd", "csh")),
        Candidate(3, "C", 0.7, ("sd",)),
    ]
    cohorts = [Cohort("sd", "SD", 1), Cohort("csh", "CSH", 1)]
    english = place(candidates, cohorts, total_awards=3)
    with mock.patch.object(engine._Solver, "solve", side_effect=AssertionError):
        written = english.in_words(marked)
    direct = place(candidates, cohorts, total_awards=3, words=marked)
    assert written.outcomes == direct.outcomes
    assert written.objective_text == direct.objective_text
    assert english.outcomes[2].explanation.startswith("Placed in its 2nd choice")
    assert written.outcomes[2].explanation.startswith("»Placed in its 2nd choice")


def test_objective_of_counts_placed_then_flags_then_choices():
    """objective_of ranks more placed, then higher scores placed, then choices."""
    candidates = [
        Candidate(1, "High", 0.9, ("sd", "csh")),
        Candidate(2, "Low", 0.1, ("sd",)),
    ]
    both = objective_of({1: "csh", 2: "sd"}, candidates)
    high_first = objective_of({1: "sd", 2: None}, candidates)
    low_only = objective_of({1: None, 2: "sd"}, candidates)
    assert both == (2, 1, 1, -3, -2, -1)
    assert both > high_first > low_only
    assert objective_of({}, candidates) == (0, 0, 0, 0, -4, -3)


def test_violations_name_every_broken_rule():
    """A hand-edited placement that breaks rules gets one sentence per breach."""
    candidates = [
        Candidate(1, "One", 0.9, ("sd",)),
        Candidate(2, "Two", 0.8, ("sd",)),
        Candidate(3, "Three", 0.7, ("csh",)),
    ]
    problems = violations(
        {1: "sd", 2: "sd", 3: "sd", 4: "csh"},
        candidates,
        [SD, CSH],
        total_awards=2,
        pins={3: "csh"},
        forbidden=[(2, "sd")],
    )
    assert problems == [
        "Two is placed in 2-1-1 San Diego, ruled out for it.",
        "Three is pinned to CSH but is in 2-1-1 San Diego.",
        "Three is placed in 2-1-1 San Diego, which it did not rank.",
        "4 is not an accepted applicant.",
        "2-1-1 San Diego holds 3 applicants but has capacity 1.",
        "3 applicants are placed but the round has 2 awards.",
    ]


# Bad input.


def test_duplicate_applicant_ids_are_refused():
    """Two applicants with one id raise a clear ValueError."""
    with pytest.raises(ValueError, match=re.escape(DUPLICATE_CANDIDATE.format(id=1))):
        place(
            [Candidate(1, "A", 0.5, ()), Candidate(1, "B", 0.4, ())],
            [SD],
            total_awards=1,
        )


def test_duplicate_mentorship_ids_are_refused():
    """Two mentorships with one id raise a clear ValueError."""
    with pytest.raises(ValueError, match=re.escape(DUPLICATE_COHORT.format(id="sd"))):
        place([], [SD, SD], total_awards=1)


@pytest.mark.parametrize("capacity", [-1, 1.5, "two", None])
def test_bad_capacity_is_refused(capacity):
    """A capacity that is not a whole number of 0 or more raises ValueError."""
    message = BAD_CAPACITY.format(name="Odd", capacity=capacity)
    with pytest.raises(ValueError, match=re.escape(message)):
        place([], [Cohort("odd", "Odd", capacity)], total_awards=1)


@pytest.mark.parametrize("total", [-3, 2.5])
def test_bad_total_is_refused(total):
    """A total of awards that is not a whole number of 0 or more raises ValueError."""
    with pytest.raises(ValueError, match=re.escape(BAD_TOTAL.format(total=total))):
        place([], [SD], total_awards=total)


@pytest.mark.parametrize("score", [math.nan, math.inf, None, "high"])
def test_unusable_score_is_refused(score):
    """A score that is not a finite number raises ValueError."""
    message = BAD_SCORE.format(name="Odd", score=score)
    with pytest.raises(ValueError, match=re.escape(message)):
        place([Candidate(1, "Odd", score, ("sd",))], [SD], total_awards=1)


def test_whole_number_floats_are_accepted():
    """A capacity or total given as 2.0 counts as 2."""
    result = place(
        [Candidate(i, f"Org {i}", 0.5, ("x",)) for i in range(3)],
        [Cohort("x", "X", 2.0)],
        total_awards=3.0,
    )
    assert len(result.placed()) == 2


def test_odd_preference_containers_do_not_crash():
    """A list, a single id, None or an unhashable entry are read sensibly."""
    result = place(
        [
            Candidate(1, "List", 0.9, ["sd"]),
            Candidate(2, "Single", 0.8, "csh"),
            Candidate(3, "Nothing", 0.7, None),
            Candidate(4, "Odd", 0.6, (["sd"], "canopy")),
        ],
        [SD, CSH, CANOPY],
        total_awards=5,
    )
    assert result.assignment() == {1: "sd", 2: "csh", 4: "canopy", 3: None}


@pytest.mark.parametrize(
    ("pins", "forbidden", "message"),
    [
        ({9: "sd"}, [], PIN_UNKNOWN_CANDIDATE.format(id=9)),
        ({1: "nowhere"}, [], PIN_UNKNOWN_COHORT.format(name="One", id="nowhere")),
        (
            {1: "sd"},
            [(1, "sd")],
            PIN_FORBIDDEN.format(name="One", cohort="2-1-1 San Diego"),
        ),
        (
            {1: "sd", 2: "sd"},
            [],
            PINS_OVER_CAPACITY.format(count=2, cohort="2-1-1 San Diego", capacity=1),
        ),
        (
            {1: "sd", 2: "csh", 3: "canopy"},
            [],
            PINS_OVER_TOTAL.format(count=3, total=2),
        ),
    ],
)
def test_pins_that_cannot_be_honoured_are_refused(pins, forbidden, message):
    """Pins naming strangers, forbidden pairs or too many seats raise ValueError."""
    candidates = [
        Candidate(1, "One", 0.9, ("sd",)),
        Candidate(2, "Two", 0.8, ("sd",)),
        Candidate(3, "Three", 0.7, ("sd",)),
    ]
    with pytest.raises(ValueError, match=re.escape(message)):
        place(
            candidates,
            [SD, CSH, CANOPY],
            total_awards=2,
            pins=pins,
            forbidden=forbidden,
        )


def test_forbidden_pairs_naming_strangers_are_ignored():
    """Forbidden pairs for unknown applicants or mentorships change nothing."""
    candidates = [Candidate(1, "One", 0.9, ("sd",))]
    plain = place(candidates, [SD], total_awards=1)
    noisy = place(
        candidates, [SD], total_awards=1, forbidden=[(9, "sd"), (1, "nowhere")]
    )
    assert plain == noisy


def test_a_larger_round_agrees_with_cycle_cancelling_alone():
    """On 200 applicants, the solver's answer equals the one that cancelling
    negative cycles reaches from nothing, and keeps every rule."""
    rng = random.Random(7)
    cohorts = [Cohort(j, f"M{j}", rng.randint(2, 30)) for j in range(8)]
    candidates = [
        Candidate(
            i,
            f"Org {i}",
            round(rng.random(), 2),
            tuple(rng.sample(range(8), rng.randint(0, 4))),
        )
        for i in range(200)
    ]
    rules = {
        "total_awards": 120,
        "pins": {0: 3, 1: 3},
        "forbidden": [(i, i % 8) for i in range(0, 200, 5)],
    }
    result = place(candidates, cohorts, **rules)
    assert violations(result.assignment(), candidates, cohorts, **rules) == []
    with mock.patch.object(engine, "linprog", solver_that_gives_up):
        assert place(candidates, cohorts, **rules) == result
