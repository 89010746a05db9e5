"""``init`` and ``check``: create a project file and verify one."""

from __future__ import annotations

import click

from casebook.cli.main import CliState
from casebook.cli.output import emit_json, stdout
from casebook.services.project import Project


@click.command()
@click.option("--name", help="The study's name (default: the file name).")
@click.pass_obj
def init(state: CliState, name: str | None) -> None:
    """Create a new project file, readable by you only."""
    path = state.project_path() if state.project else None
    if path is None:
        raise click.UsageError("give the new project's file with --project PATH")
    with Project.create(path, name) as project:
        stdout.print(f"Created project [bold]{project.name}[/bold] in {path} (owner-only access)")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def check(state: CliState, as_json: bool) -> None:
    """Verify the project: schema, links, every span inside its source, text hashes."""
    with Project.open(state.project_path()) as project:
        report = project.check()
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "schema_version": report.schema_version,
                "counts": report.counts,
                "problems": report.problems,
            }
        )
    else:
        counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
        stdout.print(f"schema version {report.schema_version}; {counts}")
        for problem in report.problems:
            stdout.print(f"[red]problem:[/red] {problem}")
        stdout.print(
            "[green]OK: no problems found[/green]" if report.ok else f"{len(report.problems)} problem(s)"
        )
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [init, check]
