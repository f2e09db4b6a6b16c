"""Demo data of close-out.

The past round is carried to its close: each organization's award letter
issued before the contract began, accepted by its primary contact and
countersigned; both payments made; its final report filed after the year,
commented by its mentor and accepted; its mentors' toolkits published in the
resource library. Everything goes through the services, dated when it
happened (``notifications.demo.dated``).

The current round is midway: a schedule of three tranches (on signing, once
the work plan is approved, on the final report); every letter countersigned
but the demo mentee's, which waits for its acceptance; the first tranches
paid; of the work-plan tranches one paid and two due; two mentees' products
published and a mentor's resource waiting for review.

The library names the organizations that made a resource: the demo shares
only the products of organizations that no external reviewer read blind
(``tests/applications/test_blind_review.py`` reads every page they reach).

Idempotent: a round whose awards have letters is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from applications.models import Award
from cohorts.models import CohortMember
from dashmentor.demo import EASTERN, DemoContext
from dashmentor.models import AuditEvent, Organization
from notifications.demo import dated

from . import defaults, selectors, services
from .models import AwardLetter, Payment, Resource, Tranche

CURRENT_SCHEDULE = [
    {
        "label": "On signing the contract",
        "percent": Decimal("40"),
        "requires_letter": True,
        "requires_workplan": False,
        "requires_report": False,
    },
    {
        "label": "Work plan approved",
        "percent": Decimal("30"),
        "requires_letter": True,
        "requires_workplan": True,
        "requires_report": False,
    },
    {
        "label": "Final report accepted",
        "percent": Decimal("30"),
        "requires_letter": False,
        "requires_workplan": False,
        "requires_report": True,
    },
]

# The letter template's Spanish, beside the English the round starts with
# (``defaults``): an organization whose contact reads Spanish gets its letter
# in Spanish.
LETTER_SUBJECT_ES = "Su adjudicación del Programa de Mentoría DASH"
LETTER_BODY_ES = """Estimado equipo de {organization}:

¡Felicidades! En nombre de Data Across Sectors for Health (DASH) y de su \
Oficina Nacional del Programa, nos complace otorgar a {organization} una \
adjudicación de {amount} para participar en el {round}, en la mentoría \
“{mentorship}” dirigida por {mentor}.

La adjudicación cubre el tiempo de su personal en las actividades de la \
mentoría (el seminario web de inicio, los seminarios web de la cohorte, las \
reuniones de seguimiento y los períodos de acción) y los viajes a las reuniones \
presenciales de su cohorte. El contrato va del {contract_start} al \
{contract_end}. Su informe final vence el {report_due}.

Acepte esta carta en el portal, o suba una copia firmada por el representante \
autorizado de su organización. Cuando la oficina del programa la refrende, su \
contrato entra en vigor y se puede hacer el primer pago."""
EXPECTATIONS_ES = "\n".join(
    [
        "Asistir al seminario web de inicio de su cohorte.",
        "Completar un plan de trabajo con una o dos metas, sus actividades y un "
        "calendario.",
        "Identificar, documentar y medir el avance hacia una meta individual.",
        "Participar en los seminarios web de la cohorte, cada dos o tres meses.",
        "Asistir a las reuniones de seguimiento individuales con su mentor y "
        "completar las actividades de cada período de acción.",
        "Completar la Evaluación de capacidad All In al inicio, y las encuestas de "
        "mitad y de fin del programa.",
        "Informar a la oficina del programa de todo cambio en las personas que "
        "participan.",
        "Compartir sus lecciones, productos y recursos con la red All In, y "
        "presentar un informe final.",
    ]
)
LINK_TITLES_ES = [
    "Su perfil de All In",
    "Su mentoría en el portal",
    "Sus encuestas, primero la evaluación de capacidad",
    "Grupos de afinidad",
    "La biblioteca de recursos",
]

ANSWERS = {
    "changes": "We set out to bring our health, housing and human-service "
    "partners to one data table. By the end of the year six partners share "
    "data under one agreement, and our coordinated-entry meetings start from "
    "the same numbers.",
    "partners": "Partners from four sectors met monthly; two residents with "
    "lived experience of homelessness sat on the data committee and chose "
    "which indicators we publish.",
    "sustain": "The signed agreement, the monthly data forum (now chaired by "
    "the county) and the dashboard, which the county's analyst maintains.",
    "sharing": "We presented at the cohort's last webinar and posted our "
    "agreement template and dashboard guide in the All In library.",
}
LESSONS = (
    "Start with the agreement, not the technology: once the partners agreed "
    "on why they share, the data work took weeks rather than months. Bring "
    "residents in from the first meeting."
)
MENTOR_COMMENT = (
    "A year of steady progress: the agreement is signed and in use, and the "
    "dashboard answers the residents' questions. Ready to share with the field."
)

PRODUCTS = [
    (
        "Multi-sector data-sharing agreement template",
        "The agreement six partners (a health department, two housing "
        "providers, a hospital, a 2-1-1 and a school district) signed, with "
        "notes on each clause and what each partner asked to change.",
        Resource.Kind.TEMPLATE,
        ["Data sharing infrastructure", "Housing and homelessness"],
        ["public_health", "housing", "health_care"],
    ),
    (
        "Choosing community indicators with residents: a facilitation guide",
        "How a resident council chose five neighborhood indicators in three "
        "sessions: agendas, the voting exercise and what we would change.",
        Resource.Kind.TOOLKIT,
        ["Community engagement", "Community indicators"],
        ["community_development", "public_health"],
    ),
    (
        "Linking HMIS and hospital data: lessons learned",
        "A case study of matching homeless-services records with emergency "
        "department visits, the consent model used and the first findings.",
        Resource.Kind.CASE_STUDY,
        ["Housing and homelessness", "Health care linkages"],
        ["housing", "health_care", "human_services"],
    ),
]


def _terms_in_spanish(round_, staff) -> None:
    """Give the round's letter template its Spanish, through the service."""
    terms = services.terms_for(round_)
    addresses = [
        line.split("|", 1)[1].strip() for line in defaults.links().splitlines()
    ]
    values = {field: getattr(terms, field) for field in services.TERMS_FIELDS}
    values.update(
        letter_subject_es=LETTER_SUBJECT_ES,
        letter_body_es=LETTER_BODY_ES,
        expectations_es=EXPECTATIONS_ES,
        getting_started_es="\n".join(
            f"{title} | {address}"
            for title, address in zip(LINK_TITLES_ES, addresses, strict=True)
        ),
    )
    services.terms_save(round_=round_, by=staff, **values)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=EASTERN)


def _contact(award) -> CohortMember | None:
    return (
        award.members.filter(role=CohortMember.Role.PRIMARY, active=True)
        .select_related("user")
        .first()
    )


def _sign(award, staff, *, issued: dt.datetime, accept=True, countersign=True):
    contact = _contact(award)
    with dated(issued):
        letter = services.letter_issue(
            award=award, by=staff, expected_number=0, now=issued
        )
    if not accept or contact is None or contact.user is None:
        return letter
    accepted = issued + dt.timedelta(days=3)
    with dated(accepted):
        services.letter_accept(letter=letter, by=contact.user, now=accepted)
    if countersign:
        signed = issued + dt.timedelta(days=5)
        with dated(signed):
            services.letter_countersign(letter=letter, by=staff, now=signed)
    return letter


def _pay(tranche: Tranche, staff, day: dt.date, reference: str) -> None:
    moment = _at(day, 15)
    with dated(moment):
        payment = services.payment_record(
            tranche=tranche,
            amount=tranche.amount,
            paid_on=day,
            reference=reference,
            by=staff,
        )
    Payment.objects.filter(pk=payment.pk).update(recorded_at=moment)


def _make_due(award, at: dt.datetime) -> None:
    with dated(at):
        services.tranches_update(award=award, now=at)


def _report_data(award) -> dict:
    structure = selectors.report_structure(award)
    goals = {}
    for index, (key, _title) in enumerate(structure.goals):
        goals[key] = (
            {"met": "met", "why": ""}
            if index == 0 or award.pk % 3
            else {
                "met": "partly",
                "why": "Two neighborhoods are live; the third waits for its "
                "school district's data, promised for the spring.",
            }
        )
    return {
        "answers": {
            q.key: ANSWERS.get(q.key, ANSWERS["changes"]) for q in structure.questions
        },
        "goals": goals,
        "measures": {
            m.key: {
                "final": str(m.latest if m.latest is not None else m.target),
                "note": "",
            }
            for m in structure.measure_rows
        },
        "lessons": LESSONS,
        "products": "\n".join(title for title, *_rest in PRODUCTS[:2]),
    }


def seed(ctx: DemoContext) -> None:
    _seed_past(ctx)
    _seed_current(ctx)


def _seed_past(ctx: DemoContext) -> None:
    round_ = ctx.rounds.get("historical")
    staff = ctx.users.get("staff")
    if round_ is None or staff is None:
        return
    awards = list(
        Award.objects.filter(
            application__round=round_,
            status__in=[Award.Status.ENDED, Award.Status.CONTRACTED],
        )
        .select_related("application__organization", "mentorship")
        .order_by("mentorship__order", "application__organization__name")
    )
    if not awards or AwardLetter.objects.filter(award__in=awards).exists():
        return
    _terms_in_spanish(round_, staff)
    services.report_questions_for(round_)
    start, end = round_.contract_start, round_.contract_end
    # The library credits its organizations by name; the demo shares the
    # products of organizations that no external reviewer read blind.
    sharing = [a.pk for a in awards if _may_credit(a)][: len(PRODUCTS)]
    published = 0
    for index, award in enumerate(awards):
        product = PRODUCTS[sharing.index(award.pk)] if award.pk in sharing else None
        published += _past_award_close(
            award, staff, index=index, start=start, end=end, product=product
        )
    published += _mentor_products_publish(
        ctx, staff, at=_at(end + dt.timedelta(days=40))
    )
    ctx.log.append(
        f"Close-out: {round_.name}: {len(awards)} letters countersigned, every "
        f"payment made, final reports accepted, {published} resources published "
        f"({reverse('resources:list')})."
    )


def _past_award_close(award, staff, *, index, start, end, product) -> int:
    """Replay one past award's year; return how many resources it published."""
    _past_contract(award, staff, index=index, start=start)
    contact = _contact(award)
    mentor = award.mentorship.mentors.first()
    if contact is None or contact.user is None or mentor is None:
        return 0
    decided = _past_report(
        award, staff, by=contact.user, mentor=mentor, index=index, end=end
    )
    if product is None:
        return 0
    return _resource(
        award=award,
        by=contact.user,
        staff=staff,
        spec=product,
        at=decided + dt.timedelta(days=2),
    )


def _past_contract(award, staff, *, index, start) -> None:
    """Contract the award again, sign its letter and pay its first tranche."""
    # The year is replayed from the contract on: the award was contracted
    # when its letter was countersigned, and ends with its final report.
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CONTRACTED)
    AuditEvent.objects.filter(
        action="award.status", object_id=str(award.pk), after__status="ended"
    ).delete()
    award.refresh_from_db()
    _sign(award, staff, issued=_at(start - dt.timedelta(days=21)))
    _make_due(award, _at(start + dt.timedelta(days=40)))
    first = award.tranches.get(number=1)
    if first.status == Tranche.Status.DUE:
        _pay(
            first,
            staff,
            start + dt.timedelta(days=52),
            f"ACH-{start.year}-{100 + index}",
        )


def _past_report(award, staff, *, by, mentor, index, end) -> dt.datetime:
    """File, comment and accept the final report, then pay the last tranche.

    Return when the report was accepted.
    """
    filed = _at(end + dt.timedelta(days=18), 14)
    with dated(filed):
        services.report_save(award=award, data=_report_data(award), by=by)
        services.report_submit(award=award, by=by, now=filed)
    commented = filed + dt.timedelta(days=4)
    with dated(commented):
        services.report_comment(
            award=award, comment=MENTOR_COMMENT, by=mentor, now=commented
        )
    decided = filed + dt.timedelta(days=9)
    with dated(decided):
        services.report_decide(
            award=award,
            accept=True,
            note="Thank you: accepted, with the products for the library.",
            by=staff,
            now=decided,
        )
    last = award.tranches.get(number=2)
    if last.status == Tranche.Status.DUE:
        _pay(
            last,
            staff,
            decided.date() + dt.timedelta(days=12),
            f"ACH-{end.year + 1}-{200 + index}",
        )
    return decided


def _mentor_products_publish(ctx: DemoContext, staff, *, at) -> int:
    """Publish each past mentorship's toolkit; return how many were new."""
    published = 0
    for slug, spec in MENTOR_PRODUCTS.items():
        mentor = ctx.users.get(f"mentor-{slug}")
        if mentor is not None:
            published += _resource(
                award=None,
                by=mentor,
                staff=staff,
                spec=spec,
                at=at,
                mentorship=ctx.mentorships.get("historical", {}).get(slug),
            )
    return published


def _may_credit(award) -> bool:
    """Whether the library may name the award's organization in the demo: no
    external reviewer read one of its applications blind."""
    from applications.models import ReviewAssignment

    return not ReviewAssignment.objects.filter(
        application__organization=award.application.organization,
        application__round__blind_review=True,
        reviewer__is_external_reviewer=True,
    ).exists()


MENTOR_PRODUCTS = {
    "civic-canopy": (
        "The Community Learning Model: a toolkit for data-driven community priorities",
        "Results-based accountability, stakeholder dialogue and choosing "
        "community health indicators, as taught in the Civic Canopy mentorship: "
        "slides, worksheets and facilitator notes.",
        Resource.Kind.TOOLKIT,
        ["Community engagement", "Community indicators"],
        ["community_development", "public_health", "other"],
    ),
    "211-san-diego": (
        "Community Information Exchange readiness checklist",
        "The checklist the cohort used to judge its readiness for a Community "
        "Information Exchange: partners, governance, legal framework, data "
        "systems, workflows and sustainability.",
        Resource.Kind.TOOLKIT,
        ["Care coordination", "Data sharing infrastructure"],
        ["human_services", "health_care"],
    ),
    "core": (
        "Writing a data-driven use case: a template",
        "How the CORE cohort framed a policy question, the data it needs across "
        "sectors and the analysis plan, with two worked examples.",
        Resource.Kind.TEMPLATE,
        ["Research and analytics"],
        ["health_care", "public_health"],
    ),
}


def _resource(*, award, by, staff, spec, at, mentorship=None) -> int:
    title, summary, kind, topics, sectors = spec
    if Resource.objects.filter(title=title).exists():
        return 0
    orgs = (
        [award.application.organization]
        if award is not None
        else list(Organization.objects.filter(memberships__user=by))
    )
    with dated(at):
        resource = services.resource_save(
            by=by,
            award=award,
            mentorship=mentorship,
            organizations=orgs,
            title=title,
            summary=summary,
            kind=kind,
            link="https://allin.healthdoers.org/",
            topics=topics,
            sectors=sectors,
            license=Resource.License.CC_BY,
            authors=by.get_full_name(),
        )
        services.resource_submit(resource=resource, by=by)
    reviewed = at + dt.timedelta(days=3)
    with dated(reviewed):
        services.resource_review(
            resource=resource, publish=True, note="", by=staff, now=reviewed
        )
    Resource.objects.filter(pk=resource.pk).update(created_at=at)
    return 1


def _seed_current(ctx: DemoContext) -> None:
    round_ = ctx.rounds.get("current")
    staff = ctx.users.get("staff")
    if round_ is None or staff is None:
        return
    awards = list(
        Award.objects.filter(application__round=round_, status=Award.Status.CONTRACTED)
        .select_related("application__organization", "mentorship")
        .order_by("mentorship__order", "application__organization__name")
    )
    if not awards or AwardLetter.objects.filter(award__in=awards).exists():
        return
    if not round_.payment_terms.exists():
        services.schedule_save(round_=round_, terms=CURRENT_SCHEDULE, by=staff)
    _terms_in_spanish(round_, staff)
    services.report_questions_for(round_)
    mentee = ctx.users.get("mentee")
    waiting_plan_tranches = _current_sign_and_pay(
        awards, staff, mentee=mentee, start=round_.contract_start, today=ctx.today
    )
    _current_products_publish(awards, staff, mentee=mentee)
    mentor = ctx.users.get("mentor-csh")
    if mentor is not None and not Resource.objects.filter(submitted_by=mentor).exists():
        _mentor_resource_submit(ctx, mentor)
    ctx.log.append(
        f"Close-out: {round_.name}: letters countersigned (the demo mentee's "
        f"waits for acceptance), first payments made, "
        f"{max(waiting_plan_tranches - 1, 0)} work-plan payments due; staff see "
        f"them at {reverse('awards:payments', args=[round_.pk])}."
    )


def _current_sign_and_pay(awards, staff, *, mentee, start, today) -> int:
    """Sign every letter but the demo mentee's and pay the first tranches.

    One work-plan tranche is paid; return how many work-plan tranches became
    due.
    """
    waiting_plan_tranches = 0
    for index, award in enumerate(awards):
        contact = _contact(award)
        is_demo_mentee = (
            contact is not None and mentee is not None and contact.user_id == mentee.pk
        )
        _sign(
            award,
            staff,
            issued=_at(start - dt.timedelta(days=14)),
            accept=not is_demo_mentee,
        )
        if is_demo_mentee:
            continue  # the demo mentee has its letter to accept
        first = award.tranches.get(number=1)
        if first.status == Tranche.Status.DUE:
            _pay(
                first,
                staff,
                start + dt.timedelta(days=10),
                f"ACH-{start.year}-{300 + index}",
            )
        second = award.tranches.get(number=2)
        if second.status == Tranche.Status.DUE:
            # One work-plan payment made; the others wait for staff.
            if waiting_plan_tranches == 0:
                _pay(
                    second,
                    staff,
                    today - dt.timedelta(days=20),
                    f"ACH-{start.year}-{400 + index}",
                )
            waiting_plan_tranches += 1
    return waiting_plan_tranches


def _current_products_publish(awards, staff, *, mentee) -> int:
    """Publish two mentees' products (not the demo mentee's); return how many."""
    shared = 0
    for index, award in enumerate(a for a in awards if _may_credit(a)):
        contact = _contact(award)
        if index >= 2 or contact is None or contact.user is None:
            continue
        if contact.user_id == getattr(mentee, "pk", None):
            continue
        shared += _resource(
            award=award,
            by=contact.user,
            staff=staff,
            spec=PRODUCTS[index],
            at=timezone.now() - dt.timedelta(days=30 - 10 * index),
        )
    return shared


def _mentor_resource_submit(ctx: DemoContext, mentor) -> None:
    """A mentor's starter kit, submitted and waiting for the office's review."""
    with dated(timezone.now() - dt.timedelta(days=3)):
        resource = services.resource_save(
            by=mentor,
            mentorship=ctx.mentorships.get("current", {}).get("csh"),
            organizations=list(
                ctx.mentor_orgs.get(slug)
                for slug in ["csh"]
                if ctx.mentor_orgs.get(slug)
            ),
            title="Coordinated entry and health data: a starter kit",
            summary="What a Continuum of Care needs to link its HMIS with "
            "health data: the questions to ask, the agreements, and an "
            "open-source matching tool.",
            kind=Resource.Kind.TOOLKIT,
            link="https://allin.healthdoers.org/",
            topics=["Housing and homelessness", "Health care linkages"],
            sectors=["housing", "health_care"],
            license=Resource.License.CC_BY_SA,
            authors=mentor.get_full_name(),
        )
        services.resource_submit(resource=resource, by=mentor)
