"""``casebook pseudonyms add|list|remove|load``: the names and places exports replace."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.model.pseudonyms import PseudonymKind
from casebook.services import pseudonyms as service
from casebook.services.project import Project


@click.group()
def pseudonyms() -> None:
    """Names and places that every export with --pseudonymise replaces (transcripts never change)."""


@pseudonyms.command(name="add")
@click.argument("term")
@click.argument("replacement", required=False, default="")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in PseudonymKind]),
    default=PseudonymKind.PERSON.value,
    show_default=True,
    help="What TERM names; places and schools also match definite forms (Nordåsen).",
)
@click.option("--person", default=None, help="Participant code: write that participant's label instead.")
@click.pass_obj
def pseudonyms_add(state: CliState, term: str, replacement: str, kind: str, person: str | None) -> None:
    """Add TERM (or change it): exports write REPLACEMENT, e.g. Emil -> [barnet]."""
    with Project.open(state.project_path()) as project:
        entry = service.add(project, term, replacement, PseudonymKind(kind), person)
    stdout.print(f"{entry.term} -> {entry.replacement} ({entry.kind.value})")


@pseudonyms.command(name="list")
@json_option
@click.pass_obj
def pseudonyms_list(state: CliState, as_json: bool) -> None:
    """List the terms and what exports write instead."""
    with Project.open_for_reading(state.project_path()) as project:
        entries = service.listed(project)
    rows = [
        {"term": p.term, "replacement": p.replacement, "kind": p.kind.value, "person": p.person}
        for p in entries
    ]
    if as_json:
        emit_json(rows)
        return
    table(
        "Pseudonyms",
        ["term", "replacement", "kind", "participant"],
        [(r["term"], r["replacement"], r["kind"], r["person"] or "") for r in rows],
    )


@pseudonyms.command(name="remove")
@click.argument("term")
@click.pass_obj
def pseudonyms_remove(state: CliState, term: str) -> None:
    """Take TERM off the list."""
    with Project.open(state.project_path()) as project:
        removed = service.remove(project, term)
    stdout.print(f"Removed {removed.term}")


@pseudonyms.command(name="load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def pseudonyms_load(state: CliState, file: Path) -> None:
    """Add or update the terms of FILE's [pseudonyms] table (a study file works too)."""
    with Project.open(state.project_path()) as project:
        change = service.load(project, file)
    stdout.print(f"Loaded {file}: {change.added} added, {change.updated} updated")


COMMANDS = [pseudonyms]
