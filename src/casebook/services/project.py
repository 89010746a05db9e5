"""Open or create a project and read what is in it."""

from __future__ import annotations

from pathlib import Path

from casebook.errors import CasebookError
from casebook.model.attributes import Attribute, AttributeScope, AttributeValue
from casebook.model.names import checked_key
from casebook.model.sources import Source, Turn
from casebook.model.study import Case, CaseKind, Person, Round
from casebook.storage import attribute_store, connection, integrity, source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.integrity import CheckReport


def database_problem(path: Path, exc: BaseException) -> CasebookError | None:
    """What an SQLite error raised while rows were read (a damaged page, a full disk)
    means for the researcher, or None if ``exc`` is not such an error."""
    return connection.project_problem(path, exc)


class Project:
    """An open project file. Use as a context manager or call ``close()``."""

    def __init__(self, pdb: ProjectDB) -> None:
        self.pdb = pdb

    @classmethod
    def create(cls, path: Path, name: str | None = None) -> Project:
        """Create a new, empty project file (owner-only permissions)."""
        return cls(connection.create(path, name or path.stem))

    @classmethod
    def open(cls, path: Path) -> Project:
        """Open an existing project, upgrading its schema when needed."""
        return cls(connection.open_existing(path))

    @classmethod
    def open_readonly(cls, path: Path) -> Project:
        """Open a project to read it only: nothing is migrated or written (``check``)."""
        return cls(connection.open_readonly(path))

    @classmethod
    def open_for_reading(cls, path: Path) -> Project:
        """Open a project for a command that only reads: it never waits on a writer and
        works on read-only files; an older schema is upgraded first if the file is writable."""
        return cls(connection.open_for_reading(path))

    @property
    def path(self) -> Path:
        """Where the project file lives."""
        return self.pdb.path

    @property
    def name(self) -> str:
        """The study's name as recorded in the project."""
        return connection.meta(self.pdb).get("name", self.path.stem)

    def close(self) -> None:
        """Close the project file."""
        self.pdb.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cases(self) -> list[Case]:
        """All cases by key."""
        return study_store.list_cases(self.pdb)

    def rounds(self) -> list[Round]:
        """All rounds in study order."""
        return study_store.list_rounds(self.pdb)

    def persons(self) -> list[Person]:
        """All persons by participant code."""
        return study_store.list_persons(self.pdb)

    def sources(self, all_versions: bool = False) -> list[Source]:
        """Sources by case and round; older versions only when asked."""
        return source_store.list_sources(self.pdb, all_versions)

    def source(self, ref: str) -> Source:
        """A source by id or name."""
        return source_store.get_source(self.pdb, ref)

    def source_text(self, source: Source) -> str:
        """The stored, normalised text of a source."""
        return source_store.source_text(self.pdb, source.id)

    def turns(self, source: Source) -> list[Turn]:
        """The speaker turns of a source."""
        return source_store.source_turns(self.pdb, source.id)

    def persons_by_source(self) -> dict[int, list[str]]:
        """Participant codes present in every source's interview (one query)."""
        return source_store.persons_by_source(self.pdb)

    def attributes(self) -> list[Attribute]:
        """Declared attributes."""
        return attribute_store.list_attributes(self.pdb)

    def attribute_values(
        self, scope: AttributeScope | None = None, entity: str | None = None
    ) -> list[AttributeValue]:
        """Stored attribute values with their rounds (of one entity key, if given)."""
        return attribute_store.list_values(self.pdb, scope, entity)

    def add_case(self, key: str, kind: CaseKind, label: str = "") -> None:
        """Create or update a case (its key NFC-normalised, non-empty and printable)."""
        key = checked_key(key, "case key")
        with self.pdb.atomic():
            study_store.upsert_case(self.pdb, key, kind, label)

    def add_round(self, key: str, label: str = "", baseline: bool = False) -> None:
        """Create or update a round (new rounds go last; the key is checked like a case key)."""
        key = checked_key(key, "round key")
        with self.pdb.atomic():
            study_store.upsert_round(self.pdb, key, label, baseline=baseline)

    def check(self, progress: integrity.Progress | None = None, thorough: bool = False) -> CheckReport:
        """Run every integrity check; changes nothing. ``progress(phase, done, total)`` is
        told how far it has come (``casebook check`` draws a bar with it); ``thorough``
        also compares every index with its table."""
        return integrity.run_checks(self.pdb, progress, thorough)
