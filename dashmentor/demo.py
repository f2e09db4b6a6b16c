"""The demo program: people of every role, then what each app adds.

Every date is relative to the day the seed runs (``DemoContext.today``): the
open round is open, the current cohorts are in the middle of their year, and
the past round, the call of the seed documents (a December deadline at 3:30 pm
Eastern, contracts from February 1 to November 30), closed a little over a year
before the current cohorts began, with its whole history behind it.

Every function here is idempotent: it finds rows by a natural key and creates
only what is missing, so ``seed_demo`` run twice creates nothing new. The apps
add their own demo data in ``<app>/demo.py``, registered with an order in
``dashmentor.registry`` from each ``AppConfig.ready()``: the rounds
(``applications.demo.seed_rounds``) and their mentorships
(``cohorts.placement.demo.seed_mentorships``) first, as the ground, then each
app's ``seed(ctx)``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import secrets
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from . import registry
from .models import Membership, Organization, User

EASTERN = zoneinfo.ZoneInfo("America/New_York")
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"


@dataclass
class DemoContext:
    """What the core seed made, handed to each app's ``seed``."""

    password: str
    today: dt.date
    users: dict[str, User] = field(default_factory=dict)
    # Filled by the ground seeds the apps register (dashmentor.registry): the
    # rounds by key ("historical", "current", "open"), and each round's
    # mentorships by slug.
    rounds: dict = field(default_factory=dict)
    mentorships: dict = field(default_factory=dict)
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


# The same mentorships in Spanish: slug -> (topic, "good fit" tags, description).
MENTORSHIPS_ES = {
    "211-san-diego": (
        "Explorar o establecer un Intercambio de Información Comunitaria (CIE)",
        [
            "Infraestructura 2-1-1",
            "Intercambio de Información Comunitaria",
            "Determinantes sociales de la salud",
        ],
        "Una guía de planificación y recursos para explorar el modelo de "
        "Intercambio de Información Comunitaria: una lista de verificación de "
        "preparación, un marco y un conjunto de herramientas, con la participación "
        "de los socios, la visión y la gobernanza del CIE, el marco legal, los "
        "sistemas de datos y la tecnología interoperable, los flujos de datos y "
        "la sostenibilidad.",
    ),
    "civic-canopy": (
        "Atender las prioridades de la comunidad con una visión basada en datos",
        [
            "Participación comunitaria",
            "Convocatoria de partes interesadas",
            "Planificación estratégica",
        ],
        "El Modelo de Aprendizaje Comunitario: rendición de cuentas basada en "
        "resultados, diálogo reflexivo entre partes interesadas diversas, "
        "estrategias de participación comunitaria, compromiso y confianza, "
        "selección de indicadores de salud comunitaria y datos de calidad.",
    ),
    "csh": (
        "Combinar datos de salud y de vivienda",
        ["Vivienda", "Personas sin hogar", "HMIS", "HUD", "CoC"],
        "Integrar datos administrativos (encarcelamiento, salud conductual, uso "
        "de hospitales) con un Sistema de Gestión de Información sobre Personas "
        "sin Hogar para fortalecer el acceso coordinado, la priorización de "
        "vivienda y la coordinación de servicios, con una herramienta de "
        "integración de datos de código abierto.",
    ),
    "core": (
        "Usar datos administrativos integrados en la investigación y la "
        "evaluación para impulsar cambios en las políticas y los sistemas",
        ["Vínculos con la atención médica", "Investigación", "Análisis de datos"],
        "Desarrollar casos de uso basados en datos, combinar y analizar datos de "
        "varios sectores, diseñar sistemas de datos y de informes y fijar "
        "prioridades para los datos intersectoriales, desde la experiencia de un "
        "centro integrado en un sistema de salud.",
    ),
    "pitt-ucsur": (
        "Crear y ampliar una infraestructura sólida de datos cívicos para "
        "promover las prioridades de salud de la comunidad",
        ["Datos cívicos", "Datos abiertos", "Participación comunitaria"],
        "Establecer o mejorar la infraestructura local para compartir datos, las "
        "alianzas colaborativas para compartir datos y los sistemas de "
        "indicadores comunitarios, con la experiencia de un centro regional de "
        "datos abiertos.",
    ),
    "elevate-health": (
        "Desarrollar estrategias de gobernanza con participación comunitaria y "
        "de intercambio de datos para Comunidades Responsables de la Salud",
        [
            "Participación comunitaria",
            "Salud integral de la persona",
            "Comunidades responsables de la salud",
            "Sostenibilidad",
        ],
        "Un marco para unir a organizaciones clínicas y comunitarias en favor de "
        "la salud integral de la persona: la voz de la comunidad en las "
        "operaciones y la gobernanza, el modelo de negocio y un fondo de "
        "resiliencia.",
    ),
    "united-way": (
        "Colaborar para lograr un intercambio de datos sostenible y una atención "
        "coordinada",
        [
            "Infraestructura para compartir datos",
            "Atención coordinada",
            "Modelos de negocio sostenibles",
        ],
        "Para las United Way que coordinan colaboraciones para compartir datos: "
        "infraestructura 211, modelos de intercambio de datos y de coordinación "
        "de servicios, participación de los clientes en el diseño de soluciones "
        "y modelos de negocio sostenibles y equitativos.",
    ),
}


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


# Seeds registered below this order are the ground every app's demo builds on
# (the rounds, their mentorships): the core seed runs them.
GROUND_BEFORE = 20


def seed_core(ctx: DemoContext) -> None:
    """People of every role and mentor organizations, then the ground the apps
    register (three rounds and their mentorships)."""
    _seed_people(ctx)
    for step in registry.demo_seeds():
        if step.order < GROUND_BEFORE:
            _run(step, ctx)


def seed_apps(ctx: DemoContext) -> None:
    """Each app's demo data, in the order the apps registered."""
    for step in registry.demo_seeds():
        if step.order >= GROUND_BEFORE:
            _run(step, ctx)


def _run(step, ctx: DemoContext) -> None:
    module, _, function = step.seed.partition(":")
    getattr(importlib.import_module(module), function or "seed")(ctx)


def _seed_people(ctx: DemoContext) -> None:
    """Staff, reviewers, mentors with their organizations, and two applicants."""
    _seed_staff_and_reviewers(ctx)
    _seed_mentors(ctx)
    _seed_applicant(ctx)
    _seed_spanish_applicant(ctx)


def _seed_staff_and_reviewers(ctx: DemoContext) -> None:
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


def _seed_mentors(ctx: DemoContext) -> None:
    """Each mentorship's mentor organization and a mentor who belongs to it."""
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


def _seed_applicant(ctx: DemoContext) -> None:
    """The demo applicant and its county health department."""
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


def _seed_spanish_applicant(ctx: DemoContext) -> None:
    """An applicant in Puerto Rico who reads the portal and its e-mails in
    Spanish (its draft is written in Spanish: applications.demo)."""
    solicitante = ensure_user(
        ctx,
        "applicant-es",
        "solicitante@dash.test",
        "Marisol Rivera Ortiz",
        title="Directora de Salud Comunitaria",
        language="es",
        time_zone="America/Puerto_Rico",
    )
    org = ensure_org(
        "Coalición de Salud Comunitaria del Valle del Turabo",
        kind=Organization.Kind.APPLICANT,
        org_type=Organization.OrgType.NONPROFIT,
        sector="public_health",
        address_line1="Calle Muñoz Rivera 25",
        city="Caguas",
        state="PR",
        postal_code="00725",
        website="https://saludturabo.example.org",
    )
    Membership.objects.get_or_create(
        user=solicitante,
        organization=org,
        defaults={"role": Membership.Role.ADMIN},
    )


def print_accounts(ctx: DemoContext, write) -> None:
    write("Demo accounts (all with the same password):")
    for key in [
        "staff",
        "reviewer",
        "mentor",
        "mentee",
        "alumni",
        "applicant",
        "applicant-es",
        "participant",
    ]:
        user = ctx.users.get(key)
        if user:
            language = " (español)" if user.language == "es" else ""
            write(f"  {key:<12} {user.email}{language}")
    write(f"Password: {ctx.password}")
