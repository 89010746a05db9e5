"""Shared fixtures: real project files in tmp folders, the real CLI, the sample study."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from casebook.cli.main import cli
from casebook.services.project import Project

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_transcripts"
SHARED = ROOT.parent / "shared"


def shared_file(relative: str) -> Path:
    """A file of the team's ``shared/`` folder beside the checkout (REFI schemas, samples).

    Under CI (``CI=true``) a missing file fails the test: the XSD validation must run there.
    On a developer's machine without ``shared/`` the test is skipped."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{path} is missing: CI must validate against the REFI-QDA schemas")
        pytest.skip(f"{path} not present")
    return path


@dataclass
class CliResult:
    """What a researcher sees: exit code, stdout and stderr."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """Where a test's project file lives (not created yet)."""
    return tmp_path / "studie.casebook"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """A new, empty project on disk."""
    with Project.create(project_path, "Teststudie") as opened:
        yield opened


@pytest.fixture
def run_cli(project_path: Path) -> Iterator[object]:
    """Run ``casebook --project <project_path> ARGS`` in-process."""
    runner = CliRunner()

    def run(*args: str, project: Path | None = project_path) -> CliResult:
        full = (["--project", str(project)] if project else []) + list(args)
        result = runner.invoke(cli, full, catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    yield run


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project (sample study + example codings), built once per test run."""
    from casebook.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.casebook"
    build_demo(path)
    return path


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project for one test."""
    copy = tmp_path / "demo.casebook"
    shutil.copy(demo_master, copy)
    copy.chmod(0o600)
    return copy


def fingerprint(path: Path) -> str:
    """Every row of every table, as SQL: equal fingerprints mean an unchanged project."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def write_study(folder: Path, extra: str = "") -> Path:
    """A small study file with two rounds, one family and two parents."""
    path = folder / "study.toml"
    path.write_text(
        """
[[rounds]]
key = "R1"
label = "Runde 1"
baseline = true
[[rounds]]
key = "R2"
label = "Runde 2"
[attributes.case.barnekoordinator]
type = "Boolean"
[[cases]]
key = "F01"
kind = "family"
label = "Familie 1"
[[persons]]
code = "1a"
case = "F01"
role = "mor"
[[persons]]
code = "1b"
case = "F01"
role = "far"
"""
        + extra,
        encoding="utf-8",
    )
    return path


TRANSCRIPT = (
    "Intervju med foreldre i familie 1, runde 1.\n\n"
    "I: Hvordan har samarbeidet med skolen vært?\n\n"
    "Mor: Det er bedre nå. Vi har fått en barnekoordinator, og hun ringer skolen for oss.\n"
    "Men BUP vil fortsatt ikke snakke med skolen uten samtykke på nytt.\n\n"
    "Far: Og det tar tid, hver gang. Vi må kjempe for alt – både søknader og møter.\n\n"
    "I: Kan du fortelle mer om det?\n\n"
    "Mor: Taushetsplikten er egentlig ikke noe problem hos oss. Det er ventetiden. Æ, ø og å.\n"
)
