"""Following families across rounds on the sample study: timelines, service paths, events,
change grids with directions (the researcher's, else suggested), the rollup, migration 0006."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from casebook.errors import InvalidValue, NotFound
from casebook.model.changes import Direction, DirectionSource
from casebook.model.events import EventKind, EventSpec, ServiceStatus
from casebook.services import events, longitudinal, retrieval
from casebook.services.project import Project
from casebook.services.study import load_study
from casebook.storage.schema import MIGRATIONS
from tests.conftest import SAMPLES

V2_FIXTURE = Path(__file__).parent / "data" / "v2_project.casebook"


def _guid(run_cli, demo: Path, source: str, code: str) -> str:
    """The GUID of the first coding of ``code`` in ``source`` (any coder)."""
    found = json.loads(run_cli("codings", "--source", source, "--code", code, "--json", project=demo).stdout)
    assert found, (source, code)
    return str(found[0]["guid"])


def test_timeline_shows_rounds_interviews_and_attribute_changes(demo: Path) -> None:
    with Project.open(demo) as project:
        timeline = longitudinal.timeline(project, "F01")
    rounds = {r.key: r for r in timeline.rounds}
    assert [i.date for i in rounds["R1"].interviews] == ["2023-04-19"]
    assert [i.participants for i in rounds["R2"].interviews] == [
        ("Fagperson 1",),
        ("Forelder 1a", "Forelder 1b"),
    ]
    assert rounds["R3"].interviews[0].participants == ("Forelder 1a",)  # father was at work
    assert rounds["R3"].interviews[0].mode == "digital"
    changes = {(c.from_round, c.to_round, c.attribute): str(c) for c in timeline.changes}
    assert changes[("R1", "R2", "koordinatorstatus")] == "koordinatorstatus: ingen → barnekoordinator"
    assert changes[("R1", "R2", "barn_alder")] == "barn_alder: 9 → 10"
    assert changes[("R2", "R3", "barn_alder")] == "barn_alder: 10 → 11"
    assert changes[("R2", "R3", "individuell_plan")] == "individuell_plan: påbegynt → har"
    assert ("R2", "R3", "koordinatorstatus") not in changes  # the barnekoordinator stayed
    assert "kommune" not in dict(timeline.values)  # a family is never shown with its municipality


def test_every_sample_family_changes_the_way_its_transcripts_tell(demo: Path) -> None:
    granted_after_refusal = {
        "F01": "avlastning", "F02": "omsorgsstønad", "F03": "lese-TV nr. 2", "F04": "avlastning",
    }  # fmt: skip
    with Project.open(demo) as project:
        for case, service in granted_after_refusal.items():
            timeline = longitudinal.timeline(project, case)
            values = dict(timeline.values)
            # the coordinator arrives and the individual plan gets made
            assert (
                values["koordinatorstatus"][0] == "ingen"
                and values["koordinatorstatus"][-1] == "barnekoordinator"
            )
            assert values["individuell_plan"][0] == "har ikke" and values["individuell_plan"][-1] == "har"
            # an application refused, appealed, then granted
            path = next(s for s in timeline.services if s.service == service).statuses
            refused = path.index(ServiceStatus.REJECTED)
            assert ServiceStatus.APPEALED in path[refused:] and ServiceStatus.GRANTED in path[refused:], case
            assert any(s.strafferunde for s in timeline.services)


def test_the_municipality_appears_only_when_asked_for(run_cli, demo: Path) -> None:
    hidden = json.loads(run_cli("timeline", "F01", "--json", project=demo).stdout)
    assert "kommune" not in hidden["attributes"]
    shown = json.loads(run_cli("timeline", "F01", "--json", "--with-municipality", project=demo).stdout)
    assert shown["attributes"]["kommune"] == {"R1": "K1", "R2": "K1", "R3": "K1"}


def test_a_service_path_shows_the_strafferunde_in_date_order(demo: Path) -> None:
    with Project.open(demo) as project:
        timeline = longitudinal.timeline(project, "F01")
        respite = next(s for s in timeline.services if s.service == "avlastning")
        periods = [(p.event.date, longitudinal.event_period(timeline, p)) for p in respite.events]
    assert [s.value for s in respite.statuses] == [
        "applied", "rejected", "applied", "rejected", "appealed",
        "granted", "granted_not_delivered", "started",
    ]  # fmt: skip
    assert respite.path.startswith("søkt → avslag → søkt → avslag → klaget → innvilget")
    assert respite.strafferunde and respite.rejections == 2 and not respite.open
    assert periods[1] == ("2023-04", "før R1")  # refused a fortnight before the first interview
    assert periods[3] == ("2023-12", "R1–R2")
    assert periods[-1] == ("2024-12", "R2–R3")
    coordinator = next(s for s in timeline.services if s.service == "barnekoordinator")
    assert coordinator.path == "søkt → startet" and not coordinator.strafferunde
    caveats = [(p.event.kind, longitudinal.event_period(timeline, p)) for p in timeline.caveats]
    assert (EventKind.PHONE_CONTACT, "R2–R3") in caveats  # the call that booked round 3
    assert (EventKind.REORGANISATION, "R1–R2") in caveats


def test_events_come_from_the_study_file_in_date_order(demo: Path) -> None:
    with Project.open(demo) as project:
        listed = events.events(project, "F04")
        timeline = longitudinal.timeline(project, "F04")
    dated = [e.date for e in listed if e.date is not None]
    assert dated == sorted(dated) and len(dated) >= 15
    assert listed[-1].date is None and listed[-1].status is ServiceStatus.APPEALED  # undated go last
    assert all(e.origin == "study" for e in listed)
    respite = next(s for s in timeline.services if s.service == "avlastning")
    assert [p.event.date for p in respite.events] == ["2022-09", "2022-11", None, "2023-09", "2024-01"]
    # the undated appeal was reported in R1, so it happened before the R1 interview
    assert respite.events[2].after is None and respite.open


def test_reloading_the_study_file_keeps_its_events_and_yours(demo: Path, tmp_path: Path) -> None:
    with Project.open(demo) as project:
        before = {e.guid for e in events.events(project)}
        mine = events.add_event(
            project, EventSpec("F02", EventKind.MOVE, date="2025-06", note="Flyttet til en annen bydel")
        )
        load_study(project, SAMPLES / "study.toml")
        after = {e.guid for e in events.events(project)}
        assert after == before | {mine.guid}  # nothing duplicated, GUIDs kept, yours untouched
        edited = tmp_path / "study.toml"
        text = (SAMPLES / "study.toml").read_text(encoding="utf-8")
        edited.write_text(text.replace("Barnevernssaken henlagt.", "Barnevernssaken henlagt i august."))
        load_study(project, edited)
        notes = [e.note for e in events.events(project, "F04")]
    assert "Barnevernssaken henlagt i august." in notes and "Barnevernssaken henlagt." not in notes
    with Project.open(demo) as project:
        assert len(events.events(project)) == len(before) + 1  # the edited one replaced, not added


def test_event_add_list_and_remove_through_the_cli(run_cli, demo: Path) -> None:
    added = run_cli(
        "event", "add", "F03", "--service", "PPT", "--status", "waiting", "--date", "2025-05",
        "--round", "R3", "--note", "Ny PPT for videregående har ikke kapasitet før august", project=demo,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    guid = added.stdout.split()[1]
    listed = json.loads(run_cli("event", "list", "F03", "--json", project=demo).stdout)
    mine = next(e for e in listed if e["guid"] == guid)
    assert (mine["service"], mine["status"], mine["from"]) == ("PPT", "waiting", "cli")
    assert run_cli("event", "remove", guid[:8], project=demo).exit_code == 0
    assert guid not in run_cli("event", "list", "--json", project=demo).stdout
    refused = run_cli("event", "add", "F03", "--service", "PPT", project=demo)
    assert refused.exit_code != 0 and "--status" in refused.stderr
    bad_date = run_cli(
        "event", "add", "F03", "--kind", "move", "--date", "2025-13", "--note", "x", project=demo
    )
    assert bad_date.exit_code != 0 and "not a date" in bad_date.stderr


def test_evidence_must_belong_to_the_case(run_cli, demo: Path) -> None:
    other = _guid(run_cli, demo, "F02_R1_foreldre", "familie.informasjon")
    result = run_cli("event", "add", "F01", "--kind", "other", "--note", "x", "--coding", other, project=demo)
    assert result.exit_code != 0 and "belongs to case F02" in result.stderr
    refused = run_cli(
        "direction", "set", "F01", "familie", "improved", "--from", "R1", "--to", "R2",
        "--reason", "x", "--evidence", other, project=demo,
    )  # fmt: skip
    assert refused.exit_code != 0 and "belongs to case F02" in refused.stderr


def test_change_grid_counts_per_round_agree_with_the_segment_list(demo: Path) -> None:
    with Project.open(demo) as project:
        grid = longitudinal.change_grid(project, "F01")
        for code in ("broer.barnekoordinator", "familie.strafferunder", "broer"):
            row = grid.row(code)
            for count in row.rounds:
                wanted = retrieval.segment_filter(code=code, case="F01", round_key=count.round)
                assert count.segments == retrieval.count(project, wanted), (code, count.round)
    assert grid.rounds == ("R1", "R2", "R3")
    coordinator = grid.row("broer.barnekoordinator")
    assert coordinator.count("R1").segments == 0  # no barnekoordinator at the baseline
    assert (coordinator.first, coordinator.last) == ("R2", "R3")
    assert coordinator.count("R2").words > 0 and coordinator.count("R2").coders == ("ida",)
    assert grid.row("familie.strafferunder").first == "R1"  # refused before the first interview
    assert sum(grid.round_segments) == 62


def test_a_direction_set_shows_as_the_researchers_and_others_as_suggested(run_cli, demo: Path) -> None:
    evidence = _guid(run_cli, demo, "F01_R2_foreldre", "broer.barnekoordinator")
    result = run_cli(
        "direction", "set", "F01", "broer.barnekoordinator", "improved", "--from", "R1", "--to", "R2",
        "--reason", "Barnekoordinator fra oktober; mor: «det viktigste»", "--evidence", evidence,
        "--coder", "ida", project=demo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    grid = json.loads(run_cli("changes", "F01", "--json", project=demo).stdout)
    codes = {c["code"]: c for c in grid["codes"]}
    directions = {(d["from"], d["to"]): d for d in codes["broer.barnekoordinator"]["directions"]}
    mine = directions[("R1", "R2")]
    assert (mine["direction"], mine["source"], mine["set_by"]) == ("improved", "researcher", "ida")
    assert mine["evidence"][0]["guid"] == evidence and mine["evidence"][0]["source"] == "F01_R2_foreldre"
    assert directions[("R2", "R3")]["source"] == "suggested"
    others = [d for c in grid["codes"] for d in c["directions"] if c["code"] != "broer.barnekoordinator"]
    assert others and all(d["source"] == "suggested" for d in others)
    broer = {(d["from"], d["to"]): d for d in codes["broer"]["directions"]}
    assert broer[("R1", "R2")]["direction"] == "improved"
    assert "koordinatorstatus: ingen → barnekoordinator" in broer[("R1", "R2")]["reason"]
    assert codes["broer.barnekoordinator"]["rounds"]["R2"]["segments"] == 2


def test_directions_keep_their_history_and_can_be_withdrawn(demo: Path) -> None:
    pair = ("R2", "R3")
    with Project.open(demo) as project:
        longitudinal.set_direction(
            project, "F01", "familie", pair, Direction.WORSE, "Ny runde med BUP", "ida"
        )
        longitudinal.set_direction(
            project, "F01", "familie", pair, Direction.MIXED, "Avlastning kom, BUP ikke", "ola"
        )
        shown = longitudinal.change_grid(project, "F01").assessment("familie", *pair)
        assert shown is not None and shown.direction is Direction.MIXED and shown.set_by == "ola"
        longitudinal.clear_direction(project, "F01", "familie", pair, "ola")
        back = longitudinal.change_grid(project, "F01").assessment("familie", *pair)
        history = longitudinal.direction_history(project, "F01", "familie")
    assert back is not None and back.source is DirectionSource.SUGGESTED
    assert [r.direction for r in history] == [Direction.WORSE, Direction.MIXED, None]
    assert [r.coder for r in history] == ["ida", "ola", "ola"]


def test_a_direction_needs_a_reason_known_rounds_in_order_and_a_code(demo: Path) -> None:
    with Project.open(demo) as project:
        with pytest.raises(InvalidValue, match="reason"):
            longitudinal.set_direction(project, "F01", "broer", ("R1", "R2"), Direction.IMPROVED, " ", "ida")
        with pytest.raises(InvalidValue, match="must come before"):
            longitudinal.set_direction(project, "F01", "broer", ("R3", "R1"), Direction.IMPROVED, "x", "ida")
        with pytest.raises(NotFound):
            longitudinal.set_direction(
                project, "F01", "broer.finnes_ikke", ("R1", "R2"), Direction.WORSE, "x", "ida"
            )
        assert longitudinal.direction_history(project) == []


def test_a_direction_outlives_a_merge_of_its_code(run_cli, demo: Path) -> None:
    with Project.open(demo) as project:
        longitudinal.set_direction(
            project, "F01", "familie.los", ("R1", "R3"), Direction.IMPROVED, "Losen kom", "ida"
        )
    assert run_cli("codebook", "merge", "familie.los", "broer.barnekoordinator", project=demo).exit_code == 0
    history = json.loads(run_cli("direction", "history", "F01", "--json", project=demo).stdout)
    assert [(h["theme"], h["code_exists"], h["direction"]) for h in history] == [
        ("familie.los", False, "improved")
    ]
    assert run_cli("changes", "F01", "--json", project=demo).exit_code == 0


def test_rollup_counts_families_per_direction_with_drill_down(run_cli, demo: Path) -> None:
    with Project.open(demo) as project:
        suggested = longitudinal.rollup(project, ("R1", "R3"), ["broer"])
        assert suggested.rows[0].cases[Direction.IMPROVED] == ("F01", "F02", "F03", "F04")
        reason = "Barnekoordinator, men fylket er en ny kløft"
        longitudinal.set_direction(project, "F03", "broer", ("R1", "R3"), Direction.UNCHANGED, reason, "ida")
    found = json.loads(
        run_cli("rollup", "--from", "R1", "--to", "R3", "--theme", "broer", "--json", project=demo).stdout
    )
    broer = found["themes"][0]
    assert broer["whole"] == {"count": 4, "unit": "families"}
    improved = broer["directions"]["improved"]
    assert (improved["count"], improved["phrase"]) == (3, "tre av de fire familiene")
    assert improved["cases"] == ["F01", "F02", "F04"] and improved["suggested"] == 3
    unchanged = broer["directions"]["unchanged"]
    assert (unchanged["cases"], unchanged["researcher"], unchanged["phrase"]) == (
        ["F03"], 1, "én av de fire familiene",
    )  # fmt: skip
    set_only = json.loads(run_cli("rollup", "--theme", "broer", "--set-only", "--json", project=demo).stdout)
    assert set_only["themes"][0]["directions"] == {
        "unchanged": {
            "count": 1,
            "phrase": "én av de fire familiene",
            "cases": ["F03"],
            "researcher": 1,
            "suggested": 0,
        }
    }
    text = run_cli("rollup", project=demo).stdout
    assert "R1 → R3" in text and "4 family cases interviewed in both R1 and R3" in text


def test_a_family_seen_in_one_round_only_is_left_out_of_the_whole(
    run_cli, demo: Path, tmp_path: Path
) -> None:
    transcript = tmp_path / "F05_R1.txt"
    transcript.write_text("I: Hvordan går det?\n\nMor: Vi venter på svar fra kommunen.\n", encoding="utf-8")
    assert run_cli("case", "add", "F05", "--label", "Familie 5", project=demo).exit_code == 0
    assert run_cli("import", str(transcript), "--case", "F05", "--round", "R1", project=demo).exit_code == 0
    with Project.open(demo) as project:
        found = longitudinal.rollup(project, ("R1", "R3"), ["familie"])
    assert found.rows[0].whole == 4 and found.left_out == 1
    assert "F05" not in {c for cases in found.rows[0].cases.values() for c in cases}


def test_migration_0006_upgrades_the_schema_2_fixture(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "old.casebook"
    shutil.copy(V2_FIXTURE, path)
    path.chmod(0o600)
    added = run_cli(
        "event",
        "add",
        "F01",
        "--kind",
        "phone_contact",
        "--date",
        "2024-01",
        "--note",
        "Ringte",
        project=path,
    )
    assert added.exit_code == 0, added.stderr
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"case_events", "directions", "direction_evidence", "attribute_scales"} <= tables
        with pytest.raises(sqlite3.IntegrityError):  # a service event always has a status
            conn.execute(
                "INSERT INTO case_events (case_id, kind, service, created_at)"
                " VALUES (1, 'service', 'PPT', 'x')"
            )
    finally:
        conn.close()
    report = json.loads(run_cli("check", "--json", project=path).stdout)
    assert report["pending_migrations"] == []
    assert report["problems"] == [
        "memo 1 belongs to code 48, which no longer exists: 'Memo på en kode som slettes'"
    ]
    timeline = json.loads(run_cli("timeline", "F01", "--json", project=path).stdout)
    assert [c["note"] for c in timeline["caveats"]] == ["Ringte"]
    assert run_cli("changes", "F01", project=path).exit_code == 0
