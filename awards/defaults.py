"""What a round starts with when staff have not set its close-out terms: the
letter of the call for applications, its payment schedule (half when the
contract is signed and the work plan approved, half when the final report is
accepted) and the final report's narrative questions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

LETTER_SUBJECT = "Your award from the DASH Mentor Program"

LETTER_BODY = """Dear {organization} team,

Congratulations! On behalf of Data Across Sectors for Health (DASH) and its \
National Program Office, we are pleased to award {organization} {amount} to take \
part in the {round}, in the mentorship “{mentorship}” led by {mentor}.

The award supports your staff's time in the mentorship's activities (the \
kickoff webinar, cohort webinars, check-in calls and action periods) and travel \
to in-person meetings of your cohort. The contract runs from {contract_start} to \
{contract_end}. Your final report is due on {report_due}.

Please accept this letter in the portal, or upload a copy signed by your \
organization's authorized representative. Once the program office countersigns \
it, your contract is in force and the first payment can be made."""

EXPECTATIONS = "\n".join(
    [
        "Attend the kickoff webinar of your cohort.",
        "Complete a work plan with one or two goals, their activities and a timeline.",
        "Identify, document and measure success toward an individual goal.",
        "Take part in the cohort's webinars, bi-monthly to quarterly.",
        "Attend individual check-in calls with your mentor and complete the "
        "activities of each action period.",
        "Complete the All In capacity assessment at the start, and the midpoint "
        "and end-of-program surveys.",
        "Tell the program office of any change in the people taking part.",
        "Share your lessons, products and resources with the All In network, and "
        "file a final report.",
    ]
)

# (label, percent, letter countersigned, work plan approved, report accepted)
SCHEDULE = (
    (
        "First payment: contract signed and work plan approved",
        Decimal("50"),
        True,
        True,
        False,
    ),
    ("Final payment: final report accepted", Decimal("50"), False, False, True),
)

# (key, prompt, help text)
REPORT_QUESTIONS = (
    (
        "changes",
        "What did your collaboration set out to do in the mentorship, and what "
        "changed because of it?",
        "The capacity, knowledge or work your collaboration gained.",
    ),
    (
        "partners",
        "How did you engage partners across sectors, and people with lived "
        "experience, during the year?",
        "",
    ),
    (
        "sustain",
        "What will you sustain after the mentorship, and how?",
        "Infrastructure, skills, agreements or processes that will last.",
    ),
    (
        "sharing",
        "How have you shared, or how will you share, what you learned with the "
        "All In network?",
        "",
    ),
)


def links() -> str:
    site = settings.SITE_URL
    return "\n".join(
        [
            "Your All In profile | https://allin.healthdoers.org/",
            f"Your mentorship in the portal | {site}{reverse('cohorts:mentee-home')}",
            f"Your surveys, the capacity assessment first | "
            f"{site}{reverse('surveys:my-surveys')}",
            f"Affinity groups | {site}{reverse('affinity:group-list')}",
            f"The resource library | {site}{reverse('resources:list')}",
        ]
    )


def terms_defaults() -> dict:
    """A new round's terms. The texts are English and go to the English
    columns by name: the Spanish stay empty (the English is shown) until staff
    write them, whatever language the page that first needs the terms is in."""
    return {
        "letter_subject_en": LETTER_SUBJECT,
        "letter_body_en": LETTER_BODY,
        "expectations_en": EXPECTATIONS,
        "getting_started_en": links(),
        "signatory_name": "The DASH National Program Office",
        "signatory_title_en": "Data Across Sectors for Health",
    }
