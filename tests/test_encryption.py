"""Encryption at rest (issue 12, item 11): ``casebook encrypt`` / ``decrypt`` with SQLCipher,
the passphrase from ``CASEBOOK_PASSPHRASE``, and every command working on the encrypted
project as on the plain one. Real files, the real CLI; the sample study's demo project."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casebook.errors import InvalidValue
from casebook.services import encryption
from casebook.storage import encryption as store
from casebook.storage.schema import MIGRATIONS
from tests.conftest import TRANSCRIPT, CliResult
from tests.hardening import CHILD, Run, beside, one_error_line

sqlcipher: Any = pytest.importorskip("sqlcipher3.dbapi2")

ENV = "CASEBOOK_PASSPHRASE"
PASSPHRASE = "korrekt hest batteri stift"
WORDS = (b"Solsikken", b"barnehagen", "Lysåsen".encode())
"""Words of the sample transcript F01_R1_foreldre that must not be readable in the file."""
COMMANDS = [
    ("cases",),
    ("sources",),
    ("segments", "--code", "familie.personavhengighet", "--case", "F01"),
    ("codings", "--source", "F01_R1_foreldre", "--json"),
    ("search", "Solsikken"),
]


@pytest.fixture(autouse=True)
def no_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new run would: no passphrase in the environment."""
    monkeypatch.delenv(ENV, raising=False)


def dump(conn: Any) -> list[tuple[object, ...]]:
    """The schema and every row of every table, in a fixed order."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    found: list[tuple[object, ...]] = sorted(
        conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    )
    for name in names:
        found.append((name, sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))))
    found.append(("user_version", conn.execute("PRAGMA user_version").fetchone()[0]))
    found.append(("journal_mode", conn.execute("PRAGMA journal_mode").fetchone()[0]))
    return found


def plain_dump(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dump(conn)
    finally:
        conn.close()


def cipher_conn(path: Path, key: str = PASSPHRASE) -> Any:
    conn = sqlcipher.connect(str(path))
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.set_key(key)
    return conn


def cipher_dump(path: Path, key: str = PASSPHRASE) -> list[tuple[object, ...]]:
    conn = cipher_conn(path, key)
    try:
        return dump(conn)
    finally:
        conn.close()


def journal_mode(conn: Any) -> str:
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="session")
def encrypted_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project encrypted with ``PASSPHRASE``, made once per test run."""
    path = tmp_path_factory.mktemp("encrypted") / "demo.casebook"
    shutil.copy(demo_master, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, PASSPHRASE)
        encryption.encrypt(path, PASSPHRASE)
    return path


@pytest.fixture
def encrypted(encrypted_master: Path, tmp_path: Path) -> Path:
    """A private copy of the encrypted demo project for one test."""
    copy = tmp_path / "demo.casebook"
    shutil.copy(encrypted_master, copy)
    copy.chmod(0o600)
    return copy


def encrypt(run_cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)
    result = run_cli("encrypt", project=project)
    assert result.exit_code == 0, result.stderr
    assert str(project) in result.stdout.replace("\n", "")


def test_an_encrypted_project_hides_its_text_and_every_command_works(
    run_cli: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = [run_cli(*command, project=demo) for command in COMMANDS]
    assert all(r.exit_code == 0 and r.stdout for r in before)
    original = plain_dump(demo)
    encrypt(run_cli, demo, monkeypatch)

    raw = demo.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert not any(word in raw for word in WORDS)
    assert mode(demo) == 0o600 and beside(demo) == ["demo.casebook"]
    assert cipher_dump(demo) == original  # the same rows, and in write-ahead log mode

    after = [run_cli(*command, project=demo) for command in COMMANDS]
    assert [(r.exit_code, r.stdout, r.stderr) for r in after] == [
        (r.exit_code, r.stdout, r.stderr) for r in before
    ]
    transcript = tmp_path / "K2_R2_ny.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    imported = run_cli("import", str(transcript), "--case", "K2", "--round", "R2", project=demo)
    assert imported.exit_code == 0, imported.stderr
    assert "K2_R2_ny" in run_cli("search", "ventetiden", project=demo).stdout
    checked = json.loads(run_cli("check", "--json", project=demo).stdout)
    assert checked["ok"] and checked["counts"]["sources"] == 18
    raw = demo.read_bytes()
    assert b"ventetiden" not in raw and b"barnekoordinator" not in raw
    assert PASSPHRASE.encode() not in raw
    assert mode(demo) == 0o600 and beside(demo) == ["K2_R2_ny.txt", "demo.casebook"]


def test_a_wrong_or_missing_passphrase_is_one_line_and_changes_nothing(
    run_cli: Run, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = encrypted
    raw, files = demo.read_bytes(), beside(demo)
    monkeypatch.setenv(ENV, "feil passord")
    for command in [("cases",), ("check",), ("decrypt",)]:
        result = run_cli(*command, project=demo)
        one_error_line(result, str(demo), "wrong passphrase")
        assert (demo.read_bytes(), beside(demo)) == (raw, files), command
    monkeypatch.delenv(ENV)
    for command in [("cases",), ("check",), ("decrypt",)]:
        result = run_cli(*command, project=demo)
        one_error_line(result, str(demo), "encrypted", ENV)
        assert (demo.read_bytes(), beside(demo)) == (raw, files), command


def test_decrypt_gives_back_the_plain_project(
    run_cli: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = plain_dump(demo)
    assert run_cli("backup", project=demo).exit_code == 0
    [plain_backup] = (demo.parent / "demo.casebook.backups").glob("*.casebook")
    monkeypatch.setenv(ENV, PASSPHRASE)
    told = run_cli("encrypt", "--json", project=demo)
    assert json.loads(told.stdout) == {
        "project": str(demo),
        "encrypted": True,
        "plain_backups": [str(plain_backup)],
    }
    result = run_cli("decrypt", "--json", project=demo)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"project": str(demo), "encrypted": False}
    assert demo.read_bytes().startswith(b"SQLite format 3\x00")
    assert plain_dump(demo) == original
    assert journal_mode(sqlite3.connect(demo)) == "wal"
    assert mode(demo) == 0o600 and beside(demo) == ["demo.casebook", "demo.casebook.backups"]
    monkeypatch.delenv(ENV)
    assert json.loads(run_cli("check", "--json", project=demo).stdout)["ok"]


def test_each_command_refuses_the_wrong_kind_of_file(
    run_cli: Run, demo: Path, encrypted_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = demo.read_bytes()
    one_error_line(run_cli("encrypt", project=demo), str(demo), "no passphrase given", ENV)
    monkeypatch.setenv(ENV, "   ")
    one_error_line(run_cli("encrypt", project=demo), str(demo), "empty passphrase")
    monkeypatch.setenv(ENV, PASSPHRASE)
    one_error_line(run_cli("decrypt", project=demo), str(demo), "is not encrypted")
    assert demo.read_bytes() == plain and beside(demo) == ["demo.casebook"]

    shutil.copy(encrypted_master, demo)
    encrypted = demo.read_bytes()
    one_error_line(run_cli("encrypt", project=demo), str(demo), "already encrypted")
    assert demo.read_bytes() == encrypted and beside(demo) == ["demo.casebook"]

    text = tmp_path / "notat.casebook"
    text.write_text("Notater fra intervjuet med familie 1.\n", encoding="utf-8")
    for command in ("encrypt", "decrypt", "cases"):
        one_error_line(run_cli(command, project=text), str(text), "not an SQLite file")
    with pytest.raises(InvalidValue):
        encryption.encrypt(demo, "")


@pytest.mark.parametrize(
    ("direction", "failure"),
    [("encrypt", "replace"), ("encrypt", "interrupt"), ("decrypt", "verification")],
)
def test_a_failure_midway_leaves_the_project_as_it_was(
    run_cli: Run,
    demo: Path,
    encrypted_master: Path,
    monkeypatch: pytest.MonkeyPatch,
    direction: str,
    failure: str,
) -> None:
    if direction == "decrypt":
        shutil.copy(encrypted_master, demo)
    monkeypatch.setenv(ENV, PASSPHRASE)
    read = plain_dump if direction == "encrypt" else cipher_dump
    before, files = read(demo), beside(demo)

    if failure == "verification":  # an export that lost a row: the check must see it
        export = store._export

        def lossy(source: Any, part: Path, key: str | None, version: int) -> None:
            export(source, part, key, version)
            copy = cipher_conn(part, key) if key else sqlite3.connect(part)
            copy.execute("DELETE FROM codings WHERE id = (SELECT max(id) FROM codings)")
            copy.commit()
            copy.close()

        monkeypatch.setattr(store, "_export", lossy)
    else:
        error = OSError(28, "No space left on device") if failure == "replace" else KeyboardInterrupt()

        def fail(*_args: object) -> None:
            raise error

        monkeypatch.setattr(os, "replace", fail)
    result = run_cli(direction, project=demo)
    monkeypatch.undo()
    monkeypatch.setenv(ENV, PASSPHRASE)

    assert result.exit_code != 0 and "Traceback" not in result.stderr
    if failure != "interrupt":
        one_error_line(result, str(demo), "nothing was changed")
    assert read(demo) == before and beside(demo) == files and mode(demo) == 0o600  # in WAL mode again


def test_encrypt_is_refused_while_another_casebook_has_the_project_open(
    run_cli: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            " c.execute('SELECT count(*) FROM sources').fetchone(); print('open', flush=True);"
            " sys.stdin.read()",
            str(demo),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        before = plain_dump(demo)
        monkeypatch.setenv(ENV, PASSPHRASE)
        one_error_line(run_cli("encrypt", project=demo), str(demo), "open in another casebook")
    finally:
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=10)
    assert beside(demo) == ["demo.casebook"] and plain_dump(demo) == before
    assert journal_mode(sqlite3.connect(demo)) == "wal"


def test_backups_of_an_encrypted_project_are_encrypted_and_restore(
    run_cli: Run, encrypted: Path, demo_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = encrypted
    monkeypatch.setenv(ENV, PASSPHRASE)
    assert run_cli("backup", project=demo).exit_code == 0
    [made] = (demo.parent / "demo.casebook.backups").glob("*.casebook")
    raw = made.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and not any(word in raw for word in WORDS)
    before = cipher_dump(demo)
    assert mode(made) == 0o600

    assert run_cli("codebook", "add", "test.ny", "--name", "Ny kode", project=demo).exit_code == 0
    restored = run_cli("restore", str(made), "--yes", project=demo)
    assert restored.exit_code == 0, restored.stderr
    assert cipher_dump(demo) == before

    plain = tmp_path / "plain.casebook"
    shutil.copy(demo_master, plain)
    one_error_line(
        run_cli("restore", str(plain), "--yes", project=demo), str(plain), "not encrypted with this project's"
    )
    one_error_line(run_cli("restore", str(made), "--yes", project=plain), str(made), "is encrypted")


async def test_the_workbench_opens_an_encrypted_project(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casebook.tui.app import create_app
    from casebook.tui.config import Config
    from casebook.tui.screens.coding import CodingScreen
    from casebook.tui.screens.overview import OverviewScreen

    monkeypatch.setenv(ENV, PASSPHRASE)
    app = create_app(encrypted, "tester", Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.source is not None and app.screen.source.name == "F01_R1_foreldre"


def test_an_encrypted_project_of_an_older_casebook_is_upgraded(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The migrations (sqlite-utils) run on a SQLCipher connection as on a plain one."""
    old = tmp_path / "gammel.casebook"
    conn = sqlcipher.connect(str(Path(__file__).parent / "data" / "v2_project.casebook"))
    conn.execute("ATTACH DATABASE ? AS enc KEY ?", [str(old), PASSPHRASE])
    conn.execute("SELECT sqlcipher_export('enc')")
    conn.execute(f"PRAGMA enc.user_version = {conn.execute('PRAGMA user_version').fetchone()[0]}")
    conn.execute("DETACH DATABASE enc")
    conn.close()
    old.chmod(0o600)
    monkeypatch.setenv(ENV, PASSPHRASE)
    listed = run_cli("cases", project=old)
    assert listed.exit_code == 0 and "F01" in listed.stdout, listed.stderr
    checked = json.loads(run_cli("check", "--json", project=old).stdout)
    assert checked["schema_version"] == len(MIGRATIONS) and checked["pending_migrations"] == []
    assert checked["counts"]["codings"] == 5  # the fixture's duplicate folded by migration 0003
    assert not old.read_bytes().startswith(b"SQLite format 3")


def test_without_the_binding_casebook_says_how_to_install_it(
    encrypted: Path, demo_master: Path, tmp_path: Path
) -> None:
    demo, plain = encrypted, tmp_path / "plain.casebook"
    shutil.copy(demo_master, plain)
    unchanged = (demo.read_bytes(), plain.read_bytes())
    hidden = "import sys; sys.modules['sqlcipher3'] = None; from casebook.cli.main import main; main()"
    for project, command in ((demo, "cases"), (plain, "encrypt")):
        done = subprocess.run(
            [CHILD[0], "-c", hidden, "--project", str(project), command],
            capture_output=True,
            text=True,
            env={**os.environ, ENV: PASSPHRASE},
            timeout=60,
            check=False,
        )
        result = CliResult(done.returncode, done.stdout, done.stderr)
        one_error_line(result, str(project), "casebook[encryption]")
    assert (demo.read_bytes(), plain.read_bytes()) == unchanged
