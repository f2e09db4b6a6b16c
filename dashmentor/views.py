from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator

from applications.models import Application, Round
from applications.outreach import selectors as outreach_selectors

from .ratelimit import ratelimit
from .roles import Role, home_url, role_required
from .signin import signin_unlock

FAVICON = "favicon.svg"


def public_home(request):
    """The front page: what the program is and the rounds open now."""
    now = timezone.now()
    rounds = (
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .prefetch_related("mentorships__mentor_organization")
        .order_by("closes_at")
    )
    return render(request, "public_home.html", {"open_rounds": rounds, "now": now})


def favicon(request):
    """Send the browser's request for ``/favicon.ico`` to the portal's icon.

    Pages name the SVG icon in their ``<link rel="icon">``; browsers (and feed
    readers, bookmarks) still ask for ``/favicon.ico`` first. The redirect is
    temporary because the static file's name carries its hash in production.
    """
    response = redirect(static(FAVICON))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request):
    """Send each signed-in user to the home of its role."""
    return redirect(home_url(request.user))


@role_required(Role.STAFF)
def staff_home(request):
    """The program office's start page: each round's funnel at a glance."""
    rounds = Round.objects.annotate(
        drafts=Count("applications", filter=Q(applications__status="draft")),
        submitted=Count(
            "applications", filter=~Q(applications__status__in=["draft", "withdrawn"])
        ),
        eligible=Count(
            "applications",
            filter=Q(applications__eligibility=Application.Eligibility.ELIGIBLE),
        ),
        scored=Count("applications", filter=Q(applications__reviews_done__gt=0)),
        accepted=Count(
            "applications", filter=Q(applications__decision__outcome="accept")
        ),
    ).order_by("-closes_at")
    context = outreach_selectors.staff_home(rounds=rounds)
    return render(request, "dashmentor/staff_home.html", context)


@method_decorator(ratelimit("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the e-mailed link: the way back into a locked
    account. The account's failed sign-ins are cleared and its owner is signed
    in, whatever lockout was holding it (dashmentor/signin.py)."""

    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        signin_unlock(user=form.user)
        return response


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)


def error_400(request, exception):
    return render(request, "400.html", status=400)
