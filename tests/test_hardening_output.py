"""What casebook writes out, issue 12 items 7 and 8: nothing reaches the terminal raw,
keys are one thing however they were typed, and files and folders are owner-only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TRANSCRIPT, fingerprint, write_study
from tests.hardening import Run, one_error_line

CLEAR = "\x1b[2J\x1b[H"  # clears the screen when printed raw
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CSI8 = "\x9b31m"  # the one-character (C1) form of ESC [
RAW = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def study_project(run_cli: Run, tmp_path: Path, project_path: Path) -> Path:
    assert run_cli("init").exit_code == 0
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    return project_path


def no_raw_controls(text: str) -> None:
    for control in RAW:
        assert control not in text, repr(text)


# ---------------------------------------------------------------- 7. keys are checked


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["case", "add", f"F{CLEAR}09", "--kind", "family"], "case key"),
        (["round", "add", f"R{TITLE}3"], "round key"),
        (["case", "add", "F\u200b10"], "case key"),  # a zero-width space: invisible, not printable
        (["case", "add", "  "], "case key"),
    ],
)
def test_keys_must_be_printable_and_not_empty(
    run_cli: Run, study_project: Path, args: list[str], what: str
) -> None:
    before = fingerprint(study_project)
    line = one_error_line(run_cli(*args), what)
    no_raw_controls(line)
    assert "unprintable character" in line or "must not be empty" in line
    assert fingerprint(study_project) == before


def test_keys_from_files_and_options_are_checked_too(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    before = fingerprint(study_project)
    study = write_study(tmp_path, '[[cases]]\nkey = "F\\u001b[2J2"\nkind = "family"\n')
    one_error_line(run_cli("study", "load", str(study)), "study.toml", "[[cases]] entry 2", "unprintable")
    transcript = tmp_path / f"intervju{CLEAR}.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    one_error_line(run_cli("import", str(transcript), "--case", "F01"), "source name", "unprintable", "␛[2J")
    good = tmp_path / "intervju.txt"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    informant = ["--informant", f"9{TITLE}x=mor"]
    one_error_line(
        run_cli("import", str(good), "--case", "F01", *informant), "participant code", "unprintable"
    )
    assert fingerprint(study_project) == before


def test_a_key_typed_two_ways_is_one_key(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """ "Måle" with "å" (NFC) and with "a" + a combining ring (NFD, as macOS file names)."""
    composed, decomposed = "Måle", unicodedata.normalize("NFD", "Måle")
    assert composed != decomposed
    assert run_cli("case", "add", composed, "--kind", "municipality").exit_code == 0
    assert run_cli("case", "add", decomposed, "--kind", "municipality").exit_code == 0
    keys = [c["id"] for c in json.loads(run_cli("cases", "--json").stdout)]
    assert keys.count(composed) == 1 and decomposed not in keys
    transcript = tmp_path / f"{decomposed}_intervju.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli("import", str(transcript), "--case", decomposed, "--json")
    assert result.exit_code == 0, result.stderr
    [source] = json.loads(run_cli("sources", "--json").stdout)
    assert (source["case"], source["name"]) == (composed, f"{composed}_intervju")
    # every command that takes the key finds it, however it was typed
    assert run_cli("code", f"{decomposed}_intervju", "0", "5", "broer", "--coder", "ida").exit_code == 0
    [segment] = json.loads(run_cli("segments", "--case", decomposed, "--json").stdout)
    assert segment["case"] == composed
    summary = run_cli("summary", decomposed, "--format", "md", "-o", str(tmp_path / "s.md"))
    assert summary.exit_code == 0, summary.stderr
    assert "Måle" in (tmp_path / "s.md").read_text(encoding="utf-8")


def test_a_source_name_of_digits_only_is_refused(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """A source called "12" could not be told from source id 12 (``casebook code 12 ...``)."""
    transcript = tmp_path / "12.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    before = fingerprint(study_project)
    one_error_line(
        run_cli("import", str(transcript), "--case", "F01"), "12.txt", "only digits", "intervju_12"
    )
    one_error_line(run_cli("import", str(transcript), "--case", "F01", "--name", "0012"), "only digits")
    assert fingerprint(study_project) == before
    named = run_cli("import", str(transcript), "--case", "F01", "--name", "intervju_12")
    assert named.exit_code == 0, named.stderr


def test_code_ids_with_control_characters_are_refused(run_cli: Run, study_project: Path) -> None:
    """Code ids are keys (letters, digits, ``_``, ``-``, dots); names are display text,
    shown safely (see below)."""
    before = fingerprint(study_project)
    one_error_line(run_cli("codebook", "add", f"test.ny{CLEAR}", "--name", "Ny"), "ids use letters")
    assert fingerprint(study_project) == before


# ---------------------------------------------------------------- 7. nothing reaches the terminal raw


@pytest.fixture
def hostile_project(run_cli: Run, study_project: Path, tmp_path: Path) -> Path:
    """A project an older casebook filled with names holding terminal controls."""
    transcript = tmp_path / "intervju.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli("import", str(transcript), "--case", "F01", "--round", "R1").exit_code == 0
    assert run_cli("code", "intervju", "0", "20", "broer", "--memo", "ok").exit_code == 0
    with sqlite3.connect(study_project) as conn:
        conn.execute("UPDATE cases SET key = ?, label = ? WHERE key = 'F01'", [f"F01{CLEAR}", f"Fam{CSI8}"])
        conn.execute("UPDATE sources SET name = ?, original_name = ?", [f"kilde{TITLE}", f"fil{CLEAR}.txt"])
        conn.execute("UPDATE persons SET label = ? WHERE code = '1a'", [f"Mor{CLEAR}"])
        conn.execute("UPDATE codings SET memo = ?", [f"memo{TITLE}"])
        conn.execute("UPDATE codes SET name = ? WHERE key = 'broer'", [f"Broer{CLEAR}"])
    conn.close()
    return study_project


def test_names_with_terminal_controls_are_shown_not_obeyed(run_cli: Run, hostile_project: Path) -> None:
    for args in (
        ["cases"],
        ["sources"],
        ["persons"],
        ["codings"],
        ["memos"],
        ["segments", "--code", "broer"],
        ["search", "skolen"],
        ["matrix"],
        ["codebook", "show"],
        ["codebook", "history"],
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        no_raw_controls(result.stdout + result.stderr)
    shown = run_cli("sources").stdout
    assert "kilde␛]0;pwned␇" in shown


def test_json_and_csv_keep_the_data_but_not_the_raw_controls(run_cli: Run, hostile_project: Path) -> None:
    listed = run_cli("cases", "--json").stdout
    no_raw_controls(listed)
    assert json.loads(listed)[0]["id"] == f"F01{CLEAR}"  # the same data, written as \u escapes
    assert json.loads(run_cli("cases", "--json").stdout)[0]["label"] == f"Fam{CSI8}"
    assert json.loads(run_cli("sources", "--json").stdout)[0]["name"] == f"kilde{TITLE}"
    for args in (["segments", "--code", "broer", "--csv"], ["matrix", "--csv"]):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        no_raw_controls(result.stdout)
        assert list(csv.reader(io.StringIO(result.stdout)))


def test_error_messages_show_controls_as_symbols(run_cli: Run, hostile_project: Path, tmp_path: Path) -> None:
    missing = tmp_path / f"borte{CLEAR}\n.txt"
    line = one_error_line(run_cli("import", str(missing), "--case", "F01", "--name", "borte"), "no such file")
    assert "borte␛[2J␛[H␊.txt" in line
    # names quoted with repr() show their controls as escapes
    one_error_line(run_cli("codings", "--source", f"kilde{TITLE}x"), "no source", "kilde\\x1b]0;pwned\\x07x")


# ---------------------------------------------------------------- 8. owner-only under umask 000


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets every file be read and written by everyone, unless casebook says no."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_are_owner_only_under_umask_000(
    run_cli: Run, demo: Path, tmp_path: Path, open_umask: None
) -> None:
    for args, written in (
        (["report", "-o", str(tmp_path / "rapport.md")], "rapport.md"),
        (["codebook", "export", "-o", str(tmp_path / "kodebok.toml")], "kodebok.toml"),
        (["codebook", "export", "--format", "qdc", "-o", str(tmp_path / "kodebok.qdc")], "kodebok.qdc"),
    ):
        result = run_cli(*args, project=demo)
        assert result.exit_code == 0, result.stderr
        assert mode(tmp_path / written) == 0o600, written


def test_data_folders_are_owner_only_under_umask_000(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    data_home = tmp_path / "hjem" / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    result = run_cli("demo", "--no-tui", project=None)
    assert result.exit_code == 0, result.stderr
    for folder in (tmp_path / "hjem", data_home, data_home / "casebook"):
        assert mode(folder) == 0o700, folder
    assert mode(data_home / "casebook" / "demo.casebook") == 0o600
    project = tmp_path / "ny.casebook"
    assert run_cli("init", project=project).exit_code == 0
    assert mode(project) == 0o600
