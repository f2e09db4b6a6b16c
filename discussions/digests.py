"""The e-mails that carry the spaces to their members between meetings.

A beat task (``tasks.digests_task``, hourly) works out, for the day and the
week that last ended, who is owed a digest: the members of each space who chose
that rhythm (weekly without a choice), for the spaces with something new in
the period (a thread, a post, a challenge, a reply) that they may still read.
Each person gets one e-mail per period covering all its spaces; the outbox's
idempotency key is the person, the rhythm and the period, so a second run, or
two workers at once, write nothing more. Nothing new, no e-mail. Hidden posts
and replies are left out.

Weekly, the "challenges you could help with" e-mail lists the open challenges
a person may read, of others, posted in the week, best matched to its
organization's profile (topics and data systems in common).

The "Reply" links sign their reader in: the link is made when the e-mail is
sent (``signin_link``) and never stored; it opens a page with a button, valid
for ``SIGNIN_MAX_AGE``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dashmentor.roles import with_roles
from notifications import links
from notifications.models import Message
from notifications.services import message_enqueue
from peers.models import CollaborationProfile
from peers.permissions import (
    is_participant,
    organization_ids_of,
    organization_ids_prefill,
)

from . import permissions, rules, services
from .models import (
    DEFAULT_FREQUENCY,
    Challenge,
    ChallengeMail,
    Frequency,
    Post,
    Reply,
    Space,
    SpaceSetting,
)

SIGNIN_SALT = "discussions.signin"
SIGNIN_MAX_AGE = dt.timedelta(days=14)
MAX_THREADS = 10
MAX_CHALLENGES = 8


def signin_link(message) -> str:
    """The sign-in link of a discussion e-mail, made as it is sent."""
    User = get_user_model()
    if not User.objects.filter(pk=message.link_object_id, is_active=True).exists():
        raise links.LinkUnavailable(links.LINK_GONE.format(reason="no such account"))
    token = links.dumps_at(
        {"u": message.link_object_id, "m": message.pk},
        salt=SIGNIN_SALT,
        at=message.created_at,
    )
    return links.absolute(reverse("discussions:signin", args=[token]))


def signin_user_id(token: str) -> int | None:
    try:
        data = signing.loads(
            token, salt=SIGNIN_SALT, max_age=SIGNIN_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) else None


# --- What is new in a period, per space ------------------------------------------


def _space_news(period: rules.Period) -> dict[int, dict]:
    """Per space id: its threads with new visible posts, its new challenges."""
    news: dict[int, dict] = defaultdict(lambda: {"threads": {}, "challenges": []})
    posts = (
        Post.objects.filter(
            created_at__gte=period.start,
            created_at__lt=period.end,
            hidden_at__isnull=True,
        )
        .select_related("thread", "author")
        .order_by("created_at", "pk")
    )
    for post in posts:
        entry = news[post.thread.space_id]["threads"].setdefault(
            post.thread_id, {"thread": post.thread, "posts": []}
        )
        entry["posts"].append(post)
    challenges = Challenge.objects.filter(
        space__isnull=False, hidden_at__isnull=True
    ).filter(
        Q(created_at__gte=period.start, created_at__lt=period.end)
        | Q(
            pk__in=Reply.objects.filter(
                created_at__gte=period.start,
                created_at__lt=period.end,
                hidden_at__isnull=True,
            ).values("challenge_id")
        )
    )
    for challenge in challenges.select_related("author").order_by("created_at"):
        news[challenge.space_id]["challenges"].append(challenge)
    return news


def _members_by_space(spaces) -> dict[int, list]:
    found = {}
    for space in spaces:
        found[space.pk] = list(permissions.space_members(permissions.ref_of(space)))
    return found


def digests_send(*, frequency: str, period: rules.Period | None = None, now=None):
    """Write the digests of ``frequency`` owed for ``period`` (the one that
    last ended); return how many e-mails were written or found."""
    period = period or rules.period_ending_before(frequency, now or timezone.now())
    news = _space_news(period)
    if not news:
        return 0
    spaces = {
        s.pk: s
        for s in Space.objects.filter(pk__in=list(news)).select_related(
            "mentorship", "group"
        )
    }
    members = _members_by_space(spaces.values())
    settings_rows = defaultdict(dict)
    for row in SpaceSetting.objects.filter(space_id__in=list(spaces)):
        settings_rows[row.space_id][row.user_id] = row.frequency
    owed: dict[int, dict] = {}
    for space_id, space in spaces.items():
        for member in members.get(space_id, []):
            chosen = settings_rows[space_id].get(member.pk, DEFAULT_FREQUENCY)
            if chosen != frequency:
                continue
            entry = owed.setdefault(member.pk, {"user": member, "spaces": []})
            entry["spaces"].append((space, news[space_id]))
    done = _already_written(f"discussions-digest:{frequency}:{period.name}")
    written = 0
    for entry in owed.values():
        if entry["user"].email.strip().lower() in done:
            written += 1
            continue
        sections = _sections(entry["user"], entry["spaces"])
        if not sections:
            continue
        _digest_enqueue(entry["user"], frequency, period, sections)
        written += 1
    return written


def _already_written(key: str) -> set[str]:
    """The addresses already written for ``key``: a later run of the period
    skips them before rendering anything (the outbox's key would anyway)."""
    return {
        address.lower()
        for address in Message.objects.filter(
            idempotency_key__endswith=f":{key}"
        ).values_list("to_email", flat=True)
    }


def _sections(user, spaces) -> list[dict]:
    sections = []
    for space, items in sorted(spaces, key=lambda pair: pair[0].name):
        threads = []
        for entry in list(items["threads"].values())[:MAX_THREADS]:
            others = [p for p in entry["posts"] if p.author_id != user.pk]
            if not others:
                continue
            last = others[-1]
            threads.append(
                {
                    "title": entry["thread"].title,
                    "count": len(others),
                    "last_author": last.author.get_full_name() if last.author else "",
                    "excerpt": rules.excerpt(last.body_text),
                    "path": entry["thread"].get_absolute_url() + "#reply",
                }
            )
        challenges = [
            {
                "title": c.title,
                "author": c.author.get_full_name() if c.author else "",
                "excerpt": rules.excerpt(c.context),
                "replies": c.reply_count,
                "path": c.get_absolute_url() + "#reply",
            }
            for c in items["challenges"][:MAX_CHALLENGES]
        ]
        if threads or challenges:
            sections.append(
                {
                    "name": space.name,
                    "kind": space.get_kind_display(),
                    "threads": threads,
                    "challenges": challenges,
                    "unsubscribe": services._unsubscribe_url(
                        user, permissions.ref_of(space).key
                    ),
                }
            )
    return sections


def _digest_subject(frequency: str) -> str:
    if frequency == Frequency.DAILY:
        return gettext("Today in your cohort and groups")
    return gettext("This week in your cohort and groups")


def _digest_enqueue(user, frequency: str, period: rules.Period, sections) -> None:
    message_enqueue(
        kind=services.MAIL_KIND,
        to_email=user.email,
        recipient=user,
        subject=functools.partial(_digest_subject, frequency),
        template="discussions_digest",
        context={"sections": sections, "frequency": frequency, "period": period},
        key=f"discussions-digest:{frequency}:{period.name}",
        link_kind=services.SIGNIN_LINK,
        link_object_id=user.pk,
    )


# --- Challenges you could help with ------------------------------------------------


def _profiles_by_organization(users) -> dict[int, tuple[set[int], set[str]]]:
    """Per organization of ``users``: the topics and data systems of its
    collaboration profile (two queries)."""
    org_ids = set().union(*(organization_ids_of(u) for u in users)) if users else set()
    found = {}
    for profile in CollaborationProfile.objects.filter(
        organization_id__in=list(org_ids)
    ).prefetch_related("topics"):
        systems = set(profile.data_systems or []) | set(
            profile.data_systems_planned or []
        )
        found[profile.organization_id] = ({t.pk for t in profile.topics.all()}, systems)
    return found


def _week_challenges(period: rules.Period) -> list[Challenge]:
    """The open challenges posted in ``period``, newest first, with what the
    matching reads (space, author, topics)."""
    return list(
        Challenge.objects.filter(
            status=Challenge.Status.OPEN,
            hidden_at__isnull=True,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .select_related("author", "space")
        .prefetch_related("topics")
        .order_by("-created_at", "-pk")
    )


def challenges_for(user, week: list[Challenge], profiles: dict) -> list[Challenge]:
    """Of ``week``'s challenges, those of others ``user`` may read, closest to
    its organizations' profiles first (then the newest); no query once the
    reader's roles, memberships and organizations are read."""
    topics: set[int] = set()
    systems: set[str] = set()
    for org_id in organization_ids_of(user):
        org_topics, org_systems = profiles.get(org_id, (set(), set()))
        topics |= org_topics
        systems |= org_systems
    found = [
        c
        for c in week
        if c.author_id != user.pk and permissions.challenge_readable(user, c)
    ]

    def score(c):
        shared = len(topics & {t.pk for t in c.topics.all()}) + len(
            systems & set(c.data_systems or [])
        )
        return (-shared, -c.created_at.timestamp())

    return sorted(found, key=score)[:MAX_CHALLENGES]


def _challenge_readers(period: rules.Period) -> list:
    """The people owed the week's e-mail, not yet written, with their roles,
    memberships and organizations read for all at once."""
    done = _already_written(f"discussions-challenges:{period.name}")
    rows = {row.user_id: row for row in ChallengeMail.objects.all()}
    users = [
        user
        for user in with_roles(
            get_user_model().objects.filter(is_active=True).order_by("pk")
        )
        if user.email.strip().lower() not in done
        and services.challenge_mail_wanted(user, rows.get(user.pk))
        and is_participant(user)
    ]
    permissions.memberships_prefill(users)
    organization_ids_prefill(users)
    return users


def _challenge_mail_enqueue(user, found: list[Challenge], period: rules.Period):
    message_enqueue(
        kind=services.MAIL_KIND,
        to_email=user.email,
        recipient=user,
        subject=functools.partial(gettext, "Challenges you could help with"),
        template="discussions_challenges",
        context={
            "challenges": [
                {
                    "title": c.title,
                    "author": c.author.get_full_name() if c.author else "",
                    "excerpt": rules.excerpt(c.context),
                    "would_help": rules.excerpt(c.would_help, 160),
                    "path": c.get_absolute_url() + "#reply",
                }
                for c in found
            ],
            "unsubscribe": services._unsubscribe_url(user, "challenges"),
        },
        key=f"discussions-challenges:{period.name}",
        link_kind=services.SIGNIN_LINK,
        link_object_id=user.pk,
    )


def challenge_mails_send(*, period: rules.Period | None = None, now=None) -> int:
    """The weekly "challenges you could help with", once per person and week.

    The readers, their roles, memberships and profiles and the week's
    challenges are read in a fixed number of queries whatever their number;
    only writing each person's e-mail costs queries per person.
    """
    period = period or rules.period_ending_before("weekly", now or timezone.now())
    week = _week_challenges(period)
    if not week:
        return 0
    readers = _challenge_readers(period)
    profiles = _profiles_by_organization(readers)
    written = 0
    for user in readers:
        found = challenges_for(user, week, profiles)
        if found:
            _challenge_mail_enqueue(user, found, period)
            written += 1
    return written


def digests_run(*, now=None) -> dict:
    """The beat's run: the daily and weekly digests and the challenges e-mail."""
    now = now or timezone.now()
    return {
        "daily": digests_send(frequency=Frequency.DAILY, now=now),
        "weekly": digests_send(frequency=Frequency.WEEKLY, now=now),
        "challenges": challenge_mails_send(now=now),
    }


def staff_card_context(request) -> dict:
    """The staff home's card: links only (the home keeps its query budget)."""
    return {}
