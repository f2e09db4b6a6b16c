"""Who may use the peer network, read a profile, edit one or introduce two.

The directory is for the program's participants: staff, mentors, mentees,
alumni and affinity-group participants; an applicant that is none of these
may read only profiles open to everyone signed in, by their address. A profile
set to "nobody" exists for its own people only: everyone else, staff
included, gets 404 (staff keep the admin). Contact details are never part of
a profile (see ``Introduction``).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from applications.models import Award
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership
from dashmentor.roles import Role, has_role

from .models import CollaborationProfile, Introduction
from .rules import Visibility

PARTICIPANT_ROLES = (
    Role.STAFF,
    Role.MENTOR,
    Role.MENTEE,
    Role.ALUMNI,
    Role.PARTICIPANT,
)
BROKER_ROLES = (Role.STAFF, Role.MENTOR)


def is_participant(user) -> bool:
    """Whether ``user`` takes part in the program (and so uses the directory)."""
    return user.is_authenticated and has_role(user, *PARTICIPANT_ROLES)


def organization_ids_of(user) -> frozenset[int]:
    """The organizations ``user`` speaks for: its memberships, the awarded
    organizations it is a cohort member of (ended awards too: alumni keep their
    profile) and the mentor organizations of the mentorships it leads."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_peer_org_ids", None)
    if cached is None:
        # One query: the three sources as a UNION.
        memberships = Membership.objects.filter(user=user).values_list(
            "organization_id", flat=True
        )
        cohorts = CohortMember.objects.filter(
            user=user, active=True, award__status__in=Award.ACTIVE
        ).values_list("award__application__organization_id", flat=True)
        led = Mentorship.objects.filter(mentors=user).values_list(
            "mentor_organization_id", flat=True
        )
        cached = frozenset(
            memberships.order_by().union(cohorts.order_by(), led.order_by())
        )
        user._peer_org_ids = cached
    return cached


def organization_ids_prefill(users) -> None:
    """Give each of ``users`` its ``organization_ids_of``, read for all in three
    queries (every active person's) instead of one query each."""
    found = {u.pk: set() for u in users}
    sources = [
        Membership.objects.filter(user__is_active=True).values_list(
            "user_id", "organization_id"
        ),
        CohortMember.objects.filter(
            user__is_active=True, active=True, award__status__in=Award.ACTIVE
        ).values_list("user_id", "award__application__organization_id"),
        Mentorship.mentors.through.objects.filter(user__is_active=True).values_list(
            "user_id", "mentorship__mentor_organization_id"
        ),
    ]
    for rows in sources:
        for user_id, org_id in rows:
            if user_id in found and org_id is not None:
                found[user_id].add(org_id)
    for user in users:
        user._peer_org_ids = frozenset(found[user.pk])


def visibility_filter(user) -> Q:
    """The profiles ``user`` may read, as a filter on ``CollaborationProfile``."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(organization_id__in=organization_ids_of(user))
    if is_participant(user):
        return own | Q(visibility__in=[Visibility.PARTICIPANTS, Visibility.SIGNED_IN])
    return own | Q(visibility=Visibility.SIGNED_IN)


def others_filter(user) -> Q:
    """Profiles of others that ``user`` may read: never its own, never hidden."""
    visible = (
        [Visibility.PARTICIPANTS, Visibility.SIGNED_IN]
        if is_participant(user)
        else [Visibility.SIGNED_IN]
    )
    return Q(visibility__in=visible) & ~Q(organization_id__in=organization_ids_of(user))


def get_profile_for_user(user, pk) -> CollaborationProfile:
    """The profile ``pk`` if ``user`` may read it, else 404 (existence hidden)."""
    profile = (
        CollaborationProfile.objects.filter(visibility_filter(user), pk=pk)
        .select_related("organization")
        .first()
    )
    if profile is None:
        raise Http404("No such profile.")
    return profile


def can_edit_profile(user, profile: CollaborationProfile) -> bool:
    """The organization's own people edit its profile."""
    return profile.organization_id in organization_ids_of(user)


def can_broker(user) -> bool:
    """Mentors and staff introduce two mentee organizations to each other."""
    return user.is_authenticated and has_role(user, *BROKER_ROLES)


def introductions_of(user):
    """Introductions ``user`` may read: its organizations' and those it made."""
    ids = organization_ids_of(user)
    return Introduction.objects.filter(
        Q(from_profile__organization_id__in=ids)
        | Q(to_profile__organization_id__in=ids)
        | Q(introduced_by=user)
    )


def get_introduction_for_user(user, pk) -> Introduction:
    intro = (
        introductions_of(user)
        .select_related(
            "from_profile__organization",
            "to_profile__organization",
            "from_contact",
            "to_contact",
            "requested_by",
            "introduced_by",
        )
        .filter(pk=pk)
        .first()
    )
    if intro is None:
        raise Http404("No such introduction.")
    return intro


def sides_of(user, intro: Introduction) -> set[str]:
    """Which sides of ``intro`` ("from", "to") ``user`` speaks for."""
    ids = organization_ids_of(user)
    sides = set()
    if intro.from_profile.organization_id in ids:
        sides.add("from")
    if intro.to_profile.organization_id in ids:
        sides.add("to")
    return sides
