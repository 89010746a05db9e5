"""Normalise text once, at import: NFC and ``\\n`` newlines, nothing else.

Stored text never changes afterwards, so every span offset stays valid forever.
"""

from __future__ import annotations

import hashlib
import unicodedata

_NEWLINES = str.maketrans({"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"})


def normalize(text: str) -> str:
    """Return ``text`` in NFC with every line break as ``\\n`` and no byte-order mark.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_NEWLINES)
    return unicodedata.normalize("NFC", text)


def sha256_of(text: str) -> str:
    """The hash stored with a source: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
