from django.db.models import Prefetch

from applications.models import Award

from .models import CohortMember


def mentorship_roster(*, mentorship):
    return (
        mentorship.awards.filter(status__in=Award.ACTIVE)
        .select_related("application__organization")
        .prefetch_related(
            Prefetch("members", queryset=CohortMember.objects.filter(active=True))
        )
    )
