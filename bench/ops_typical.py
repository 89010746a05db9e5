"""The typical-QDA-tool way, timed in the same run on the same data, against ours.

The typical way is modelled on how QualCoder-like desktop tools store and query a
project (it models the pattern; it is not their code). The study is copied, through
casebook's services, into a temporary SQLite file shaped like QualCoder's tables:
``source(id, name, fulltext)``, ``code_name(cid, name)`` and ``code_text(ctid, cid, fid,
pos0, pos1, owner)`` with only its ``UNIQUE(cid, fid, pos0, pos1, owner)`` index, so a
look-up by file (``fid``) scans the table. The operations then work the way such tools
do: a query per file, the filtering and the overlap tests in Python loops. Each
comparison also checks that both ways found the same answer.
"""

from __future__ import annotations

import bisect
import sqlite3
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.services import coding, retrieval, workbench
from casebook.services.project import Project
from measure import Result, timed
from ops_service import SEARCH_WORD, Targets

SCHEMA = """
CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT, fulltext TEXT, UNIQUE(name));
CREATE TABLE code_name (cid INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE code_text (ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER, pos0 INTEGER,
    pos1 INTEGER, owner TEXT, memo TEXT, UNIQUE(cid, fid, pos0, pos1, owner));
"""


@dataclass(frozen=True)
class Comparison:
    """One operation done both ways; ``answer`` reduces our result to theirs (a count)."""

    id: str
    label: str
    how: str
    ours: Callable[[], Any]
    theirs: Callable[[], int]
    answer: Callable[[Any], int | None] = lambda count: int(count)


def build_typical(project: Project, path: Path) -> sqlite3.Connection:
    """The study as a QualCoder-shaped database at ``path`` (written once, not timed)."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    codes = {c.key: i for i, c in enumerate(workbench.codebook(project), 1)}
    db.executemany("INSERT INTO code_name VALUES (?, ?)", [(i, key) for key, i in codes.items()])
    sources = project.sources()
    db.executemany(
        "INSERT INTO source VALUES (?, ?, ?)", [(s.id, s.name, project.source_text(s)) for s in sources]
    )
    current = {s.id for s in sources}
    db.executemany(
        "INSERT INTO code_text (cid, fid, pos0, pos1, owner, memo) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (codes[c.code], c.source_id, c.start, c.end, c.coder, c.memo)
            for c in coding.codings(project)
            if c.source_id in current
        ],
    )
    db.commit()
    return db


def theirs_open(db: sqlite3.Connection, fid: int) -> int:
    """A file's text, then its codings: ``WHERE fid = ?`` scans code_text (no index on fid)."""
    names = dict(db.execute("SELECT cid, name FROM code_name"))
    text = db.execute("SELECT fulltext FROM source WHERE id = ?", [fid]).fetchone()[0]
    rows = db.execute("SELECT ctid, cid, pos0, pos1, owner, memo FROM code_text WHERE fid = ?", [fid])
    codings = [(ctid, names[cid], text[p0:p1], owner) for ctid, cid, p0, p1, owner, _ in rows]
    return len(codings)


def theirs_segments(db: sqlite3.Connection, code: str) -> int:
    """Every file's text and every coding into Python, then a loop that keeps the code's."""
    (cid,) = db.execute("SELECT cid FROM code_name WHERE name = ?", [code]).fetchone()
    texts = dict(db.execute("SELECT id, fulltext FROM source"))
    found = []
    for _, row_cid, fid, pos0, pos1, owner in db.execute(
        "SELECT ctid, cid, fid, pos0, pos1, owner FROM code_text"
    ):
        if row_cid == cid:
            found.append((fid, pos0, owner, texts[fid][pos0:pos1]))
    found.sort()
    return len(found)


def theirs_cooccurrence(db: sqlite3.Connection, first: str, second: str) -> int:
    """Overlapping pairs of two codes: per file, every coding of one against every one of the other."""
    per_file: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = defaultdict(lambda: ([], []))
    for side, code in enumerate((first, second)):
        rows = db.execute(
            "SELECT t.fid, t.pos0, t.pos1 FROM code_text t"
            " JOIN code_name n ON n.cid = t.cid WHERE n.name = ?",
            [code],
        )
        for fid, pos0, pos1 in rows:
            per_file[fid][side].append((pos0, pos1))
    pairs = 0
    for ones, others in per_file.values():
        for a0, a1 in ones:
            for b0, b1 in others:
                if a0 < b1 and b0 < a1:
                    pairs += 1
    return pairs


def theirs_coverage(db: sqlite3.Connection) -> int:
    """Coded characters per file: a query per file (each a scan of code_text), a union in Python."""
    covered = 0
    for fid, chars in db.execute("SELECT id, length(fulltext) FROM source").fetchall():
        spans = sorted(db.execute("SELECT pos0, pos1 FROM code_text WHERE fid = ?", [fid]))
        reach = total = 0
        for start, end in spans:
            if end > reach:
                total += end - max(start, reach)
                reach = end
        covered += min(chars, total)
    return covered


def theirs_search(db: sqlite3.Connection, word: str) -> int:
    """Every file's text, lower-cased, searched with ``str.find`` in a loop."""
    hits = 0
    for (text,) in db.execute("SELECT fulltext FROM source"):
        haystack, at = text.lower(), 0
        while (at := haystack.find(word, at)) >= 0:
            hits += 1
            at += len(word)
    return hits


def ours_cooccurrence(project: Project, first: str, second: str) -> int:
    """Overlapping pairs from the codings service: two indexed queries, a sorted count per source.
    (``services.analysis.cooccurrence`` counts merged passages, not pairs of codings.)"""
    others: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for c in coding.codings(project, code=second):
        others[c.source_id][0].append(c.start)
        others[c.source_id][1].append(c.end)
    for starts, ends in others.values():
        starts.sort()
        ends.sort()
    pairs = 0
    for c in coding.codings(project, code=first):
        if c.source_id in others:
            starts, ends = others[c.source_id]
            pairs += bisect.bisect_left(starts, c.end) - bisect.bisect_right(ends, c.start)
    return pairs


def ours_search(project: Project, word: str) -> int:
    """The study-wide search service (FTS5 over speaker turns, with other word forms): the
    count of matching turns and the first page of 50 hits, as ``casebook search --forms``."""
    return retrieval.search(project, word, forms=True, limit=50).total


def _covered(grid: Any) -> int:
    """Coded characters over every cell of the study grid."""
    return sum(s.coded_chars for sources in grid.cells.values() for s in sources)


def comparisons(project: Project, db: sqlite3.Connection, t: Targets) -> list[Comparison]:
    """The operations both ways; ``answer`` makes ours comparable with theirs (a count)."""
    return [
        Comparison(
            "typical.open_source",
            f"open the most-coded transcript ({t.source_codings:,} codings)",
            "its text by id, then `WHERE fid = ?` on code_text: a scan (no index on fid)",
            lambda: workbench.open_source(project, t.source_id),
            lambda: theirs_open(db, t.source_id),
            lambda view: len(view.codings),
        ),
        Comparison(
            "typical.segments",
            f"segments of {t.code} ({t.code_codings:,})",
            "every file's text and every coding loaded, filtered by code in a Python loop",
            lambda: workbench.code_segments(project, t.code),
            lambda: theirs_segments(db, t.code),
            len,
        ),
        Comparison(
            "typical.cooccurrence",
            f"co-occurrence of {t.code} and {t.second_code} (overlapping pairs)",
            "per file, every coding of one code tested against every coding of the other",
            lambda: ours_cooccurrence(project, t.code, t.second_code),
            lambda: theirs_cooccurrence(db, t.code, t.second_code),
        ),
        Comparison(
            "typical.coverage",
            "coverage of every transcript (coded characters)",
            "a loop over files, a `WHERE fid = ?` scan each, the union in Python",
            lambda: workbench.grid(project),
            lambda: theirs_coverage(db),
            _covered,
        ),
        Comparison(
            "typical.search",
            f"search every transcript for {SEARCH_WORD!r} (ours also finds other word forms)",
            "every file's text lower-cased and scanned with `str.find`",
            lambda: ours_search(project, SEARCH_WORD),
            lambda: theirs_search(db, SEARCH_WORD),
            lambda hits: None,
        ),
    ]


def measure_typical(
    project: Project, t: Targets, repeats: int, scratch: Path
) -> tuple[list[Result], list[dict[str, Any]], str]:
    """Each comparison timed both ways: the typical way's results, the ratio table, and
    SQLite's plan for a look-up by file in the typical tables."""
    db = build_typical(project, scratch / "typical.db")
    results, table = [], []
    try:
        plan = "; ".join(
            r[3] for r in db.execute("EXPLAIN QUERY PLAN SELECT pos0 FROM code_text WHERE fid = 1")
        )
        for c in comparisons(project, db, t):
            ours, theirs = timed(c.ours, repeats), timed(c.theirs, repeats)
            ours_answer = c.answer(c.ours())
            results.append(Result(c.id, c.label, theirs, note=c.how))
            ours_ms, theirs_ms = statistics.median(ours), statistics.median(theirs)
            table.append(
                {
                    "id": c.id,
                    "label": c.label,
                    "how": c.how,
                    "ours_ms": round(ours_ms, 3),
                    "typical_ms": round(theirs_ms, 3),
                    "ratio": float(f"{theirs_ms / ours_ms:.3g}"),
                    "same_answer": None if ours_answer is None else ours_answer == c.theirs(),
                }
            )
    finally:
        db.close()
    return results, table, plan
