"""Cleaning of the text people type, shared by every input path."""

from __future__ import annotations

# The bidirectional formatting controls: embeddings and overrides (U+202A to
# U+202E), isolates (U+2066 to U+2069) and the marks (U+200E, U+200F, U+061C).
# Invisible, they reorder what a reader sees ("Trojan Source"): a name typed
# with U+202E shows reversed, and an override that is never closed runs on
# into the text after it in logs, notes, reports and e-mails.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_DROP = dict.fromkeys(map(ord, BIDI_CONTROLS))


def has_bidi_controls(value: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in value)


def strip_bidi_controls(value: str) -> str:
    """``value`` without bidirectional controls; right-to-left letters stay."""
    return value.translate(_DROP)
