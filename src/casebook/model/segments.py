"""A segment: one coded passage with where it is, who coded it and what it says."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.model.sources import Source


@dataclass(frozen=True)
class Segment:
    """A coded passage: where it is, who coded it, what it says."""

    coding_id: int
    source: Source
    start: int
    end: int
    code: str
    coder: str
    speaker: str | None
    text: str
    memo: str
