"""Counting words in stored text, for word measures in matrices.

A word is a run of characters between whitespace, the word count of a word processor
or ``wc -w``: ``BUP-en`` and ``[latter]`` are one word each, a dash standing alone is
one too. It is exact, explainable and fast enough for a whole study (a regular
expression over 70 million characters took four times as long for counts within 1 %).
"""

from __future__ import annotations

from collections.abc import Iterable


def count_words(text: str, start: int = 0, end: int | None = None) -> int:
    """Words that lie in or overlap ``[start, end)`` of ``text`` (a word cut by an edge counts)."""
    if start <= 0 and end is None:
        return len(text.split())
    return len(text[max(0, start) : end].split())


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``spans`` (sorted by start) as disjoint stretches; touching spans join."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def words_covered(text: str, spans: Iterable[tuple[int, int]]) -> int:
    """Words covered by the union of ``spans`` (sorted by start): each word once."""
    return sum(count_words(text, start, end) for start, end in merged(spans))
