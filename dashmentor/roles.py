"""The roles of the portal, read in one place and enforced on the server.

A user's roles are computed from the data, not stored: program staff
(``is_staff``), reviewer (``is_reviewer``), mentor (leads a mentorship or is a
mentor in a mentor organization), mentee (an active cohort membership) and
applicant (a member of an applicant organization, or a signed-up user with no
other role, who is about to create one). Every view that needs a role uses
``role_required`` or ``RoleRequiredMixin`` from here.
"""

from __future__ import annotations

import enum
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import reverse


class Role(enum.StrEnum):
    STAFF = "staff"
    REVIEWER = "reviewer"
    MENTOR = "mentor"
    MENTEE = "mentee"
    APPLICANT = "applicant"

    @property
    def label(self) -> str:
        return {
            Role.STAFF: "Program staff",
            Role.REVIEWER: "Reviewer",
            Role.MENTOR: "Mentor",
            Role.MENTEE: "Mentee",
            Role.APPLICANT: "Applicant",
        }[self]


# The home a user lands on is that of its first role in this order.
ROLE_ORDER = (Role.STAFF, Role.REVIEWER, Role.MENTOR, Role.MENTEE, Role.APPLICANT)

ROLE_HOME_URLS = {
    Role.STAFF: "staff-home",
    Role.REVIEWER: "applications:reviewer-queue",
    Role.MENTOR: "cohorts:mentor-home",
    Role.MENTEE: "cohorts:mentee-home",
    Role.APPLICANT: "applications:applicant-home",
}


def _compute_roles(user) -> frozenset[Role]:
    from cohorts.models import CohortMember
    from dashmentor.models import Membership, Organization, User

    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            leads=Exists(
                user.mentorships_led.through.objects.filter(user_id=OuterRef("pk"))
            ),
            mentor_member=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    role=Membership.Role.MENTOR,
                    organization__kind=Organization.Kind.MENTOR,
                )
            ),
            mentee=Exists(
                CohortMember.objects.filter(user_id=OuterRef("pk"), active=True)
            ),
            applicant=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    organization__kind=Organization.Kind.APPLICANT,
                )
            ),
        )
        .values("leads", "mentor_member", "mentee", "applicant")
        .first()
    ) or {}
    roles = set()
    if user.is_staff:
        roles.add(Role.STAFF)
    if user.is_reviewer:
        roles.add(Role.REVIEWER)
    if flags.get("leads") or flags.get("mentor_member"):
        roles.add(Role.MENTOR)
    if flags.get("mentee"):
        roles.add(Role.MENTEE)
    if flags.get("applicant") or not roles:
        roles.add(Role.APPLICANT)
    return frozenset(roles)


def user_roles(user) -> frozenset[Role]:
    """Return the user's roles, computed once per user object (one query)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = _compute_roles(user)
        user._portal_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a change that grants or removes one."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def primary_role(user) -> Role | None:
    roles = user_roles(user)
    for role in ROLE_ORDER:
        if role in roles:
            return role
    return None


def home_url(user) -> str:
    role = primary_role(user)
    return reverse(ROLE_HOME_URLS[role]) if role else reverse("public-home")


def check_roles(request, roles) -> None:
    """Raise PermissionDenied unless the signed-in user has one of ``roles``."""
    if not has_role(request.user, *roles):
        raise PermissionDenied("This page is for another role.")


def role_required(*roles: Role):
    """Let a view through only for a signed-in user with one of ``roles``.

    Anonymous users are sent to sign in; signed-in users of other roles get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_roles(request, roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based twin of ``role_required``: set ``roles`` on the view."""

    roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_roles(request, self.roles)
        return super().dispatch(request, *args, **kwargs)
