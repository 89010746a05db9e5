"""Create and open project files: owner-only permissions, WAL, foreign keys, migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from casebook import __version__
from casebook.errors import ProjectError
from casebook.storage import migrations

APP_ID = "casebook"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def utc_now() -> str:
    """A timestamp for stored records: UTC, ISO 8601, seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class ProjectDB:
    """An open project file. Pass it to the store functions; write inside ``atomic()``."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (a savepoint when nested): all of it is written, or none."""
        with self.db.atomic():
            yield

    def close(self) -> None:
        """Checkpoint the write-ahead log and close the file."""
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    def __enter__(self) -> ProjectDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA synchronous = FULL")
    return db


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
        db.enable_wal()
        migrations.apply(db)
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


def open_existing(path: Path) -> ProjectDB:
    """Open a project, upgrading its schema if this casebook is newer."""
    if not path.exists():
        raise ProjectError(f"{path}: no project file there", "create one with: casebook --project PATH init")
    if not path.is_file():
        raise ProjectError(f"{path}: is not a file")
    with path.open("rb") as handle:
        if handle.read(16) != _SQLITE_MAGIC:
            raise ProjectError(f"{path}: is not a casebook project (not an SQLite file)")
    try:
        db = _connect(path)
        _check_identity(db, path)
        _upgrade(db, path)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: the project file is damaged ({exc})") from None
    return ProjectDB(db, path)


def _check_identity(db: Database, path: Path) -> None:
    if not db["project_meta"].exists():
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")
    row = db.execute("SELECT value FROM project_meta WHERE key = 'app'").fetchone()
    if row is None or row[0] != APP_ID:
        raise ProjectError(f"{path}: is an SQLite file but not a casebook project")


def _upgrade(db: Database, path: Path) -> None:
    unknown = set(migrations.applied(db)) - set(migrations.known())
    if unknown:
        raise ProjectError(
            f"{path}: was written by a newer casebook (schema {sorted(unknown)[-1]})",
            "upgrade casebook to open it",
        )
    if migrations.pending(db):
        db.enable_wal()
        migrations.apply(db)


def meta(pdb: ProjectDB) -> dict[str, str]:
    """The project's key/value metadata (name, created_at, ...)."""
    return {str(k): str(v) for k, v in pdb.db.execute("SELECT key, value FROM project_meta")}


def schema_version(pdb: ProjectDB) -> int:
    """The recorded schema version (number of migrations applied)."""
    return int(pdb.db.execute("PRAGMA user_version").fetchone()[0])
