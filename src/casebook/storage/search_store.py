"""Full-text search over speaker turns: the ``turns_fts`` index and its vocabulary.

``turns_fts`` is contentless (rowid = ``turns.id``) and tokenised with ``unicode61
remove_diacritics 0``: case is folded, æ, ø and å are kept apart from a and o. The
vocabulary is read through an ``fts5vocab`` table created in the connection's TEMP
schema (nothing is written to the project file, so this works read-only too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.storage.connection import ProjectDB


@dataclass(frozen=True, slots=True)
class TurnHit:
    """A turn whose words match, with its speaker and the speech itself (``body``, the
    text from ``body_start`` to ``end``)."""

    turn_id: int
    source_id: int
    start: int
    end: int
    body_start: int
    speaker: str | None
    participant: str | None
    participant_code: str | None
    role: str | None
    body: str


_HITS = "hits AS MATERIALIZED (SELECT rowid AS id FROM turns_fts WHERE turns_fts MATCH :match)"
# Joined per hit through primary keys and unique indexes (a materialised list of current
# sources would be scanned once per hit: 10,000 hits x 600 sources).
_JOINS = (
    " FROM hits JOIN turns t ON t.id = hits.id JOIN sources s ON s.id = t.source_id"
    " LEFT JOIN interviews i ON i.source_id = s.id LEFT JOIN cases cs ON cs.id = i.case_id"
    " LEFT JOIN rounds r ON r.id = i.round_id"
)
_WHERE = (
    " WHERE NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id)"
    " AND (:case IS NULL OR cs.key = :case) AND (:round IS NULL OR r.key = :round)"
    " AND (:kind IS NULL OR cs.kind = :kind)"
)


def index_version(pdb: ProjectDB) -> bytes:
    """A value that changes whenever the index changes (FTS5's structure record, whose
    cookie is bumped by every write), to know when a cached vocabulary is stale."""
    row = pdb.db.execute("SELECT block FROM turns_fts_data WHERE id = 10").fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def index_terms(pdb: ProjectDB) -> list[str]:
    """Every distinct word in the index (lower case), in term order. Reading it walks
    the whole index: about half a second for 600 interviews, so callers cache it."""
    _vocabulary_table(pdb)
    return [str(r[0]) for r in pdb.db.execute("SELECT term FROM temp.turns_vocab")]


def _vocabulary_table(pdb: ProjectDB) -> None:
    """Create ``temp.turns_vocab`` once per connection. On a read-only project the
    connection is ``query_only``, which refuses even TEMP tables: it is lifted for this
    one statement (the file itself is opened read-only, so it still cannot change)."""
    if pdb.db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'turns_vocab'").fetchone():
        return
    query_only = bool(pdb.db.execute("PRAGMA query_only").fetchone()[0])
    if query_only:
        pdb.db.execute("PRAGMA query_only = OFF")
    try:
        pdb.db.execute("CREATE VIRTUAL TABLE temp.turns_vocab USING fts5vocab(main, turns_fts, row)")
    finally:
        if query_only:
            pdb.db.execute("PRAGMA query_only = ON")


def count_turns(pdb: ProjectDB, match: str, case: str | None, round_key: str | None, kind: str | None) -> int:
    """How many turns of current sources match the FTS5 expression ``match``."""
    params = {"match": match, "case": case, "round": round_key, "kind": kind}
    return int(pdb.db.execute(f"WITH {_HITS} SELECT count(*){_JOINS}{_WHERE}", params).fetchone()[0])


def matching_turns(
    pdb: ProjectDB,
    match: str,
    case: str | None,
    round_key: str | None,
    kind: str | None,
    offset: int = 0,
    limit: int | None = None,
) -> list[TurnHit]:
    """Turns of current sources matching ``match``, in case, round, source, text order;
    each source's text is read once for the turns of the page."""
    params: dict[str, Any] = {
        "match": match,
        "case": case,
        "round": round_key,
        "kind": kind,
        "offset": max(0, offset),
        "limit": -1 if limit is None else limit,
    }
    rows = pdb.db.execute(
        f'WITH {_HITS} SELECT t.id, t.source_id, t.start, t."end", t.body_start, t.speaker,'
        " coalesce(nullif(p.label, ''), p.code), p.code, nullif(p.role, '')"
        f"{_JOINS} LEFT JOIN persons p ON p.id = t.person_id{_WHERE}"
        " ORDER BY coalesce(cs.key, ''), coalesce(r.position, 0), s.name, s.version, t.start"
        " LIMIT :limit OFFSET :offset",
        params,
    ).fetchall()
    bodies: dict[int, str] = {}
    for source_id in dict.fromkeys(int(r[1]) for r in rows):  # one text in memory at a time
        text = str(pdb.db.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()[0])
        bodies.update((int(r[0]), text[r[4] : r[3]]) for r in rows if int(r[1]) == source_id)
    return [
        TurnHit(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], bodies[int(r[0])])
        for r in rows
    ]
