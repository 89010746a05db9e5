"""Encryption at rest: encrypt a project with a passphrase, or decrypt it again.

An encrypted project stays one file and works with every command once its passphrase is
given (``CASEBOOK_PASSPHRASE``, or the prompt a front end installs with ``set_prompt``).
Both directions write the project again beside it, check the copy and only then put it
in the project's place (``storage.encryption.rewrite``).
"""

from __future__ import annotations

from pathlib import Path

from casebook.errors import InvalidValue, ProjectError
from casebook.storage import backups, connection
from casebook.storage import encryption as store

PASSPHRASE_ENV = store.PASSPHRASE_ENV
Prompt = store.Prompt


def set_prompt(prompt: Prompt | None) -> None:
    """How the front end asks for a passphrase that ``CASEBOOK_PASSPHRASE`` does not give."""
    store.set_prompt(prompt)


def given_passphrase() -> str | None:
    """The passphrase set in ``CASEBOOK_PASSPHRASE``, if any."""
    return store.given_passphrase()


def check_passphrase(path: Path, passphrase: str) -> str:
    """A new passphrase for ``path``, or InvalidValue if it is empty."""
    if not passphrase.strip():
        raise InvalidValue(f"{path}: an empty passphrase protects nothing; nothing was changed")
    return passphrase


def ready_to_encrypt(path: Path) -> None:
    """Refuse, before a passphrase is asked for, what ``encrypt`` would refuse."""
    connection.check_project_file(path)
    if not store.available():
        raise ProjectError(
            f"{path}: cannot be encrypted: the SQLCipher binding is missing", store.INSTALL_HINT
        )
    if store.looks_encrypted(path):
        raise ProjectError(
            f"{path}: is already encrypted; nothing was changed",
            "to change its passphrase, decrypt it and encrypt it again",
        )


def encrypt(path: Path, passphrase: str) -> None:
    """Encrypt the project with ``passphrase`` (nobody else may have it open)."""
    check_passphrase(path, passphrase)
    ready_to_encrypt(path)
    connection.open_existing(path).close()  # a casebook project, upgraded, writable
    store.rewrite(path, None, passphrase)


def decrypt(path: Path) -> None:
    """Write the encrypted project back as a plain SQLite file (needs its passphrase)."""
    connection.check_project_file(path)
    if not connection.not_sqlite(path):
        raise ProjectError(f"{path}: is not encrypted; nothing was changed")
    connection.open_existing(path).close()  # asks for and checks the passphrase
    key = store.passphrase(path)
    if key is None:  # the project opened, so the passphrase is known
        raise store.needs_passphrase(path)
    store.rewrite(path, key, None)


def plain_backups(path: Path) -> list[Path]:
    """The project's backups that are not encrypted (made before it was)."""
    return [b.path for b in backups.list_backups(path) if not connection.not_sqlite(b.path)]
