"""The client's address and scheme, behind as many reverse proxies as we trust.

``TRUSTED_PROXY_COUNT`` says how many proxies stand in front of the portal (0:
none, the client connects directly). Each trusted proxy appends the address it
was reached from to ``X-Forwarded-For``, so the client's address is the
``TRUSTED_PROXY_COUNT``-th entry counted from the right; anything further left
was written by the client and proves nothing. The scheme
(``X-Forwarded-Proto``) is read the same way. With no trusted proxy both
headers are ignored: a client that sends them changes nothing.

:func:`client_ip` is the one place the rate limits and the sign-in lockout
(``AXES_CLIENT_IP_CALLABLE``) ask for the address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _forwarded(request: HttpRequest, header: str) -> str | None:
    """The entry of a comma-separated forwarding header written by the
    outermost trusted proxy, or None when nothing is trusted or present."""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return None
    raw = request.META.get(header, "")
    entries = [item.strip() for item in raw.split(",") if item.strip()]
    if not entries:
        return None
    # Fewer entries than proxies: the request skipped the outer ones, and the
    # leftmost entry is still one a trusted proxy wrote.
    return entries[-count] if len(entries) >= count else entries[0]


def _address(value: str | None) -> str | None:
    """The IP address in ``value`` (a bare address, ``[v6]:port`` or
    ``v4:port``), or None if it is none."""
    if not value:
        return None
    candidate = value
    if candidate.startswith("[") and "]" in candidate:
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as the trusted proxies saw it; None when
    the request has none (a request built in code, a Unix socket)."""
    if hasattr(request, "_portal_client_ip"):
        return request._portal_client_ip
    address = _address(_forwarded(request, "HTTP_X_FORWARDED_FOR"))
    if address is None:
        address = _address(request.META.get("REMOTE_ADDR"))
    request._portal_client_ip = address
    return address


def client_scheme(request: HttpRequest) -> str | None:
    """``https`` or ``http`` as the outermost trusted proxy received the
    request, or None when no trusted proxy says."""
    value = (_forwarded(request, "HTTP_X_FORWARDED_PROTO") or "").lower()
    return value if value in ("http", "https") else None


class TrustedProxyMiddleware:
    """Take the scheme from the trusted proxies, before anything asks
    ``request.is_secure()`` (the HTTPS redirect, CSRF, secure cookies).

    It replaces Django's ``SECURE_PROXY_SSL_HEADER``, which believes the header
    from any client and reads its leftmost value.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scheme = client_scheme(request)
        if scheme is not None:
            request.META["wsgi.url_scheme"] = scheme
        return self.get_response(request)
