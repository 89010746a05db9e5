"""Directions the researcher set per case, theme and pair of rounds, with their history.

Rows are only ever added: the latest row for a (case, theme, from, to) is the current
direction, the earlier ones are its history. A row whose ``direction`` is NULL withdraws
the direction (the suggestion shows again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casebook.model.changes import Direction, DirectionRecord
from casebook.storage.connection import ProjectDB, utc_now

_COLUMNS = (
    "d.id, d.guid, c.key, coalesce(k.key, d.theme), fr.key, tr.key, d.direction, d.reason,"
    " coalesce(w.name, ''), d.created_at, d.code_id IS NOT NULL"
)
_FROM = (
    " FROM directions d JOIN cases c ON c.id = d.case_id LEFT JOIN codes k ON k.id = d.code_id"
    " JOIN rounds fr ON fr.id = d.from_round_id JOIN rounds tr ON tr.id = d.to_round_id"
    " LEFT JOIN coders w ON w.id = d.coder_id"
)


def add_direction(
    pdb: ProjectDB,
    case_id: int,
    code_id: int,
    theme: str,
    rounds: tuple[int, int],
    direction: Direction | None,
    reason: str,
    coder_id: int | None,
    evidence: Iterable[str],
) -> str:
    """Record a direction (None: withdraw it) with the codings cited; returns its GUID."""
    cur = pdb.db.execute(
        "INSERT INTO directions (case_id, code_id, theme, from_round_id, to_round_id, direction,"
        " reason, coder_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            case_id,
            code_id,
            theme,
            rounds[0],
            rounds[1],
            direction.value if direction is not None else None,
            reason,
            coder_id,
            utc_now(),
        ],
    )
    direction_id = int(cur.lastrowid or 0)
    pdb.db.conn.executemany(
        "INSERT OR IGNORE INTO direction_evidence (direction_id, coding_guid) VALUES (?, ?)",
        [(direction_id, guid) for guid in evidence],
    )
    return str(pdb.db.execute("SELECT guid FROM directions WHERE id = ?", [direction_id]).fetchone()[0])


def _records(pdb: ProjectDB, rows: list[Any]) -> list[DirectionRecord]:
    ids = [int(r[0]) for r in rows]
    cited: dict[int, list[str]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        found = pdb.db.execute(
            "SELECT direction_id, coding_guid FROM direction_evidence"
            f" WHERE direction_id IN ({','.join('?' * len(chunk))}) ORDER BY rowid",
            chunk,
        )
        for direction_id, guid in found:
            cited.setdefault(int(direction_id), []).append(str(guid))
    return [
        DirectionRecord(
            guid=str(r[1]),
            case=str(r[2]),
            theme=str(r[3]),
            from_round=str(r[4]),
            to_round=str(r[5]),
            direction=Direction(r[6]) if r[6] is not None else None,
            reason=str(r[7]),
            evidence=tuple(cited.get(int(r[0]), ())),
            coder=str(r[8]),
            created_at=str(r[9]),
            code_exists=bool(r[10]),
        )
        for r in rows
    ]


def history(pdb: ProjectDB, case_id: int | None = None, code_id: int | None = None) -> list[DirectionRecord]:
    """Every direction ever set (of one case, of one theme), oldest first."""
    rows = pdb.db.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE (? IS NULL OR d.case_id = ?) AND (? IS NULL OR d.code_id = ?)"
        " ORDER BY d.id",
        [case_id, case_id, code_id, code_id],
    ).fetchall()
    return _records(pdb, rows)


def current(pdb: ProjectDB, case_id: int | None = None) -> list[DirectionRecord]:
    """The latest direction per case, theme and pair of rounds (withdrawn ones left out)."""
    rows = pdb.db.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE d.id IN (SELECT max(id) FROM directions"
        " WHERE ? IS NULL OR case_id = ?"
        " GROUP BY case_id, coalesce(code_id, -1), CASE WHEN code_id IS NULL THEN theme END,"
        " from_round_id, to_round_id) AND d.direction IS NOT NULL ORDER BY c.key, d.id",
        [case_id, case_id],
    ).fetchall()
    return _records(pdb, rows)


def codings_by_guid(
    pdb: ProjectDB, guids: Iterable[str]
) -> dict[str, tuple[str, int, int, int, str, str | None, str]]:
    """Codings cited as evidence: GUID → (source name, source id, start, end, code, round,
    case). GUIDs of codings that no longer exist are left out."""
    chosen = sorted(set(guids))
    out: dict[str, tuple[str, int, int, int, str, str | None, str]] = {}
    for first in range(0, len(chosen), 500):
        chunk = chosen[first : first + 500]
        rows = pdb.db.execute(
            "SELECT g.guid, s.name, s.id, g.start, g.\"end\", k.key, r.key, coalesce(c.key, '')"
            " FROM codings g JOIN sources s ON s.id = g.source_id JOIN codes k ON k.id = g.code_id"
            " LEFT JOIN interviews i ON i.source_id = s.id LEFT JOIN rounds r ON r.id = i.round_id"
            f" LEFT JOIN cases c ON c.id = i.case_id WHERE g.guid IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for r in rows:
            out[str(r[0])] = (str(r[1]), int(r[2]), int(r[3]), int(r[4]), str(r[5]), r[6], str(r[7]))
    return out
