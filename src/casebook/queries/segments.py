"""Segments: every coded passage of a code with its context, for retrieval and review."""

from __future__ import annotations

import bisect

from casebook.model.segments import Segment
from casebook.storage import code_store, coding_store, source_store
from casebook.storage.connection import ProjectDB


def segments(
    pdb: ProjectDB,
    code: str | None,
    case: str | None = None,
    round_key: str | None = None,
    coder: str | None = None,
    source_id: int | None = None,
    all_versions: bool = False,
) -> list[Segment]:
    """Codings of ``code`` (every code if None) and every code below it in the tree, on
    current source versions (all with ``all_versions``), filtered by case, round, coder, source."""
    keys = set(code_store.descendant_keys(pdb, code)) if code else {c.key for c in code_store.list_codes(pdb)}
    sources = {s.id: s for s in source_store.list_sources(pdb, all_versions)}
    texts: dict[int, str] = {}
    starts: dict[int, tuple[list[int], list[str | None]]] = {}
    out: list[Segment] = []
    for key in sorted(keys):
        found = coding_store.list_codings(pdb, source_id, code_store.code_id(pdb, key), coder)
        for coding in found:
            source = sources.get(coding.source_id)
            if source is None:  # a superseded version: counted nowhere, kept in the file
                continue
            if (case and source.case != case) or (round_key and source.round != round_key):
                continue
            if source.id not in texts:
                texts[source.id] = source_store.source_text(pdb, source.id)
                turns = source_store.source_turns(pdb, source.id)
                starts[source.id] = ([t.start for t in turns], [t.speaker for t in turns])
            positions, speakers = starts[source.id]
            index = bisect.bisect_right(positions, coding.start) - 1
            out.append(
                Segment(
                    coding.id,
                    source,
                    coding.start,
                    coding.end,
                    coding.code,
                    coding.coder,
                    speakers[index] if index >= 0 else None,
                    texts[source.id][coding.start : coding.end],
                    coding.memo,
                )
            )
    out.sort(key=lambda s: (s.source.case or "", s.source.round or "", s.source.name, s.start))
    return out
