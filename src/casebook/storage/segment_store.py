"""Retrieval of coded segments in SQL: filters pushed down, pages in a stable order.

The order is case, round, source name, position, coding id. A page costs one pass over
the ``codings_code_coder`` covering index for the code's subtree plus the rows of the
page; source texts are read only for the sources a page touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.errors import NotFound
from casebook.model.segments import SegmentFilter
from casebook.storage.connection import ProjectDB


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One coding as a page lists it (text is cut by the caller from the source's text)."""

    coding_id: int
    source_id: int
    start: int
    end: int
    code: str
    coder: str
    memo: str
    speaker: str | None


_TREE = (
    "tree(id) AS (SELECT id FROM codes WHERE key = :code"
    " UNION ALL SELECT c.id FROM codes c JOIN tree t ON c.parent_id = t.id)"
)
_CURRENT = (
    "cur AS MATERIALIZED (SELECT s.id, s.name, s.version, coalesce(cs.key, '') AS case_key,"
    " coalesce(r.key, '') AS round_key FROM sources s LEFT JOIN interviews i ON i.source_id = s.id"
    " LEFT JOIN cases cs ON cs.id = i.case_id LEFT JOIN rounds r ON r.id = i.round_id"
    " WHERE (:all_versions OR NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id))"
    " AND (:case IS NULL OR cs.key = :case) AND (:round IS NULL OR r.key = :round)"
    " AND (:source_id IS NULL OR s.id = :source_id))"
)
_MATCHING = (
    " FROM codings g JOIN cur ON cur.id = g.source_id"
    " WHERE (:code IS NULL OR g.code_id IN tree)"
    " AND (:coder IS NULL OR g.coder_id = (SELECT id FROM coders WHERE name = :coder))"
)
_CHUNK = 500
_ORDER = " ORDER BY cur.case_key, cur.round_key, cur.name, cur.version, g.start, g.id"


def _params(pdb: ProjectDB, wanted: SegmentFilter) -> dict[str, Any]:
    if (
        wanted.code is not None
        and not pdb.db.execute("SELECT 1 FROM codes WHERE key = ?", [wanted.code]).fetchone()
    ):
        raise NotFound(f"no code {wanted.code!r} in the codebook", "list codes with: casebook codebook show")
    return {
        "code": wanted.code,
        "case": wanted.case,
        "round": wanted.round,
        "coder": wanted.coder,
        "source_id": wanted.source_id,
        "all_versions": int(wanted.all_versions),
    }


def count_segments(pdb: ProjectDB, wanted: SegmentFilter) -> int:
    """How many segments match."""
    sql = f"WITH RECURSIVE {_TREE}, {_CURRENT} SELECT count(*){_MATCHING}"
    return int(pdb.db.execute(sql, _params(pdb, wanted)).fetchone()[0])


def segment_rows(
    pdb: ProjectDB, wanted: SegmentFilter, offset: int = 0, limit: int | None = None
) -> list[SegmentRow]:
    """The matching codings from ``offset`` on (``limit`` of them, or all), in order."""
    params = _params(pdb, wanted) | {"offset": max(0, offset), "limit": -1 if limit is None else limit}
    sql = f"WITH RECURSIVE {_TREE}, {_CURRENT} SELECT g.id{_MATCHING}{_ORDER} LIMIT :limit OFFSET :offset"
    ids = [int(r[0]) for r in pdb.db.execute(sql, params)]
    by_id: dict[int, SegmentRow] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        rows = pdb.db.execute(
            'SELECT g.id, g.source_id, g.start, g."end", c.key, k.name, g.memo,'
            " (SELECT t.speaker FROM turns t WHERE t.source_id = g.source_id AND t.start <= g.start"
            "  ORDER BY t.start DESC LIMIT 1)"
            " FROM codings g JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id"
            f" WHERE g.id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        by_id.update((int(r[0]), SegmentRow(*r)) for r in rows)
    return [by_id[i] for i in ids]
