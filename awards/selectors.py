"""Reads of close-out shared by views, services and reports: each page's rows
in a fixed number of queries, whatever the number of awards."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from applications.models import Award, Round
from cohorts.models import Goal, Measure, ProgressEntry, WorkPlan

from . import defaults, rules
from .models import (
    AwardLetter,
    FinalReport,
    PaymentTerm,
    ReportQuestion,
    Resource,
    RoundTerms,
    Tranche,
)

ZERO = Decimal("0.00")


def terms_of(round_: Round) -> RoundTerms:
    """The round's terms, or the defaults (unsaved) when none were set."""
    terms = RoundTerms.objects.filter(round=round_).first()
    return terms or RoundTerms(round=round_, **defaults.terms_defaults())


def schedule_of(round_: Round) -> list[PaymentTerm]:
    """The round's payment schedule, or the default one (unsaved)."""
    terms = list(PaymentTerm.objects.filter(round=round_).order_by("order"))
    if terms:
        return terms
    return [
        PaymentTerm(
            round=round_,
            order=order,
            label=label,
            percent=percent,
            requires_letter=letter,
            requires_workplan=plan,
            requires_report=report,
        )
        for order, (label, percent, letter, plan, report) in enumerate(
            defaults.SCHEDULE, start=1
        )
    ]


def report_questions_of(round_: Round) -> list[ReportQuestion]:
    """The round's final-report questions, or the default ones (unsaved)."""
    questions = list(ReportQuestion.objects.filter(round=round_).order_by("order"))
    if questions:
        return questions
    return [
        ReportQuestion(round=round_, key=key, order=order, prompt=prompt, help_text=h)
        for order, (key, prompt, h) in enumerate(defaults.REPORT_QUESTIONS, start=1)
    ]


def rounds_with_awards() -> list[Round]:
    return list(
        Round.objects.filter(mentorships__awards__isnull=False)
        .distinct()
        .order_by("-contract_start")
    )


# --- letters ---


def current_letter(award: Award) -> AwardLetter | None:
    return (
        AwardLetter.objects.filter(award=award)
        .exclude(status=AwardLetter.Status.SUPERSEDED)
        .select_related("document", "signed_copy", "accepted_by", "countersigned_by")
        .first()
    )


def letters_of(award: Award) -> list[AwardLetter]:
    return list(
        AwardLetter.objects.filter(award=award)
        .select_related("document", "signed_copy", "accepted_by", "countersigned_by")
        .order_by("-number")
    )


# --- the close-out board of a round ----------------------------------------------


@dataclass
class AwardRow:
    award: Award
    letter: AwardLetter | None
    tranches: list[Tranche]
    report: FinalReport | None
    workplan_status: str

    @property
    def paid(self) -> Decimal:
        return sum(
            (
                t.payment.amount
                for t in self.tranches
                if t.status == Tranche.Status.PAID
            ),
            ZERO,
        )

    @property
    def due(self) -> list[Tranche]:
        return [t for t in self.tranches if t.status == Tranche.Status.DUE]


def closeout_rows(round_: Round) -> list[AwardRow]:
    """Every award of the round with its letter, tranches and report: four
    queries whatever the size."""
    awards = (
        Award.objects.filter(application__round=round_)
        .select_related(
            "application__organization",
            "mentorship__mentor_organization",
            "final_report",
            "workplan",
        )
        .prefetch_related(
            Prefetch(
                "letters",
                queryset=AwardLetter.objects.exclude(
                    status=AwardLetter.Status.SUPERSEDED
                ),
                to_attr="current_letters",
            ),
            Prefetch(
                "tranches",
                queryset=Tranche.objects.select_related("payment").order_by("number"),
                to_attr="tranche_list",
            ),
        )
        .order_by("mentorship__order", "application__organization__name")
    )
    rows = []
    for award in awards:
        workplan = getattr(award, "workplan", None)
        rows.append(
            AwardRow(
                award=award,
                letter=award.current_letters[0] if award.current_letters else None,
                tranches=award.tranche_list,
                report=getattr(award, "final_report", None),
                workplan_status=workplan.get_status_display() if workplan else "",
            )
        )
    return rows


# --- payments ---


@dataclass
class PaymentSummary:
    budget: Decimal
    budget_awards: int
    awards: int
    awarded: Decimal
    paid: Decimal
    due: Decimal
    pending: Decimal
    stopped: Decimal

    @property
    def outstanding(self) -> Decimal:
        """Awarded and not yet paid (stopped tranches are not owed)."""
        return self.awarded - self.paid - self.stopped

    @property
    def unallocated(self) -> Decimal:
        return self.budget - self.awarded


def payment_summaries(rounds: list[Round]) -> dict[int, PaymentSummary]:
    """What each round owes and paid against its budget: three queries for any
    number of rounds."""
    ids = [r.pk for r in rounds]
    active = {
        row["application__round"]: row
        for row in Award.objects.filter(
            application__round__in=ids, status__in=Award.ACTIVE
        )
        .values("application__round")
        .annotate(count=Count("id"), amount=Sum("amount"))
    }
    by_status: dict[tuple[int, str], Decimal] = {
        (row["award__application__round"], row["status"]): row["total"]
        for row in Tranche.objects.filter(award__application__round__in=ids)
        .values("award__application__round", "status")
        .annotate(total=Sum("amount"))
    }
    paid = dict(
        Tranche.objects.filter(
            award__application__round__in=ids, status=Tranche.Status.PAID
        )
        .values("award__application__round")
        .annotate(total=Sum("payment__amount"))
        .values_list("award__application__round", "total")
    )

    def money(value) -> Decimal:
        # Sums come back without their scale on SQLite: all in cents here.
        return rules.cents(value or ZERO)

    return {
        r.pk: PaymentSummary(
            budget=money(r.award_amount * r.awards_count),
            budget_awards=r.awards_count,
            awards=active.get(r.pk, {}).get("count") or 0,
            awarded=money(active.get(r.pk, {}).get("amount")),
            paid=money(paid.get(r.pk)),
            due=money(by_status.get((r.pk, Tranche.Status.DUE))),
            pending=money(by_status.get((r.pk, Tranche.Status.PENDING))),
            stopped=money(by_status.get((r.pk, Tranche.Status.STOPPED))),
        )
        for r in rounds
    }


def payment_summary(round_: Round) -> PaymentSummary:
    return payment_summaries([round_])[round_.pk]


def tranche_list(round_: Round, *, status: str = ""):
    """The round's tranches with their award and payment, due first."""
    qs = (
        Tranche.objects.filter(award__application__round=round_)
        .select_related(
            "award__application__organization",
            "award__mentorship__mentor_organization",
            "payment__recorded_by",
        )
        .order_by("award__application__organization__name", "number")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


# --- final reports ---


@dataclass
class MeasureRow:
    key: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None


@dataclass
class ReportStructure:
    """What an award's final report asks: the round's questions, the work
    plan's goals and the success goal's measures with their last progress."""

    questions: list[ReportQuestion]
    goal_rows: list[Goal]
    measure_rows: list[MeasureRow] = field(default_factory=list)

    @property
    def question_specs(self) -> list[rules.QuestionSpec]:
        return [
            rules.QuestionSpec(q.key, q.prompt, q.required, q.word_limit)
            for q in self.questions
        ]

    @property
    def goals(self) -> list[tuple[str, str]]:
        return [(str(g.pk), g.title) for g in self.goal_rows]

    @property
    def measures(self) -> list[tuple[str, str]]:
        return [(m.key, m.name) for m in self.measure_rows]


def report_structure(award: Award) -> ReportStructure:
    round_ = award.application.round
    goals = list(Goal.objects.filter(workplan__award=award).order_by("order", "id"))
    measures = list(
        Measure.objects.filter(success_goal__award=award)
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=ProgressEntry.objects.order_by("date", "id"),
                to_attr="entries",
            )
        )
        .order_by("order", "id")
    )
    return ReportStructure(
        questions=report_questions_of(round_),
        goal_rows=goals,
        measure_rows=[
            MeasureRow(
                key=str(m.pk),
                name=m.name,
                unit=m.unit,
                baseline=m.baseline,
                target=m.target,
                latest=m.entries[-1].value if m.entries else None,
            )
            for m in measures
        ],
    )


def report_of(award: Award) -> FinalReport:
    """The award's report, or an unsaved draft that a page can show."""
    from . import services

    report = FinalReport.objects.filter(award=award).first()
    return report or FinalReport(
        award=award, due_on=services.report_due_on(award), data={}
    )


def report_snapshot(report: FinalReport, *, structure: ReportStructure) -> dict:
    """The final report as submitted, readable without the rows it names."""
    data = report.data or {}
    answers = data.get("answers", {})
    goal_data = data.get("goals", {})
    measure_data = data.get("measures", {})
    met_labels = {key: str(label) for key, label in rules.GOAL_MET_CHOICES}
    award = report.award
    return {
        "organization": award.application.organization.name,
        "mentorship": award.mentorship.topic,
        "questions": [
            {"key": q.key, "prompt": q.prompt, "answer": answers.get(q.key, "")}
            for q in structure.questions
        ],
        "goals": [
            {
                "key": key,
                "title": title,
                "met": (goal_data.get(key) or {}).get("met", ""),
                "met_label": met_labels.get((goal_data.get(key) or {}).get("met"), ""),
                "why": (goal_data.get(key) or {}).get("why", ""),
            }
            for key, title in structure.goals
        ],
        "measures": [
            {
                "key": m.key,
                "name": m.name,
                "unit": m.unit,
                "baseline": str(m.baseline),
                "target": str(m.target),
                "final": (measure_data.get(m.key) or {}).get("final", ""),
                "note": (measure_data.get(m.key) or {}).get("note", ""),
            }
            for m in structure.measure_rows
        ],
        "lessons": data.get("lessons", ""),
        "products": data.get("products", ""),
        "attachments": [
            {"title": a.title, "document": a.document_id, "name": a.document.name}
            for a in report.attachments.select_related("document")
        ],
    }


def report_document_ids(report: FinalReport) -> set[int]:
    """The files of a report: its draft's and every submitted version's."""
    ids = set(report.attachments.values_list("document_id", flat=True))
    for snapshot in report.versions.values_list("snapshot", flat=True):
        ids.update(a["document"] for a in snapshot.get("attachments", []))
    return ids


def workplan_approved(award: Award) -> bool:
    return WorkPlan.objects.filter(award=award, versions__decision="approved").exists()


def reports_waiting(*, mentor=None):
    """Final reports submitted and waiting: for a mentor, its cohorts'."""
    qs = FinalReport.objects.filter(status=FinalReport.Status.SUBMITTED).select_related(
        "award__application__organization", "award__mentorship__mentor_organization"
    )
    if mentor is not None:
        qs = qs.filter(award__mentorship__mentors=mentor)
    return qs.order_by("updated_at")


# --- resources ---


def topic_vocabulary() -> list[str]:
    """The program's topic words: the peer network's vocabulary, which staff
    keep (its topics also name the mentorships' tags and the groups' topics)."""
    from peers.models import Topic

    return list(Topic.objects.order_by("order", "name").values_list("name", flat=True))


def published_resources(
    *, q: str = "", topic: str = "", sector: str = "", kind: str = ""
):
    qs = (
        Resource.objects.filter(status=Resource.Status.PUBLISHED)
        .select_related("document")
        .prefetch_related("organizations")
        .order_by("-published_at", "-id")
    )
    q = (q or "").strip()
    if q:
        for word in q.split()[:6]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(authors__icontains=word)
                | Q(organizations__name__icontains=word)
            )
        qs = qs.distinct()
    if topic:
        qs = qs.filter(topics_index__contains=f"|{topic}|")
    if sector:
        qs = qs.filter(sectors_index__contains=f",{sector},")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def resources_of_user(user):
    """What a mentor or mentee submitted, or their organization's reports hold."""
    from cohorts.models import CohortMember

    awards = CohortMember.objects.filter(user=user, active=True).values("award_id")
    return (
        Resource.objects.filter(Q(submitted_by=user) | Q(award__in=awards))
        .distinct()
        .select_related("document")
        .order_by("-created_at")
    )


def resources_to_review():
    return (
        Resource.objects.filter(status=Resource.Status.SUBMITTED)
        .select_related("document", "submitted_by", "award__application__organization")
        .prefetch_related("organizations")
        .order_by("updated_at")
    )


# --- the homes' cards ---


def staff_card(request) -> dict:
    """The program office's close-out to-do: payments due, final reports and
    resources waiting. Three queries."""
    due = Tranche.objects.filter(status=Tranche.Status.DUE).aggregate(
        count=Count("id"), amount=Sum("amount")
    )
    return {
        "payments_due": due["count"] or 0,
        "payments_due_amount": rules.cents(due["amount"] or ZERO),
        "reports_waiting": FinalReport.objects.filter(
            status=FinalReport.Status.SUBMITTED
        ).count(),
        "resources_waiting": Resource.objects.filter(
            status=Resource.Status.SUBMITTED
        ).count(),
    }


def public_card(request) -> dict:
    """The newest resources of the library, for the public home."""
    return {
        "resources": list(
            Resource.objects.filter(status=Resource.Status.PUBLISHED).order_by(
                "-published_at", "-id"
            )[:3]
        )
    }
