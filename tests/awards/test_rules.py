"""Close-out's pure rules: money to the cent, conditions, the letter's words,
file kinds read from content."""

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards import rules

from .factories import EXE, PDF, PNG, docx_bytes


@given(
    amount=st.decimals(min_value="0.01", max_value="99999999.99", places=2),
    cuts=st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=6),
)
def test_tranches_always_add_up_to_the_award_to_the_cent(amount, cuts):
    total = sum(cuts)
    percents = [Decimal(c) * 100 / total for c in cuts]
    parts = rules.split_amount(amount, percents)
    assert sum(parts) == amount
    assert all(p == p.quantize(rules.CENT) for p in parts[:-1])


def test_half_and_half_of_five_thousand():
    assert rules.split_amount(Decimal("5000.00"), [Decimal(50), Decimal(50)]) == [
        Decimal("2500.00"),
        Decimal("2500.00"),
    ]


def test_a_schedule_names_every_problem():
    problems = rules.schedule_problems(
        [("First", Decimal("60"), False), ("Last", Decimal("0"), True)]
    )
    assert rules.SCHEDULE_NO_CONDITION.format(n=1, label="First") in problems
    assert rules.SCHEDULE_PERCENT_RANGE.format(n=2, label="Last") in problems
    assert rules.SCHEDULE_NOT_100.format(total="60") in problems
    assert rules.schedule_problems([]) == [rules.SCHEDULE_EMPTY]


def test_every_ticked_requirement_must_be_met():
    reached = rules.Milestones(
        letter_countersigned=True, workplan_approved=False, report_accepted=False
    )
    assert rules.condition_met(
        requires_letter=True,
        requires_workplan=False,
        requires_report=False,
        reached=reached,
    )
    assert not rules.condition_met(
        requires_letter=True,
        requires_workplan=True,
        requires_report=False,
        reached=reached,
    )
    assert not rules.condition_met(
        requires_letter=False,
        requires_workplan=False,
        requires_report=False,
        reached=reached,
    )


def test_the_letter_fills_known_words_only():
    text = "Dear {organization}, {amount} for {unknown} {{round}}"
    filled = rules.fill(
        text, {"organization": "Lakeside", "amount": "$5,000.00", "round": "R2"}
    )
    assert filled == "Dear Lakeside, $5,000.00 for {unknown} {R2}"
    assert rules.unknown_placeholders(text) == ["unknown"]


def test_links_are_title_bar_address():
    links, problems = rules.parse_links(
        "All In | https://allin.healthdoers.org/\n"
        "bad line\n"
        "Script | javascript:alert(1)"
    )
    assert links == [("All In", "https://allin.healthdoers.org/")]
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        (docx_bytes(), "docx"),
        (b"name,amount\nLakeside,2500\n", "csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "ole"),
        (b"\x00\x01\x02", None),
    ],
)
def test_the_kind_comes_from_the_content(data, kind):
    assert rules.content_kind(io.BytesIO(data)) == kind


@pytest.mark.parametrize(
    "data", [EXE, b"\x7fELF\x02\x01", b"#!/bin/sh\nrm -rf /\n", docx_bytes(macros=True)]
)
def test_programs_scripts_and_macros_are_never_accepted(data):
    with pytest.raises(ValueError):
        rules.check_file(
            io.BytesIO(data),
            name="file.csv",
            size=len(data),
            max_bytes=10_000,
            allowed=rules.ANY_DOCUMENT,
        )


def test_the_name_must_match_the_content():
    with pytest.raises(ValueError, match="rename it to end in .pdf"):
        rules.check_file(
            io.BytesIO(PDF),
            name="report.xlsx",
            size=len(PDF),
            max_bytes=10_000,
            allowed=rules.ANY_DOCUMENT,
        )
    kind = rules.check_file(
        io.BytesIO(PDF),
        name="Report.PDF",
        size=len(PDF),
        max_bytes=10_000,
        allowed=rules.ANY_DOCUMENT,
    )
    assert kind.content_type == "application/pdf"


def test_download_names_keep_no_path_nor_control_characters():
    assert rules.safe_download_name('..\\..\\evil"\x00.pdf', "pdf") == "evil.pdf"
    assert rules.safe_download_name("", "png") == "file.png"


def test_a_report_lists_what_it_lacks():
    questions = [rules.QuestionSpec("q1", "What changed?", True, 5)]
    data = {
        "answers": {"q1": "one two three four five six"},
        "goals": {"1": {"met": "partly", "why": ""}},
        "measures": {},
        "lessons": "",
    }
    problems = rules.report_problems(
        data,
        questions=questions,
        goals=[("1", "Agreement")],
        measures=[("7", "Partners")],
    )
    assert problems == [
        rules.REPORT_ANSWER_TOO_LONG.format(prompt="What changed?", words=6, limit=5),
        rules.REPORT_GOAL_WHY.format(title="Agreement", status="partly met"),
        rules.REPORT_MEASURE_MISSING.format(name="Partners"),
        rules.REPORT_LESSONS_MISSING,
    ]


def test_money_is_typed_and_shown_in_dollars_and_cents():
    assert rules.parse_money("$2,500") == Decimal("2500.00")
    assert rules.parse_money("2500.005") is None
    assert rules.money(Decimal("5000")) == "$5,000.00"
