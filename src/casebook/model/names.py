"""Keys researchers type: case and round keys, participant codes, source names.

A key is stored NFC-normalised, so "Måle" typed with a precomposed "å" and with "a" and
a combining ring is one key, not two. It must not be empty and must be printable: no
control characters (an ESC would reach the terminal when the key is listed) and no
invisible format or separator characters. A source name of digits only is refused: it
would read as a source id wherever a source is named (``casebook code 12 ...``).
"""

from __future__ import annotations

import unicodedata

from casebook.errors import InvalidValue


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (how keys are stored and looked up)."""
    return unicodedata.normalize("NFC", text)


def checked_key(value: str, what: str) -> str:
    """``value`` as a stored key: NFC, trimmed, non-empty and printable; else InvalidValue
    naming ``what`` ("case key", "participant code" ...)."""
    key = nfc(value).strip()
    if not key:
        raise InvalidValue(f"a {what} must not be empty")
    bad = next((ch for ch in key if not ch.isprintable()), None)
    if bad is not None:
        raise InvalidValue(
            f"{what} {key!r} contains the unprintable character U+{ord(bad):04X}",
            "use letters, digits, punctuation and plain spaces",
        )
    return key


def checked_source_name(value: str) -> str:
    """A source name: a key that is not only digits (those are source ids)."""
    name = checked_key(value, "source name")
    if name.isdigit():
        raise InvalidValue(
            f"source name {name!r} is only digits, which would read as a source id",
            "give it a name with a letter in it, e.g. intervju_" + name,
        )
    return name
