"""Progress bars for long CLI work (issue #8): drawn on a terminal, silent for scripts.

``casebook import`` and ``casebook check`` report progress through one helper in
``cli/output.py``. On a terminal it draws transient bars on stderr; with ``--json`` or
when the output is piped (the click runner is not a terminal) nothing extra is printed
and stdout stays valid JSON.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from casebook.cli.output import progress_bar
from casebook.services.project import Project
from tests.conftest import TRANSCRIPT, write_study


def _terminal() -> tuple[Console, io.StringIO]:
    """A console that believes it writes to a terminal, and what it wrote."""
    written = io.StringIO()
    return Console(file=written, force_terminal=True, width=80), written


def test_the_bar_is_drawn_on_a_terminal() -> None:
    console, written = _terminal()
    with progress_bar(console=console) as progress:
        progress("reading", 1, 3)
        progress("storing", 2, 3)
    shown = written.getvalue()
    assert "reading" in shown and "1/3" in shown
    assert "storing" in shown and "2/3" in shown


def test_quiet_draws_nothing_even_on_a_terminal() -> None:
    console, written = _terminal()
    with progress_bar(quiet=True, console=console) as progress:
        progress("reading", 1, 3)
    assert written.getvalue() == ""


def test_not_a_terminal_draws_nothing() -> None:
    written = io.StringIO()
    with progress_bar(console=Console(file=written, force_terminal=False)) as progress:
        progress("reading", 1, 3)
    assert written.getvalue() == ""


def test_check_reports_every_phase_up_to_its_total(project_path: Path, run_cli: Any) -> None:
    _import_three(project_path, run_cli)
    heard: list[tuple[str, int, int]] = []
    with Project.open_readonly(project_path) as project:
        assert project.check(lambda phase, done, total: heard.append((phase, done, total))).ok
    last = {phase: (done, total) for phase, done, total in heard}
    assert last == {"SQLite": (1, 1), "sources": (3, 3), "spans": (3, 3)}
    assert [done for phase, done, _ in heard if phase == "sources"] == [0, 1, 2, 3]


def test_check_through_the_cli_prints_only_its_report(project_path: Path, run_cli: Any) -> None:
    _import_three(project_path, run_cli)
    plain = run_cli("check")
    assert plain.exit_code == 0 and plain.stderr == ""
    assert "OK: no problems found" in plain.stdout
    assert "━" not in plain.stdout
    as_json = run_cli("check", "--json")
    assert as_json.exit_code == 0 and as_json.stderr == ""
    assert json.loads(as_json.stdout)["counts"]["sources"] == 3


def test_import_of_many_files_prints_no_bar_when_piped(project_path: Path, run_cli: Any) -> None:
    result = _import_three(project_path, run_cli)
    assert result.stderr == ""
    assert [o["status"] for o in json.loads(result.stdout)] == ["new"] * 3
    again = run_cli("import", *_files(project_path.parent, "R2"), "--case", "F01", "--round", "R2")
    assert again.exit_code == 0 and again.stderr == ""
    assert "━" not in again.stdout and "reading" not in again.stdout


def _files(folder: Path, round_key: str = "R1") -> list[str]:
    """Three different transcripts of a round in ``folder``."""
    paths = []
    for number in range(3):
        path = folder / f"intervju_{round_key}_{number}.txt"
        closing = f"\nI: Takk for samtale nummer {number} i {round_key}.\n"
        path.write_text(TRANSCRIPT + closing, encoding="utf-8")
        paths.append(str(path))
    return paths


def _import_three(project_path: Path, run_cli: Any) -> Any:
    """A project with three transcripts imported in one ``import --json`` call."""
    assert run_cli("init", "--no-codebook").exit_code == 0
    study = write_study(project_path.parent)
    files = _files(project_path.parent)
    result = run_cli("import", *files, "--case", "F01", "--round", "R1", "--study", str(study), "--json")
    assert result.exit_code == 0, result.stderr
    return result
