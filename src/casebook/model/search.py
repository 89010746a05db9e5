"""Full-text search across sources: hits (speaker turns with matched words) and results."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.model.sources import Source


@dataclass(frozen=True)
class SearchHit:
    """A speaker turn whose words match: ``start``-``end`` is the speech (the speaker tag
    and surrounding blank lines left out), ready to be coded; ``matches`` are the matched
    words (or phrases) as offsets in the source text, ``matched`` their text; ``snippet``
    is the text around the first match, from offset ``snippet_start`` (line breaks shown
    as spaces)."""

    source: Source
    start: int
    end: int
    speaker: str | None
    participant: str | None
    participant_code: str | None
    role: str | None
    matches: tuple[tuple[int, int], ...]
    matched: tuple[str, ...]
    snippet: str
    snippet_start: int


@dataclass(frozen=True)
class SearchResult:
    """One page of hits. ``total`` counts matching turns in all pages; ``terms`` are the
    index words searched for (the query's words, or with ``forms`` their word forms)."""

    query: str
    forms: bool
    terms: tuple[tuple[str, ...], ...]
    total: int
    offset: int
    hits: tuple[SearchHit, ...]
