from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog

from . import registry
from .languages import supported_language
from .ratelimit import ratelimit
from .redirects import safe_next
from .roles import Role, home_url, role_required
from .services import user_language_set
from .signin import signin_unlock

FAVICON = "favicon.svg"


def public_home(request):
    """The front page: what the program is, then what the apps show there (the
    rounds open now)."""
    return render(request, "public_home.html", {"cards": _cards(request, "public")})


def _cards(request, page: str) -> list[str]:
    """The cards the apps registered for ``page``, rendered in their order."""
    return [
        render_to_string(card.template, card.context(request), request=request)
        for card in registry.home_cards(page)
    ]


def favicon(request):
    """Send the browser's request for ``/favicon.ico`` to the portal's icon.

    Pages name the SVG icon in their ``<link rel="icon">``; browsers (and feed
    readers, bookmarks) still ask for ``/favicon.ico`` first. The redirect is
    temporary because the static file's name carries its hash in production.
    """
    response = redirect(static(FAVICON))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_POST
def language_set(request):
    """The header's language switcher: remember the choice and go back.

    Signed out, the choice is a cookie; signed in, it is also kept in the
    profile, so that every device and every e-mail follow it. An unknown code
    changes nothing and goes back without an error.
    """
    response = redirect(safe_next(request, "public-home"))
    language = supported_language(request.POST.get("language"))
    if language is None:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response


# The catalog of the strings of static/js, one file per language: the pages name
# it by their language (templates/base.html), so browsers keep it like a static
# file and it depends on nothing of the request.
_CATALOG_STARTED = http_date()


@cache_control(public=True, max_age=3600)
def javascript_catalog(request, language):
    code = supported_language(language)
    if code is None or code != language:
        raise Http404
    with translation.override(code):
        response = JavaScriptCatalog.as_view(domain="djangojs")(request)
    response["Last-Modified"] = _CATALOG_STARTED
    return response


@login_required
def home(request):
    """Send each signed-in user to the home of its role."""
    return redirect(home_url(request.user))


@role_required(Role.STAFF)
def staff_home(request):
    """The program office's start page: the cards the apps registered (each
    round's funnel at a glance)."""
    cards = _cards(request, "staff")
    return render(request, "dashmentor/staff_home.html", {"cards": cards})


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
