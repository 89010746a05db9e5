"""How ``v2_project.casebook`` was made: by the casebook that wrote schema 2, not by today's.

Run from the repository root with the project's venv: ``.venv/bin/python
tests/data/make_v2_project.py``. It checks out commit ``OLD_COMMIT`` (the last casebook
before migration ``0003_identities``) in a temporary git worktree and drives that
version's own CLI. The few things that version could only do from its workbench (memos on
a case or a code) or that only an older release did (a duplicate coding) are written with
the SQL those versions ran. The result is committed; the tests never rebuild it, so a
later change to an old migration cannot hide itself.

What the file holds, and what the upgrade tests rely on:
- the default codebook (47 codes) and a 48th code, ``test.slettes``, deleted after a memo
  was written on it: memo 1 points at code 48, which no longer exists;
- one family (F01), two rounds, two parents, one transcript, two coders (ida, ola);
- six codings, two of them identical (ida, 100-200, familie.venting), one carrying the
  memo ``duplikat-memo``; coding 1 carries ``første [latter]``;
- memos on the case and on ``broer.koordinator`` (with ``[b]x[/b]`` in it).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

OLD_COMMIT = "efec004ba8b59d786810feb44b39283434fd600a"
ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "v2_project.casebook"

sys.path.insert(0, str(ROOT))
from tests.conftest import TRANSCRIPT, write_study  # noqa: E402


def main() -> None:
    """Build ``OUT`` with the old casebook."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = folder / "old"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", str(old), OLD_COMMIT], check=True)
        try:
            _build(folder, old)
        finally:
            subprocess.run([*git, "remove", "--force", str(old)], check=True)


def _build(folder: Path, old: Path) -> None:
    project = folder / "v2.casebook"
    env = {**os.environ, "PYTHONPATH": str(old / "src"), "CASEBOOK_PROJECT": str(project)}

    def casebook(*args: str, coder: str = "ida") -> None:
        subprocess.run(
            [sys.executable, "-m", "casebook", *args], env={**env, "CASEBOOK_CODER": coder}, check=True
        )

    transcript = folder / "F01_R1_foreldre.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    casebook("init", "--name", "Gammel studie")
    casebook("study", "load", str(write_study(folder)))
    casebook("import", str(transcript), "--case", "F01", "--round", "R1", "--informant", "1a")
    casebook("codebook", "add", "test.slettes", "--name", "Slettes")
    _memo(project, "code", "test.slettes", "Memo på en kode som slettes")
    casebook("codebook", "delete", "test.slettes", "--yes")
    casebook("code", "F01_R1_foreldre", "0", "50", "broer.koordinator", "--memo", "første [latter]")
    casebook("code", "F01_R1_foreldre", "100", "200", "familie.venting")
    casebook("code", "F01_R1_foreldre", "210", "300", "familie.kamp_belastning")
    casebook("code", "F01_R1_foreldre", "0", "50", "broer.koordinator", coder="ola")
    casebook("code", "F01_R1_foreldre", "300", "400", "strukturell.taushetsplikt", coder="ola")
    _sql(
        project,
        'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at, memo, revision)'
        " SELECT source_id, start, \"end\", code_id, coder_id, created_at, 'duplikat-memo', revision"
        " FROM codings WHERE start = 100",
    )
    _memo(project, "case", "F01", "Familie 1: memo")
    _memo(project, "code", "broer.koordinator", "Koordinator-memo [b]x[/b]")
    _sql(project, "PRAGMA wal_checkpoint(TRUNCATE)")
    _sql(project, "PRAGMA journal_mode = DELETE")
    _sql(project, "VACUUM")
    OUT.write_bytes(project.read_bytes())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


def _memo(path: Path, kind: str, key: str, text: str) -> None:
    """A memo on a case or code, as the old workbench wrote it."""
    table = {"case": "cases", "code": "codes"}[kind]
    _sql(
        path,
        "INSERT INTO memos (target_kind, target_id, text, created_at, updated_at)"
        f" SELECT ?, id, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z' FROM {table} WHERE key = ?",
        kind,
        text,
        key,
    )


def _sql(path: Path, statement: str, *params: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(statement, params)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
