"""``encrypt`` and ``decrypt``: the project encrypted at rest with a passphrase, or plain again."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.output import CliError, emit_json, stdout
from casebook.cli.terminal import one_line
from casebook.services import encryption

ENV = encryption.PASSPHRASE_ENV
json_result = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _new_passphrase(path: Path) -> str:
    """The new passphrase: from $CASEBOOK_PASSPHRASE, or typed twice at the terminal."""
    given = encryption.given_passphrase()
    if given is not None:
        return encryption.check_passphrase(path, given)
    if not sys.stdin.isatty():
        raise CliError(
            f"{path}: no passphrase given; nothing was changed (hint: set {ENV}, or run"
            " casebook encrypt on a terminal to be asked for one)"
        )
    first = encryption.check_passphrase(path, getpass.getpass(f"New passphrase for {one_line(str(path))}: "))
    if getpass.getpass("The same passphrase again: ") != first:
        raise CliError(f"{path}: the two passphrases differ; nothing was changed")
    return first


@click.command()
@json_result
@click.pass_obj
def encrypt(state: CliState, as_json: bool) -> None:
    """Encrypt the project with a passphrase (SQLCipher); it stays one file.

    The passphrase comes from $CASEBOOK_PASSPHRASE, or is asked for twice on a terminal.
    It is stored nowhere and cannot be recovered. From then on every command needs it,
    from $CASEBOOK_PASSPHRASE or typed when asked, and backups are encrypted with it.
    Nobody else may have the project open meanwhile.
    """
    path = state.project_path()
    encryption.ready_to_encrypt(path)
    encryption.encrypt(path, _new_passphrase(path))
    plain = encryption.plain_backups(path)
    if as_json:
        emit_json({"project": str(path), "encrypted": True, "plain_backups": [str(p) for p in plain]})
        return
    stdout.print(f"Encrypted {path} (owner-only access); every command now needs its passphrase")
    if plain:
        stdout.print(
            f"{len(plain)} older backup(s) in {plain[0].parent} are not encrypted:"
            " delete them if they must not be readable"
        )


@click.command()
@json_result
@click.pass_obj
def decrypt(state: CliState, as_json: bool) -> None:
    """Write the encrypted project back as a plain SQLite file (needs its passphrase).

    The passphrase comes from $CASEBOOK_PASSPHRASE, or is asked for on a terminal. Its
    backups stay encrypted. Nobody else may have the project open meanwhile.
    """
    path = state.project_path()
    encryption.decrypt(path)
    if as_json:
        emit_json({"project": str(path), "encrypted": False})
        return
    stdout.print(f"Decrypted {path}: a plain SQLite file again (owner-only access)")


COMMANDS = [encrypt, decrypt]
