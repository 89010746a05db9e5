"""What the coding workbench needs: open a source with its codings, code and uncode by id,
memos, the study grid and segments. Every write is one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.errors import NotFound, NotYours
from casebook.model.attributes import AttributeScope, AttributeValue
from casebook.model.codes import Code, Coding
from casebook.model.overview import Grid
from casebook.model.segments import Segment, SegmentFilter
from casebook.model.sources import Source, Turn
from casebook.queries import overview, segments
from casebook.services import coding
from casebook.services.project import Project
from casebook.storage import code_store, coding_store, coverage_store, memo_store, source_store, study_store
from casebook.text.segmenting import TextUnits

MEMO_KINDS = ("project", "case", "round", "source", "code")


@dataclass(frozen=True)
class CodedSpan:
    """A coding as the transcript view draws it."""

    id: int
    start: int
    end: int
    code: str
    name: str
    color: str
    coder: str
    memo: str


@dataclass(frozen=True)
class SourceView:
    """A source opened for coding, with the selection units (words, sentences) of its text."""

    source: Source
    text: str
    turns: list[Turn]
    codings: list[CodedSpan]
    units: TextUnits


def open_source(project: Project, source_id: int) -> SourceView:
    """Text, turns and codings of one source."""
    source = source_store.get_source(project.pdb, str(source_id))
    text = source_store.source_text(project.pdb, source.id)
    return SourceView(
        source,
        text,
        source_store.source_turns(project.pdb, source.id),
        codings_of(project, source.id),
        TextUnits(text),
    )


def coded_percent(chars: int, spans: list[tuple[int, int]]) -> int:
    """The share of a source's ``chars`` covered by at least one of ``spans``, in whole percent."""
    covered = min(chars, coverage_store.union_length(spans))
    return round(100 * covered / chars) if chars else 0


def codings_of(project: Project, source_id: int, codebook: list[Code] | None = None) -> list[CodedSpan]:
    """The codings of one source, coloured by their code (pass the codebook if you have it)."""
    codes = {c.key: c for c in (codebook if codebook is not None else code_store.list_codes(project.pdb))}
    return [
        CodedSpan(g.id, g.start, g.end, g.code, codes[g.code].name, codes[g.code].color, g.coder, g.memo)
        for g in coding_store.list_codings(project.pdb, source_id=source_id)
    ]


def apply(
    project: Project, source_id: int, start: int, end: int, code: str, coder: str, memo: str = ""
) -> int:
    """Code a span; the identical coding by the same coder is refused."""
    return coding.apply_code(project, str(source_id), start, end, code, coder, memo)


def remove(project: Project, coding_id: int, coder: str, allow_other: bool = False) -> Coding:
    """Delete ``coder``'s coding and return it, so that it can be restored (undo).

    Another coder's coding is removed only with ``allow_other`` (the researcher confirmed
    it, naming its owner); otherwise NotYours is raised and nothing changes."""
    pdb = project.pdb
    with pdb.atomic():
        coding = coding_store.get_coding(pdb, coding_id)
        if coding is None:
            raise NotFound(f"coding {coding_id} no longer exists")
        if coding.coder != coder and not allow_other:
            raise NotYours(
                f"coding {coding_id} ({coding.code}) was made by {coding.coder}, not by {coder}",
                coding.coder,
                "confirm to remove another coder's coding",
            )
        coding_store.delete_coding(pdb, coding_id)
    return coding


def restore(project: Project, coding: Coding) -> int:
    """Put a removed coding back (it gets a new id)."""
    return apply(project, coding.source_id, coding.start, coding.end, coding.code, coding.coder, coding.memo)


def set_coding_memo(project: Project, coding_id: int, memo: str) -> str:
    """Replace a coding's memo; returns the previous memo (for undo)."""
    pdb = project.pdb
    with pdb.atomic():
        coding = coding_store.get_coding(pdb, coding_id)
        if coding is None:
            raise NotFound(f"coding {coding_id} no longer exists")
        coding_store.set_coding_memo(pdb, coding_id, memo)
    return coding.memo


def memo(project: Project, kind: str, target: int | None) -> str:
    """The memo on a project, case, round, source or code."""
    return memo_store.get_memo(project.pdb, kind, target)


def set_memo(project: Project, kind: str, target: int | None, text: str, author: str) -> str:
    """Write a memo (empty text removes it); returns the previous text (for undo)."""
    if kind not in MEMO_KINDS:
        raise NotFound(f"memos cannot be attached to {kind!r}")
    pdb = project.pdb
    with pdb.atomic():
        previous = memo_store.get_memo(pdb, kind, target)
        memo_store.set_memo(pdb, kind, target, text, coding_store.coder_id(pdb, author))
    return previous


@dataclass(frozen=True)
class MemoEntry:
    """A memo and what it is written on (``target`` None: its target no longer exists)."""

    kind: str
    target: str | None
    text: str
    author: str
    updated_at: str
    guid: str


def memos(project: Project, kind: str | None = None) -> list[MemoEntry]:
    """Every memo of the project (coding memos included), by target."""
    return [MemoEntry(*row) for row in memo_store.list_memos(project.pdb, kind)]


def memo_target(project: Project, kind: str, key: str) -> int | None:
    """Row id of the case, round, source or code a memo belongs to (None for the project)."""
    pdb = project.pdb
    if kind == "case":
        return study_store.case_id(pdb, key)
    if kind == "round":
        return study_store.round_id(pdb, key)
    if kind == "code":
        return code_store.code_id(pdb, key)
    if kind == "source":
        return source_store.get_source(pdb, key).id
    return None


def codebook(project: Project) -> list[Code]:
    """The codebook with counts, parents first."""
    return code_store.list_codes(project.pdb)


def pinned(project: Project, coder: str, configured: list[str]) -> list[str]:
    """The codes on the number keys 1-9: the configured ones that exist, then the coder's most
    used, then (for a new coder) the codebook's codes without sub-codes, in codebook order."""
    codes = code_store.list_codes(project.pdb)
    known = {c.key for c in codes}
    parents = {c.parent for c in codes}
    chosen: list[str] = []
    ranked = [
        *configured,
        *code_store.code_usage(project.pdb, coder),
        *(c.key for c in codes if c.key not in parents),
    ]
    for key in ranked:
        if key in known and key not in chosen:
            chosen.append(key)
    return chosen[:9]


def grid(project: Project) -> Grid:
    """The cases x rounds overview."""
    return overview.study_grid(project.pdb)


def case_attribute_map(project: Project, case_key: str | None = None) -> dict[str, list[AttributeValue]]:
    """Attribute values by case key (one case, or all of them in one query)."""
    grouped: dict[str, list[AttributeValue]] = {}
    for value in project.attribute_values(AttributeScope.CASE, case_key):
        grouped.setdefault(value.entity, []).append(value)
    return grouped


def code_segments(
    project: Project,
    code: str,
    case: str | None = None,
    round_key: str | None = None,
    coder: str | None = None,
) -> list[Segment]:
    """Coded passages of a code and its sub-codes (all of them: prefer ``segment_page``)."""
    return segments.segments(project.pdb, code, case, round_key, coder)


def segment_count(project: Project, wanted: SegmentFilter) -> int:
    """How many segments match ``wanted``."""
    return segments.count(project.pdb, wanted)


def segment_page(project: Project, wanted: SegmentFilter, offset: int, limit: int) -> list[Segment]:
    """``limit`` matching segments from ``offset`` on, in case, round, source, text order."""
    return segments.page(project.pdb, wanted, offset, limit)
