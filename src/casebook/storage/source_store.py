"""Sources, their speaker turns, the interview record and the full-text index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.errors import NotFound
from casebook.model.names import nfc
from casebook.model.sources import Source, Turn
from casebook.storage.connection import ProjectDB, utc_now


@dataclass(frozen=True, slots=True)
class NewSource:
    """Everything needed to store one imported transcript version."""

    name: str
    text: str
    sha256: str
    original_name: str
    format: str
    encoding: str | None
    turns: tuple[Turn, ...]
    turn_persons: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class NewInterview:
    """The interview record of a source: case, round, date, place, who was present."""

    case_id: int
    round_id: int | None
    date: str | None
    mode: str
    place: str
    interviewer: str
    person_ids: tuple[int, ...]


_SOURCE_COLUMNS = (
    "s.id, s.name, s.sha256, s.original_name, s.format, s.imported_at, s.chars, s.version,"
    " s.previous_id, c.key, r.key, i.date,"
    # turns are numbered 0..n-1 per source (UNIQUE (source_id, seq)): one index probe, where
    # count(*) walked every turn of the source
    " coalesce((SELECT max(t.seq) + 1 FROM turns t WHERE t.source_id = s.id), 0),"
    " NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id),"
    " coalesce(i.mode, ''), coalesce(i.place, ''), coalesce(i.interviewer, ''), s.guid"
)
_SOURCE_FROM = (
    " FROM sources s LEFT JOIN interviews i ON i.source_id = s.id"
    " LEFT JOIN cases c ON c.id = i.case_id LEFT JOIN rounds r ON r.id = i.round_id"
)


def _source(row: Any) -> Source:
    return Source(
        id=row[0],
        name=row[1],
        sha256=row[2],
        original_name=row[3],
        format=row[4],
        imported_at=row[5],
        chars=row[6],
        version=row[7],
        previous_id=row[8],
        case=row[9],
        round=row[10],
        date=row[11],
        turns=int(row[12]),
        current=bool(row[13]),
        mode=row[14],
        place=row[15],
        interviewer=row[16],
        guid=row[17],
    )


def find_by_sha(pdb: ProjectDB, sha256: str) -> Source | None:
    """A stored source with exactly this text, if any."""
    row = pdb.db.execute(
        f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM} WHERE s.sha256 = ? ORDER BY s.id LIMIT 1",
        [sha256],
    ).fetchone()
    return _source(row) if row else None


def latest_version(pdb: ProjectDB, name: str) -> Source | None:
    """The newest version of the source called ``name`` (as typed or NFC-normalised)."""
    row = pdb.db.execute(
        f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM} WHERE s.name IN (?, ?)"
        " ORDER BY s.name = ? DESC, s.version DESC LIMIT 1",
        [name, nfc(name), name],
    ).fetchone()
    return _source(row) if row else None


def insert_source(pdb: ProjectDB, new: NewSource, interview: NewInterview, previous: Source | None) -> int:
    """Store a source version, its turns, interview and index rows; return its id."""
    db = pdb.db
    cur = db.execute(
        "INSERT INTO sources (name, text, chars, sha256, original_name, format, encoding,"
        " imported_at, version, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            new.name,
            new.text,
            len(new.text),
            new.sha256,
            new.original_name,
            new.format,
            new.encoding,
            utc_now(),
            previous.version + 1 if previous else 1,
            previous.id if previous else None,
        ],
    )
    source_id = int(cur.lastrowid or 0)
    first = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM turns").fetchone()[0])
    rows = [
        (first + seq, source_id, seq, t.start, t.end, t.body_start, t.speaker, person, t.timestamp_ms)
        for seq, (t, person) in enumerate(zip(new.turns, new.turn_persons, strict=True))
    ]
    db.conn.executemany(
        'INSERT INTO turns (id, source_id, seq, start, "end", body_start, speaker, person_id,'
        " timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.conn.executemany(
        "INSERT INTO turns_fts (rowid, body) VALUES (?, ?)",
        [(first + seq, new.text[t.body_start : t.end]) for seq, t in enumerate(new.turns)],
    )
    _insert_interview(pdb, source_id, interview)
    return source_id


def _insert_interview(pdb: ProjectDB, source_id: int, iv: NewInterview) -> None:
    cur = pdb.db.execute(
        "INSERT INTO interviews (source_id, case_id, round_id, date, mode, place, interviewer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [source_id, iv.case_id, iv.round_id, iv.date, iv.mode, iv.place, iv.interviewer],
    )
    interview_id = int(cur.lastrowid or 0)
    pdb.db.conn.executemany(
        "INSERT OR IGNORE INTO interview_persons (interview_id, person_id) VALUES (?, ?)",
        [(interview_id, p) for p in iv.person_ids],
    )


def list_sources(pdb: ProjectDB, all_versions: bool = False) -> list[Source]:
    """Sources in case, round, name order; only current versions unless ``all_versions``."""
    where = "" if all_versions else " WHERE NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id)"
    rows = pdb.db.execute(
        f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM}{where} ORDER BY c.key, r.position, s.name, s.version"
    )
    return [_source(r) for r in rows]


def sources_by_id(pdb: ProjectDB, ids: set[int]) -> dict[int, Source]:
    """The sources with these ids (any version), by id."""
    found: dict[int, Source] = {}
    chosen = sorted(ids)
    for first in range(0, len(chosen), 500):
        chunk = chosen[first : first + 500]
        marks = ",".join("?" * len(chunk))
        rows = pdb.db.execute(f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM} WHERE s.id IN ({marks})", chunk)
        found.update((int(r[0]), _source(r)) for r in rows)
    return found


def get_source(pdb: ProjectDB, ref: str) -> Source:
    """A source by id, or by name (newest version), or NotFound."""
    if ref.isdigit():
        row = pdb.db.execute(f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM} WHERE s.id = ?", [int(ref)]).fetchone()
        if row:
            return _source(row)
    found = latest_version(pdb, ref)
    if found is None:
        raise NotFound(f"no source {ref!r} in this project", "list them with: casebook sources")
    return found


def source_text(pdb: ProjectDB, source_id: int) -> str:
    """The stored text of a source."""
    row = pdb.db.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()
    if row is None:
        raise NotFound(f"no source with id {source_id}")
    return str(row[0])


def source_turns(pdb: ProjectDB, source_id: int) -> list[Turn]:
    """The turns of a source in text order."""
    rows = pdb.db.execute(
        'SELECT start, "end", body_start, speaker, timestamp_ms FROM turns WHERE source_id = ? ORDER BY seq',
        [source_id],
    )
    return [Turn(*r) for r in rows]


def persons_by_source(pdb: ProjectDB) -> dict[int, list[str]]:
    """Participant codes present in each source's interview, in one query."""
    out: dict[int, list[str]] = {}
    rows = pdb.db.execute(
        "SELECT i.source_id, p.code FROM interview_persons ip JOIN interviews i ON i.id = ip.interview_id"
        " JOIN persons p ON p.id = ip.person_id ORDER BY i.source_id, p.code"
    )
    for source_id, code in rows:
        out.setdefault(int(source_id), []).append(str(code))
    return out


def coding_count(pdb: ProjectDB, source_id: int) -> int:
    """How many codings point into a source."""
    return int(pdb.db.execute("SELECT count(*) FROM codings WHERE source_id = ?", [source_id]).fetchone()[0])


_INTERVIEW_FIELDS = ("case_id", "round_id", "date", "mode", "place", "interviewer")


def update_interview(
    pdb: ProjectDB, source_id: int, fields: dict[str, Any], person_ids: tuple[int, ...] | None
) -> None:
    """Correct a source's interview record (its text and codings are untouched)."""
    unknown = set(fields) - set(_INTERVIEW_FIELDS)
    if unknown:
        raise ValueError(f"not interview fields: {sorted(unknown)}")
    if fields:
        sets = ", ".join(f"{name} = ?" for name in fields)
        pdb.db.execute(f"UPDATE interviews SET {sets} WHERE source_id = ?", [*fields.values(), source_id])
    if person_ids is not None:
        row = pdb.db.execute("SELECT id FROM interviews WHERE source_id = ?", [source_id]).fetchone()
        pdb.db.execute("DELETE FROM interview_persons WHERE interview_id = ?", [row[0]])
        pdb.db.conn.executemany(
            "INSERT OR IGNORE INTO interview_persons (interview_id, person_id) VALUES (?, ?)",
            [(row[0], p) for p in person_ids],
        )
