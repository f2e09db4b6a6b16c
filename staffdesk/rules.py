"""Merge fields of the messages staff write: pure rules, no database.

A message names a field as ``{{ first_name }}``; each person's copy has the
field replaced by that person's value. Only the fields below exist, and an
audience offers only the ones it knows (a reviewer has a due date, an affinity
group member has none): a message that names another is refused before
anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

# Every field a message may name, with what it stands for.
FIELDS = {
    "first_name": _("the person's first name"),
    "full_name": _("the person's full name"),
    "organization": _("the person's organization"),
    "due_date": _("the person's own due date (their earliest unfinished review)"),
    "reviews_late": _("how many of the person's reviews are late"),
    "reviews_open": _("how many of the person's reviews are not yet submitted"),
    "link": _("the page of the portal where the person does what the message asks"),
}
# Fields every audience knows.
COMMON_FIELDS = frozenset({"first_name", "full_name", "organization", "link"})

SUBJECT_MAX = 200
BODY_MAX = 20_000

UNKNOWN_FIELD = _("Unknown merge field {{{{ {name} }}}}. The fields are: {known}.")
FIELD_NOT_OFFERED = _(
    "{{{{ {name} }}}} is not known for {audiences}; remove it or choose other "
    "audiences."
)
BODY_TOO_LONG = _("The message is {length:,} characters; the most is {limit:,}.")
SUBJECT_TOO_LONG = _("The subject is {length:,} characters; the most is {limit:,}.")


def field_list() -> str:
    """Every field as it is written in a message, for help texts."""
    return ", ".join("{{ " + name + " }}" for name in FIELDS)


def fields_named(*texts: str) -> list[str]:
    """The merge fields the texts name, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in FIELD.finditer(text or ""):
            seen.setdefault(match.group(1), None)
    return list(seen)


def check_fields(
    *texts: str, offered: Mapping[str, Iterable[str]] | None = None
) -> list[str]:
    """The problems with the fields of ``texts``; empty when all is well.

    ``offered`` maps each chosen audience's name to the fields it knows.
    """
    problems = []
    known = field_list()
    for name in fields_named(*texts):
        if name not in FIELDS:
            problems.append(UNKNOWN_FIELD.format(name=name, known=known))
            continue
        lacking = [
            audience
            for audience, fields in (offered or {}).items()
            if name not in set(fields)
        ]
        if lacking:
            problems.append(
                FIELD_NOT_OFFERED.format(name=name, audiences=", ".join(lacking))
            )
    return problems


def check_size(subject: str, body: str) -> list[str]:
    problems = []
    if len(subject) > SUBJECT_MAX:
        problems.append(SUBJECT_TOO_LONG.format(length=len(subject), limit=SUBJECT_MAX))
    if len(body) > BODY_MAX:
        problems.append(BODY_TOO_LONG.format(length=len(body), limit=BODY_MAX))
    return problems


def merge(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each field replaced by its value (empty when it has none)."""

    def value(match: re.Match) -> str:
        found = values.get(match.group(1))
        return "" if found is None else str(found)

    return FIELD.sub(value, text)


def first_name(full_name: str) -> str:
    parts = (full_name or "").split()
    return parts[0] if parts else ""
