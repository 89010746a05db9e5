"""Create and open project files: owner-only permissions, WAL, foreign keys, migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from casebook import __version__
from casebook.errors import DiskFull, ProjectDamaged, ProjectError
from casebook.storage import encryption
from casebook.storage.schema import MIGRATION_SET, MIGRATIONS

APP_ID = "casebook"
_SQLITE_MAGIC = b"SQLite format 3\x00"
log = logging.getLogger("casebook")
"""Warnings about work that was saved but not as expected (front ends show them)."""


def utc_now() -> str:
    """A timestamp for stored records: UTC, ISO 8601, seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


BUSY_TIMEOUT_MS = 5000
# Page cache per connection, in KiB (negative for SQLite): a whole study's codings and
# indexes stay in memory, instead of the default 2 MiB being re-read on every query.
CACHE_KIB = -32768


def _friendly(path: Path, exc: sqlite3.Error) -> ProjectError:
    """Turn SQLite's errors into a sentence a researcher can act on."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return ProjectError(
            f"{path}: the project is busy: another casebook is writing to it", "try again in a moment"
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return DiskFull(
            f"{path}: the disk is full: this change was not saved (work saved before it is kept)",
            "free some space and try again",
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return ProjectError(
            f"{path}: the project file is read-only; nothing was written", _readonly_hint(path)
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return ProjectDamaged(f"{path}: the project file is damaged ({exc})", _DAMAGED_HINT)
    if name.startswith("SQLITE_IOERR") or "disk i/o" in text:
        return ProjectError(
            f"{path}: the disk could not be read or written ({exc}); the change under way was not saved",
            "check that the disk has space and works, then run: casebook check",
        )
    return ProjectError(f"{path}: the project file could not be used ({exc})")


_DAMAGED_HINT = "see what is damaged with: casebook check; stop writing to it and restore a backup"


def _readonly_hint(path: Path) -> str:
    """Why a write was refused: a stale read-only ``-shm`` file, or the file itself."""
    shm = Path(f"{path}-shm")
    if shm.exists() and not os.access(shm, os.W_OK):
        return f"{shm.name} is read-only (left by an older casebook); delete it while no casebook is running"
    return "make the file writable to change it (chmod u+w); reading commands work as it is"


def project_problem(path: Path, exc: BaseException) -> ProjectError | None:
    """The researcher's sentence for an SQLite error raised outside ``Db.execute`` (while
    rows are fetched), or None if ``exc`` is not a problem of the file (a bug)."""
    if isinstance(exc, sqlite3.OperationalError) or encryption.is_database_error(exc):
        return _friendly(path, cast(sqlite3.Error, exc))
    return None


class Db:
    """A thin wrapper over one sqlite3 connection in autocommit mode.

    Writes go inside ``atomic()``: BEGIN ... COMMIT, or a savepoint when nested, rolled
    back on any exception. (sqlite-utils is loaded only to run migrations.)
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement; a busy, full or read-only file becomes a ProjectError."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            problem = project_problem(self.path, exc)
            if problem is None:
                raise
            raise problem from None

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """All of the block is written, or none of it."""
        if self.conn.in_transaction:
            name = f"sp_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise _friendly(self.path, exc) from None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


class ProjectDB:
    """An open project file. Pass it to the store functions; write inside ``atomic()``.

    ``readonly``: the connection cannot write (a read-only file or mount, or ``check``).
    ``reading``: opened by a reading command, which leaves the write-ahead log alone."""

    def __init__(self, db: Db, path: Path, readonly: bool = False, reading: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.reading = reading or readonly
        self.cache: dict[str, tuple[tuple[int, int], Any]] = {}
        """Results worth keeping between queries, each with the ``data_stamp`` it was made at."""
        self.verified: set[str] = set()
        """Tables SQLite has checked on this connection (``verify``)."""
        self.leftover: Path | None = None
        """A file this connection made only to read (a ``-shm``), removed on close."""

    def data_stamp(self) -> tuple[int, int]:
        """Changes whenever the file's data may have changed: another connection committed
        (``PRAGMA data_version``) or this one wrote a row (``total_changes``)."""
        version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        return version, self.db.conn.total_changes

    def cached(self, name: str) -> Any | None:
        """A kept result if nothing has changed since it was made, else None."""
        kept = self.cache.get(name)
        return kept[1] if kept is not None and kept[0] == self.data_stamp() else None

    def keep(self, name: str, value: Any) -> None:
        """Keep ``value`` until the data changes."""
        self.cache[name] = (self.data_stamp(), value)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (a savepoint when nested): all of it is written, or none."""
        with self.db.atomic():
            yield

    def verify(self, table: str) -> None:
        """Refuse to write into ``table`` if SQLite finds a damaged page in it or its
        indexes (once per connection: about 0.2 s for 500,000 codings)."""
        if table in self.verified:
            return
        found = [str(r[0]) for r in self.db.execute(f"PRAGMA quick_check({table})").fetchmany(3)]
        if found != ["ok"]:
            raise ProjectDamaged(f"{self.path}: the project file is damaged ({found[0]})", _DAMAGED_HINT)
        self.verified.add(table)

    def close(self) -> None:
        """Fold the write-ahead log into the file (after writing commands) and close it."""
        if not self.reading:
            self._fold_log()
        self.db.close()
        if self.leftover is not None:
            with contextlib.suppress(OSError):
                self.leftover.unlink()

    def _fold_log(self) -> None:
        """Copy the write-ahead log into the project file if that costs no wait. If it
        fails nothing is lost: the log keeps the work and a later command copies it; a
        full or failing disk is reported, because the work then lives in the log only."""
        conn = self.db.conn
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            if str(getattr(exc, "sqlite_errorname", "")).startswith(("SQLITE_FULL", "SQLITE_IOERR")):
                log.warning(
                    "%s: the disk is full or failing (%s): the work saved so far is kept in"
                    " %s-wal beside the project and not yet copied into the project file;"
                    " keep the two files together and free some space",
                    self.path,
                    exc,
                    self.path.name,
                )

    def __enter__(self) -> ProjectDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path, uri: str | None = None) -> Db:
    """A connection with casebook's settings; ``uri`` opens read-only (``mode=ro``). A file
    known to be encrypted is opened through SQLCipher with its passphrase."""
    if encryption.is_known(path):
        key = encryption.passphrase(path)
        if key is None:
            raise encryption.needs_passphrase(path)
        conn = encryption.connect(uri or path, key, uri=uri is not None)
    else:
        conn = sqlite3.connect(
            uri or str(path), uri=uri is not None, isolation_level=None, check_same_thread=False
        )
    db = Db(conn, path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    if uri is None:
        db.execute("PRAGMA synchronous = FULL")
    db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    return db


def applied_migrations(db: Db) -> list[str]:
    """Names of the migrations recorded in the file, in order."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET]
    )
    return [str(r[0]) for r in rows]


def pending_migrations(db: Db) -> list[str]:
    """Migrations this casebook knows that the file has not had yet."""
    done = set(applied_migrations(db))
    return [name for name in MIGRATIONS if name not in done]


def _migrate(db: Db) -> None:
    """Apply pending migrations through sqlite-utils (imported only now)."""
    from sqlite_utils import Database

    from casebook.storage import migrations

    db.execute("PRAGMA journal_mode = WAL")
    # Migrations that rebuild tables need foreign keys off (SQLite's documented procedure);
    # each checks the links itself before it commits.
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        migrations.apply(Database(db.conn, execute_plugins=False))
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def create(path: Path, name: str) -> ProjectDB:
    """Create a new project file readable and writable by its owner only; if that fails,
    nothing is left behind."""
    try:
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: a file already exists there", "choose another name")
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot create the project file ({exc.strerror or exc})") from None
    os.close(fd)
    db = None
    try:
        path.chmod(0o600)
        db = _connect(path)
        _migrate(db)
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO project_meta (key, value) VALUES (?, ?)",
                [
                    ("app", APP_ID),
                    ("name", name),
                    ("created_at", utc_now()),
                    ("created_by_version", __version__),
                ],
            )
    except (sqlite3.Error, ProjectError, OSError) as exc:
        if db is not None:
            db.close()
        remove_project_files(path)
        if isinstance(exc, ProjectError):
            raise
        raise ProjectError(f"{path}: cannot create the project ({exc})") from None
    return ProjectDB(db, path)


def remove_project_files(path: Path) -> None:
    """Delete a project file and its ``-wal`` and ``-shm`` (a half-made project)."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def check_project_file(path: Path) -> None:
    """The path is a readable file, or ProjectError.

    The file is not opened here: closing any descriptor of a file releases every POSIX
    lock this process holds on it, including those of an SQLite connection that is open
    on it (the workbench's), after which another process may delete the write-ahead log
    in use. Whether it is an SQLite file at all is asked only after SQLite refuses it."""
    try:
        if not path.exists():
            raise ProjectError(
                f"{path}: no project file there", "create one with: casebook --project PATH init"
            )
        if not path.is_file():
            raise ProjectError(f"{path}: is not a file")
    except OSError as exc:
        raise ProjectError(f"{path}: cannot open the project file ({exc.strerror or exc})") from None
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{path}: cannot open the project file (permission denied)")


def not_sqlite(path: Path) -> bool:
    """Whether the file does not even start like an SQLite database (read only after SQLite
    has refused it, so no working connection of ours can be holding locks on it)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) != _SQLITE_MAGIC
    except OSError:
        return False


def _opened(path: Path, connect: Callable[[], Db], prepare: Callable[[Db], None]) -> Db:
    """``connect()`` then ``prepare(db)``; a failure closes the file and says what is wrong.
    A file that is not plain SQLite but looks encrypted is tried again with its passphrase."""
    keyed = encryption.is_known(path)
    db = None
    try:
        db = connect()
        prepare(db)
    except (ProjectError, sqlite3.Error) as exc:
        if db is not None:
            db.close()
        refused = "not a database" in str(exc)
        if keyed and refused:
            encryption.forget(path, passphrase_only=True)
            raise encryption.wrong_passphrase(path) from None
        if not keyed and (refused or isinstance(exc, ProjectDamaged)) and not_sqlite(path):
            if encryption.looks_encrypted(path):
                return _opened_encrypted(path, connect, prepare)
            raise ProjectError(f"{path}: is not a casebook project (not an SQLite file)") from None
        if isinstance(exc, ProjectError):
            raise
        problem = project_problem(path, exc)
        raise problem or ProjectDamaged(
            f"{path}: the project file is damaged ({exc})", _DAMAGED_HINT
        ) from None
    return db


def _opened_encrypted(path: Path, connect: Callable[[], Db], prepare: Callable[[Db], None]) -> Db:
    """``_opened`` again, through SQLCipher with the file's passphrase."""
    if not encryption.available():
        raise ProjectError(
            f"{path}: is encrypted (or is not a casebook project), and this casebook cannot open"
            " encrypted projects",
            encryption.INSTALL_HINT,
        )
    encryption.mark(path)
    try:
        return _opened(path, connect, prepare)
    except BaseException:
        encryption.forget(path)
        raise


def open_existing(path: Path) -> ProjectDB:
    """Open a project to write to it, upgrading its schema if this casebook is newer.
    A file (or folder) this user may not change is refused before SQLite touches it."""
    check_project_file(path)
    if not _writable(path):
        what = "project file" if not os.access(path, os.W_OK) else "folder of the project file"
        raise ProjectError(
            f"{path}: the {what} is read-only; nothing was written",
            "make it writable to change the project (chmod u+w); reading commands work as it is",
        )
    return ProjectDB(_opened(path, lambda: _connect(path), lambda db: _upgrade(db, path)), path)


def _writable(path: Path) -> bool:
    """Whether this user may change the file and make its ``-wal``/``-shm`` files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _reader(path: Path) -> tuple[Db, Path | None]:
    """A connection for reading, and the ``-shm`` file it made that nobody else needs.

    A file this user may change, in a folder they may change, is opened as usual, so that
    SQLite removes its ``-wal`` and ``-shm`` when the last connection closes. Otherwise
    (a read-only file, folder or mount) it is opened with ``mode=ro``, and with
    ``immutable=1`` too when it has no pending log, so that SQLite makes no files beside
    it: nobody is writing to it, since a writer must make its log there first."""
    if _writable(path):
        return _connect(path), None
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    base = f"{path.resolve().as_uri()}?mode=ro"
    if not wal.exists() or wal.stat().st_size == 0:
        return _connect(path, base + "&immutable=1"), None
    made = None if shm.exists() else shm
    return _connect(path, base), made


def open_readonly(path: Path) -> ProjectDB:
    """Open a project only to read it: no migration, no checkpoint, no data changed (``check``)."""
    check_project_file(path)
    opened: list[Path | None] = []

    def connect() -> Db:
        db, made = _reader(path)
        opened.append(made)
        return db

    def prepare(db: Db) -> None:
        db.execute("PRAGMA query_only = ON")
        check_identity(db, path)

    pdb = ProjectDB(_opened(path, connect, prepare), path, readonly=True)
    pdb.leftover = opened[0] if opened else None
    return pdb


def open_for_reading(path: Path) -> ProjectDB:
    """Open a project for a reading command: it never waits on a writer and writes
    nothing but, when that costs no wait, the coverage cache.

    A read-only file or mount is read in read-only mode. A project made by an older
    casebook is upgraded first, once, if the file can be written (that one time the
    command may wait for a writer); a read-only one that needs upgrading is refused."""
    check_project_file(path)
    if not _writable(path):
        pdb = open_readonly(path)
        newer_schema(pdb.db, path, pdb)
        if pending_migrations(pdb.db):
            pdb.close()
            raise ProjectError(
                f"{path}: was made by an older casebook and must be upgraded, but it is read-only here",
                "run any casebook command once where the file can be written",
            )
        return pdb

    def prepare(db: Db) -> None:
        check_identity(db, path)
        newer_schema(db, path)

    db = _opened(path, lambda: _connect(path), prepare)
    if pending_migrations(db):
        db.close()
        open_existing(path).close()
        db = _opened(path, lambda: _connect(path), prepare)
    return ProjectDB(db, path, reading=True)


def check_identity(db: Db, path: Path) -> None:
    """The file is a casebook project (its ``project_meta`` says so), or ProjectError."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project_meta'"
    ).fetchone()
    if not exists:
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")
    row = db.execute("SELECT value FROM project_meta WHERE key = 'app'").fetchone()
    if row is None or row[0] != APP_ID:
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")


def newer_schema(db: Db, path: Path, pdb: ProjectDB | None = None) -> None:
    """Refuse a file written by a newer casebook (its migrations are unknown here)."""
    unknown = set(applied_migrations(db)) - set(MIGRATIONS)
    if unknown:
        if pdb is not None:
            pdb.close()
        raise ProjectError(
            f"{path}: was written by a newer casebook (schema {sorted(unknown)[-1]})",
            "upgrade casebook to open it",
        )


def _upgrade(db: Db, path: Path) -> None:
    check_identity(db, path)
    newer_schema(db, path)
    if pending_migrations(db):
        _migrate(db)


def meta(pdb: ProjectDB) -> dict[str, str]:
    """The project's key/value metadata (name, created_at, ...)."""
    return {str(k): str(v) for k, v in pdb.db.execute("SELECT key, value FROM project_meta")}


def schema_version(pdb: ProjectDB) -> int:
    """The recorded schema version (number of migrations applied)."""
    return int(pdb.db.execute("PRAGMA user_version").fetchone()[0])
