"""``init`` and ``check``: create a project file and verify one."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from casebook.cli.main import CliState
from casebook.cli.options import coder_option
from casebook.cli.output import emit_json, progress_bar, stdout
from casebook.services.codebook import DEFAULT_CODEBOOK, current
from casebook.services.project import Project
from casebook.services.setup import create_project


@click.command()
@click.option("--name", help="The study's name (default: the file name).")
@click.option(
    "--codebook",
    "codebook_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Codebook to start from (default: the bundled four-distance codebook).",
)
@click.option("--no-codebook", is_flag=True, help="Start with an empty codebook.")
@coder_option
@click.pass_obj
def init(
    state: CliState, name: str | None, codebook_file: Path | None, no_codebook: bool, coder: str
) -> None:
    """Create a new project file, readable by you only, with the default codebook."""
    if state.project is None:
        raise click.UsageError("give the new project's file with --project PATH")
    chosen = None if no_codebook else (codebook_file or DEFAULT_CODEBOOK)
    with create_project(state.project, name, chosen, coder) as project:
        codes = len(current(project).codes)
        stdout.print(
            f"Created project {project.name} in {state.project} (owner-only access),"
            f" codebook with {codes} codes"
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--thorough",
    is_flag=True,
    help="Also compare every index with its table (SQLite integrity_check; slower).",
)
@click.pass_obj
def check(state: CliState, as_json: bool, thorough: bool) -> None:
    """Verify the project: schema, links, every span inside its source, text hashes."""
    with Project.open_readonly(state.project_path()) as project, progress_bar(as_json) as progress:
        report = project.check(progress, thorough)
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "schema_version": report.schema_version,
                "counts": report.counts,
                "problems": report.problems,
                "pending_migrations": report.pending,
            }
        )
    else:
        counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
        stdout.print(f"schema version {report.schema_version}; {counts}")
        if report.pending:
            stdout.print(
                f"needs upgrading: migrations {', '.join(report.pending)} are not applied yet;"
                " any other casebook command applies them",
                markup=False,
            )
        for problem in report.problems:
            stdout.print(Text.assemble(("problem: ", "red"), problem))
        stdout.print(
            Text("OK: no problems found", style="green")
            if report.ok
            else f"{len(report.problems)} problem(s)"
        )
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [init, check]
