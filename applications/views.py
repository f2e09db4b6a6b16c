from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dashmentor.ratelimit import ratelimit
from dashmentor.roles import Role, home_url, role_required

from . import selectors
from .forms import SignupForm
from .models import Round
from .permissions import get_application_for_user


@ratelimit("signup")
def signup(request):
    """Create an applicant account; the e-mail is confirmed before submission."""
    if request.user.is_authenticated:
        return redirect(home_url(request.user))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your account is ready.")
        return redirect("applications:applicant-home")
    return render(request, "registration/signup.html", {"form": form})


@role_required(Role.APPLICANT, Role.STAFF)
def applicant_home(request):
    applications = selectors.application_list_for_applicant(user=request.user)
    now = timezone.now()
    open_rounds = Round.objects.filter(opens_at__lte=now, closes_at__gt=now)
    return render(
        request,
        "applications/applicant_home.html",
        {"applications": applications, "open_rounds": open_rounds},
    )


def round_detail(request, slug):
    round_ = get_object_or_404(
        Round.objects.prefetch_related("mentorships__mentor_organization"), slug=slug
    )
    return render(request, "applications/round_detail.html", {"round": round_})


@role_required(Role.APPLICANT, Role.STAFF)
def application_detail(request, pk):
    application = get_application_for_user(request.user, pk)
    return render(
        request, "applications/application_detail.html", {"application": application}
    )
