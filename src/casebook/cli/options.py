"""Options shared by several commands."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click

from casebook.cli.terminal import one_line

CODER_ENV = "CASEBOOK_CODER"


def default_coder() -> str:
    """The coder name: $CASEBOOK_CODER, else the login name."""
    return os.environ.get(CODER_ENV) or getpass.getuser() or "coder"


coder_option = click.option(
    "--coder",
    default=default_coder,
    show_default=f"${CODER_ENV} or your login name",
    help="Who is making the change (recorded in the audit trail).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def ask_passphrase(path: Path) -> str | None:
    """A project's passphrase typed at the terminal (not echoed); None without a terminal."""
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(f"Passphrase for {one_line(str(path))}: ") or None
    except EOFError:
        return None


def install_passphrase_prompt() -> None:
    """Let the services ask at the terminal for an encrypted project's passphrase when
    $CASEBOOK_PASSPHRASE does not give it."""
    from casebook.services import encryption

    encryption.set_prompt(ask_passphrase)
