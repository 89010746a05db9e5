"""Coding use cases: apply a code to a span, remove it, list codings."""

from __future__ import annotations

from casebook.coding.spans import check_span
from casebook.errors import Conflict, NotFound
from casebook.model.codes import Coding
from casebook.queries import segments
from casebook.queries.segments import Segment as Segment
from casebook.services.project import Project
from casebook.storage import code_store, coding_store, source_store


def apply_code(
    project: Project, source_ref: str, start: int, end: int, code: str, coder: str, memo: str = ""
) -> int:
    """Code ``text[start:end]`` of a source; the same coding twice is refused."""
    pdb = project.pdb
    with pdb.atomic():
        source = source_store.get_source(pdb, source_ref)
        check_span(start, end, source.chars)
        code_id = code_store.code_id(pdb, code)
        coder_id = coding_store.coder_id(pdb, coder)
        if coding_store.find_coding(pdb, source.id, start, end, code_id, coder_id) is not None:
            raise Conflict(f"{coder} already coded {start}-{end} of {source.name!r} with {code!r}")
        return coding_store.insert_coding(pdb, source.id, start, end, code_id, coder_id, memo)


def remove_code(project: Project, source_ref: str, start: int, end: int, code: str, coder: str) -> None:
    """Remove the coding of exactly this span, code and coder."""
    pdb = project.pdb
    with pdb.atomic():
        source = source_store.get_source(pdb, source_ref)
        check_span(start, end, source.chars)
        found = coding_store.find_coding(
            pdb, source.id, start, end, code_store.code_id(pdb, code), coding_store.coder_id(pdb, coder)
        )
        if found is None:
            raise NotFound(f"no coding {code!r} by {coder} on {start}-{end} of {source.name!r}")
        coding_store.delete_coding(pdb, found)


def codings(
    project: Project, source: str | None = None, code: str | None = None, coder: str | None = None
) -> list[Coding]:
    """Codings, optionally of one source, code or coder."""
    pdb = project.pdb
    source_id = source_store.get_source(pdb, source).id if source else None
    code_id = code_store.code_id(pdb, code) if code else None
    return coding_store.list_codings(pdb, source_id, code_id, coder)


def passages(
    project: Project,
    source: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    all_versions: bool = True,
) -> list[Segment]:
    """Codings with their source, case, round, speaker and text (for ``codings --json``)."""
    pdb = project.pdb
    source_id = source_store.get_source(pdb, source).id if source else None
    found = segments.segments(pdb, code, coder=coder, source_id=source_id, all_versions=all_versions)
    return sorted(found, key=lambda s: (s.source.id, s.start, s.coding_id))
