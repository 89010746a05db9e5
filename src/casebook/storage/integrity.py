"""Integrity checks behind ``casebook check``: schema, foreign keys, spans, hashes."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from casebook.storage.connection import ProjectDB, pending_migrations


@dataclass
class CheckReport:
    """What ``check`` looked at and every problem it found."""

    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: told how far the checks have come (for a progress bar)."""


def _ignore(phase: str, done: int, total: int) -> None:
    """The progress callback when nobody is watching."""


def run_checks(pdb: ProjectDB, progress: Progress | None = None, thorough: bool = False) -> CheckReport:
    """Run every check; never modifies the project. Damage is reported, not raised.

    SQLite's ``quick_check`` finds damaged pages and records; ``thorough`` runs the full
    ``integrity_check``, which also compares every index with its table (slower: 0.7 s
    against 0.2 s on a 600-transcript study).

    ``progress`` hears of three phases: the SQLite check, the sources (one step per
    source, the long part on a big study) and the spans."""
    report = CheckReport()
    try:
        _all_checks(pdb, report, progress or _ignore, thorough)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"SQLite cannot read the file: {exc}")
    return report


def _all_checks(pdb: ProjectDB, report: CheckReport, progress: Progress, thorough: bool) -> None:
    db = pdb.db
    report.schema_version = int(db.execute("PRAGMA user_version").fetchone()[0])
    progress("SQLite", 0, 1)
    _sqlite_checks(pdb, report, thorough)
    progress("SQLite", 1, 1)
    report.pending = pending_migrations(db)
    for table in ("cases", "persons", "rounds", "sources", "turns", "codes", "codings", "memos"):
        report.counts[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    _check_sources(pdb, report, progress)
    progress("spans", 0, 3)
    _check_turns(pdb, report)
    progress("spans", 1, 3)
    _check_codings(pdb, report)
    _check_excerpts(pdb, report, thorough)
    progress("spans", 2, 3)
    _check_orphans(pdb, report)
    progress("spans", 3, 3)


def _sqlite_checks(pdb: ProjectDB, report: CheckReport, thorough: bool) -> None:
    pragma = "integrity_check" if thorough else "quick_check"
    result = [r[0] for r in pdb.db.execute(f"PRAGMA {pragma}")]
    if result != ["ok"]:
        report.problems.extend(f"SQLite integrity: {line}" for line in result[:20])
    for table, rowid, parent, _ in pdb.db.execute("PRAGMA foreign_key_check"):
        report.problems.append(f"{table} row {rowid} points to a missing {parent} row")


_CONTINUATION = bytes(range(0x80, 0xC0))
"""UTF-8 continuation bytes: a text's length in code points is its bytes without them."""


def _check_sources(pdb: ProjectDB, report: CheckReport, progress: Progress) -> None:
    """Each text has its recorded length and sha256 and only ``\n`` line breaks. Texts are
    read as their UTF-8 bytes, which is what the sha256 covers: no decoding needed."""
    total = report.counts.get("sources", 0)
    rows = pdb.db.execute("SELECT id, name, CAST(text AS BLOB), chars, sha256 FROM sources")
    for done, (sid, name, data, chars, sha) in enumerate(rows):
        progress("sources", done, total)
        length = len(data.translate(None, _CONTINUATION))
        if length != chars:
            report.problems.append(f"source {sid} {name!r}: stored length {chars} != {length}")
        if hashlib.sha256(data).hexdigest() != sha:
            report.problems.append(f"source {sid} {name!r}: text does not match its sha256")
        if b"\r" in data:
            report.problems.append(f"source {sid} {name!r}: text is not normalised (\\r)")
    progress("sources", total, total)


def _check_turns(pdb: ProjectDB, report: CheckReport) -> None:
    """Turns must tile their source: start at 0, meet end to start, end at its length."""
    gaps = pdb.db.execute(
        'WITH t AS (SELECT source_id, start, lag("end", 1, 0) OVER (PARTITION BY source_id ORDER BY seq)'
        " AS reached FROM turns) SELECT s.id, s.name, t.start FROM t JOIN sources s ON s.id = t.source_id"
        " WHERE t.start != t.reached ORDER BY s.id, t.start"
    )
    for sid, name, start in gaps:
        report.problems.append(f"source {sid} {name!r}: turn at {start} leaves a gap or overlap")
    ends = pdb.db.execute(
        'SELECT s.id, s.name, s.chars, (SELECT t."end" FROM turns t WHERE t.source_id = s.id'
        " ORDER BY t.seq DESC LIMIT 1) FROM sources s ORDER BY s.id"
    )
    for sid, name, chars, reached in ends:
        _close_tiling(report, (sid, name, chars), reached or 0)


def _close_tiling(report: CheckReport, last: tuple[int, str, int] | None, reached: int) -> None:
    if last is not None and reached != last[2]:
        report.problems.append(
            f"source {last[0]} {last[1]!r}: turns end at {reached}, text has {last[2]} characters"
        )


def _check_codings(pdb: ProjectDB, report: CheckReport) -> None:
    rows = pdb.db.execute(
        'SELECT g.id, g.source_id, g.start, g."end", s.chars FROM codings g'
        " LEFT JOIN sources s ON s.id = g.source_id"
        ' WHERE s.id IS NULL OR g.start < 0 OR g."end" <= g.start OR g."end" > s.chars'
    )
    for cid, sid, start, end, chars in rows:
        report.problems.append(
            f"coding {cid}: span {start}-{end} is not inside source {sid} ({chars} characters)"
        )


def _check_excerpts(pdb: ProjectDB, report: CheckReport, thorough: bool) -> None:
    """Every coding's stored excerpt has its span's length; with ``thorough``, it is exactly
    the text of its span (compared source by source: 0.2 s more on 100,000 codings)."""
    if "excerpt" not in {r[1] for r in pdb.db.execute("PRAGMA table_info(codings)")}:
        return  # a project from before migration 0007 (check never migrates)
    if not thorough:
        for cid, start, end in pdb.db.execute(
            'SELECT id, start, "end" FROM codings WHERE length(excerpt) != "end" - start'
        ):
            report.problems.append(f"coding {cid}: its stored excerpt is not the text of {start}-{end}")
        return
    current: int | None = None
    text = ""
    rows = pdb.db.execute(
        'SELECT g.id, g.source_id, g.start, g."end", g.excerpt FROM codings g'
        " JOIN sources s ON s.id = g.source_id ORDER BY g.source_id"
    )
    for cid, sid, start, end, excerpt in rows:
        if sid != current:
            current, text = (
                sid,
                str(pdb.db.execute("SELECT text FROM sources WHERE id = ?", [sid]).fetchone()[0]),
            )
        if text[start:end] != excerpt:
            report.problems.append(f"coding {cid}: its stored excerpt is not the text of {start}-{end}")


_MEMO_TARGETS = {
    "case": "cases",
    "round": "rounds",
    "source": "sources",
    "code": "codes",
    "coding": "codings",
}
_VALUE_TARGETS = {"case": "cases", "person": "persons", "source": "sources"}


def _check_orphans(pdb: ProjectDB, report: CheckReport) -> None:
    """Memos and attribute values whose case, round, source, code or coding is gone."""
    for kind, table in _MEMO_TARGETS.items():
        rows = pdb.db.execute(
            f"SELECT m.id, m.target_id, substr(m.text, 1, 40) FROM memos m WHERE m.target_kind = ?"
            f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = m.target_id) ORDER BY m.id",
            [kind],
        )
        for memo_id, target, text in rows:
            report.problems.append(
                f"memo {memo_id} belongs to {kind} {target}, which no longer exists: {text!r}"
            )
    for scope, table in _VALUE_TARGETS.items():
        rows = pdb.db.execute(
            f"SELECT av.id, a.name, av.entity_id FROM attribute_values av JOIN attributes a"
            f" ON a.id = av.attribute_id WHERE a.scope = ?"
            f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = av.entity_id) ORDER BY av.id",
            [scope],
        )
        for value_id, name, entity in rows:
            report.problems.append(
                f"attribute value {value_id} ({name}) belongs to {scope} {entity}, which no longer exists"
            )
