from .models import Application, ReviewAssignment


def assignment_list_for_reviewer(*, reviewer):
    return (
        ReviewAssignment.objects.filter(reviewer=reviewer)
        .exclude(status=ReviewAssignment.Status.REMOVED)
        .select_related("application__organization", "application__round")
        .order_by("status", "assigned_at")
    )


def application_list_for_staff():
    return (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related(
            "organization", "round", "first_preference__mentor_organization"
        )
        .order_by("-score_normalized", "organization__name")
    )
