"""``casebook summary``: a per-case summary from a template, as Markdown or Word."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.output import stdout
from casebook.model.study import CaseKind
from casebook.services import summaries
from casebook.services.project import Project
from casebook.services.reports import ReportFormat


@click.command()
@click.argument("case", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in summaries.SUMMARY_FORMATS]),
    help="md or docx (default: from -o's suffix; with --all, md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write (owner-only, replaced atomically); with --all, an existing folder.",
)
@click.option(
    "--all", "every", is_flag=True, help="A summary of every family case, one file each (F01.md ...)."
)
@click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A summary template (TOML); default: the bundled templates/case_summary.toml.",
)
@click.option(
    "--pseudonymise", is_flag=True, help="Replace listed names and places; stop if one would remain."
)
@click.option(
    "--with-municipality", is_flag=True, help="Also show the family's municipality (off by default)."
)
@click.pass_obj
def summary(
    state: CliState,
    case: str | None,
    fmt: str | None,
    output: Path,
    every: bool,
    template: Path | None,
    pseudonymise: bool,
    with_municipality: bool,
) -> None:
    """Write a summary of CASE from a template: the family in brief, services and their
    status over time, coordination, barriers by distance, enablers, the family's
    experience, change since the previous round and open questions — with attribute
    values, the timeline, counts as count phrases («to av de fire familiene»), memos and
    the most relevant excerpts, labelled «(Forelder 1a, runde 2)», never with names."""
    if every == (case is not None):
        raise click.UsageError("give a CASE, or --all for every family case")
    chosen = summaries.template(template)
    with Project.open_for_reading(state.project_path()) as project:
        if every:
            results = summaries.export_all(
                project,
                output,
                ReportFormat(fmt or "md"),
                chosen,
                pseudonymise,
                with_municipality,
                CaseKind.FAMILY,
            )
        else:
            results = [
                summaries.export(
                    project,
                    str(case),
                    output,
                    ReportFormat(fmt) if fmt else None,
                    chosen,
                    pseudonymise,
                    with_municipality,
                )
            ]
    note = ", pseudonymised" if pseudonymise else ""
    for result in results:
        stdout.print(
            f"Wrote {result.path}: summary of {result.case}, {result.excerpts} excerpts"
            f" ({result.format.value}{note})"
        )
    if every and not results:
        stdout.print("No family case has an interview yet: nothing written")


COMMANDS = [summary]
