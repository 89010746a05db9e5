"""Matrices and co-occurrence for the front ends and the reports: build, then drill down.

Everything here only reads. A matrix cell or a co-occurring pair leads to its passages:
``cell_segments`` pages through exactly the segments a cell counted, ``pair_passages``
lists exactly the passages a pair counted.
"""

from __future__ import annotations

from casebook.model.cooccurrence import Cooccurrence, CooccurrenceSpec, PairPassage
from casebook.model.matrix import Matrix, MatrixColumn, MatrixSpec
from casebook.model.segments import Segment
from casebook.queries import cooccurrence as cooccurrence_query
from casebook.queries import matrix as matrix_query
from casebook.queries import segments
from casebook.services.project import Project


def matrix(project: Project, spec: MatrixSpec) -> Matrix:
    """Codes × cases, rounds or attribute values (``casebook.model.matrix`` states the rules).

    Raises InvalidValue when the columns would show families with their municipality
    and ``spec.with_municipality`` is not set; NotFound for an unknown code, coder, round
    or attribute."""
    return matrix_query.build(project.pdb, spec)


def cell_segments(
    project: Project,
    built: Matrix,
    code: str,
    column: MatrixColumn,
    offset: int = 0,
    limit: int | None = None,
) -> list[Segment]:
    """The segments a cell counted, from ``offset`` on (``limit`` of them, or all), in the
    column's source order and text order within each source."""
    out: list[Segment] = []
    skip = max(0, offset)
    wanted, by_source = built.drill_down(code, column), built.cell(code, column).by_source
    for segment_filter, (_source, count) in zip(wanted, by_source, strict=True):
        if skip >= count:
            skip -= count
            continue
        room = None if limit is None else limit - len(out)
        if room is not None and room <= 0:
            break
        out.extend(segments.page(project.pdb, segment_filter, skip, room))
        skip = 0
    return out


def municipality_attributes(project: Project) -> frozenset[str]:
    """Case attributes that would tie a family to its municipality (never shown together)."""
    return matrix_query.municipality_attributes(project.pdb)


def cooccurrence(project: Project, spec: CooccurrenceSpec) -> Cooccurrence:
    """Pairs of codes used on the same passages (or turns), with passages, sources, cases."""
    return cooccurrence_query.build(project.pdb, spec)


def pair_passages(project: Project, spec: CooccurrenceSpec, a: str, b: str) -> list[PairPassage]:
    """The passages where codes ``a`` and ``b`` occur together under ``spec``."""
    return cooccurrence_query.pair_passages(project.pdb, spec, a, b)
