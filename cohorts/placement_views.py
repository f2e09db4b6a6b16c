from django.shortcuts import render

from dashmentor.roles import Role, role_required

from . import placement_selectors
from .permissions import get_mentorship_for_user


@role_required(Role.STAFF, Role.MENTOR, Role.MENTEE)
def cohort_detail(request, pk):
    mentorship = get_mentorship_for_user(request.user, pk)
    roster = placement_selectors.mentorship_roster(mentorship=mentorship)
    return render(
        request,
        "cohorts/mentorship_detail.html",
        {"mentorship": mentorship, "roster": roster},
    )
