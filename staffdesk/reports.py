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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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


# The reports of the catalogue that are a fixed list, as (what, name, question):
# ``what`` is a table of TABLES, of the affinity or peer report, or a staffdesk
# page. The strings are marked here and translated when the catalogue is built.
REVIEW_REPORTS = [
    (
        "ranked",
        gettext_noop("Ranking by first choice"),
        gettext_noop("Within each mentorship, which eligible applicants rank highest?"),
    ),
    (
        "reviewers",
        gettext_noop("Reviewer progress"),
        gettext_noop("How far along is each reviewer, and who is late?"),
    ),
]
PLACEMENT_REPORTS = [
    (
        "awards",
        gettext_noop("Awards"),
        gettext_noop(
            "Which organizations were placed in which cohort, and where does "
            "each award stand?"
        ),
    ),
]
YEAR_REPORTS = [
    (
        "year-progress",
        gettext_noop("Year progress by mentee"),
        gettext_noop("Is each mentee on track: work plan, attendance, check-ins?"),
    ),
    (
        "attendance",
        gettext_noop("Attendance by event"),
        gettext_noop("Who came to each webinar and meeting of the round's cohorts?"),
    ),
]
AFFINITY_REPORTS = [
    (
        "attendance",
        gettext_noop("attendance"),
        gettext_noop("Who comes to each group's meetings, and does it taper?"),
    ),
    (
        "members",
        gettext_noop("members by organization"),
        gettext_noop("Which organizations take part in the groups?"),
    ),
    (
        "crossover",
        gettext_noop("cross-over with the cohorts"),
        gettext_noop("How many mentee collaborations also joined a group?"),
    ),
]
PEER_REPORTS = [
    (
        "introductions",
        gettext_noop("introductions by month"),
        gettext_noop("How many introductions were asked for and accepted?"),
    ),
    (
        "connections",
        gettext_noop("connections"),
        gettext_noop("Which organizations are connected, across cohorts and years?"),
    ),
    (
        "unconnected",
        gettext_noop("not yet connected"),
        gettext_noop("Which mentee organizations have no peer yet?"),
    ),
]
OFFICE_REPORTS = [
    (
        "staffdesk:audit",
        gettext_noop("Audit trail"),
        gettext_noop("Who changed what, and when?"),
    ),
    (
        "staffdesk:late-reviews",
        gettext_noop("Late reviews"),
        gettext_noop("Which reviewers are past their due date?"),
    ),
]


def catalogue(*, round_: Round | None) -> list[tuple[str, list[Report]]]:
    """Every report there is, by area, each with the sentence it answers."""
    q = _q(round_)
    sections = [
        (_("Review"), [_applications_report(q), *_own_reports(REVIEW_REPORTS, q)]),
        (_("Placement and awards"), _own_reports(PLACEMENT_REPORTS, q)),
        (_("The mentorship year"), _own_reports(YEAR_REPORTS, q)),
        (_("Surveys"), _survey_reports(round_)),
        (_("Affinity groups"), _affinity_reports()),
        (_("Peer network"), _peer_reports()),
        (_("The program office"), _office_reports()),
    ]
    return [(title, reports) for title, reports in sections if reports]


def _applications_report(q: str) -> Report:
    """The review list of the round's applications, which has its own CSV."""
    review_list = reverse("applications:staff-review-list")
    return Report(
        _("Applications and their scores"),
        _(
            "Which applications did the round get, are they eligible, and how "
            "did the reviewers score them?"
        ),
        review_list + q,
        review_list + (q + "&" if q else "?") + "export=csv",
    )


def _own_reports(reports, q: str) -> list[Report]:
    """The workspace's own tables (TABLES), each page and CSV for the round."""
    return [
        Report(
            _(name),
            _(question),
            reverse("staffdesk:report", args=[slug]) + q,
            reverse("staffdesk:report-csv", args=[slug]) + q,
        )
        for slug, name, question in reports
    ]


def in_sentence(label: str) -> str:
    """A choice's label inside a sentence: its first letter in lower case,
    unless it starts with a name ("All In capacity assessment" stays so)."""
    words = label.split()
    if len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _survey_reports(round_: Round | None) -> list[Report]:
    """The report of each open or closed survey (of the round), latest first."""
    surveys = Survey.objects.filter(
        Q(round=round_) if round_ else Q(), status__in=["open", "closed"]
    ).order_by("-opens_at")[:20]
    return [
        Report(
            s.title,
            _("What did the %(kind)s find?")
            % {"kind": in_sentence(s.get_kind_display())},
            reverse("surveys:survey-report", args=[s.pk]),
            reverse("surveys:survey-report-csv", args=[s.pk]),
        )
        for s in surveys
    ]


def _affinity_reports() -> list[Report]:
    """The affinity report's tables for the latest cycle; none without one."""
    cycle = Cycle.objects.order_by("-starts_on").first()
    if not cycle:
        return []
    affinity = reverse("affinity:report")
    return [
        Report(
            _("%(cycle)s: %(title)s") % {"cycle": cycle.name, "title": _(title)},
            _(question),
            affinity,
            reverse("affinity:report-csv", args=[which]),
        )
        for which, title, question in AFFINITY_REPORTS
    ]


def _peer_reports() -> list[Report]:
    """The peer network report's tables."""
    peers = reverse("peers:report")
    return [
        Report(
            _("Peer network: %(title)s") % {"title": _(title)},
            _(question),
            peers,
            reverse("peers:report-csv", args=[which]),
        )
        for which, title, question in PEER_REPORTS
    ]


def _office_reports() -> list[Report]:
    """The program office's pages that have a CSV of their own."""
    return [
        Report(
            _(name),
            _(question),
            reverse(view),
            reverse(view) + "?format=csv",
        )
        for view, name, question in OFFICE_REPORTS
    ]


# --- the tables ---


def table(slug: str, *, round_: Round | None) -> Table | None:
    builder = TABLES.get(slug)
    if builder is None:
        return None
    return builder(round_)


def _reviewers(round_) -> Table:
    t = Table(
        _("Reviewer progress"),
        _("How far along is each reviewer, and who is late?"),
        [
            _("Reviewer"),
            _("E-mail"),
            _("Assigned"),
            _("Submitted"),
            _("Unfinished"),
            _("Conflicts"),
        ],
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
        _("Ranking by first choice"),
        _("Within each mentorship, which eligible applicants rank highest?"),
        [
            _("First choice"),
            _("Rank"),
            _("Organization"),
            _("Normalized score"),
            _("Mean score"),
            _("Reviews"),
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
                str(a.first_preference) if a.first_preference else _("None"),
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
        _("Awards"),
        _(
            "Which organizations were placed in which cohort, and where does each "
            "award stand?"
        ),
        [
            _("Organization"),
            _("Cohort"),
            _("Status"),
            _("Amount"),
            _("Contract start"),
            _("Contract end"),
            _("Offer expires"),
            _("From the waitlist"),
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
                _("yes") if a.from_waitlist else _("no"),
            ]
        )
    return t


def _attendance(round_) -> Table:
    t = Table(
        _("Attendance by event"),
        _("Who came to each webinar and meeting of the round's cohorts?"),
        [
            _("Date"),
            _("Cohort"),
            _("Event"),
            _("Kind"),
            _("Present"),
            _("Absent"),
            _("Excused"),
        ],
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
        _("Year progress by mentee"),
        _("Is each mentee on track: work plan, attendance, check-ins?"),
        [
            _("Organization"),
            _("Cohort"),
            _("Award"),
            _("Work plan"),
            _("Events attended"),
            _("Events missed"),
            _("Check-in notes"),
            _("Action logs"),
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
                workplan.get_status_display() if workplan else _("none"),
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
    """The to-do list ``which`` of the home as a table; an unknown one is the
    surveys'."""
    return TO_DO_LISTS.get(which, _todo_surveys)()


def _todo_offers() -> Table:
    t = Table(
        _("Award offers about to expire"),
        _("Which offers expire unanswered within a week?"),
        [_("Organization"), _("Round"), _("Cohort"), _("Offer expires")],
    )
    for a in selectors.offers_expiring(now=timezone.now()):
        t.rows.append(
            [
                a.application.org_name or a.application.organization.name,
                a.application.round.name,
                str(a.mentorship),
                timezone.localtime(a.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
        t.links.append(reverse("cohorts:award-detail", args=[a.pk]))
    return t


def _todo_workplans() -> Table:
    t = Table(
        _("Work plans waiting for approval"),
        _("Which submitted work plans wait for the program office?"),
        [_("Organization"), _("Cohort"), _("Submitted")],
    )
    for w in selectors.workplans_waiting():
        t.rows.append(
            [
                w.award.application.org_name or w.award.application.organization.name,
                str(w.award.mentorship),
                timezone.localtime(w.updated_at).strftime("%Y-%m-%d"),
            ]
        )
        t.links.append(reverse("cohorts:workplan-detail", args=[w.award_id]))
    return t


def _todo_attendance() -> Table:
    """Past cohort events, then affinity meetings, with no attendance taken."""
    t = Table(
        _("Events and meetings with no attendance recorded"),
        _("Which past events still need their attendance?"),
        [_("Date"), _("Where"), _("Event")],
    )
    events, meetings = selectors.attendance_missing(now=timezone.now())
    for e in events:
        t.rows.append(
            [timezone.localtime(e.starts_at).date(), str(e.mentorship), e.title]
        )
        t.links.append(reverse("cohorts:event-attendance", args=[e.pk]))
    for m in meetings:
        t.rows.append([timezone.localtime(m.starts_at).date(), m.group.topic, m.title])
        t.links.append(reverse("affinity:attendance", args=[m.group_id, m.pk]))
    return t


def _todo_surveys() -> Table:
    """Surveys due to open or close, with their response so far."""
    t = Table(
        _("Surveys to open or close"),
        _("Which surveys have reached their opening or closing time?"),
        [
            _("Survey"),
            _("Status"),
            _("Opens"),
            _("Closes"),
            _("Invited"),
            _("Answered"),
            _("Response rate"),
        ],
    )
    for s in selectors.survey_todo(now=timezone.now()):
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
TO_DO_LISTS = {
    "offers": _todo_offers,
    "workplans": _todo_workplans,
    "attendance": _todo_attendance,
    "surveys": _todo_surveys,
}
