"""Encryption of what an anonymous survey must hold back from a database reader.

Two things are sealed: a response waiting to be released (``PendingResponse``)
and the cohort of a released response (``Response.segment_sealed``). Both use
AES-256-GCM with a random nonce, under a key derived (HKDF-SHA256) from
``settings.SURVEY_SEAL_KEY`` or, when that is unset, ``SECRET_KEY``. The key is
configuration, never stored in the database, so a copy of the database alone
cannot open them; the random nonce makes two seals of the same cohort differ.
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"dashmentor surveys seal v1"


def _key(survey_id: int) -> bytes:
    secret = getattr(settings, "SURVEY_SEAL_KEY", "") or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=f"survey:{survey_id}".encode(),
        info=_INFO,
    ).derive(secret.encode())


def seal(survey_id: int, value) -> str:
    """Encrypt a JSON-serializable value for one survey."""
    nonce = secrets.token_bytes(12)
    data = json.dumps(value, separators=(",", ":")).encode()
    box = AESGCM(_key(survey_id)).encrypt(nonce, data, str(survey_id).encode())
    return base64.urlsafe_b64encode(nonce + box).decode()


def unseal(survey_id: int, token: str):
    """Decrypt a value sealed for this survey (raises on tampering)."""
    raw = base64.urlsafe_b64decode(token.encode())
    data = AESGCM(_key(survey_id)).decrypt(raw[:12], raw[12:], str(survey_id).encode())
    return json.loads(data)
