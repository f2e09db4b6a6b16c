"""Build peer-network state the way the portal does: through its services."""

from __future__ import annotations

from applications.models import Award
from peers import services
from peers.models import CollaborationProfile
from tests import factories


def mentee_org(*, round_=None, mentorship=None, status=Award.Status.CONTRACTED, **org):
    """An awarded organization with one cohort member; returns (profile, user)."""
    kwargs = {"award__status": status}
    if round_ is not None:
        kwargs["award__application__round"] = round_
    if mentorship is not None:
        kwargs["award__mentorship"] = mentorship
        kwargs["award__application__round"] = mentorship.round
    for key, value in org.items():
        kwargs[f"award__application__organization__{key}"] = value
    member = factories.CohortMemberFactory(**kwargs)
    organization = member.award.application.organization
    profile = services.profile_ensure(organization=organization)
    return profile, member.user


def fill(profile: CollaborationProfile, by, **fields) -> CollaborationProfile:
    return services.profile_update(profile=profile, by=by, **fields)
