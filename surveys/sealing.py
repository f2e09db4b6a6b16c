"""Encryption of what an anonymous survey must hold back from a database reader.

Two things are sealed: a response waiting to be released (``PendingResponse``)
and the cohort of a released response (``Response.segment_sealed``). Both use
AES-256-GCM with a random nonce, under a key derived (HKDF-SHA256, one key per
survey) from ``settings.SURVEY_SEAL_KEY``. The key is configuration, never
stored in the database, so a copy of the database alone cannot open them; the
random nonce makes two seals of the same cohort differ. It is a key of its own,
not ``SECRET_KEY``, so that the many places the secret key must be known (every
web and worker process, signed cookies) are not enough to open answers, and so
that either key can be rotated without the other.

Rotation: a new seal always uses ``SURVEY_SEAL_KEY``; opening tries it, then
each of ``SURVEY_SEAL_OLD_KEYS`` in turn. To rotate, set the new key, move the
old one to ``SURVEY_SEAL_OLD_KEYS``, and run ``manage.py survey_reseal`` (each
release also re-seals the survey's released cohorts under the current key).
Once it reports nothing left under an old key, the old key can go. What was
sealed under a key that is dropped cannot be opened by anyone: a waiting
response is then kept apart at its release (reported on the survey's report,
never released), and a released response keeps its answers but loses its
cohort (counted in the totals only).
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"dashmentor surveys seal v1"


class SealError(ValueError):
    """A sealed value that no configured key opens (or that was tampered with)."""


def _derive(secret: str, survey_id: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=f"survey:{survey_id}".encode(),
        info=_INFO,
    ).derive(secret.encode())


def _secrets() -> list[str]:
    keys = [settings.SURVEY_SEAL_KEY, *settings.SURVEY_SEAL_OLD_KEYS]
    return [k for k in dict.fromkeys(keys) if k]


def seal(survey_id: int, value) -> str:
    """Encrypt a JSON-serializable value for one survey, under the current key."""
    nonce = secrets.token_bytes(12)
    data = json.dumps(value, separators=(",", ":")).encode()
    box = AESGCM(_derive(settings.SURVEY_SEAL_KEY, survey_id)).encrypt(
        nonce, data, str(survey_id).encode()
    )
    return base64.urlsafe_b64encode(nonce + box).decode()


def _open(survey_id: int, token: str) -> tuple[object, int]:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (ValueError, TypeError) as exc:
        raise SealError("not a sealed value") from exc
    if len(raw) < 12 + 16:
        raise SealError("not a sealed value")
    for index, secret in enumerate(_secrets()):
        try:
            data = AESGCM(_derive(secret, survey_id)).decrypt(
                raw[:12], raw[12:], str(survey_id).encode()
            )
        except InvalidTag:
            continue
        return json.loads(data), index
    raise SealError("no configured survey key opens this value")


def unseal(survey_id: int, token: str):
    """Decrypt a value sealed for this survey under the current or an old key.

    Raises ``SealError`` (a ``ValueError``) when no configured key opens it.
    """
    return _open(survey_id, token)[0]


def sealed_under_old_key(survey_id: int, token: str) -> bool:
    """Whether this value opens only with one of ``SURVEY_SEAL_OLD_KEYS``."""
    return _open(survey_id, token)[1] > 0
