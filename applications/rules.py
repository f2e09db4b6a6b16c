"""Pure rules of the application: word counts, EINs, completeness and the call's
five eligibility criteria. No ORM and no request: the services build the plain
inputs below from the database and store what these functions return.

A screening result says why as a code and its parameters (``REASONS``), which
the portal stores; the sentence is told when it is read, in the reader's
language (``reason_text``), whoever's page screened the application.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from dashmentor.choices import US_TERRITORIES, Sector, USState

PASS = "pass"  # noqa: S105 - an outcome, not a password
FAIL = "fail"
NEEDS_REVIEW = "needs_review"

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"

HEALTH_CARE = Sector.HEALTH_CARE.value
OUTSIDE_US = USState.OUTSIDE.value

# A learning goal shorter than this is not a goal at all ("TBD", "learn more").
GOAL_MIN_WORDS = 5
# A goal this short may be clear, but a person should read it.
GOAL_REVIEW_BELOW_WORDS = 15
GOAL_WORD_LIMIT = 200
# The call expects at least two staff of the lead organization in the program.
MIN_LEAD_STAFF = 2
# Partners must cover at least this many sectors other than the applicant's own.
MIN_OTHER_SECTORS = 2

CRITERIA = {
    1: _("A clearly defined learning goal"),
    2: _("Public entity or 501(c)(3) nonprofit"),
    3: _("Based in the United States or its territories"),
    4: _("Member of a collaboration, or able to convene one"),
    5: _("Active relationships in two or more other sectors"),
}

_EIN_RE = re.compile(r"^\s*(\d{2})-?(\d{7})\s*$")
_WORD_RE = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Count words the way the live counter in the browser does: runs of
    non-space characters."""
    return len(_WORD_RE.findall(text or ""))


def normalize_ein(value: str) -> str | None:
    """Return the EIN as ``12-3456789``, or None when it is not nine digits."""
    match = _EIN_RE.match(value or "")
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)}"


def sector_label(code: str) -> str:
    try:
        return Sector(code).label
    except ValueError:
        return code


def _join(words: list[str]) -> str:
    """ "a, b and c" in the active language."""
    if len(words) <= 1:
        return "".join(words)
    return gettext("%(first)s and %(last)s") % {
        "first": ", ".join(words[:-1]),
        "last": words[-1],
    }


@dataclass(frozen=True)
class ScreeningInput:
    """What the five criteria look at, read from an application."""

    learning_goal: str = ""
    org_type: str = ""  # "public", "501c3", "other" or ""
    ein: str = ""
    state: str = ""  # a USState code, "XX" outside the US, "" unknown
    country: str = ""
    collaboration_status: str = ""  # "member", "convene", "neither" or ""
    org_sector: str = ""
    partner_sectors: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class CriterionResult:
    """A criterion's outcome and why: a code of ``REASONS`` and its values."""

    criterion: int
    outcome: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def reason_codes(self) -> list[dict]:
        """Why, as a result row stores it."""
        return [{"code": self.code, "params": dict(self.params)}]

    @property
    def reason(self) -> str:
        """Why, in the active language."""
        return reason_text(self.reason_codes)


# Why a criterion has its outcome: a code and the sentence it stands for, with
# named placeholders. A result stores the code and the values (state and
# sector codes, never their names), so each reader reads the sentence in their
# own language. A code is never renamed: stored results name it.
REASONS = {
    "goal_missing": _("No learning goal was given."),
    "goal_too_short": ngettext_lazy(
        "The learning goal has only %(words)s word; it is too short to be a "
        "clearly defined goal.",
        "The learning goal has only %(words)s words; it is too short to be a "
        "clearly defined goal.",
        "words",
    ),
    "goal_short": _(
        "The learning goal is short (%(words)s words); staff should check that it "
        "is clearly defined."
    ),
    "goal_given": _("A learning goal of %(words)s words was given."),
    "public_entity": _("The applicant is a public entity."),
    "ein_missing": _("The applicant says it is a 501(c)(3) nonprofit but gave no EIN."),
    "ein_malformed": _("The EIN “%(ein)s” is not nine digits; staff should check it."),
    "nonprofit": _("The applicant is a 501(c)(3) nonprofit with EIN %(ein)s."),
    "org_type_other": _(
        "The applicant is neither a public entity nor a 501(c)(3) nonprofit."
    ),
    "org_type_missing": _(
        "The organization type was not given; staff should check it."
    ),
    "outside_us": _(
        "The applicant is based outside the United States; the call is open to "
        "organizations in the United States and its territories."
    ),
    "outside_us_in": _(
        "The applicant is based outside the United States (%(country)s); the call "
        "is open to organizations in the United States and its territories."
    ),
    "territory": _("The applicant is based in %(state)s, a US territory."),
    "state": _("The applicant is based in %(state)s."),
    "state_missing": _(
        "The applicant's state or territory was not given; staff should check it."
    ),
    "collaboration_member": _(
        "The applicant is a member of an existing community or regional collaboration."
    ),
    "collaboration_convene": _(
        "The applicant can convene a multi-sector community collaboration."
    ),
    "collaboration_neither": _(
        "The applicant is not a member of a collaboration and cannot convene one."
    ),
    "collaboration_missing": _(
        "The applicant did not say whether it belongs to a collaboration or can "
        "convene one."
    ),
    "sectors_other": _(
        "Partners in %(count)s sectors other than its own (%(sectors)s)."
    ),
    "sectors_besides_health_care": _(
        "Partners in %(count)s sectors besides health care (%(sectors)s)."
    ),
    "no_partners": _("No partner organizations were named; two are required."),
    "no_partners_health_care": _(
        "No partner organizations were named; two are required, and a health-care "
        "applicant needs two besides health care."
    ),
    "no_other_sector": _("Partners in no other sector; two are required."),
    "no_other_sector_health_care": _(
        "Partners in no other sector; two are required, and a health-care "
        "applicant needs two besides health care."
    ),
    "one_other_sector": _(
        "Partners in only one other sector (%(sector)s); two are required."
    ),
    "one_other_sector_health_care": _(
        "Partners in only one other sector (%(sector)s); two are required, and a "
        "health-care applicant needs two besides health care."
    ),
}


def _state_label(code: str) -> str:
    try:
        return str(USState(code).label)
    except ValueError:
        return code


def _reason_values(params: dict) -> dict:
    """The stored values as the sentence says them: names for codes."""
    values = dict(params)
    if "state" in values:
        values["state"] = _state_label(values["state"])
    if "sector" in values:
        values["sector"] = str(sector_label(values["sector"])).lower()
    if "sectors" in values:
        codes = list(values["sectors"])
        values["count"] = len(codes)
        values["sectors"] = _join([str(sector_label(c)).lower() for c in codes])
    return values


def reason_text(reason_codes) -> str:
    """The reasons a result stores (``[{"code": ..., "params": {...}}]``) as
    sentences in the active language; "" when a code is unknown (the caller
    then shows the text an earlier screening wrote)."""
    sentences = []
    for reason in reason_codes or ():
        sentence = REASONS.get(reason.get("code"))
        if sentence is None:
            return ""
        try:
            sentences.append(sentence % _reason_values(reason.get("params") or {}))
        except (KeyError, TypeError, ValueError):
            return ""
    return " ".join(sentences)


def screen_learning_goal(inp: ScreeningInput) -> CriterionResult:
    words = count_words(inp.learning_goal)
    distinct = len({w.lower() for w in _WORD_RE.findall(inp.learning_goal or "")})
    if words == 0:
        return CriterionResult(1, FAIL, "goal_missing")
    if words < GOAL_MIN_WORDS or distinct < GOAL_MIN_WORDS:
        return CriterionResult(1, FAIL, "goal_too_short", {"words": words})
    if words < GOAL_REVIEW_BELOW_WORDS:
        return CriterionResult(1, NEEDS_REVIEW, "goal_short", {"words": words})
    return CriterionResult(1, PASS, "goal_given", {"words": words})


def screen_org_type(inp: ScreeningInput) -> CriterionResult:
    if inp.org_type == "public":
        return CriterionResult(2, PASS, "public_entity")
    if inp.org_type == "501c3":
        if not inp.ein:
            return CriterionResult(2, FAIL, "ein_missing")
        if normalize_ein(inp.ein) is None:
            return CriterionResult(2, NEEDS_REVIEW, "ein_malformed", {"ein": inp.ein})
        return CriterionResult(2, PASS, "nonprofit", {"ein": inp.ein})
    if inp.org_type == "other":
        return CriterionResult(2, FAIL, "org_type_other")
    return CriterionResult(2, NEEDS_REVIEW, "org_type_missing")


def screen_location(inp: ScreeningInput) -> CriterionResult:
    if inp.state == OUTSIDE_US:
        if inp.country:
            return CriterionResult(3, FAIL, "outside_us_in", {"country": inp.country})
        return CriterionResult(3, FAIL, "outside_us")
    if inp.state in US_TERRITORIES:
        return CriterionResult(3, PASS, "territory", {"state": inp.state})
    if inp.state in USState.values:
        return CriterionResult(3, PASS, "state", {"state": inp.state})
    return CriterionResult(3, NEEDS_REVIEW, "state_missing")


COLLABORATION_REASONS = {
    "member": (PASS, "collaboration_member"),
    "convene": (PASS, "collaboration_convene"),
    "neither": (FAIL, "collaboration_neither"),
}


def screen_collaboration(inp: ScreeningInput) -> CriterionResult:
    outcome, code = COLLABORATION_REASONS.get(
        inp.collaboration_status, (FAIL, "collaboration_missing")
    )
    return CriterionResult(4, outcome, code)


def other_sectors(org_sector: str, partner_sectors) -> list[str]:
    """The distinct partner sectors other than the applicant's own, in the
    call's order."""
    seen = {code for sectors in partner_sectors for code in sectors}
    seen.discard(org_sector)
    return [code for code in Sector.values if code in seen]


def screen_sectors(inp: ScreeningInput) -> CriterionResult:
    others = other_sectors(inp.org_sector, inp.partner_sectors)
    health_care = inp.org_sector == HEALTH_CARE
    if len(others) >= MIN_OTHER_SECTORS:
        code = "sectors_besides_health_care" if health_care else "sectors_other"
        return CriterionResult(5, PASS, code, {"sectors": others})
    if others:
        code, params = "one_other_sector", {"sector": others[0]}
    elif any(inp.partner_sectors):
        code, params = "no_other_sector", {}
    else:
        code, params = "no_partners", {}
    if health_care:
        code += "_health_care"
    return CriterionResult(5, FAIL, code, params)


def screen(inp: ScreeningInput) -> list[CriterionResult]:
    """Screen an application against the call's five criteria, in order."""
    return [
        screen_learning_goal(inp),
        screen_org_type(inp),
        screen_location(inp),
        screen_collaboration(inp),
        screen_sectors(inp),
    ]


# Staff may override a screening result: an outcome with why, or no outcome,
# which clears the override (the screening counts again).
OUTCOMES = (PASS, FAIL, NEEDS_REVIEW)
JUSTIFICATION_REQUIRED = _("Write why you override the screening result.")
NOT_AN_OUTCOME = _("“{outcome}” is not an outcome.")


def override_error(outcome: str, justification: str) -> str | None:
    """Why an override cannot be recorded, or None when it can."""
    if not outcome:
        return None
    if outcome not in OUTCOMES:
        return NOT_AN_OUTCOME.format(outcome=outcome)
    if not (justification or "").strip():
        return JUSTIFICATION_REQUIRED
    return None


def overall_eligibility(outcomes) -> str:
    """Ineligible if any criterion fails, needs review if any needs review,
    eligible only when all pass."""
    outcomes = list(outcomes)
    if not outcomes:
        return "pending"
    if FAIL in outcomes:
        return INELIGIBLE
    if NEEDS_REVIEW in outcomes:
        return NEEDS_REVIEW
    return ELIGIBLE


# --- completeness ---


@dataclass(frozen=True)
class ContactInput:
    kind: str
    name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    from_lead_organization: bool = True


@dataclass(frozen=True)
class QuestionInput:
    key: str
    prompt: str
    required: bool
    word_limit: int
    answer: str = ""


@dataclass(frozen=True)
class DraftInput:
    """A snapshot of everything the application form asks for."""

    org_name: str = ""
    org_type: str = ""
    org_sector: str = ""
    org_state: str = ""
    org_country: str = ""
    contacts: tuple[ContactInput, ...] = ()
    collaboration_name: str = ""
    collaboration_status: str = ""
    partners: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, sectors)
    learning_goal: str = ""
    questions: tuple[QuestionInput, ...] = ()
    all_in_profile: str = ""
    preferences: int = 0


@dataclass
class Section:
    key: str
    title: str
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


SECTIONS = [
    ("organization", "Organization"),
    ("contacts", "Contacts and team"),
    ("collaboration", "Collaboration and partners"),
    ("goal", "Learning goal"),
    ("questions", "Selection questions"),
    ("all-in", "All In profile"),
    ("preferences", "Mentorship preferences"),
]
SECTION_TITLES = dict(SECTIONS)


def completeness(draft: DraftInput) -> list[Section]:
    """Each section of the form with what is still missing from it.

    Missing is about what was not given: an ineligible answer (an organization
    outside the US, partners in one sector) is complete and goes to screening.
    """
    sections = {key: Section(key, title) for key, title in SECTIONS}
    sections["organization"].missing.extend(_organization_missing(draft))
    sections["contacts"].missing.extend(_contacts_missing(draft))
    sections["collaboration"].missing.extend(_collaboration_missing(draft))
    sections["goal"].missing.extend(_goal_missing(draft))
    sections["questions"].missing.extend(_questions_missing(draft))
    if not draft.all_in_profile:
        sections["all-in"].missing.append("Your answer about the All In profile")
    if draft.preferences < 1:
        sections["preferences"].missing.append("At least one ranked mentorship")
    return list(sections.values())


def _organization_missing(draft: DraftInput) -> list[str]:
    org = []
    if not draft.org_name.strip():
        org.append("The organization's legal name")
    if not draft.org_type:
        org.append("The organization type")
    if not draft.org_sector:
        org.append("The organization's primary sector")
    if not draft.org_state:
        org.append("The state or territory (or “Outside the United States”)")
    return org


def _contacts_missing(draft: DraftInput) -> list[str]:
    """Each part of the two contacts not given, and too few lead staff."""
    contacts = []
    by_kind = {c.kind: c for c in draft.contacts if c.kind in ("primary", "secondary")}
    for kind, label in (("primary", "primary"), ("secondary", "secondary")):
        contact = by_kind.get(kind)
        if contact is None:
            contacts.append(f"The {label} contact")
            continue
        for attr, what in (
            ("name", "name"),
            ("title", "title"),
            ("email", "e-mail"),
            ("phone", "phone"),
        ):
            if not getattr(contact, attr).strip():
                contacts.append(f"The {label} contact's {what}")
    lead_staff = sum(1 for c in draft.contacts if c.from_lead_organization)
    if lead_staff < MIN_LEAD_STAFF:
        contacts.append(
            "At least two people from your organization who will take part "
            f"(you have {lead_staff})"
        )
    return contacts


def _collaboration_missing(draft: DraftInput) -> list[str]:
    collab = []
    if not draft.collaboration_name.strip():
        collab.append("The collaboration's name")
    if not draft.collaboration_status:
        collab.append("Whether you are a member of a collaboration or can convene one")
    if not draft.partners:
        collab.append("At least one partner organization with its sectors")
    return collab


def _goal_missing(draft: DraftInput) -> list[str]:
    if not draft.learning_goal.strip():
        return ["The learning goal"]
    if count_words(draft.learning_goal) > GOAL_WORD_LIMIT:
        return [f"The learning goal is over {GOAL_WORD_LIMIT} words"]
    return []


def _questions_missing(draft: DraftInput) -> list[str]:
    """Required answers not given, and answers over their word limit."""
    questions = []
    for number, q in enumerate(draft.questions, start=1):
        if q.required and not q.answer.strip():
            questions.append(f"An answer to question {number}")
        elif count_words(q.answer) > q.word_limit:
            questions.append(f"Question {number} is over {q.word_limit} words")
    return questions
