"""Every report of the portal in one catalogue, and the tables the workspace
adds where a report had none (reviewer progress, ranking, awards, attendance,
year progress, the to-do lists). Each table is CSV through
``dashmentor/csv_export.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from affinity.models import Cycle
from applications.models import Application, Award, ReviewAssignment, Round
from cohorts.models import Attendance, Event
from surveys.models import Survey

from . import selectors
from .audiences import UNFINISHED


@dataclass
class Table:
    title: str
    question: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    # Per row, the page where it is acted on (same length as rows, or empty).
    links: list[str] = field(default_factory=list)

    @property
    def lines(self):
        """Each row with its link (None without one), for the page."""
        return zip_longest(self.rows, self.links[: len(self.rows)])


@dataclass
class Report:
    name: str
    question: str
    url: str
    csv_url: str


def _q(round_: Round | None) -> str:
    return f"?round={round_.pk}" if round_ else ""


def catalogue(*, round_: Round | None) -> list[tuple[str, list[Report]]]:
    """Every report there is, by area, each with the sentence it answers."""
    q = _q(round_)

    def own(slug):
        return (
            reverse("staffdesk:report", args=[slug]) + q,
            reverse("staffdesk:report-csv", args=[slug]) + q,
        )

    review_list = reverse("applications:staff-review-list")
    sections = [
        (
            "Review",
            [
                Report(
                    "Applications and their scores",
                    "Which applications did the round get, are they eligible, and how "
                    "did the reviewers score them?",
                    review_list + q,
                    review_list + (q + "&" if q else "?") + "export=csv",
                ),
                Report(
                    "Ranking by first choice",
                    "Within each mentorship, which eligible applicants rank highest?",
                    *own("ranked"),
                ),
                Report(
                    "Reviewer progress",
                    "How far along is each reviewer, and who is late?",
                    *own("reviewers"),
                ),
            ],
        ),
        (
            "Placement and awards",
            [
                Report(
                    "Awards",
                    "Which organizations were placed in which cohort, and where does "
                    "each award stand?",
                    *own("awards"),
                )
            ],
        ),
        (
            "The mentorship year",
            [
                Report(
                    "Year progress by mentee",
                    "Is each mentee on track: work plan, attendance, check-ins?",
                    *own("year-progress"),
                ),
                Report(
                    "Attendance by event",
                    "Who came to each webinar and meeting of the round's cohorts?",
                    *own("attendance"),
                ),
            ],
        ),
    ]
    surveys = Survey.objects.filter(
        Q(round=round_) if round_ else Q(), status__in=["open", "closed"]
    ).order_by("-opens_at")[:20]
    sections.append(
        (
            "Surveys",
            [
                Report(
                    s.title,
                    f"What did the {s.get_kind_display().lower()} find?",
                    reverse("surveys:survey-report", args=[s.pk]),
                    reverse("surveys:survey-report-csv", args=[s.pk]),
                )
                for s in surveys
            ],
        )
    )
    cycle = Cycle.objects.order_by("-starts_on").first()
    if cycle:
        affinity = reverse("affinity:report")
        sections.append(
            (
                "Affinity groups",
                [
                    Report(
                        f"{cycle.name}: {title}",
                        question,
                        affinity,
                        reverse("affinity:report-csv", args=[which]),
                    )
                    for which, title, question in (
                        (
                            "attendance",
                            "attendance",
                            "Who comes to each group's meetings, and does it taper?",
                        ),
                        (
                            "members",
                            "members by organization",
                            "Which organizations take part in the groups?",
                        ),
                        (
                            "crossover",
                            "cross-over with the cohorts",
                            "How many mentee collaborations also joined a group?",
                        ),
                    )
                ],
            )
        )
    peers = reverse("peers:report")
    sections.append(
        (
            "Peer network",
            [
                Report(
                    f"Peer network: {title}",
                    question,
                    peers,
                    reverse("peers:report-csv", args=[table]),
                )
                for table, title, question in (
                    (
                        "introductions",
                        "introductions by month",
                        "How many introductions were asked for and accepted?",
                    ),
                    (
                        "connections",
                        "connections",
                        "Which organizations are connected, across cohorts and years?",
                    ),
                    (
                        "unconnected",
                        "not yet connected",
                        "Which mentee organizations have no peer yet?",
                    ),
                )
            ],
        )
    )
    sections.append(
        (
            "The program office",
            [
                Report(
                    "Audit trail",
                    "Who changed what, and when?",
                    reverse("staffdesk:audit"),
                    reverse("staffdesk:audit") + "?format=csv",
                ),
                Report(
                    "Late reviews",
                    "Which reviewers are past their due date?",
                    reverse("staffdesk:late-reviews"),
                    reverse("staffdesk:late-reviews") + "?format=csv",
                ),
            ],
        )
    )
    return [(title, reports) for title, reports in sections if reports]


# --- the tables ---


def table(slug: str, *, round_: Round | None) -> Table | None:
    builder = TABLES.get(slug)
    if builder is None:
        return None
    return builder(round_)


def _reviewers(round_) -> Table:
    t = Table(
        "Reviewer progress",
        "How far along is each reviewer, and who is late?",
        ["Reviewer", "E-mail", "Assigned", "Submitted", "Unfinished", "Conflicts"],
    )
    rows = (
        ReviewAssignment.objects.filter(application__round=round_)
        .exclude(status=ReviewAssignment.Status.REMOVED)
        .values("reviewer__full_name", "reviewer__email")
        .annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(status=ReviewAssignment.Status.SUBMITTED)),
            open=Count("pk", filter=Q(status__in=UNFINISHED)),
            conflicts=Count("pk", filter=Q(status=ReviewAssignment.Status.CONFLICT)),
        )
        .order_by("reviewer__full_name")
    )
    for r in rows:
        t.rows.append(
            [
                r["reviewer__full_name"],
                r["reviewer__email"],
                r["assigned"],
                r["submitted"],
                r["open"],
                r["conflicts"],
            ]
        )
    return t


def _ranked(round_) -> Table:
    t = Table(
        "Ranking by first choice",
        "Within each mentorship, which eligible applicants rank highest?",
        [
            "First choice",
            "Rank",
            "Organization",
            "Normalized score",
            "Mean score",
            "Reviews",
        ],
    )
    rows = (
        Application.objects.filter(
            round=round_, eligibility=Application.Eligibility.ELIGIBLE
        )
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("first_preference__mentor_organization", "organization")
        .order_by(
            "first_preference__order", "first_preference_id", "-score_normalized", "pk"
        )
    )
    rank, current = 0, object()
    for a in rows:
        if a.first_preference_id != current:
            rank, current = 0, a.first_preference_id
        rank += 1
        t.rows.append(
            [
                str(a.first_preference) if a.first_preference else "None",
                rank,
                a.org_name or a.organization.name,
                a.score_normalized,
                a.score_mean,
                a.reviews_done,
            ]
        )
    return t


def _awards(round_) -> Table:
    t = Table(
        "Awards",
        "Which organizations were placed in which cohort, and where does each "
        "award stand?",
        [
            "Organization",
            "Cohort",
            "Status",
            "Amount",
            "Contract start",
            "Contract end",
            "Offer expires",
            "From the waitlist",
        ],
    )
    for a in (
        Award.objects.filter(application__round=round_)
        .select_related("application__organization", "mentorship__mentor_organization")
        .order_by("mentorship__order", "application__organization__name")
    ):
        t.rows.append(
            [
                a.application.org_name or a.application.organization.name,
                str(a.mentorship),
                a.get_status_display(),
                a.amount,
                a.contract_start,
                a.contract_end,
                timezone.localtime(a.offer_expires_at).strftime("%Y-%m-%d %H:%M")
                if a.offer_expires_at
                else "",
                "yes" if a.from_waitlist else "no",
            ]
        )
    return t


def _attendance(round_) -> Table:
    t = Table(
        "Attendance by event",
        "Who came to each webinar and meeting of the round's cohorts?",
        ["Date", "Cohort", "Event", "Kind", "Present", "Absent", "Excused"],
    )
    events = (
        Event.objects.filter(mentorship__round=round_, starts_at__lte=timezone.now())
        .select_related("mentorship__mentor_organization")
        .annotate(
            present=Count(
                "attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)
            ),
            absent=Count(
                "attendance", filter=Q(attendance__status=Attendance.Status.ABSENT)
            ),
            excused=Count(
                "attendance", filter=Q(attendance__status=Attendance.Status.EXCUSED)
            ),
        )
        .order_by("starts_at", "pk")
    )
    for e in events:
        t.rows.append(
            [
                timezone.localtime(e.starts_at).date(),
                str(e.mentorship),
                e.title,
                e.get_kind_display(),
                e.present,
                e.absent,
                e.excused,
            ]
        )
        t.links.append(reverse("cohorts:event-detail", args=[e.pk]))
    return t


def _year_progress(round_) -> Table:
    t = Table(
        "Year progress by mentee",
        "Is each mentee on track: work plan, attendance, check-ins?",
        [
            "Organization",
            "Cohort",
            "Award",
            "Work plan",
            "Events attended",
            "Events missed",
            "Check-in notes",
            "Action logs",
        ],
    )
    awards = (
        Award.objects.filter(application__round=round_, status__in=Award.ACTIVE)
        .select_related(
            "application__organization", "mentorship__mentor_organization", "workplan"
        )
        .annotate(
            attended=Count(
                "members__attendance",
                filter=Q(members__attendance__status=Attendance.Status.PRESENT),
                distinct=True,
            ),
            missed=Count(
                "members__attendance",
                filter=Q(members__attendance__status=Attendance.Status.ABSENT),
                distinct=True,
            ),
            notes=Count("check_in_notes", distinct=True),
            logs=Count("action_logs", distinct=True),
        )
        .order_by("mentorship__order", "application__organization__name")
    )
    for a in awards:
        workplan = getattr(a, "workplan", None) if _has(a, "workplan") else None
        t.rows.append(
            [
                a.application.org_name or a.application.organization.name,
                str(a.mentorship),
                a.get_status_display(),
                workplan.get_status_display() if workplan else "none",
                a.attended,
                a.missed,
                a.notes,
                a.logs,
            ]
        )
        t.links.append(reverse("cohorts:year-overview", args=[a.pk]))
    return t


def _has(obj, name) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # a missing one-to-one raises its model's DoesNotExist
        return False
    return True


def todo_table(which: str) -> Table:
    now = timezone.now()
    if which == "offers":
        t = Table(
            "Award offers about to expire",
            "Which offers expire unanswered within a week?",
            ["Organization", "Round", "Cohort", "Offer expires"],
        )
        for a in selectors.offers_expiring(now=now):
            t.rows.append(
                [
                    a.application.org_name or a.application.organization.name,
                    a.application.round.name,
                    str(a.mentorship),
                    timezone.localtime(a.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )
            t.links.append(reverse("cohorts:award-detail", args=[a.pk]))
    elif which == "workplans":
        t = Table(
            "Work plans waiting for approval",
            "Which submitted work plans wait for the program office?",
            ["Organization", "Cohort", "Submitted"],
        )
        for w in selectors.workplans_waiting():
            t.rows.append(
                [
                    w.award.application.org_name
                    or w.award.application.organization.name,
                    str(w.award.mentorship),
                    timezone.localtime(w.updated_at).strftime("%Y-%m-%d"),
                ]
            )
            t.links.append(reverse("cohorts:workplan-detail", args=[w.award_id]))
    elif which == "attendance":
        t = Table(
            "Events and meetings with no attendance recorded",
            "Which past events still need their attendance?",
            ["Date", "Where", "Event"],
        )
        events, meetings = selectors.attendance_missing(now=now)
        for e in events:
            t.rows.append(
                [timezone.localtime(e.starts_at).date(), str(e.mentorship), e.title]
            )
            t.links.append(reverse("cohorts:event-attendance", args=[e.pk]))
        for m in meetings:
            t.rows.append(
                [timezone.localtime(m.starts_at).date(), m.group.topic, m.title]
            )
            t.links.append(reverse("affinity:attendance", args=[m.group_id, m.pk]))
    else:
        t = Table(
            "Surveys to open or close",
            "Which surveys have reached their opening or closing time?",
            [
                "Survey",
                "Status",
                "Opens",
                "Closes",
                "Invited",
                "Answered",
                "Response rate",
            ],
        )
        for s in selectors.survey_todo(now=now):
            rate = f"{round(100 * s.completed / s.invited)}%" if s.invited else ""
            t.rows.append(
                [
                    s.title,
                    s.get_status_display(),
                    timezone.localtime(s.opens_at).date(),
                    timezone.localtime(s.closes_at).date(),
                    s.invited,
                    s.completed,
                    rate,
                ]
            )
            t.links.append(reverse("surveys:survey-builder", args=[s.pk]))
    return t


TABLES = {
    "reviewers": _reviewers,
    "ranked": _ranked,
    "awards": _awards,
    "attendance": _attendance,
    "year-progress": _year_progress,
}
