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
