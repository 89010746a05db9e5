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


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments to retrieve. ``code`` includes every code below it in the tree (by
    ``parent_id``); None means every code. Only current source versions count unless
    ``all_versions``. Filters that are None do not restrict."""

    code: str | None = None
    case: str | None = None
    round: str | None = None
    coder: str | None = None
    source_id: int | None = None
    all_versions: bool = False
