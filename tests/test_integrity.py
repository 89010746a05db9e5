"""`casebook check` finds damage, and a crash in the middle of an import leaves a valid project."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, TRANSCRIPT


def test_check_reports_tampered_text_and_spans(run_cli, demo: Path) -> None:
    assert json.loads(run_cli("check", "--json", project=demo).stdout)["ok"]
    conn = sqlite3.connect(demo)
    with conn:  # a tool that ignores casebook's rules: drop the guards, then damage the file
        conn.execute("DROP TRIGGER sources_text_immutable")
        conn.execute("DROP TRIGGER codings_inside_source")
        conn.execute("DROP TRIGGER codings_inside_source_update")
        conn.execute("UPDATE sources SET text = text || 'x' WHERE id = 1")
        conn.execute('UPDATE codings SET "end" = 10000000 WHERE id = 1')
    conn.close()
    result = run_cli("check", "--json", project=demo)
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and not report["ok"]
    problems = " | ".join(report["problems"])
    assert "does not match its sha256" in problems
    assert "stored length" in problems
    assert "coding 1: span" in problems and "is not inside source" in problems


IMPORTER = """
import sys
from pathlib import Path
sys.path.insert(0, {src!r})
from casebook.model.study import CaseKind, InterviewMeta
from casebook.services.importer import ImportItem, import_files
from casebook.services.project import Project
folder = Path({folder!r})
with Project.open(folder / "p.casebook") as project:
    items = [ImportItem(p, InterviewMeta(case="F01")) for p in sorted(folder.glob("*.txt"))]
    def progress(phase, done, total):
        if phase == "importing" and done == 5:
            print("importing", flush=True)  # the parent kills us now, inside the transaction

    import_files(project, items, progress=progress)
    print("done", flush=True)
"""


def test_killing_an_import_midway_leaves_a_valid_unchanged_project(run_cli, tmp_path: Path) -> None:
    project = tmp_path / "p.casebook"
    run_cli("init", "--no-codebook", project=project)
    run_cli("case", "add", "F01", project=project)
    for number in range(60):
        (tmp_path / f"t{number:03d}.txt").write_text(
            TRANSCRIPT * 400 + f"\nI: nr {number}\n", encoding="utf-8"
        )
    script = IMPORTER.format(src=str(ROOT / "src"), folder=str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "importing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    report = json.loads(run_cli("check", "--json", project=project).stdout)
    assert report["ok"], report["problems"]
    assert report["counts"]["sources"] == 0  # killed inside the batch transaction: nothing went in
    copy = tmp_path / "copy.casebook"
    shutil.copy(project, copy)
    for leftover in ("-wal", "-shm"):
        if Path(str(project) + leftover).exists():
            shutil.copy(str(project) + leftover, str(copy) + leftover)
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_busy_project_gives_a_clear_error_and_loses_nothing(run_cli, tmp_path: Path, monkeypatch) -> None:
    from casebook.storage import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)
    project = tmp_path / "p.casebook"
    run_cli("init", "--no-codebook", project=project)
    run_cli("case", "add", "F01", project=project)
    transcript = tmp_path / "a.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        result = run_cli("import", str(transcript), "--case", "F01", project=project)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"casebook: error: {project}: the project is busy: another casebook is writing to it"
        " (hint: try again in a moment)"
    ]
    assert run_cli("import", str(transcript), "--case", "F01", project=project).exit_code == 0


def test_opening_the_project_again_in_the_same_process_keeps_the_first_connections_log(
    run_cli, tmp_path: Path
) -> None:
    """Closing any descriptor of a file drops this process's POSIX locks on it: a second
    open in the workbench's process (an import job, a search warm-up) must not read the
    file with Python, or another process closing its connection deletes the log in use."""
    from casebook.services import workbench
    from casebook.services.project import Project

    project = tmp_path / "p.casebook"
    assert run_cli("init", project=project).exit_code == 0
    assert run_cli("case", "add", "F01", project=project).exit_code == 0
    (tmp_path / "t.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli("import", str(tmp_path / "t.txt"), "--case", "F01", project=project).exit_code == 0
    with Project.open(project) as first:
        workbench.apply(first, 1, 0, 5, "familie.venting", "ida")
        with Project.open_for_reading(project):
            pass  # a second connection opened and closed in this process
        other = subprocess.run(
            [sys.executable, "-m", "casebook", "--project", str(project), "sources", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "t" in other.stdout
        workbench.apply(first, 1, 10, 20, "familie.venting", "ida")  # into the log in use
        seen = subprocess.run(
            [sys.executable, "-m", "casebook", "--project", str(project), "codings", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
    assert len(json.loads(seen.stdout)) == 2  # another process sees both codings


def test_thorough_check_compares_indexes_and_leaves_the_file_as_it_was(run_cli, demo: Path) -> None:
    before = demo.read_bytes()
    quick = json.loads(run_cli("check", "--json", project=demo).stdout)
    thorough = json.loads(run_cli("check", "--thorough", "--json", project=demo).stdout)
    assert quick["ok"] and thorough["ok"] and quick["counts"] == thorough["counts"]
    assert demo.read_bytes() == before
