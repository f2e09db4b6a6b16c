"""The language each person reads the portal and its e-mails in.

A page's language is decided by ``middleware.LanguageMiddleware``; this module
holds what the rest of the portal asks: which language a person's e-mails go
out in (``language_for``, ``override_for``), and the first sign-in that keeps
the language the person was reading in.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """``code`` if the portal speaks it (``"es-PR"`` is ``"es"``), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(str(code).strip())
    except LookupError:
        return None


def language_for(recipient) -> str:
    """The language of what is written to ``recipient``.

    A person's profile choice; a person who never chose reads English (the
    program's language); a message to an address without an account (a
    sign-up) is in the language of the page that sent it.
    """
    if recipient is None:
        return supported_language(translation.get_language()) or settings.LANGUAGE_CODE
    return supported_language(getattr(recipient, "language", "")) or (
        settings.LANGUAGE_CODE
    )


def override_for(recipient):
    """``with override_for(user):`` writes what follows in ``user``'s language."""
    return translation.override(language_for(recipient))


def _keep_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """A person who never chose a language keeps the one they signed in with
    (the switcher's or the browser's), so that their e-mails follow it."""
    if getattr(user, "language", None) != "" or request is None:
        return
    language = supported_language(getattr(request, "LANGUAGE_CODE", None))
    if language:
        from .services import user_language_set

        user_language_set(user=user, language=language)


def connect() -> None:
    user_logged_in.connect(
        _keep_language_at_sign_in, dispatch_uid="dashmentor.languages.sign_in"
    )
