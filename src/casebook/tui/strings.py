"""Interface strings of the workbench, in English and in one place, so that a Norwegian
translation can follow. Data (transcripts, code names, labels) is never translated here."""

from __future__ import annotations

_PLURALS = {"source": "sources", "coder": "coders", "segment": "segments", "coding": "codings"}


def count(n: int, noun: str) -> str:
    """``1 source``, ``2 sources``: a number with its noun in the right form."""
    return f"{n} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"
