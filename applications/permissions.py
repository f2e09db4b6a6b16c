"""Who may see and change applications. Access helpers raise 404, not 403,
so that an applicant cannot learn whether another organization's id exists."""

from django.http import Http404

from dashmentor.roles import Role, has_role

from .models import Application


def can_view_application(user, application) -> bool:
    if has_role(user, Role.STAFF):
        return True
    return application.organization.memberships.filter(user=user).exists()


def get_application_for_user(user, pk) -> Application:
    qs = Application.objects.select_related("round", "organization")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(organization__memberships__user=user)
    try:
        return qs.get(pk=pk)
    except Application.DoesNotExist:
        raise Http404("No such application.")
