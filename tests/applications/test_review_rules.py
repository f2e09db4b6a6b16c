"""The review desk's pure rules, without a database."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from applications.review import rules

C = [
    rules.CriterionSpec(id=1, weight=Decimal("1.0"), scale_min=1, scale_max=5),
    rules.CriterionSpec(id=2, weight=Decimal("1.5"), scale_min=1, scale_max=5),
    rules.CriterionSpec(
        id=3, weight=Decimal("0.5"), scale_min=1, scale_max=5, required=False
    ),
]


def test_weighted_total_is_the_weighted_mean_on_the_scale():
    """A weight of 1.5 counts one and a half times a weight of 1."""
    # (2×1 + 4×1.5 + 5×0.5) / 3
    assert rules.weighted_total(C, {1: 2, 2: 4, 3: 5}) == Decimal("3.500")
    # A criterion left empty in a draft does not count.
    assert rules.weighted_total(C, {1: 2, 2: 4}) == Decimal("3.200")
    assert rules.weighted_total(C, {1: 5, 2: 5, 3: 5}) == Decimal("5.000")


def test_weighted_total_brings_other_scales_to_the_first_one():
    """A 0–10 criterion's 10 counts as the top of the 1–5 scale, not as 10."""
    mixed = [
        C[0],
        rules.CriterionSpec(id=9, weight=Decimal(1), scale_min=0, scale_max=10),
    ]
    assert rules.weighted_total(mixed, {1: 5, 9: 10}) == Decimal("5.000")
    assert rules.weighted_total(mixed, {1: 1, 9: 0}) == Decimal("1.000")


def test_a_score_out_of_the_scale_is_refused_even_in_a_draft():
    errors = rules.score_errors(C, {1: 6, 2: 0}, final=False)
    assert errors == {
        1: rules.SCORE_OUT_OF_SCALE.format(low=1, high=5),
        2: rules.SCORE_OUT_OF_SCALE.format(low=1, high=5),
    }


def test_a_missing_required_score_is_refused_only_on_submission():
    assert rules.score_errors(C, {1: 3}, final=False) == {}
    assert rules.score_errors(C, {1: 3}, final=True) == {2: rules.SCORE_REQUIRED}


def test_a_score_for_another_rubric_is_refused():
    assert rules.score_errors(C, {1: 3, 2: 3, 77: 3}, final=True) == {
        77: rules.SCORE_UNKNOWN_CRITERION
    }


def _reviews(matrix):
    """matrix: {reviewer: {application: total}}"""
    return [
        rules.ReviewTotal(r, a, t) for r, row in matrix.items() for a, t in row.items()
    ]


def test_a_harsh_and_a_lenient_reviewer_rank_alike_after_normalization():
    """Reviewer 1 scores two points lower than reviewer 2 across the board;
    split between them, application 10 (best for both) still ranks first."""
    matrix = {
        1: {10: 3.0, 11: 2.0, 12: 1.0, 13: 2.5},
        2: {20: 5.0, 21: 4.0, 22: 3.0, 10: 5.0},
    }
    agg = rules.aggregate_round(_reviews(matrix), disagreement_threshold=1.5)
    # The raw mean says 13 (a harsh 2.5) is worse than 21 (a lenient 4.0) ...
    assert agg.applications[13].mean < agg.applications[21].mean
    # ... the normalized score puts the reviewer's own habit aside.
    assert agg.applications[13].normalized > agg.applications[21].normalized
    assert agg.applications[10].disagreement is True  # 3.0 vs 5.0
    assert agg.applications[11].disagreement is False
    assert agg.applications[10].spread == 2.0


def test_an_uncalibrated_reviewer_is_compared_with_the_round():
    """A reviewer with one review has no habit to remove: its total is
    compared with the round's mean and spread instead."""
    matrix = {1: {10: 2.0, 11: 4.0}, 2: {12: 3.0}, 3: {13: 3.0, 14: 3.0}}
    agg = rules.aggregate_round(_reviews(matrix), disagreement_threshold=1.5)
    assert agg.reviewers[1].calibrated is True
    assert agg.reviewers[2].calibrated is False
    assert agg.reviewers[3].calibrated is False  # no spread at all
    assert agg.round_mean == 3.0
    assert agg.applications[12].z_mean == 0.0
    assert agg.applications[12].normalized == 3.0


def test_nothing_reviewed_gives_nothing():
    agg = rules.aggregate_round([], disagreement_threshold=1.5)
    assert agg.applications == {} and agg.round_mean is None


def _ranking(agg):
    return sorted(agg.applications, key=lambda a: (-agg.applications[a].z_mean, a))


def _same_order(a, b, tol=1e-9):
    """Every pair that is clearly ordered in one is ordered alike in the other."""
    ids = list(a.applications)
    for x in ids:
        for y in ids:
            dx = a.applications[x].normalized - a.applications[y].normalized
            dy = b.applications[x].normalized - b.applications[y].normalized
            if abs(dx) > tol and abs(dy) > tol:
                assert (dx > 0) == (dy > 0), (x, y, dx, dy)
            elif abs(dx) > 1e-6 or abs(dy) > 1e-6:
                raise AssertionError(f"tie broken differently for {x}, {y}")


review_rounds = st.integers(min_value=2, max_value=5).flatmap(
    lambda n_reviewers: st.lists(
        st.lists(
            st.integers(min_value=10, max_value=50),  # totals × 10, 1.0 to 5.0
            min_size=2,
            max_size=6,
        ).filter(lambda xs: len(set(xs)) > 1),
        min_size=n_reviewers,
        max_size=n_reviewers,
    )
)


@settings(max_examples=200, deadline=None)
@given(
    totals=review_rounds,
    who=st.integers(min_value=0, max_value=4),
    shift=st.sampled_from([-2.0, -1.25, -0.5, 0.5, 1.0, 2.5]),
)
def test_adding_a_constant_to_one_reviewers_scores_keeps_the_ranking(
    totals, who, shift
):
    """Property: a reviewer who is uniformly harsher or more lenient by any
    constant changes no application's place in the normalized ranking."""
    # Reviewer r's i-th review is of application i: applications are shared
    # between reviewers, as in a real round.
    reviews = [
        rules.ReviewTotal(reviewer, i, t / 10)
        for reviewer, row in enumerate(totals)
        for i, t in enumerate(row)
    ]
    who = who % len(totals)
    shifted = [
        rules.ReviewTotal(r.reviewer_id, r.application_id, r.total + shift)
        if r.reviewer_id == who
        else r
        for r in reviews
    ]
    before = rules.aggregate_round(reviews, disagreement_threshold=1.5)
    after = rules.aggregate_round(shifted, disagreement_threshold=1.5)
    for a in before.applications:
        assert abs(before.applications[a].z_mean - after.applications[a].z_mean) < 1e-9
    _same_order(before, after)


def _plan(n_apps, n_reviewers, k, cap=10_000, excluded=None, loads=None):
    excluded = excluded or {}
    needs = [
        rules.AssignmentNeed(a, k, frozenset(excluded.get(a, ())))
        for a in range(n_apps)
    ]
    loads = loads or {r: 0 for r in range(100, 100 + n_reviewers)}
    return rules.plan_assignments(needs, loads, cap=cap)


@settings(max_examples=200, deadline=None)
@given(
    n_apps=st.integers(min_value=0, max_value=80),
    n_reviewers=st.integers(min_value=3, max_value=12),
    k=st.integers(min_value=1, max_value=3),
)
def test_loads_stay_within_one_of_each_other(n_apps, n_reviewers, k):
    """Property: with no conflicts, every reviewer's load is within one of
    every other's, and each application gets k distinct reviewers."""
    plan = _plan(n_apps, n_reviewers, k)
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    per_app = {}
    for a, r in plan.pairs:
        per_app.setdefault(a, set()).add(r)
    assert all(len(rs) == k for rs in per_app.values())
    assert len(plan.pairs) == n_apps * k
    assert plan.shortfalls == {}


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    n_apps=st.integers(min_value=1, max_value=40),
    n_reviewers=st.integers(min_value=3, max_value=8),
)
def test_a_conflicted_reviewer_is_never_assigned(data, n_apps, n_reviewers):
    """Property: whatever the conflicts, no pair is a conflicted one, and an
    application short of reviewers is reported, not silently filled."""
    reviewers = list(range(100, 100 + n_reviewers))
    excluded = {
        a: data.draw(st.sets(st.sampled_from(reviewers), max_size=n_reviewers))
        for a in range(n_apps)
    }
    plan = _plan(n_apps, n_reviewers, 2, excluded=excluded)
    for a, r in plan.pairs:
        assert r not in excluded[a]
    for a in range(n_apps):
        possible = n_reviewers - len(excluded[a])
        if possible < 2:
            assert plan.shortfalls[a] == 2 - possible


def test_the_cap_is_never_exceeded_and_the_gap_is_reported():
    plan = _plan(10, 3, 2, cap=5)
    assert max(plan.loads.values()) <= 5
    assert sum(plan.shortfalls.values()) == 10 * 2 - 15


def test_existing_loads_are_evened_out():
    """A reviewer who already has work gets new work last."""
    plan = _plan(3, 3, 1, loads={100: 3, 101: 0, 102: 0})
    assert plan.loads == {100: 3, 101: 2, 102: 1} or plan.loads == {
        100: 3,
        101: 1,
        102: 2,
    }


def test_redaction_replaces_every_mention_ignoring_case():
    text = "Riverbend County Health Department leads; RIVERBEND COUNTY partners."
    out = rules.redact(text, ["Riverbend County Health Department", "Riverbend County"])
    assert "Riverbend" not in out and "RIVERBEND" not in out
    assert out.count(rules.REDACTED) == 2


def test_redaction_finds_the_obvious_variants_of_a_name():
    names = ["The Yakima Public Schools", "Yakima Police Department, Inc.", "Yakima"]
    cases = {
        "yakima public schools' nurses": "[withheld] nurses",
        "The YAKIMA POLICE DEPARTMENT's team": "The [withheld] team",
        "Yakima Police\nDepartment and Yakima Police-Department": (
            "[withheld] and [withheld]"
        ),
        "YPS and YPD said so; yps is a word here": "[withheld] and [withheld] said "
        "so; yps is a word here",
        "Yakima Public Schools, Inc. or Yakima-based": "[withheld], Inc. or "
        "[withheld]-based",
        "Yakimas and Selah": "Yakimas and Selah",
    }
    pattern = rules.redaction_pattern(names)
    for text, expected in cases.items():
        assert rules.redact(text, pattern) == expected.replace(
            "[withheld]", rules.REDACTED
        ), text


def test_redaction_leaves_short_names_and_empty_texts_alone():
    assert rules.redaction_pattern(["", "  ", "Al"]) is None
    assert rules.redact("Al and Alpha", ["Al"]) == "Al and Alpha"
    assert rules.redact("", ["Yakima"]) == ""
    assert rules.redact("Health & Housing Hub's plan", ["Health and Housing Hub"]) == (
        f"{rules.REDACTED} plan"
    )
