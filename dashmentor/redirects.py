"""Where to send the user next, when the request names the place.

Every view that takes a redirect target from the request (``next`` in a form
or the query string) asks :func:`safe_next`, so that no link or form built by
someone else can send a signed-in user off the portal. Django's
``url_has_allowed_host_and_scheme`` does the parsing the way browsers do
(``//host``, ``/\\host``, schemes, control characters); on top of it only a
path on this site is taken, and nothing with whitespace or control characters
that a browser would silently drop.
"""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_target(request: HttpRequest, target: str | None) -> bool:
    """True when ``target`` is a path on this site, safe to redirect to."""
    if not target or not isinstance(target, str):
        return False
    # Browsers drop tabs and newlines anywhere in a URL and ignore leading
    # control characters, so "/\t/evil.example" reaches "//evil.example".
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in target):
        return False
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default, *, field: str = "next") -> str:
    """The target in ``field`` of the request (the form, else the query string)
    if it is a path on this site, else ``default`` (a URL, a URL name or a
    model)."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if is_safe_target(request, target):
        return target
    return resolve_url(default)
