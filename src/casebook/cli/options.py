"""Options shared by several commands."""

from __future__ import annotations

import getpass
import os

import click

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
