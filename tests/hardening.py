"""Helpers for the hardening tests (issue 12): the one-line error, and casebook run in a
child process, as another user or with a file-size limit, for faults a test cannot make
in its own process (a read-only file as seen by its non-root owner, a disk that fills up).
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult

Run = Callable[..., CliResult]
AS_ROOT = os.geteuid() == 0
"""Tests run as root in the team's containers, where file permissions do not bite: the
child processes then run as ``nobody`` (through util-linux ``setpriv``) so that they do."""
CHILD = [sys.executable, "-c", "from casebook.cli.main import main; main()"]


def one_error_line(result: CliResult, *words: str) -> str:
    """Non-zero exit, no traceback, one ``casebook: error:`` line on stderr holding every
    one of ``words`` (any case), and no raw control character anywhere."""
    output = result.stdout + result.stderr
    assert result.exit_code != 0, output
    assert "Traceback" not in output, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("casebook: error: "), line
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    assert "\x1b" not in output
    return line


def other_user() -> int | None:
    """The user id children run as: ``nobody`` when the tests run as root, else None."""
    return pwd.getpwnam("nobody").pw_uid if AS_ROOT else None


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder the child user owns (pytest's tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="casebook-hardening-"))
    uid = other_user()
    if uid is not None:
        os.chown(folder, uid, uid)
    try:
        yield folder
    finally:
        folder.chmod(0o700)
        for inner in folder.rglob("*"):
            if inner.is_dir():
                inner.chmod(0o700)
        shutil.rmtree(folder)


def give_to_child(*paths: Path) -> None:
    """Let the child user own ``paths`` (when it is another user)."""
    uid = other_user()
    if uid is not None:
        for path in paths:
            os.chown(path, uid, uid)


def run_child(*args: str, project: Path, file_limit: int | None = None, cwd: Path | None = None) -> CliResult:
    """``casebook --project PROJECT ARGS`` in a child process: as ``nobody`` when the tests
    run as root, and with files limited to ``file_limit`` bytes if given (a full disk)."""
    uid = other_user()

    def prepare() -> None:  # runs in the child, before casebook starts; kept across exec
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    as_user: list[str] = []
    if uid is not None:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot run casebook as another user")
        as_user = [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    done = subprocess.run(
        [*as_user, *CHILD, "--project", str(project), *args],
        capture_output=True,
        text=True,
        preexec_fn=prepare,
        cwd=cwd or project.parent,
        env=env,
        timeout=120,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def beside(project: Path) -> list[str]:
    """The names of the files in the project's folder (to see ``-wal``/``-shm`` left behind)."""
    return sorted(p.name for p in project.parent.iterdir())
