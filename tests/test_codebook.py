"""The codebook as a living, versioned document: load, edit, merge, split, exchange."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import xmlschema

from tests.conftest import SAMPLES, shared_file

ROOTS = ["kognitiv", "strukturell", "makt", "fysisk", "ressurser", "broer", "familie"]


@pytest.fixture
def coded(run_cli, project_path: Path) -> Path:
    """The sample study with five real codings by two coders."""
    assert run_cli("init").exit_code == 0
    assert run_cli("import", "--manifest", str(SAMPLES / "manifest.csv")).exit_code == 0
    for args in [
        ("F01_R1_foreldre", "100", "180", "familie.informasjon", "--coder", "ida"),
        ("F01_R1_foreldre", "300", "420", "familie.informasjon", "--coder", "ola"),
        ("F01_R2_foreldre", "50", "90", "familie.informasjon", "--coder", "ida"),
        ("F02_R1_foreldre", "500", "620", "broer.koordinator", "--coder", "ida"),
        ("F03_R1_foreldre", "10", "40", "strukturell.taushetsplikt", "--coder", "ola"),
    ]:
        result = run_cli("code", *args)
        assert result.exit_code == 0, result.stderr
    return project_path


def spans(path: Path) -> set[tuple[int, int, int, str]]:
    """Every coding as (source, start, end, coder): what must survive codebook edits."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        'SELECT g.source_id, g.start, g."end", k.name FROM codings g JOIN coders k ON k.id = g.coder_id'
    ).fetchall()
    conn.close()
    return set(rows)


def codes(run_cli) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in json.loads(run_cli("codebook", "show", "--json").stdout)}


def test_init_loads_the_default_four_distance_codebook(run_cli) -> None:
    run_cli("init")
    book = json.loads(run_cli("codebook", "show", "--json").stdout)
    roots = [c["id"] for c in book if c["parent"] is None]
    assert roots == ROOTS
    for root in ROOTS:
        assert any(c["parent"] == root for c in book), f"{root} has no children"
    for code in book:
        assert {"id", "name", "parent", "distance", "valence", "signals"} <= code.keys()
        assert code["distance"] in {"kognitiv", "strukturell", "makt", "fysisk", "none"}
        assert code["valence"] in {"hindrer", "fremmer", "nøytral"}
        assert code["description"] and code["use_when"] and code["not_when"], code["id"]
        if code["parent"]:
            assert len(code["examples"]) >= 2 and code["signals"], code["id"]
    ids = {c["id"] for c in book}
    assert {"strukturell.taushetsplikt", "broer.barnekoordinator", "familie.strafferunder"} <= ids


def test_rename_move_merge_keep_every_coding(run_cli, coded: Path) -> None:
    before = spans(coded)
    assert run_cli("codebook", "rename", "familie.informasjon", "Informasjon om rettigheter").exit_code == 0
    assert run_cli("codebook", "move", "familie.informasjon", "--parent", "strukturell").exit_code == 0
    after_move = codes(run_cli)
    assert after_move["familie.informasjon"]["parent"] == "strukturell"
    assert after_move["familie.informasjon"]["name"] == "Informasjon om rettigheter"
    assert after_move["familie.informasjon"]["codings"] == 3
    result = run_cli("codebook", "merge", "familie.informasjon", "familie.los")
    assert result.exit_code == 0 and "3 codings moved" in result.stdout
    merged = codes(run_cli)
    assert "familie.informasjon" not in merged and merged["familie.los"]["codings"] == 3
    assert spans(coded) == before
    assert json.loads(run_cli("check", "--json").stdout)["ok"]


def test_split_moves_only_the_chosen_codings(run_cli, coded: Path) -> None:
    mine = json.loads(run_cli("codings", "--code", "familie.informasjon", "--json").stdout)
    chosen = [c["id"] for c in mine if c["coder"] == "ola"]
    result = run_cli(
        "codebook",
        "split",
        "familie.informasjon",
        "familie.informasjon_nett",
        "--name",
        "Informasjon funnet på nett",
        "--codings",
        ",".join(map(str, chosen)),
    )
    assert result.exit_code == 0, result.stderr
    book = codes(run_cli)
    assert book["familie.informasjon"]["codings"] == 2
    assert book["familie.informasjon_nett"]["codings"] == 1
    assert book["familie.informasjon_nett"]["parent"] == "familie"
    assert book["familie.informasjon_nett"]["valence"] == book["familie.informasjon"]["valence"]
    bad = run_cli("codebook", "split", "broer.koordinator", "broer.x", "--name", "X", "--codings", "1")
    assert bad.exit_code == 1 and "not codings of 'broer.koordinator'" in bad.stderr


def test_delete_is_refused_while_codings_exist(run_cli, coded: Path) -> None:
    refused = run_cli("codebook", "delete", "broer.koordinator")
    assert refused.exit_code == 1 and "has 1 codings" in refused.stderr
    assert run_cli("codebook", "delete", "broer").exit_code == 1  # has sub-codes
    forced = run_cli("codebook", "delete", "broer.koordinator", "--force", "--yes")
    assert forced.exit_code == 0 and "1 codings" in forced.stdout
    assert "broer.koordinator" not in codes(run_cli)
    assert len(spans(coded)) == 4


def test_history_records_who_changed_what(run_cli, coded: Path) -> None:
    run_cli("codebook", "rename", "makt", "Maktdistanse", "--coder", "ida")
    run_cli(
        "codebook", "add", "makt.budsjettkamp", "--name", "Budsjettkamp", "--parent", "makt", "--coder", "ola"
    )
    events = json.loads(run_cli("codebook", "history", "--json").stdout)
    assert [(e["action"], e["coder"], e["code"]) for e in events[-2:]] == [
        ("rename", "ida", "makt"),
        ("add", "ola", "makt.budsjettkamp"),
    ]
    assert events[0]["action"] == "load"


def test_toml_export_reloads_to_the_same_tree(run_cli, coded: Path, tmp_path: Path) -> None:
    run_cli("codebook", "rename", "fysisk", "Fysisk og geografisk distanse")
    out = tmp_path / "kodebok.toml"
    assert run_cli("codebook", "export", "--format", "toml", "-o", str(out)).exit_code == 0
    original = codes(run_cli)
    fresh = tmp_path / "ny.casebook"
    assert run_cli("init", "--codebook", str(out), project=fresh).exit_code == 0
    again = {c["id"]: c for c in json.loads(run_cli("codebook", "show", "--json", project=fresh).stdout)}
    strip = lambda book: {k: {f: v for f, v in c.items() if f != "codings"} for k, c in book.items()}  # noqa: E731
    assert strip(again) == strip(original)


def test_qdc_export_is_valid_refi_and_round_trips(run_cli, coded: Path, tmp_path: Path) -> None:
    out = tmp_path / "kodebok.qdc"
    assert run_cli("codebook", "export", "--format", "qdc", "-o", str(out)).exit_code == 0
    xmlschema.XMLSchema(str(shared_file("refi/Codebook-mrt2019.xsd"))).validate(str(out))
    original = codes(run_cli)
    fresh = tmp_path / "annen.casebook"
    run_cli("init", "--no-codebook", project=fresh)
    assert run_cli("codebook", "import", str(out), project=fresh).exit_code == 0
    imported = json.loads(run_cli("codebook", "show", "--json", project=fresh).stdout)
    by_guid = {c["guid"]: c for c in original.values()}
    names = {c["id"]: c["name"] for c in imported}
    for code in imported:
        twin = by_guid[code["guid"]]
        assert (code["name"], code["color"], code["description"]) == (
            twin["name"],
            twin["color"],
            twin["description"],
        )
        parent_name = names[code["parent"]] if code["parent"] else None
        assert parent_name == (original[twin["parent"]]["name"] if twin["parent"] else None)
    # importing the same file into the original project matches every code by GUID
    again = run_cli("codebook", "import", str(out))
    assert "0 added" in again.stdout and spans(coded)


def test_third_party_refi_codebook_imports_nested(run_cli, tmp_path: Path) -> None:
    sample = shared_file("refi/samples/hand_authored/project.qde")
    run_cli("init", "--no-codebook")
    result = run_cli("codebook", "import", str(sample))
    assert result.exit_code == 0, result.stderr
    book = codes(run_cli)
    assert book["topics.health.diet"]["parent"] == "topics.health"
    assert book["topics.health"]["color"] == "#33CC33"


BAD = {
    "duplicate id": (
        '[[code]]\nid = "a"\nname = "A"\n\n[[code]]\nid = "a"\nname = "B"\n',
        "line 5: code 'a': the id is used twice",
    ),
    "unknown parent": (
        '[[code]]\nid = "a"\nname = "A"\n\n[[code]]\nid = "a.b"\nparent = "x"\nname = "B"\n',
        "line 5: code 'a.b': unknown parent 'x'",
    ),
    "cycle": (
        '[[code]]\nid = "a"\nparent = "b"\nname = "A"\n\n[[code]]\nid = "b"\nparent = "a"\nname = "B"\n',
        "parents form a cycle",
    ),
    "distance": (
        '[[code]]\nid = "a"\nname = "A"\ndistance = "sosial"\n',
        "line 1: code 'a': distance must be one of",
    ),
    "valence": (
        '[[code]]\nid = "a"\nname = "A"\nvalence = "positiv"\n',
        "line 1: code 'a': valence must be one of",
    ),
    "colour": (
        '\n\n[[code]]\nid = "a"\nname = "A"\ncolor = "rød"\n',
        "line 3: code 'a': colour 'rød' is not #RRGGBB",
    ),
    "regex signal": (
        '[[code]]\nid = "a"\nname = "A"\nsignals = ["re:(uklart"]\n',
        "is not a valid regular expression",
    ),
    "star signal": (
        '[[code]]\nid = "a"\nname = "A"\nsignals = ["møte**plass"]\n',
        "line 1: code 'a': signal 'møte**plass'",
    ),
    "not toml": ('[[code]\nid = "a"\n', "is not valid TOML"),
    "no codes": ('[codebook]\nname = "tom"\n', "has no [[code]] entries"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_invalid_codebooks_give_one_clear_line(run_cli, tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    path = tmp_path / "feil.toml"
    path.write_text(text, encoding="utf-8")
    run_cli("init", "--no-codebook")
    result = run_cli("codebook", "load", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"casebook: error: {path}: ")
    assert expected in lines[0]
    assert codes(run_cli) == {}


def test_scripted_coding_refuses_bad_spans_and_codes(run_cli, coded: Path) -> None:
    chars = {s["name"]: s["chars"] for s in json.loads(run_cli("sources", "--json").stdout)}
    size = chars["F01_R1_foreldre"]
    for start, end, message in [
        (50, 50, "end must come after"),
        (-1, 5, "negative"),
        (0, size + 1, "outside the source"),
    ]:
        result = run_cli("code", "--", "F01_R1_foreldre", str(start), str(end), "kognitiv")
        assert result.exit_code != 0 and message in result.stderr
    assert "no code 'ukjent'" in run_cli("code", "F01_R1_foreldre", "0", "5", "ukjent").stderr
    assert (
        "already coded"
        in run_cli("code", "F01_R1_foreldre", "100", "180", "familie.informasjon", "--coder", "ida").stderr
    )
    assert (
        run_cli("uncode", "F01_R1_foreldre", "100", "180", "familie.informasjon", "--coder", "ida").exit_code
        == 0
    )
    assert len(spans(coded)) == 4
    full = run_cli("code", "F01_R1_foreldre", "0", str(size), "kognitiv", "--memo", "hele intervjuet")
    assert full.exit_code == 0
