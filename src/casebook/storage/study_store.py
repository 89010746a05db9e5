"""Cases, persons and rounds in the project file."""

from __future__ import annotations

from typing import Any

from casebook.errors import Conflict, NotFound
from casebook.model.names import nfc
from casebook.model.study import Case, CaseKind, Person, Round
from casebook.storage.connection import ProjectDB


def _row(pdb: ProjectDB, table: str, column: str, key: str, extra: str = "") -> Any:
    """The row whose ``column`` is ``key`` as typed or NFC-normalised (keys are stored
    NFC; an older project may hold a key as it was typed), the exact one first."""
    return pdb.db.execute(
        f"SELECT id{extra} FROM {table} WHERE {column} IN (?, ?) ORDER BY {column} = ? DESC LIMIT 1",
        [key, nfc(key), key],
    ).fetchone()


def upsert_case(pdb: ProjectDB, key: str, kind: CaseKind, label: str) -> int:
    """Create the case or update its kind and label; return its row id."""
    key = nfc(key)
    row = _row(pdb, "cases", "key", key)
    if row:
        pdb.db.execute("UPDATE cases SET kind = ?, label = ? WHERE id = ?", [kind.value, label, row[0]])
        return int(row[0])
    cur = pdb.db.execute("INSERT INTO cases (key, kind, label) VALUES (?, ?, ?)", [key, kind.value, label])
    return int(cur.lastrowid or 0)


def case_id(pdb: ProjectDB, key: str) -> int:
    """Row id of the case ``key``, or NotFound."""
    row = _row(pdb, "cases", "key", key)
    if row is None:
        raise NotFound(
            f"no case {key!r} in this project",
            "declare cases in the study file or with: casebook case add KEY",
        )
    return int(row[0])


def list_cases(pdb: ProjectDB) -> list[Case]:
    """All cases, by key."""
    rows = pdb.db.execute("SELECT id, key, kind, label FROM cases ORDER BY key")
    return [Case(r[0], r[1], CaseKind(r[2]), r[3]) for r in rows]


def upsert_round(
    pdb: ProjectDB,
    key: str,
    label: str,
    window: tuple[str | None, str | None] = (None, None),
    baseline: bool = False,
    position: int | None = None,
) -> int:
    """Create the round (appended after the others unless ``position``) or update it."""
    key = nfc(key)
    row = _row(pdb, "rounds", "key", key, ", position")
    values: dict[str, Any] = {
        "label": label,
        "window_start": window[0],
        "window_end": window[1],
        "baseline": int(baseline),
    }
    if row:
        sets = ", ".join(f"{k} = ?" for k in values)
        pdb.db.execute(f"UPDATE rounds SET {sets} WHERE id = ?", [*values.values(), row[0]])
        return int(row[0])
    if position is None:
        position = int(pdb.db.execute("SELECT coalesce(max(position), 0) + 1 FROM rounds").fetchone()[0])
    cur = pdb.db.execute(
        "INSERT INTO rounds (key, position, label, window_start, window_end, baseline)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [key, position, *values.values()],
    )
    return int(cur.lastrowid or 0)


def round_id(pdb: ProjectDB, key: str) -> int:
    """Row id of the round ``key``, or NotFound naming the rounds that exist."""
    row = _row(pdb, "rounds", "key", key)
    if row is None:
        known = [r.key for r in list_rounds(pdb)]
        raise NotFound(
            f"no round {key!r} in this project (rounds: {', '.join(known) or 'none yet'})",
            "declare rounds in the study file or with: casebook round add KEY",
        )
    return int(row[0])


def list_rounds(pdb: ProjectDB) -> list[Round]:
    """All rounds in study order."""
    rows = pdb.db.execute(
        "SELECT id, key, label, position, window_start, window_end, baseline FROM rounds ORDER BY position"
    )
    return [Round(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]


def upsert_person(pdb: ProjectDB, code: str, role: str, profession: str = "", label: str = "") -> int:
    """Create the person with participant ``code`` or update role, profession, label."""
    code = nfc(code)
    row = _row(pdb, "persons", "code", code)
    if row:
        pdb.db.execute(
            "UPDATE persons SET role = ?, profession = ?, label = ? WHERE id = ?",
            [role, profession, label, row[0]],
        )
        return int(row[0])
    cur = pdb.db.execute(
        "INSERT INTO persons (code, role, profession, label) VALUES (?, ?, ?, ?)",
        [code, role, profession, label],
    )
    return int(cur.lastrowid or 0)


def link_person(pdb: ProjectDB, case: int, person: int, relation: str) -> None:
    """Record that ``person`` belongs to (or works with) ``case``."""
    pdb.db.execute(
        "INSERT INTO case_persons (case_id, person_id, relation) VALUES (?, ?, ?)"
        " ON CONFLICT (case_id, person_id) DO UPDATE SET relation = excluded.relation",
        [case, person, relation],
    )


def person_id(pdb: ProjectDB, code: str) -> int:
    """Row id of the person with participant ``code``, or NotFound."""
    row = _row(pdb, "persons", "code", code)
    if row is None:
        raise NotFound(
            f"no person with participant code {code!r}",
            "declare persons in the study file, or import with --informant CODE=ROLE",
        )
    return int(row[0])


def list_persons(pdb: ProjectDB) -> list[Person]:
    """All persons by participant code, with the keys of their cases."""
    rows = pdb.db.execute(
        "SELECT p.id, p.code, p.role, p.profession, p.label, group_concat(c.key, ',')"
        " FROM persons p LEFT JOIN case_persons cp ON cp.person_id = p.id"
        " LEFT JOIN cases c ON c.id = cp.case_id GROUP BY p.id ORDER BY p.code"
    )
    return [
        Person(r[0], r[1], r[2], r[3], r[4], tuple(sorted(r[5].split(","))) if r[5] else ()) for r in rows
    ]


def persons_of_case(pdb: ProjectDB, case: int) -> list[Person]:
    """Persons linked to one case."""
    rows = pdb.db.execute(
        "SELECT p.id, p.code, p.role, p.profession, p.label FROM persons p"
        " JOIN case_persons cp ON cp.person_id = p.id WHERE cp.case_id = ? ORDER BY p.code",
        [case],
    )
    return [Person(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def ensure_unique_code(pdb: ProjectDB, code: str, case_key: str) -> None:
    """Refuse a participant code already used by a person in another case."""
    row = pdb.db.execute(
        "SELECT c.key FROM persons p JOIN case_persons cp ON cp.person_id = p.id"
        " JOIN cases c ON c.id = cp.case_id WHERE p.code = ? AND cp.relation = 'member'",
        [code],
    ).fetchone()
    if row and row[0] != case_key:
        raise Conflict(f"participant code {code!r} is already used in case {row[0]}")
