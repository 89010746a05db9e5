"""Retrieval of coded segments in SQL: filters pushed down, pages in a stable order.

The order is case, round (in study order), source name, position, coding id. A page
costs one pass over the codings of the sources in scope (the covering index
``codings_one``, filtered by the code's subtree) plus the rows of the page; source texts
are read only for the sources a page touches.

What SQL cannot decide alone arrives worked out in a ``Narrowing`` (the queries layer
evaluates attribute conditions and code logic): sources, speakers and codings to keep.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casebook.errors import NotFound
from casebook.model.segments import SegmentFilter
from casebook.storage.connection import ProjectDB


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One coding as a page lists it, with the text it covers (``codings.excerpt``),
    with the speaker tag and person of the turn it starts in."""

    coding_id: int
    source_id: int
    start: int
    end: int
    code: str
    coder: str
    memo: str
    speaker: str | None
    participant: str | None = None
    participant_code: str | None = None
    role: str | None = None
    excerpt: str = ""


@dataclass(frozen=True, slots=True)
class SpanRow:
    """A coding's span and the turns (by position in the source) holding its first and last
    character, None when unknown or outside every turn."""

    coding_id: int
    source_id: int
    start: int
    end: int
    first_turn: int | None = None
    last_turn: int | None = None


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What the layers above worked out for a filter (None: no restriction).

    ``source_ids``: sources meeting the case and source attribute conditions.
    ``speaker_persons`` / ``speaker_tags``: persons and turn speaker tags that the
    filter's ``speaker`` names. ``person_rounds``: ``"person_id:round_id"`` pairs (round
    0: no round) meeting the person attribute conditions. ``coding_ids``: codings kept
    by code logic."""

    source_ids: frozenset[int] | None = None
    speaker_persons: frozenset[int] | None = None
    speaker_tags: frozenset[str] = frozenset()
    person_rounds: frozenset[str] | None = None
    coding_ids: frozenset[int] | None = None


_TREE = (
    "tree(id) AS (SELECT id FROM codes WHERE key = :code"
    " UNION ALL SELECT c.id FROM codes c JOIN tree t ON c.parent_id = t.id WHERE :children)"
)
_CURRENT = (
    "cur AS MATERIALIZED (SELECT s.id, s.name, s.version, coalesce(cs.key, '') AS case_key,"
    " coalesce(r.position, 0) AS round_position, coalesce(i.round_id, 0) AS round_id"
    " FROM sources s LEFT JOIN interviews i ON i.source_id = s.id"
    " LEFT JOIN cases cs ON cs.id = i.case_id LEFT JOIN rounds r ON r.id = i.round_id"
    " WHERE (:all_versions OR NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id))"
    " AND (:case IS NULL OR cs.key = :case) AND (:round IS NULL OR r.key = :round)"
    " AND (:kind IS NULL OR cs.kind = :kind) AND (:source_id IS NULL OR s.id = :source_id)"
    " AND (:sources IS NULL OR s.id IN (SELECT value FROM json_each(:sources))))"
)
_TURN_AT = (
    "(SELECT t.{column} FROM turns t WHERE t.source_id = g.source_id AND t.start <= {offset}"
    " ORDER BY t.start DESC LIMIT 1)"
)
_CHUNK = 500
_ORDER = " ORDER BY cur.case_key, cur.round_position, cur.name, cur.version, g.start, g.id"


def _ids(values: Iterable[int | str] | None) -> str | None:
    """A set as a JSON array for ``json_each`` (None stays None: no restriction)."""
    return None if values is None else json.dumps(sorted(values))


def _params(pdb: ProjectDB, wanted: SegmentFilter, narrowing: Narrowing) -> dict[str, Any]:
    if (
        wanted.code is not None
        and not pdb.db.execute("SELECT 1 FROM codes WHERE key = ?", [wanted.code]).fetchone()
    ):
        raise NotFound(f"no code {wanted.code!r} in the codebook", "list codes with: casebook codebook show")
    if (wanted.where and narrowing.source_ids is None and narrowing.person_rounds is None) or (
        wanted.speaker is not None and narrowing.speaker_persons is None
    ):
        raise ValueError("conditions and speakers are worked out by casebook.queries.segments")
    return {
        "code": wanted.code,
        "children": int(wanted.children),
        "case": wanted.case,
        "round": wanted.round,
        "kind": wanted.kind,
        "coder": wanted.coder,
        "source_id": wanted.source_id,
        "all_versions": int(wanted.all_versions),
        "sources": _ids(narrowing.source_ids),
        "speaker_persons": _ids(narrowing.speaker_persons),
        "speaker_tags": _ids(narrowing.speaker_tags),
        "person_rounds": _ids(narrowing.person_rounds),
        "coding_ids": _ids(narrowing.coding_ids),
    }


def _matching(wanted: SegmentFilter, narrowing: Narrowing) -> str:
    """FROM and WHERE of the codings that match (every value is a bound parameter)."""
    sql = " FROM codings g JOIN cur ON cur.id = g.source_id"
    if narrowing.speaker_persons is not None or narrowing.person_rounds is not None:
        sql += f" LEFT JOIN turns st ON st.id = {_TURN_AT.format(column='id', offset='g.start')}"
    sql += " WHERE 1"
    if wanted.code is not None:
        sql += " AND g.code_id IN tree"
    if wanted.coder is not None:
        sql += " AND g.coder_id = (SELECT id FROM coders WHERE name = :coder)"
    if narrowing.coding_ids is not None:
        sql += " AND g.id IN (SELECT value FROM json_each(:coding_ids))"
    if narrowing.speaker_persons is not None:
        sql += (
            " AND (st.person_id IN (SELECT value FROM json_each(:speaker_persons))"
            " OR st.speaker COLLATE NOCASE IN (SELECT value FROM json_each(:speaker_tags)))"
        )
    if narrowing.person_rounds is not None:
        sql += " AND (st.person_id || ':' || cur.round_id) IN (SELECT value FROM json_each(:person_rounds))"
    return sql


def coder_exists(pdb: ProjectDB, name: str) -> bool:
    """Is there a coder called ``name``?"""
    return pdb.db.execute("SELECT 1 FROM coders WHERE name = ?", [name]).fetchone() is not None


def _with(wanted: SegmentFilter) -> str:
    return f"WITH RECURSIVE {_TREE}, {_CURRENT}" if wanted.code is not None else f"WITH {_CURRENT}"


def count_segments(pdb: ProjectDB, wanted: SegmentFilter, narrowing: Narrowing | None = None) -> int:
    """How many segments match."""
    narrowing = narrowing or Narrowing()
    sql = f"{_with(wanted)} SELECT count(*){_matching(wanted, narrowing)}"
    return int(pdb.db.execute(sql, _params(pdb, wanted, narrowing)).fetchone()[0])


def segment_rows(
    pdb: ProjectDB,
    wanted: SegmentFilter,
    offset: int = 0,
    limit: int | None = None,
    narrowing: Narrowing | None = None,
) -> list[SegmentRow]:
    """The matching codings from ``offset`` on (``limit`` of them, or all), in order."""
    narrowing = narrowing or Narrowing()
    params = _params(pdb, wanted, narrowing) | {
        "offset": max(0, offset),
        "limit": -1 if limit is None else limit,
    }
    sql = f"{_with(wanted)} SELECT g.id{_matching(wanted, narrowing)}{_ORDER} LIMIT :limit OFFSET :offset"
    ids = [int(r[0]) for r in pdb.db.execute(sql, params)]
    by_id: dict[int, SegmentRow] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        rows = pdb.db.execute(
            'SELECT g.id, g.source_id, g.start, g."end", c.key, k.name, g.memo, st.speaker,'
            " coalesce(nullif(p.label, ''), p.code), p.code, nullif(p.role, ''), g.excerpt"
            " FROM codings g JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id"
            f" LEFT JOIN turns st ON st.id = {_TURN_AT.format(column='id', offset='g.start')}"
            " LEFT JOIN persons p ON p.id = st.person_id"
            f" WHERE g.id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        by_id.update((int(r[0]), SegmentRow(*r)) for r in rows)
    return [by_id[i] for i in ids]


def span_rows(
    pdb: ProjectDB, wanted: SegmentFilter, narrowing: Narrowing | None = None, with_turns: bool = False
) -> list[SpanRow]:
    """Spans of the matching codings sorted by (source, start), for code logic; with the
    turns of their first and last character when ``with_turns``."""
    narrowing = narrowing or Narrowing()
    first = _TURN_AT.format(column="seq", offset="g.start")
    last = _TURN_AT.format(column="seq", offset='g."end" - 1')
    turns = f", {first}, {last}" if with_turns else ""
    sql = (
        f'{_with(wanted)} SELECT g.id, g.source_id, g.start, g."end"{turns}'
        f"{_matching(wanted, narrowing)} ORDER BY g.source_id, g.start, g.id"
    )
    return [SpanRow(*r) for r in pdb.db.execute(sql, _params(pdb, wanted, narrowing))]
