"""Search one transcript: exact hits, other word forms, and words that merely contain the query.

Every hit is one place in the text (overlapping matches are merged), so stepping
through the hits stops on each word once. Case is ignored; æ, ø and å never are.
"""

from __future__ import annotations

from dataclasses import dataclass

from casebook.text import inflection, segmenting

Hit = tuple[int, int]
_EXACT, _FORM, _PARTIAL = 0, 1, 2


@dataclass(frozen=True)
class SearchHits:
    """The hits of one query, by kind; each tuple sorted by position, none overlapping."""

    query: str
    exact: tuple[Hit, ...] = ()
    other: tuple[Hit, ...] = ()
    """Other word forms of the query: *englene* for *engel*, *barnekoordinatoren* for *koordinator*."""
    partial: tuple[Hit, ...] = ()
    """Words that contain the query without being a form of it: *farlig* for *far*."""

    @property
    def all(self) -> list[Hit]:
        """Every hit, in text order."""
        return sorted(self.exact + self.other + self.partial)


def prepare(text: str = "") -> None:
    """Load the word-form dictionaries (slow once) and analyse the words of ``text`` now,
    so that the first search in it is fast. Safe to run in a thread."""
    inflection.warm_up(text)


def search_source(text: str, query: str) -> SearchHits:
    """Find ``query`` in ``text``: whole-word matches are exact; a one-word query also finds
    its other forms; a match inside a longer word that is no form of it is partial."""
    query = " ".join(query.split())
    if not query:
        return SearchHits(query)
    kinds: dict[Hit, int] = {}
    for start, end in segmenting.find_all(text, query):
        word = segmenting.words_around(text, start, end)
        kind = _EXACT if word == (start, end) else _PARTIAL
        kinds[word] = min(kind, kinds.get(word, kind))
    for hit in inflection.find_inflected(text, query):
        kinds[hit] = min(_FORM, kinds.get(hit, _FORM))
    merged: list[tuple[Hit, int]] = []
    for (start, end), kind in sorted(kinds.items()):
        if merged and start < merged[-1][0][1]:  # overlaps the previous hit: one place, best kind
            (first, last), best = merged[-1]
            merged[-1] = ((first, max(last, end)), min(best, kind))
        else:
            merged.append(((start, end), kind))
    by_kind: tuple[list[Hit], list[Hit], list[Hit]] = ([], [], [])
    for hit, kind in merged:
        by_kind[kind].append(hit)
    return SearchHits(query, *(tuple(hits) for hits in by_kind))
