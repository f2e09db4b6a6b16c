from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from dashmentor.roles import Role, role_required

from .models import Invitation, Survey


@login_required
def my_surveys(request):
    invitations = (
        Invitation.objects.filter(user=request.user)
        .select_related("survey")
        .order_by("completed_on", "-survey__closes_at")
    )
    return render(request, "surveys/my_surveys.html", {"invitations": invitations})


@role_required(Role.STAFF)
def staff_survey_list(request):
    surveys = Survey.objects.select_related("round").order_by("-opens_at")
    return render(request, "surveys/survey_list.html", {"surveys": surveys})


@role_required(Role.STAFF)
def survey_report(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    return render(request, "surveys/survey_report.html", {"survey": survey})
