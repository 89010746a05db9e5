"""Re-importing text that is already stored, with other interview metadata: nothing is
imported, the difference is reported with the command that changes it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.conftest import TRANSCRIPT, fingerprint, write_study

THIRD_ROUND = """
[[rounds]]
key = "R3"
label = "Runde 3"
"""


@pytest.fixture
def stored(run_cli, tmp_path: Path, project_path: Path) -> Path:
    """A project holding F01_R1_foreldre: case F01, round R1, 2023-04-19, informants 1a, 1b."""
    run_cli("init")
    assert run_cli("study", "load", str(write_study(tmp_path, THIRD_ROUND))).exit_code == 0
    path = tmp_path / "F01_R1_foreldre.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli(
        "import", str(path), "--case", "F01", "--round", "R1", "--date", "2023-04-19",
        "--informant", "1a", "--informant", "1b",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return path


def source_meta(run_cli) -> list[tuple[str, str, str | None, str | None, list[str]]]:
    return [
        (s["name"], s["case"], s["round"], s["date"], s["persons"])
        for s in json.loads(run_cli("sources", "--json").stdout)
    ]


def test_another_round_is_reported_with_the_command_that_changes_it(
    run_cli, stored: Path, project_path: Path
) -> None:
    before = fingerprint(project_path)
    result = run_cli("import", str(stored), "--case", "F01", "--round", "R2")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == (
        "casebook: warning: F01_R1_foreldre: same text as stored, but the stored interview has case F01,"
        " round R1 (you gave round R2); nothing imported."
        " To change its metadata: casebook source set F01_R1_foreldre --round R2"
    )
    assert "metadata differs" in result.stdout
    assert "0 new, 0 new version(s), 0 unchanged, 1 with other metadata (not imported)" in result.stdout
    assert fingerprint(project_path) == before

    fix = run_cli(*shlex.split(result.stderr.split("To change its metadata: ")[1])[1:])
    assert fix.exit_code == 0, fix.stderr
    assert source_meta(run_cli) == [("F01_R1_foreldre", "F01", "R2", "2023-04-19", ["1a", "1b"])]
    again = run_cli("import", str(stored), "--case", "F01", "--round", "R2", "--json")
    assert [o["status"] for o in json.loads(again.stdout)] == ["unchanged"] and again.stderr == ""


def test_json_names_every_difference_and_the_fix(run_cli, stored: Path, project_path: Path) -> None:
    before = fingerprint(project_path)
    result = run_cli(
        "import", str(stored), "--case", "F01", "--round", "R1", "--date", "2023-05-02",
        "--informant", "1a", "--place", "Familiens hus", "--json",
    )  # fmt: skip
    assert result.exit_code == 0
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "metadata differs"
    assert (outcome["name"], outcome["version"], outcome["turns"]) == ("F01_R1_foreldre", 1, 6)
    assert outcome["note"] == (
        "same text as stored, but the stored interview has case F01, date 2023-04-19, no place,"
        ' informants 1a, 1b (you gave date 2023-05-02, place "Familiens hus", informants 1a);'
        " nothing imported"
    )
    assert outcome["fix"] == (
        "casebook source set F01_R1_foreldre --date 2023-05-02 --place 'Familiens hus' --informant 1a"
    )
    assert outcome["warnings"] == [
        f"F01_R1_foreldre: {outcome['note']}. To change its metadata: {outcome['fix']}"
    ]
    assert fingerprint(project_path) == before


def test_metadata_the_researcher_did_not_give_is_not_compared(
    run_cli, stored: Path, project_path: Path
) -> None:
    before = fingerprint(project_path)
    for extra in (
        [],
        ["--round", "R1"],
        ["--informant", "1b", "--informant", "1a"],
        ["--date", "2023-04-19"],
    ):
        result = run_cli("import", str(stored), "--case", "F01", *extra, "--json")
        assert [o["status"] for o in json.loads(result.stdout)] == ["unchanged"], extra
        assert result.stderr == ""
    assert fingerprint(project_path) == before


def test_a_new_informant_is_not_declared_when_nothing_is_imported(
    run_cli, stored: Path, project_path: Path
) -> None:
    before = fingerprint(project_path)
    result = run_cli("import", str(stored), "--case", "F01", "--informant", "1c=søster", "--json")
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "metadata differs"
    assert "(you gave informants 1c)" in outcome["note"]
    assert "1c" not in {p["code"] for p in json.loads(run_cli("persons", "--json").stdout)}
    assert fingerprint(project_path) == before


def test_a_batch_imports_the_other_files_and_counts_the_difference(
    run_cli, stored: Path, project_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "F01_R2_foreldre.txt"
    other.write_text(TRANSCRIPT.replace("runde 1", "runde 2"), encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"file,case,round,date\n{stored.name},F01,R3,2025-05-13\n{other.name},F01,R2,2024-04-23\n",
        encoding="utf-8",
    )
    result = run_cli("import", "--manifest", str(manifest))
    assert result.exit_code == 0, result.stderr
    assert "0 new version(s)" in result.stdout and result.stdout.rstrip().endswith(
        "1 new, 0 new version(s), 0 unchanged, 1 with other metadata (not imported)"
    )
    assert result.stderr.strip() == (
        "casebook: warning: F01_R1_foreldre: same text as stored, but the stored interview has case F01,"
        " round R1, date 2023-04-19 (you gave round R3, date 2025-05-13); nothing imported."
        " To change its metadata: casebook source set F01_R1_foreldre --round R3 --date 2025-05-13"
    )
    assert source_meta(run_cli) == [
        ("F01_R1_foreldre", "F01", "R1", "2023-04-19", ["1a", "1b"]),
        ("F01_R2_foreldre", "F01", "R2", "2024-04-23", ["1a", "1b"]),
    ]


def test_same_text_as_an_older_version_points_to_it_by_id(run_cli, stored: Path, project_path: Path) -> None:
    first = json.loads(run_cli("sources", "--json").stdout)[0]["id"]
    stored.write_text(TRANSCRIPT + "I: Takk for praten.\n", encoding="utf-8")
    assert run_cli("import", str(stored), "--case", "F01", "--round", "R1").exit_code == 0
    copy = stored.parent / "kopi.txt"
    copy.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli("import", str(copy), "--case", "F01", "--round", "R2", "--json")
    [outcome] = json.loads(result.stdout)
    assert (outcome["status"], outcome["version"]) == ("metadata differs", 1)
    assert outcome["note"].startswith("same text as stored source F01_R1_foreldre, but")
    assert outcome["fix"] == f"casebook source set {first} --round R2"
    assert outcome["warnings"][0].startswith("kopi: same text as stored source F01_R1_foreldre")


def test_an_unknown_round_is_still_an_error(run_cli, stored: Path, project_path: Path) -> None:
    before = fingerprint(project_path)
    result = run_cli("import", str(stored), "--case", "F01", "--round", "R9")
    assert result.exit_code == 1 and "no round 'R9'" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(project_path) == before
