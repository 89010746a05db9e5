"""Backups of a project with SQLite's online backup API, and restoring one.

A backup is a consistent copy made while others may read and write (the copy is one read
transaction), written owner-only under a temporary name, checked, flushed to disk and
only then given its name, in ``<project>.backups/`` beside the project. The newest
``KEEP`` backups of a project are kept; older ones are removed after each new backup.
A backup is a single file (rollback-journal mode), so it can be copied as it is. A backup
of an encrypted project is encrypted with the same passphrase (``storage.encryption``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import ProjectDamaged, ProjectError
from casebook.storage import encryption
from casebook.storage.connection import (
    Db,
    ProjectDB,
    check_identity,
    check_project_file,
    newer_schema,
    not_sqlite,
    project_problem,
)

KEEP = 10
"""How many backups of a project are kept (the oldest beyond this are removed)."""
_REASON = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Backup:
    """One backup file: where it is, when it was made (UTC) and why."""

    path: Path
    made: str
    reason: str
    size: int


def backup_folder(project: Path) -> Path:
    """``studie.casebook.backups/`` beside ``studie.casebook``."""
    return project.with_name(project.name + ".backups")


def list_backups(project: Path) -> list[Backup]:
    """The project's backups, oldest first."""
    folder = backup_folder(project)
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f"{project.stem}-*.casebook")):
        stamp, _, reason = path.stem[len(project.stem) + 1 :].partition("-")
        made = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}Z"
        found.append(Backup(path, made, reason, path.stat().st_size))
    return found


def write_backup(pdb: ProjectDB, reason: str, keep: int = KEEP) -> Path:
    """Copy the project as committed into a new owner-only backup; remove the oldest
    beyond ``keep``. A failure (a full disk) leaves no partial backup and says why."""
    if pdb.db.conn.in_transaction:
        raise ProjectError(f"{pdb.path}: cannot back up in the middle of a change")
    folder = backup_folder(pdb.path)
    now = dt.datetime.now(dt.UTC)
    tag = _REASON.sub("-", reason.lower()).strip("-") or "backup"
    target = folder / f"{pdb.path.stem}-{now:%Y%m%dT%H%M%S%f}Z-{tag}.casebook"
    part = target.with_name(target.name + ".part")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)
        os.close(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        part.chmod(0o600)
        _copy(pdb, part)
        part.replace(target)
    except (sqlite3.Error, OSError, ProjectError) as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        if isinstance(exc, ProjectError):
            raise
        raise _problem(pdb.path, folder, exc) from None
    for old in list_backups(pdb.path)[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return target


def _copy(pdb: ProjectDB, part: Path) -> None:
    """The backup itself: one step (a consistent snapshot), then made a single file,
    checked and flushed to disk."""
    copy = encryption.companion(pdb.db.conn, pdb.path, part)
    try:
        pdb.db.conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        found = copy.execute("PRAGMA quick_check").fetchone()[0]
        if found != "ok":
            raise sqlite3.DatabaseError(f"the copy does not check out ({found})")
    finally:
        copy.close()
    with part.open("rb") as handle:
        os.fsync(handle.fileno())


def _problem(project: Path, folder: Path, exc: BaseException) -> ProjectError:
    if isinstance(exc, OSError):
        return ProjectError(f"{folder}: cannot write a backup there ({exc.strerror or exc})")
    problem = project_problem(project, exc)
    if problem is not None:
        return type(problem)(f"{problem.message}; no backup was made", problem.hint)
    return ProjectError(f"{project}: no backup was made ({exc})")


def restore_backup(pdb: ProjectDB, backup: Path) -> None:
    """Replace the project's contents with ``backup``'s, in place (other connections see
    the restored project; nobody writes meanwhile). The backup must be a casebook project
    no newer than this casebook."""
    check_project_file(backup)
    if backup.resolve() == pdb.path.resolve():
        raise ProjectError(f"{backup}: is the project itself, not a backup of it")
    if pdb.db.conn.in_transaction:
        raise ProjectError(f"{pdb.path}: cannot restore in the middle of a change")
    encrypted = encryption.is_encrypted(pdb.db.conn)
    source = encryption.companion(pdb.db.conn, pdb.path, backup, readonly=True)
    try:
        checked = Db(source, backup)
        check_identity(checked, backup)
        newer_schema(checked, backup)
        source.backup(pdb.db.conn)
    except ProjectDamaged as exc:
        raise _unreadable(backup, exc, encrypted) from None
    except sqlite3.Error as exc:
        problem = project_problem(pdb.path, exc)
        raise problem or ProjectError(f"{backup}: cannot be restored ({exc})") from None
    finally:
        source.close()
    pdb.cache.clear()
    pdb.verified.clear()


def _unreadable(backup: Path, exc: ProjectDamaged, encrypted: bool) -> ProjectError:
    """Why a backup SQLite could not read cannot be restored: the one of an encrypted
    project must be encrypted with its passphrase, and the one of a plain project plain."""
    if encrypted and "not a database" in str(exc):
        return ProjectError(
            f"{backup}: is not encrypted with this project's passphrase (or is not a casebook project)",
            "a backup made before the project was encrypted is restored by decrypting the project,"
            " restoring it and encrypting the project again",
        )
    if not_sqlite(backup):
        if encryption.looks_encrypted(backup):
            return ProjectError(
                f"{backup}: is encrypted, but the project is not",
                "encrypt the project first (casebook encrypt), with the backup's passphrase",
            )
        return ProjectError(f"{backup}: is not a casebook project (not an SQLite file)")
    return exc
