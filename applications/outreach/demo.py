"""Demo questions, webinars and timelines.

The open round: its timeline, published questions (some asked and answered,
some written by staff), one question waiting in the staff queue, and an
informational webinar in a few days with registrations (one registrant went on
to apply). The past round: the call's whole timeline (announcement, opening,
webinar, question cut-off, deadline, awardees notified, contracts begin and
end, final evaluation) and its webinar's recording.

Idempotent: every row is found by its natural key first. Rows are written
directly, not through the services: the demo's askers and registrants have
invented addresses and nothing is sent to them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dashmentor.demo import at_eastern

from .models import (
    AskedQuestion,
    FaqEntry,
    Milestone,
    Topic,
    Webinar,
    WebinarRegistration,
)
from .selectors import APPLIED

# (topic, question as published, answer, asked by (name, local part) or None)
OPEN_FAQ = [
    (
        Topic.ELIGIBILITY,
        "Can a county health department apply, or only nonprofits?",
        "Both: public entities (a county or city department, a tribal government, "
        "a public hospital) and 501(c)(3) nonprofits are eligible.",
        ("Jamie Ortiz", "jamie.ortiz"),
    ),
    (
        Topic.ELIGIBILITY,
        "Our partners are a hospital and a clinic. Is that two sectors?",
        "A health-care applicant needs partners in two sectors besides health "
        "care: a hospital and a clinic are both health care. Housing, education "
        "or human services partners would count.",
        ("Priya Raman", "priya.raman"),
    ),
    (
        Topic.APPLICATION,
        "Can we save the application and finish it later?",
        "Yes. Every section saves as a draft; you can come back until the "
        "deadline. Only a submitted application is reviewed.",
        None,
    ),
    (
        Topic.FUNDING,
        "What can the $5,000 be spent on?",
        "Staff time for mentorship activities (check-in calls, webinars) and "
        "travel to in-person meetings, including national conferences the "
        "mentor recommends.",
        ("Chris Wong", "chris.wong"),
    ),
    (
        Topic.MENTORSHIPS,
        "Do we have to rank every mentorship?",
        "No. Rank the ones that fit your learning goal; three choices give the "
        "placement the most room.",
        None,
    ),
    (
        Topic.DATES,
        "Will late applications be accepted?",
        "No. In fairness to all applicants the form closes at the deadline, to "
        "the second.",
        None,
    ),
]
WAITING = (
    "Sam Patel",
    "sam.patel",
    "We are a regional collaborative hosted by a university. Is the university "
    "the applicant, or should one of our nonprofit partners apply?",
)
UNCONFIRMED = (
    "",
    "not.yet.confirmed",
    "Is there a page limit for the attachments?",
)

PAST_FAQ = [
    (
        Topic.DATES,
        "When will awardees be notified?",
        "By the end of January; contracts begin in early February.",
    ),
    (
        Topic.MENTORSHIPS,
        "How many mentees does each mentor take?",
        "Four or five collaborations per mentorship, about thirty in all.",
    ),
]

REGISTRANTS = [
    ("Morgan Lee", "morgan.lee", "Bayside Community Health"),
    ("Taylor Brooks", "taylor.brooks", "Northfield Housing Coalition"),
    ("Avery Chen", "avery.chen", "Lakeshore 2-1-1"),
    ("Jordan Diaz", "jordan.diaz", "Mesa County Public Health"),
    ("Riley Evans", "riley.evans", "Hill Country United Way"),
]


# The demo's askers and registrants write from addresses that do not exist.
DEMO_DOMAIN = "@visitors.dash.test"


def _address(local: str) -> str:
    return f"{local}{DEMO_DOMAIN}"


def seed(ctx) -> None:
    _seed_open(ctx)
    _seed_past(ctx)


def _milestones(round_, rows) -> None:
    for kind, on, at_time, when_text in rows:
        Milestone.objects.get_or_create(
            round=round_,
            kind=kind,
            defaults={"on": on, "at_time": at_time, "when_text": when_text},
        )


def _faq(round_, topic, question, answer, published_at, staff) -> FaqEntry:
    entry, _ = FaqEntry.objects.get_or_create(
        round=round_,
        question=question,
        defaults={
            "topic": topic,
            "answer": answer,
            "published_at": published_at,
            "created_by": staff,
        },
    )
    return entry


def _seed_open(ctx) -> None:
    round_ = ctx.rounds["open"]
    dates = ctx.dates
    staff = ctx.users["staff"]
    now = timezone.now()
    _open_timeline(round_, dates)
    _open_questions(round_, staff, now)
    _open_webinar(round_, dates, now)


def _open_timeline(round_, dates) -> None:
    """The open round's milestones, one of them an approximate date."""
    closes = round_.closes_at_local().date()
    year = dates.open_contract_start.year
    _milestones(
        round_,
        [
            (
                Milestone.Kind.ANNOUNCED,
                dates.open_opens - dt.timedelta(days=6),
                None,
                "",
            ),
            (Milestone.Kind.QUESTIONS_CLOSE, closes - dt.timedelta(days=4), None, ""),
            (
                Milestone.Kind.AWARDEES_NOTIFIED,
                dt.date(year, 1, 31),
                None,
                f"End of January {year}",
            ),
            (Milestone.Kind.CONTRACTS_BEGIN, round_.contract_start, None, ""),
            (Milestone.Kind.CONTRACTS_END, round_.contract_end, None, ""),
            (Milestone.Kind.FINAL_EVALUATION, dt.date(year, 12, 31), None, ""),
        ],
    )


def _open_questions(round_, staff, now) -> None:
    """The published answers with the questions that asked them, one question
    waiting for staff and one not yet confirmed."""
    for i, (topic, question, answer, asker) in enumerate(OPEN_FAQ):
        published = now - dt.timedelta(days=10 - i)
        entry = _faq(round_, topic, question, answer, published, staff)
        if asker is None:
            continue
        name, local = asker
        AskedQuestion.objects.get_or_create(
            round=round_,
            email=_address(local),
            entry=entry,
            defaults={
                # The asker's own words, with what the published wording left out.
                "text": f"Hello, this is {name}. {question}",
                "name": name,
                "status": AskedQuestion.Status.ANSWERED,
                "confirmed_at": published - dt.timedelta(days=1),
                "answer": answer,
                "answered_at": published,
                "answered_by": staff,
            },
        )
    for (name, local, text), status, age in (
        (WAITING, AskedQuestion.Status.WAITING, dt.timedelta(days=2, hours=3)),
        (UNCONFIRMED, AskedQuestion.Status.UNCONFIRMED, dt.timedelta(hours=5)),
    ):
        AskedQuestion.objects.get_or_create(
            round=round_,
            email=_address(local),
            text=text,
            defaults={
                "name": name,
                "status": status,
                "confirmed_at": now - age
                if status == AskedQuestion.Status.WAITING
                else None,
            },
        )


def _open_webinar(round_, dates, now) -> None:
    """The informational webinar and its confirmed registrants, one of whom
    went on to apply."""
    session, _ = Webinar.objects.get_or_create(
        round=round_,
        title="Informational webinar: meet the mentors",
        defaults={
            "description": "The program office and the seven mentors present the "
            "mentorships and answer your questions live.",
            # Noon Central, as the call's webinar.
            "starts_at": at_eastern(dates.today + dt.timedelta(days=3), 13),
            "duration_minutes": 60,
            "join_url": "https://meet.dash.test/j/informational-webinar",
            "capacity": 100,
        },
    )
    registrants = [
        (name, _address(local), organization)
        for name, local, organization in REGISTRANTS
    ]
    # One registrant went on to apply: a member of a submitted application.
    from applications.models import Application

    applied = (
        # Any status from submission on: the review's seed, after this one,
        # moves some on, and a second seed must find the same application.
        Application.objects.filter(round=round_, status__in=APPLIED)
        .select_related("created_by", "organization")
        .order_by("pk")
        .first()
    )
    if applied is not None:
        registrants.append(
            (
                applied.created_by.full_name or "Applicant",
                applied.created_by.email,
                applied.organization.name,
            )
        )
    for i, (name, email, organization) in enumerate(registrants):
        WebinarRegistration.objects.get_or_create(
            webinar=session,
            email=email.lower(),
            defaults={
                "name": name,
                "organization": organization,
                "status": WebinarRegistration.Status.CONFIRMED,
                "confirmed_at": now - dt.timedelta(days=i + 1),
            },
        )


def _seed_past(ctx) -> None:
    """The call's timeline: November 26 to December 31 of the contract year."""
    round_ = ctx.rounds["historical"]
    year = ctx.dates.past_year
    staff = ctx.users["staff"]
    _milestones(
        round_,
        [
            (Milestone.Kind.ANNOUNCED, dt.date(year - 1, 11, 26), None, ""),
            (Milestone.Kind.QUESTIONS_CLOSE, dt.date(year - 1, 12, 19), None, ""),
            (
                Milestone.Kind.AWARDEES_NOTIFIED,
                dt.date(year, 1, 31),
                None,
                f"End of January {year}",
            ),
            (
                Milestone.Kind.CONTRACTS_BEGIN,
                dt.date(year, 2, 3),
                None,
                f"Early February {year}",
            ),
            (Milestone.Kind.CONTRACTS_END, dt.date(year, 12, 1), None, ""),
            (Milestone.Kind.FINAL_EVALUATION, dt.date(year, 12, 31), None, ""),
        ],
    )
    Webinar.objects.get_or_create(
        round=round_,
        title="Mentor Pitch Webinar",
        defaults={
            "description": "An interactive webinar for applicants: the mentors "
            "pitch their mentorships, with questions and answers.",
            # Thursday, December 5, at 12 pm Central.
            "starts_at": at_eastern(dt.date(year - 1, 12, 5), 13),
            "duration_minutes": 60,
            "recording_url": "https://video.dash.test/mentor-pitch-webinar",
            "slides_url": "https://files.dash.test/mentor-pitch-webinar.pdf",
        },
    )
    published = at_eastern(dt.date(year - 1, 12, 10), 10)
    for topic, question, answer in PAST_FAQ:
        _faq(round_, topic, question, answer, published, staff)
