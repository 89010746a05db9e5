"""Faults of the project file itself (issue 12, items 1-3 and the damaged page of item 5):
a full disk, a read-only file or folder, a writer holding the file, a damaged page.

Each test says what the researcher sees (one line, exit code, no traceback) and that the
project holds exactly the work that was committed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from casebook.storage import connection
from casebook.storage.connection import BUSY_TIMEOUT_MS, ProjectDB
from tests.conftest import TRANSCRIPT, fingerprint
from tests.hardening import Run, beside, give_to_child, one_error_line, run_child, shared_folder

__all__ = ["shared_folder"]  # a fixture, used by name


def long_transcript(paragraphs: int = 1500) -> str:
    """A transcript of some 300 KB (big enough to need new pages in the project file)."""
    return "\n\n".join(f"I: Spørsmål {n}?\n\nMor: {TRANSCRIPT[200:400]} ({n})" for n in range(paragraphs))


def frozen_fingerprint(path: Path) -> str:
    """Every row of the project, read without making ``-wal``/``-shm`` files beside it
    (``immutable=1``: only while nothing writes to it, as in these tests)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def small_project(run_cli: Run, shared_folder: Path) -> Path:
    """A project with case F01 in a folder the child processes may use."""
    project = shared_folder / "studie.casebook"
    assert run_cli("init", project=project).exit_code == 0
    assert run_cli("case", "add", "F01", "--kind", "family", project=project).exit_code == 0
    assert beside(project) == ["studie.casebook"]
    return project


# ---------------------------------------------------------------- 1. a full disk


def test_a_disk_full_during_an_import_saves_nothing_and_says_so(
    run_cli: Run, small_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite reports the disk full while the import writes (here: the file may not grow
    past its size): the whole import is rolled back, the message says so, reads work."""
    transcript = small_project.parent / "intervju_F01_R1.txt"
    transcript.write_text(long_transcript(), encoding="utf-8")
    before = fingerprint(small_project)
    real_connect = connection._connect

    def full_disk(path: Path, uri: str | None = None) -> connection.Db:
        db = real_connect(path, uri)
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        db.execute(f"PRAGMA max_page_count = {pages + 2}")
        return db

    monkeypatch.setattr(connection, "_connect", full_disk)
    line = one_error_line(
        run_cli("import", str(transcript), "--case", "F01", project=small_project),
        f"{small_project}: the disk is full while importing intervju_F01_R1.txt",
        "nothing of this import was saved",
        "the project is as it was before it",
        "free some space",
    )
    assert "nothing was written" not in line
    assert fingerprint(small_project) == before
    # reading commands still work on the full disk
    listed = run_cli("sources", "--json", project=small_project)
    assert listed.exit_code == 0 and json.loads(listed.stdout) == [], listed.stderr
    assert run_cli("check", project=small_project).exit_code == 0


def _limit_between_log_and_file(run_cli: Run, project: Path, transcript: Path) -> int:
    """A file-size limit that the import's write-ahead log fits under but the project file,
    grown by the import, does not: measured on a copy whose log is kept for the count."""
    trial = project.with_name("trial.casebook")
    shutil.copy(project, trial)
    keep = sqlite3.connect(trial)  # a second reader: closing casebook's connection keeps the log
    keep.execute("SELECT count(*) FROM cases").fetchone()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProjectDB, "_fold_log", lambda self: None)
        assert run_cli("import", str(transcript), "--case", "F01", project=trial).exit_code == 0
    log = Path(f"{trial}-wal").stat().st_size
    keep.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    keep.close()
    grown = trial.stat().st_size
    for leftover in trial.parent.glob("trial.casebook*"):
        leftover.unlink()
    assert project.stat().st_size < log < grown, (project.stat().st_size, log, grown)
    return (log + grown) // 2


def test_a_disk_that_fills_up_after_the_commit_keeps_the_work_and_says_where(
    run_cli: Run, small_project: Path
) -> None:
    """The import's commit fits in the write-ahead log, but copying the log into the project
    file fills the disk (the statement that used to turn a saved import into "nothing was
    written"): the import reports success, a warning says where the work is, reads work and
    see it, re-importing says unchanged, and once there is room the log is folded in."""
    transcript = small_project.parent / "intervju_F01_R1.txt"
    transcript.write_text(long_transcript(), encoding="utf-8")
    limit = _limit_between_log_and_file(run_cli, small_project, transcript)
    give_to_child(small_project, transcript)
    imported = run_child("import", str(transcript), "--case", "F01", project=small_project, file_limit=limit)
    assert imported.exit_code == 0, imported.stderr
    assert "1 new," in imported.stdout and "Traceback" not in imported.stderr
    [warning] = imported.stderr.splitlines()
    assert warning.startswith(f"casebook: warning: {small_project}: the disk is full or failing")
    assert "kept in studie.casebook-wal beside the project" in warning
    assert "keep the two files together and free some space" in warning
    listed = run_child("sources", "--json", project=small_project, file_limit=limit)
    assert listed.exit_code == 0, listed.stderr
    assert [s["name"] for s in json.loads(listed.stdout)] == ["intervju_F01_R1"]
    again = run_child("import", str(transcript), "--case", "F01", project=small_project, file_limit=limit)
    assert again.exit_code == 0 and "1 unchanged" in again.stdout, again.stderr
    # space again: the next writing command folds the log into the file
    assert run_cli("case", "add", "F02", "--kind", "family", project=small_project).exit_code == 0
    assert beside(small_project) == ["intervju_F01_R1.txt", "studie.casebook"]
    assert "intervju_F01_R1" in frozen_fingerprint(small_project)


# ---------------------------------------------------------------- 2. a read-only project


def test_a_read_only_project_stays_readable_and_leaves_nothing_behind(
    run_cli: Run, small_project: Path
) -> None:
    """chmod 444 as the file's (non-root) owner: every reading command works, every time,
    and makes no ``-wal``/``-shm`` files; a writing command says why it cannot write."""
    before = frozen_fingerprint(small_project)
    give_to_child(small_project)
    small_project.chmod(0o444)
    reading = (
        ["sources"],
        ["cases", "--json"],
        ["check"],
        ["codebook", "show"],
        ["timeline", "F01"],
        ["changes", "F01"],
        ["direction", "history"],
        ["event", "list"],
        ["suggest", "list"],
        ["sources"],
        ["check"],
    )
    for args in reading:
        result = run_child(*args, project=small_project)
        assert result.exit_code == 0, (args, result.stderr)
        assert beside(small_project) == ["studie.casebook"], args
    assert json.loads(run_child("cases", "--json", project=small_project).stdout)[0]["id"] == "F01"
    one_error_line(
        run_child("case", "add", "F02", "--kind", "family", project=small_project),
        f"{small_project}: the project file is read-only; nothing was written",
        "chmod u+w",
        "reading commands work as it is",
    )
    assert beside(small_project) == ["studie.casebook"]
    assert frozen_fingerprint(small_project) == before


def test_a_project_in_a_read_only_folder_is_read_without_files_beside_it(
    run_cli: Run, small_project: Path
) -> None:
    """A read-only folder (like a read-only mount): reads work, writes say which is read-only."""
    give_to_child(small_project)
    folder = small_project.parent
    folder.chmod(0o555)
    try:
        result = run_child("cases", "--json", project=small_project)
        assert result.exit_code == 0, result.stderr
        assert [c["id"] for c in json.loads(result.stdout)] == ["F01"]
        one_error_line(
            run_child("case", "add", "F02", project=small_project),
            "the folder of the project file is read-only",
        )
        assert beside(small_project) == ["studie.casebook"]
    finally:
        folder.chmod(0o755)


def test_a_read_only_project_with_work_in_its_log_is_read_whole(run_cli: Run, small_project: Path) -> None:
    """A crash left committed work in the ``-wal`` file and then the project was made
    read-only: reads include that work, and the ``-shm`` file made to read it is removed."""
    writer = sqlite3.connect(small_project, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO cases (key, kind, label) VALUES ('F07', 'family', 'in the log only')")
    snapshot = small_project.with_name("kopi.casebook")
    shutil.copy(small_project, snapshot)
    shutil.copy(Path(f"{small_project}-wal"), Path(f"{snapshot}-wal"))
    writer.close()
    small_project.unlink()
    give_to_child(snapshot, Path(f"{snapshot}-wal"))
    snapshot.chmod(0o444)
    Path(f"{snapshot}-wal").chmod(0o444)
    result = run_child("cases", "--json", project=snapshot)
    assert result.exit_code == 0, result.stderr
    assert [c["id"] for c in json.loads(result.stdout)] == ["F01", "F07"]
    assert beside(snapshot) == ["kopi.casebook", "kopi.casebook-wal"]


# ---------------------------------------------------------------- 3. reads never wait


def test_reads_never_wait_for_a_writer(run_cli: Run, demo: Path) -> None:
    """While another process holds a write transaction, reading commands answer at once
    (they used to wait the 5 s busy timeout, to checkpoint or migrate)."""
    holder = sqlite3.connect(demo, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO project_meta (key, value) VALUES ('holding', 'the write lock')")
    reads = [
        ["sources"],
        ["cases"],
        ["persons"],
        ["memos"],
        ["codings", "--json"],
        ["segments", "--code", "familie", "--limit", "3"],
        ["search", "skolen"],
        ["matrix"],
        ["codebook", "show"],
        ["check"],
    ]
    try:
        for args in reads:
            started = time.monotonic()
            result = run_cli(*args, project=demo)
            took = time.monotonic() - started
            assert result.exit_code == 0, (args, result.stderr)
            assert took < BUSY_TIMEOUT_MS / 1000 / 2, (args, took)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ---------------------------------------------------------------- 5. a damaged page


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_page_is_named_by_reads_and_refused_by_writes(run_cli: Run, demo: Path) -> None:
    """A damaged leaf of the codings table: ``codings`` says the project is damaged instead
    of a traceback, and ``code`` refuses to write into it although its own insert would
    not have touched the damaged page; both point to ``casebook check``."""
    source = json.loads(run_cli("sources", "--json", project=demo).stdout)[-1]["name"]
    conn = sqlite3.connect(demo)
    leaf = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'codings' AND pagetype = 'leaf' ORDER BY path LIMIT 1"
    ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with demo.open("r+b") as handle:
        handle.seek((leaf - 1) * page_size)
        handle.write(b"\xff" * 16)
    before = _digest(demo)
    for args in (["codings"], ["codings", "--json"], ["code", source, "0", "5", "broer"]):
        one_error_line(
            run_cli(*args, project=demo),
            f"{demo}: the project file is damaged",
            "see what is damaged with: casebook check",
        )
    assert _digest(demo) == before
    report = run_cli("check", project=demo)
    assert report.exit_code != 0 and "Traceback" not in report.stderr
