"""Create and open project files: owner-only permissions, WAL, foreign keys, migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from casebook import __version__
from casebook.errors import ProjectError
from casebook.storage.schema import MIGRATION_SET, MIGRATIONS

APP_ID = "casebook"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def utc_now() -> str:
    """A timestamp for stored records: UTC, ISO 8601, seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


BUSY_TIMEOUT_MS = 5000
# Page cache per connection, in KiB (negative for SQLite): a whole study's codings and
# indexes stay in memory, instead of the default 2 MiB being re-read on every query.
CACHE_KIB = -32768


def _friendly(path: Path, exc: sqlite3.OperationalError) -> ProjectError:
    """Turn SQLite's operational errors into a sentence a researcher can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ProjectError(
            f"{path}: the project is busy: another casebook is writing to it", "try again in a moment"
        )
    if "full" in text:
        return ProjectError(f"{path}: the disk is full; nothing was written", "free some space and try again")
    if "readonly" in text or "read-only" in text:
        return ProjectError(f"{path}: the project file is read-only; nothing was written")
    return ProjectError(f"{path}: the project file could not be used ({exc})")


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
        except sqlite3.OperationalError as exc:
            raise _friendly(self.path, exc) from None

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
    """An open project file. Pass it to the store functions; write inside ``atomic()``."""

    def __init__(self, db: Db, path: Path, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.cache: dict[str, tuple[tuple[int, int], Any]] = {}
        """Results worth keeping between queries, each with the ``data_stamp`` it was made at."""

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

    def close(self) -> None:
        """Checkpoint the write-ahead log (unless read-only) and close the file."""
        if self.readonly:
            self.db.close()
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    def __enter__(self) -> ProjectDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path) -> Db:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db = Db(conn, path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
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
    """Create a new project file readable and writable by its owner only."""
    if path.exists() and path.stat().st_size > 0:
        raise ProjectError(f"{path}: a file already exists there", "choose another name")
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot create the project file ({exc.strerror})") from None
    os.close(fd)
    path.chmod(0o600)
    try:
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
    except sqlite3.Error as exc:
        path.unlink(missing_ok=True)
        raise ProjectError(f"{path}: cannot create the project ({exc})") from None
    return ProjectDB(db, path)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path}: no project file there", "create one with: casebook --project PATH init")
    if not path.is_file():
        raise ProjectError(f"{path}: is not a file")
    with path.open("rb") as handle:
        if handle.read(16) != _SQLITE_MAGIC:
            raise ProjectError(f"{path}: is not a casebook project (not an SQLite file)")


def open_existing(path: Path) -> ProjectDB:
    """Open a project, upgrading its schema if this casebook is newer."""
    _check_file(path)
    db = None
    try:
        db = _connect(path)
        _check_identity(db, path)
        _upgrade(db, path)
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise ProjectError(f"{path}: the project file is damaged ({exc})") from None
    except ProjectError:
        if db is not None:
            db.close()
        raise
    return ProjectDB(db, path)


def open_readonly(path: Path) -> ProjectDB:
    """Open a project only to read it: no migration, no checkpoint, the file is left as it was."""
    _check_file(path)
    db = None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        db = Db(conn, path)
        db.execute("PRAGMA query_only = ON")
        db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        _check_identity(db, path)
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise ProjectError(f"{path}: the project file is damaged ({exc})") from None
    except ProjectError:
        if db is not None:
            db.close()
        raise
    return ProjectDB(db, path, readonly=True)


def _check_identity(db: Db, path: Path) -> None:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project_meta'"
    ).fetchone()
    if not exists:
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")
    row = db.execute("SELECT value FROM project_meta WHERE key = 'app'").fetchone()
    if row is None or row[0] != APP_ID:
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")


def _upgrade(db: Db, path: Path) -> None:
    unknown = set(applied_migrations(db)) - set(MIGRATIONS)
    if unknown:
        raise ProjectError(
            f"{path}: was written by a newer casebook (schema {sorted(unknown)[-1]})",
            "upgrade casebook to open it",
        )
    if pending_migrations(db):
        _migrate(db)


def meta(pdb: ProjectDB) -> dict[str, str]:
    """The project's key/value metadata (name, created_at, ...)."""
    return {str(k): str(v) for k, v in pdb.db.execute("SELECT key, value FROM project_meta")}


def schema_version(pdb: ProjectDB) -> int:
    """The recorded schema version (number of migrations applied)."""
    return int(pdb.db.execute("PRAGMA user_version").fetchone()[0])
