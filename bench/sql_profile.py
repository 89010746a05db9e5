"""What SQL an operation runs: how many statements, which repeat, and where SQLite scans.

The statements are caught with ``sqlite3``'s trace callback on the project connection
(so they are exactly what the storage layer sent, parameters filled in), then each
distinct SELECT is explained with ``EXPLAIN QUERY PLAN``. A hundred look-ups of one
row (N+1) or a ``SCAN`` of the codings table are the usual pointers to a slow screen.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import Any

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
BIG = 1_000
"""Scans of tables with at least this many rows are reported; small tables are cheap."""


def template(sql: str) -> str:
    """The statement with its literals replaced by ``?`` (to count repeats)."""
    return " ".join(_LITERALS.sub("?", sql).split())


def profile(conn: sqlite3.Connection, operation: Callable[[], object]) -> dict[str, Any]:
    """Run ``operation`` once and describe the SQL it sent."""
    sent: list[str] = []
    conn.set_trace_callback(sent.append)
    try:
        operation()
    finally:
        conn.set_trace_callback(None)
    counts = Counter(template(sql) for sql in sent)
    examples: dict[str, str] = {}
    for sql in sent:
        examples.setdefault(template(sql), sql)
    notable: set[str] = set()
    for shape, sql in examples.items():
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            notable.update(f"{line} ← {shape[:90]}" for line in big_scans(conn, sql))
    repeated, times = counts.most_common(1)[0] if counts else ("", 0)
    return {
        "statements": len(sent),
        "distinct": len(counts),
        "most_repeated": {"sql": repeated[:160], "times": times},
        "scans": sorted(notable),
    }


def big_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The plan's full scans of tables with ``BIG`` rows or more, named with their size."""
    aliases = {alias or table: table for table, alias in _TABLES.findall(sql)}
    found = []
    for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
        detail = str(row[3])
        if not detail.startswith("SCAN "):
            continue
        table = aliases.get(detail.split()[1], detail.split()[1])
        try:
            rows = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        except sqlite3.Error:  # a CTE or a subquery, not a table
            continue
        if rows >= BIG:
            found.append(f"{detail} [{table}: {rows:,} rows]")
    return found
