"""The researcher's first hour: init, import the sample study, list it, check it."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, fingerprint

pytestmark = pytest.mark.usefixtures("project_path")


@pytest.fixture
def imported(run_cli, project_path: Path) -> Path:
    assert run_cli("init", "--name", "Samordningsstudien").exit_code == 0
    result = run_cli("import", "--manifest", str(SAMPLES / "manifest.csv"))
    assert result.exit_code == 0, result.stderr
    return project_path


def rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def test_project_file_is_private_to_its_owner(run_cli, project_path: Path) -> None:
    run_cli("init")
    run_cli("import", "--manifest", str(SAMPLES / "manifest.csv"))
    for path in project_path.parent.glob(project_path.name + "*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_sample_is_listed_with_case_and_round(run_cli, imported: Path) -> None:
    result = run_cli("sources", "--json")
    sources = json.loads(result.stdout)
    manifest_rows = (SAMPLES / "manifest.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
    assert len(sources) == len(manifest_rows) == 17
    for source in sources:
        assert {"id", "name", "case", "round", "chars", "turns"} <= source.keys()
        assert source["case"] and source["round"] and source["chars"] > 5000 and source["turns"] > 20
    by_name = {s["name"]: s for s in sources}
    assert by_name["F03_R2_foreldre"]["case"] == "F03"
    assert by_name["F03_R2_foreldre"]["round"] == "R2"
    assert by_name["K1_oppstartsmote"]["persons"] == ["K1a", "K1b", "K1c"]


def test_check_passes_on_the_imported_sample(run_cli, imported: Path) -> None:
    result = run_cli("check", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report["ok"] and report["problems"] == []
    assert report["counts"]["sources"] == 17


def test_speakers_are_linked_to_participants(imported: Path) -> None:
    linked = rows(
        imported,
        "SELECT t.speaker, p.code FROM turns t JOIN sources s ON s.id = t.source_id"
        " LEFT JOIN persons p ON p.id = t.person_id WHERE s.name = 'F03_R3_foreldre'"
        " GROUP BY 1, 2",
    )
    assert ("F1", "3a") in linked and ("F2", "3b") in linked and ("I", None) in linked


def test_subtitle_and_bracket_timestamps_are_kept_on_turns(imported: Path) -> None:
    for name in ("P1_barnekoordinator", "F02_R3_foreldre"):
        stamps = [
            r[0]
            for r in rows(
                imported,
                "SELECT t.timestamp_ms FROM turns t JOIN sources s ON s.id = t.source_id"
                " WHERE s.name = ? AND t.speaker IS NOT NULL ORDER BY t.seq",
                name,
            )
        ]
        assert stamps and all(isinstance(s, int) for s in stamps), name
        assert stamps == sorted(stamps), name


def test_norwegian_letters_survive_every_sample_format(imported: Path) -> None:
    texts = dict(rows(imported, "SELECT name, text FROM sources"))
    assert "Rådgiver:" in texts["K1_oppstartsmote"]  # saved as Windows-1252
    assert "ikkje" in texts["F03_R1_foreldre"]  # nynorsk
    assert "Forelder 4a:" in texts["F04_R2_foreldre"]  # UTF-8 with BOM
    assert not texts["F04_R2_foreldre"].startswith("\ufeff")
    assert "F1: " in texts["F03_R3_foreldre"]  # speaker column of a Word table
    assert "Familie: F02" in texts["F02_R1_foreldre"]  # metadata table before the talk
    assert all("\r" not in text for text in texts.values())


def test_reimporting_the_same_study_changes_nothing(run_cli, imported: Path) -> None:
    before = fingerprint(imported)
    result = run_cli("import", "--manifest", str(SAMPLES / "manifest.csv"), "--json")
    assert result.exit_code == 0
    assert {o["status"] for o in json.loads(result.stdout)} == {"unchanged"}
    assert fingerprint(imported) == before


def test_attribute_history_follows_the_rounds(run_cli, imported: Path) -> None:
    values = json.loads(run_cli("attrs", "--json").stdout)
    status = {
        v["round"]: v["value"] for v in values if v["entity"] == "F01" and v["name"] == "koordinatorstatus"
    }
    assert status == {"R1": "ingen", "R2": "barnekoordinator", "R3": "barnekoordinator"}
    kinds = {(v["entity"], v["name"]): v["type"] for v in values}
    assert kinds[("F02", "minoritetsbakgrunn")] == "Boolean"
    assert kinds[("F01", "barn_alder")] == "Integer"


def test_list_commands_show_the_study(run_cli, imported: Path) -> None:
    cases = json.loads(run_cli("cases", "--json").stdout)
    assert [c["id"] for c in cases] == ["F01", "F02", "F03", "F04", "K1", "K2"]
    assert {c["kind"] for c in cases} == {"family", "municipality"}
    rounds = json.loads(run_cli("rounds", "--json").stdout)
    assert [r["id"] for r in rounds] == ["R1", "R2", "R3"] and rounds[0]["baseline"]
    persons = json.loads(run_cli("persons", "--json").stdout)
    assert {p["code"]: p["cases"] for p in persons}["P1"] == ["F01", "K1"]
    table = run_cli("sources").stdout
    assert "F01_R1_foreldre" in table


def test_project_can_come_from_the_environment(run_cli, imported: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASEBOOK_PROJECT", str(imported))
    result = run_cli("rounds", "--json", project=None)
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 3
