"""A screening result keeps why as codes and values, told when it is read.

The results screened so far hold an English sentence. Each sentence the
screening wrote is mapped back to its code and values (the state and sectors
by their English names), so it reads in every language; a text that maps to
nothing known keeps being shown as it was written. The sentence stays in
``reason_text`` either way, so going back loses nothing.
"""

import re

from django.db import migrations, models
from django.utils import translation

from dashmentor.choices import Sector, USState

HEALTH_CARE_TOO = ", and a health-care applicant needs two besides health care"
BASED_IN_THE_US = (
    "the call is open to organizations in the United States and its territories."
)

# (the sentence the screening wrote, its code, the names of its values)
SENTENCES = [
    ("No learning goal was given.", "goal_missing", ()),
    (
        r"The learning goal has only (\d+) words?; it is too short to be a "
        r"clearly defined goal\.",
        "goal_too_short",
        ("words",),
    ),
    (
        r"The learning goal is short \((\d+) words\); staff should check that it "
        r"is clearly defined\.",
        "goal_short",
        ("words",),
    ),
    (r"A learning goal of (\d+) words was given\.", "goal_given", ("words",)),
    ("The applicant is a public entity.", "public_entity", ()),
    (
        "The applicant says it is a 501(c)(3) nonprofit but gave no EIN.",
        "ein_missing",
        (),
    ),
    (
        r"The EIN “(.*)” is not nine digits; staff should check it\.",
        "ein_malformed",
        ("ein",),
    ),
    (
        r"The applicant is a 501\(c\)\(3\) nonprofit with EIN (.*)\.",
        "nonprofit",
        ("ein",),
    ),
    (
        "The applicant is neither a public entity nor a 501(c)(3) nonprofit.",
        "org_type_other",
        (),
    ),
    (
        "The organization type was not given; staff should check it.",
        "org_type_missing",
        (),
    ),
    (
        "The applicant is based outside the United States; " + BASED_IN_THE_US,
        "outside_us",
        (),
    ),
    (
        r"The applicant is based outside the United States \((.*)\); "
        + re.escape(BASED_IN_THE_US),
        "outside_us_in",
        ("country",),
    ),
    (r"The applicant is based in (.+), a US territory\.", "territory", ("state",)),
    (r"The applicant is based in (.+)\.", "state", ("state",)),
    (
        "The applicant's state or territory was not given; staff should check it.",
        "state_missing",
        (),
    ),
    (
        "The applicant is a member of an existing community or regional collaboration.",
        "collaboration_member",
        (),
    ),
    (
        "The applicant can convene a multi-sector community collaboration.",
        "collaboration_convene",
        (),
    ),
    (
        "The applicant is not a member of a collaboration and cannot convene one.",
        "collaboration_neither",
        (),
    ),
    (
        "The applicant did not say whether it belongs to a collaboration or can "
        "convene one.",
        "collaboration_missing",
        (),
    ),
    (
        r"Partners in (\d+) sectors other than its own \((.+)\)\.",
        "sectors_other",
        ("count", "sectors"),
    ),
    (
        r"Partners in (\d+) sectors besides health care \((.+)\)\.",
        "sectors_besides_health_care",
        ("count", "sectors"),
    ),
    (
        "No partner organizations were named; two are required.",
        "no_partners",
        (),
    ),
    (
        f"No partner organizations were named; two are required{HEALTH_CARE_TOO}.",
        "no_partners_health_care",
        (),
    ),
    ("Partners in no other sector; two are required.", "no_other_sector", ()),
    (
        f"Partners in no other sector; two are required{HEALTH_CARE_TOO}.",
        "no_other_sector_health_care",
        (),
    ),
    (
        r"Partners in only one other sector \((.+)\); two are required\.",
        "one_other_sector",
        ("sector",),
    ),
    (
        r"Partners in only one other sector \((.+)\); two are required"
        + re.escape(HEALTH_CARE_TOO)
        + r"\.",
        "one_other_sector_health_care",
        ("sector",),
    ),
]
PATTERNS = [
    (re.compile(pattern if names else re.escape(pattern), re.DOTALL), code, names)
    for pattern, code, names in SENTENCES
]


def _english_names():
    with translation.override("en"):
        states = {str(choice.label): choice.value for choice in USState}
        sectors = {str(choice.label).lower(): choice.value for choice in Sector}
    return states, sectors


def reason_codes_of(text: str, states: dict, sectors: dict) -> list | None:
    """The codes and values the screening wrote ``text`` from, or None."""
    for pattern, code, names in PATTERNS:
        match = pattern.fullmatch(text.strip())
        if match is None:
            continue
        params = {}
        for name, value in zip(names, match.groups(), strict=True):
            if name == "words":
                params[name] = int(value)
            elif name == "state":
                if value not in states:
                    return None
                params[name] = states[value]
            elif name == "sector":
                if value not in sectors:
                    return None
                params[name] = sectors[value]
            elif name == "sectors":
                names_ = re.split(r", | and ", value)
                if any(n not in sectors for n in names_):
                    return None
                params[name] = [sectors[n] for n in names_]
            elif name != "count":
                params[name] = value
        if "count" in names and int(match.group(1)) != len(params["sectors"]):
            return None
        return [{"code": code, "params": params}]
    return None


def codes_from_text(apps, schema_editor):
    EligibilityResult = apps.get_model("applications", "EligibilityResult")
    states, sectors = _english_names()
    changed = []
    for row in EligibilityResult.objects.only("pk", "reason_text").iterator():
        codes = reason_codes_of(row.reason_text or "", states, sectors)
        if codes:
            row.reason_codes = codes
            changed.append(row)
    EligibilityResult.objects.bulk_update(changed, ["reason_codes"], batch_size=500)


def text_from_codes(apps, schema_editor):
    """Going back, a result screened since keeps its reason as English text."""
    from applications.rules import reason_text

    EligibilityResult = apps.get_model("applications", "EligibilityResult")
    changed = []
    rows = EligibilityResult.objects.filter(reason_text="").exclude(reason_codes=[])
    with translation.override("en"):
        for row in rows.only("pk", "reason_codes").iterator():
            row.reason_text = reason_text(row.reason_codes)
            changed.append(row)
    EligibilityResult.objects.bulk_update(changed, ["reason_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_verbose_names"),
    ]

    operations = [
        migrations.RenameField(
            model_name="eligibilityresult",
            old_name="reason",
            new_name="reason_text",
        ),
        migrations.AlterField(
            model_name="eligibilityresult",
            name="reason_text",
            field=models.TextField(blank=True, verbose_name="reason as written"),
        ),
        migrations.AddField(
            model_name="eligibilityresult",
            name="reason_codes",
            field=models.JSONField(
                blank=True, default=list, verbose_name="reason codes"
            ),
        ),
        migrations.RunPython(codes_from_text, text_from_codes),
    ]
