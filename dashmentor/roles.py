"""The roles of the portal, read in one place and enforced on the server.

A user's roles are computed from the data, not stored: program staff
(``is_staff``), reviewer (``is_reviewer``), mentor (leads a mentorship or is a
mentor in a mentor organization), mentee (an active cohort membership of an award that
has not ended), alumni (one of an award that has ended),
applicant (a member of an applicant organization, or a signed-up user with no
other role, who is about to create one) and affinity-group participant (a
member of an affinity group, asking to be or waitlisted, or one of its leaders
or support staff). Each role lands on its own home, named by its own label.
Every view that needs a role uses ``role_required`` or ``RoleRequiredMixin``
from here.
"""

from __future__ import annotations

import enum
import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext

from . import kept, registry


class Role(enum.StrEnum):
    STAFF = "staff"
    REVIEWER = "reviewer"
    MENTOR = "mentor"
    MENTEE = "mentee"
    ALUMNI = "alumni"
    APPLICANT = "applicant"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return {
            Role.STAFF: gettext("Program staff"),
            Role.REVIEWER: gettext("Reviewer"),
            Role.MENTOR: gettext("Mentor"),
            Role.MENTEE: gettext("Mentee"),
            Role.ALUMNI: gettext("Alumni"),
            Role.APPLICANT: gettext("Applicant"),
            Role.PARTICIPANT: gettext("Affinity-group participant"),
        }[self]


# The home a user lands on is that of its first role in this order.
ROLE_ORDER = (
    Role.STAFF,
    Role.REVIEWER,
    Role.MENTOR,
    Role.MENTEE,
    Role.ALUMNI,
    Role.APPLICANT,
    Role.PARTICIPANT,
)

# The home of each role is the page its app registers (``registry.role_home``);
# the program office's is the core's own.
STAFF_HOME_URL = "staff-home"


# The roles that come from the data (not from the user's own flags) are kept in
# the cache, so that a page does not pay for their query (four EXISTS subqueries,
# a few milliseconds to build and plan) on every request. Every write that can
# grant or remove one marks the user's entry changed (``roles_changed``, wired to
# the models' signals in dashmentor/signals.py); the timeout bounds what a write
# the signals do not see (a bulk ``update()``), or one made while the cache could
# not be reached, could leave behind.
ROLES_CACHE_TIMEOUT = 300
# A changed entry holds this marker for a while instead of going: a request that
# read the rows before the write committed cannot store its stale roles over it
# (``cache.add`` only fills an empty key), and nothing is kept until it expires.
ROLES_CHANGED = "changed"
ROLES_CHANGED_TIMEOUT = 10
_CACHE_PREFIX = "portal:roles:"

logger = logging.getLogger(__name__)


def _roles_cache_key(user_id) -> str:
    return f"{_CACHE_PREFIX}{user_id}"


def _core_data_roles() -> list[registry.DataRole]:
    """The roles a person's organization gives: a mentor organization's mentors
    and an applicant organization's members. The apps add theirs."""
    from dashmentor.models import Membership, Organization

    return [
        registry.DataRole(
            "mentor_member",
            Role.MENTOR,
            lambda: Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    role=Membership.Role.MENTOR,
                    organization__kind=Organization.Kind.MENTOR,
                )
            ),
        ),
        registry.DataRole(
            "applicant",
            Role.APPLICANT,
            lambda: Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    organization__kind=Organization.Kind.APPLICANT,
                )
            ),
        ),
    ]


def _role_flags(prefix: str = "") -> dict[str, registry.DataRole]:
    """Every source of a data role, by the name of the flag it annotates
    (``prefix`` keeps the names clear of a model's own attributes)."""
    return {
        f"{prefix}{source.name}": source
        for source in [*_core_data_roles(), *registry.data_roles()]
    }


def _flagged(users, flags):
    """``users`` with each data role's ``EXISTS`` subquery as a flag."""
    return users.annotate(**{name: source.exists() for name, source in flags.items()})


def _roles_of(flags, value_of) -> frozenset[Role]:
    return frozenset(Role(s.role) for name, s in flags.items() if value_of(name))


def _query_data_roles(user_id) -> frozenset[Role]:
    """Every role the data gives, as one query of ``EXISTS`` subqueries."""
    from dashmentor.models import User

    flags = _role_flags()
    row = (
        _flagged(User.objects.filter(pk=user_id).order_by(), flags)
        .values(*flags)
        .first()
    ) or {}
    return _roles_of(flags, row.get)


def _data_roles(user) -> frozenset[Role]:
    """The mentor, mentee and applicant roles the data gives ``user``."""
    if not settings.ROLES_CACHE_ENABLED:
        return _query_data_roles(user.pk)
    key = _roles_cache_key(user.pk)
    try:
        cached = cache.get(key)
    except Exception:  # the cache is an optimization: a down Redis costs a query
        logger.warning("Roles cache unreadable", exc_info=True)
        return _query_data_roles(user.pk)
    if cached is not None and cached != ROLES_CHANGED:
        return frozenset(Role(value) for value in cached)
    roles = _query_data_roles(user.pk)
    if cached is None:
        try:
            cache.add(key, sorted(roles), ROLES_CACHE_TIMEOUT)
        except Exception:
            logger.warning("Roles cache unwritable", exc_info=True)
    return roles


def _compute_roles(user) -> frozenset[Role]:
    return _roles_from(user, _data_roles(user))


def _roles_from(user, data_roles) -> frozenset[Role]:
    """The roles of ``user`` given those its data gives."""
    roles = set(data_roles)
    if user.is_staff:
        roles.add(Role.STAFF)
    if user.is_reviewer:
        roles.add(Role.REVIEWER)
    if not roles:
        # A signed-up user with no other role is about to create an applicant
        # organization. (An affinity-group participant is not: it lands on its
        # groups, and may still start an application from a round's page.)
        roles.add(Role.APPLICANT)
    return frozenset(roles)


def user_roles(user) -> frozenset[Role]:
    """Return the user's roles: once per user object, from the cache if kept."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = _compute_roles(user)
        user._portal_roles = cached
    return cached


def with_roles(users) -> list:
    """Load the queryset ``users`` with each person's roles read in the same
    query, so that ``user_roles`` costs no query for any of them (a weekly
    e-mail that looks at every reader's roles reads them once, not per person).
    """
    flags = _role_flags(prefix="role_flag_")
    loaded = list(_flagged(users, flags))
    for user in loaded:
        user._portal_roles = _roles_from(
            user, _roles_of(flags, lambda name, u=user: getattr(u, name))
        )
    return loaded


def roles_changed(user_ids) -> None:
    """Mark the cached roles of ``user_ids`` changed after a write that may change them.

    The mark is written now and again when the transaction commits
    (``dashmentor/kept.py``). A cache that cannot be reached fails no write: its
    readers fall back to the query, and an entry it kept through an outage
    expires within ``ROLES_CACHE_TIMEOUT``.
    """
    kept.cache_mark(
        {_roles_cache_key(pk): ROLES_CHANGED for pk in set(user_ids) if pk},
        ROLES_CHANGED_TIMEOUT,
    )


def forget_roles(user) -> None:
    """Drop the roles cached for ``user`` after a change that grants or removes one."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles
    roles_changed([user.pk])


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def primary_role(user) -> Role | None:
    roles = user_roles(user)
    for role in ROLE_ORDER:
        if role in roles:
            return role
    return None


def role_home_url_name(role: Role) -> str | None:
    """The URL name of the page ``role`` lands on."""
    return STAFF_HOME_URL if role == Role.STAFF else registry.role_home(role)


def home_url(user) -> str:
    role = primary_role(user)
    name = role_home_url_name(role) if role else None
    return reverse(name) if name else reverse("public-home")


def check_roles(request, roles) -> None:
    """Raise PermissionDenied unless the signed-in user has one of ``roles``."""
    if not has_role(request.user, *roles):
        raise PermissionDenied(gettext("This page is for another role."))


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
