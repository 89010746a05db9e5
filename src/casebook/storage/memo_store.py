"""Memos on the project, a case, a round, a source or a code (coding memos live on codings)."""

from __future__ import annotations

from casebook.storage.connection import ProjectDB, utc_now


def get_memo(pdb: ProjectDB, kind: str, target: int | None) -> str:
    """The memo text for a target ('' when there is none)."""
    row = pdb.db.execute(
        "SELECT text FROM memos WHERE target_kind = ? AND target_id IS ? ORDER BY id DESC LIMIT 1",
        [kind, target],
    ).fetchone()
    return str(row[0]) if row else ""


def set_memo(pdb: ProjectDB, kind: str, target: int | None, text: str, author: int | None) -> None:
    """Create, replace or (with empty text) remove the memo of a target."""
    row = pdb.db.execute(
        "SELECT id FROM memos WHERE target_kind = ? AND target_id IS ? ORDER BY id DESC LIMIT 1",
        [kind, target],
    ).fetchone()
    if row and not text.strip():
        pdb.db.execute("DELETE FROM memos WHERE id = ?", [row[0]])
    elif row:
        pdb.db.execute(
            "UPDATE memos SET text = ?, updated_at = ?, author_id = ? WHERE id = ?",
            [text, utc_now(), author, row[0]],
        )
    elif text.strip():
        now = utc_now()
        pdb.db.execute(
            "INSERT INTO memos (target_kind, target_id, text, author_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [kind, target, text, author, now, now],
        )


def move_memo(pdb: ProjectDB, kind: str, from_id: int, to_id: int, heading: str) -> None:
    """Give the memo of ``from_id`` to ``to_id`` (on merge): appended under ``heading``."""
    moving = get_memo(pdb, kind, from_id)
    if not moving.strip():
        return
    kept = get_memo(pdb, kind, to_id)
    text = f"{kept}\n\n{heading}\n{moving}" if kept.strip() else moving
    row = pdb.db.execute(
        "SELECT author_id FROM memos WHERE target_kind = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
        [kind, from_id],
    ).fetchone()
    set_memo(pdb, kind, to_id, text, row[0] if row else None)
    pdb.db.execute("DELETE FROM memos WHERE target_kind = ? AND target_id = ?", [kind, from_id])


_TARGET_LABEL = (
    "CASE m.target_kind WHEN 'project' THEN ''"
    " WHEN 'case' THEN (SELECT key FROM cases WHERE id = m.target_id)"
    " WHEN 'round' THEN (SELECT key FROM rounds WHERE id = m.target_id)"
    " WHEN 'source' THEN (SELECT name || ' v' || version FROM sources WHERE id = m.target_id)"
    " WHEN 'code' THEN (SELECT key FROM codes WHERE id = m.target_id)"
    " WHEN 'coding' THEN (SELECT CAST(id AS TEXT) FROM codings WHERE id = m.target_id) END"
)


def list_memos(pdb: ProjectDB, kind: str | None = None) -> list[tuple[str, str | None, str, str, str, str]]:
    """(kind, target label, text, author, updated_at, guid) of every memo, and every coding
    memo, by target. A target that no longer exists has label None."""
    rows = pdb.db.execute(
        f"SELECT m.target_kind, {_TARGET_LABEL}, m.text, coalesce(k.name, ''), m.updated_at, m.guid"
        " FROM memos m LEFT JOIN coders k ON k.id = m.author_id WHERE ? IS NULL OR m.target_kind = ?"
        " UNION ALL SELECT 'coding', g.id || ' ' || c.key, g.memo, k.name, g.created_at, g.guid"
        " FROM codings g JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id"
        " WHERE g.memo != '' AND (? IS NULL OR ? = 'coding')"
        " ORDER BY 1, 2",
        [kind, kind, kind, kind],
    )
    return [(str(r[0]), r[1], str(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows]
