"""``backup`` and ``restore``: owner-only copies of the project beside it, and going back to one."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.services import backups
from casebook.services.project import Project


@click.command()
@click.option("--list", "show", is_flag=True, help="List the project's backups instead of making one.")
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=backups.KEEP,
    show_default=True,
    help="How many backups to keep; older ones are removed.",
)
@json_option
@click.pass_obj
def backup(state: CliState, show: bool, keep: int, as_json: bool) -> None:
    """Back up the project into PROJECT.backups/ beside it (owner-only, the newest kept).

    The copy is consistent even while others work in the project. casebook also makes
    one before a codebook merge, a delete that removes codings, and a restore.
    """
    path = state.project_path()
    if not show:
        with Project.open_for_reading(path) as project:
            made = backups.backup(project, "manual", keep)
        stdout.print(f"Backed up {path} to {made} (owner-only access)")
        return
    found = backups.listed(path)
    if as_json:
        emit_json([{"file": str(b.path), "made": b.made, "reason": b.reason, "bytes": b.size} for b in found])
        return
    rows = [(b.made, b.reason, f"{b.size:,}", b.path) for b in found]
    table("Backups", ["made (UTC)", "reason", "bytes", "file"], rows)


@click.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def restore(state: CliState, backup_file: Path, yes: bool) -> None:
    """Replace the project's contents with BACKUP's (see: casebook backup --list).

    The project as it is now is backed up first, so a restore can itself be undone.
    """
    path = state.project_path()
    if not yes:
        click.confirm(f"Replace everything in {path} with {backup_file}?", abort=True, err=True)
    with Project.open(path) as project:
        safety = backups.restore(project, backup_file)
    stdout.print(f"Restored {path} from {backup_file}; the project as it was is in {safety}")


COMMANDS = [backup, restore]
