"""The project's list of names and places that every export replaces.

Edited with ``casebook pseudonyms ...`` or loaded from a ``[pseudonyms]`` table; every
change is checked as a whole list (no replacement may itself contain a listed name) and
written in one transaction. Transcripts are never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import ImportProblem, InvalidValue, NotFound
from casebook.importing.pseudonym_table import read_pseudonym_file
from casebook.model.pseudonyms import Pseudonym, PseudonymKind
from casebook.services.project import Project
from casebook.storage import pseudonym_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.text.pseudonymise import Pseudonymiser, clean_term


@dataclass(frozen=True)
class ListChange:
    """How many terms a load added and how many it changed."""

    added: int
    updated: int


def listed(project: Project) -> list[Pseudonym]:
    """Every listed term with its replacement (a participant's label where linked)."""
    return pseudonym_store.list_pseudonyms(project.pdb)


def pseudonymiser(project: Project) -> Pseudonymiser:
    """A pseudonymiser for the project's current list."""
    return Pseudonymiser(listed(project))


def add(
    project: Project,
    term: str,
    replacement: str,
    kind: PseudonymKind = PseudonymKind.OTHER,
    person: str | None = None,
) -> Pseudonym:
    """Add a term (or change it); returns it as stored."""
    entry = Pseudonym(clean_term(term), replacement.strip(), kind, person or None)
    if not entry.replacement and entry.person is None:
        raise InvalidValue(f"give a replacement for {entry.term!r} (or --person CODE)")
    with project.pdb.atomic():
        store_list(project.pdb, [entry])
    return next(p for p in listed(project) if p.term == entry.term)


def remove(project: Project, term: str) -> Pseudonym:
    """Take a term off the list; returns what it was."""
    with project.pdb.atomic():
        return pseudonym_store.delete_pseudonym(project.pdb, clean_term(term))


def load(project: Project, path: Path) -> ListChange:
    """Add or update every term of a file's ``[pseudonyms]`` table; all of it, or none."""
    entries = read_pseudonym_file(path)
    try:
        with project.pdb.atomic():
            return store_list(project.pdb, entries)
    except InvalidValue as exc:
        raise ImportProblem(path, exc.message) from None


def store_list(pdb: ProjectDB, entries: Iterable[Pseudonym]) -> ListChange:
    """Upsert ``entries`` inside the caller's transaction, then check the whole list."""
    added = updated = 0
    for entry in entries:
        person_id = None
        if entry.person is not None:
            try:
                person_id = study_store.person_id(pdb, entry.person)
            except NotFound:
                raise InvalidValue(
                    f"pseudonym {entry.term!r}: there is no participant {entry.person!r}"
                ) from None
        replacement = entry.replacement or f"[{entry.person}]"
        if pseudonym_store.upsert_pseudonym(pdb, entry.term, replacement, entry.kind, person_id):
            added += 1
        else:
            updated += 1
    Pseudonymiser(pseudonym_store.list_pseudonyms(pdb))  # raises InvalidValue for a bad list
    return ListChange(added, updated)
