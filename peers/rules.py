"""Pure rules of the peer network: vocabularies, regions, the matching's words.

Nothing here touches the database or a request, so the matching can be tested
and benchmarked (``bench/peers_matching.py``) on generated profiles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.choices import Sector


class DataSystem(models.TextChoices):
    """Data systems a collaboration uses or plans, as the call names them."""

    HMIS = "hmis", _("HMIS (homeless management information system)")
    TWO_ONE_ONE = "211", _("2-1-1 resource and referral")
    EHR = "ehr", _("Electronic health records (EHR)")
    HIE = "hie", _("Health information exchange (HIE)")
    CIE = "cie", _("Community information exchange (CIE)")
    IDS = "ids", _("Integrated data system (IDS)")
    JAIL = "jail", _("Jail and court records")
    CLAIMS = "claims", _("Medicaid and health claims")
    SCHOOL = "school", _("School and education records")
    CHILD_WELFARE = "child_welfare", _("Child welfare records")
    EMS = "ems", _("Emergency medical services (EMS)")
    VITAL = "vital", _("Vital records")
    SDOH = "sdoh", _("Social needs screening (SDOH)")
    DASHBOARD = "dashboard", _("Community indicator dashboard")


# What a reason says for each system: short, the way peers speak of them.
DATA_SYSTEM_SHORT = {
    DataSystem.HMIS: "HMIS",
    DataSystem.TWO_ONE_ONE: "2-1-1",
    DataSystem.EHR: "EHR",
    DataSystem.HIE: "HIE",
    DataSystem.CIE: _("a community information exchange"),
    DataSystem.IDS: _("an integrated data system"),
    DataSystem.JAIL: _("jail data"),
    DataSystem.CLAIMS: _("claims data"),
    DataSystem.SCHOOL: _("school data"),
    DataSystem.CHILD_WELFARE: _("child welfare data"),
    DataSystem.EMS: _("EMS data"),
    DataSystem.VITAL: _("vital records"),
    DataSystem.SDOH: _("social needs screening"),
    DataSystem.DASHBOARD: _("a community dashboard"),
}


# Words that name a data system in what an applicant wrote (for the pre-fill).
_SYSTEM_WORDS = {
    DataSystem.HMIS: (r"\bhmis\b", r"homeless management information"),
    DataSystem.TWO_ONE_ONE: (r"\b2-1-1\b", r"\b211\b"),
    DataSystem.EHR: (r"\behrs?\b", r"electronic health record"),
    DataSystem.HIE: (r"\bhies?\b", r"health information exchange"),
    DataSystem.CIE: (r"\bcies?\b", r"community information exchange"),
    DataSystem.IDS: (r"\bids\b", r"integrated data system"),
    DataSystem.JAIL: (r"\bjail", r"\bcourt records", r"\bbooking"),
    DataSystem.CLAIMS: (r"\bclaims\b", r"\bmedicaid data"),
    DataSystem.SCHOOL: (r"\bschool (data|records)", r"\battendance records"),
    DataSystem.CHILD_WELFARE: (r"\bchild welfare",),
    DataSystem.EMS: (r"\bems\b", r"emergency medical services"),
    DataSystem.VITAL: (r"\bvital (records|statistics)",),
    DataSystem.SDOH: (r"\bsdoh\b", r"social needs screening"),
    DataSystem.DASHBOARD: (r"\bdashboard",),
}


def data_systems_in(text: str) -> set[str]:
    """The data systems ``text`` names (HMIS, 2-1-1, EHR, ...)."""
    text = (text or "").lower()
    return {
        system.value
        for system, patterns in _SYSTEM_WORDS.items()
        if any(re.search(p, text) for p in patterns)
    }


class Population(models.TextChoices):
    """Populations a collaboration serves."""

    HOMELESS = "homeless", _("People experiencing homelessness")
    JUSTICE = "justice", _("People involved with the justice system")
    OLDER_ADULTS = "older_adults", _("Older adults")
    CHILDREN = "children", _("Children and youth")
    FAMILIES = "families", _("Low-income families")
    DISABILITIES = "disabilities", _("People with disabilities")
    BEHAVIORAL = "behavioral", _("People with mental illness or substance use")
    CHRONIC = "chronic", _("People with chronic conditions")
    VETERANS = "veterans", _("Veterans")
    IMMIGRANTS = "immigrants", _("Immigrants and refugees")
    RURAL = "rural", _("Rural communities")
    TRIBAL = "tribal", _("Tribal communities")


class Region(models.TextChoices):
    NORTHEAST = "northeast", _("the Northeast")
    SOUTHEAST = "southeast", _("the Southeast")
    MIDWEST = "midwest", _("the Midwest")
    SOUTHWEST = "southwest", _("the Southwest")
    WEST = "west", _("the West")
    PACIFIC = "pacific", _("the Pacific and territories")


_REGION_STATES = {
    Region.NORTHEAST: "CT DE DC MA MD ME NH NJ NY PA RI VT",
    Region.SOUTHEAST: "AL AR FL GA KY LA MS NC SC TN VA WV PR VI",
    Region.MIDWEST: "IA IL IN KS MI MN MO ND NE OH SD WI",
    Region.SOUTHWEST: "AZ NM OK TX",
    Region.WEST: "CO ID MT NV OR UT WA WY CA",
    Region.PACIFIC: "AK HI AS GU MP UM",
}
REGION_OF_STATE = {
    state: region
    for region, states in _REGION_STATES.items()
    for state in states.split()
}


def region_for_state(state: str) -> str:
    """The region of a state or territory code, or "" for none or abroad."""
    return REGION_OF_STATE.get(state or "", "")


class Visibility(models.TextChoices):
    """Who may read a collaboration profile (its own members always may)."""

    NOBODY = "nobody", _("Nobody outside our organization")
    PARTICIPANTS = "participants", _("The program's participants")
    SIGNED_IN = "signed_in", _("Everyone signed in to the portal")


# Limits a person can read on the form, and the services enforce.
CHALLENGES_MAX = 5
CHALLENGE_MAX_CHARS = 200
NOTE_MAX_CHARS = 1000


def challenges_parse(text: str) -> list[str]:
    """One challenge per non-empty line, trimmed, in order, without repeats."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return seen


def tag(kind: str, code: str) -> str:
    """One entry of a profile's ``tags_index``: ",d:hmis," for a data system."""
    return f",{kind}:{code},"


def tags_index(
    *, sectors=(), data_systems=(), planned=(), populations=(), topics=()
) -> str:
    """The vocabularies of a profile as one string the directory filters with
    a plain ``LIKE``, on any database: ",s:housing,d:hmis,p:homeless,t:3,"."""
    entries = [f"s:{c}" for c in sorted(set(sectors))]
    entries += [f"d:{c}" for c in sorted(set(data_systems) | set(planned))]
    entries += [f"p:{c}" for c in sorted(set(populations))]
    entries += [f"t:{c}" for c in sorted(set(topics))]
    return "," + ",".join(entries) + "," if entries else ""


# --- The matching ----------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """What the matching reads of one profile (a profile's public fields).

    ``text`` is the free text (what it works on, its challenges, what it
    offers); the other fields are the controlled vocabularies.
    """

    key: int
    text: str = ""
    data_systems: frozenset[str] = field(default_factory=frozenset)
    sectors: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[str] = field(default_factory=frozenset)
    populations: frozenset[str] = field(default_factory=frozenset)
    region: str = ""


# How much each part counts. The text carries most of what makes two
# collaborations alike (what they try to do, in their words); the
# vocabularies sharpen it and give the reasons their words.
WEIGHTS = {
    "text": 0.45,
    "data_systems": 0.2,
    "topics": 0.15,
    "sectors": 0.1,
    "populations": 0.05,
    "region": 0.05,
}


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def structured_score(a: Features, b: Features) -> float:
    """The vocabularies' part of the score, 0 to 1 - WEIGHTS["text"]."""
    return (
        WEIGHTS["data_systems"] * jaccard(a.data_systems, b.data_systems)
        + WEIGHTS["topics"] * jaccard(a.topics, b.topics)
        + WEIGHTS["sectors"] * jaccard(a.sectors, b.sectors)
        + WEIGHTS["populations"] * jaccard(a.populations, b.populations)
        + WEIGHTS["region"] * (1.0 if a.region and a.region == b.region else 0.0)
    )


def _and_list(words: Sequence[str]) -> str:
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return gettext("%(first)s and %(last)s") % {
        "first": ", ".join(words[:-1]),
        "last": words[-1],
    }


# What each part of a reason says, with named placeholders. A similarity stores
# the codes and their values (vocabulary codes, topic ids, shared words), so
# each reader reads the reason in their own language; a code is never renamed.
REASON_PARTS = {
    "link": _("both link %(first)s with %(others)s"),
    "use": _("both use %(system)s"),
    "topics": _("both work on %(topics)s"),
    "sectors": _("both partner with %(sectors)s"),
    "populations": _("both serve %(populations)s"),
    "terms": _("both write about %(terms)s"),
    "region": _("both in %(region)s"),
}


def reason_codes(a: Features, b: Features, *, shared_terms: Iterable[str] = ()):
    """What ``b`` shares with ``a``, most telling first, as the codes and values
    of ``REASON_PARTS``."""
    parts = []
    order = {code: i for i, code in enumerate(DataSystem.values)}
    systems = sorted(a.data_systems & b.data_systems, key=lambda s: order.get(s, 99))
    if len(systems) >= 2:
        parts.append({"code": "link", "params": {"systems": systems}})
    elif systems:
        parts.append({"code": "use", "params": {"system": systems[0]}})
    topics = sorted(a.topics & b.topics)
    if topics:
        parts.append({"code": "topics", "params": {"topics": topics[:3]}})
    sectors = sorted(a.sectors & b.sectors)
    if sectors:
        parts.append({"code": "sectors", "params": {"sectors": sectors[:3]}})
    populations = sorted(a.populations & b.populations)
    if populations and len(parts) < 3:
        parts.append(
            {"code": "populations", "params": {"populations": populations[:2]}}
        )
    terms = [t for t in shared_terms if t][:3]
    if terms and len(parts) < 3:
        parts.append({"code": "terms", "params": {"terms": terms}})
    if a.region and a.region == b.region:
        parts.append({"code": "region", "params": {"region": a.region}})
    return parts


def reason_topics(codes) -> set[str]:
    """The ids of the topics a reason names."""
    return {
        str(t)
        for part in codes or ()
        if part.get("code") == "topics"
        for t in part.get("params", {}).get("topics", ())
    }


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _reason_values(code: str, params: dict, topic_names: dict[str, str]) -> dict:
    """A part's stored values as its phrase says them, in the active language."""
    if code == "link":
        names = [DATA_SYSTEM_SHORT.get(s, s) for s in params["systems"]]
        return {"first": names[0], "others": _and_list(names[1:])}
    if code == "use":
        return {"system": DATA_SYSTEM_SHORT.get(params["system"], params["system"])}
    if code == "topics":
        names = [topic_names[t] for t in map(str, params["topics"]) if t in topic_names]
        return {"topics": _and_list(names)} if names else {}
    if code == "sectors":
        names = [_label(Sector, s).lower() for s in params["sectors"]]
        return {"sectors": _and_list(names)}
    if code == "populations":
        names = [_label(Population, p).lower() for p in params["populations"]]
        return {"populations": _and_list(names)}
    if code == "terms":
        return {"terms": _and_list([f"“{t}”" for t in params["terms"]])}
    if code == "region":
        return {"region": _label(Region, params["region"])}
    return {}


def reason_in_words(codes, *, topic_names: dict[str, str] | None = None) -> str:
    """A stored reason in the active language: "both link HMIS with jail data;
    both partner with housing and criminal justice; both in the Southwest"."""
    parts = []
    for part in codes or ():
        phrase = REASON_PARTS.get(part.get("code"))
        if phrase is None:
            continue
        try:
            values = _reason_values(part["code"], part["params"], topic_names or {})
        except (KeyError, IndexError, TypeError):
            continue
        if values:
            parts.append(phrase % values)
    return "; ".join(parts)


def reason_words(
    a: Features,
    b: Features,
    *,
    topic_names: dict[str, str] | None = None,
    shared_terms: Iterable[str] = (),
) -> str:
    """Say in words why ``b`` is like ``a``: what they share, most telling first.

    "both link HMIS with jail data; both partner with housing and criminal
    justice; both in the Southwest".
    """
    codes = reason_codes(a, b, shared_terms=shared_terms)
    return reason_in_words(codes, topic_names=topic_names)
