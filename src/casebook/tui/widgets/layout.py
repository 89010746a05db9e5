"""Wrap a transcript into display lines and index codings by line.

The transcript widget keeps its own table of line offsets, so painting a line or
finding the codings on it never scans the whole document.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from casebook.model.sources import Turn


@dataclass(frozen=True, slots=True)
class DisplayLine:
    """One screen line: ``text[start:end]`` of turn ``turn``; ``first`` on a turn's first line."""

    start: int
    end: int
    turn: int
    first: bool = False
    blank: bool = False


def wrap(text: str, turns: Sequence[Turn], width: int) -> list[DisplayLine]:
    """Lay the turns out in ``width`` columns, one blank line between turns."""
    width = max(8, width)
    lines: list[DisplayLine] = []
    for index, turn in enumerate(turns):
        body_end = turn.end
        while body_end > turn.body_start and text[body_end - 1] in "\n \t":
            body_end -= 1
        if index and lines:
            lines.append(DisplayLine(turn.start, turn.start, index, blank=True))
        first = True
        position = turn.body_start
        for paragraph in text[turn.body_start : body_end].split("\n"):
            end = position + len(paragraph)
            for start, stop in _wrap_paragraph(text, position, end, width):
                lines.append(DisplayLine(start, stop, index, first))
                first = False
            position = end + 1
        if first:  # a turn with a label but no words
            lines.append(DisplayLine(turn.body_start, turn.body_start, index, True))
    return lines


def _wrap_paragraph(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    if start >= end:
        return [(start, start)]
    out = []
    while end - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = start + width
            out.append((start, cut))
            start = cut
        else:
            out.append((start, cut))
            start = cut + 1
    out.append((start, end))
    return out


class LineIndex:
    """Offsets <-> display lines, and which codings touch each line."""

    def __init__(self, lines: list[DisplayLine]) -> None:
        self.lines = lines
        self.starts = [line.start for line in lines]

    def line_of(self, offset: int) -> int:
        """The display line showing ``offset`` (the nearest one before it)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        index = max(0, min(index, len(self.lines) - 1))
        while index > 0 and self.lines[index].blank:
            index -= 1
        return index

    def lines_touched(self, start: int, end: int) -> list[int]:
        """Numbers of the (non-blank) lines that show part of ``[start, end)``."""
        if not self.lines:
            return []
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        touched = []
        for number in range(first, last + 1):
            line = self.lines[number]
            if not line.blank and start < max(line.end, line.start + 1) and end > line.start:
                touched.append(number)
        return touched

    def spans_by_line(self, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
        """For each line, the indices of ``spans`` that overlap it."""
        table: list[list[int]] = [[] for _ in self.lines]
        for index, (start, end) in enumerate(spans):
            for number in self.lines_touched(start, end):
                table[number].append(index)
        return table


def fit_names(names: Sequence[str], room: int) -> list[str]:
    """Shorten the longest of ``names`` (with …) until together they fit in ``room`` characters.

    Short names stay whole; every name keeps at least its first few letters."""
    if sum(len(n) for n in names) <= room or not names:
        return list(names)
    cap = max(len(n) for n in names)
    while cap > 4 and sum(min(len(n), cap) for n in names) > room:
        cap -= 1
    return [n if len(n) <= cap else n[: cap - 1].rstrip() + "…" for n in names]
