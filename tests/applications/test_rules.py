"""The call's five eligibility criteria and the completeness rule, without a
database."""

import pytest

from applications import rules
from applications.rules import FAIL, NEEDS_REVIEW, PASS, ScreeningInput

GOAL = (
    "Build a shared data agreement between the county health department and "
    "two housing providers to match shelter and clinic records."
)

BASE = {
    "learning_goal": GOAL,
    "org_type": "501c3",
    "ein": "12-3456789",
    "state": "OH",
    "country": "United States",
    "collaboration_status": "member",
    "org_sector": "human_services",
    "partner_sectors": (("housing",), ("education",)),
}


def inp(**overrides):
    return ScreeningInput(**{**BASE, **overrides})


CASES = [
    # (description, overrides, criterion, outcome, words in the reason)
    ("a clear goal", {}, 1, PASS, "20 words"),
    ("no goal", {"learning_goal": ""}, 1, FAIL, "No learning goal"),
    ("a trivial goal", {"learning_goal": "learn more stuff"}, 1, FAIL, "too short"),
    (
        "a repeated word is not a goal",
        {"learning_goal": "data data data data data data"},
        1,
        FAIL,
        "too short",
    ),
    (
        "a short goal",
        {"learning_goal": "Link housing and clinic data for our county."},
        1,
        NEEDS_REVIEW,
        "short (8 words)",
    ),
    ("a public entity", {"org_type": "public", "ein": ""}, 2, PASS, "public entity"),
    ("a nonprofit with its EIN", {}, 2, PASS, "12-3456789"),
    ("a nonprofit with no EIN", {"ein": ""}, 2, FAIL, "gave no EIN"),
    ("a malformed EIN", {"ein": "12-34"}, 2, NEEDS_REVIEW, "not nine digits"),
    ("another type", {"org_type": "other"}, 2, FAIL, "neither a public entity"),
    ("no type", {"org_type": ""}, 2, NEEDS_REVIEW, "not given"),
    ("a state", {}, 3, PASS, "Ohio"),
    ("the District", {"state": "DC"}, 3, PASS, "District of Columbia"),
    ("a territory", {"state": "PR"}, 3, PASS, "Puerto Rico, a US territory"),
    (
        "outside the US",
        {"state": "XX", "country": "Canada"},
        3,
        FAIL,
        "outside the United States (Canada)",
    ),
    ("no state", {"state": ""}, 3, NEEDS_REVIEW, "not given"),
    ("a member", {}, 4, PASS, "member of an existing"),
    ("can convene", {"collaboration_status": "convene"}, 4, PASS, "can convene"),
    ("neither", {"collaboration_status": "neither"}, 4, FAIL, "cannot convene"),
    ("not said", {"collaboration_status": ""}, 4, FAIL, "did not say"),
    ("two other sectors", {}, 5, PASS, "housing and education"),
    (
        "one partner in two sectors",
        {"partner_sectors": (("housing", "education"),)},
        5,
        PASS,
        "2 sectors",
    ),
    (
        "only one other sector",
        {"partner_sectors": (("housing",), ("housing",))},
        5,
        FAIL,
        "only one other sector (housing); two are required.",
    ),
    (
        "own sector does not count",
        {"partner_sectors": (("human_services",), ("housing",))},
        5,
        FAIL,
        "only one other sector (housing)",
    ),
    ("no partners", {"partner_sectors": ()}, 5, FAIL, "No partner organizations"),
    (
        "partners only in the applicant's sector",
        {"partner_sectors": (("human_services",),)},
        5,
        FAIL,
        "Partners in no other sector",
    ),
    (
        "health care with health care and one other",
        {
            "org_sector": "health_care",
            "partner_sectors": (("health_care",), ("housing",)),
        },
        5,
        FAIL,
        "Partners in only one other sector (housing); two are required, and a "
        "health-care applicant needs two besides health care.",
    ),
    (
        "health care with two besides health care",
        {
            "org_sector": "health_care",
            "partner_sectors": (("health_care", "housing"), ("public_health",)),
        },
        5,
        PASS,
        "besides health care (public health and housing)",
    ),
    (
        "public health counts health care as another sector",
        {
            "org_sector": "public_health",
            "partner_sectors": (("health_care",), ("housing",)),
        },
        5,
        PASS,
        "health care and housing",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "criterion", "outcome", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_criterion(overrides, criterion, outcome, reason):
    """Each criterion gives the expected outcome and says why in a sentence."""
    results = rules.screen(inp(**overrides))
    assert [r.criterion for r in results] == [1, 2, 3, 4, 5]
    result = results[criterion - 1]
    assert result.outcome == outcome
    assert reason in result.reason
    assert result.reason.endswith(".")


@pytest.mark.parametrize(
    ("outcomes", "overall"),
    [
        ([PASS] * 5, "eligible"),
        ([PASS, PASS, NEEDS_REVIEW, PASS, PASS], "needs_review"),
        ([PASS, FAIL, NEEDS_REVIEW, PASS, PASS], "ineligible"),
        ([], "pending"),
    ],
)
def test_overall_eligibility(outcomes, overall):
    """Any fail makes the application ineligible; any needs-review holds it."""
    assert rules.overall_eligibility(outcomes) == overall


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("12-3456789", "12-3456789"),
        ("123456789", "12-3456789"),
        (" 12-3456789 ", "12-3456789"),
        ("12-345678", None),
        ("1234567890", None),
        ("AB-CDEFGHI", None),
        ("", None),
    ],
)
def test_normalize_ein(raw, normalized):
    assert rules.normalize_ein(raw) == normalized


def test_count_words_matches_the_browser_counter():
    """Words are runs of non-space characters, like the live counter's."""
    assert rules.count_words("") == 0
    assert rules.count_words("  one\ttwo\nthree  ") == 3
    assert rules.count_words("data-sharing, 2-1-1!") == 2


def complete_draft(**overrides):
    fields = {
        "org_name": "Riverside",
        "org_type": "public",
        "org_sector": "public_health",
        "org_state": "OH",
        "contacts": (
            rules.ContactInput("primary", "A", "Director", "a@x.org", "614-555-0100"),
            rules.ContactInput("secondary", "B", "Analyst", "b@x.org", "614-555-0101"),
        ),
        "collaboration_name": "Healthy Riverside",
        "collaboration_status": "member",
        "partners": (("Housing Co", ("housing",)),),
        "learning_goal": GOAL,
        "questions": (rules.QuestionInput("need", "Why?", True, 10, "Because."),),
        "all_in_profile": "agrees",
        "preferences": 1,
    }
    fields.update(overrides)
    return rules.DraftInput(**fields)


def missing(draft):
    return {s.key: s.missing for s in rules.completeness(draft) if s.missing}


def test_a_complete_draft_misses_nothing():
    assert missing(complete_draft()) == {}


def test_an_empty_draft_lists_every_section():
    """An empty draft lists what each of the seven sections still needs."""
    result = missing(rules.DraftInput(questions=complete_draft().questions[:0]))
    assert set(result) == {
        "organization",
        "contacts",
        "collaboration",
        "goal",
        "all-in",
        "preferences",
    }


@pytest.mark.parametrize(
    ("overrides", "section", "text"),
    [
        (
            {
                "contacts": (
                    rules.ContactInput("primary", "A", "D", "a@x.org", "1"),
                    rules.ContactInput("secondary", "B", "D", "b@x.org", "2", False),
                )
            },
            "contacts",
            "At least two people from your organization",
        ),
        (
            {"contacts": (rules.ContactInput("primary", "A", "", "a@x.org", "1"),)},
            "contacts",
            "The secondary contact",
        ),
        (
            {
                "questions": (
                    rules.QuestionInput("n", "Why?", True, 2, "one two three"),
                )
            },
            "questions",
            "Question 1 is over 2 words",
        ),
        (
            {"questions": (rules.QuestionInput("n", "Why?", True, 2, ""),)},
            "questions",
            "An answer to question 1",
        ),
        ({"preferences": 0}, "preferences", "At least one ranked mentorship"),
        ({"partners": ()}, "collaboration", "At least one partner"),
    ],
)
def test_missing_items(overrides, section, text):
    result = missing(complete_draft(**overrides))
    assert any(text in item for item in result[section]), result


def test_optional_questions_may_be_left_empty():
    draft = complete_draft(
        questions=(rules.QuestionInput("extra", "Anything else?", False, 50, ""),)
    )
    assert missing(draft) == {}


def test_ineligible_answers_are_not_missing():
    """Outside the US with partners in one sector is complete: screening judges it."""
    draft = complete_draft(org_state="XX", org_type="other", partners=(("P", ("x",)),))
    assert missing(draft) == {}


def test_an_override_needs_a_reason_and_a_known_outcome():
    """No outcome clears an override and needs no reason; an outcome needs one."""
    assert rules.override_error("", "") is None
    assert rules.override_error("fail", "  ") == rules.JUSTIFICATION_REQUIRED
    assert rules.override_error("fail", "Closed last month.") is None
    assert rules.override_error("maybe", "x") == rules.NOT_AN_OUTCOME.format(
        outcome="maybe"
    )
