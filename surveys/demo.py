"""Demo surveys: the capacity assessment (baseline closed, a later one open), the
anonymous midpoint survey (open, with answers) and the end-of-program survey
(a draft) of the current round; and the past round's end-of-program survey,
closed, answered and released. Answers come from whatever mentees each round
has; with none, the surveys are there without answers. Idempotent: surveys are
found by title and round.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from . import selectors, services
from .models import (
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    hash_token,
)
from .models import new_invitation_token as _token

CAPACITY = [
    (
        "Data sharing",
        [
            (
                "data-agreements",
                "We have data-sharing agreements in place with "
                "partners in other sectors.",
            ),
            (
                "data-linking",
                "We can link records about the same people across "
                "our partners' systems.",
            ),
            ("data-use", "We use shared data to decide where to act."),
        ],
    ),
    (
        "Partnerships and community",
        [
            (
                "partners-engaged",
                "Partners from health care, public health and "
                "social services take part in our decisions.",
            ),
            (
                "lived-experience",
                "People with lived experience of inequity shape our priorities.",
            ),
        ],
    ),
    (
        "Sustainability",
        [
            (
                "funding",
                "We have a plan to fund our data-sharing work after the grant.",
            ),
            ("skills", "Our staff have the skills to keep the work going."),
        ],
    ),
]

MIDPOINT = [
    (
        "Your mentorship so far",
        [
            (
                "likert",
                "useful",
                "The mentorship has been useful to our collaboration.",
                {},
            ),
            ("likert", "on-track", "We are on track with our work plan.", {}),
            (
                "single",
                "mentor-contact",
                "How often are you in touch with your mentor?",
                {
                    "choices": [
                        "Every week",
                        "Every two weeks",
                        "Every month",
                        "Less often",
                    ]
                },
            ),
            (
                "multiple",
                "helped",
                "What has helped most?",
                {
                    "choices": [
                        "Check-in calls",
                        "Cohort webinars",
                        "Peer exchange",
                        "Resources and tools",
                    ],
                    "required": False,
                },
            ),
            (
                "number",
                "hours",
                "About how many hours a month does your team "
                "spend on the mentorship work?",
                {"min": 0, "max": 400, "required": False},
            ),
        ],
    ),
    (
        "Looking ahead",
        [
            (
                "short_text",
                "one-word",
                "One word for the mentorship so far",
                {"required": False},
            ),
            (
                "long_text",
                "change",
                "What would make the second half more useful?",
                {"required": False},
            ),
        ],
    ),
]

END = [
    (
        "The program",
        [
            ("likert", "met-goal", "We met our learning goal.", {}),
            (
                "likert",
                "recommend",
                "I would recommend the DASH Mentor Program to a peer.",
                {},
            ),
            (
                "single",
                "continue",
                "Will you keep working with your partners on data sharing?",
                {"choices": ["Yes", "Probably", "Not sure", "No"]},
            ),
            (
                "long_text",
                "lesson",
                "What is the main lesson you will share with the All In network?",
                {"required": False},
            ),
        ],
    ),
]

# Every text of the demo surveys in Spanish, by its English.
SPANISH = {
    # The capacity assessment.
    "All In capacity assessment: baseline": (
        "Evaluación de capacidades de All In: línea de base"
    ),
    "All In capacity assessment: midyear": (
        "Evaluación de capacidades de All In: mitad del año"
    ),
    "Where your collaboration stands on data sharing, partnerships and "
    "sustainability, at the start of the year.": "Dónde se encuentra su "
    "colaboración en cuanto al intercambio de datos, las alianzas y la "
    "sostenibilidad, al comienzo del año.",
    "The same questions, to see what has changed.": (
        "Las mismas preguntas, para ver qué ha cambiado."
    ),
    "Data sharing": "Intercambio de datos",
    "We have data-sharing agreements in place with partners in other sectors.": (
        "Tenemos acuerdos para compartir datos con socios de otros sectores."
    ),
    "We can link records about the same people across our partners' systems.": (
        "Podemos vincular los registros de las mismas personas entre los "
        "sistemas de nuestros socios."
    ),
    "We use shared data to decide where to act.": (
        "Usamos datos compartidos para decidir dónde actuar."
    ),
    "Partnerships and community": "Alianzas y comunidad",
    "Partners from health care, public health and social services take part in "
    "our decisions.": "Socios de la atención médica, la salud pública y los "
    "servicios sociales participan en nuestras decisiones.",
    "People with lived experience of inequity shape our priorities.": (
        "Las personas con experiencia vivida de la inequidad definen nuestras "
        "prioridades."
    ),
    "Sustainability": "Sostenibilidad",
    "We have a plan to fund our data-sharing work after the grant.": (
        "Tenemos un plan para financiar nuestro trabajo de intercambio de datos "
        "después de la subvención."
    ),
    "Our staff have the skills to keep the work going.": (
        "Nuestro personal tiene las habilidades para continuar el trabajo."
    ),
    # The midpoint survey.
    "Midpoint survey": "Encuesta de mitad del año",
    "Halfway through the year: how is the mentorship going? Your answers are "
    "anonymous to the program office.": "A mitad del año: ¿cómo va la mentoría? "
    "Sus respuestas son anónimas para la oficina del programa.",
    "Your mentorship so far": "Su mentoría hasta ahora",
    "The mentorship has been useful to our collaboration.": (
        "La mentoría ha sido útil para nuestra colaboración."
    ),
    "We are on track with our work plan.": "Vamos al día con nuestro plan de trabajo.",
    "How often are you in touch with your mentor?": (
        "¿Con qué frecuencia se comunica con su mentor?"
    ),
    "Every week": "Cada semana",
    "Every two weeks": "Cada dos semanas",
    "Every month": "Cada mes",
    "Less often": "Con menos frecuencia",
    "What has helped most?": "¿Qué le ha ayudado más?",
    "Check-in calls": "Las reuniones de seguimiento",
    "Cohort webinars": "Los seminarios web de la cohorte",
    "Peer exchange": "El intercambio con los pares",
    "Resources and tools": "Los recursos y las herramientas",
    "About how many hours a month does your team spend on the mentorship work?": (
        "¿Cuántas horas al mes, aproximadamente, dedica su equipo al trabajo de "
        "la mentoría?"
    ),
    "Looking ahead": "Mirando hacia adelante",
    "One word for the mentorship so far": "Una palabra para la mentoría hasta ahora",
    "What would make the second half more useful?": (
        "¿Qué haría más útil la segunda mitad del año?"
    ),
    # The end-of-program survey.
    "End-of-program survey": "Encuesta de fin del programa",
    "At the end of the year: what did the mentorship change?": (
        "Al final del año: ¿qué cambió gracias a la mentoría?"
    ),
    "The program": "El programa",
    "We met our learning goal.": "Alcanzamos nuestra meta de aprendizaje.",
    "I would recommend the DASH Mentor Program to a peer.": (
        "Recomendaría el Programa de Mentoría DASH a un colega."
    ),
    "Will you keep working with your partners on data sharing?": (
        "¿Seguirá trabajando con sus socios en el intercambio de datos?"
    ),
    "Yes": "Sí",
    "Probably": "Probablemente",
    "Not sure": "No estoy seguro",
    "No": "No",
    "What is the main lesson you will share with the All In network?": (
        "¿Cuál es la lección principal que compartirá con la red All In?"
    ),
}


def es(text: str) -> str:
    """The Spanish of a demo survey's ``text`` (every one has it)."""
    return SPANISH[text]


WORDS = ["Clarifying", "Energizing", "Practical", "Helpful", "Busy", "Grounding"]
CHANGES = [
    "More time with the other mentees of the cohort.",
    "Examples of data-sharing agreements from other communities.",
    "Shorter webinars with more time for questions.",
    "Help bringing our hospital partner back to the table.",
    "A template for the sustainability plan.",
    "Earlier notice of the webinar dates.",
]


def _build(survey: Survey, sections) -> None:
    for s_order, (title, questions) in enumerate(sections, start=1):
        section = Section.objects.create(
            survey=survey, order=s_order, title=title, title_es=es(title)
        )
        for q_order, (kind, key, prompt, opts) in enumerate(questions, start=1):
            question = Question.objects.create(
                section=section,
                order=q_order,
                kind=kind,
                key=key,
                prompt=prompt,
                prompt_es=es(prompt),
                required=opts.get("required", True),
                min_value=opts.get("min"),
                max_value=opts.get("max"),
            )
            for c_order, label in enumerate(opts.get("choices", []), start=1):
                Choice.objects.create(
                    question=question,
                    order=c_order,
                    label=label,
                    label_es=es(label),
                    value=services._choice_values([label])[0],
                )


def _capacity_sections():
    return [
        (title, [("likert", key, prompt, {}) for key, prompt in items])
        for title, items in CAPACITY
    ]


def _invite_all(survey: Survey) -> list[Invitation]:
    invitations = []
    for r in selectors.survey_recipients(survey):
        invitation, _ = Invitation.objects.get_or_create(
            survey=survey,
            email=r.email.lower(),
            defaults={
                "user": r.user,
                "organization": r.organization,
                "mentorship": r.mentorship,
                "token_hash": hash_token(_token()),
            },
        )
        invitations.append(invitation)
    return invitations


def _raw(survey: Survey, rng: random.Random, lift: int = 0) -> dict:
    raw = {}
    for section in selectors.survey_structure(survey):
        for q in section.questions.all():
            name = f"q{q.pk}"
            if q.kind == "likert":
                raw[name] = [str(min(5, max(1, rng.choice([2, 3, 3, 4, 4, 5]) + lift)))]
            elif q.kind == "single":
                raw[name] = [rng.choice([c.value for c in q.choices.all()])]
            elif q.kind == "multiple":
                values = [c.value for c in q.choices.all()]
                raw[name] = rng.sample(values, rng.randint(1, 2))
            elif q.kind == "number":
                raw[name] = [str(rng.randint(4, 30))]
            elif q.kind == "short_text":
                raw[name] = [rng.choice(WORDS)]
            else:
                raw[name] = [rng.choice(CHANGES)]
    return raw


def _answer(survey: Survey, invitations, share: float, rng, lift: int = 0) -> int:
    count = 0
    for invitation in invitations:
        if rng.random() >= share or invitation.completed:
            continue
        services.response_submit(invitation=invitation, raw=_raw(survey, rng, lift))
        count += 1
    return count


def seed(ctx) -> None:
    _seed_current(ctx)
    _seed_past(ctx)


def _seed_past(ctx) -> None:
    """The past round's end-of-program survey: answered by three in four
    mentees in its four weeks, released and closed."""
    round_ = ctx.rounds.get("historical")
    if round_ is None:
        return
    title = "End-of-program survey"
    if Survey.objects.filter(title=title, round=round_).exists():
        return
    if not selectors.survey_recipients(Survey(round=round_, audience="round")):
        return  # no cohort finished a year in this round
    zone = timezone.get_current_timezone()
    opens = dt.datetime.combine(
        round_.contract_end - dt.timedelta(days=14), dt.time(9), tzinfo=zone
    )
    closes = dt.datetime.combine(
        round_.contract_end + dt.timedelta(days=14), dt.time(17), tzinfo=zone
    )
    survey = Survey.objects.create(
        title=title,
        title_es=es(title),
        kind=Survey.Kind.END,
        description="At the end of the year: what did the mentorship change?",
        description_es=es("At the end of the year: what did the mentorship change?"),
        round=round_,
        audience=Survey.Audience.ROUND,
        opens_at=opens,
        anonymous=True,
        status=Survey.Status.OPEN,
        opened_at=opens,
        created_by=ctx.users.get("staff"),
        # Open until the answers are in (the service takes answers only while
        # a survey is open), then closed at its real closing time.
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    _build(survey, END)
    rng = random.Random(round_.contract_end.year)  # noqa: S311 - demo data
    invitations = _invite_all(survey)
    answered = _answer(survey, invitations, 0.75, rng, lift=1)
    services.survey_release(survey=survey, final=True)
    Survey.objects.filter(pk=survey.pk).update(
        status=Survey.Status.CLOSED, closes_at=closes
    )
    Invitation.objects.filter(survey=survey).update(created_on=opens.date())
    for invitation in Invitation.objects.filter(
        survey=survey, completed_on__isnull=False
    ):
        invitation.completed_on = opens.date() + dt.timedelta(days=rng.randint(0, 20))
        invitation.save(update_fields=["completed_on"])
    Response.objects.filter(survey=survey, submitted_on__isnull=False).update(
        submitted_on=closes.date()
    )
    ctx.log.append(
        f"Surveys: {round_.name}: end-of-program survey closed, {answered} of "
        f"{len(invitations)} answered (anonymous)."
    )


def _seed_current(ctx) -> None:
    round_ = ctx.rounds.get("current")
    if round_ is None:
        return
    staff = ctx.users.get("staff")
    now = timezone.now()
    rng = random.Random(2020)  # noqa: S311 - demo data, reproducible
    start = dt.datetime.combine(
        round_.contract_start, dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    _seed_capacity(ctx, round_, staff, now, rng, start)
    _seed_midpoint(ctx, round_, staff, now, rng)
    _seed_end(ctx, round_, staff)


def _seed_capacity(ctx, round_, staff, now, rng, start) -> None:
    """The capacity assessment: a closed baseline and its open midyear copy."""
    base_title = "All In capacity assessment: baseline"
    if not Survey.objects.filter(title=base_title).exists():
        baseline = Survey.objects.create(
            title=base_title,
            title_es=es(base_title),
            kind=Survey.Kind.CAPACITY,
            description="Where your collaboration stands on data sharing, "
            "partnerships and sustainability, at the start of the year.",
            description_es=es(
                "Where your collaboration stands on data sharing, "
                "partnerships and sustainability, at the start of the year."
            ),
            round=round_,
            audience=Survey.Audience.ROUND,
            opens_at=start - dt.timedelta(days=7),
            closes_at=now + dt.timedelta(days=1),
            anonymous=False,
            status=Survey.Status.OPEN,
            opened_at=start - dt.timedelta(days=7),
            created_by=staff,
        )
        _build(baseline, _capacity_sections())
        answered = _answer(baseline, _invite_all(baseline), 0.9, rng)
        baseline.closes_at = start + dt.timedelta(days=21)
        baseline.status = Survey.Status.CLOSED
        baseline.save(update_fields=["closes_at", "status"])

        later = services.survey_copy(survey=baseline, by=staff)
        later.title = "All In capacity assessment: midyear"
        later.description = "The same questions, to see what has changed."
        later.title_es = es(later.title)
        later.description_es = es(later.description)
        later.opens_at = now - dt.timedelta(days=3)
        later.closes_at = now + dt.timedelta(days=18)
        later.status = Survey.Status.OPEN
        later.opened_at = later.opens_at
        later.save()
        later_answered = _answer(later, _invite_all(later), 0.6, rng, lift=1)
        ctx.log.append(
            f"Surveys: capacity assessment baseline ({answered} answers) and "
            f"midyear ({later_answered} so far)."
        )


def _seed_midpoint(ctx, round_, staff, now, rng) -> None:
    """The open, anonymous midpoint survey, some of it answered and released."""
    mid_title = "Midpoint survey"
    if not Survey.objects.filter(title=mid_title, round=round_).exists():
        midpoint = Survey.objects.create(
            title=mid_title,
            title_es=es(mid_title),
            kind=Survey.Kind.MIDPOINT,
            description="Halfway through the year: how is the mentorship going? "
            "Your answers are anonymous to the program office.",
            description_es=es(
                "Halfway through the year: how is the mentorship going? "
                "Your answers are anonymous to the program office."
            ),
            round=round_,
            audience=Survey.Audience.ROUND,
            opens_at=now - dt.timedelta(days=5),
            closes_at=now + dt.timedelta(days=9),
            anonymous=True,
            status=Survey.Status.OPEN,
            opened_at=now - dt.timedelta(days=5),
            created_by=staff,
        )
        _build(midpoint, MIDPOINT)
        invitations = _invite_all(midpoint)
        # Leave the demo mentee's own invitation open, to answer by hand.
        mentee = ctx.users.get("mentee")
        others = [i for i in invitations if mentee is None or i.user_id != mentee.pk]
        answered = _answer(midpoint, others, 0.7, rng)
        services.survey_release(survey=midpoint)
        ctx.log.append(
            f"Surveys: midpoint survey open, {answered} of {len(invitations)} "
            "answered (anonymous)."
        )


def _seed_end(ctx, round_, staff) -> None:
    """The end-of-program survey, built and waiting for the end of the year."""
    end_title = "End-of-program survey"
    if not Survey.objects.filter(title=end_title, round=round_).exists():
        end = Survey.objects.create(
            title=end_title,
            title_es=es(end_title),
            kind=Survey.Kind.END,
            description="At the end of the year: what did the mentorship change?",
            description_es=es(
                "At the end of the year: what did the mentorship change?"
            ),
            round=round_,
            audience=Survey.Audience.ROUND,
            opens_at=dt.datetime.combine(
                round_.contract_end - dt.timedelta(days=14),
                dt.time(9),
                tzinfo=timezone.get_current_timezone(),
            ),
            closes_at=dt.datetime.combine(
                round_.contract_end + dt.timedelta(days=14),
                dt.time(17),
                tzinfo=timezone.get_current_timezone(),
            ),
            anonymous=True,
            created_by=staff,
        )
        _build(end, END)
