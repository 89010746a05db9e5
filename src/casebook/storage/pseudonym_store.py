"""The project's list of names and places that exports replace (table ``pseudonyms``)."""

from __future__ import annotations

from typing import Any

from casebook.errors import NotFound
from casebook.model.pseudonyms import Pseudonym, PseudonymKind
from casebook.storage.connection import ProjectDB, utc_now

# A term linked to a participant shows that participant's current label (or code).
_COLUMNS = (
    "ps.term, coalesce(nullif(p.label, ''), 'Deltaker ' || p.code, ps.replacement), ps.kind, p.code,"
    " ps.guid, ps.created_at"
)
_FROM = " FROM pseudonyms ps LEFT JOIN persons p ON p.id = ps.person_id"


def _pseudonym(row: Any) -> Pseudonym:
    return Pseudonym(row[0], row[1], PseudonymKind(row[2]), row[3], row[4], row[5])


def list_pseudonyms(pdb: ProjectDB) -> list[Pseudonym]:
    """Every listed term, by term."""
    rows = pdb.db.execute(f"SELECT {_COLUMNS}{_FROM} ORDER BY ps.term")
    return [_pseudonym(r) for r in rows]


def upsert_pseudonym(
    pdb: ProjectDB, term: str, replacement: str, kind: PseudonymKind, person_id: int | None
) -> bool:
    """Add ``term`` or change its replacement, kind and participant; True when it was new."""
    row = pdb.db.execute("SELECT id FROM pseudonyms WHERE term = ?", [term]).fetchone()
    if row:
        pdb.db.execute(
            "UPDATE pseudonyms SET replacement = ?, kind = ?, person_id = ? WHERE id = ?",
            [replacement, kind.value, person_id, row[0]],
        )
        return False
    pdb.db.execute(
        "INSERT INTO pseudonyms (term, replacement, kind, person_id, created_at) VALUES (?, ?, ?, ?, ?)",
        [term, replacement, kind.value, person_id, utc_now()],
    )
    return True


def delete_pseudonym(pdb: ProjectDB, term: str) -> Pseudonym:
    """Remove ``term`` from the list and return what it was, or NotFound."""
    row = pdb.db.execute(f"SELECT {_COLUMNS}{_FROM} WHERE ps.term = ?", [term]).fetchone()
    if row is None:
        raise NotFound(
            f"{term!r} is not in the list of pseudonyms", "see the list with: casebook pseudonyms list"
        )
    pdb.db.execute("DELETE FROM pseudonyms WHERE term = ?", [term])
    return _pseudonym(row)
