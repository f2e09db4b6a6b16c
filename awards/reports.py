"""The funder's report of a round: every figure computed here, kept as JSON in
``FunderReportCache`` and shown "as of" its computation.

The page, its PDF and its CSV read the kept figures; staff compute them again
with one button, and a page older than ``MAX_AGE`` computes them afresh.
Survey figures come from each survey's own report, which already hides groups
smaller than the survey's minimum size; nothing here reads a single answer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affinity import selectors as affinity_selectors
from affinity.models import Cycle
from applications.models import Application, Award, Decision, Round
from cohorts.models import Attendance, Event, Measure, WorkPlanVersion
from dashmentor.csv_export import CsvTable
from surveys.models import Survey
from surveys.reports import cached_survey_report

from . import rules, selectors
from .models import FinalReport, FinalReportVersion, FunderReportCache, Resource

MAX_AGE = dt.timedelta(hours=1)
VERSION = 1


FUNNEL_LABELS = {
    "applied": _("Applied"),
    "eligible": _("Eligible"),
    "reviewed": _("Reviewed"),
    "accepted": _("Accepted"),
    "awarded": _("Awarded"),
}


GOAL_LABELS = {
    "organizations": _("organizations"),
    "plans_approved": _("work plans approved"),
    "measures": _("success measures"),
    "measures_at_target": _("success measures at their target"),
    "goals_reported": _("work-plan goals reported"),
    "goals_met": _("work-plan goals met"),
    "goals_partly": _("work-plan goals partly met"),
    "reports_accepted": _("final reports accepted"),
}


def funnel_label(row: dict) -> str:
    """A funnel row's label in the reader's language (the kept one otherwise)."""
    return str(FUNNEL_LABELS.get(row.get("key"), row["label"]))


def _funnel(round_: Round) -> list[dict]:
    counts = Application.objects.filter(round=round_).aggregate(
        applied=Count(
            "id",
            filter=~Q(
                status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
            ),
        ),
        eligible=Count("id", filter=Q(eligibility=Application.Eligibility.ELIGIBLE)),
        reviewed=Count("id", filter=Q(reviews_done__gt=0)),
        accepted=Count("id", filter=Q(decision__outcome=Decision.Outcome.ACCEPT)),
    )
    awarded = Award.objects.filter(
        application__round=round_, status__in=Award.ACTIVE
    ).count()
    return [
        {"key": "applied", "label": "Applied", "count": counts["applied"]},
        {"key": "eligible", "label": "Eligible", "count": counts["eligible"]},
        {"key": "reviewed", "label": "Reviewed", "count": counts["reviewed"]},
        {"key": "accepted", "label": "Accepted", "count": counts["accepted"]},
        {"key": "awarded", "label": "Awarded", "count": awarded},
    ]


def _money(round_: Round) -> dict:
    s = selectors.payment_summary(round_)
    return {
        "budget": str(s.budget),
        "budget_awards": s.budget_awards,
        "awards": s.awards,
        "awarded": str(s.awarded),
        "paid": str(s.paid),
        "due": str(s.due),
        "pending": str(s.pending),
        "stopped": str(s.stopped),
        "outstanding": str(s.outstanding),
    }


def _cohorts(round_: Round, now) -> list[dict]:
    mentorships = (
        round_.mentorships.select_related("mentor_organization")
        .annotate(
            organizations=Count(
                "awards", filter=Q(awards__status__in=Award.ACTIVE), distinct=True
            )
        )
        .filter(organizations__gt=0)
        .order_by("order")
    )
    events = dict(
        Event.objects.filter(mentorship__round=round_, starts_at__lte=now)
        .values_list("mentorship")
        .annotate(n=Count("id"))
        .values_list("mentorship", "n")
    )
    attendance = {
        row["event__mentorship"]: row
        for row in Attendance.objects.filter(
            event__mentorship__round=round_, event__starts_at__lte=now
        )
        .values("event__mentorship")
        .annotate(
            recorded=Count("id"),
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
        )
    }
    rows = []
    for m in mentorships:
        counted = attendance.get(m.pk, {})
        rows.append(
            {
                "name": f"{m.mentor_organization.name}: {m.topic}",
                "organizations": m.organizations,
                "events": events.get(m.pk, 0),
                "attendance": rules.percent(
                    counted.get("present", 0), counted.get("recorded", 0)
                ),
            }
        )
    return rows


def _goals(round_: Round) -> dict:
    awards = Award.objects.filter(application__round=round_, status__in=Award.ACTIVE)
    organizations = awards.count()
    plans = (
        WorkPlanVersion.objects.filter(
            workplan__award__in=awards, decision=WorkPlanVersion.Decision.APPROVED
        )
        .values("workplan")
        .distinct()
        .count()
    )
    measures = list(
        Measure.objects.filter(success_goal__award__in=awards).values_list(
            "pk", "target"
        )
    )
    latest = {}
    from cohorts.models import ProgressEntry

    for measure_id, value in (
        ProgressEntry.objects.filter(measure__success_goal__award__in=awards)
        .order_by("measure_id", "date", "id")
        .values_list("measure_id", "value")
    ):
        latest[measure_id] = value
    at_target = sum(
        1 for pk, target in measures if pk in latest and latest[pk] >= target
    )
    met = partly = reported = 0
    accepted = FinalReportVersion.objects.filter(
        report__award__in=awards, decision=FinalReportVersion.Decision.ACCEPTED
    ).values_list("snapshot", flat=True)
    for snapshot in accepted:
        for goal in snapshot.get("goals", []):
            reported += 1
            met += goal.get("met") == "met"
            partly += goal.get("met") == "partly"
    return {
        "organizations": organizations,
        "plans_approved": plans,
        "measures": len(measures),
        "measures_at_target": at_target,
        "goals_reported": reported,
        "goals_met": met,
        "goals_partly": partly,
        "reports_accepted": FinalReport.objects.filter(
            award__in=awards, status=FinalReport.Status.ACCEPTED
        ).count(),
    }


def _surveys(round_: Round) -> list[dict]:
    rows = []
    surveys = Survey.objects.filter(round=round_).exclude(status=Survey.Status.DRAFT)
    for survey in surveys.order_by("opens_at"):
        report, _as_of = cached_survey_report(survey)
        hidden = bool(report.hidden_message)
        rows.append(
            {
                "title": survey.title,
                "kind": survey.get_kind_display(),
                "anonymous": survey.anonymous,
                "invited": report.invited,
                "completed": report.completed,
                "rate": None if not report.invited else round(report.rate),
                "note": report.hidden_message or report.waiting_message,
                "questions": []
                if hidden
                else [
                    {
                        "prompt": q.prompt,
                        "answered": q.answered,
                        "mean": None if q.mean is None else round(q.mean, 2),
                    }
                    for q in report.questions
                    if q.mean is not None
                ],
            }
        )
    return rows


def _affinity(round_: Round) -> dict:
    award_ids = set(
        Award.objects.filter(
            application__round=round_, status__in=Award.ACTIVE, members__active=True
        ).values_list("pk", flat=True)
    )
    cycles = Cycle.objects.filter(
        starts_on__lte=round_.contract_end, ends_on__gte=round_.contract_start
    )
    taking_part: set = set()
    by_group: dict[str, set] = defaultdict(set)
    for cycle in cycles:
        report = affinity_selectors.crossover_report(cycle=cycle)
        topics = {g.pk: g.topic for g in report.groups}
        for group_id, collaborations in report.figures.by_group.items():
            mine = set(collaborations) & award_ids
            if mine:
                by_group[topics.get(group_id, str(group_id))] |= mine
                taking_part |= mine
    return {
        "collaborations": len(taking_part),
        "total": len(award_ids),
        "share": rules.percent(len(taking_part), len(award_ids)),
        "groups": [
            {"topic": topic, "collaborations": len(ids)}
            for topic, ids in sorted(by_group.items(), key=lambda kv: kv[0].lower())
        ],
    }


def _resources(round_: Round) -> list[dict]:
    return [
        {
            "title": r.title,
            "kind": r.get_kind_display(),
            "published_on": timezone.localdate(r.published_at).isoformat(),
            "slug": r.slug,
        }
        for r in Resource.objects.filter(status=Resource.Status.PUBLISHED)
        .filter(Q(award__application__round=round_) | Q(mentorship__round=round_))
        .distinct()
        .order_by("published_at")
    ]


def funder_report_data(round_: Round, *, now=None) -> dict:
    """Every figure of the round's funder report, as JSON-ready values."""
    now = now or timezone.now()
    return {
        "version": VERSION,
        "computed_at": now.astimezone(dt.UTC).isoformat(),
        "round": {
            "name": round_.name,
            "contract_start": round_.contract_start.isoformat(),
            "contract_end": round_.contract_end.isoformat(),
            "award_amount": str(round_.award_amount),
            "awards_count": round_.awards_count,
        },
        "funnel": _funnel(round_),
        "money": _money(round_),
        "cohorts": _cohorts(round_, now),
        "goals": _goals(round_),
        "surveys": _surveys(round_),
        "affinity": _affinity(round_),
        "resources": _resources(round_),
    }


def funder_report(round_: Round, *, now=None) -> tuple[dict, dt.datetime]:
    """The kept report and its "as of" time, computed again once too old.

    The kept row is a derived cache (nothing a person entered): a page that
    finds none, or one older than ``MAX_AGE``, computes and keeps it.
    """
    from . import services

    now = now or timezone.now()
    row = FunderReportCache.objects.filter(round=round_).first()
    if (
        row is None
        or row.data.get("version") != VERSION
        or row.computed_at < now - MAX_AGE
    ):
        row = services.funder_report_refresh(round_=round_, now=now)
    return row.data, row.computed_at


def funder_report_csv(data: dict) -> CsvTable:
    """The report's figures as (section, figure, value) rows, in the active
    language."""
    table = CsvTable()
    table.writerow([gettext("section"), gettext("figure"), gettext("value")])
    report = gettext("report")
    table.writerow([report, gettext("round"), data["round"]["name"]])
    table.writerow([report, gettext("as of (UTC)"), data["computed_at"]])
    for row in data["funnel"]:
        table.writerow([gettext("funnel"), funnel_label(row), row["count"]])
    _csv_money(table, data["money"])
    _csv_cohorts(table, data["cohorts"])
    for key, value in data["goals"].items():
        label = GOAL_LABELS.get(key)
        table.writerow(
            [gettext("goals"), str(label) if label else key.replace("_", " "), value]
        )
    _csv_surveys(table, data["surveys"])
    _csv_affinity(table, data["affinity"])
    for resource in data["resources"]:
        table.writerow(
            [
                gettext("resources published"),
                resource["title"],
                resource["published_on"],
            ]
        )
    return table


def _csv_money(table: CsvTable, money: dict) -> None:
    """The payments rows: the budget and where the awarded money stands."""
    for key, label in (
        ("budget", gettext("budget")),
        ("awarded", gettext("awarded")),
        ("paid", gettext("paid")),
        ("due", gettext("due, not yet paid")),
        ("pending", gettext("still to become due")),
        ("stopped", gettext("stopped")),
        ("outstanding", gettext("outstanding")),
    ):
        table.writerow([gettext("payments"), label, Decimal(money[key])])


def _csv_cohorts(table: CsvTable, cohorts: list) -> None:
    """Each cohort's organizations, events held and attendance."""
    section = gettext("cohorts")
    for row in cohorts:
        name = {"name": row["name"]}
        table.writerow(
            [section, gettext("%(name)s: organizations") % name, row["organizations"]]
        )
        table.writerow(
            [section, gettext("%(name)s: events held") % name, row["events"]]
        )
        table.writerow(
            [section, gettext("%(name)s: attendance (%%)") % name, row["attendance"]]
        )


def _csv_surveys(table: CsvTable, surveys: list) -> None:
    """Each survey's response and its questions' averages."""
    section = gettext("surveys")
    for survey in surveys:
        title = {"title": survey["title"]}
        table.writerow(
            [section, gettext("%(title)s: invited") % title, survey["invited"]]
        )
        table.writerow(
            [section, gettext("%(title)s: answered") % title, survey["completed"]]
        )
        table.writerow(
            [section, gettext("%(title)s: response rate (%%)") % title, survey["rate"]]
        )
        for q in survey["questions"]:
            table.writerow([section, f"{survey['title']}: {q['prompt']}", q["mean"]])


def _csv_affinity(table: CsvTable, affinity: dict) -> None:
    """How many of the round's collaborations joined a group, and which."""
    section = gettext("affinity groups")
    table.writerow(
        [section, gettext("collaborations taking part"), affinity["collaborations"]]
    )
    table.writerow([section, gettext("collaborations of the round"), affinity["total"]])
    for group in affinity["groups"]:
        table.writerow([section, group["topic"], group["collaborations"]])
