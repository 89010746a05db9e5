"""The report tree every renderer draws: chapters per root code, sections per child code,
labelled excerpts, and optionally a matrix table and a code-frequency chart.

Plain frozen values: building a report (``reports.build``) reads nothing, rendering one
writes nothing, and pseudonymising one (``reports.privacy``) makes a new tree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from casebook.model.attributes import AttributeType


class ReportFormat(enum.StrEnum):
    """The formats a report is written in."""

    DOCX = "docx"
    MD = "md"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class AttributeColumn:
    """A case attribute shown as a column (value as of the excerpt's round)."""

    name: str
    type: AttributeType


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One coded passage with its quote label ("Forelder 1a, runde 2") and where it is from.

    ``attributes`` holds one canonical value (or "") per report attribute column."""

    coding_id: int
    code: str
    text: str
    label: str
    memo: str
    source: str
    case: str
    round: str
    speaker: str
    participant: str
    participant_label: str
    coder: str
    start: int
    end: int
    attributes: tuple[str, ...] = ()


def distinct_quotes(excerpts: tuple[Excerpt, ...]) -> list[Excerpt]:
    """Excerpts to quote: a passage coded alike by several coders is quoted once."""
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for excerpt in excerpts:
        key = (excerpt.source, excerpt.code, excerpt.start, excerpt.end)
        if key not in seen:
            seen.add(key)
            out.append(excerpt)
    return out


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text of a report; a ``note`` is drawn smaller (a basis, a caveat)."""

    text: str
    note: bool = False


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table of text cells under a caption (rows as long as ``headers``)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Bullets | Table
"""Text a report shows besides excerpts (case summaries are mostly made of these)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A code below a chapter: its definition and its excerpts (``level`` 2 for children)."""

    code: str
    name: str
    level: int
    definition: str
    use_when: str
    not_when: str
    memo: str
    excerpts: tuple[Excerpt, ...]
    body: tuple[Block, ...] = ()
    """Drawn after the definition and before the excerpts."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """A root code (or a recipe's own section): excerpts coded on it, then its sections."""

    code: str
    title: str
    definition: str
    memo: str
    excerpts: tuple[Excerpt, ...]
    sections: tuple[Section, ...]
    body: tuple[Block, ...] = ()
    """Drawn after the definition and before the excerpts."""


@dataclass(frozen=True, slots=True)
class Matrix:
    """Segments per code (rows) and case or round (columns)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """Segments per code, drawn as horizontal bars."""

    title: str
    bars: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Report:
    """A whole report: title page facts, chapters, and the optional table and chart."""

    title: str
    facts: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    attribute_columns: tuple[AttributeColumn, ...] = ()
    matrix: Matrix | None = None
    chart: Chart | None = None
    memos: bool = False
    compact: bool = False
    """A short document (a case summary): no table of contents, no page breaks."""

    def excerpts(self) -> Iterator[tuple[Chapter, Section | None, Excerpt]]:
        """Every excerpt in report order, with the chapter and section it stands in."""
        for chapter in self.chapters:
            for excerpt in chapter.excerpts:
                yield chapter, None, excerpt
            for section in chapter.sections:
                for excerpt in section.excerpts:
                    yield chapter, section, excerpt

    def count(self) -> int:
        """How many excerpts the report holds."""
        return sum(1 for _ in self.excerpts())
