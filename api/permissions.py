"""Who may call what: the token's scope, then the same role rules as the pages.

Every token reads what its owner's roles reach; a write needs the write scope
its view names (``required_scope``). The rows a user reaches are chosen by each
view's ``rows()`` from the apps' own ``permissions.py`` functions, so the
API never reaches wider than the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from dashmentor.roles import Role, has_role

from .models import ApiToken, Scope

SCOPE_MISSING = _("This token lacks the scope {scope}.")


class TokenScope(permissions.BasePermission):
    """Signed in (by token, or a session on the browsable page), with the scope.

    Views that anyone may read (rounds, mentorships) set ``public = True``.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and getattr(
            view, "public", False
        ):
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        scope = getattr(view, "required_scope", None) or Scope.READ
        if request.method in permissions.SAFE_METHODS:
            scope = Scope.READ
        token = request.auth
        if isinstance(token, ApiToken):
            if not token.has_scope(scope):
                self.message = SCOPE_MISSING.format(scope=scope)
                return False
            return True
        # A session reads the browsable pages only (api/auth.py).
        return scope == Scope.READ


class RoleRequired(permissions.BasePermission):
    """The view's ``roles``: a user with none of them gets 403."""

    message = _("This resource is for another role.")

    def has_permission(self, request, view):
        roles = getattr(view, "roles", ())
        return not roles or has_role(request.user, *roles)


def is_staff(user) -> bool:
    return has_role(user, Role.STAFF)


# The roles that can use each write: a token offers only the writes its owner's
# roles can make (the write itself still checks the row, as the page does).
SCOPE_ROLES = {
    Scope.WRITE_ATTENDANCE: (Role.STAFF, Role.MENTOR),
    Scope.WRITE_DECISIONS: (Role.STAFF,),
    Scope.WRITE_PROGRESS: (Role.STAFF, Role.MENTEE),
}


def write_scopes_for(user) -> list[Scope]:
    """The write scopes ``user``'s roles can use, in the order of ``Scope``."""
    return [scope for scope, roles in SCOPE_ROLES.items() if has_role(user, *roles)]
