from django.conf import settings

from .roles import ROLE_ORDER, Role, user_roles

# A mapping, not the class: templates call callables, and calling the enum class
# fails, which would hide every role link.
ROLES_BY_NAME = {role.name: role for role in Role}


def portal(request):
    """The signed-in user's roles, for the navigation."""
    roles = user_roles(getattr(request, "user", None))
    ordered = [role for role in ROLE_ORDER if role in roles]
    return {
        "portal_roles": ordered,
        # The first role in ROLE_ORDER, as ``roles.primary_role`` gives it.
        "portal_role": ordered[0] if ordered else None,
        # Plain flags for breadcrumbs and links that differ by the viewer.
        "viewer_is_staff": Role.STAFF in roles,
        "viewer_is_mentor": Role.MENTOR in roles,
        "Role": ROLES_BY_NAME,
        "PROGRAM_OFFICE_EMAIL": settings.PROGRAM_OFFICE_EMAIL,
    }
