"""Sign-in lockout: three limits on failed sign-ins, one login spelling, and a
way back for the real owner.

django-axes records each failed sign-in (account, client address, browser) and
this module decides when to stop:

- one address at one account: ``AXES_FAILURE_LIMIT`` failures (guessing);
- one account from any addresses: ``SIGNIN_ACCOUNT_FAILURE_LIMIT`` (guessing
  spread over many addresses);
- one address at any accounts: ``SIGNIN_ADDRESS_FAILURE_LIMIT`` (one password
  tried on many accounts).

Each counts the failures of the last ``AXES_COOLOFF_TIME``; a successful
sign-in clears only its own account-and-address failures, so an attacker
cannot clear the others by signing in to an account of its own. The login is
counted as sign-in reads it (:func:`normalize_login`: ``MENTOR.civic@…`` is
``mentor.civic@…``), and the client address comes from
``dashmentor.proxies.client_ip``.

The locked-out page says which limit was reached and offers the password-reset
e-mail: a completed reset clears the account's failures and signs its owner in,
whatever the limit.
"""

from __future__ import annotations

import unicodedata

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

LOCKED_PAIR = _(
    "There were too many failed sign-ins to this account from your address, so "
    "signing in to it from here is paused for 30 minutes."
)
LOCKED_ACCOUNT = _(
    "There were too many failed sign-ins to this account from several places, so "
    "to protect it, signing in to it is paused for 30 minutes."
)
LOCKED_ADDRESS = _(
    "There were too many failed sign-ins to several accounts from your network "
    "address, so signing in from it is paused for 30 minutes."
)
WAY_BACK = _(
    "Is it your account? We can e-mail you a link to set a new password: "
    "setting it lifts the pause and signs you in at once."
)


LOCKOUT_KEY_MAX = 255


def normalize_login(value: str) -> str:
    """The login as sign-in compares it: Unicode-normalized (NFKC, like
    Django's username field), trimmed and in lower case (sign-in matches any
    case)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the login posted, normalized, so that every
    spelling of one account adds to one counter."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "POST", {}).get(field)
    if not isinstance(raw, str) or not raw.strip():
        return None
    # Lower case can lengthen a text ("İ" becomes two characters): the key is
    # cut to the lockout tables' column, 255 characters.
    return normalize_login(raw)[:LOCKOUT_KEY_MAX]


def limits(request=None, credentials=None) -> dict[str, int]:
    return {
        "pair": get_failure_limit(request, credentials),
        "account": settings.SIGNIN_ACCOUNT_FAILURE_LIMIT,
        "address": settings.SIGNIN_ADDRESS_FAILURE_LIMIT,
    }


def failure_counts(request, credentials=None) -> dict[str, int]:
    """Failures within the cool-off, per limit, in one query."""
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    by_account = Q(username=username) if username else Q(pk__in=[])
    # Without an address (a request built in code) there is no address to
    # count: every such request would otherwise share one counter.
    by_address = Q(ip_address=address) if address else Q(pk__in=[])
    recent = AccessAttempt.objects.filter(
        by_account | by_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    total = "failures_since_start"
    sums = recent.aggregate(
        pair=Sum(total, filter=by_account & by_address),
        account=Sum(total, filter=by_account),
        address=Sum(total, filter=by_address),
    )
    return {name: value or 0 for name, value in sums.items()}


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the three limits of this module."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Scale each count to axes' single limit: the result reaches
        ``AXES_FAILURE_LIMIT`` exactly when one count reaches its own limit.
        The reached limit is kept on the request for the locked-out page."""
        counts = failure_counts(request, credentials)
        caps = limits(request, credentials)
        reached = [
            name
            for name in ("pair", "account", "address")
            if counts[name] >= caps[name]
        ]
        request.signin_limit_reached = reached[0] if reached else None
        base = caps["pair"]
        return max(counts[name] * base // caps[name] for name in counts)


REASONS = {"pair": LOCKED_PAIR, "account": LOCKED_ACCOUNT, "address": LOCKED_ADDRESS}


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the locked-out page, with the password-reset
    e-mail one press away."""
    reached = getattr(request, "signin_limit_reached", None) or "pair"
    login = lockout_username(request, credentials) or ""
    return render(
        request,
        "registration/locked_out.html",
        {"reason": REASONS[reached], "way_back": WAY_BACK, "login": login},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def signin_unlock(*, user) -> int:
    """Clear the failed sign-ins of ``user``'s account (after a completed
    password reset); return how many records went."""
    deleted, _ = AccessAttempt.objects.filter(
        username=normalize_login(user.get_username())
    ).delete()
    return deleted
