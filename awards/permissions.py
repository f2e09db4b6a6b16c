"""Who may read and change what in close-out.

An award's close-out page (letter, payments, final report) is read by staff,
the cohort's mentors and the organization's active members: anyone else gets
404, as for the award's year records (``cohorts.permissions``). Only the
organization's primary and secondary contacts accept its letter (the
service refuses others); its members write its report; its mentors comment;
staff issue, countersign, pay and decide.
"""

from __future__ import annotations

from django.http import Http404

from applications.models import Award
from cohorts.models import CohortMember
from cohorts.permissions import get_award_for_user, is_mentor_of
from dashmentor.roles import Role, has_role

from .models import Resource


def is_member_of(user, award) -> bool:
    """Whether ``user`` is one of the organization's people, the award running
    or ended: alumni keep their award's letter, payments and final report."""
    if not user.is_authenticated:
        return False
    return CohortMember.objects.filter(user=user, award=award, active=True).exists()


def get_award(user, pk):
    """The award ``pk`` if ``user`` may read its close-out, else 404: staff,
    the cohort's mentors and the organization's people (alumni included)."""
    try:
        return get_award_for_user(user, pk)
    except Http404:
        award = (
            Award.objects.filter(
                pk=pk,
                status=Award.Status.ENDED,
                members__user=user,
                members__active=True,
            )
            .select_related(
                "application__organization",
                "mentorship__mentor_organization",
                "mentorship__round",
            )
            .first()
            if user.is_authenticated
            else None
        )
        if award is None:
            raise
        return award


def is_staff(user) -> bool:
    return has_role(user, Role.STAFF)


def can_write_report(user, award) -> bool:
    return is_member_of(user, award)


def can_comment_report(user, award) -> bool:
    return is_mentor_of(user, award.mentorship)


def can_see_payments(user, award) -> bool:
    """The organization and staff see its tranches; mentors do not."""
    return is_staff(user) or is_member_of(user, award)


def can_edit_resource(user, resource: Resource) -> bool:
    if not user.is_authenticated:
        return False
    if resource.submitted_by_id == user.pk:
        return True
    return resource.award_id is not None and is_member_of(user, resource.award)


def can_read_resource(user, resource: Resource) -> bool:
    if resource.status == Resource.Status.PUBLISHED:
        return True
    return is_staff(user) or can_edit_resource(user, resource)


def get_resource_for_user(user, *, slug=None, pk=None) -> Resource:
    """A resource ``user`` may read (published ones: anyone), else 404."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    resource = (
        Resource.objects.select_related("document", "award__application__organization")
        .prefetch_related("organizations")
        .filter(**lookup)
        .first()
    )
    if resource is None or not can_read_resource(user, resource):
        raise Http404("No such resource.")
    return resource


def get_editable_resource(user, pk) -> Resource:
    resource = get_resource_for_user(user, pk=pk)
    if not can_edit_resource(user, resource):
        raise Http404("No such resource.")
    return resource
