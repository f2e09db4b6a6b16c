"""Who may see and change applications. Access helpers raise 404, not 403,
so that an applicant cannot learn whether another organization's id exists."""

from django.db.models import QuerySet
from django.http import Http404

from dashmentor.roles import Role, has_role

from .models import Application


def can_view_application(user, application) -> bool:
    """Staff see every application; an applicant sees its organization's."""
    if has_role(user, Role.STAFF):
        return True
    return application.organization.memberships.filter(user=user).exists()


def can_override_eligibility(user) -> bool:
    return has_role(user, Role.STAFF)


def _get(qs: QuerySet, pk) -> Application:
    try:
        return qs.get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise Http404("No such application.")


def get_application_for_user(user, pk, queryset: QuerySet | None = None):
    """The application if the user is staff or a member of its organization."""
    qs = queryset if queryset is not None else Application.objects.all()
    qs = qs.select_related("round", "organization")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(organization__memberships__user=user)
    return _get(qs, pk)


def get_application_for_applicant(user, pk, queryset: QuerySet | None = None):
    """The application if the user is a member of its organization.

    Used by the pages that change an application: staff read applications but
    never fill them in for an applicant.
    """
    qs = queryset if queryset is not None else Application.objects.all()
    qs = qs.select_related("round", "organization").filter(
        organization__memberships__user=user
    )
    return _get(qs, pk)
