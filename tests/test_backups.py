"""Backups and restore (issue 12, item 10): SQLite's online backup API, owner-only files,
rotation, a backup before every codebook merge and every delete that removes codings."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from casebook.storage.schema import MIGRATION_SET, MIGRATIONS
from tests.conftest import fingerprint
from tests.hardening import Run, one_error_line


def backups_of(project: Path) -> list[Path]:
    return sorted(project.with_name(project.name + ".backups").glob("*.casebook"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_a_whole_owner_only_copy(run_cli: Run, demo: Path) -> None:
    old = os.umask(0)
    try:
        result = run_cli("backup", project=demo)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    [made] = backups_of(demo)
    assert str(made) in result.stdout.replace("\n", "")
    assert mode(made.parent) == 0o700 and mode(made) == 0o600
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # one file, no -wal
    assert fingerprint(made) == fingerprint(demo)
    listed = json.loads(run_cli("backup", "--list", "--json", project=demo).stdout)
    assert [(b["file"], b["reason"]) for b in listed] == [(str(made), "manual")]


def test_backups_rotate(run_cli: Run, demo: Path) -> None:
    for _ in range(5):
        assert run_cli("backup", "--keep", "3", project=demo).exit_code == 0
    kept = backups_of(demo)
    assert len(kept) == 3 and all(p.name.endswith("-manual.casebook") for p in kept)


def test_a_backup_is_consistent_while_another_process_writes(run_cli: Run, demo: Path) -> None:
    before = fingerprint(demo)
    writer = sqlite3.connect(demo, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO project_meta (key, value) VALUES ('uncommitted', 'x')")
    try:
        assert run_cli("backup", project=demo).exit_code == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert fingerprint(backups_of(demo)[0]) == before


def test_a_merge_is_backed_up_and_a_restore_undoes_it(run_cli: Run, demo: Path) -> None:
    before = fingerprint(demo)
    merged = run_cli("codebook", "merge", "familie.los", "broer.koordinator", project=demo)
    assert merged.exit_code == 0, merged.stderr
    [made] = backups_of(demo)
    assert made.name.endswith("-before-merge.casebook") and fingerprint(made) == before
    after_merge = fingerprint(demo)
    restored = run_cli("restore", str(made), "--yes", project=demo)
    assert restored.exit_code == 0, restored.stderr
    assert fingerprint(demo) == before
    [safety] = [p for p in backups_of(demo) if p.name.endswith("-before-restore.casebook")]
    assert fingerprint(safety) == after_merge and str(safety) in restored.stdout.replace("\n", "")
    assert json.loads(run_cli("check", "--json", project=demo).stdout)["ok"]


def test_a_delete_that_removes_codings_is_backed_up(run_cli: Run, demo: Path) -> None:
    assert run_cli("codebook", "add", "test.tom", "--name", "Tom", project=demo).exit_code == 0
    assert run_cli("codebook", "delete", "test.tom", project=demo).exit_code == 0
    assert backups_of(demo) == []  # nothing to lose: no backup
    assert run_cli("codebook", "delete", "familie.los", "--force", "--yes", project=demo).exit_code == 0
    [made] = backups_of(demo)
    assert made.name.endswith("-before-delete.casebook")


def test_restore_refuses_what_is_not_a_backup(run_cli: Run, demo: Path, tmp_path: Path) -> None:
    before = fingerprint(demo)
    text = tmp_path / "notat.casebook"
    text.write_text("ikke en database", encoding="utf-8")
    newer = tmp_path / "nyere.casebook"
    shutil.copy(demo, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, '2099-01-01')",
            [MIGRATION_SET, f"{len(MIGRATIONS) + 1:04d}_future"],
        )
    conn.close()
    for backup, words in (
        (text, ("notat.casebook", "not an SQLite file")),
        (newer, ("nyere.casebook", "newer casebook")),
        (demo, ("is the project itself",)),
        (tmp_path / "borte.casebook", ("no project file there",)),
    ):
        one_error_line(run_cli("restore", str(backup), "--yes", project=demo), *words)
    assert fingerprint(demo) == before
