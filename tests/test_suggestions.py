"""Code suggestions end to end: run, review, accept with origin, reject for good, evaluate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES, fingerprint

ROOTS = {"kognitiv", "strukturell", "makt", "fysisk", "ressurser", "broer", "familie"}
TRANSCRIPT = (
    "I: Hvordan var det med hjelpen?\n"
    "Mor: Barnekoordinatoren kom på ansvarsgruppemøtet. [latter] Det var bra.\n"
    "Mor: Taushetsplikten var ikke noe problem. Vi ble en kasteball mellom skolen og BUP.\n"
    "Mor: Teieplikta var eit hinder, sa dei.\n"
)


@pytest.fixture
def small(run_cli: Any, tmp_path: Path) -> Any:
    """A new project with the default codebook and one interview."""
    run_cli("init")
    run_cli("case", "add", "F01")
    run_cli("round", "add", "R1")
    path = tmp_path / "F01_R1.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli("import", str(path), "--case", "F01", "--round", "R1").exit_code == 0
    return run_cli


def suggestions(run_cli: Any, *args: str) -> list[dict[str, Any]]:
    result = run_cli("suggest", *args, "--json")
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def test_suggest_all_on_a_new_project_gives_valid_spans_of_existing_codes_under_every_root(
    run_cli: Any, project_path: Path
) -> None:
    run_cli("init")
    assert run_cli("import", "--manifest", str(SAMPLES / "manifest.csv")).exit_code == 0
    found = suggestions(run_cli, "--all")
    codes = {c["id"] for c in json.loads(run_cli("codebook", "show", "--json").stdout)}
    conn = sqlite3.connect(project_path)
    texts = dict(conn.execute("SELECT id, text FROM sources").fetchall())
    conn.close()
    assert found
    for s in found:
        assert {"source", "start", "end", "code", "score", "evidence"} <= s.keys()
        assert 0 <= s["start"] < s["end"] <= len(texts[s["source_id"]])
        assert texts[s["source_id"]][s["start"] : s["end"]] == s["text"]
        assert s["code"] in codes
        assert 0.5 <= s["score"] <= 1 and s["evidence"]
    assert {s["code"].split(".")[0] for s in found} == ROOTS
    assert not json.loads(run_cli("codings", "--json").stdout)  # nothing was coded


def test_inflected_and_compound_forms_are_proposed_and_a_denied_barrier_is_not(small: Any) -> None:
    by_text: dict[str, set[str]] = {}
    for s in suggestions(small, "--source", "F01_R1"):
        by_text.setdefault(s["text"], set()).add(s["code"])
    assert {"broer.barnekoordinator", "broer.ansvarsgruppe"} <= by_text[
        "Barnekoordinatoren kom på ansvarsgruppemøtet."
    ]
    assert "strukturell.taushetsplikt" in by_text["Teieplikta var eit hinder, sa dei."]
    assert "strukturell.taushetsplikt" not in by_text.get("Taushetsplikten var ikke noe problem.", set())
    assert "makt.graasoner" in by_text["Vi ble en kasteball mellom skolen og BUP."]
    assert not any(text.startswith("Hvordan") for text in by_text)  # the interviewer's question


def test_an_accepted_suggestion_becomes_the_coders_coding_with_its_origin(small: Any) -> None:
    first = next(s for s in suggestions(small, "--all") if s["code"] == "broer.barnekoordinator")
    result = small("suggest", "accept", str(first["id"]), "--coder", "ida")
    assert result.exit_code == 0 and "Accepted 1" in result.stdout
    (coding,) = json.loads(small("codings", "--json").stdout)
    assert (coding["coder"], coding["code"], coding["start"], coding["end"]) == (
        "ida",
        "broer.barnekoordinator",
        first["start"],
        first["end"],
    )
    assert coding["suggestion"] == first["id"]
    (accepted,) = json.loads(small("suggest", "list", "--status", "accepted", "--json").stdout)
    assert (accepted["decided_by"], accepted["coding_id"]) == ("ida", coding["id"])
    assert first["id"] not in {s["id"] for s in suggestions(small, "--all")}  # no longer open


def test_accepting_with_an_edited_span_codes_the_span_the_coder_chose(small: Any) -> None:
    first = next(s for s in suggestions(small, "--all") if s["code"] == "broer.barnekoordinator")
    start, end = first["start"], first["start"] + len("Barnekoordinatoren")
    assert (
        small("suggest", "accept", str(first["id"]), "--start", str(start), "--end", str(end)).exit_code == 0
    )
    (coding,) = json.loads(small("codings", "--json").stdout)
    assert (coding["start"], coding["end"], coding["text"]) == (start, end, "Barnekoordinatoren")


def test_a_rejected_suggestion_is_remembered_and_never_proposed_again(small: Any, tmp_path: Path) -> None:
    first = next(s for s in suggestions(small, "--all") if s["code"] == "makt.graasoner")
    assert small("suggest", "reject", str(first["id"]), "--coder", "ida").exit_code == 0
    # a changed codebook makes the suggester run the source again
    assert small("codebook", "add", "broer.ny", "--name", "Ny bro", "--parent", "broer").exit_code == 0
    again = suggestions(small, "--all")
    assert not [s for s in again if s["code"] == "makt.graasoner" and s["start"] == first["start"]]
    (rejected,) = json.loads(small("suggest", "list", "--status", "rejected", "--json").stdout)
    assert (rejected["id"], rejected["decided_by"]) == (first["id"], "ida")


def test_accept_all_in_a_turn_codes_every_open_suggestion_of_that_turn_only(small: Any) -> None:
    found = suggestions(small, "--all")
    turn = [s for s in found if 79 <= s["start"] < 165]  # the second turn of the mother
    assert len(turn) >= 2
    assert small("suggest", "accept", str(turn[0]["id"]), "--turn", "--coder", "ida").exit_code == 0
    coded = {(c["start"], c["code"]) for c in json.loads(small("codings", "--json").stdout)}
    assert coded == {(s["start"], s["code"]) for s in turn}


def test_a_second_run_of_unchanged_sources_runs_nothing(small: Any) -> None:
    suggestions(small, "--all")
    result = small("suggest", "--all")
    assert "0 sources run, 1 unchanged" in result.stdout


def test_the_suggester_never_codes(small: Any, project_path: Path) -> None:
    suggestions(small, "--all")
    before = fingerprint(project_path)
    result = small("code", "F01_R1", "0", "5", "broer", "--coder", "suggester")
    assert result.exit_code == 1 and "never codes" in result.stderr
    assert fingerprint(project_path) == before
    conn = sqlite3.connect(project_path)  # the schema refuses it too, whatever writes the file
    with pytest.raises(sqlite3.IntegrityError, match="suggester only suggests"):
        conn.execute(
            'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at)'
            " SELECT 1, 0, 5, 1, id, 'x' FROM coders WHERE name = 'suggester'"
        )
    conn.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("suggest",), "--source ID (repeatable) or --all"),
        (("suggest", "--source", "nosuch"), "nosuch"),
        (("suggest", "accept", "999"), "no suggestion 999"),
        (("suggest", "reject", "abc"), "suggestion ids are numbers"),
        (("suggest", "evaluate", "--coder", "nobody"), "nobody has no codings"),
    ],
)
def test_bad_requests_give_one_line_and_change_nothing(
    small: Any, project_path: Path, args: tuple[str, ...], message: str
) -> None:
    suggestions(small, "--all")
    before = fingerprint(project_path)
    result = small(*args)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(project_path) == before


def test_a_decided_suggestion_cannot_be_decided_again(small: Any, project_path: Path) -> None:
    first = suggestions(small, "--all")[0]
    small("suggest", "reject", str(first["id"]))
    before = fingerprint(project_path)
    result = small("suggest", "accept", str(first["id"]))
    assert result.exit_code == 1 and "already rejected" in result.stderr
    assert fingerprint(project_path) == before


def test_evaluate_compares_with_a_coder_and_beats_the_substring_baseline_at_root_level(
    run_cli: Any, demo: Path
) -> None:
    result = run_cli("suggest", "evaluate", "--coder", "ida", "--folds", "3", "--json", project=demo)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["folds"] == 3 and report["codings"] == 135
    roots = report["micro_root"]
    assert set(roots) == {"baseline", "signals", "model", "combined"}
    assert roots["combined"]["f1"] > roots["baseline"]["f1"]
    assert roots["combined"]["precision"] > roots["baseline"]["precision"]
    assert {r["code"] for r in report["roots"]["combined"]} <= ROOTS
    table = run_cli("suggest", "evaluate", "--coder", "ida", "--folds", "3", project=demo).stdout
    assert "Root codes (micro average)" in table and "baseline" in table and "combined" in table


def test_undoing_a_decision_removes_its_coding_and_opens_the_suggestion_again(
    small: Any, project_path: Path
) -> None:
    from casebook.services import suggestions as service
    from casebook.services.project import Project

    first, second = suggestions(small, "--all")[:2]
    small("suggest", "accept", str(first["id"]), "--coder", "ida")
    small("suggest", "reject", str(second["id"]), "--coder", "ida")
    with Project.open(project_path) as project:
        with pytest.raises(Exception, match="by ida, not by ola"):
            service.reopen(project, [first["id"]], "ola")
        service.reopen(project, [first["id"], second["id"]], "ida")
    assert not json.loads(small("codings", "--json").stdout)
    assert {first["id"], second["id"]} <= {s["id"] for s in suggestions(small, "list")}


def test_running_on_two_cores_proposes_exactly_what_one_core_does(demo: Path, tmp_path: Path) -> None:
    import shutil

    from casebook.services import suggestions as service
    from casebook.services.project import Project

    other = tmp_path / "other.casebook"
    shutil.copy(demo, other)
    found = []
    for path, jobs in ((demo, 1), (other, 2)):
        with Project.open(path) as project:
            report = service.run(project, use_model=False, jobs=jobs)
        assert report.sources_run == 17
        found.append([(s.source, s.start, s.end, s.code, s.score, s.evidence) for s in report.suggestions])
    assert found[0] == found[1] and len(found[0]) > 100


def test_streamed_json_is_the_same_text_as_a_whole_array(small: Any) -> None:
    suggestions(small, "--all")
    streamed = small("suggest", "list", "--json").stdout
    assert streamed == json.dumps(json.loads(streamed), ensure_ascii=False, indent=2) + "\n"
    assert small("suggest", "list", "--status", "rejected", "--json").stdout == "[]\n"
