from django.shortcuts import render

from dashmentor.roles import Role, role_required

from . import review_selectors


@role_required(Role.REVIEWER)
def reviewer_queue(request):
    assignments = review_selectors.assignment_list_for_reviewer(reviewer=request.user)
    return render(
        request, "applications/reviewer_queue.html", {"assignments": assignments}
    )


@role_required(Role.STAFF)
def staff_review_list(request):
    applications = review_selectors.application_list_for_staff()
    return render(
        request,
        "applications/staff_review_list.html",
        {"applications": applications[:200]},
    )
