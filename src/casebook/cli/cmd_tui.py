"""``tui`` and ``demo``: open the coding workbench."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.options import coder_option
from casebook.cli.output import stdout


def _run_tui(project: Path, coder: str) -> None:
    from casebook.tui.app import create_app

    app = create_app(project, coder)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)


@click.command()
@coder_option
@click.pass_obj
def tui(state: CliState, coder: str) -> None:
    """Open the coding workbench on a project."""
    from casebook.services.project import Project

    path = state.project_path()
    Project.open(path).close()  # a clear error before the screen is taken over
    _run_tui(path, coder)


@click.command()
@click.option("--no-tui", is_flag=True, help="Only build the demo project (for scripts and tests).")
@click.option("--fresh", is_flag=True, help="Rebuild the demo project even if it exists.")
@coder_option
@click.pass_obj
def demo(state: CliState, no_tui: bool, fresh: bool, coder: str) -> None:
    """Build a demo project from the bundled sample study and open it.

    The demo lives in --project if given, else in your user data folder
    (~/.local/share/casebook/demo.casebook); it is rebuilt when missing or with --fresh.
    """
    from casebook.services.demo import build_demo, default_demo_path

    path = state.project or default_demo_path()
    if fresh or no_tui or not path.exists():
        report = build_demo(path)
        stdout.print(
            f"Demo project with {report.sources} sources and {report.codings} example codings: {path}"
        )
    if not no_tui:
        _run_tui(path, coder)


COMMANDS = [tui, demo]
