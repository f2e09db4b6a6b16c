from django.conf import settings

from .roles import ROLE_ORDER, Role, primary_role, user_roles


def portal(request):
    """The signed-in user's roles, for the navigation."""
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else frozenset()
    return {
        "portal_roles": [role for role in ROLE_ORDER if role in roles],
        "portal_role": primary_role(user) if roles else None,
        # A mapping, not the class: templates call callables, and calling the
        # enum class fails, which would hide every role link.
        "Role": {role.name: role for role in Role},
        "PROGRAM_OFFICE_EMAIL": settings.PROGRAM_OFFICE_EMAIL,
    }
