"""Retrieval and search: segments by code, case, round, speaker, attribute conditions and
code logic; full-text search across every source. The API the CLI, the workbench and the
report and matrix code call; it only reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from casebook.model.search import SearchResult
from casebook.model.segments import CodeLogic, Condition, Segment, SegmentFilter
from casebook.queries import code_logic, conditions
from casebook.queries import search as full_text
from casebook.queries import segments as retrieval
from casebook.services.project import Project


def parse_where(expressions: Sequence[str]) -> tuple[Condition, ...]:
    """Read attribute conditions such as ``barn_alder>=10`` (InvalidValue when unreadable;
    unknown attributes and ill-typed values are reported when the filter is used)."""
    return tuple(conditions.parse_condition(e) for e in expressions)


def parse_logic(expression: str) -> CodeLogic:
    """Read ``A AND B``, ``A SAME_TURN B``, ``A NOT B`` or ``A FOLLOWED_BY B WITHIN N``."""
    return code_logic.parse_logic(expression)


def segment_filter(
    code: str | None = None,
    case: str | None = None,
    round_key: str | None = None,
    coder: str | None = None,
    kind: str | None = None,
    speaker: str | None = None,
    where: Sequence[str] = (),
    logic: str | None = None,
    children: bool = True,
) -> SegmentFilter:
    """A filter from what a researcher typed (conditions and logic as text)."""
    return SegmentFilter(
        code=code,
        case=case,
        round=round_key,
        coder=coder,
        children=children,
        kind=kind,
        speaker=speaker,
        where=parse_where(where),
        logic=parse_logic(logic) if logic else None,
    )


def check(project: Project, wanted: SegmentFilter) -> None:
    """Raise the error a filter would raise (unknown code, case, round, coder, kind or
    attribute, an ill-typed value) without fetching segments."""
    retrieval.prepare(project.pdb, wanted)


def count(project: Project, wanted: SegmentFilter) -> int:
    """How many segments match ``wanted``."""
    return retrieval.count(project.pdb, wanted)


def segments(
    project: Project, wanted: SegmentFilter, offset: int = 0, limit: int | None = None
) -> list[Segment]:
    """Matching segments with text, speaker and participant, in case, round, source and
    text order: ``limit`` of them from ``offset`` (all when ``limit`` is None)."""
    return retrieval.page(project.pdb, wanted, offset, limit)


def search(
    project: Project,
    query: str,
    forms: bool = False,
    case: str | None = None,
    round_key: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> SearchResult:
    """Turns of current sources matching ``query``: the exact words (a phrase), or with
    ``forms`` each word in any inflected form or as the end of a compound."""
    return full_text.search(project.pdb, query, forms, case, round_key, kind, offset, limit)


def prepare_search(project: Project) -> None:
    """Load word-form dictionaries and the project's vocabulary before the first word-form
    search (about a second on a large study; run it in a thread worker)."""
    full_text.prepare(project.pdb)
