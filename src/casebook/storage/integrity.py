"""Integrity checks behind ``casebook check``: schema, foreign keys, spans, hashes."""

from __future__ import annotations

import hashlib
import sqlite3
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


def run_checks(pdb: ProjectDB) -> CheckReport:
    """Run every check; never modifies the project. Damage is reported, not raised."""
    report = CheckReport()
    try:
        _all_checks(pdb, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"SQLite cannot read the file: {exc}")
    return report


def _all_checks(pdb: ProjectDB, report: CheckReport) -> None:
    db = pdb.db
    report.schema_version = int(db.execute("PRAGMA user_version").fetchone()[0])
    _sqlite_checks(pdb, report)
    report.pending = pending_migrations(db)
    for table in ("cases", "persons", "rounds", "sources", "turns", "codes", "codings", "memos"):
        report.counts[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    _check_sources(pdb, report)
    _check_turns(pdb, report)
    _check_codings(pdb, report)
    _check_orphans(pdb, report)


def _sqlite_checks(pdb: ProjectDB, report: CheckReport) -> None:
    result = [r[0] for r in pdb.db.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        report.problems.extend(f"SQLite integrity: {line}" for line in result[:20])
    for table, rowid, parent, _ in pdb.db.execute("PRAGMA foreign_key_check"):
        report.problems.append(f"{table} row {rowid} points to a missing {parent} row")


def _check_sources(pdb: ProjectDB, report: CheckReport) -> None:
    for sid, name, text, chars, sha in pdb.db.execute("SELECT id, name, text, chars, sha256 FROM sources"):
        if len(text) != chars:
            report.problems.append(f"source {sid} {name!r}: stored length {chars} != {len(text)}")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
            report.problems.append(f"source {sid} {name!r}: text does not match its sha256")
        if "\r" in text:
            report.problems.append(f"source {sid} {name!r}: text is not normalised (\\r)")


def _check_turns(pdb: ProjectDB, report: CheckReport) -> None:
    """Turns must tile their source: start at 0, meet end to start, end at its length."""
    rows = pdb.db.execute(
        'SELECT s.id, s.name, s.chars, t.start, t."end" FROM sources s'
        " LEFT JOIN turns t ON t.source_id = s.id ORDER BY s.id, t.seq"
    )
    current: int | None = None
    expected = 0
    last: tuple[int, str, int] | None = None
    for sid, name, chars, start, end in rows:
        if sid != current:
            _close_tiling(report, last, expected)
            current, expected, last = sid, 0, (sid, name, chars)
        if start is None:
            continue
        if start != expected:
            report.problems.append(f"source {sid} {name!r}: turn at {start} leaves a gap or overlap")
        expected = end
    _close_tiling(report, last, expected)


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
