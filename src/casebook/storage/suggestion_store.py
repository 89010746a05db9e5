"""Suggestions, suggestion runs and the learnt model (schema: migration 0008)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from casebook.model.suggestions import SUGGESTER, Origin, Status, Suggestion
from casebook.storage import source_store
from casebook.storage.coding_store import coder_id
from casebook.storage.connection import ProjectDB, utc_now

_SELECT = (
    'SELECT s.id, s.source_id, src.name, s.start, s."end", c.key, s.score, s.origin, s.evidence,'
    " s.status, coalesce(d.name, ''), s.coding_id"
    " FROM suggestions s JOIN codes c ON c.id = s.code_id JOIN sources src ON src.id = s.source_id"
    " LEFT JOIN coders d ON d.id = s.decided_by"
)


def _suggestion(row: Any, text: str) -> Suggestion:
    return Suggestion(
        id=row[0],
        source_id=row[1],
        source=row[2],
        start=row[3],
        end=row[4],
        code=row[5],
        score=row[6],
        origin=Origin(row[7]),
        evidence=tuple(json.loads(row[8])),
        status=Status(row[9]),
        decided_by=row[10],
        coding_id=row[11],
        text=text[row[3] : row[4]],
    )


def suggester_id(pdb: ProjectDB) -> int:
    """Row id of the pseudo-coder that owns suggestions."""
    return coder_id(pdb, SUGGESTER)


def list_suggestions(
    pdb: ProjectDB,
    source_id: int | None = None,
    status: Status | None = Status.OPEN,
    ids: Sequence[int] | None = None,
) -> list[Suggestion]:
    """Suggestions in source order, optionally of one source, status or id list."""
    return list(iter_suggestions(pdb, source_id, status, ids))


def iter_suggestions(
    pdb: ProjectDB,
    source_id: int | None = None,
    status: Status | None = Status.OPEN,
    ids: Sequence[int] | None = None,
) -> Iterator[Suggestion]:
    """``list_suggestions`` one at a time, each source's text read once (a whole study's
    hundreds of thousands are never held at once)."""
    where: list[str] = []
    params: list[object] = []
    if source_id is not None:
        where.append("s.source_id = ?")
        params.append(source_id)
    if status is not None:
        where.append("s.status = ?")
        params.append(str(status))
    if ids is not None:
        where.append(f"s.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    rows = pdb.db.execute(sql + ' ORDER BY s.source_id, s.start, s."end", s.score DESC, c.key', params)
    text, text_of = "", -1
    while batch := rows.fetchmany(2000):
        for row in batch:
            if row[1] != text_of:
                text_of = row[1]
                text = source_store.source_text(pdb, text_of)
            yield _suggestion(row, text)


def counts_by_status(pdb: ProjectDB) -> dict[str, int]:
    """How many suggestions are open, accepted and rejected."""
    rows = pdb.db.execute("SELECT status, count(*) FROM suggestions GROUP BY status").fetchall()
    return {str(status): int(n) for status, n in rows}


def run_fingerprint(pdb: ProjectDB, source_id: int) -> str | None:
    """What the last suggestion run over a source was based on."""
    row = pdb.db.execute(
        "SELECT fingerprint FROM suggestion_runs WHERE source_id = ?", [source_id]
    ).fetchone()
    return str(row[0]) if row else None


def replace_open(
    pdb: ProjectDB,
    source_id: int,
    rows: Sequence[tuple[int, int, int, float, str, list[str]]],
    fingerprint: str,
) -> int:
    """Replace a source's open suggestions by ``rows`` (start, end, code id, score,
    origin, evidence) and record the run; a span and code decided before stays as it
    was. Returns how many suggestions are open for the source now."""
    who, now = suggester_id(pdb), utc_now()
    pdb.db.execute("DELETE FROM suggestions WHERE source_id = ? AND status = 'open'", [source_id])
    pdb.db.conn.executemany(
        'INSERT OR IGNORE INTO suggestions (source_id, start, "end", code_id, coder_id, score, origin,'
        " evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (source_id, a, b, code, who, score, origin, json.dumps(ev, ensure_ascii=False), now)
            for a, b, code, score, origin, ev in rows
        ],
    )
    pdb.db.execute(
        "INSERT INTO suggestion_runs (source_id, fingerprint, run_at) VALUES (?, ?, ?)"
        " ON CONFLICT (source_id) DO UPDATE SET fingerprint = excluded.fingerprint, run_at = excluded.run_at",
        [source_id, fingerprint, now],
    )
    row = pdb.db.execute(
        "SELECT count(*) FROM suggestions WHERE source_id = ? AND status = 'open'", [source_id]
    )
    return int(row.fetchone()[0])


def rejected_spans(pdb: ProjectDB, source_id: int) -> list[tuple[int, int, str]]:
    """Spans and codes rejected in a source (never proposed again)."""
    rows = pdb.db.execute(
        'SELECT s.start, s."end", c.key FROM suggestions s JOIN codes c ON c.id = s.code_id'
        " WHERE s.source_id = ? AND s.status = 'rejected'",
        [source_id],
    )
    return [(int(a), int(b), str(k)) for a, b, k in rows.fetchall()]


def coded_spans(
    pdb: ProjectDB, source_id: int | None = None, coder: str | None = None
) -> dict[int, list[tuple[int, int, str]]]:
    """Human codings per source as (start, end, code key): of one source or coder, or all."""
    where = ["k.name != ?"]
    params: list[object] = [SUGGESTER]
    if source_id is not None:
        where.append("g.source_id = ?")
        params.append(source_id)
    if coder is not None:
        where.append("k.name = ?")
        params.append(coder)
    rows = pdb.db.execute(
        'SELECT g.source_id, g.start, g."end", c.key FROM codings g JOIN codes c ON c.id = g.code_id'
        " JOIN coders k ON k.id = g.coder_id WHERE " + " AND ".join(where) + " ORDER BY g.source_id, g.start",
        params,
    )
    found: dict[int, list[tuple[int, int, str]]] = {}
    for source, start, end, key in rows.fetchall():
        found.setdefault(int(source), []).append((int(start), int(end), str(key)))
    return found


def codings_stamp(pdb: ProjectDB) -> str:
    """A short fingerprint of all human codings and the codebook, for knowing when the
    model must learn again."""
    row = pdb.db.execute(
        "SELECT count(*), coalesce(max(g.id), 0),"
        ' coalesce(sum(g.start * 7 + g."end" * 13 + g.code_id * 31), 0)'
        " FROM codings g JOIN coders k ON k.id = g.coder_id WHERE k.name != ?",
        [SUGGESTER],
    ).fetchone()
    codebook = pdb.db.execute("SELECT coalesce(max(id), 0) FROM codebook_events").fetchone()[0]
    return f"{row[0]}.{row[1]}.{row[2]}.{codebook}"


def mark(
    pdb: ProjectDB, suggestion_id: int, status: Status, coder: str, coding_id: int | None = None
) -> None:
    """Record a coder's decision on an open suggestion."""
    pdb.db.execute(
        "UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ?, coding_id = ? WHERE id = ?",
        [str(status), coder_id(pdb, coder), utc_now(), coding_id, suggestion_id],
    )


def reopen(pdb: ProjectDB, suggestion_id: int) -> None:
    """Make a decided suggestion open again (its decision undone)."""
    pdb.db.execute(
        "UPDATE suggestions SET status = 'open', decided_by = NULL, decided_at = NULL, coding_id = NULL"
        " WHERE id = ?",
        [suggestion_id],
    )


def origins(pdb: ProjectDB, coding_ids: Sequence[int]) -> dict[int, int]:
    """The suggestion each of these codings came from, where one did."""
    wanted = set(coding_ids)
    if not wanted:
        return {}
    rows = pdb.db.execute("SELECT coding_id, id FROM suggestions WHERE coding_id IS NOT NULL")
    return {int(c): int(s) for c, s in rows.fetchall() if c in wanted}


def load_model(pdb: ProjectDB) -> tuple[str, bytes, int, int] | None:
    """The stored model: its fingerprint, bytes, and how many passages and codings it learnt from."""
    row = pdb.db.execute(
        "SELECT fingerprint, model, passages, codings FROM suggester_models WHERE id = 1"
    ).fetchone()
    return (str(row[0]), bytes(row[1]), int(row[2]), int(row[3])) if row else None


def save_model(pdb: ProjectDB, fingerprint: str, model: bytes, passages: int, codings: int) -> None:
    """Keep the learnt model in the project, replacing the one before."""
    pdb.db.execute(
        "INSERT INTO suggester_models (id, fingerprint, trained_at, passages, codings, model)"
        " VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " trained_at = excluded.trained_at,"
        " passages = excluded.passages, codings = excluded.codings, model = excluded.model",
        [fingerprint, utc_now(), passages, codings, model],
    )
