from django.db.models import Count, Q

from applications.models import Award

from .models import CohortMember, Mentorship


def mentorship_list_for_mentor(*, user):
    return (
        Mentorship.objects.filter(mentors=user)
        .select_related("round", "mentor_organization")
        .annotate(
            mentee_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .order_by("-round__closes_at", "order")
    )


def cohort_memberships_for_mentee(*, user):
    return CohortMember.objects.filter(user=user, active=True).select_related(
        "award__mentorship__mentor_organization",
        "award__mentorship__round",
        "award__application__organization",
    )


def mentorship_list_for_staff():
    return (
        Mentorship.objects.select_related("round", "mentor_organization")
        .annotate(
            mentee_count=Count("awards", filter=Q(awards__status__in=Award.ACTIVE))
        )
        .prefetch_related("mentors")
        .order_by("-round__closes_at", "order")
    )
