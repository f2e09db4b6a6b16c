from .models import Application


def application_list_for_applicant(*, user):
    return (
        Application.objects.filter(organization__memberships__user=user)
        .select_related("round", "organization", "decision")
        .order_by("-round__closes_at")
    )
