"""Segments: coded passages with their source, speaker and text, a page at a time.

Filtering, ordering and paging happen in SQL (``storage.segment_store``); this module
cuts each passage from its source's text, reading every source a page touches once.
"""

from __future__ import annotations

from casebook.model.segments import Segment, SegmentFilter
from casebook.storage import segment_store, source_store
from casebook.storage.connection import ProjectDB


def count(pdb: ProjectDB, wanted: SegmentFilter) -> int:
    """How many segments match ``wanted``."""
    return segment_store.count_segments(pdb, wanted)


def page(pdb: ProjectDB, wanted: SegmentFilter, offset: int = 0, limit: int | None = None) -> list[Segment]:
    """Matching segments from ``offset`` on (``limit`` of them, or all), in case, round,
    source and text order."""
    rows = segment_store.segment_rows(pdb, wanted, offset, limit)
    sources = source_store.sources_by_id(pdb, {r.source_id for r in rows})
    by_source: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        by_source.setdefault(row.source_id, []).append(index)
    found: list[Segment | None] = [None] * len(rows)
    for source_id, indexes in by_source.items():
        text = source_store.source_text(pdb, source_id)  # one text in memory at a time
        for index in indexes:
            r = rows[index]
            found[index] = Segment(
                r.coding_id,
                sources[source_id],
                r.start,
                r.end,
                r.code,
                r.coder,
                r.speaker,
                text[r.start : r.end],
                r.memo,
            )
    return [s for s in found if s is not None]


def segments(
    pdb: ProjectDB,
    code: str | None,
    case: str | None = None,
    round_key: str | None = None,
    coder: str | None = None,
    source_id: int | None = None,
    all_versions: bool = False,
) -> list[Segment]:
    """Every segment of ``code`` and the codes below it (every code if None), filtered."""
    return page(pdb, SegmentFilter(code, case, round_key, coder, source_id, all_versions))
