"""Demo data of the affinity groups: two cycles of eight All In groups.

Last year's cycle, which ran beside the past round's mentorship year, is
over: eight monthly meetings with notes and attendance that tapered in some
groups, the leaders' three check-ins, final surveys with completions, the
drawing made, and the mentees' exit survey. This year's cycle is under way:
the meetings so far held and recorded, the rest scheduled, the
pre-assessment closed, the final survey waiting for the end. Leaders (DASH
mentors among them) and support staff, members inside the mentorship
program (each year's mentees) and outside it (All In members of several
organization types and sectors). Every date is relative to the day the seed
runs. Idempotent: rows are found by natural keys and only what is missing is
created.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from cohorts.models import CohortMember
from dashmentor.demo import EASTERN, DemoContext, ensure_org, ensure_user
from dashmentor.models import Membership, Organization
from notifications.demo import dated
from surveys.models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    hash_token,
    new_invitation_token,
)

from . import rules, services
from .models import (
    Cycle,
    Drawing,
    Group,
    GroupEmail,
    GroupMember,
    LeaderCheckIn,
    Meeting,
    MeetingAttendance,
)

MEETINGS = 8


@dataclass(frozen=True)
class CycleSpec:
    """A cycle's name and dates, and whether it is over on the seed's day."""

    name: str
    starts_on: dt.date
    ends_on: dt.date
    today: dt.date

    @property
    def finished(self) -> bool:
        return self.ends_on < self.today


def _month(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def cycle_specs(ctx: DemoContext) -> tuple[CycleSpec, CycleSpec]:
    """Last year's cycle (March to October of the past round's year) and the
    current one: eight months from the first of the month four months ago."""
    today = ctx.today
    year = ctx.dates.past_year
    past = CycleSpec(str(year), dt.date(year, 3, 1), dt.date(year, 10, 31), today=today)
    start = _month(today, -4)
    end = _month(start, MEETINGS) - dt.timedelta(days=1)
    name = (
        str(start.year)
        if start.year == end.year
        else f"{start.year}\u2013{end.year % 100:02d}"
    )
    return past, CycleSpec(name, start, end, today=today)


# (slug, topic, leader keys (mentors) or expert names, tapers, capacity,
# description, learning goals)
GROUPS = [
    (
        "health-housing",
        "Leveraging Health and Housing Data",
        ["mentor-csh"],
        False,
        20,
        "Practitioners in the housing sector and their health partners "
        "integrating homelessness, housing and health data to improve outcomes "
        "for vulnerable populations.",
        "Map the data each partner holds and who may share it.\n"
        "Learn how coordinated entry and housing prioritization use linked data.\n"
        "Leave with one data-sharing step to model for the rest of our partners.",
    ),
    (
        "behavioral-health",
        "Behavioral Health Data Integration",
        ["Dr. Renee Calloway"],
        True,
        20,
        "Bringing behavioral health data into community data sharing while "
        "respecting 42 CFR Part 2 and the people the data describe.",
        "Understand consent models for behavioral health data.\n"
        "Compare integration approaches that worked elsewhere.",
    ),
    (
        "care-coordination",
        "Care Coordination and Community Information Exchange",
        ["mentor-211-san-diego", "mentor-united-way"],
        False,
        20,
        "For United Ways, 211s and their partners coordinating care across "
        "health and social services.",
        "Design a referral workflow with closed-loop feedback.\n"
        "Learn sustainable business models for 211 data partnerships.",
    ),
    (
        "data-law",
        "Data Law and Governance",
        ["Marcus Oyelaran, JD"],
        True,
        20,
        "The legal side of sharing data: HIPAA, FERPA, data-sharing agreements "
        "and governance structures, in plain language.",
        "Draft the outline of a data-sharing agreement.\n"
        "Know which questions to bring to counsel.",
    ),
    (
        "community-indicators",
        "Community Indicator Dashboards",
        ["mentor-civic-canopy", "mentor-pitt-ucsur"],
        False,
        20,
        "Choosing, building and sustaining community indicator dashboards that "
        "residents and partners actually use.",
        "Select indicators with the community, not for it.\n"
        "Get to quality data and keep the dashboard current.",
    ),
    (
        "community-voice",
        "Centering Community Voice and Engaging People with Lived Expertise",
        ["Ana Lucía Ferreira"],
        True,
        12,
        "Partnering authentically with community members around measurement, "
        "with the Consultancy Challenge as our method.",
        "Practice co-creating measures with people with lived expertise.\n"
        "Normalize that this work is hard and cannot be done in silos.",
    ),
    (
        "reimagining-technology",
        "Re-Imagining Technology for Community Health",
        ["Theo Brandt"],
        True,
        20,
        "Open standards and resource directories: what technology serves "
        "people, and how to get there together.",
        "Understand open referral data standards.\n"
        "Identify one assumption about technology to test.",
    ),
    (
        "accountable-communities",
        "Accountable Communities of Health",
        ["mentor-elevate-health", "mentor-core"],
        False,
        20,
        "Governance, community voice and sustainable business models for "
        "accountable communities of health.",
        "Compare governance structures.\nExplore resiliency funds and shared savings.",
    ),
]

# The same groups in Spanish: slug -> (topic, description, learning goals).
GROUPS_ES = {
    "health-housing": (
        "Aprovechar los datos de salud y de vivienda",
        "Profesionales del sector de la vivienda y sus socios de salud que "
        "integran datos sobre personas sin hogar, vivienda y salud para mejorar "
        "los resultados de las poblaciones vulnerables.",
        "Identificar los datos que tiene cada socio y quién puede compartirlos.\n"
        "Aprender cómo el acceso coordinado y la priorización de vivienda usan "
        "datos vinculados.\n"
        "Salir con un paso para compartir datos que sirva de modelo al resto de "
        "nuestros socios.",
    ),
    "behavioral-health": (
        "Integración de datos de salud conductual",
        "Incorporar los datos de salud conductual al intercambio de datos "
        "comunitario, respetando el reglamento 42 CFR Parte 2 y a las personas "
        "que los datos describen.",
        "Comprender los modelos de consentimiento para los datos de salud "
        "conductual.\n"
        "Comparar enfoques de integración que han funcionado en otros lugares.",
    ),
    "care-coordination": (
        "Coordinación de servicios e Intercambio de Información Comunitaria",
        "Para las United Way, las líneas 211 y sus socios que coordinan servicios "
        "entre la salud y los servicios sociales.",
        "Diseñar un flujo de referidos con seguimiento de circuito cerrado.\n"
        "Conocer modelos de negocio sostenibles para las alianzas de datos del "
        "211.",
    ),
    "data-law": (
        "Derecho y gobernanza de datos",
        "El aspecto legal de compartir datos: HIPAA, FERPA, los acuerdos para "
        "compartir datos y las estructuras de gobernanza, en lenguaje sencillo.",
        "Redactar el esquema de un acuerdo para compartir datos.\n"
        "Saber qué preguntas llevar a la asesoría legal.",
    ),
    "community-indicators": (
        "Tableros de indicadores comunitarios",
        "Elegir, construir y mantener tableros de indicadores comunitarios que "
        "los residentes y los socios realmente usen.",
        "Seleccionar los indicadores con la comunidad, no para ella.\n"
        "Lograr datos de calidad y mantener el tablero al día.",
    ),
    "community-voice": (
        "La voz de la comunidad en el centro y la participación de personas con "
        "experiencia vivida",
        "Colaborar de manera auténtica con los miembros de la comunidad en la "
        "medición, con el Desafío de Consultoría como método.",
        "Practicar la creación conjunta de indicadores con personas con "
        "experiencia vivida.\n"
        "Reconocer que este trabajo es difícil y que no puede hacerse de forma "
        "aislada.",
    ),
    "reimagining-technology": (
        "Reimaginar la tecnología para la salud comunitaria",
        "Estándares abiertos y directorios de recursos: qué tecnología sirve a "
        "las personas y cómo lograrla juntos.",
        "Comprender los estándares de datos abiertos para referidos.\n"
        "Identificar una suposición sobre la tecnología que se pueda poner a "
        "prueba.",
    ),
    "accountable-communities": (
        "Comunidades Responsables de la Salud",
        "Gobernanza, voz de la comunidad y modelos de negocio sostenibles para "
        "las comunidades responsables de la salud.",
        "Comparar estructuras de gobernanza.\n"
        "Explorar fondos de resiliencia y ahorros compartidos.",
    ),
}

EXPECTATIONS = (
    "Read the short pre-read and answer the pre-assessment survey.",
    "Come with a challenge from your own work; cameras on when you can; share "
    "the floor.",
    "Try one idea before the next meeting and keep talking in the All In "
    "Online Community.",
)

EXPECTATIONS_ES = (
    "Lea la breve lectura previa y responda la encuesta de evaluación inicial.",
    "Traiga un desafío de su propio trabajo; encienda la cámara cuando pueda; "
    "dé espacio a los demás.",
    "Pruebe una idea antes de la próxima reunión y siga la conversación en la "
    "Comunidad en Línea de All In.",
)
CADENCE = ("Monthly, second or third week", "Mensual, segunda o tercera semana")

# Organizations of the All In members outside the program: (name, type, sector).
MEMBER_ORGS = [
    ("Lakeshore Housing Authority", "public", "housing"),
    ("Mesa County Public Health", "public", "public_health"),
    ("Harbor Behavioral Health Partners", "501c3", "behavioral_health"),
    ("Valley Community Clinic", "501c3", "health_care"),
    ("Prairie United Way", "501c3", "human_services"),
    ("Northside Community Development Corp.", "501c3", "community_development"),
    ("Three Rivers School District", "public", "education"),
    ("Metro Transit Data Office", "public", "transportation"),
    ("Cedar Data Cooperative", "other", "private_sector"),
    ("Riverside Reentry Network", "501c3", "criminal_justice"),
    ("Coastal Health System", "other", "health_care"),
    ("Pine Ridge Tribal Health", "public", "public_health"),
]
FIRST = [
    "Avery", "Blake", "Carmen", "Devon", "Elena", "Farah", "Gabe", "Hana",
    "Isaac", "Jada", "Kiran", "Luis", "Maya", "Nia", "Omar", "Priya", "Quinn",
    "Rosa", "Sami", "Tess", "Uma", "Vic", "Wen", "Xavi", "Yara", "Zane",
    "Bea", "Cole", "Dina", "Eli",
]  # fmt: skip
LAST = [
    "Nguyen", "Okoro", "Patel", "Reyes", "Schmidt", "Tanaka", "Walker",
    "Yilmaz", "Zhou", "Abbott", "Baptiste", "Castillo", "Delgado", "Ellison",
    "Fischer",
]  # fmt: skip

MEETING_TOPICS = [
    "Kickoff: goals and expectations",
    "Mapping our data",
    "Case study from a peer",
    "Consultancy challenge",
    "Midpoint reflection",
    "Guest expert conversation",
    "Putting it into practice",
    "Closing: what we learned and what's next",
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=EASTERN)


def _user_for_expert(ctx: DemoContext, name: str):
    local = "".join(c for c in name.lower().split(",")[0] if c.isalpha() or c == " ")
    local = ".".join(p for p in local.split() if p not in {"dr", "jd"})
    user = ensure_user(
        ctx,
        f"expert-{local}",
        f"{local}@experts.test",
        name,
        title="Subject-matter expert",
    )
    return user


def _all_in_members(ctx: DemoContext) -> list:
    orgs = []
    for name, org_type, sector in MEMBER_ORGS:
        orgs.append(
            ensure_org(
                name,
                kind=Organization.Kind.PARTNER,
                org_type=org_type,
                sector=sector,
                state="OH",
            )
        )
    members = []
    for i in range(30):
        first, last = FIRST[i], LAST[i % len(LAST)]
        user = ensure_user(
            ctx,
            f"allin-{i + 1:02d}",
            f"{first.lower()}.{last.lower()}@allin.test",
            f"{first} {last}",
            title="All In member",
        )
        if i < 28:  # two members have not named an organization
            Membership.objects.get_or_create(
                user=user,
                organization=orgs[i % len(orgs)],
                defaults={"role": Membership.Role.MEMBER},
            )
        members.append(user)
    ctx.users["participant"] = members[0]
    return members


def _mentees_by_collaboration(round_) -> list[list]:
    """The round's active mentees with accounts, grouped by their award."""
    by_award: dict[int, list] = {}
    for member in (
        CohortMember.objects.filter(
            active=True, user__isnull=False, award__application__round=round_
        )
        .select_related("user")
        .order_by("award_id", "pk")
    ):
        by_award.setdefault(member.award_id, []).append(member.user)
    return list(by_award.values())


def _admit(group, user, staff, status=GroupMember.Status.ADMITTED):
    start = group.cycle.starts_on
    member, created = GroupMember.objects.get_or_create(
        group=group,
        user=user,
        defaults={
            "status": status,
            "requested_at": _at(start - dt.timedelta(days=20), 10),
            "decided_at": (
                _at(start - dt.timedelta(days=10), 10)
                if status != GroupMember.Status.REQUESTED
                else None
            ),
            "decided_by": staff if status != GroupMember.Status.REQUESTED else None,
        },
    )
    return member


def _meetings(group, rng, tapers, staff, week: int, spec: CycleSpec) -> None:
    """Eight monthly meetings; those held have notes and attendance."""
    admitted = list(
        GroupMember.objects.filter(group=group, status=GroupMember.Status.ADMITTED)
    )
    now = timezone.now()
    for i, title in enumerate(MEETING_TOPICS[:MEETINGS]):
        day = _month(spec.starts_on, i) + dt.timedelta(days=7 + (week % 3) * 7)
        meeting, _ = Meeting.objects.get_or_create(
            group=group,
            title=title,
            defaults={
                "starts_at": _at(day, 13 if i % 2 == 0 else 14),
                "agenda": f"1. Check-in round\n2. {title}\n3. One thing to try "
                "before next month",
                "link": f"https://meet.example.org/allin-{group.slug}",
            },
        )
        if meeting.starts_at > now:
            continue  # still to come: its agenda, no notes or attendance yet
        if not meeting.notes_html:
            meeting.notes_html = rules.sanitize_notes(
                f"<p><strong>{title}.</strong> {len(admitted)} members on the "
                "roster.</p><ul><li>Peers shared where they are stuck and what "
                "worked.</li><li>Action: post one resource in the Online "
                "Community.</li></ul>"
            )
            meeting.notes_updated_by = group.leaders.first() or staff
            meeting.notes_updated_at = meeting.starts_at + dt.timedelta(days=1)
            meeting.save()
        if MeetingAttendance.objects.filter(meeting=meeting).exists():
            continue
        # Steady groups hover near 80%; tapering ones fall from 90% to ~35%
        # after the summer, as the program saw.
        rate = (0.9 - 0.08 * i) if tapers else (0.82 - 0.02 * (i % 3))
        MeetingAttendance.objects.bulk_create(
            [
                MeetingAttendance(
                    meeting=meeting,
                    member=m,
                    present=rng.random() < rate,
                    recorded_by=staff,
                    recorded_at=meeting.starts_at + dt.timedelta(hours=2),
                )
                for m in admitted
            ]
        )


def _check_ins(group, staff, spec: CycleSpec) -> None:
    """The leaders' orientation, midpoint and final check-ins, those held."""
    people = list(group.leaders.all()) + list(group.support_staff.all())
    for kind, day, notes in [
        (
            LeaderCheckIn.Kind.ORIENTATION,
            spec.starts_on - dt.timedelta(days=12),
            "Training and orientation: roles of leaders and support staff, Zoom "
            "rooms and breakouts, the participant expectations, the surveys.",
        ),
        (
            LeaderCheckIn.Kind.MIDPOINT,
            _month(spec.starts_on, 3) + dt.timedelta(days=22),
            "Attendance is dipping; shorter agendas and a reminder the day "
            "before. Online Community uptake is low: plan a 101 session.",
        ),
        (
            LeaderCheckIn.Kind.FINAL,
            spec.ends_on + dt.timedelta(days=10),
            "What resonated: the consultancy challenge and peer case studies. "
            "For next cycle: year-round meetings and clearer value of the "
            "Online Community.",
        ),
    ]:
        if day > spec.today:
            continue
        checkin, created = LeaderCheckIn.objects.get_or_create(
            group=group, kind=kind, defaults={"held_on": day, "notes": notes}
        )
        if created:
            checkin.attendees.set(people)


def _surveys(group, staff, rng, completion_rate, spec: CycleSpec) -> None:
    """The group's pre-assessment and final survey: both closed and the final
    one answered when the cycle is over; else the pre-assessment closed and
    answered, the final survey a draft until the end of the cycle."""
    if not group.final_survey_id:
        services.group_surveys_create(group=group, by=staff)
        group.refresh_from_db()
        done = [group.pre_survey, group.final_survey] if spec.finished else []
        if not spec.finished and group.pre_survey.closes_at < timezone.now():
            done = [group.pre_survey]
        for survey in done:
            survey.status = Survey.Status.CLOSED
            survey.opened_at = survey.opens_at
            survey.save(update_fields=["status", "opened_at"])
    answered = group.final_survey if spec.finished else group.pre_survey
    if answered.status != Survey.Status.CLOSED or answered.invitations.exists():
        return
    admitted = GroupMember.objects.filter(
        group=group, status=GroupMember.Status.ADMITTED
    ).select_related("user")
    completed = 0
    for member in admitted:
        done = rng.random() < completion_rate
        Invitation.objects.create(
            survey=answered,
            user=member.user,
            email=member.user.email,
            token_hash=hash_token(new_invitation_token()),
            created_on=answered.opens_at.date(),
            completed_on=answered.opens_at.date() + dt.timedelta(days=7)
            if done
            else None,
        )
        completed += done
    questions = {q.key: q for q in Question.objects.filter(section__survey=answered)}
    submitted_on = answered.closes_at.date()
    for _ in range(completed):
        response = Response.objects.create(survey=answered, submitted_on=submitted_on)
        if spec.finished:
            answers = [
                Answer(response=response, question=questions["goals_met"],
                       number=rng.choice([3, 4, 4, 5, 5])),
                Answer(response=response, question=questions["connections"],
                       number=rng.choice([3, 4, 5, 5])),
                Answer(response=response, question=questions["continue"],
                       choices=[rng.choice(["yes", "yes", "maybe", "no"])]),
            ]  # fmt: skip
        else:
            answers = [
                Answer(response=response, question=questions["familiarity"],
                       number=rng.choice([1, 2, 2, 3, 3, 4])),
                Answer(response=response, question=questions["experience"],
                       choices=[rng.choice(["none", "some", "some", "a-lot"])]),
            ]  # fmt: skip
        Answer.objects.bulk_create(answers)


def _exit_survey(ctx: DemoContext, staff, spec: CycleSpec) -> Survey:
    """The mentees' exit survey with its two affinity questions, answered by 43.

    The split follows the program's reported figures: 37% took part and plan
    to continue, 35% have not taken part and plan to join.
    """
    year = spec.starts_on.year
    survey, created = Survey.objects.get_or_create(
        title=f"Mentee exit survey, {year}",
        kind=Survey.Kind.EXIT,
        defaults={
            "description": "Program feedback at the end of the mentorship year.",
            "title_es": f"Encuesta de salida del equipo mentoreado, {year}",
            "description_es": "Su opinión sobre el programa al final del año de "
            "mentoría.",
            "round": ctx.rounds.get("historical"),
            "audience": Survey.Audience.ROUND,
            "opens_at": _at(dt.date(year, 11, 15), 9),
            "closes_at": _at(dt.date(year, 12, 10), 17),
            "anonymous": True,
            "status": Survey.Status.CLOSED,
            "created_by": staff,
        },
    )
    if not created:
        return survey
    questions = _exit_questions(survey)
    _exit_answers(survey, questions, year)
    return survey


# The exit survey's affinity questions: (key, prompt, prompt in Spanish,
# choices as (value, label, label in Spanish)).
EXIT_QUESTIONS = [
    (
        rules.PARTICIPATION_KEY,
        "Did you take part in an All In Affinity Group this year?",
        "¿Participó en un Grupo de Afinidad de All In este año?",
        [
            (rules.TOOK_PART, "I took part", "Participé"),
            (rules.DID_NOT_TAKE_PART, "I did not take part", "No participé"),
        ],
    ),
    (
        rules.PLANS_KEY,
        "Do you plan to take part in future Affinity Group rounds?",
        "¿Piensa participar en futuros ciclos de los Grupos de Afinidad?",
        [
            (rules.PLAN_CONTINUE, "I plan to continue", "Pienso continuar"),
            (rules.PLAN_JOIN, "I plan to join", "Pienso unirme"),
            (rules.NO_PLANS, "No plans", "No tengo planes"),
        ],
    ),
]


def _exit_questions(survey: Survey) -> dict[str, Question]:
    """The exit survey's affinity section with ``EXIT_QUESTIONS``, by key."""
    section = Section.objects.create(
        survey=survey, order=1, title="Affinity groups", title_es="Grupos de afinidad"
    )
    questions = {}
    for order, (key, prompt, prompt_es, choices) in enumerate(EXIT_QUESTIONS, start=1):
        question = Question.objects.create(
            section=section,
            order=order,
            key=key,
            kind="single",
            prompt=prompt,
            prompt_es=prompt_es,
        )
        for c_order, (value, label, label_es) in enumerate(choices, start=1):
            Choice.objects.create(
                question=question,
                order=c_order,
                value=value,
                label=label,
                label_es=label_es,
            )
        questions[key] = question
    return questions


def _exit_answers(survey: Survey, questions: dict[str, Question], year: int) -> None:
    """The 43 responses, split as the program reported them."""
    pairs = (
        [(rules.TOOK_PART, rules.PLAN_CONTINUE)] * 16
        + [(rules.TOOK_PART, rules.NO_PLANS)] * 3
        + [(rules.DID_NOT_TAKE_PART, rules.PLAN_JOIN)] * 15
        + [(rules.DID_NOT_TAKE_PART, rules.NO_PLANS)] * 9
    )
    for participation, plans in pairs:
        response = Response.objects.create(
            survey=survey, submitted_on=dt.date(year, 12, 1)
        )
        Answer.objects.create(
            response=response,
            question=questions[rules.PARTICIPATION_KEY],
            choices=[participation],
        )
        Answer.objects.create(
            response=response, question=questions[rules.PLANS_KEY], choices=[plans]
        )


def seed(ctx: DemoContext) -> None:
    staff = ctx.users["staff"]
    outsiders = _all_in_members(ctx)
    past, current = cycle_specs(ctx)
    past_cycle = _seed_cycle(
        ctx, past, outsiders, _mentees_by_collaboration(ctx.rounds.get("historical"))
    )
    collaborations = _mentees_by_collaboration(ctx.rounds.get("current"))
    cycle = _seed_cycle(ctx, current, outsiders, collaborations)
    exit_survey = _exit_survey(ctx, staff, past)
    ctx.log.append(
        f"Affinity groups: cycle {past_cycle.name} over, with its drawing and "
        f"exit survey “{exit_survey.title}”; cycle {cycle.name} under way, "
        f"{Group.objects.filter(cycle=cycle).count()} groups, "
        f"{GroupMember.objects.filter(group__cycle=cycle).count()} memberships, "
        f"{len(collaborations)} mentee collaborations available; as of "
        f"{ctx.today:%Y-%m-%d}."
    )


def _seed_cycle(ctx: DemoContext, spec: CycleSpec, outsiders, collaborations) -> Cycle:
    staff, staff2 = ctx.users["staff"], ctx.users["staff2"]
    cycle, _ = Cycle.objects.get_or_create(
        name=spec.name, defaults={"starts_on": spec.starts_on, "ends_on": spec.ends_on}
    )
    groups = _cycle_groups(ctx, cycle)
    _cycle_members(ctx, spec, groups, outsiders, collaborations)
    health = groups[0][0]
    _cycle_requests_and_waitlist(spec, health, groups[5][0], outsiders, staff2)
    _cycle_activity(spec, groups, staff, staff2)
    if spec.finished and not Drawing.objects.filter(group=health).exists():
        drawn_at = _at(spec.ends_on + dt.timedelta(days=22), 11)
        with dated(drawn_at):
            drawing = services.drawing_draw(group=health, by=staff)
        Drawing.objects.filter(pk=drawing.pk).update(drawn_at=drawn_at)
    return cycle


def _cycle_groups(ctx: DemoContext, cycle: Cycle) -> list[tuple[Group, bool]]:
    """The cycle's groups of ``GROUPS`` with their leaders and support staff, each
    with whether its attendance tapers."""
    staff, staff2 = ctx.users["staff"], ctx.users["staff2"]
    groups = []
    for index, (slug, topic, leads, tapers, capacity, description, goals) in enumerate(
        GROUPS
    ):
        group, created = Group.objects.get_or_create(
            cycle=cycle,
            slug=slug,
            defaults={
                "topic": topic,
                "description": description,
                "learning_goals": goals,
                "expectations_before": EXPECTATIONS[0],
                "expectations_during": EXPECTATIONS[1],
                "expectations_after": EXPECTATIONS[2],
                "cadence": CADENCE[0],
                "topic_es": GROUPS_ES[slug][0],
                "description_es": GROUPS_ES[slug][1],
                "learning_goals_es": GROUPS_ES[slug][2],
                "expectations_before_es": EXPECTATIONS_ES[0],
                "expectations_during_es": EXPECTATIONS_ES[1],
                "expectations_after_es": EXPECTATIONS_ES[2],
                "cadence_es": CADENCE[1],
                "capacity": capacity,
            },
        )
        if created:
            leaders = [
                ctx.users[k] if k in ctx.users else _user_for_expert(ctx, k)
                for k in leads
                if k in ctx.users or not k.startswith("mentor-")
            ]
            group.leaders.set(leaders)
            group.support_staff.set([staff2] + ([staff] if index % 3 == 0 else []))
        groups.append((group, tapers))
    return groups


def _cycle_members(
    ctx: DemoContext, spec: CycleSpec, groups, outsiders, collaborations
) -> None:
    """Members: the same people every run (a seeded generator), mentees from
    about two thirds of the collaborations, each in one or two groups; the
    participant in three groups."""
    staff2 = ctx.users["staff2"]
    rng = random.Random(spec.name)  # noqa: S311 - demo data, not security
    for group, _ in groups:
        pool = rng.sample(outsiders, k=min(group.capacity - 3, 11))
        for user in pool:
            _admit(group, user, staff2)
    for i, people in enumerate(collaborations):
        if i % 3 == 2:
            continue  # this collaboration did not take part
        for j, user in enumerate(people):
            group = groups[(i + j) % len(groups)][0]
            if group.members.filter(status=GroupMember.Status.ADMITTED).count() < (
                group.capacity
            ):
                _admit(group, user, staff2)
            if j == 0 and i % 2 == 0:
                _admit(groups[(i + 3) % len(groups)][0], user, staff2)
    if not spec.finished:
        mentee = ctx.users.get("mentee")
        if mentee is not None:
            _admit(groups[4][0], mentee, staff2)
    for k in (0, 2, 4):
        _admit(groups[k][0], ctx.users["participant"], staff2)


def _cycle_requests_and_waitlist(
    spec: CycleSpec, health: Group, voice: Group, outsiders, staff2
) -> None:
    """A few requests wait on the first group's roster (while the cycle runs);
    ``voice`` is full, with a waitlist."""
    if not spec.finished:
        for user in outsiders[-3:]:
            if not GroupMember.objects.filter(group=health, user=user).exists():
                _admit(health, user, staff2, status=GroupMember.Status.REQUESTED)
    for user in outsiders:
        if voice.members.filter(status=GroupMember.Status.ADMITTED).count() >= (
            voice.capacity
        ):
            break
        _admit(voice, user, staff2)
    on_roster = set(GroupMember.objects.filter(group=voice).values_list("user_id"))
    waiting = [u for u in reversed(outsiders) if (u.pk,) not in on_roster]
    if not GroupMember.objects.filter(
        group=voice, status=GroupMember.Status.WAITLISTED
    ).exists():
        for user in waiting[:2]:
            _admit(voice, user, staff2, status=GroupMember.Status.WAITLISTED)


def _cycle_activity(spec: CycleSpec, groups, staff, staff2) -> None:
    """Each group's meetings, leader check-ins, surveys and welcome e-mail."""
    welcome = _at(spec.starts_on - dt.timedelta(days=7), 10)
    for week, (group, tapers) in enumerate(groups):
        group_rng = random.Random(f"{spec.name}-{group.slug}")  # noqa: S311
        _meetings(group, group_rng, tapers, staff2, week, spec)
        _check_ins(group, staff2, spec)
        with dated(welcome):
            _surveys(group, staff, group_rng, 0.45 if tapers else 0.7, spec)
        GroupEmail.objects.get_or_create(
            group=group,
            subject="Welcome, and our first meeting",
            defaults={
                "body": "Welcome to the group! Our kickoff is in two weeks; the "
                "link and agenda are on the group page.",
                "sent_by": staff2,
                "created_at": welcome,
                "recipients": group.members.filter(
                    status=GroupMember.Status.ADMITTED
                ).count(),
                "queued_at": welcome,
            },
        )
