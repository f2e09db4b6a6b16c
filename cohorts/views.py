from django.shortcuts import render

from dashmentor.roles import Role, role_required

from . import selectors


@role_required(Role.MENTOR)
def mentor_home(request):
    mentorships = selectors.mentorship_list_for_mentor(user=request.user)
    return render(request, "cohorts/mentor_home.html", {"mentorships": mentorships})


@role_required(Role.MENTEE)
def mentee_home(request):
    memberships = selectors.cohort_memberships_for_mentee(user=request.user)
    return render(request, "cohorts/mentee_home.html", {"memberships": memberships})


@role_required(Role.STAFF)
def program_dashboard(request):
    mentorships = selectors.mentorship_list_for_staff()
    return render(
        request, "cohorts/program_dashboard.html", {"mentorships": mentorships}
    )
