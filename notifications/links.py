"""Links that grant access, made when a message is sent and never stored.

A password reset, an e-mail confirmation, a cohort invitation or a survey
link lets whoever holds it act as the person it was sent to. The outbox keeps
what it needs to make the link again (``Message.link_kind`` and
``Message.link_object_id``: a user, a cohort member, a survey invitation) and
the stored copy of the message holds ``PLACEHOLDER`` where the link goes. The
sender asks the minter registered for the kind (``register``) for the link
just before it hands the message to the SMTP server, so the link exists only
in the e-mail that left, never in the database, the admin or a backup, and
the idempotency key never holds one.

Minting at send time and retries: a message can be sent more than once (a
retry after a refusal, or the one duplicate a killed worker can cause). Every
minter here is deterministic: it makes the link from the message (its row and
the moment it was written) and the current state of what the link opens, so
every attempt of one message carries the same link, as it carries the same
Message-ID. A link stops working when the state it was made from changes (the
password is set, the address is confirmed, a newer reminder replaced a survey
link), exactly as it would have if it had been stored. A minter that finds
nothing to link to any more (the account is gone, the reset link would
already have expired) raises ``LinkUnavailable`` and the message is marked
failed with that reason instead of sending a link that does not work.

Leaf apps register their minters in their ``AppConfig.ready``; the password
reset, which is Django's own, is registered here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

PLACEHOLDER = "[personal link, added when the e-mail is sent]"
_HREF = re.compile('href="' + re.escape(PLACEHOLDER) + '([^"]*)"')

PASSWORD_RESET = "password_reset"  # noqa: S105 - a link kind, not a secret

LINK_GONE = "The link could not be made: {reason}"
UNKNOWN_KIND = "No link maker is registered for {kind!r}."


class LinkUnavailable(Exception):
    """What the link would open is gone; the message must not go out."""


Minter = Callable[[object], str]
_minters: dict[str, Minter] = {}


def register(kind: str, minter: Minter) -> None:
    """Make ``minter(message) -> absolute URL`` the link maker of ``kind``."""
    _minters[kind] = minter


def is_registered(kind: str) -> bool:
    return kind in _minters


def mint(message) -> str:
    """The absolute link of ``message``, made now; ``LinkUnavailable`` if none."""
    try:
        minter = _minters[message.link_kind]
    except KeyError:
        raise LinkUnavailable(UNKNOWN_KIND.format(kind=message.link_kind)) from None
    return minter(message)


def render(message, text: str, html: str) -> tuple[str, str]:
    """The message's text and HTML parts with the link in place of the marker.

    In the HTML part a marker inside an ``href`` becomes the link; one in the
    text (a layout made from the text part) becomes a clickable link.
    """
    if not message.link_kind:
        return text, html
    url = mint(message)
    text = text.replace(PLACEHOLDER, url)
    if html:
        # A marker that starts an ``href`` may carry a path or a query after
        # it (``{{ link }}?next=/a/page/``): the link made now, then that.
        html = _HREF.sub(lambda m: f'href="{escape(url + unescape(m.group(1)))}"', html)
        html = html.replace(PLACEHOLDER, f'<a href="{escape(url)}">{escape(url)}</a>')
    return text, html


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def dumps_at(obj, *, salt: str, at: dt.datetime) -> str:
    """``signing.dumps`` signed as of ``at``: the same token on every attempt.

    Its age (``max_age`` when it is read) counts from ``at``, the moment the
    message was written, as the e-mail's "valid for" promises.
    """
    moment = int(at.timestamp())

    class _Signer(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(moment)

    return _Signer(salt=salt).sign_object(obj)


class _ResetTokenAt(PasswordResetTokenGenerator):
    """Django's reset token as of a fixed moment (the request), not of now."""

    def __init__(self, at: dt.datetime):
        super().__init__()
        self._at = at

    def _now(self):
        # Django counts a token's age from a naive local time (its _now is
        # datetime.now()); this moment is the same one, made naive likewise.
        return timezone.make_naive(self._at)


RESET_EXPIRED = "the reset link would have expired before this e-mail was sent"
RESET_ACCOUNT_CHANGED = "the account is gone, inactive or has another address"


def password_reset_link(message) -> str:
    """The reset link of the account the message was written for.

    The token is Django's, as of the request (``Message.created_at``): the
    same link on every attempt, valid for ``PASSWORD_RESET_TIMEOUT`` from the
    request and only until the password changes or someone signs in.
    """
    user = (
        get_user_model()
        .objects.filter(pk=message.link_object_id, is_active=True)
        .first()
    )
    if user is None or user.email.strip().lower() != message.to_email.lower():
        raise LinkUnavailable(LINK_GONE.format(reason=RESET_ACCOUNT_CHANGED))
    age = (timezone.now() - message.created_at).total_seconds()
    if age >= settings.PASSWORD_RESET_TIMEOUT:
        raise LinkUnavailable(LINK_GONE.format(reason=RESET_EXPIRED))
    token = _ResetTokenAt(message.created_at).make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    )


register(PASSWORD_RESET, password_reset_link)
