"""``casebook report``: a Word, Markdown, CSV or Excel report of coded excerpts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from casebook.cli.main import CliState
from casebook.cli.output import progress_bar, stdout
from casebook.model.study import CaseKind
from casebook.services import reports
from casebook.services.project import Project
from casebook.services.reports import ReportFormat, ReportSpec


def _listed(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated option as a tuple (None when the option was not given)."""
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _overrides(options: dict[str, Any]) -> dict[str, Any]:
    """What the command line says, in ReportSpec's terms; options not given are left out."""
    given: dict[str, Any] = {}
    for name in ("codes", "cases", "rounds", "coders"):
        listed = _listed(options[name])
        if listed is not None:
            given[name] = listed
    if options["kinds"] is not None:
        given["kinds"] = tuple(CaseKind(k) for k in _listed(options["kinds"]) or ())
    for name in ("title", "memos", "chart", "pseudonymise", "with_municipality", "dated"):
        if options[name] is not None:
            given[name] = options[name]
    if options["matrix"] is not None:
        given["matrix"] = None if options["matrix"] == "none" else options["matrix"]
    if options["fmt"] is not None:
        given["format"] = ReportFormat(options["fmt"])
    return given


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in ReportFormat]),
    help="docx, md, csv or xlsx (default: the recipe's, else from -o's suffix).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write: owner-only, replaced atomically, never half-written.",
)
@click.option(
    "--recipe",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A report recipe (TOML); options given here override it.",
)
@click.option("--codes", help="Codes to report, comma-separated, each with its sub-codes (default: all).")
@click.option("--case", "cases", help="Only these cases (comma-separated).")
@click.option("--round", "rounds", help="Only these rounds (comma-separated).")
@click.option("--coder", "coders", help="Only these coders' codings (comma-separated).")
@click.option("--kind", "kinds", help="Only cases of these kinds: family, municipality, other.")
@click.option("--title", help="The report's title.")
@click.option(
    "--pseudonymise/--no-pseudonymise",
    default=None,
    help="Replace listed names and places; stop if one would still appear.",
)
@click.option(
    "--with-municipality/--without-municipality",
    "with_municipality",
    default=None,
    help="Also show which municipality a family belongs to (off by default).",
)
@click.option("--memos/--no-memos", default=None, help="Include coding and code memos.")
@click.option(
    "--matrix",
    type=click.Choice(["cases", "rounds", "none"]),
    help="Add a table of excerpts per code and case (or round).",
)
@click.option("--chart/--no-chart", default=None, help="Add the code-frequency chart (docx, md).")
@click.option("--dated/--undated", default=None, help="Put today's date on the title page.")
@click.pass_obj
def report(state: CliState, /, output: Path | None, recipe: Path | None, **options: Any) -> None:
    """Write a report of coded excerpts: a chapter per root code, quotes with their labels.

    Re-running the same recipe gives the same file. With --pseudonymise, an export that
    would still show a listed name stops, naming the name and where it is."""
    if options["kinds"] is not None:
        for kind in _listed(options["kinds"]) or ():
            if kind not in {k.value for k in CaseKind}:
                raise click.BadParameter(
                    f"{kind!r} is not family, municipality or other", param_hint="--kind"
                )
    spec = reports.recipe(recipe) if recipe is not None else ReportSpec()
    spec = replace(spec, **_overrides(options))
    with Project.open_for_reading(state.project_path()) as project, progress_bar() as progress:
        result = reports.export(project, spec, output, progress)
    note = ", pseudonymised" if result.pseudonymised else ""
    stdout.print(f"Wrote {result.path}: {result.excerpts} excerpts ({result.format.value}{note})")


COMMANDS = [report]
