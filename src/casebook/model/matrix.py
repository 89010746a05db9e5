"""Code matrices as values: codes × cases, rounds or attribute values, with denominators.

A matrix answers "how much of each code is there in each case / round / group", counted
three ways, and every cell can name the passages behind it. The rules, in one place:

- **Rows** are codes. A row counts its code *and every code below it* (``parent_id``
  tree), so a parent row is the roll-up of its subtree, exactly like a segment list
  of that code.
- **Scope**: current source versions that belong to a case (an interview), optionally
  only cases of one kind, one round and one coder's codings. A professional's interview
  belongs to the family case it was filed under. Sources without a case are left out.
- **Columns** are the cases, the rounds or the values of an attribute that occur in the
  scope (a case or round without an interview in scope has no column). An attribute's
  value is taken *as of each interview's round*, so one family can sit in several
  columns (a child aged 9, 10 and 11 in rounds 1-3).
- **segments** = codings (each coder's coding of a passage counts; the segment list of
  the cell shows exactly these). **cases** = distinct cases with at least one segment.
  **words** = words of the text covered by the *union* of the row's spans in each
  source: a word coded twice (two coders, two sub-codes, overlapping spans of one code)
  counts once; a word cut by a span's edge counts; sums over the cell's sources.
- **Percentages** are over a stated denominator that travels with each column: cases →
  the column's cases in scope ("n = 4 families"); segments → all segments in the
  column's sources (any code); words → all words in the column's sources.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from casebook.errors import InvalidValue
from casebook.model.segments import SegmentFilter
from casebook.model.study import CaseKind


class ColumnAxis(enum.StrEnum):
    """What the columns of a matrix are."""

    CASES = "cases"
    ROUNDS = "rounds"
    ATTRIBUTE = "attribute"


class Measure(enum.StrEnum):
    """What a cell counts."""

    SEGMENTS = "segments"
    CASES = "cases"
    WORDS = "words"


_UNITS: dict[CaseKind | None, tuple[str, str]] = {
    CaseKind.FAMILY: ("family", "families"),
    CaseKind.MUNICIPALITY: ("municipality", "municipalities"),
    CaseKind.OTHER: ("other case", "other cases"),
    None: ("case", "cases"),
}


def case_unit(kind: CaseKind | None, count: int = 2) -> str:
    """The noun for ``count`` cases of ``kind``: "family" / "families", "cases" for all kinds."""
    singular, plural = _UNITS[kind]
    return singular if count == 1 else plural


@dataclass(frozen=True, slots=True)
class MatrixSpec:
    """What to count. Defaults: every code as a row, one column per family, segments.

    Families are the default scope for every axis: a denominator is only meaningful over
    one kind of case ("n = 4 families"); pass ``kind=None`` for all kinds together.
    ``root`` keeps one subtree (the code and the codes below it); ``roots_only`` keeps
    the top-level codes (each still counting its whole subtree)."""

    columns: ColumnAxis = ColumnAxis.CASES
    attribute: str | None = None
    measure: Measure = Measure.SEGMENTS
    root: str | None = None
    roots_only: bool = False
    kind: CaseKind | None = CaseKind.FAMILY
    coder: str | None = None
    round: str | None = None
    with_municipality: bool = False

    def __post_init__(self) -> None:
        if (self.columns is ColumnAxis.ATTRIBUTE) != bool(self.attribute):
            raise InvalidValue("attribute columns need an attribute name (and only they take one)")
        if self.root is not None and self.roots_only:
            raise InvalidValue("choose either one subtree (root) or the root codes, not both")


@dataclass(frozen=True, slots=True)
class Denominator:
    """What a percentage is a share of: ``count`` ``unit`` (e.g. 4 families, 812 segments)."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"n = {self.count} {self.unit}"


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """An interview (current source version) that belongs to a column."""

    source_id: int
    name: str
    case: str
    round: str | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """A code as a row; ``depth`` 0 for a root code."""

    code: str
    name: str
    parent: str | None
    depth: int


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    """A case, a round, an attribute value (``key`` "" = no round / no value) or the total.

    ``cases``, ``segments`` and ``words`` describe the whole column (all codes): they are
    the denominators. ``words`` is None unless words were measured."""

    key: str
    label: str
    sources: tuple[ColumnSource, ...]
    cases: int
    segments: int
    words: int | None = None
    total: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """Counts of one row in one column, and the sources they come from (for drill-down):
    ``by_source`` holds (source id, segments) in the column's source order."""

    segments: int = 0
    cases: int = 0
    words: int | None = None
    by_source: tuple[tuple[int, int], ...] = ()


EMPTY_CELL = Cell()


@dataclass(frozen=True)
class Matrix:
    """Rows × columns of cells, with a total column; see the module docstring for the rules."""

    spec: MatrixSpec
    rows: tuple[MatrixRow, ...]
    columns: tuple[MatrixColumn, ...]
    total: MatrixColumn
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)
    row_totals: Mapping[str, Cell] = field(default_factory=dict)

    def cell(self, code: str, column: MatrixColumn) -> Cell:
        """The cell of ``code`` in ``column`` (the total column too); empty if nothing is coded."""
        if column.total:
            return self.row_totals.get(code, EMPTY_CELL)
        return self.cells.get((code, column.key), EMPTY_CELL)

    def value(self, code: str, column: MatrixColumn) -> int:
        """The cell's count for the matrix's measure."""
        cell = self.cell(code, column)
        if self.spec.measure is Measure.CASES:
            return cell.cases
        if self.spec.measure is Measure.WORDS:
            return cell.words or 0
        return cell.segments

    def denominator(self, column: MatrixColumn) -> Denominator:
        """What the column's percentages are shares of."""
        if self.spec.measure is Measure.CASES:
            return Denominator(column.cases, case_unit(self.spec.kind, column.cases))
        if self.spec.measure is Measure.WORDS:
            return Denominator(column.words or 0, "words")
        return Denominator(column.segments, "segments")

    def percent(self, code: str, column: MatrixColumn) -> float | None:
        """The cell's value as a share of the column's denominator, in percent (None if 0)."""
        whole = self.denominator(column).count
        return 100 * self.value(code, column) / whole if whole else None

    def drill_down(self, code: str, column: MatrixColumn) -> tuple[SegmentFilter, ...]:
        """Segment filters whose results together are exactly the cell's segments: one per
        source, in the column's order (disjoint, so their counts add up to the cell's)."""
        return tuple(
            SegmentFilter(code=code, coder=self.spec.coder, source_id=source_id)
            for source_id, _n in self.cell(code, column).by_source
        )
