"""Coding use cases: apply a code to a span, remove it, list codings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casebook.coding.spans import check_span
from casebook.errors import Conflict, NotFound
from casebook.model.codes import Coding
from casebook.model.segments import Segment as Segment
from casebook.model.sources import Source
from casebook.model.suggestions import SUGGESTER
from casebook.queries import segments
from casebook.services.project import Project
from casebook.storage import code_store, coding_store, source_store


def apply_code(
    project: Project, source_ref: str, start: int, end: int, code: str, coder: str, memo: str = ""
) -> int:
    """Code ``text[start:end]`` of a source; the same coding twice is refused."""
    refuse_pseudo_coder(coder)
    pdb = project.pdb
    with pdb.atomic():
        source = source_store.get_source(pdb, source_ref)
        check_span(start, end, source.chars)
        code_id = code_store.code_id(pdb, code)
        coder_id = coding_store.coder_id(pdb, coder)
        if coding_store.find_coding(pdb, source.id, start, end, code_id, coder_id) is not None:
            raise Conflict(f"{coder} already coded {start}-{end} of {source.name!r} with {code!r}")
        return coding_store.insert_coding(pdb, source.id, start, end, code_id, coder_id, memo)


def refuse_pseudo_coder(coder: str) -> None:
    """Codings are made by people: the suggester's name is not a coder's."""
    if coder.strip().lower() == SUGGESTER:
        raise Conflict(
            f"{SUGGESTER!r} is the name of the code suggester, which never codes: choose your own name"
        )


@dataclass(frozen=True)
class CodingItem:
    """One coding to apply with ``apply_codes``: a source (id or name), a span and a code."""

    source: str
    start: int
    end: int
    code: str
    memo: str = ""


def apply_codes(project: Project, items: Sequence[CodingItem], coder: str) -> int:
    """Apply many codings by ``coder`` in one transaction, all or none (scripts, imports).

    The rules are those of ``apply_code``: the span lies inside its source, the code
    exists, and a coder codes a span with a code once (also within ``items``)."""
    refuse_pseudo_coder(coder)
    pdb = project.pdb
    rows: list[tuple[int, int, int, int, str]] = []
    with pdb.atomic():
        coder_id = coding_store.coder_id(pdb, coder)
        sources: dict[str, Source] = {}
        code_ids: dict[str, int] = {}
        seen: set[tuple[int, int, int, int]] = set()
        for item in items:
            if item.source not in sources:
                sources[item.source] = source_store.get_source(pdb, item.source)
            if item.code not in code_ids:
                code_ids[item.code] = code_store.code_id(pdb, item.code)
            source = sources[item.source]
            check_span(item.start, item.end, source.chars)
            key = (source.id, item.start, item.end, code_ids[item.code])
            if key in seen or coding_store.find_coding(pdb, *key, coder_id) is not None:
                raise Conflict(
                    f"{coder} already coded {item.start}-{item.end} of {source.name!r} with {item.code!r}"
                )
            seen.add(key)
            rows.append((*key, item.memo))
        coding_store.insert_codings(pdb, rows, coder_id)
    return len(rows)


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
