"""How much of each source is coded, and by whom: cached per source in ``coverage``.

A trigger drops a source's row whenever one of its codings is added, removed or moved,
so a cached row is always right; missing rows are computed from the codings and stored
again when the file can be written without waiting (a read never blocks on a writer).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from casebook.errors import ProjectError
from casebook.storage.connection import ProjectDB

Cover = tuple[int, tuple[int, ...]]
"""Characters covered by at least one coding, and the ids of the coders who coded there."""


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by at least one of ``spans``."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def coverage(pdb: ProjectDB, source_ids: list[int]) -> dict[int, Cover]:
    """The cover of each of ``source_ids``: from the cache, the rest computed (and cached)."""
    found: dict[int, Cover] = {}
    for source_id, coded, coders in pdb.db.execute("SELECT source_id, coded_chars, coder_ids FROM coverage"):
        found[int(source_id)] = (int(coded), tuple(int(c) for c in str(coders).split(",") if c))
    missing = [s for s in source_ids if s not in found]
    if missing:
        computed = _compute(pdb, missing)
        _remember(pdb, computed)
        found.update(computed)
    return {s: found[s] for s in source_ids}


def _compute(pdb: ProjectDB, source_ids: list[int]) -> dict[int, Cover]:
    spans: dict[int, list[tuple[int, int]]] = {s: [] for s in source_ids}
    coders: dict[int, set[int]] = {s: set() for s in source_ids}
    wanted = set(source_ids)
    if len(source_ids) > 50:  # most of the study: one pass over the covering index
        rows = pdb.db.execute('SELECT source_id, start, "end", coder_id FROM codings')
    else:
        marks = ",".join("?" * len(source_ids))
        rows = pdb.db.execute(
            f'SELECT source_id, start, "end", coder_id FROM codings WHERE source_id IN ({marks})', source_ids
        )
    for source_id, start, end, coder in rows:
        if source_id in wanted:
            spans[source_id].append((start, end))
            coders[source_id].add(coder)
    return {s: (union_length(spans[s]), tuple(sorted(coders[s]))) for s in source_ids}


def _remember(pdb: ProjectDB, computed: dict[int, Cover]) -> None:
    """Store computed covers if that costs no wait; the cache is only a cache."""
    conn = pdb.db.conn
    if pdb.readonly or conn.in_transaction:
        return
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        with pdb.atomic():
            conn.executemany(
                "INSERT OR REPLACE INTO coverage (source_id, coded_chars, coder_ids) VALUES (?, ?, ?)",
                [(s, coded, ",".join(map(str, ids))) for s, (coded, ids) in computed.items()],
            )
    except (ProjectError, sqlite3.Error):
        pass  # busy, read-only or full: the figures were computed and are shown all the same
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def coder_names(pdb: ProjectDB) -> dict[int, str]:
    """Every coder's name by id."""
    return {int(i): str(n) for i, n in pdb.db.execute("SELECT id, name FROM coders")}
