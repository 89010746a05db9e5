"""``codebook``: show, load, export, import, edit and audit the codebook."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click
from rich.text import Text
from rich.tree import Tree

from casebook.cli.main import CliState
from casebook.cli.options import coder_option, json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.model.codes import Code, Codebook, Distance, Valence
from casebook.services import codebook as service
from casebook.services.project import Project


@click.group()
def codebook() -> None:
    """The codebook: codes with definitions, signals, colours and history."""


def code_json(code: Code) -> dict[str, Any]:
    """A code as printed by ``codebook show --json``."""
    data = dataclasses.asdict(code)
    return {
        "id": data.pop("key"),
        "name": data.pop("name"),
        "parent": data.pop("parent"),
        "distance": code.distance.value,
        "valence": code.valence.value,
        **{k: v for k, v in data.items() if k not in ("distance", "valence")},
    }


_VALENCE_MARK = {Valence.HINDRER: ("−", "red"), Valence.FREMMER: ("+", "green"), Valence.NOYTRAL: ("·", "")}


def _tree(book: Codebook) -> Tree:
    root = Tree(
        Text.assemble(
            (book.name or "Codebook", "bold"),
            f" {book.version}  ",
            ("(− hindrer, + fremmer; codings)", "dim"),
        )
    )
    nodes: dict[str | None, Tree] = {None: root}
    totals: dict[str, int] = {}
    for code in reversed(book.codes):
        totals[code.key] = totals.get(code.key, 0) + code.codings
        if code.parent:
            totals[code.parent] = totals.get(code.parent, 0) + totals[code.key]
    for code in book.codes:
        count = (
            f"{code.codings}" if totals[code.key] == code.codings else f"{code.codings} ({totals[code.key]})"
        )
        mark = _VALENCE_MARK[code.valence]
        label = Text.assemble(
            ("■", code.color), f" {code.name} ", (code.key, "dim"), " ", mark, " ", (count, "bold")
        )
        nodes[code.key] = nodes[code.parent].add(label)
    return root


@codebook.command(name="show")
@json_option
@click.pass_obj
def show(state: CliState, as_json: bool) -> None:
    """Show the codebook as a tree with the number of codings per code."""
    with Project.open_for_reading(state.project_path()) as project:
        book = service.current(project)
    if as_json:
        emit_json([code_json(code) for code in book.codes])
    elif not book.codes:
        stdout.print("The codebook is empty; load one with: casebook codebook load FILE")
    else:
        stdout.print(_tree(book))


@codebook.command(name="load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@coder_option
@click.pass_obj
def load(state: CliState, file: Path, coder: str) -> None:
    """Load a codebook file (TOML replaces the codebook; .qdc adds and updates codes)."""
    with Project.open(state.project_path()) as project:
        counts = service.load_file(project, file, coder)
    stdout.print(
        f"Loaded {file}: {counts['added']} added, {counts['updated']} updated, {counts['removed']} removed"
    )


@codebook.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@coder_option
@click.pass_obj
def import_qdc(state: CliState, file: Path, coder: str) -> None:
    """Import a REFI-QDA codebook (.qdc) from another tool; codes match by GUID."""
    if file.suffix.lower() not in (".qdc", ".qde"):
        raise click.UsageError("codebook import reads .qdc files; use codebook load for TOML")
    with Project.open(state.project_path()) as project:
        counts = service.load_file(project, file, coder)
    stdout.print(f"Imported {file}: {counts['added']} added, {counts['updated']} updated")


@codebook.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["toml", "qdc"]),
    default="toml",
    show_default=True,
    help="TOML (casebook's file format) or REFI-QDA .qdc.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write."
)
@click.pass_obj
def export(state: CliState, fmt: str, output: Path) -> None:
    """Write the codebook to a file."""
    with Project.open_for_reading(state.project_path()) as project:
        service.export_file(project, fmt, output)
    stdout.print(f"Wrote {output} (owner-only access)")


@codebook.command(name="history")
@json_option
@click.pass_obj
def history(state: CliState, as_json: bool) -> None:
    """The codebook's audit trail: who changed what, and when."""
    with Project.open_for_reading(state.project_path()) as project:
        events = service.history(project)
    if as_json:
        emit_json([dataclasses.asdict(e) for e in events])
    else:
        table(
            "Codebook history",
            ["rev", "when", "who", "action", "code", "details"],
            [(e.id, e.at, e.coder, e.action, e.code, e.details) for e in events],
        )


@codebook.command(name="add")
@click.argument("key")
@click.option("--name", required=True, help="Display name.")
@click.option("--parent", help="Id of the parent code (omit for a root).")
@click.option("--description", default="", help="Definition of the code.")
@click.option(
    "--distance",
    type=click.Choice([d.value for d in Distance]),
    default="none",
    show_default=True,
    help="Which distance the code belongs to.",
)
@click.option(
    "--valence",
    type=click.Choice([v.value for v in Valence]),
    default="nøytral",
    show_default=True,
    help="Hinders, helps or neutral.",
)
@click.option("--color", default="#888888", show_default=True, help="Colour as #RRGGBB.")
@coder_option
@click.pass_obj
def add(
    state: CliState,
    key: str,
    name: str,
    parent: str | None,
    description: str,
    distance: str,
    valence: str,
    color: str,
    coder: str,
) -> None:
    """Add a code."""
    code = Code(
        key=key,
        name=name,
        parent=parent,
        description=description,
        color=color,
        distance=Distance(distance),
        valence=Valence(valence),
    )
    with Project.open(state.project_path()) as project:
        service.add(project, code, coder)
    stdout.print(f"Added {key}")


@codebook.command(name="rename")
@click.argument("key")
@click.argument("new_name")
@coder_option
@click.pass_obj
def rename(state: CliState, key: str, new_name: str, coder: str) -> None:
    """Give a code a new display name (its id and codings stay)."""
    with Project.open(state.project_path()) as project:
        service.rename(project, key, new_name, coder)
    stdout.print(f"Renamed {key} to {new_name!r}")


@codebook.command(name="move")
@click.argument("key")
@click.option("--parent", help="New parent id; omit to make the code a root.")
@coder_option
@click.pass_obj
def move(state: CliState, key: str, parent: str | None, coder: str) -> None:
    """Move a code under another parent."""
    with Project.open(state.project_path()) as project:
        service.move(project, key, parent, coder)
    stdout.print(f"Moved {key} under {parent or 'the root'}")


@codebook.command(name="merge")
@click.argument("key")
@click.argument("into")
@coder_option
@click.pass_obj
def merge(state: CliState, key: str, into: str, coder: str) -> None:
    """Merge code KEY into INTO: its codings and sub-codes move, KEY is removed."""
    with Project.open(state.project_path()) as project:
        moved = service.merge(project, key, into, coder)
    stdout.print(f"Merged {key} into {into}: {moved} codings moved")


@codebook.command(name="split")
@click.argument("key")
@click.argument("new_key")
@click.option("--name", required=True, help="Display name of the new code.")
@click.option(
    "--codings",
    "coding_ids",
    required=True,
    help="Comma-separated ids of KEY's codings that go to the new code (see: casebook codings --code KEY).",
)
@coder_option
@click.pass_obj
def split(state: CliState, key: str, new_key: str, name: str, coding_ids: str, coder: str) -> None:
    """Split KEY: create NEW_KEY beside it and move the chosen codings there."""
    try:
        ids = [int(part) for part in coding_ids.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("use numbers separated by commas", param_hint="--codings") from None
    with Project.open(state.project_path()) as project:
        moved = service.split(project, key, Code(key=new_key, name=name), ids, coder)
    stdout.print(f"Split {key}: {moved} codings moved to {new_key}")


@codebook.command(name="delete")
@click.argument("key")
@click.option("--force", is_flag=True, help="Also delete the code's codings (asks first).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@coder_option
@click.pass_obj
def delete(state: CliState, key: str, force: bool, yes: bool, coder: str) -> None:
    """Delete a code; refused while it has codings unless --force."""
    with Project.open(state.project_path()) as project:
        if force and not yes:
            count = next((c.codings for c in service.current(project).codes if c.key == key), 0)
            if count:
                click.confirm(f"Delete {key} and its {count} codings? This cannot be undone", abort=True)
        removed = service.delete(project, key, coder, force)
    stdout.print(f"Deleted {key}" + (f" and {removed} codings" if removed else ""))


COMMANDS = [codebook]
