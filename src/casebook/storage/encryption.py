"""Encrypted projects: SQLCipher through the optional ``sqlcipher3`` binding, where the
passphrase comes from, and writing a project again encrypted or plain.

An encrypted project is still one SQLite file: SQLCipher 4 encrypts every page of it and of
its write-ahead log (AES-256, the key derived from the passphrase with PBKDF2-HMAC-SHA512).
The binding (``pip install 'casebook[encryption]'``) is imported only when an encrypted
file is met. Its connections are not ``sqlite3.Connection``s and its errors are its own
classes; ``_binding`` makes each of them also a subclass of the ``sqlite3`` class of the
same name, so every ``except sqlite3.Error`` of casebook (and of sqlite-utils, which runs
the migrations) handles both.

The passphrase comes from ``CASEBOOK_PASSPHRASE`` or from the prompt a front end installs
(``set_prompt``). It is kept in this process's memory only, never written anywhere.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import cast

from casebook.errors import ProjectError

PASSPHRASE_ENV = "CASEBOOK_PASSPHRASE"
INSTALL_HINT = "install the SQLCipher binding with: pip install 'casebook[encryption]'"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_MAPPED_ERRORS = (
    "DatabaseError",
    "InterfaceError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
)

_LOADING = threading.Lock()
_LOADED: list[ModuleType] = []

Prompt = Callable[[Path], str | None]
"""Asks the researcher for a project's passphrase; None when nobody can be asked."""

_prompt: Prompt | None = None
_typed: dict[str, str] = {}
"""Passphrases typed at the prompt, by file, so that one run asks once."""
_encrypted: set[str] = set()
"""Files this process has opened encrypted. They are never opened with the plain SQLite
again: closing any descriptor of a file drops the POSIX locks of every connection this
process has on it, and SQLite guards only its own connections against that."""


def _name(path: Path) -> str:
    return str(path.resolve())


def set_prompt(prompt: Prompt | None) -> None:
    """How to ask for a passphrase that ``CASEBOOK_PASSPHRASE`` does not give."""
    global _prompt
    _prompt = prompt


def available() -> bool:
    """Whether the SQLCipher binding is installed (nothing is imported)."""
    return importlib.util.find_spec("sqlcipher3") is not None


def given_passphrase() -> str | None:
    """The passphrase in ``CASEBOOK_PASSPHRASE``, if set and not empty."""
    return os.environ.get(PASSPHRASE_ENV) or None


def passphrase(path: Path) -> str | None:
    """The passphrase for ``path``: from the environment, typed earlier in this run, or
    asked for now; None if there is none."""
    given = given_passphrase()
    if given is not None:
        return given
    name = _name(path)
    if name in _typed:
        return _typed[name]
    typed = _prompt(path) if _prompt is not None else None
    if typed:
        _typed[name] = typed
    return typed or None


def is_known(path: Path) -> bool:
    """Whether this process has opened ``path`` encrypted (or is about to)."""
    return _name(path) in _encrypted


def mark(path: Path) -> None:
    """Open ``path`` through SQLCipher from now on."""
    _encrypted.add(_name(path))


def forget(path: Path, passphrase_only: bool = False) -> None:
    """Drop what this process knows of ``path``: the passphrase typed for it and, unless
    ``passphrase_only``, that it is encrypted."""
    _typed.pop(_name(path), None)
    if not passphrase_only:
        _encrypted.discard(_name(path))


def looks_encrypted(path: Path) -> bool:
    """Whether the file is whole pages that do not start like plain SQLite, as an
    encrypted project does (read only while no connection of ours is open on it)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError:
        return False
    return header != _SQLITE_MAGIC and size >= 512 and size % 512 == 0


def is_encrypted(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` is a SQLCipher connection (to an encrypted project)."""
    return not isinstance(conn, sqlite3.Connection)


def is_database_error(exc: BaseException) -> bool:
    """``exc`` is exactly a ``DatabaseError`` (no subclass), of ``sqlite3`` or SQLCipher."""
    return isinstance(exc, sqlite3.DatabaseError) and type(exc).__name__ == "DatabaseError"


def needs_passphrase(path: Path) -> ProjectError:
    """The error for an encrypted file opened without a passphrase."""
    return ProjectError(
        f"{path}: is encrypted (or is not a casebook project) and no passphrase was given",
        f"set {PASSPHRASE_ENV} to its passphrase, or run casebook on a terminal to be asked for it",
    )


def wrong_passphrase(path: Path) -> ProjectError:
    """The error for an encrypted file that the passphrase does not open."""
    return ProjectError(f"{path}: wrong passphrase, or not a casebook project")


def _binding() -> ModuleType:
    """``sqlcipher3.dbapi2``, its error classes made subclasses of ``sqlite3``'s (once,
    whichever thread asks first)."""
    with _LOADING:
        if _LOADED:
            return _LOADED[0]
        if not available():
            raise ProjectError(
                "encrypted projects need the SQLCipher binding, which is not installed", INSTALL_HINT
            )
        module = importlib.import_module("sqlcipher3.dbapi2")
        try:
            for name in _MAPPED_ERRORS:
                theirs, ours = getattr(module, name), getattr(sqlite3, name)
                if not issubclass(theirs, ours):
                    theirs.__bases__ = (*theirs.__bases__, ours)
        except (AttributeError, TypeError) as exc:
            raise ProjectError(
                f"the installed SQLCipher binding cannot be used ({exc})", INSTALL_HINT
            ) from None
        _LOADED.append(module)
        return module


def connect(target: Path | str, key: str | None, uri: bool = False) -> sqlite3.Connection:
    """A SQLCipher connection in autocommit mode, keyed with ``key`` (None: a plain file);
    SQLCipher's own log, which would print a wrong key's failure, is silenced."""
    database = target if uri else str(Path(target).absolute())
    conn = _binding().connect(database, uri=uri, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.set_key(key)
    except BaseException:
        conn.close()
        raise
    return cast(sqlite3.Connection, conn)


def companion(
    conn: sqlite3.Connection, project: Path, other: Path, readonly: bool = False
) -> sqlite3.Connection:
    """A connection to another file (a backup) through the same SQLite as ``conn``, the
    project's, and with its passphrase: a backup of an encrypted project is encrypted."""
    if not is_encrypted(conn):
        if readonly:
            return sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        return sqlite3.connect(other, isolation_level=None)
    key = passphrase(project)
    if key is None:
        raise needs_passphrase(project)
    if readonly:
        return connect(f"{other.resolve().as_uri()}?mode=ro", key, uri=True)
    return connect(other, key)


# ---------------------------------------------------------------- writing a project again


@dataclass(frozen=True)
class Contents:
    """What a project file holds, to compare a copy with it: the schema, the number of
    rows in every table and the recorded schema version."""

    schema: tuple[tuple[str, ...], ...]
    counts: tuple[tuple[str, int], ...]
    user_version: int


def contents(conn: sqlite3.Connection) -> Contents:
    """What the file behind ``conn`` holds."""
    schema = tuple(
        tuple(str(v) for v in row)
        for row in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
    )
    tables = [row[1] for row in schema if row[0] == "table"]
    counts = tuple((t, int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])) for t in tables)
    return Contents(schema, counts, int(conn.execute("PRAGMA user_version").fetchone()[0]))


def rewrite(path: Path, old_key: str | None, new_key: str | None) -> None:
    """Write the project again beside it, encrypted with ``new_key`` (plain if None), from
    the file as it is (encrypted with ``old_key``, or plain); check the copy; only then put
    it in the project's place, owner-only. Refused while anyone else has the project open;
    a failure at any point leaves the project as it was and no copy behind."""
    place = path.resolve()
    part = place.with_name(f"{place.name}.{'encrypt' if new_key else 'decrypt'}-part")
    _remove_with_logs(part)
    source = connect(place, old_key)
    try:
        before = _hold(source, path)
        os.close(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        part.chmod(0o600)
        _export(source, part, new_key, before.user_version)
        _verify(part, new_key, before, path)
        _fsync(part)
        for log in (Path(f"{place}-wal"), Path(f"{place}-shm")):
            log.unlink(missing_ok=True)
        part.replace(place)
    except BaseException as exc:
        source.close()
        _remove_with_logs(part)
        _back_to_wal(place, old_key)
        if isinstance(exc, sqlite3.Error):
            raise ProjectError(f"{path}: could not be written again ({exc}); nothing was changed") from None
        if isinstance(exc, OSError):
            raise ProjectError(
                f"{path}: could not be written again ({exc.strerror or exc}); nothing was changed"
            ) from None
        raise
    source.close()
    with contextlib.suppress(OSError):
        _fsync(place.parent)
    forget(path)


def _hold(source: sqlite3.Connection, path: Path) -> Contents:
    """Fold the write-ahead log into the file and switch it to a rollback journal, which
    SQLite allows only while no other connection has it open; then lock it for this
    connection alone until it is closed, and say what it holds."""
    source.execute("PRAGMA busy_timeout = 2000")
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        mode = str(source.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
    except sqlite3.OperationalError as exc:
        if not str(getattr(exc, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            raise
        mode = "busy"
    if mode != "delete":
        raise ProjectError(
            f"{path}: is open in another casebook; nothing was changed",
            "close the workbench and other casebook commands on it, then try again",
        )
    source.execute("PRAGMA main.locking_mode = EXCLUSIVE")
    source.execute("BEGIN EXCLUSIVE")
    source.execute("COMMIT")
    return contents(source)


def _export(source: sqlite3.Connection, part: Path, new_key: str | None, user_version: int) -> None:
    """Copy everything into ``part`` with SQLCipher's ``sqlcipher_export``."""
    source.execute("ATTACH DATABASE ? AS rewritten KEY ?", [str(part), new_key or ""])
    try:
        source.execute("SELECT sqlcipher_export('rewritten')")
        source.execute(f"PRAGMA rewritten.user_version = {int(user_version)}")
    finally:
        source.execute("DETACH DATABASE rewritten")


def _verify(part: Path, new_key: str | None, before: Contents, path: Path) -> None:
    """The copy opens with ``new_key``, SQLite finds nothing wrong in it and it holds what
    the project holds; then it gets the project's write-ahead log mode."""
    copy = connect(part, new_key) if new_key else sqlite3.connect(part, isolation_level=None)
    try:
        found = [str(r[0]) for r in copy.execute("PRAGMA integrity_check").fetchmany(3)]
        if found != ["ok"]:
            raise ProjectError(f"{path}: the new copy does not check out ({found[0]}); nothing was changed")
        if contents(copy) != before:
            raise ProjectError(f"{path}: the new copy differs from the project; nothing was changed")
        copy.execute("PRAGMA journal_mode = WAL")
    finally:
        copy.close()


def _back_to_wal(place: Path, old_key: str | None) -> None:
    """After a failure: the project's write-ahead log mode back, if nobody is in the way
    (a project left in rollback-journal mode works all the same)."""
    with contextlib.suppress(sqlite3.Error, ProjectError, OSError):
        conn = connect(place, old_key)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()


def _remove_with_logs(part: Path) -> None:
    for leftover in _with_logs(part):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _with_logs(path: Path) -> Iterator[Path]:
    yield path
    for suffix in ("-wal", "-shm", "-journal"):
        yield Path(f"{path}{suffix}")


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
