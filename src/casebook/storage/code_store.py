"""Codes, the codebook's metadata and its audit trail in the project file.

Counts of codings everywhere (tree, segments, overview) cover the current version of each
source only; codings on superseded versions stay in the file, untouched."""

from __future__ import annotations

import json
from typing import Any

from casebook.errors import NotFound
from casebook.model.codes import Code, CodebookEvent, Distance, Valence
from casebook.model.names import nfc
from casebook.storage.connection import ProjectDB, utc_now

_CODE_COLUMNS = (
    "c.id, c.key, c.name, p.key, c.description, c.use_when, c.not_when, c.examples, c.color,"
    " c.distance, c.valence, c.signals, c.aliases, c.guid"
)


def coding_counts(pdb: ProjectDB) -> dict[tuple[int, int], int]:
    """Codings per (code id, coder id) on current source versions.

    One grouped pass over the ``codings_code_coder`` index (no table rows read), minus the
    codings on superseded versions, which are few and found through ``codings_span``.
    Kept until the data changes, so a screen that asks three times counts once."""
    kept: dict[tuple[int, int], int] | None = pdb.cached("coding_counts")
    if kept is not None:
        return dict(kept)
    counts: dict[tuple[int, int], int] = {}
    for code, coder, n in pdb.db.execute(
        "SELECT code_id, coder_id, count(*) FROM codings GROUP BY code_id, coder_id"
    ):
        counts[(int(code), int(coder))] = int(n)
    for code, coder, n in pdb.db.execute(
        "SELECT code_id, coder_id, count(*) FROM codings WHERE source_id IN"
        " (SELECT previous_id FROM sources WHERE previous_id IS NOT NULL) GROUP BY code_id, coder_id"
    ):
        counts[(int(code), int(coder))] -= int(n)
    found = {key: n for key, n in counts.items() if n}
    pdb.keep("coding_counts", found)
    return dict(found)


def _code(row: Any, codings: int) -> tuple[int, Code]:
    return int(row[0]), Code(
        key=row[1],
        name=row[2],
        parent=row[3],
        description=row[4],
        use_when=row[5],
        not_when=row[6],
        examples=tuple(json.loads(row[7])),
        color=row[8],
        distance=Distance(row[9]),
        valence=Valence(row[10]),
        signals=tuple(json.loads(row[11])),
        aliases=tuple(json.loads(row[12])),
        guid=row[13],
        codings=codings,
    )


def list_codes(pdb: ProjectDB) -> list[Code]:
    """All codes in tree order: each parent before its children, siblings by position."""
    rows = pdb.db.execute(
        f"SELECT {_CODE_COLUMNS}, c.parent_id, c.position FROM codes c"
        " LEFT JOIN codes p ON p.id = c.parent_id ORDER BY c.position, c.id"
    ).fetchall()
    per_code: dict[int, int] = {}
    for (code, _coder), n in coding_counts(pdb).items():
        per_code[code] = per_code.get(code, 0) + n
    children: dict[int | None, list[tuple[int, Code]]] = {}
    for row in rows:
        children.setdefault(row[14], []).append(_code(row, per_code.get(int(row[0]), 0)))
    ordered: list[Code] = []

    def walk(parent: int | None) -> None:
        for code_id, code in children.get(parent, []):
            ordered.append(code)
            walk(code_id)

    walk(None)
    return ordered


def counts_by_coder(pdb: ProjectDB, coder: str) -> dict[str, tuple[int, int]]:
    """Codings per code key on current source versions: (``coder``'s, other coders'), codes
    without codings left out. Counted by the same rule as ``Code.codings``."""
    me = pdb.db.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
    keys = dict(pdb.db.execute("SELECT id, key FROM codes").fetchall())
    out: dict[str, tuple[int, int]] = {}
    for (code, coder_id), n in coding_counts(pdb).items():
        mine, others = out.get(keys[code], (0, 0))
        out[keys[code]] = (mine + n, others) if me and coder_id == me[0] else (mine, others + n)
    return out


def code_usage(pdb: ProjectDB, coder: str | None = None) -> list[str]:
    """Code keys by how often they are used (by ``coder`` if given), most used first."""
    me = pdb.db.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone() if coder else None
    if coder and not me:
        return []
    keys = dict(pdb.db.execute("SELECT id, key FROM codes").fetchall())
    used: dict[str, int] = {}
    for (code, coder_id), n in coding_counts(pdb).items():
        if me is None or coder_id == me[0]:
            used[keys[code]] = used.get(keys[code], 0) + n
    return sorted(used, key=lambda key: (-used[key], key))


def code_id(pdb: ProjectDB, key: str) -> int:
    """Row id of the code ``key`` (or of the code with that alias), or NotFound."""
    row = pdb.db.execute("SELECT id FROM codes WHERE key = ?", [nfc(key)]).fetchone()
    if row is None:
        raise NotFound(f"no code {key!r} in the codebook", "list codes with: casebook codebook show")
    return int(row[0])


def find_by_guid(pdb: ProjectDB, guid: str) -> str | None:
    """The key of the code with this REFI-QDA GUID, if any."""
    row = pdb.db.execute("SELECT key FROM codes WHERE lower(guid) = lower(?)", [guid]).fetchone()
    return str(row[0]) if row else None


def _values(code: Code) -> list[Any]:
    return [
        code.name,
        code.description,
        code.use_when,
        code.not_when,
        json.dumps(list(code.examples), ensure_ascii=False),
        code.color,
        code.distance.value,
        code.valence.value,
        json.dumps(list(code.signals), ensure_ascii=False),
        json.dumps(list(code.aliases), ensure_ascii=False),
    ]


_FIELDS = "name, description, use_when, not_when, examples, color, distance, valence, signals, aliases"


def insert_code(pdb: ProjectDB, code: Code, parent_id: int | None, position: int) -> int:
    """Add a code (its GUID must be set)."""
    cur = pdb.db.execute(
        f"INSERT INTO codes (key, parent_id, position, guid, created_at, {_FIELDS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [code.key, parent_id, position, code.guid, utc_now(), *_values(code)],
    )
    return int(cur.lastrowid or 0)


def update_code(pdb: ProjectDB, row_id: int, code: Code) -> None:
    """Replace a code's descriptive fields (not its key, parent or GUID)."""
    sets = ", ".join(f"{name.strip()} = ?" for name in _FIELDS.split(","))
    pdb.db.execute(f"UPDATE codes SET {sets} WHERE id = ?", [*_values(code), row_id])


def set_parent(pdb: ProjectDB, row_id: int, parent_id: int | None, position: int) -> None:
    """Move a code under ``parent_id`` (None: make it a root) at ``position``."""
    pdb.db.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?", [parent_id, position, row_id])


def next_position(pdb: ProjectDB, parent_id: int | None) -> int:
    """Position after the last child of ``parent_id``."""
    row = pdb.db.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM codes WHERE parent_id IS ?", [parent_id]
    ).fetchone()
    return int(row[0])


def children_ids(pdb: ProjectDB, row_id: int) -> list[int]:
    """Direct children of a code."""
    return [int(r[0]) for r in pdb.db.execute("SELECT id FROM codes WHERE parent_id = ?", [row_id])]


def ancestors(pdb: ProjectDB, row_id: int) -> list[int]:
    """Row ids from the code's parent up to its root."""
    rows = pdb.db.execute(
        "WITH RECURSIVE up(id) AS (SELECT parent_id FROM codes WHERE id = ?"
        " UNION ALL SELECT c.parent_id FROM codes c JOIN up ON c.id = up.id WHERE c.parent_id IS NOT NULL)"
        " SELECT id FROM up WHERE id IS NOT NULL",
        [row_id],
    )
    return [int(r[0]) for r in rows]


def delete_code(pdb: ProjectDB, row_id: int) -> None:
    """Remove a code that has no codings and no children."""
    pdb.db.execute("DELETE FROM codes WHERE id = ?", [row_id])


def coding_count(pdb: ProjectDB, row_id: int) -> int:
    """Codings that use the code."""
    return int(pdb.db.execute("SELECT count(*) FROM codings WHERE code_id = ?", [row_id]).fetchone()[0])


def move_codings(pdb: ProjectDB, from_id: int, to_id: int, coding_ids: list[int] | None = None) -> int:
    """Re-point codings to another code. A coding whose twin (same span and coder) already
    has the target code folds into that twin: its memo is appended, nothing is lost."""
    chosen = ""
    params: list[int] = [from_id]
    if coding_ids is not None:
        chosen = " AND {a}id IN (" + ",".join("?" * len(coding_ids)) + ")"
        params.extend(coding_ids)
    twins = pdb.db.execute(
        "SELECT g.id, t.id, g.memo FROM codings g"
        " JOIN codings t ON t.code_id = ? AND t.source_id = g.source_id"
        ' AND t.start = g.start AND t."end" = g."end" AND t.coder_id = g.coder_id'
        " WHERE g.code_id = ?" + chosen.format(a="g."),
        [to_id, *params],
    ).fetchall()
    for moving, twin, memo in twins:
        if memo:
            pdb.db.execute(
                "UPDATE codings SET memo = CASE WHEN memo = '' THEN ? ELSE memo || char(10) || ? END"
                " WHERE id = ?",
                [memo, memo, twin],
            )
        pdb.db.execute(
            "UPDATE memos SET target_id = ? WHERE target_kind = 'coding' AND target_id = ?", [twin, moving]
        )
        pdb.db.execute("DELETE FROM codings WHERE id = ?", [moving])
    update = "UPDATE codings SET code_id = ? WHERE code_id = ?" + chosen.format(a="")
    cur = pdb.db.execute(update, [to_id, *params])
    return int(cur.rowcount) + len(twins)


def descendant_keys(pdb: ProjectDB, key: str) -> list[str]:
    """The code and every code below it, from ``parent_id`` (never from key prefixes)."""
    rows = pdb.db.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT c.id FROM codes c JOIN down ON c.parent_id = down.id)"
        " SELECT c.key FROM down JOIN codes c ON c.id = down.id",
        [code_id(pdb, key)],
    )
    return [str(r[0]) for r in rows]


def coding_ids_of(pdb: ProjectDB, row_id: int) -> set[int]:
    """Ids of the codings that use a code."""
    return {int(r[0]) for r in pdb.db.execute("SELECT id FROM codings WHERE code_id = ?", [row_id])}


def delete_codings_of(pdb: ProjectDB, row_id: int) -> int:
    """Delete every coding of a code (only after the researcher confirmed)."""
    return int(pdb.db.execute("DELETE FROM codings WHERE code_id = ?", [row_id]).rowcount)


def get_meta(pdb: ProjectDB) -> dict[str, str]:
    """Codebook name, version, language and description."""
    rows = pdb.db.execute("SELECT key, value FROM project_meta WHERE key LIKE 'codebook.%'")
    return {str(k).removeprefix("codebook."): str(v) for k, v in rows}


def set_meta(pdb: ProjectDB, values: dict[str, str]) -> None:
    """Store codebook metadata."""
    pdb.db.conn.executemany(
        "INSERT INTO project_meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(f"codebook.{k}", v) for k, v in values.items()],
    )


def record_event(pdb: ProjectDB, coder: str, action: str, key: str, details: dict[str, Any]) -> int:
    """Append to the codebook's audit trail; returns the new revision number."""
    cur = pdb.db.execute(
        "INSERT INTO codebook_events (at, coder, action, code_key, details) VALUES (?, ?, ?, ?, ?)",
        [utc_now(), coder, action, key, json.dumps(details, ensure_ascii=False, sort_keys=True)],
    )
    return int(cur.lastrowid or 0)


def list_events(pdb: ProjectDB) -> list[CodebookEvent]:
    """The audit trail, oldest first."""
    rows = pdb.db.execute("SELECT id, at, coder, action, code_key, details FROM codebook_events ORDER BY id")
    return [CodebookEvent(*r) for r in rows]
