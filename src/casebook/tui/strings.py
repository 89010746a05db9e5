"""Interface strings of the workbench, in English and in one place, so that a Norwegian
translation can follow. Data (transcripts, code names, labels) is never translated here."""

from __future__ import annotations

_PLURALS = {"source": "sources", "coder": "coders", "segment": "segments", "coding": "codings"}


def count(n: int, noun: str) -> str:
    """``1 source``, ``2 sources``: a number with its noun in the right form."""
    return f"{n} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"


_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}
_CONTROL_PICTURES |= dict.fromkeys(range(128, 160), 65533)
_KEEP_LINES = {k: v for k, v in _CONTROL_PICTURES.items() if chr(k) not in "\n\t"}


def shown(text: str, one_line: bool = False) -> str:
    """User text made safe for the terminal: control characters (ESC among them) become
    visible symbols such as ``␛``; newlines stay unless ``one_line``. Markup is never
    parsed here: pass the result as ``Text`` or with ``markup=False``."""
    return text.translate(_CONTROL_PICTURES if one_line else _KEEP_LINES)


# Labels of a code's definition (the values are the codebook's own, in Norwegian).
CODEBOOK = "Codebook"
USE_WHEN = "Use when: "
NOT_WHEN = "Not when: "
SIGNALS = "Signal words: "

TREE_COUNTS = "counts: {coder} + other coders (with sub-codes)"
"""The legend of the code tree's counts (``8+4``: 8 by you, 4 by the others)."""

# The coding screen (search, pinned codes, double coding).
SEARCH_PROMPT = "Search the transcript (case ignored; æ, ø, å exact; other word forms too)"
SEARCH_NONE = "No hits for «{query}»."
SEARCH_NO_QUERY = "Nothing searched yet: / searches."
SEARCH_WRAPPED_TOP = "search wrapped to the top"
SEARCH_WRAPPED_BOTTOM = "search wrapped to the bottom"
PINS_NONE = "no codes to pin: add codes to the codebook (c)"
PIN_MISSING = "No code on {number}: the pinned codes are listed above the status line."
PICKED_MORE = "Applied {name} ({n} so far). Type the next code: tab applies it too, enter applies and closes."
PICKED_FAILED = "{name} was not applied (see the message)."


def search_summary(query: str, exact: int, other: int, partial: int) -> str:
    """``«engel»: 2 exact · 3 other word forms · 1 containing it``: what a search found, by kind."""
    parts = [f"{exact} exact", f"{other} other word form{'' if other == 1 else 's'}"]
    if partial:
        parts.append(f"{partial} containing it")
    return f"«{query}»: " + " · ".join(parts)
