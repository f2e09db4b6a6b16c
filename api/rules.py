"""Pure rules of the API: token format, webhook signatures, retry backoff.

No ORM and no request here; ``tests/api/test_rules.py`` checks them alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "dmp_"  # noqa: S105 - a marker, not a secret
PREFIX_SHOWN = 10  # "dmp_" and six characters of the secret part

# The signature header: "t=<unix seconds>,v1=<hex HMAC-SHA256>", the HMAC
# taken with the endpoint's secret over "<t>.<raw body>".
SIGNATURE_HEADER = "X-Portal-Signature"
EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"

URL_NOT_HTTPS = _("A webhook URL must use https.")
URL_HAS_CREDENTIALS = _("Put no user name or password in the URL.")


def token_new() -> str:
    """A new token: the prefix and 256 random bits, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str:
    return token[:PREFIX_SHOWN]


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX) and 20 <= len(value) <= 100


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def signature_verify(
    secret: str, header: str, body: bytes, *, now: float, tolerance: int = 300
) -> bool:
    """Whether ``header`` signs ``body`` under ``secret`` within ``tolerance`` s.

    What a receiver does (the README shows it): refuse an old timestamp, so a
    captured delivery cannot be replayed later, and compare in constant time.
    """
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))


def retry_delay(attempts: int, *, base: int, cap: int) -> int:
    """Seconds before attempt ``attempts + 1``: base, 2 base, 4 base... capped."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def endpoint_url_problem(url: str, *, require_https: bool) -> str:
    """Why ``url`` cannot receive webhooks, or an empty string."""
    parts = urlsplit(url)
    if require_https and parts.scheme != "https":
        return URL_NOT_HTTPS
    if parts.username or parts.password:
        return URL_HAS_CREDENTIALS
    return ""
