"""Inflection-aware word search for Norwegian: ``møteplass`` finds ``møteplassene``.

Uses the Snowball Norwegian stemmer (PyStemmer, fast and offline), with Unicode-aware
case folding that keeps æ, ø and å as letters. Loaded lazily on first search.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_WORD = re.compile(r"\w+")


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("norwegian")


def stem(word: str) -> str:
    """The Norwegian stem of one word (lower case)."""
    return str(_stemmer().stemWord(word.lower()))


def find_inflected(text: str, query: str) -> list[tuple[int, int]]:
    """Words of ``text`` that share the stem of the one-word ``query`` (or contain it as a compound head)."""
    words = query.split()
    if len(words) != 1:
        return []
    target = stem(words[0])
    if len(target) < 3:
        return []
    hits = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if not word.startswith(target[:2]) and target not in word:
            continue
        word_stem = stem(word)
        if word_stem == target or (len(target) >= 5 and word_stem.endswith(target)):
            hits.append((match.start(), match.end()))
    return hits
