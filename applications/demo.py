"""Demo applications: the demo applicant's draft in the open round, about sixty
submitted applications from varied organizations in the open round, and the
past round's applications, each submitted at its time before that round's
deadline, all screened by the same service a real submission uses.

Idempotent: organizations are found by name and applications by (round,
organization); only what is missing is created and submitted.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from dashmentor.demo import at_eastern
from dashmentor.models import Membership, Organization, User
from notifications.demo import dated
from notifications.models import Kind, Message

from . import services
from .models import Application, Contact, Criterion, Question, Round

# (place, state, country) — a territory or two and one organization abroad.
PLACES = [
    ("Riverside", "CA", ""),
    ("Lakewood", "CO", ""),
    ("Fairview", "TN", ""),
    ("Greenville", "SC", ""),
    ("Springfield", "IL", ""),
    ("Franklin", "MA", ""),
    ("Clinton", "IA", ""),
    ("Madison", "WI", ""),
    ("Georgetown", "TX", ""),
    ("Salem", "OR", ""),
    ("Bristol", "CT", ""),
    ("Dover", "DE", ""),
    ("Ashland", "KY", ""),
    ("Burlington", "VT", ""),
    ("Manchester", "NH", ""),
    ("Oxford", "MS", ""),
    ("Jackson", "WY", ""),
    ("Marion", "IN", ""),
    ("Auburn", "AL", ""),
    ("Milford", "MI", ""),
    ("Kingston", "NY", ""),
    ("Newport", "RI", ""),
    ("Hudson", "OH", ""),
    ("Clayton", "MO", ""),
    ("Dayton", "NV", ""),
    ("Lexington", "NC", ""),
    ("Winchester", "VA", ""),
    ("Albany", "GA", ""),
    ("Columbia", "MD", ""),
    ("Arlington", "WA", ""),
    ("Bellevue", "NE", ""),
    ("Cheyenne", "WY", ""),
    ("Fargo", "ND", ""),
    ("Rapid City", "SD", ""),
    ("Anchorage", "AK", ""),
    ("Hilo", "HI", ""),
    ("Boise", "ID", ""),
    ("Billings", "MT", ""),
    ("Santa Fe", "NM", ""),
    ("Tucson", "AZ", ""),
    ("Provo", "UT", ""),
    ("Tulsa", "OK", ""),
    ("Wichita", "KS", ""),
    ("Little Rock", "AR", ""),
    ("Baton Rouge", "LA", ""),
    ("Duluth", "MN", ""),
    ("Erie", "PA", ""),
    ("Trenton", "NJ", ""),
    ("Wheeling", "WV", ""),
    ("Portland", "ME", ""),
    ("Washington", "DC", ""),
    ("Orlando", "FL", ""),
    ("San Juan", "PR", ""),
    ("Hagåtña", "GU", ""),
    ("Charlotte Amalie", "VI", ""),
    ("Toronto", "XX", "Canada"),
    ("Akron", "OH", ""),
    ("Flint", "MI", ""),
    ("Yakima", "WA", ""),
    ("Macon", "GA", ""),
]

# The past round's applicants: other communities, (place, state).
PAST_PLACES = [
    ("Beaufort", "SC"),
    ("Bozeman", "MT"),
    ("Cedar Rapids", "IA"),
    ("Chattanooga", "TN"),
    ("Eau Claire", "WI"),
    ("Flagstaff", "AZ"),
    ("Galveston", "TX"),
    ("Grand Forks", "ND"),
    ("Hattiesburg", "MS"),
    ("Ithaca", "NY"),
    ("Joplin", "MO"),
    ("Kalamazoo", "MI"),
    ("Lafayette", "LA"),
    ("Lowell", "MA"),
    ("Missoula", "MT"),
    ("Muncie", "IN"),
    ("Nampa", "ID"),
    ("Norman", "OK"),
    ("Pueblo", "CO"),
    ("Roanoke", "VA"),
    ("Santa Rosa", "CA"),
    ("Scranton", "PA"),
    ("Sioux City", "IA"),
    ("Spokane", "WA"),
    ("Topeka", "KS"),
    ("Utica", "NY"),
    ("Waco", "TX"),
    ("Asheville", "NC"),
]
# Index offset of the past round's applicants, so their people and numbers
# never meet the open round's.
PAST_OFFSET = 100

# The current round's applicants that were not placed (its cohorts' own
# organizations come from the cohorts demo): (place, state).
CURRENT_PLACES = [
    ("Bangor", "ME"),
    ("Casper", "WY"),
    ("Dubuque", "IA"),
    ("Elmira", "NY"),
    ("Greeley", "CO"),
    ("Laredo", "TX"),
    ("Mankato", "MN"),
    ("Yuma", "AZ"),
]
CURRENT_OFFSET = 200

# (name pattern, organization type, own sector)
KINDS = [
    ("{place} County Health Department", "public", "public_health"),
    ("{place} Community Health Collaborative", "501c3", "human_services"),
    ("United Way of {place}", "501c3", "human_services"),
    ("{place} Regional Medical Center", "501c3", "health_care"),
    ("{place} Housing Authority", "public", "housing"),
    ("{place} Behavioral Health Network", "501c3", "behavioral_health"),
    ("{place} Community Development Corporation", "501c3", "community_development"),
    ("{place} Education Partnership", "501c3", "education"),
    ("{place} Public Library", "public", "education"),
]
# A few organizations that are neither public nor 501(c)(3): criterion 2 fails.
OTHER_TYPE = {17, 44}

PARTNER_KINDS = [
    ("{place} Food Bank", ["human_services"]),
    ("{place} Public Schools", ["education"]),
    ("{place} Police Department", ["public_safety"]),
    ("{place} Transit Agency", ["transportation"]),
    ("{place} Community Hospital", ["health_care"]),
    ("{place} Housing Coalition", ["housing"]),
    ("{place} County Jail Reentry Program", ["criminal_justice"]),
    ("{place} Chamber of Commerce", ["private_sector"]),
    ("{place} Mental Health Center", ["behavioral_health"]),
    ("{place} Public Health District", ["public_health"]),
    ("{place} Neighborhood Development Fund", ["community_development"]),
    ("{place} 2-1-1", ["human_services", "other"]),
]

GOALS = [
    "Build a shared data agreement between our partners so that housing, "
    "shelter and emergency-department records can be matched for people "
    "experiencing homelessness, and use the result to prioritize supportive "
    "housing placements.",
    "Plan a community information exchange with our 2-1-1, clinics and social "
    "service agencies, including governance, consent and a closed-loop referral "
    "workflow that partners agree to pilot.",
    "Design a community health indicator dashboard with residents and partners, "
    "choosing indicators that reflect equity and agreeing how each partner will "
    "share the underlying data every quarter.",
    "Link school attendance, child welfare and public health data to understand "
    "chronic absence and design a joint response with families who have lived "
    "experience of these systems.",
    "Learn how to integrate jail and behavioral health data to find frequent "
    "utilizers and coordinate care on release, and write the data-sharing "
    "agreements this requires.",
]
SHORT_GOALS = ["Learn more about data.", "Data sharing plan for county partners."]

ANSWER_OPENINGS = [
    "Our collaboration has worked for three years on",
    "Partners across the county have asked us to lead",
    "We began with a small pilot on",
    "Residents with lived experience shaped our work on",
    "After a community health needs assessment we focused on",
]
ANSWER_TOPICS = [
    "housing stability and health",
    "care coordination for frequent emergency users",
    "food insecurity among seniors",
    "chronic school absence",
    "reentry after incarceration",
    "maternal and infant health",
]
ANSWER_ENDINGS = [
    "A mentor would help us turn agreements into a working data flow.",
    "We need peers who have solved the governance questions we face now.",
    "We will share templates and lessons through All In and our newsletter.",
    "Our board has committed staff time to sustain the work after the program.",
    "We pay community members for their time on our design team.",
]

TITLES = ["Executive Director", "Program Manager", "Data Analyst", "Director of Policy"]
FIRST = ["Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie"]
LAST = ["Nguyen", "Garcia", "Smith", "Johnson", "Okafor", "Patel", "Kim", "Lopez"]


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

# The same questions in Spanish: key -> (prompt, help text).
QUESTIONS_ES = {
    "need": (
        "¿Por qué su colaboración desea ahora la orientación de un mentor y de "
        "sus pares en la cohorte?",
        "Describa el deseo y la necesidad de mentoría: lo que ha intentado, dónde "
        "se ha estancado y qué podría cambiar un mentor.",
    ),
    "stakeholders": (
        "¿Cómo ha involucrado, o cómo involucrará, a las partes interesadas de la "
        "atención médica, la salud pública, los servicios sociales y otros "
        "sectores?",
        "Nombre a los socios y lo que aporta cada uno; los logros documentados "
        "cuentan.",
    ),
    "equity": (
        "¿Cómo afectarán las actividades propuestas a la equidad, y cómo "
        "involucra usted a los miembros de la comunidad y a las personas con "
        "experiencia vivida de la inequidad?",
        "Se da especial consideración a las colaboraciones que involucran a "
        "miembros de la comunidad y a personas con experiencia vivida.",
    ),
    "data-plan": (
        "¿Cómo contribuirá la mentoría a un plan colaborativo más amplio para "
        "compartir datos y mejorar la salud?",
        "",
    ),
    "sustainability": (
        "¿Qué infraestructura, habilidades o procesos creará o fortalecerá la "
        "mentoría que puedan mantenerse en el tiempo?",
        "",
    ),
    "sharing": (
        "¿Cómo compartirá las lecciones, la experiencia o los productos con la "
        "red All In?",
        "",
    ),
}

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

# What reviewers look for in some criteria, with what the scores mean.
CRITERIA_GUIDES = {
    "need": "Does the applicant say what it cannot do alone, and why a mentor "
    "would help now?\n1: No need stated\n3: A need, but general\n"
    "5: A specific gap a mentor can close this year",
    "stakeholders": "Are partners from several sectors engaged, and how?\n"
    "1: Partners named only\n3: Partners meet now and then\n"
    "5: Partners share decisions and data regularly",
    "equity": "Do people with lived experience shape the work?\n"
    "1: Not addressed\n3: Consulted\n5: Share in decisions",
    "data-plan": "Does the project feed a broader plan to share data across "
    "sectors?\n1: No plan\n5: A plan every partner has agreed to",
}


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
                prompt_es=QUESTIONS_ES[key][0],
                help_text_es=QUESTIONS_ES[key][1] or None,
                word_limit=limit,
            )
        for order, (key, name, weight) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(
                round=round_,
                key=key,
                order=order,
                name=name,
                weight=Decimal(weight),
                description=CRITERIA_GUIDES.get(key, ""),
            )
    return round_


def seed_rounds(ctx) -> None:
    """The three rounds of the demo, with the call's questions and criteria:
    the past round of the seed documents, the current cohorts' and the open one."""
    dates = ctx.dates
    year = dates.past_year
    ctx.rounds["historical"] = ensure_round(
        "round-2",
        name=f"DASH Mentor Program, Round 2 ({year})",
        description="Seven mentorships on multi-sector data sharing, ten months "
        f"from February 1 to November 30, {year}.",
        name_es=f"Programa de Mentoría DASH, convocatoria 2 ({year})",
        description_es="Siete mentorías sobre el intercambio de datos entre "
        f"sectores, diez meses del 1 de febrero al 30 de noviembre de {year}.",
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
        name_es="Programa de Mentoría DASH, cohortes actuales",
        description_es="Las cohortes que están ahora en su año de mentoría.",
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
        name_es=f"Programa de Mentoría DASH, convocatoria {next_feb.year}",
        description_es="Se reciben solicitudes: siete mentorías, hasta treinta "
        "adjudicaciones de $5,000 y diez meses de mentoría.",
        opens_at=at_eastern(dates.open_opens, 0),
        closes_at=at_eastern(dates.open_closes, 15, 30),
        time_zone="America/New_York",
        award_amount=Decimal("5000"),
        awards_count=30,
        blind_review=True,
        contract_start=next_feb,
        contract_end=dt.date(next_feb.year, 11, 30),
    )


def seed(ctx) -> None:
    """The demo applicant's draft, ~60 submitted applications in the open round
    and the past round's applications, screened."""
    _seed_open_round(ctx)
    _seed_closed_round(ctx, "historical", PAST_PLACES, PAST_OFFSET)
    _seed_closed_round(ctx, "current", CURRENT_PLACES, CURRENT_OFFSET)


def _seed_open_round(ctx) -> None:
    round_ = ctx.rounds["open"]
    _seed_demo_draft(ctx, round_)
    _seed_spanish_draft(ctx, round_)
    rng = random.Random(20191223)  # noqa: S311 - reproducible demo data
    mentorships = list(ctx.mentorships["open"].values())
    now = timezone.now()
    applications = []
    created = 0
    for i, (place, state, country) in enumerate(PLACES):
        pattern, org_type, sector = KINDS[i % len(KINDS)]
        if i in OTHER_TYPE:
            pattern, org_type, sector = ("{place} Data Cooperative", "other", "other")
        name = pattern.format(place=place)
        org = _ensure_org(i, name, org_type, sector, place, state, country)
        application = Application.objects.filter(round=round_, organization=org).first()
        if application is None:
            user = _ensure_user(i, org)
            application = _build_application(
                i, rng, round_, org, user, place, mentorships, now=None
            )
            when = max(
                round_.opens_at + dt.timedelta(hours=1),
                now - dt.timedelta(hours=rng.randint(1, 13 * 24)),
            )
            services.application_submit(application=application, by=user, now=when)
            created += 1
        applications.append(application)
    _suppress_invented()
    ctx.applications = [Application.objects.get(pk=a.pk) for a in applications]
    ctx.log.append(
        f"applications: {len(applications)} submitted in the open round "
        f"({created} new), and the demo applicant's draft."
    )


def _seed_closed_round(ctx, key: str, places, offset: int) -> None:
    """A closed round's applications, each written and submitted in its
    window, dated then."""
    round_ = ctx.rounds.get(key)
    if round_ is None:
        return
    rng = random.Random(f"{key}-{round_.closes_at.year}")  # noqa: S311 - demo
    mentorships = list(ctx.mentorships[key].values())
    window = (round_.closes_at - round_.opens_at).total_seconds()
    applications, created = [], 0
    for n, (place, state) in enumerate(places):
        i = offset + n
        pattern, org_type, sector = KINDS[n % len(KINDS)]
        if n == 11:  # neither a public entity nor a 501(c)(3)
            pattern, org_type, sector = ("{place} Data Cooperative", "other", "other")
        org = _ensure_org(
            i, pattern.format(place=place), org_type, sector, place, state, ""
        )
        application = Application.objects.filter(round=round_, organization=org).first()
        if application is None:
            user = _ensure_user(i, org)
            # Most come in during the last week, a few on the last afternoon.
            share = 0.999 - rng.random() ** 2 * 0.9
            when = round_.opens_at + dt.timedelta(seconds=window * share)
            with dated(when):
                # A round of practised applicants: most list three or four
                # partners.
                application = _build_application(
                    i,
                    rng,
                    round_,
                    org,
                    user,
                    place,
                    mentorships,
                    now=when,
                    partners=(3, 4),
                )
                services.application_submit(application=application, by=user, now=when)
            Application.objects.filter(pk=application.pk).update(
                created_at=when - dt.timedelta(days=rng.randint(2, 12))
            )
            created += 1
        applications.append(application)
    ctx.log.append(
        f"applications: {len(applications)} in {round_.name} ({created} new)."
    )


def _suppress_invented() -> None:
    """The demo's own confirmation e-mails are not sent to invented addresses."""
    Message.objects.filter(
        kind=Kind.SUBMISSION_CONFIRMATION,
        to_email__endswith="@applicants.dash.test",
        status=Message.Status.PENDING,
    ).update(status=Message.Status.SUPPRESSED, last_error="demo data: not sent")


def _ensure_org(i, name, org_type, sector, place, state, country) -> Organization:
    org = Organization.objects.filter(name=name).first()
    if org is not None:
        return org
    # A few nonprofits forget their EIN: criterion 2 then fails.
    ein = (
        ""
        if org_type == "501c3" and i % 18 == 5
        else f"{10 + i % 89:02d}-{4200000 + i:07d}"
    )
    return Organization.objects.create(
        name=name,
        kind=Organization.Kind.APPLICANT,
        org_type=org_type,
        sector=sector,
        ein=ein if org_type != "public" else "",
        address_line1=f"{100 + i} Main Street",
        city=place,
        state=state,
        country=country or "United States",
        postal_code="" if state == "XX" else f"{10000 + i * 37:05d}",
        website=f"https://{name.lower().replace(' ', '-')[:40]}.example.org",
    )


def _ensure_user(i, org) -> User:
    email = f"lead{i:02d}@applicants.dash.test"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            full_name=f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}",
            title=TITLES[i % len(TITLES)],
            email_confirmed_at=timezone.now(),
        )
        user.set_unusable_password()  # demo applicants do not sign in
        user.save()
    Membership.objects.get_or_create(
        user=user, organization=org, defaults={"role": Membership.Role.ADMIN}
    )
    return user


def _answer(rng, org_name, limit):
    text = (
        f"{rng.choice(ANSWER_OPENINGS)} {rng.choice(ANSWER_TOPICS)} with "
        f"{org_name} and its partners. {rng.choice(ANSWER_ENDINGS)} "
        f"{rng.choice(ANSWER_ENDINGS)}"
    )
    return " ".join(text.split()[:limit])


def _build_application(
    i, rng, round_, org, user, place, mentorships, *, now=None, partners=(2, 4)
):
    application = Application.objects.create(
        round=round_,
        organization=org,
        created_by=user,
        collaboration_name=f"Healthy {place} Partnership",
        # Every fifteenth collaboration is neither a member nor a convener.
        collaboration_status=(
            "neither" if i % 15 == 7 else ("convene" if i % 4 == 0 else "member")
        ),
        learning_goal=(SHORT_GOALS[i % 2] if i % 13 == 3 else GOALS[i % len(GOALS)]),
        all_in_profile="has" if i % 3 == 0 else "agrees",
        state=org.state,
    )
    _contacts_create(application, i, user)
    # Partners: usually three in varied sectors; every eleventh in only one
    # other sector, and health-care applicants sometimes lean on health care.
    count = 1 if i % 11 == 4 else rng.randint(*partners)
    kinds = rng.sample(PARTNER_KINDS, count)
    if org.sector == "health_care" and i % 2 == 1:
        kinds = [PARTNER_KINDS[4], PARTNER_KINDS[5]]
    listed = [
        {"name": pattern.format(place=place), "sectors": sectors, "role": ""}
        for pattern, sectors in kinds
    ]
    services.application_collaboration_save(
        application=application,
        by=user,
        name=application.collaboration_name,
        status=application.collaboration_status,
        description="",
        partners=listed,
        now=now,
    )
    services.application_answers_save(
        application=application,
        by=user,
        answers={
            q.pk: _answer(rng, org.name, q.word_limit) for q in round_.questions.all()
        },
        now=now,
    )
    ranked = rng.sample(mentorships, rng.randint(1, min(4, len(mentorships))))
    services.application_preferences_save(
        application=application,
        by=user,
        mentorship_ids=[m.pk for m in ranked],
        now=now,
    )
    return application


def _contacts_create(application, i, user) -> None:
    """The primary contact (the applicant) and a secondary one."""
    Contact.objects.bulk_create(
        [
            Contact(
                application=application,
                kind=Contact.Kind.PRIMARY,
                name=user.full_name,
                title=user.title,
                email=user.email,
                phone=f"555-01{i:02d}",
            ),
            Contact(
                application=application,
                kind=Contact.Kind.SECONDARY,
                name=f"{FIRST[(i + 3) % len(FIRST)]} {LAST[(i + 1) % len(LAST)]}",
                title="Program Coordinator",
                email=f"second{i:02d}@applicants.dash.test",
                phone=f"555-02{i:02d}",
            ),
        ]
    )


def _seed_demo_draft(ctx, round_) -> None:
    """Morgan Hale's draft: some sections done, some missing, to continue."""
    user = ctx.users["applicant"]
    if Application.objects.filter(
        round=round_, organization__memberships__user=user
    ).exists():
        return
    application = services.application_start(round=round_, by=user)
    services.application_contacts_save(
        application=application,
        by=user,
        primary={
            "name": user.full_name,
            "title": user.title,
            "email": user.email,
            "phone": "740-555-0142",
            "from_lead_organization": True,
        },
        secondary={
            "name": "Devon Park",
            "title": "Epidemiologist",
            "email": "devon.park@riverbend.example.org",
            "phone": "740-555-0143",
            "from_lead_organization": True,
        },
        team=[],
    )
    services.application_collaboration_save(
        application=application,
        by=user,
        name="Riverbend Health Equity Alliance",
        status="member",
        description="Twelve partners, meeting monthly for six years now.",
        partners=[
            {
                "name": "Riverbend Housing Authority",
                "sectors": ["housing"],
                "role": "Shares shelter and voucher data",
            },
            {
                "name": "Riverbend City Schools",
                "sectors": ["education"],
                "role": "Attendance and school nurse data",
            },
        ],
    )
    services.application_fields_save(
        application=application, by=user, data={"learning_goal": GOALS[0]}
    )


# The Puerto Rico applicant's draft, written in Spanish: answers by question key.
SPANISH_ANSWERS = {
    "need": "Nuestra coalición reúne a doce organizaciones del Valle del Turabo, "
    "pero cada una guarda sus datos por separado. Hemos firmado cartas de "
    "intención, aunque no logramos convertirlas en un flujo de datos que "
    "funcione. Un mentor nos ayudaría a diseñar la gobernanza y los acuerdos "
    "que nos faltan, y la cohorte nos daría ejemplos de comunidades que ya lo "
    "lograron.",
    "stakeholders": "Participan el centro de salud 330 de Caguas, el "
    "Departamento de Salud, dos organizaciones de vivienda, el distrito escolar "
    "y una red de líderes comunitarios. Nos reunimos cada mes desde el huracán "
    "María y hemos coordinado juntos la respuesta a emergencias.",
    "equity": "Un comité de residentes de las comunidades más afectadas revisa "
    "cada decisión y recibe un estipendio por su tiempo. Las prioridades del "
    "plan de trabajo salieron de sus conversaciones.",
}
SPANISH_DRAFT = {
    "collaboration": "Alianza de Datos para la Salud del Valle del Turabo",
    "description": "Doce socios que se reúnen cada mes para compartir información "
    "sobre salud, vivienda y educación en la región de Caguas.",
    "learning_goal": "Diseñar los acuerdos y la gobernanza para compartir datos de "
    "salud y de vivienda entre nuestros socios, con la participación de la "
    "comunidad.",
    "secondary": {
        "name": "Javier Colón Santiago",
        "title": "Analista de datos",
        "email": "javier.colon@saludturabo.example.org",
        "phone": "787-555-0119",
        "from_lead_organization": True,
    },
    "partners": [
        {
            "name": "Centro de Salud Familiar del Turabo",
            "sectors": ["health_care"],
            "role": "Comparte datos de visitas y de diagnósticos",
        },
        {
            "name": "Oficina de Vivienda Municipal de Caguas",
            "sectors": ["housing"],
            "role": "Comparte datos de vivienda y de albergues",
        },
        {
            "name": "Distrito Escolar de Caguas",
            "sectors": ["education"],
            "role": "Datos de asistencia escolar",
        },
    ],
}


def _seed_spanish_draft(ctx, round_) -> None:
    """Marisol Rivera Ortiz's draft, begun in Spanish: the collaboration, the
    learning goal, three answers and two ranked mentorships."""
    user = ctx.users.get("applicant-es")
    if (
        user is None
        or Application.objects.filter(
            round=round_, organization__memberships__user=user
        ).exists()
    ):
        return
    application = services.application_start(round=round_, by=user)
    services.application_contacts_save(
        application=application,
        by=user,
        primary={
            "name": user.full_name,
            "title": user.title,
            "email": user.email,
            "phone": "787-555-0118",
            "from_lead_organization": True,
        },
        secondary=SPANISH_DRAFT["secondary"],
        team=[],
    )
    services.application_collaboration_save(
        application=application,
        by=user,
        name=SPANISH_DRAFT["collaboration"],
        status="member",
        description=SPANISH_DRAFT["description"],
        partners=SPANISH_DRAFT["partners"],
    )
    services.application_fields_save(
        application=application,
        by=user,
        data={"learning_goal": SPANISH_DRAFT["learning_goal"]},
    )
    questions = {q.key: q.pk for q in round_.questions.all()}
    services.application_answers_save(
        application=application,
        by=user,
        answers={
            questions[key]: text
            for key, text in SPANISH_ANSWERS.items()
            if key in questions
        },
    )
    ranked = [ctx.mentorships["open"][slug] for slug in ("211-san-diego", "csh")]
    services.application_preferences_save(
        application=application, by=user, mentorship_ids=[m.pk for m in ranked]
    )
