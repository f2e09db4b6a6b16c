"""The pure rules: the drawing, notes sanitizing, the taper, the cross-over."""

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from affinity import rules


def test_drawing_is_the_documented_hash_ranking():
    """The winners are the entrants with the smallest SHA-256 of "seed:n"."""
    seed = "00112233445566778899aabbccddeeff"
    eligible = [3, 17, 42, 99, 120]
    by_hand = sorted(
        eligible, key=lambda n: hashlib.sha256(f"{seed}:{n}".encode()).hexdigest()
    )
    assert rules.draw_winners(seed, eligible) == by_hand[:2]


@given(
    seed=st.text(min_size=1, max_size=40),
    eligible=st.lists(st.integers(min_value=1, max_value=10**6), unique=True),
)
def test_drawing_is_reproducible_and_independent_of_list_order(seed, eligible):
    """Same seed and people give the same winners, however the list is ordered."""
    first = rules.draw_winners(seed, eligible)
    assert first == rules.draw_winners(seed, list(reversed(eligible)))
    assert len(first) == min(2, len(eligible))
    assert set(first) <= set(eligible)


def test_shortfall_note_says_how_many_were_drawn():
    assert rules.drawing_shortfall_note(2, 2) == ""
    assert "Only 1 person" in rules.drawing_shortfall_note(1, 2)
    assert "1 winner was drawn instead of 2" in rules.drawing_shortfall_note(1, 2)


def test_script_tags_and_handlers_are_removed_from_notes():
    """Notes keep simple formatting; scripts, handlers and js: links go."""
    dirty = (
        '<p onclick="steal()">Hello <strong>all</strong></p>'
        "<script>alert('x')</script>"
        '<a href="javascript:alert(1)">bad</a> <a href="https://allin.example">ok</a>'
        "<img src=x onerror=alert(1)>"
    )
    clean = rules.sanitize_notes(dirty)
    assert "<script" not in clean
    assert "alert" not in clean
    assert "onclick" not in clean
    assert "javascript:" not in clean
    assert "<img" not in clean
    assert "<strong>all</strong>" in clean
    assert 'href="https://allin.example"' in clean


def test_plain_text_notes_become_paragraphs_with_text_escaped():
    notes = "First point\nstill first\n\nSecond & last <3"
    assert rules.sanitize_notes(notes) == (
        "<p>First point<br>still first</p><p>Second &amp; last &lt;3</p>"
    )


def test_taper_compares_last_third_with_first_third():
    assert rules.tapers([0.9, 0.85, 0.8, 0.6, 0.5, 0.4])
    assert not rules.tapers([0.8, 0.75, 0.8, 0.7, 0.8, 0.75])
    assert not rules.tapers([0.9, 0.1])  # too few meetings to say
    assert not rules.tapers([None, None, None])


def test_percent_rounds_halves_up_and_knows_an_empty_whole():
    assert rules.percent(16, 43) == 37
    assert rules.percent(15, 43) == 35
    assert rules.percent(1, 8) == 13
    assert rules.percent(1, 0) is None


def test_crossover_counts_each_collaboration_once():
    """Two people of one collaboration in two groups count once."""
    result = rules.crossover(
        [("a", "Alpha", 1), ("a", "Alpha", 2), ("b", "Beta", 2), ("a", "Alpha", 1)]
    )
    assert result.count == 2
    assert result.by_group == {1: {"a"}, 2: {"a", "b"}}
    assert result.by_collaboration["a"] == {1, 2}


def test_exit_figures_in_the_style_the_program_reported():
    """16 of 43 took part and plan to continue (37%), 15 plan to join (35%)."""
    answers = (
        [(rules.TOOK_PART, rules.PLAN_CONTINUE)] * 16
        + [(rules.TOOK_PART, rules.NO_PLANS)] * 3
        + [(rules.DID_NOT_TAKE_PART, rules.PLAN_JOIN)] * 15
        + [(rules.DID_NOT_TAKE_PART, None)] * 9
        + [(None, rules.PLAN_JOIN)] * 4  # skipped the participation question
    )
    figures = rules.exit_figures(answers, min_group_size=5)
    assert figures.respondents == 43
    assert figures.share(figures.took_part_continue) == 37
    assert figures.share(figures.not_yet_plan_to_join) == 35
    assert figures.not_yet_no_plans == 9
    assert not figures.hidden


def test_exit_figures_hide_below_the_minimum_group_size():
    figures = rules.exit_figures(
        [(rules.TOOK_PART, rules.PLAN_CONTINUE)] * 3, min_group_size=5
    )
    assert figures.hidden


def test_bar_chart_heights_follow_the_rates():
    bars = rules.bar_chart([1.0, 0.5, None], width=100, height=50, gap=5)
    assert [b.height for b in bars] == [50, 25, 0]
    assert bars[2].label == "Meeting 3: not recorded"
    assert bars[1].label == "Meeting 2: 50%"
