"""Reads of the peer network shared by its pages, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from affinity.models import Group, GroupMember
from applications.models import Award
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership

from . import permissions, rules
from .models import (
    Challenge,
    CollaborationProfile,
    GroupMoveSuggestion,
    Introduction,
    Similarity,
    Topic,
)
from .rules import Visibility, tag

# Shown on a profile and on the mentee's home.
SIMILAR_SHOWN = 5


def _search_vector():
    # The same expression as the GIN index of migration 0002.
    return SearchVector("search_document", config="english")


def profile_search(qs: QuerySet, text: str) -> QuerySet:
    """Filter ``qs`` to profiles matching ``text``, best first.

    PostgreSQL: full-text search on ``search_document`` (web search syntax:
    words, "quoted phrases", -excluded), ranked by ``ts_rank``. Elsewhere
    (SQLite in development): every word must appear, in name order.
    """
    text = " ".join((text or "").split())[:200]
    if not text:
        return qs
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            qs.annotate(document=_search_vector())
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
            .order_by("-rank", "organization__name", "pk")
        )
    for word in text.split():
        qs = qs.filter(search_document__icontains=word.strip('"-'))
    return qs


def _award_exists(**filters) -> Exists:
    return Exists(
        Award.objects.filter(
            application__organization_id=OuterRef("organization_id"),
            status__in=Award.ACTIVE,
            **filters,
        )
    )


def _people_of_org():
    """Users who speak for an organization (``OuterRef("organization_id")``)."""
    members = Membership.objects.filter(
        organization_id=OuterRef(OuterRef("organization_id"))
    ).values("user_id")
    cohort = CohortMember.objects.filter(
        award__application__organization_id=OuterRef(OuterRef("organization_id")),
        active=True,
        user__isnull=False,
    ).values("user_id")
    return members, cohort


def directory(
    *,
    user,
    text: str = "",
    topic: Topic | int | None = None,
    sector: str = "",
    data_system: str = "",
    state: str = "",
    region: str = "",
    year: int | None = None,
    cohort: Mentorship | None = None,
    group: Group | int | None = None,
    alumni: bool = False,
) -> QuerySet:
    """The profiles ``user`` may find, filtered; hidden profiles never appear."""
    qs = CollaborationProfile.objects.filter(
        Q(permissions.visibility_filter(user)) & ~Q(visibility=Visibility.NOBODY)
    ).select_related("organization")
    if topic is not None:
        qs = qs.filter(topics=topic)
    if sector:
        qs = qs.filter(tags_index__contains=tag("s", sector))
    if data_system:
        qs = qs.filter(tags_index__contains=tag("d", data_system))
    if state:
        qs = qs.filter(state=state)
    if region:
        qs = qs.filter(region=region)
    if year:
        qs = qs.filter(
            _award_exists(application__round__contract_start__year=year)
            | Exists(
                Mentorship.objects.filter(
                    mentor_organization_id=OuterRef("organization_id"),
                    round__contract_start__year=year,
                )
            )
        )
    if cohort is not None:
        qs = qs.filter(
            _award_exists(mentorship=cohort)
            | Q(organization_id=cohort.mentor_organization_id)
        )
    if group is not None:
        members, cohort_people = _people_of_org()
        qs = qs.filter(
            Exists(
                GroupMember.objects.filter(
                    group=group, status=GroupMember.Status.ADMITTED
                ).filter(Q(user_id__in=members) | Q(user_id__in=cohort_people))
            )
        )
    if alumni:
        qs = qs.filter(_award_exists(status=Award.Status.ENDED))
    if text:
        return profile_search(qs, text)
    return qs.order_by("organization__name", "pk")


class GroupName(NamedTuple):
    pk: int
    topic: str


@dataclass
class Facts:
    """What an organization took part in, from the program's own records."""

    years: list[int] = field(default_factory=list)
    cohorts: list[Mentorship] = field(default_factory=list)
    mentored: list[Mentorship] = field(default_factory=list)
    groups: list[GroupName] = field(default_factory=list)
    alumni: bool = False
    current: bool = False


def program_facts(org_ids) -> dict[int, Facts]:
    """Program years, cohorts, mentored cohorts and groups of ``org_ids``: three
    queries whatever their number."""
    org_ids = list(org_ids)
    facts: dict[int, Facts] = defaultdict(Facts)
    if not org_ids:
        return facts
    awards = (
        Award.objects.filter(
            application__organization_id__in=org_ids, status__in=Award.ACTIVE
        )
        .select_related("mentorship__round", "mentorship__mentor_organization")
        .annotate(org_id=F("application__organization_id"))
        .order_by("mentorship__round__contract_start")
    )
    for award in awards:
        fact = facts[award.org_id]
        fact.cohorts.append(award.mentorship)
        fact.years.append(award.mentorship.round.contract_start.year)
        if award.status == Award.Status.ENDED:
            fact.alumni = True
        else:
            fact.current = True
    led = (
        Mentorship.objects.filter(mentor_organization_id__in=org_ids)
        .select_related("round", "mentor_organization")
        .order_by("round__contract_start", "order")
    )
    for mentorship in led:
        fact = facts[mentorship.mentor_organization_id]
        fact.mentored.append(mentorship)
        fact.years.append(mentorship.round.contract_start.year)
    # Groups whose admitted members speak for the organization.
    by_membership = GroupMember.objects.filter(
        status=GroupMember.Status.ADMITTED,
        user__memberships__organization_id__in=org_ids,
    ).values_list("user__memberships__organization_id", "group_id", "group__topic")
    by_cohort = GroupMember.objects.filter(
        status=GroupMember.Status.ADMITTED,
        user__cohort_memberships__active=True,
        user__cohort_memberships__award__application__organization_id__in=org_ids,
    ).values_list(
        "user__cohort_memberships__award__application__organization_id",
        "group_id",
        "group__topic",
    )
    seen = set(by_membership.order_by().union(by_cohort.order_by()))
    for org_id, group_id, topic in sorted(seen):
        facts[org_id].groups.append(GroupName(group_id, topic))
    for fact in facts.values():
        fact.years = sorted(set(fact.years))
        fact.groups.sort(key=lambda g: (g.topic, g.pk))
    return facts


def challenges_of(profile_ids) -> dict[int, list[Challenge]]:
    found: dict[int, list[Challenge]] = defaultdict(list)
    for challenge in Challenge.objects.filter(profile_id__in=list(profile_ids)):
        found[challenge.profile_id].append(challenge)
    return found


def viewer_cohort_org_ids(user):
    """Organizations in the viewer's own cohorts: those of the mentorships its
    organizations were awarded in, it is a cohort member of, or it leads."""
    own = permissions.organization_ids_of(user)
    mentorships = Mentorship.objects.filter(
        Q(mentors=user)
        | Q(awards__application__organization_id__in=own)
        | Q(awards__members__user=user, awards__members__active=True)
    ).values("pk")
    return Award.objects.filter(
        mentorship__in=mentorships, status__in=Award.ACTIVE
    ).values("application__organization_id")


def similar_for(*, profile: CollaborationProfile, user, limit=SIMILAR_SHOWN):
    """The profiles most like ``profile`` that ``user`` may read, outside its own
    cohort and organizations, best first (one query, and one for the names of
    the topics their reasons name)."""
    similar = list(
        Similarity.objects.filter(profile=profile)
        .filter(
            other__in=CollaborationProfile.objects.filter(
                permissions.others_filter(user)
            )
        )
        .exclude(other__organization_id__in=viewer_cohort_org_ids(user))
        .select_related("other__organization")
        .order_by("rank")[:limit]
    )
    ids = set().union(*(rules.reason_topics(s.reason_codes) for s in similar))
    names = dict(Topic.objects.filter(pk__in=ids).values_list("pk", "name"))
    for s in similar:
        s.topic_names = {str(pk): name for pk, name in names.items()}
    return similar


def own_profiles(user) -> list[CollaborationProfile]:
    return list(
        CollaborationProfile.objects.filter(
            organization_id__in=permissions.organization_ids_of(user)
        ).select_related("organization")
    )


def similar_for_user(user, limit=SIMILAR_SHOWN) -> list[tuple]:
    """For each of the user's own profiles, its peers like us (mentee's home)."""
    return [
        (profile, similar_for(profile=profile, user=user, limit=limit))
        for profile in own_profiles(user)
    ]


def introduction_list(user) -> QuerySet:
    return permissions.introductions_of(user).select_related(
        "from_profile__organization",
        "to_profile__organization",
        "from_contact",
        "to_contact",
        "introduced_by",
    )


def moves_for_member(user) -> QuerySet:
    return GroupMoveSuggestion.objects.filter(
        member__user=user, status=GroupMoveSuggestion.Status.PENDING
    ).select_related("member__group", "to_group", "suggested_by")


def peer_challenges(user, limit=8) -> list[Challenge]:
    """Recent challenges of profiles ``user`` may read (not its own): what peers
    are asking about."""
    return list(
        Challenge.objects.filter(
            profile__in=CollaborationProfile.objects.filter(
                permissions.others_filter(user)
            )
        )
        .select_related("profile__organization")
        .order_by("-created_at", "-id")[:limit]
    )


def directory_choices() -> dict:
    """The filters' choices: topics, cohorts (with their program years) and
    groups, in three queries."""
    cohorts = list(
        Mentorship.objects.filter(awards__status__in=Award.ACTIVE)
        .distinct()
        .select_related("round", "mentor_organization")
        .order_by("-round__contract_start", "order")
    )
    return {
        "topics": [(t.pk, t.name) for t in Topic.objects.all()],
        "cohorts": {m.pk: m for m in cohorts},
        "years": sorted({m.round.contract_start.year for m in cohorts}, reverse=True),
        "groups": [
            (g.pk, f"{g.topic} ({g.cycle.name})")
            for g in Group.objects.select_related("cycle").order_by(
                "-cycle__starts_on", "topic"
            )
        ],
    }


def topics_of(profile_ids) -> dict[int, list[Topic]]:
    found: dict[int, list[Topic]] = defaultdict(list)
    rows = CollaborationProfile.topics.through.objects.filter(
        collaborationprofile_id__in=list(profile_ids)
    ).select_related("topic")
    for row in rows.order_by("topic__order", "topic__name"):
        found[row.collaborationprofile_id].append(row.topic)
    return found


def broker_candidates(user) -> QuerySet:
    """Profiles a mentor or staff member may introduce: those of organizations
    awarded in the program (alumni too), not hidden."""
    awarded = Award.objects.filter(status__in=Award.ACTIVE).values(
        "application__organization_id"
    )
    return (
        CollaborationProfile.objects.filter(organization_id__in=awarded)
        .exclude(visibility=Visibility.NOBODY)
        .select_related("organization")
        .order_by("organization__name")
    )


def introduction_between(own, profile) -> Introduction | None:
    """The open or accepted introduction between one of ``own`` and ``profile``."""
    pairs = [Introduction.pair_of(o.pk, profile.pk) for o in own]
    return (
        Introduction.objects.filter(
            pair__in=pairs,
            status__in=[Introduction.Status.PENDING, Introduction.Status.ACCEPTED],
        )
        .order_by("-pk")
        .first()
    )
