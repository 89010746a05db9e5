"""The trustworthy core: user text shown verbatim, stable identities, one code tree, each
coder's work kept, ``check`` that only reads. Driven through the real CLI on real files."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from casebook.services import workbench
from casebook.services.project import Project
from casebook.storage.schema import MIGRATIONS
from tests.conftest import fingerprint, write_study

V2_FIXTURE = Path(__file__).parent / "data" / "v2_project.casebook"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MARKUP_TEXT = (
    "I: Hvordan gikk møtet?\n\n"
    "Mor: Det var [latter] helt greit, men så [/uklart] sa de nei. [b]x[/b] og :smile: står her.\n\n"
    "I: Og etterpå?\n\n"
    "Mor: Vi klaget [pause] og fikk medhold.\n"
)


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


@pytest.fixture
def markup_project(run_cli, tmp_path: Path, project_path: Path) -> Path:
    assert run_cli("init").exit_code == 0
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    source = tmp_path / "F01_R1_markup.txt"
    source.write_text(MARKUP_TEXT, encoding="utf-8")
    assert run_cli("import", str(source), "--case", "F01", "--round", "R1").exit_code == 0
    return project_path


def test_user_text_with_markup_is_coded_and_listed_verbatim(run_cli, markup_project: Path) -> None:
    start = MARKUP_TEXT.index("Det var")
    end = MARKUP_TEXT.index("står her.") + len("står her.")
    result = run_cli(
        "code", "F01_R1_markup", str(start), str(end), "familie.strafferunder", "--memo", "[b]x[/b] [latter]"
    )
    assert result.exit_code == 0, result.stderr
    assert "[latter]" in result.stdout and "[/uklart]" in result.stdout
    assert "Traceback" not in result.stderr
    listed = run_cli("codings").stdout
    assert "[b]x[/b] [latter]" in listed
    passages = json.loads(run_cli("codings", "--json").stdout)
    assert passages[0]["memo"] == "[b]x[/b] [latter]"
    assert run_cli("codebook", "rename", "familie.strafferunder", "[b]Straffe[/b]runder").exit_code == 0
    assert "[b]Straffe[/b]runder" in run_cli("codebook", "show").stdout


def test_a_project_of_schema_2_is_brought_forward_without_loss(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "old.casebook"
    shutil.copy(V2_FIXTURE, path)
    path.chmod(0o600)
    assert query(path, "PRAGMA user_version") == [(2,)]
    before = query(path, "SELECT count(*) FROM memos")
    codings = json.loads(run_cli("codings", "--json", project=path).stdout)
    assert query(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    # the text is the last column, so a source's small columns are read without it
    columns = [str(r[1]) for r in query(path, "PRAGMA table_info(sources)")]
    assert columns[-1] == "text" and query(path, "SELECT count(*) FROM sources") == [(1,)]
    # the duplicate made by an older casebook folded into one coding; its memo kept
    spans = [(c["source_id"], c["start"], c["end"], c["code"], c["coder"]) for c in codings]
    assert len(spans) == len(set(spans)) == 5
    folded = [c for c in codings if (c["start"], c["end"], c["coder"]) == (100, 200, "ida")]
    assert [c["memo"] for c in folded] == ["duplikat-memo"]
    assert next(c for c in codings if c["start"] == 0)["memo"] == "første [latter]"
    assert query(path, "SELECT count(*) FROM memos") == before
    for table in ("cases", "persons", "rounds", "sources", "coders", "codings", "memos"):
        guids = [str(r[0]) for r in query(path, f"SELECT guid FROM {table}")]
        assert guids and len(set(guids)) == len(guids) and all(UUID.match(g) for g in guids), table
    # the memo of a code deleted before the upgrade is reported, and never adopted
    report = json.loads(run_cli("check", "--json", project=path).stdout)
    assert any("memo 1 belongs to code 48" in p for p in report["problems"])
    assert run_cli("codebook", "add", "test.ny", "--name", "Ny", project=path).exit_code == 0
    with Project.open(path) as project:
        new_id = workbench.memo_target(project, "code", "test.ny")
        assert new_id is not None and new_id > 48
        assert workbench.memo(project, "code", new_id) == ""


def test_ids_of_removed_codings_are_never_handed_out_again(run_cli, markup_project: Path) -> None:
    args = ["F01_R1_markup", "0", "5", "broer.koordinator"]
    assert run_cli("code", *args).exit_code == 0
    first = json.loads(run_cli("codings", "--json").stdout)[0]
    assert run_cli("uncode", *args).exit_code == 0
    assert run_cli("code", *args).exit_code == 0
    second = json.loads(run_cli("codings", "--json").stdout)[0]
    assert second["id"] > first["id"] and second["guid"] != first["guid"]


def test_the_schema_refuses_a_duplicate_coding_and_a_span_moved_outside(markup_project: Path) -> None:
    conn = sqlite3.connect(markup_project)
    try:
        with conn:
            conn.execute(
                'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at)'
                " VALUES (1, 0, 5, 1, (SELECT coalesce(max(id), 0) + 1 FROM coders), 'x')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                'INSERT INTO codings (source_id, start, "end", code_id, coder_id, created_at)'
                " SELECT source_id, start, \"end\", code_id, coder_id, 'y' FROM codings"
            )
        with pytest.raises(sqlite3.IntegrityError, match="outside its source"):
            conn.execute('UPDATE codings SET "end" = 1000000')
    finally:
        conn.close()


def test_a_merged_code_gives_its_memo_and_a_deleted_code_takes_it(run_cli, markup_project: Path) -> None:
    with Project.open(markup_project) as project:
        for key, text in (("familie.los", "Losen [b]"), ("broer.koordinator", "Koordinator")):
            workbench.set_memo(project, "code", workbench.memo_target(project, "code", key), text, "ida")
    assert run_cli("codebook", "merge", "familie.los", "broer.koordinator").exit_code == 0
    with Project.open(markup_project) as project:
        merged = workbench.memo(project, "code", workbench.memo_target(project, "code", "broer.koordinator"))
    assert "Koordinator" in merged and "Losen [b]" in merged
    assert run_cli("codebook", "delete", "broer.koordinator").exit_code == 0
    assert query(markup_project, "SELECT count(*) FROM memos WHERE target_kind = 'code'") == [(0,)]
    assert json.loads(run_cli("check", "--json").stdout)["ok"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_only_reads_and_reports_pending_migrations(run_cli, demo: Path, tmp_path: Path) -> None:
    before = _digest(demo)
    assert json.loads(run_cli("check", "--json", project=demo).stdout)["ok"]
    assert _digest(demo) == before
    old = tmp_path / "old.casebook"
    shutil.copy(V2_FIXTURE, old)
    old.chmod(0o600)
    old_digest = _digest(old)
    result = run_cli("check", project=old)
    pending = list(MIGRATIONS[2:])  # everything after 0002_codebook_history
    assert pending[:2] == ["0003_identities", "0004_scale"]
    assert f"needs upgrading: migrations {', '.join(pending)} are not applied" in result.stdout
    assert _digest(old) == old_digest
    assert query(old, "PRAGMA user_version") == [(2,)]
    assert json.loads(run_cli("check", "--json", project=old).stdout)["pending_migrations"] == pending


def test_segments_follow_the_tree_after_a_move(run_cli, demo: Path) -> None:
    with Project.open(demo) as project:
        moving = len(workbench.code_segments(project, "kognitiv.ansvarsavgrensning"))
        before = len(workbench.code_segments(project, "strukturell"))
    assert moving > 0
    moved = ["codebook", "move", "kognitiv.ansvarsavgrensning", "--parent", "strukturell"]
    result = run_cli(*moved, project=demo)
    assert result.exit_code == 0
    with Project.open(demo) as project:
        after = workbench.code_segments(project, "strukturell")
        assert len(after) == before + moving
        assert len(workbench.code_segments(project, "kognitiv")) > 0  # its other children stay
        tree = {c.key: c.codings for c in workbench.codebook(project)}
    assert tree["kognitiv.ansvarsavgrensning"] == moving


def test_codings_on_a_superseded_version_are_counted_nowhere_and_kept(
    run_cli, markup_project: Path, tmp_path: Path
) -> None:
    assert run_cli("code", "F01_R1_markup", "0", "5", "familie.venting").exit_code == 0
    changed = tmp_path / "F01_R1_markup.txt"
    changed.write_text(MARKUP_TEXT + "\nI: Takk.\n", encoding="utf-8")
    assert run_cli("import", str(changed), "--case", "F01", "--round", "R1").exit_code == 0
    with Project.open(markup_project) as project:
        tree = {c.key: c.codings for c in workbench.codebook(project)}
        assert tree["familie.venting"] == 0
        assert workbench.code_segments(project, "familie") == []
        cells = workbench.grid(project).cell("F01", "R1")
        assert [c.source.version for c in cells] == [2] and cells[0].coded_chars == 0
    assert len(json.loads(run_cli("codings", "--json").stdout)) == 1  # the old version's coding is kept
    before = fingerprint(markup_project)
    assert json.loads(run_cli("check", "--json").stdout)["ok"]
    assert fingerprint(markup_project) == before


def test_project_can_follow_the_subcommand(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from casebook.cli.main import cli

    path = tmp_path / "f.casebook"
    runner = CliRunner()
    created = runner.invoke(cli, ["init", "--project", str(path)])
    assert created.exit_code == 0, created.output
    shown = runner.invoke(cli, ["codebook", "show", "--json", "--project", str(path)])
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)) == 47


def test_codings_json_says_where_each_coding_is_and_what_it_says(run_cli, markup_project: Path) -> None:
    start = MARKUP_TEXT.index("Vi klaget")
    end = start + len("Vi klaget [pause] og fikk medhold.")
    assert run_cli("code", "F01_R1_markup", str(start), str(end), "familie.strafferunder").exit_code == 0
    [coding] = json.loads(run_cli("codings", "--json").stdout)
    assert coding["source"] == "F01_R1_markup" and coding["case"] == "F01" and coding["round"] == "R1"
    assert coding["speaker"] == "Mor" and coding["text"] == "Vi klaget [pause] og fikk medhold."
    assert UUID.match(coding["guid"]) and coding["current"] is True


def test_memos_are_listed_by_target_with_gone_targets_marked(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "old.casebook"
    shutil.copy(V2_FIXTURE, path)
    path.chmod(0o600)
    found = json.loads(run_cli("memos", "--json", project=path).stdout)
    on = {(m["kind"], m["target"]): m["text"] for m in found}
    assert on[("case", "F01")] == "Familie 1: memo"
    assert on[("code", None)] == "Memo på en kode som slettes"  # its code was deleted long ago
    assert on[("coding", "1 broer.koordinator")] == "første [latter]"
    table = run_cli("memos", "--kind", "code", project=path).stdout
    assert "Koordinator-memo [b]x[/b]" in table and "(gone)" in table and "Familie 1" not in table


def test_source_set_reassigns_an_interview_and_keeps_its_codings(run_cli, markup_project: Path) -> None:
    assert run_cli("code", "F01_R1_markup", "0", "5", "familie.venting").exit_code == 0
    before = json.loads(run_cli("codings", "--json").stdout)
    result = run_cli(
        "source",
        "set",
        "F01_R1_markup",
        "--round",
        "R2",
        "--date",
        "2024-03-12",
        "--mode",
        "hjemme",
        "--interviewer",
        "ida",
        "--informant",
        "1a",
    )
    assert result.exit_code == 0, result.stderr
    [source] = json.loads(run_cli("sources", "--json").stdout)
    assert (source["round"], source["date"], source["mode"], source["interviewer"]) == (
        "R2",
        "2024-03-12",
        "hjemme",
        "ida",
    )
    assert source["persons"] == ["1a"] and UUID.match(source["guid"])
    after = json.loads(run_cli("codings", "--json").stdout)
    assert [(c["start"], c["end"], c["text"]) for c in after] == [
        (c["start"], c["end"], c["text"]) for c in before
    ]
    assert after[0]["round"] == "R2"
    unchanged = fingerprint(markup_project)
    bad = run_cli("source", "set", "F01_R1_markup", "--case", "F99", "--round", "R1")
    assert bad.exit_code == 1 and "no case 'F99'" in bad.stderr and "Traceback" not in bad.stderr
    assert fingerprint(markup_project) == unchanged


CHILD_FIRST = """
[codebook]
name = "Rekkefølge"

[[code]]
id = "a.b.c"
name = "Barnebarn"
parent = "a.b"

[[code]]
id = "a.b"
name = "Barn"
parent = "a"

[[code]]
id = "a"
name = "Forelder"
"""


def test_a_codebook_listing_children_before_parents_loads_the_same_tree(run_cli, tmp_path: Path) -> None:
    child_first = tmp_path / "barn_forst.toml"
    child_first.write_text(CHILD_FIRST, encoding="utf-8")
    assert run_cli("init", "--codebook", str(child_first)).exit_code == 0
    tree = {c["id"]: c["parent"] for c in json.loads(run_cli("codebook", "show", "--json").stdout)}
    assert tree == {"a": None, "a.b": "a", "a.b.c": "a.b"}
    broken = tmp_path / "ukjent.toml"
    broken.write_text(CHILD_FIRST.replace('parent = "a"\n', 'parent = "x"\n'), encoding="utf-8")
    other = tmp_path / "annen.casebook"
    result = run_cli("init", "--codebook", str(broken), project=other)
    assert result.exit_code == 1 and "ukjent.toml" in result.stderr and "'a.b'" in result.stderr
    assert "unknown parent 'x'" in result.stderr and not other.exists()
