"""Declare the study: ``study load``, ``case add``, ``round add``."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.output import stdout
from casebook.model.study import CaseKind
from casebook.services.project import Project
from casebook.services.study import load_study


@click.group()
def study() -> None:
    """The study file: rounds, cases, persons and attribute types."""


@study.command(name="load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def study_load(state: CliState, file: Path) -> None:
    """Load (or re-load) a study.toml; all of it is applied, or none."""
    with Project.open(state.project_path()) as project:
        report = load_study(project, file)
    stdout.print(
        f"Loaded {file}: {report.rounds} rounds, {report.cases} cases,"
        f" {report.persons} persons, {report.attributes} attribute types"
    )


@click.group()
def case() -> None:
    """Add or change cases."""


@case.command(name="add")
@click.argument("key")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in CaseKind]),
    default="family",
    show_default=True,
    help="What the case stands for.",
)
@click.option("--label", default="", help="Display label, e.g. 'Familie 1'.")
@click.pass_obj
def case_add(state: CliState, key: str, kind: str, label: str) -> None:
    """Create a case (or update its kind and label)."""
    with Project.open(state.project_path()) as project:
        project.add_case(key, CaseKind(kind), label)
    stdout.print(f"Case {key} ({kind}) saved")


@click.group(name="round")
def round_() -> None:
    """Add or change interview rounds."""


@round_.command(name="add")
@click.argument("key")
@click.option("--label", default="", help="Display label, e.g. 'Runde 1'.")
@click.option("--baseline", is_flag=True, help="Mark this round as the baseline.")
@click.pass_obj
def round_add(state: CliState, key: str, label: str, baseline: bool) -> None:
    """Create a round after the existing ones (or update its label)."""
    with Project.open(state.project_path()) as project:
        project.add_round(key, label, baseline)
    stdout.print(f"Round {key} saved")


COMMANDS = [study, case, round_]
