"""Pure rules: answer validation, suppression, statistics and chart geometry."""

from decimal import Decimal

import pytest

from surveys import rules
from surveys.rules import QuestionSpec

LIKERT = QuestionSpec(1, "likert")
SINGLE = QuestionSpec(2, "single", choices=("a", "b"))
MULTI = QuestionSpec(3, "multiple", required=False, choices=("a", "b", "c"))
NUMBER = QuestionSpec(4, "number", min_value=Decimal("0"), max_value=Decimal("10"))
TEXT = QuestionSpec(5, "short_text", required=False)


@pytest.mark.parametrize(
    "spec,raw,error",
    [
        (LIKERT, [], rules.REQUIRED),
        (LIKERT, ["6"], rules.LIKERT_RANGE),
        (LIKERT, ["0"], rules.LIKERT_RANGE),
        (SINGLE, ["z"], rules.NOT_AN_OPTION),
        (SINGLE, ["a", "b"], rules.ONE_ONLY),
        (MULTI, ["a", "zz"], rules.NOT_AN_OPTION),
        (NUMBER, ["ten"], rules.NOT_A_NUMBER),
        (NUMBER, ["NaN"], rules.NOT_A_NUMBER),
        (NUMBER, ["-1"], rules.BELOW_MIN.format(bound="0")),
        (NUMBER, ["10.5"], rules.ABOVE_MAX.format(bound="10")),
        (TEXT, ["x" * 501], rules.TEXT_TOO_LONG.format(limit=500)),
    ],
)
def test_an_answer_outside_options_or_bounds_is_refused(spec, raw, error):
    """Each kind of bad answer gets its own clear message."""
    answer, message = rules.validate_answer(spec, raw)
    assert answer is None
    assert message == error


def test_valid_answers_are_cleaned():
    cleaned, errors = rules.validate_answers(
        [LIKERT, SINGLE, MULTI, NUMBER, TEXT],
        {"q1": ["5"], "q2": ["b"], "q3": ["c", "a", "a"], "q4": ["7.25"], "q5": [" "]},
    )
    assert errors == {}
    assert cleaned[1].number == Decimal("5")
    assert cleaned[2].choices == ["b"]
    assert cleaned[3].choices == ["a", "c"]
    assert cleaned[4].number == Decimal("7.25")
    assert 5 not in cleaned  # an optional question left empty is no answer


def test_primary_suppression_hides_groups_under_the_minimum():
    s = rules.suppress_cells({"a": 6, "b": 5, "c": 7, "d": 0}, 5)
    assert s.hidden == frozenset()
    s = rules.suppress_cells({"a": 6, "b": 5, "c": 2}, 5)
    assert "c" in s.primary


def test_complementary_suppression_hides_the_cell_that_would_reveal_a_hidden_one():
    """With seven cohorts of four or five, one small cohort is not enough to hide:
    the total minus the visible cells would give it away, so the next smallest
    cohort is hidden too, until the hidden cells hold at least k people."""
    counts = {"a": 5, "b": 5, "c": 6, "d": 5, "e": 7, "f": 5, "g": 3}
    s = rules.suppress_cells(counts, 5)
    assert s.primary == {"g"}
    assert len(s.complementary) == 1
    hidden_total = sum(counts[k] for k in s.hidden)
    assert hidden_total >= 5
    assert s.reason("g", 5) == rules.SUPPRESSED_REASON.format(k=5)
    (comp,) = s.complementary
    assert s.reason(comp, 5) == rules.COMPLEMENT_REASON


def test_two_small_cells_that_together_stay_small_pull_in_a_third():
    s = rules.suppress_cells({"a": 1, "b": 2, "c": 8, "d": 9}, 5)
    assert s.primary == {"a", "b"}
    assert s.complementary == {"c"}


def test_everything_is_hidden_when_all_cells_are_small():
    s = rules.suppress_cells({"a": 1, "b": 2}, 5)
    assert s.hidden == {"a", "b"}


def test_number_summary_and_likert_mean():
    summary = rules.number_summary([Decimal("1"), Decimal("3"), Decimal("8")])
    assert summary.n == 3
    assert summary.mean == pytest.approx(4.0)
    assert summary.median == 3
    assert summary.minimum == 1 and summary.maximum == 8
    assert rules.likert_mean([(1, 1), (5, 1)]) == 3.0
    assert rules.likert_mean([(1, 0)]) is None


def test_bar_chart_scales_bars_to_the_largest():
    chart = rules.bar_chart([("Yes", 6), ("No", 3), ("Maybe", 0)], width=600)
    widths = [b.width for b in chart.bars]
    assert widths[0] == chart.plot_width
    assert widths[1] == pytest.approx(chart.plot_width / 2)
    assert widths[2] == 0
    assert [b.percent for b in chart.bars] == [66.7, 33.3, 0.0]
    assert chart.bars[1].y > chart.bars[0].y
