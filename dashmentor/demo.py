"""The demo program: people of every role, the call's mentorships and three rounds.

Every date is relative to the day the seed runs (``DemoContext.today``): the
open round is open, the current cohorts are in the middle of their year, and
the past round, the call of the seed documents (a December deadline at 3:30 pm
Eastern, contracts from February 1 to November 30), closed a little over a year
before the current cohorts began, with its whole history behind it.

Every function here is idempotent: it finds rows by a natural key and creates
only what is missing, so ``seed_demo`` run twice creates nothing new. The apps
add their own demo data in ``<app>/demo.py`` (a ``seed(ctx)`` function), called
in order by the command after this core.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from applications.models import Criterion, Question, Round
from cohorts.models import Mentorship

from .models import AuditEvent, Membership, Organization, User

EASTERN = zoneinfo.ZoneInfo("America/New_York")
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"


@dataclass
class DemoContext:
    """What the core seed made, handed to each app's ``seed``."""

    password: str
    today: dt.date
    users: dict[str, User] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    mentorships: dict[str, dict[str, Mentorship]] = field(default_factory=dict)
    mentor_orgs: dict[str, Organization] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    _password_hash: str = ""

    @property
    def password_hash(self) -> str:
        """The password, hashed once for every demo account.

        Hashing is slow on purpose (Argon2, about 0.2 s); a hundred accounts
        each hashed alone took most of the seed's time.
        """
        if not self._password_hash:
            self._password_hash = make_password(self.password)
        return self._password_hash

    @property
    def dates(self) -> DemoDates:
        return demo_dates(self.today)


@dataclass(frozen=True)
class DemoDates:
    """The demo's calendar, worked out from the day the seed runs."""

    today: dt.date
    # The cohorts in their mentorship year now: the contract began 150 days
    # ago and runs ten months.
    current_start: dt.date
    current_end: dt.date
    current_opens: dt.date
    current_closes: dt.date
    # The past round, on the seed documents' calendar: opens December 2,
    # closes December 23 at 3:30 pm Eastern, contracts February 1 to
    # November 30 of the following year, which ended before the current
    # round's call opened.
    past_year: int
    # The open round: opened two weeks ago, closes in three weeks.
    open_opens: dt.date
    open_closes: dt.date
    open_contract_start: dt.date


def demo_dates(today: dt.date) -> DemoDates:
    current_start = today - dt.timedelta(days=150)
    current_opens = current_start - dt.timedelta(days=90)
    past_year = (
        current_opens.year
        if current_opens > dt.date(current_opens.year, 11, 30)
        else current_opens.year - 1
    )
    return DemoDates(
        today=today,
        current_start=current_start,
        current_end=current_start + dt.timedelta(days=302),
        current_opens=current_opens,
        current_closes=current_start - dt.timedelta(days=50),
        past_year=past_year,
        open_opens=today - dt.timedelta(days=14),
        open_closes=today + dt.timedelta(days=21),
        open_contract_start=dt.date(today.year + 1, 2, 1),
    )


def demo_password() -> str:
    """The one password of every demo account, made once and kept out of git."""
    from_env = settings_value("DEMO_PASSWORD")
    if from_env:
        return from_env
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    password = "demo-" + secrets.token_urlsafe(9)
    PASSWORD_FILE.write_text(password + "\n")
    return password


def settings_value(name: str) -> str:
    import os

    return os.environ.get(name, "").strip()


# The seven mentorships of the round-2 call: (slug, organization, topic, tags,
# capacity, description).
MENTORSHIPS = [
    (
        "211-san-diego",
        "2-1-1 San Diego",
        "Explore or Establish a Community Information Exchange (CIE)",
        [
            "2-1-1 Infrastructure",
            "Community Information Exchange",
            "Social Determinants of Health",
        ],
        5,
        "A planning guide and resources for exploring the Community Information "
        "Exchange model: a readiness checklist, framework and toolkit, with "
        "partner engagement, CIE vision and governance, legal framework, data "
        "systems and interoperable technology, data workflows and sustainability.",
    ),
    (
        "civic-canopy",
        "Civic Canopy",
        "Address Community Priorities with a Data-Driven Vision",
        ["Community engagement", "Convening stakeholders", "Strategic planning"],
        4,
        "The Community Learning Model: results-based accountability, diverse "
        "stakeholders in thoughtful dialogue, community engagement strategies, "
        "buy-in and trust, selecting community health indicators, and getting "
        "to quality data.",
    ),
    (
        "csh",
        "Corporation for Supportive Housing",
        "Combine Health and Housing Data",
        ["Housing", "Homelessness", "HMIS", "HUD", "CoC"],
        4,
        "Integrate administrative data (incarceration, behavioral health, "
        "hospital use) with a Homeless Management Information System to "
        "strengthen coordinated entry, housing prioritization and care "
        "coordination, with an open-source data integration tool.",
    ),
    (
        "core",
        "CORE",
        "Use Integrated Administrative Data for Research and Evaluation to Drive "
        "Policy and Systems Change",
        ["Healthcare linkages", "Research", "Analytics"],
        5,
        "Develop data-driven use cases, combine and analyze multi-sector data, "
        "design data and reporting systems, and set priorities for cross-sector "
        "data, from the experience of a center embedded in a health system.",
    ),
    (
        "pitt-ucsur",
        "University of Pittsburgh (UCSUR)",
        "Create and Expand a Robust Civic Data Infrastructure to Advance "
        "Community Health Priorities",
        ["Civic data", "Open data", "Community engagement"],
        4,
        "Establish or improve local data-sharing infrastructure, collaborative "
        "data-sharing partnerships and community indicator systems, drawing on "
        "a regional open data center.",
    ),
    (
        "elevate-health",
        "Elevate Health",
        "Develop Community Engagement Governance & Data Sharing Strategies for "
        "Accountable Health Communities",
        [
            "Community engagement",
            "Whole person health",
            "Accountable communities of health",
            "Sustainability",
        ],
        4,
        "A framework for bringing clinical and community organizations together "
        "for whole-person health: community voice in operations and governance, "
        "the business model, and a resiliency fund.",
    ),
    (
        "united-way",
        "United Way Worldwide",
        "Partner to Drive Sustainable Data Exchange and Coordinated Care",
        [
            "Data sharing infrastructure",
            "Coordinated care",
            "Sustainable business models",
        ],
        4,
        "For United Ways coordinating data-sharing collaboratives: 211 "
        "infrastructure, data exchange and service coordination models, clients "
        "in designing solutions, sustainable and equitable business models.",
    ),
]

# The call's selection questions: (key, prompt, help text, word limit).
QUESTIONS = [
    (
        "need",
        "Why does your collaboration want focused guidance from a Mentor and "
        "cohort peers now?",
        "Describe the desire and need for mentorship: what you have tried, where "
        "you are stuck, and what a mentor could change.",
        300,
    ),
    (
        "stakeholders",
        "How have you engaged, or how will you engage, stakeholders from health "
        "care, public health, social services and other sectors?",
        "Name the partners and what each brings; documented achievements count.",
        300,
    ),
    (
        "equity",
        "How will the proposed activities affect equity, and how do you engage "
        "community members and people with lived experience of inequity?",
        "Special consideration goes to collaborations that engage community "
        "members and persons with lived experience.",
        300,
    ),
    (
        "data-plan",
        "How will the mentorship contribute to a broader collaborative plan for "
        "shared data and improved health?",
        "",
        250,
    ),
    (
        "sustainability",
        "What infrastructure, skills or processes will the mentorship create or "
        "strengthen that can be sustained?",
        "",
        250,
    ),
    (
        "sharing",
        "How will you share lessons, experience or deliverables with the All In "
        "network?",
        "",
        200,
    ),
]

# The call's selection criteria: (key, name, weight).
CRITERIA = [
    ("responsiveness", "Responsiveness to all application questions", "1.0"),
    ("need", "Desire and need for focused guidance", "1.5"),
    ("stakeholders", "Engaging stakeholders across sectors", "1.5"),
    ("equity", "Equity and lived experience", "1.5"),
    ("sector-variety", "Variety of non-health sectors among partners", "1.0"),
    ("data-plan", "Contribution to a broader data-sharing plan", "1.0"),
    ("sustainability", "Sustainability", "1.0"),
    ("sharing", "Intention to share lessons in All In", "0.5"),
]


def ensure_user(ctx: DemoContext, key: str, email: str, name: str, **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=User.objects.normalize_email(email),
            full_name=name,
            email_confirmed_at=timezone.now(),
            **flags,
        )
        user.password = ctx.password_hash
        user.save()
    ctx.users[key] = user
    return user


def ensure_org(name: str, **fields) -> Organization:
    org, _ = Organization.objects.get_or_create(name=name, defaults=fields)
    return org


def at_eastern(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=EASTERN)


@contextmanager
def dated(moment: dt.datetime):
    """Date what the block records at ``moment``, a time in the past.

    The past round's history is made by the same services as today's work,
    which stamp their audit events and e-mails with the current time: after
    the block, the audit events and outbox messages it wrote are moved to
    ``moment``, and its e-mails count as sent then (those to the demo's
    invented addresses stay suppressed).
    """
    from notifications.models import Message

    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)
    last_message = Message.objects.order_by("-pk").values_list("pk", flat=True)
    event_floor = last_event.first() or 0
    message_floor = last_message.first() or 0
    yield
    AuditEvent.objects.filter(pk__gt=event_floor).update(created_at=moment)
    messages = Message.objects.filter(pk__gt=message_floor)
    messages.filter(to_email__endswith=INVENTED_DOMAIN).update(
        status=Message.Status.SUPPRESSED, last_error="demo data: not sent"
    )
    messages.exclude(status=Message.Status.SUPPRESSED).update(
        status=Message.Status.SENT, attempts=1, queued_at=moment, sent_at=moment
    )
    messages.update(created_at=moment)


# The demo's applicant organizations write from addresses that do not exist;
# nothing is ever sent to them.
INVENTED_DOMAIN = "@applicants.dash.test"


def ensure_round(slug: str, **fields) -> Round:
    round_, created = Round.objects.get_or_create(slug=slug, defaults=fields)
    if created:
        for order, (key, prompt, help_text, limit) in enumerate(QUESTIONS, start=1):
            Question.objects.create(
                round=round_,
                key=key,
                order=order,
                prompt=prompt,
                help_text=help_text,
                word_limit=limit,
            )
        for order, (key, name, weight) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(
                round=round_, key=key, order=order, name=name, weight=Decimal(weight)
            )
    return round_


def seed_core(ctx: DemoContext) -> None:
    """People of every role, mentor organizations, three rounds and mentorships."""
    ensure_user(
        ctx,
        "staff",
        "staff@dash.test",
        "Pat Okafor",
        is_staff=True,
        is_superuser=True,
        title="Program manager, National Program Office",
    )
    ensure_user(
        ctx,
        "staff2",
        "program@dash.test",
        "Lee Moreno",
        is_staff=True,
        title="Program associate",
    )
    ensure_user(
        ctx,
        "reviewer",
        "reviewer@dash.test",
        "Robin Ames",
        is_reviewer=True,
        is_external_reviewer=True,
        title="External reviewer",
    )
    for i, name in enumerate(
        ["Sam Whitfield", "Dana Liu", "Jordan Reyes", "Alex Kim"], 2
    ):
        ensure_user(
            ctx,
            f"reviewer{i}",
            f"reviewer{i}@dash.test",
            name,
            is_reviewer=True,
            is_external_reviewer=i % 2 == 0,
        )
    ctx.users["staff"].is_reviewer = True
    ctx.users["staff"].save(update_fields=["is_reviewer"])

    for slug, org_name, *_ in MENTORSHIPS:
        org = ensure_org(
            org_name,
            kind=Organization.Kind.MENTOR,
            org_type=Organization.OrgType.NONPROFIT,
        )
        ctx.mentor_orgs[slug] = org
        first = org_name.split(" ")[0].lower().replace("(", "").replace(")", "")
        local = {"2-1-1": "sandiego211", "university": "pitt"}.get(first, first)
        mentor = ensure_user(
            ctx,
            f"mentor-{slug}",
            f"mentor.{local}@dash.test",
            f"Mentor at {org_name}",
            title="DASH Mentor",
        )
        Membership.objects.get_or_create(
            user=mentor, organization=org, defaults={"role": Membership.Role.MENTOR}
        )
    ctx.users["mentor"] = ctx.users["mentor-civic-canopy"]

    applicant = ensure_user(
        ctx,
        "applicant",
        "applicant@dash.test",
        "Morgan Hale",
        title="Director of Community Health",
    )
    org = ensure_org(
        "Riverbend County Health Department",
        kind=Organization.Kind.APPLICANT,
        org_type=Organization.OrgType.PUBLIC,
        sector="public_health",
        address_line1="100 Main Street",
        city="Riverbend",
        state="OH",
        postal_code="43001",
        website="https://riverbend.example.org",
    )
    Membership.objects.get_or_create(
        user=applicant, organization=org, defaults={"role": Membership.Role.ADMIN}
    )

    dates = ctx.dates
    year = dates.past_year
    ctx.rounds["historical"] = ensure_round(
        "round-2",
        name=f"DASH Mentor Program, Round 2 ({year})",
        description="Seven mentorships on multi-sector data sharing, ten months "
        f"from February 1 to November 30, {year}.",
        opens_at=at_eastern(dt.date(year - 1, 12, 2), 0),
        closes_at=at_eastern(dt.date(year - 1, 12, 23), 15, 30),
        time_zone="America/New_York",
        award_amount=Decimal("5000"),
        awards_count=30,
        blind_review=True,
        contract_start=dt.date(year, 2, 1),
        contract_end=dt.date(year, 11, 30),
    )
    # A cohort in the middle of its year, for the mentorship-year pages.
    ctx.rounds["current"] = ensure_round(
        "in-progress",
        name="DASH Mentor Program, current cohorts",
        description="The cohorts in their mentorship year now.",
        opens_at=at_eastern(dates.current_opens, 0),
        closes_at=at_eastern(dates.current_closes, 15, 30),
        time_zone="America/New_York",
        award_amount=Decimal("5000"),
        awards_count=30,
        contract_start=dates.current_start,
        contract_end=dates.current_end,
    )
    next_feb = dates.open_contract_start
    ctx.rounds["open"] = ensure_round(
        "open-round",
        name=f"DASH Mentor Program, {next_feb.year} round",
        description="Applications are open: seven mentorships, up to thirty "
        "awards of $5,000, ten months of mentorship.",
        opens_at=at_eastern(dates.open_opens, 0),
        closes_at=at_eastern(dates.open_closes, 15, 30),
        time_zone="America/New_York",
        award_amount=Decimal("5000"),
        awards_count=30,
        blind_review=True,
        contract_start=next_feb,
        contract_end=dt.date(next_feb.year, 11, 30),
    )

    for key, round_ in ctx.rounds.items():
        ctx.mentorships[key] = {}
        for order, (slug, _org, topic, tags, capacity, description) in enumerate(
            MENTORSHIPS, start=1
        ):
            mentorship, created = Mentorship.objects.get_or_create(
                round=round_,
                slug=slug,
                defaults={
                    "mentor_organization": ctx.mentor_orgs[slug],
                    "topic": topic,
                    "tags": tags,
                    "capacity": capacity,
                    "description": description,
                    "order": order,
                },
            )
            if created:
                mentorship.mentors.add(ctx.users[f"mentor-{slug}"])
            ctx.mentorships[key][slug] = mentorship


def print_accounts(ctx: DemoContext, write) -> None:
    write("Demo accounts (all with the same password):")
    for key in [
        "staff",
        "reviewer",
        "mentor",
        "mentee",
        "alumni",
        "applicant",
        "participant",
    ]:
        user = ctx.users.get(key)
        if user:
            write(f"  {key:<12} {user.email}")
    write(f"Password: {ctx.password}")
