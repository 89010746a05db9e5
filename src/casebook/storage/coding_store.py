"""Codings (a code on a span of a source) and the coders who make them."""

from __future__ import annotations

from collections.abc import Sequence

from casebook.model.codes import Coding
from casebook.storage.connection import ProjectDB, utc_now

_CODING_SELECT = 'SELECT g.id, g.source_id, g.start, g."end", c.key, k.name, g.created_at, g.memo, g.guid'


def coder_id(pdb: ProjectDB, name: str) -> int:
    """Row id of the coder ``name``, creating the coder on first use."""
    row = pdb.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
    if row:
        return int(row[0])
    cur = pdb.db.execute("INSERT INTO coders (name, created_at) VALUES (?, ?)", [name, utc_now()])
    return int(cur.lastrowid or 0)


def insert_coding(
    pdb: ProjectDB, source_id: int, start: int, end: int, code_id: int, coder: int, memo: str = ""
) -> int:
    """Store one coding, stamped with the codebook revision in force (never into a damaged
    codings table: see ``ProjectDB.verify``)."""
    pdb.verify("codings")
    cur = pdb.db.execute(
        'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at, memo, revision)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM codebook_events))",
        [source_id, start, end, code_id, coder, utc_now(), memo],
    )
    return int(cur.lastrowid or 0)


def insert_codings(pdb: ProjectDB, rows: Sequence[tuple[int, int, int, int, str]], coder: int) -> None:
    """Store many codings by one coder, each row (source, start, end, code, memo), stamped like
    ``insert_coding``; one statement run for every row, inside the caller's transaction."""
    pdb.verify("codings")
    now = utc_now()
    pdb.db.conn.executemany(
        'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at, memo, revision)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM codebook_events))",
        [(source, start, end, code, coder, now, memo) for source, start, end, code, memo in rows],
    )


def find_coding(pdb: ProjectDB, source_id: int, start: int, end: int, code_id: int, coder: int) -> int | None:
    """The id of an identical coding, if one exists."""
    row = pdb.db.execute(
        'SELECT id FROM codings WHERE source_id = ? AND start = ? AND "end" = ? AND code_id = ?'
        " AND coder_id = ?",
        [source_id, start, end, code_id, coder],
    ).fetchone()
    return int(row[0]) if row else None


def delete_coding(pdb: ProjectDB, coding_id: int) -> None:
    """Remove one coding."""
    pdb.verify("codings")
    pdb.db.execute("DELETE FROM codings WHERE id = ?", [coding_id])


def list_codings(
    pdb: ProjectDB, source_id: int | None = None, code_id: int | None = None, coder: str | None = None
) -> list[Coding]:
    """Codings filtered by source, code and coder, in text order."""
    where, params = [], []
    for clause, value in (("g.source_id = ?", source_id), ("g.code_id = ?", code_id), ("k.name = ?", coder)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = (
        _CODING_SELECT + " FROM codings g"
        " JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY g.source_id, g.start, g.id"
    )
    return [Coding(*r) for r in pdb.db.execute(sql, params)]


def get_coding(pdb: ProjectDB, coding_id: int) -> Coding | None:
    """One coding by id."""
    row = pdb.db.execute(
        _CODING_SELECT + " FROM codings g"
        " JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id WHERE g.id = ?",
        [coding_id],
    ).fetchone()
    return Coding(*row) if row else None


def set_coding_memo(pdb: ProjectDB, coding_id: int, memo: str) -> None:
    """Replace the memo of one coding."""
    pdb.db.execute("UPDATE codings SET memo = ? WHERE id = ?", [memo, coding_id])
