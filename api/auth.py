"""Who a request to the API is: the owner of a personal token, or (on the
browsable pages only, for reading) the signed-in user of the session."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.renderers import BrowsableAPIRenderer

from . import rules
from .models import ApiToken

TOKEN_INVALID = _("The token is not valid: it is unknown, revoked or expired.")
TOKEN_MALFORMED = _("Send the token as: Authorization: Bearer <token>.")
USED_KEY = "api:token-used:{}"


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer dmp_...``: the token's owner, with its roles.

    The token is looked up by its SHA-256 (only the hash is stored). A revoked
    or expired token, or an inactive owner, is refused with 401.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(
            "latin-1", errors="replace"
        )
        if not header:
            return None
        keyword, _sep, value = header.strip().partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        value = value.strip()
        if not value or " " in value:
            raise exceptions.AuthenticationFailed(TOKEN_MALFORMED)
        if not rules.looks_like_token(value):
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=rules.token_hash(value))
            .first()
        )
        if token is None or not token.is_usable() or not token.user.is_active:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        _note_use(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def _note_use(token: ApiToken) -> None:
    # Kept in the cache: reading through the API never writes a row.
    with contextlib.suppress(Exception):  # a convenience: never fails a request
        cache.set(
            USED_KEY.format(token.pk),
            timezone.now().isoformat(),
            settings.API_TOKEN_USED_TIMEOUT,
        )


def last_used(tokens) -> dict[int, str]:
    """The "last used" time of each token, where the cache still has it."""
    keys = {USED_KEY.format(t.pk): t.pk for t in tokens}
    try:
        found = cache.get_many(list(keys))
    except Exception:
        return {}
    return {keys[k]: v for k, v in found.items()}


class BrowsableSessionAuthentication(authentication.SessionAuthentication):
    """The session, for reading the browsable pages in a browser only.

    A tool holding a session cookie (or a page of another site riding on it)
    gets nothing as JSON and can write nothing: it needs a token.
    """

    def authenticate(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return None
        if not isinstance(
            getattr(request, "accepted_renderer", None), BrowsableAPIRenderer
        ):
            return None
        return super().authenticate(request)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The token, as the OpenAPI document and the documentation page name it."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from the API tokens page (dmp_...).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = BrowsableSessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The browsable pages only, for reading.",
        }
