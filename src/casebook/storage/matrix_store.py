"""The reads behind matrices and co-occurrence: few, grouped, over covering indexes.

Counts come from one grouped pass over ``codings_code_coder`` (code, coder, source are its
leading columns, so no table row is read and no sort is needed); spans for the sweeps
come in (source, start) order from ``codings_one``, which also covers every column used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from casebook.model.attributes import AttributeScope, AttributeType
from casebook.storage.connection import ProjectDB

_CURRENT = "NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id)"
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class CodeNode:
    """A code as the tree needs it."""

    id: int
    key: str
    name: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class ScopedSource:
    """A current source version with its interview's case and round (None if it has none)."""

    id: int
    name: str
    case: str | None
    case_label: str
    kind: str | None
    round: str | None
    round_position: int | None


def code_nodes(pdb: ProjectDB) -> list[CodeNode]:
    """Every code, siblings by position (the caller walks the tree from ``parent_id``)."""
    rows = pdb.db.execute("SELECT id, key, name, parent_id FROM codes ORDER BY position, id")
    return [CodeNode(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


def current_sources(pdb: ProjectDB) -> list[ScopedSource]:
    """Current source versions with case and round, by case, round and name."""
    rows = pdb.db.execute(
        "SELECT s.id, s.name, c.key, coalesce(c.label, ''), c.kind, r.key, r.position"
        " FROM sources s LEFT JOIN interviews i ON i.source_id = s.id"
        " LEFT JOIN cases c ON c.id = i.case_id LEFT JOIN rounds r ON r.id = i.round_id"
        f" WHERE {_CURRENT} ORDER BY c.key IS NULL, c.key, r.position IS NULL, r.position, s.name, s.id"
    )
    return [ScopedSource(*r) for r in rows]


def coder_id(pdb: ProjectDB, name: str) -> int | None:
    """The row id of a coder, or None."""
    row = pdb.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
    return int(row[0]) if row else None


def coder_names(pdb: ProjectDB) -> list[str]:
    """Every coder's name."""
    return [str(r[0]) for r in pdb.db.execute("SELECT name FROM coders ORDER BY name")]


def counts_by_code_source(pdb: ProjectDB, coder: int | None) -> Iterator[tuple[int, int, int]]:
    """(code id, source id, codings) over every source version, one coder's or everyone's.

    One pass over the covering index ``codings_code_coder`` (the ``+`` keeps SQLite from
    trading it for ``codings_coder``, which would read every table row)."""
    rows = pdb.db.execute(
        "SELECT code_id, source_id, count(*) FROM codings"
        " WHERE ? IS NULL OR +coder_id = ? GROUP BY code_id, source_id",
        [coder, coder],
    )
    yield from rows


def spans(
    pdb: ProjectDB, coder: int | None, code_ids: Iterable[int] | None = None
) -> Iterator[tuple[int, int, int, int, int]]:
    """(coding id, source id, start, end, code id) in (source, start) order, optionally of
    one coder and some codes only."""
    params: list[int | None] = [coder, coder]
    codes = ""
    if code_ids is not None:
        chosen = sorted(set(code_ids))
        codes = f" AND code_id IN ({','.join('?' * len(chosen))})"
        params.extend(chosen)
    rows = pdb.db.execute(
        'SELECT id, source_id, start, "end", code_id FROM codings'
        f' WHERE (? IS NULL OR coder_id = ?){codes} ORDER BY source_id, start, "end", code_id, coder_id',
        params,
    )
    for r in rows:
        yield int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4])


def turns(pdb: ProjectDB, source_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """The speaker turns (start, end) of the given sources, in text order."""
    out: dict[int, list[tuple[int, int]]] = {}
    wanted = sorted(set(source_ids))
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first : first + _CHUNK]
        rows = pdb.db.execute(
            f'SELECT source_id, start, "end" FROM turns WHERE source_id IN ({",".join("?" * len(chunk))})'
            " ORDER BY source_id, start",
            chunk,
        )
        for source_id, start, end in rows:
            out.setdefault(int(source_id), []).append((int(start), int(end)))
    return out


def find_attribute(pdb: ProjectDB, name: str) -> list[tuple[AttributeScope, AttributeType]]:
    """Scope and type of every declared attribute called ``name`` (case scope first)."""
    rows = pdb.db.execute(
        "SELECT scope, type FROM attributes WHERE name = ?"
        " ORDER BY CASE scope WHEN 'case' THEN 0 WHEN 'source' THEN 1 ELSE 2 END",
        [name],
    )
    return [(AttributeScope(r[0]), AttributeType(r[1])) for r in rows]


def attribute_names(pdb: ProjectDB, scopes: Iterable[AttributeScope]) -> list[str]:
    """Names of the attributes declared in ``scopes``."""
    wanted = [s.value for s in scopes]
    rows = pdb.db.execute(
        f"SELECT DISTINCT name FROM attributes WHERE scope IN ({','.join('?' * len(wanted))}) ORDER BY name",
        wanted,
    )
    return [str(r[0]) for r in rows]


def attributes_naming_municipalities(pdb: ProjectDB) -> set[str]:
    """Case attributes with a value, on a case that is not a municipality, that is the key
    or label of a municipality case (``kommune = "K1"``, ``bosted = "Kommune 2"``)."""
    rows = pdb.db.execute(
        "SELECT DISTINCT a.name FROM attributes a JOIN attribute_values av ON av.attribute_id = a.id"
        " JOIN cases c ON c.id = av.entity_id AND c.kind != 'municipality'"
        " WHERE a.scope = 'case' AND EXISTS (SELECT 1 FROM cases m WHERE m.kind = 'municipality'"
        "  AND (lower(m.key) = lower(trim(av.value)) OR lower(m.label) = lower(trim(av.value))))"
    )
    return {str(r[0]) for r in rows}
