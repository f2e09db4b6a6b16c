from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from dashmentor.views import PasswordResetView as RateLimitedPasswordResetView

from . import selectors, services
from .forms import OutboxPasswordResetForm, PreferencesForm, essential_labels
from .services import OPTIONAL_KINDS


@login_required
def preferences(request):
    """The user's time zone, the e-mails they may turn off, and their history."""
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            services.preferences_update(
                user=user,
                time_zone=form.cleaned_data["time_zone"],
                disabled_kinds=form.disabled_kinds,
                language=language,
            )
            # The confirmation is already in the language just chosen.
            with translation.override(
                language or translation.get_language_from_request(request)
            ):
                messages.success(request, _("Your settings are saved."))
            response = redirect("notifications:preferences")
            if language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
            return response
    else:
        enabled = selectors.preferences_for_user(user=user)
        form = PreferencesForm(
            initial={
                "language": user.language,
                "time_zone": user.time_zone,
                "receive": [k for k in OPTIONAL_KINDS if enabled.get(k, True)],
            }
        )
    history = Paginator(selectors.message_list_for_user(user=user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "essential": essential_labels(), "history": history},
    )


class PasswordResetView(RateLimitedPasswordResetView):
    """The rate-limited reset page, its e-mail sent through the outbox."""

    form_class = OutboxPasswordResetForm
