"""Reads of the staff workspace: the to-do, late reviews, mailings' history.

Every function reads in a fixed number of queries, whatever the rows' number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from affinity.models import Meeting, MeetingAttendance
from applications.models import Application, Award, Decision, ReviewAssignment, Round
from cohorts.models import Attendance, Event, WorkPlan
from dashmentor.models import AuditEvent, User
from notifications.models import Message
from surveys.models import Survey

from .audiences import UNFINISHED
from .models import Mailing, MailingRecipient, ReviewSchedule

# Offers that expire within this many days are on the to-do.
OFFER_SOON_DAYS = 7
# Events that ended this long ago without attendance are on the to-do.
ATTENDANCE_LOOKBACK_DAYS = 90


@dataclass
class Todo:
    """One thing that needs a person: how many, and where it is done."""

    key: str
    label: str
    count: int
    url: str
    detail: str = ""
    urgent: bool = False


def round_list():
    """Every round, newest first, with its review calendar (one query)."""
    return list(Round.objects.select_related("review_schedule").order_by("-closes_at"))


def round_chosen(rounds, value) -> Round | None:
    """The round named by ``value`` (an id), else the latest with applications
    submitted, else the latest."""
    for round_ in rounds:
        if str(round_.pk) == str(value or ""):
            return round_
    return rounds[0] if rounds else None


def round_funnel(round_: Round | None) -> dict:
    """The round's funnel: drafts, applied, eligible, scored, accepted (one query)."""
    if round_ is None:
        return {}
    return Application.objects.filter(round=round_).aggregate(
        drafts=Count("pk", filter=Q(status=Application.Status.DRAFT)),
        submitted=Count(
            "pk",
            filter=~Q(
                status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
            ),
        ),
        eligible=Count("pk", filter=Q(eligibility=Application.Eligibility.ELIGIBLE)),
        scored=Count("pk", filter=Q(reviews_done__gt=0)),
        accepted=Count("pk", filter=Q(decision__outcome="accept")),
    )


def _count(queryset):
    """A subquery that counts ``queryset``'s rows."""
    return Subquery(
        queryset.order_by()
        .annotate(_n=Func(F("pk"), function="COUNT"))
        .values("_n")[:1],
        output_field=IntegerField(),
    )


def late_round_ids(
    *, round_: Round | None, rounds=None, now=None
) -> tuple[list[int], bool]:
    """The rounds whose reviews are past due, and whether the chosen round
    has a review calendar at all (no query when ``rounds`` come from
    :func:`round_list`, one otherwise)."""
    now = now or timezone.now()
    if rounds is not None:
        schedules = [r.review_schedule for r in rounds if _schedule_of(r) is not None]
    else:
        schedules = list(ReviewSchedule.objects.select_related("round"))
    if round_:
        schedules = [s for s in schedules if s.round_id == round_.pk]
    return [s.round_id for s in schedules if s.due_at() <= now], bool(schedules)


def _schedule_of(round_):
    return getattr(round_, "review_schedule", None)


def todo_list(*, round_: Round | None, user, rounds=None, now=None) -> list[Todo]:
    """What needs a person today, each with its count and the list that does it.

    Applications, reviews and decisions are the chosen round's; the rest is the
    whole program's. Three queries: the review calendar, every count in one,
    and the surveys due to open or close.
    """
    now = now or timezone.now()
    late_rounds, scheduled = late_round_ids(round_=round_, rounds=rounds, now=now)
    c = _todo_counts(round_=round_, user=user, now=now, late_rounds=late_rounds)
    return [*_review_todos(c, round_, scheduled), *_program_todos(c)]


def _todo_counts(*, round_: Round | None, user, now, late_rounds) -> dict:
    """Every count of the to-do, in one query, 0 where there is none."""
    apps = Application.objects.filter(
        round_id=round_.pk if round_ else None,
        status__in=[Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW],
    )
    events, meetings = attendance_missing(now=now)
    late = ReviewAssignment.objects.filter(
        status__in=UNFINISHED, application__round_id__in=late_rounds
    )
    counts = (
        User.objects.filter(pk=user.pk)
        .values(
            to_screen=_count(apps.filter(eligibility=Application.Eligibility.PENDING)),
            to_override=_count(
                apps.filter(eligibility=Application.Eligibility.NEEDS_REVIEW)
            ),
            late_reviews=_count(late),
            late_reviewers=_count_distinct_reviewers(late),
            unreleased=_count(
                Decision.objects.filter(
                    application__round_id=round_.pk if round_ else None,
                    released_at__isnull=True,
                )
            ),
            offers=_count(
                Award.objects.filter(
                    status=Award.Status.OFFERED,
                    offer_expires_at__lte=now + dt.timedelta(days=OFFER_SOON_DAYS),
                )
            ),
            workplans=_count(WorkPlan.objects.filter(status=WorkPlan.Status.SUBMITTED)),
            events=_count(events),
            meetings=_count(meetings),
            failed=_count(Message.objects.filter(status=Message.Status.FAILED)),
            surveys=_count(
                Survey.objects.filter(
                    Q(status=Survey.Status.DRAFT, opens_at__lte=now)
                    | Q(status=Survey.Status.OPEN, closes_at__lte=now)
                )
            ),
        )
        .first()
    ) or {}
    return {k: v or 0 for k, v in counts.items()}


def _count_distinct_reviewers(late):
    """A subquery that counts the reviewers of ``late`` assignments."""
    return Subquery(
        late.order_by()
        .annotate(
            _n=Func(
                F("reviewer_id"),
                function="COUNT",
                template="COUNT(DISTINCT %(expressions)s)",
            )
        )
        .values("_n")[:1],
        output_field=IntegerField(),
    )


def _review_todos(c: dict, round_: Round | None, scheduled: bool) -> list[Todo]:
    """The chosen round's to-do: screening, eligibility, late reviews, decisions."""
    review_list = reverse("applications:staff-review-list")
    round_q = f"round={round_.pk}&" if round_ else ""
    reviewers = c.get("late_reviewers", 0)
    return [
        Todo(
            "screen",
            gettext("Applications to screen"),
            c.get("to_screen", 0),
            f"{review_list}?{round_q}eligibility=pending",
            gettext("not yet checked against the eligibility criteria"),
        ),
        Todo(
            "override",
            gettext("Eligibility to decide by hand"),
            c.get("to_override", 0),
            f"{review_list}?{round_q}eligibility=needs_review",
            gettext("the criteria could not settle these: confirm or override"),
        ),
        Todo(
            "late-reviews",
            gettext("Reviews late"),
            c.get("late_reviews", 0),
            reverse("staffdesk:late-reviews")
            + (f"?round={round_.pk}" if round_ else ""),
            ngettext("by %(count)s reviewer", "by %(count)s reviewers", reviewers)
            % {"count": reviewers}
            if c.get("late_reviews")
            else (
                "" if scheduled else gettext("no review due date set for this round")
            ),
            urgent=bool(c.get("late_reviews")),
        ),
        Todo(
            "release",
            gettext("Decisions ready to release"),
            c.get("unreleased", 0),
            reverse("applications:staff-round-review", args=[round_.slug])
            if round_
            else review_list,
            gettext("decided, not yet sent to the applicants"),
        ),
    ]


def _program_todos(c: dict) -> list[Todo]:
    """The whole program's to-do: offers, work plans, attendance, surveys, mail."""
    return [
        Todo(
            "offers",
            gettext("Award offers about to expire"),
            c.get("offers", 0),
            reverse("staffdesk:todo", args=["offers"]),
            gettext("unanswered, expiring within %(days)s days")
            % {"days": OFFER_SOON_DAYS},
            urgent=bool(c.get("offers")),
        ),
        Todo(
            "workplans",
            gettext("Work plans waiting for approval"),
            c.get("workplans", 0),
            reverse("staffdesk:todo", args=["workplans"]),
        ),
        Todo(
            "attendance",
            gettext("Events and meetings with no attendance recorded"),
            c.get("events", 0) + c.get("meetings", 0),
            reverse("staffdesk:todo", args=["attendance"]),
            gettext(
                "%(events)s cohort events, %(meetings)s affinity meetings, "
                "in the last %(days)s days"
            )
            % {
                "events": c.get("events", 0),
                "meetings": c.get("meetings", 0),
                "days": ATTENDANCE_LOOKBACK_DAYS,
            },
        ),
        Todo(
            "surveys",
            gettext("Surveys to open or close"),
            c.get("surveys", 0),
            reverse("staffdesk:todo", args=["surveys"]),
            gettext(
                "drafts whose opening time has come, open ones past their close; "
                "their response rates are on the list"
            ),
        ),
        Todo(
            "failed-mail",
            gettext("E-mails that failed"),
            c.get("failed", 0),
            reverse("admin:notifications_message_changelist") + "?status__exact=failed",
            gettext("the mail server refused them: resend from the outbox"),
            urgent=bool(c.get("failed")),
        ),
    ]


@dataclass
class LateReviewer:
    reviewer_id: int
    name: str
    email: str
    late: int
    open: int
    due_on: dt.date | None
    days_late: int
    rounds: list[str]


def late_reviewers(*, round_: Round | None, now=None) -> list[LateReviewer]:
    """Each reviewer with a late review, most days late first (three queries)."""
    now = now or timezone.now()
    schedules = {s.round_id: s for s in ReviewSchedule.objects.select_related("round")}
    rows = ReviewAssignment.objects.filter(status__in=UNFINISHED).values_list(
        "reviewer_id",
        "reviewer__full_name",
        "reviewer__email",
        "application__round_id",
    )
    if round_:
        rows = rows.filter(application__round_id=round_.pk)
    found: dict[int, LateReviewer] = {}
    for reviewer_id, name, email, round_id in rows.order_by("reviewer__full_name"):
        row = found.setdefault(
            reviewer_id, LateReviewer(reviewer_id, name, email, 0, 0, None, 0, [])
        )
        row.open += 1
        schedule = schedules.get(round_id)
        if schedule is None or schedule.due_at() > now:
            continue
        row.late += 1
        if row.due_on is None or schedule.reviews_due_on < row.due_on:
            row.due_on = schedule.reviews_due_on
            row.days_late = (
                timezone.localtime(now, schedule.round.zone).date()
                - schedule.reviews_due_on
            ).days
        if schedule.round.name not in row.rounds:
            row.rounds.append(schedule.round.name)
    late = [r for r in found.values() if r.late]
    return sorted(late, key=lambda r: (-r.days_late, r.name))


def schedules_by_round():
    return {s.round_id: s for s in ReviewSchedule.objects.all()}


def attendance_missing(*, now=None):
    """Past cohort events and affinity meetings with no attendance recorded."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=ATTENDANCE_LOOKBACK_DAYS)
    events = (
        Event.objects.filter(starts_at__lt=now, starts_at__gte=since)
        .exclude(kind=Event.Kind.CHECK_IN)
        .annotate(recorded=Exists(Attendance.objects.filter(event=OuterRef("pk"))))
        .filter(recorded=False)
        .select_related("mentorship__mentor_organization")
        .order_by("-starts_at")
    )
    meetings = (
        Meeting.objects.filter(starts_at__lt=now, starts_at__gte=since)
        .annotate(
            recorded=Exists(MeetingAttendance.objects.filter(meeting=OuterRef("pk")))
        )
        .filter(recorded=False)
        .select_related("group")
        .order_by("-starts_at")
    )
    return events, meetings


def attendance_missing_counts(*, now=None) -> tuple[int, int]:
    events, meetings = attendance_missing(now=now)
    return events.count(), meetings.count()


def survey_todo(*, now=None) -> list[Survey]:
    """Drafts whose opening time has come and open surveys past their close,
    with their response counts (one query)."""
    now = now or timezone.now()
    return list(
        Survey.objects.filter(
            Q(status=Survey.Status.DRAFT, opens_at__lte=now)
            | Q(status=Survey.Status.OPEN, closes_at__lte=now)
        )
        .annotate(
            invited=Count("invitations", distinct=True),
            completed=Count(
                "invitations",
                filter=Q(invitations__completed_on__isnull=False),
                distinct=True,
            ),
        )
        .order_by("closes_at", "pk")
    )


def offers_expiring(*, now=None):
    now = now or timezone.now()
    return (
        Award.objects.filter(
            status=Award.Status.OFFERED,
            offer_expires_at__lte=now + dt.timedelta(days=OFFER_SOON_DAYS),
        )
        .select_related("application__organization", "application__round", "mentorship")
        .order_by("offer_expires_at", "pk")
    )


def workplans_waiting():
    return (
        WorkPlan.objects.filter(status=WorkPlan.Status.SUBMITTED)
        .select_related(
            "award__application__organization", "award__mentorship__mentor_organization"
        )
        .order_by("updated_at", "pk")
    )


def recent_actions(*, limit: int = 10):
    """The team's last actions, from the audit trail (one query)."""
    return list(
        AuditEvent.objects.select_related("actor", "content_type")
        .filter(actor__is_staff=True)
        .order_by("-created_at", "-pk")[:limit]
    )


# --- mailings ---

DELIVERY = {
    "sent": [Message.Status.SENT],
    "waiting": [Message.Status.PENDING, Message.Status.QUEUED, Message.Status.SENDING],
    "failed": [Message.Status.FAILED],
    "skipped": [Message.Status.SUPPRESSED],
}


def mailing_list():
    """Every mailing, newest first, with its delivery counts (one query)."""
    return (
        Mailing.objects.select_related("sent_by")
        .annotate(
            sent=Count(
                "recipients",
                filter=Q(recipients__message__status__in=DELIVERY["sent"]),
            ),
            waiting=Count(
                "recipients",
                filter=Q(recipients__message__status__in=DELIVERY["waiting"]),
            ),
            failed=Count(
                "recipients",
                filter=Q(recipients__message__status__in=DELIVERY["failed"]),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def mailing_delivery(mailing: Mailing) -> dict:
    """The mailing's recipients by delivery state (one query)."""
    return MailingRecipient.objects.filter(mailing=mailing).aggregate(
        **{
            name: Count("pk", filter=Q(message__status__in=statuses))
            for name, statuses in DELIVERY.items()
        }
    )


def mailing_recipients(mailing: Mailing):
    return (
        MailingRecipient.objects.filter(mailing=mailing)
        .select_related("message")
        .order_by("pk")
    )
