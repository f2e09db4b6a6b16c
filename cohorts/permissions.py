"""Who may see a cohort: staff, its mentors, and its mentees. Others get 404."""

from django.db.models import Q
from django.http import Http404

from dashmentor.roles import Role, has_role

from .models import Mentorship


def mentorships_visible_to(user):
    qs = Mentorship.objects.all()
    if has_role(user, Role.STAFF):
        return qs
    return qs.filter(
        Q(mentors=user) | Q(awards__members__user=user, awards__members__active=True)
    ).distinct()


def can_see_cohort_contacts(user, mentorship) -> bool:
    """Staff and the cohort's mentors see mentees' contacts and award status.

    Mentees see which organizations are their cohort peers, not their contacts.
    """
    if has_role(user, Role.STAFF):
        return True
    return mentorship.mentors.filter(pk=user.pk).exists()


def get_mentorship_for_user(user, pk) -> Mentorship:
    try:
        return (
            mentorships_visible_to(user)
            .select_related("mentor_organization", "round")
            .get(pk=pk)
        )
    except Mentorship.DoesNotExist:
        raise Http404("No such cohort.")
