"""Reads the discussions' pages share, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from affinity.models import Group, Meeting, MeetingAttendance
from cohorts.models import Attendance, Event, Mentorship

from . import permissions, rules
from .models import Challenge, Post, Reply, Space, Thread
from .permissions import Ref


def thread_list(*, space: Space | None) -> QuerySet:
    if space is None:
        return Thread.objects.none()
    return Thread.objects.filter(space=space).select_related("author", "locked_by")


def posts_for(*, thread: Thread, user, moderator: bool) -> QuerySet:
    """The thread's posts the viewer sees: hidden ones only to their author
    (with the reason) and to moderators (marked)."""
    qs = Post.objects.filter(thread=thread).select_related("author", "hidden_by")
    if not moderator:
        qs = qs.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return qs.prefetch_related("mentions")


def replies_for(*, challenge: Challenge, user, moderator: bool) -> QuerySet:
    qs = Reply.objects.filter(challenge=challenge).select_related("author", "hidden_by")
    if not moderator:
        qs = qs.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return qs


def challenge_list(
    *, user, status: str = "", mine: bool = False, text: str = ""
) -> QuerySet:
    qs = (
        Challenge.objects.filter(permissions.readable_challenges_q(user))
        .filter(Q(hidden_at__isnull=True) | Q(author=user))
        .select_related("author", "organization", "space__mentorship", "space__group")
        .prefetch_related("topics")
    )
    if status in Challenge.Status.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(author=user)
    if text:
        qs = challenge_search(qs, text)
    return qs


def _clean_query(text: str) -> str:
    return " ".join((text or "").split())[:200]


def challenge_search(qs: QuerySet, text: str) -> QuerySet:
    """PostgreSQL: full-text search ranked by ``ts_rank``; elsewhere every word."""
    text = _clean_query(text)
    if not text:
        return qs
    if connection.vendor == "postgresql":
        # The stored vector (kept by a trigger, GIN-indexed: migration 0003).
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            qs.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at", "-pk")
        )
    for word in text.split():
        qs = qs.filter(search_document__icontains=word.strip('"-'))
    return qs


def thread_search(*, user, text: str) -> QuerySet:
    """Threads the viewer may read whose title or a visible post matches."""
    text = _clean_query(text)
    threads = Thread.objects.filter(
        permissions.readable_spaces_q(user, prefix="space__")
    ).select_related("space__mentorship", "space__group")
    if not text:
        return threads.none()
    posts = Post.objects.filter(hidden_at__isnull=True)
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="english", search_type="websearch")
        matching = posts.annotate(
            document=SearchVector("body_text", config="english")
        ).filter(document=query)
        titled = Thread.objects.annotate(
            document=SearchVector("title", config="english")
        ).filter(document=query)
    else:
        matching, titled = posts, Thread.objects.all()
        for word in text.split():
            word = word.strip('"-')
            matching = matching.filter(body_text__icontains=word)
            titled = titled.filter(title__icontains=word)
    return threads.filter(
        Q(pk__in=matching.values("thread_id")) | Q(pk__in=titled.values("pk"))
    ).order_by("-last_post_at", "-pk")


def space_cards(user) -> list[dict]:
    """The spaces the viewer belongs to (staff: every one with threads)."""
    cohorts, led_c, groups, led_g = permissions.memberships(user)
    spaces = {
        (s.kind, s.owner_id): s
        for s in Space.objects.filter(
            Q(mentorship_id__in=cohorts) | Q(group_id__in=groups)
        ).annotate(thread_total=Count("threads"))
    }
    cards = []
    for m in Mentorship.objects.filter(pk__in=cohorts).select_related("round"):
        space = spaces.get((Space.Kind.COHORT, m.pk))
        cards.append(
            {
                "ref": Ref(Space.Kind.COHORT, m.pk),
                "name": m.topic,
                "kind": Space.Kind.COHORT.label,
                "threads": getattr(space, "thread_total", 0),
                "moderator": m.pk in led_c,
            }
        )
    for g in Group.objects.filter(pk__in=groups).select_related("cycle"):
        space = spaces.get((Space.Kind.GROUP, g.pk))
        cards.append(
            {
                "ref": Ref(Space.Kind.GROUP, g.pk),
                "name": g.topic,
                "kind": Space.Kind.GROUP.label,
                "threads": getattr(space, "thread_total", 0),
                "moderator": g.pk in led_g,
            }
        )
    return cards


def staff_spaces() -> QuerySet:
    return (
        Space.objects.select_related("mentorship", "group")
        .annotate(thread_total=Count("threads"))
        .order_by("kind", "pk")
    )


def open_challenges_of_cohort(mentorship_id: int) -> list[Challenge]:
    """The open challenges the cohort's people posted (for its mentors)."""
    return list(
        Challenge.objects.filter(
            status=Challenge.Status.OPEN,
            hidden_at__isnull=True,
            author__cohort_memberships__award__mentorship_id=mentorship_id,
            author__cohort_memberships__active=True,
        )
        .distinct()
        .select_related("author")
        .order_by("-created_at")[:10]
    )


def challenges_on_agenda(*, meeting: Meeting | None = None, event: Event | None = None):
    qs = Challenge.objects.filter(hidden_at__isnull=True).select_related("author")
    if meeting is not None:
        return list(qs.filter(meeting=meeting))
    return list(qs.filter(event=event))


# --- Activity over time and the taper warning ----------------------------------


@dataclass
class Activity:
    ref: Ref
    name: str
    kind_label: str
    starts: dt.date
    ends: dt.date
    buckets: list[rules.Bucket]

    @property
    def midpoint(self) -> dt.date:
        return rules.midpoint(self.starts, self.ends)

    @property
    def tapers(self) -> bool:
        return rules.activity_tapers(self.buckets) or rules.attendance_tapers(
            self.buckets
        )

    @property
    def before_midpoint(self) -> bool:
        return timezone.localdate() < self.midpoint

    @property
    def bars(self) -> list[dict]:
        top = max((b.activity for b in self.buckets), default=0) or 1
        width = 240 // max(len(self.buckets), 1)
        bars = []
        for i, b in enumerate(self.buckets):
            height = round(56 * b.activity / top)
            bars.append(
                {
                    "x": i * width + 1,
                    "y": 60 - height,
                    "width": max(width - 2, 1),
                    "height": height,
                    "label": f"{b.start:%b %Y}: {b.activity}",
                }
            )
        return bars


def _bucket_of(day: dt.date, months: list[dt.date]) -> dt.date | None:
    start = day.replace(day=1)
    return start if start in months else None


def activities(refs: list[Ref]) -> list[Activity]:
    """Posts, replies and attendance per month over each cohort's year or
    group's cycle, up to today: in a fixed number of queries for any number
    of spaces."""
    today = timezone.localdate()
    cohort_ids = [r.owner_id for r in refs if r.kind == Space.Kind.COHORT]
    group_ids = [r.owner_id for r in refs if r.kind == Space.Kind.GROUP]
    cohorts = Mentorship.objects.select_related("round").in_bulk(cohort_ids)
    groups = Group.objects.select_related("cycle").in_bulk(group_ids)
    spaces = {
        (s.kind, s.owner_id): s.pk
        for s in Space.objects.filter(
            Q(mentorship_id__in=cohort_ids) | Q(group_id__in=group_ids)
        )
    }
    posts, replies = _written_by_space(list(spaces.values()))
    seen = _attendance_by_owner(cohort_ids, group_ids)
    found = []
    for ref in refs:
        if ref.kind == Space.Kind.COHORT:
            owner = cohorts.get(ref.owner_id)
            if owner is None:
                continue
            starts, ends = owner.round.contract_start, owner.round.contract_end
        else:
            owner = groups.get(ref.owner_id)
            if owner is None:
                continue
            starts, ends = owner.cycle.starts_on, owner.cycle.ends_on
        months = rules.month_starts(starts, min(today, ends))
        space_id = spaces.get((ref.kind, ref.owner_id))
        buckets = _month_buckets(
            months,
            {"posts": posts.get(space_id, []), "replies": replies.get(space_id, [])},
            seen.get((ref.kind, ref.owner_id), []),
        )
        found.append(
            Activity(
                ref, owner.topic, str(Space.Kind(ref.kind).label), starts, ends, buckets
            )
        )
    return found


def _written_by_space(space_ids: list[int]) -> tuple[dict, dict]:
    """When each visible post and reply was written, by space id."""
    posts: dict = defaultdict(list)
    for space_id, created in Post.objects.filter(
        thread__space_id__in=space_ids, hidden_at__isnull=True
    ).values_list("thread__space_id", "created_at"):
        posts[space_id].append(created)
    replies: dict = defaultdict(list)
    for space_id, created in Reply.objects.filter(
        challenge__space_id__in=space_ids, hidden_at__isnull=True
    ).values_list("challenge__space_id", "created_at"):
        replies[space_id].append(created)
    return posts, replies


def _attendance_by_owner(cohort_ids: list[int], group_ids: list[int]) -> dict:
    """(start, present) of every attendance record, by (space kind, owner id)."""
    seen: dict = defaultdict(list)
    for owner, starts_at, status in Attendance.objects.filter(
        event__mentorship_id__in=cohort_ids
    ).values_list("event__mentorship_id", "event__starts_at", "status"):
        seen[(Space.Kind.COHORT, owner)].append(
            (starts_at, status == Attendance.Status.PRESENT)
        )
    for owner, starts_at, present in MeetingAttendance.objects.filter(
        meeting__group_id__in=group_ids
    ).values_list("meeting__group_id", "meeting__starts_at", "present"):
        seen[(Space.Kind.GROUP, owner)].append((starts_at, bool(present)))
    return seen


def _month_buckets(
    months: list[dt.date], written: dict[str, list], attended: list
) -> list[rules.Bucket]:
    """One bucket a month: the posts and replies written in it and the share of
    attendance records that were present."""
    counts = {"posts": defaultdict(int), "replies": defaultdict(int)}
    for name, times in written.items():
        for created in times:
            key = _bucket_of(timezone.localtime(created).date(), months)
            if key:
                counts[name][key] += 1
    present: dict = defaultdict(lambda: [0, 0])
    for starts_at, here in attended:
        key = _bucket_of(timezone.localtime(starts_at).date(), months)
        if key:
            present[key][1] += 1
            present[key][0] += int(here)
    return [
        rules.Bucket(
            start=m,
            posts=counts["posts"][m],
            replies=counts["replies"][m],
            attendance=(present[m][0] / present[m][1]) if present[m][1] else None,
        )
        for m in months
    ]


def activity(ref: Ref) -> Activity | None:
    found = activities([ref])
    return found[0] if found else None


def activity_for(user) -> list[Activity]:
    """The spaces whose activity ``user`` watches: staff every cohort and group
    of the current year, mentors and leaders their own."""
    if permissions.is_staff(user):
        today = timezone.localdate()
        refs = [
            Ref(Space.Kind.COHORT, pk)
            for pk in Mentorship.objects.filter(
                round__contract_end__gte=today - dt.timedelta(days=365)
            ).values_list("pk", flat=True)
        ] + [
            Ref(Space.Kind.GROUP, pk)
            for pk in Group.objects.filter(
                cycle__ends_on__gte=today - dt.timedelta(days=365)
            ).values_list("pk", flat=True)
        ]
    else:
        _c, led_c, _g, led_g = permissions.memberships(user)
        refs = [Ref(Space.Kind.COHORT, pk) for pk in sorted(led_c)] + [
            Ref(Space.Kind.GROUP, pk) for pk in sorted(led_g)
        ]
    return activities(refs)
