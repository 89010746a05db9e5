"""Sources (immutable transcript text) and speaker turns over them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn: ``text[start:end]``, with the speech itself from ``body_start``.

    Turns of a source tile its text: the first starts at 0, each ends where the next
    starts, the last ends at ``len(text)``. Offsets are Unicode code points.
    """

    start: int
    end: int
    body_start: int
    speaker: str | None = None
    timestamp_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What a reader makes of a file: normalised text, and turns when the format has them."""

    text: str
    format: str
    encoding: str | None = None
    turns: tuple[Turn, ...] | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A stored transcript version; its text and hash never change after import."""

    id: int
    name: str
    sha256: str
    original_name: str
    format: str
    imported_at: str
    chars: int
    version: int
    previous_id: int | None
    case: str | None = None
    round: str | None = None
    date: str | None = None
    turns: int = 0
    current: bool = True
    mode: str = ""
    place: str = ""
    interviewer: str = ""
    guid: str = ""
