"""Matrices and co-occurrence, checked against counts made without casebook's own queries.

On the demo study the expectations come from ``sample_transcripts/codings.csv`` and
``manifest.csv`` with plain Python (codes rolled up by their ``root.name`` keys, cases and
rounds from the manifest). Co-occurrence runs on a small handmade project where every
overlap is known, including spans that touch without overlapping.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.errors import InvalidValue, NotFound
from casebook.model.codes import Code
from casebook.model.cooccurrence import CooccurrenceMode, CooccurrenceSpec
from casebook.model.matrix import ColumnAxis, Matrix, MatrixSpec, Measure
from casebook.model.study import CaseKind, InterviewMeta
from casebook.queries import cooccurrence as sweep
from casebook.services import analysis, codebook, coding, workbench
from casebook.services.importer import ImportItem, import_files
from casebook.services.project import Project
from casebook.services.setup import create_project
from casebook.services.study import load_study
from casebook.text.normalize import normalize
from tests.conftest import SAMPLES

FAMILIES = ["F01", "F02", "F03", "F04"]


# ---- expectations from the sample files, without casebook ----


def _manifest() -> dict[str, dict[str, str]]:
    with (SAMPLES / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {Path(r["file"]).stem: r for r in csv.DictReader(handle)}


def _codings() -> list[dict[str, str]]:
    """Each example coding with its source's case and round (from the manifest)."""
    manifest = _manifest()
    with (SAMPLES / "codings.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["case"] = manifest[row["source"]]["case"]
        row["round"] = manifest[row["source"]]["round"]
    return rows


def _rows_of(code: str) -> list[str]:
    """The matrix rows a coding of ``code`` counts towards: itself and its root."""
    root = code.split(".")[0]
    return [code] if code == root else [code, root]


def _expected_by(
    column: str, kinds: set[str]
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[str]]]:
    """Segments and distinct cases per (row code, column value) from the CSV."""
    segments: Counter[tuple[str, str]] = Counter()
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _codings():
        if row["case"] not in kinds:
            continue
        for code in _rows_of(row["code"]):
            segments[(code, row[column])] += 1
            cases[(code, row[column])].add(row["case"])
    return segments, cases


def _values(built: Matrix, code: str) -> dict[str, int]:
    return {c.key: built.value(code, c) for c in built.columns}


@pytest.fixture
def opened(demo: Path) -> Iterator[Project]:
    with Project.open(demo) as project:
        yield project


# ---- code × case ----


def test_code_by_case_counts_match_the_hand_count_including_rolled_up_parents(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec())
    expected, _cases = _expected_by("case", set(FAMILIES))
    assert [c.key for c in built.columns] == FAMILIES  # families only by default
    assert [r.code for r in built.rows][:3] == [
        "kognitiv",
        "kognitiv.ansvarsavgrensning",
        "kognitiv.innarbeidet_praksis",
    ]
    for row in built.rows:
        assert _values(built, row.code) == {case: expected[(row.code, case)] for case in FAMILIES}, row.code
        assert built.value(row.code, built.total) == sum(expected[(row.code, c)] for c in FAMILIES)
    # two anchors a researcher can check by reading codings.csv: Familie 1 has 13 bridge codings
    # (rolled up from the broer.* codes) and 5 strafferunder codings over its three rounds
    f01 = built.columns[0]
    assert built.value("broer", f01) == 13
    assert built.value("familie.strafferunder", f01) == 5
    assert built.rows[0].depth == 0 and built.rows[1].depth == 1 and built.rows[1].parent == "kognitiv"


def test_case_columns_carry_their_segment_denominators(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec())
    per_case = Counter(row["case"] for row in _codings())
    for column in built.columns:
        assert built.denominator(column).count == per_case[column.key]
        assert built.denominator(column).unit == "segments"
    f01 = built.columns[0]
    assert str(built.denominator(f01)) == "n = 62 segments"
    assert built.percent("broer", f01) == pytest.approx(100 * 13 / 62)
    assert built.denominator(built.total).count == sum(per_case[c] for c in FAMILIES)


def test_a_professionals_interview_counts_for_the_family_it_was_filed_under(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec())
    f01 = built.columns[0]
    assert "P1_barnekoordinator" in {s.name for s in f01.sources}
    assert len(f01.sources) == 4


def test_coder_filter_counts_one_coders_codings(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec(coder="ola", roots_only=True))
    expected = Counter(
        (code, row["case"])
        for row in _codings()
        if row["coder"] == "ola" and row["case"] in FAMILIES
        for code in _rows_of(row["code"])
    )
    assert [r.code for r in built.rows] == [
        "kognitiv",
        "strukturell",
        "makt",
        "fysisk",
        "ressurser",
        "broer",
        "familie",
    ]
    for row in built.rows:
        assert _values(built, row.code) == {c.key: expected[(row.code, c.key)] for c in built.columns}


def test_municipality_kind_and_one_subtree(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec(kind=CaseKind.MUNICIPALITY, root="broer"))
    expected, _cases = _expected_by("case", {"K1", "K2"})
    assert [c.key for c in built.columns] == ["K1", "K2"]
    assert built.rows[0].code == "broer" and built.rows[0].depth == 0
    assert all(r.code.startswith("broer.") for r in built.rows[1:])
    for row in built.rows:
        assert _values(built, row.code) == {k: expected[(row.code, k)] for k in ("K1", "K2")}
    assert str(built.denominator(built.total)) == f"n = {17 + 8} segments"


def test_roll_up_follows_the_tree_not_the_key(opened: Project) -> None:
    los = sum(1 for row in _codings() if row["code"] == "familie.los" and row["case"] in FAMILIES)
    assert los > 0
    before = analysis.matrix(opened, MatrixSpec(roots_only=True))
    codebook.move(opened, "familie.los", "broer", "ida")
    after = analysis.matrix(opened, MatrixSpec(roots_only=True))
    total = before.total
    assert after.value("broer", after.total) == before.value("broer", total) + los
    assert after.value("familie", after.total) == before.value("familie", total) - los


# ---- rounds and attributes ----


def test_code_by_round_as_cases_with_percentages_of_the_families(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec(columns=ColumnAxis.ROUNDS, measure=Measure.CASES))
    _segments, cases = _expected_by("round", set(FAMILIES))
    assert [c.key for c in built.columns] == ["R1", "R2", "R3"]
    for column in built.columns:
        assert str(built.denominator(column)) == "n = 4 families"
    for row in built.rows:
        for column in built.columns:
            n = len(cases[(row.code, column.key)])
            assert built.value(row.code, column) == n, (row.code, column.key)
            assert built.percent(row.code, column) == pytest.approx(100 * n / 4)
    # every family tells of its experiences in some round; the total counts each family once
    assert (
        built.value("familie", built.total)
        == 4
        == len(set().union(*(cases[("familie", r)] for r in ["R1", "R2", "R3"])))
    )


def test_attribute_columns_take_the_value_as_of_each_interviews_round(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec(columns=ColumnAxis.ATTRIBUTE, attribute="barn_alder"))
    manifest = _manifest()
    age = {(r["case"], r["round"]): r["case.barn_alder"] for r in manifest.values() if r["case.barn_alder"]}
    assert age[("F01", "R1")] == "9" and age[("F01", "R2")] == "10" and age[("F01", "R3")] == "11"
    columns = {c.key: c for c in built.columns}
    assert list(columns) == ["7", "8", "9", "10", "11", "13", "14", "15", "16", "17"]  # numeric order
    # F01 moves 9 -> 10 -> 11; the professional's interview (F01, R2) takes F01's R2 age
    assert {s.name for s in columns["10"].sources} == {"F01_R2_foreldre", "P1_barnekoordinator"}
    assert {s.case for s in columns["9"].sources} == {"F01", "F02"} and columns["9"].cases == 2
    assert columns["17"].cases == 1 and len(columns["17"].sources) == 2  # F04 is 17 in R2 and R3
    expected: Counter[tuple[str, str]] = Counter()
    for row in _codings():
        if row["case"] in FAMILIES:
            for code in _rows_of(row["code"]):
                expected[(code, age[(row["case"], row["round"])])] += 1
    for row in built.rows:
        assert _values(built, row.code) == {k: expected[(row.code, k)] for k in columns}, row.code


def test_unknown_names_are_reported_not_silently_empty(opened: Project) -> None:
    with pytest.raises(NotFound, match=r"no coder 'nobody'.*ida"):
        analysis.matrix(opened, MatrixSpec(coder="nobody"))
    with pytest.raises(NotFound, match="no case or source attribute 'alder'"):
        analysis.matrix(opened, MatrixSpec(columns=ColumnAxis.ATTRIBUTE, attribute="alder"))
    with pytest.raises(NotFound, match=r"no code 'broer\.ukjent'"):
        analysis.matrix(opened, MatrixSpec(root="broer.ukjent"))
    with pytest.raises(NotFound, match="no round 'R9'"):
        analysis.matrix(opened, MatrixSpec(round="R9"))


# ---- drill-down ----


def test_drill_down_lists_exactly_the_passages_a_cell_counted(opened: Project) -> None:
    built = analysis.matrix(opened, MatrixSpec(columns=ColumnAxis.ROUNDS))
    r2 = next(c for c in built.columns if c.key == "R2")
    found = analysis.cell_segments(opened, built, "familie", r2)
    expected = sorted(
        normalize(row["quote"])
        for row in _codings()
        if row["round"] == "R2" and row["case"] in FAMILIES and row["code"].startswith("familie")
    )
    assert len(found) == built.value("familie", r2) == len(expected)
    assert sorted(s.text for s in found) == expected
    assert {s.source.case for s in found} <= set(FAMILIES)
    filters = built.drill_down("familie", r2)
    assert sum(workbench.segment_count(opened, f) for f in filters) == len(found)
    page = analysis.cell_segments(opened, built, "familie", r2, offset=5, limit=7)
    assert [s.coding_id for s in page] == [s.coding_id for s in found[5:12]]


# ---- words, co-occurrence: a handmade project where every overlap is known ----

STUDY = """
[[rounds]]
key = "R1"
[[rounds]]
key = "R2"
[attributes.case.bosted]
type = "Text"
[[cases]]
key = "F01"
kind = "family"
label = "Familie 1"
attributes = { bosted = "Kommune 1" }
[[cases]]
key = "F02"
kind = "family"
label = "Familie 2"
attributes = { bosted = "Kommune 1" }
[[cases]]
key = "K1"
kind = "municipality"
label = "Kommune 1"
"""
TEXT = (
    "Intervju {name}.\n\nI: Hva skjer?\n\n"
    "Mor: en to tre fire fem seks sju åtte ni ti.\n\nFar: elleve tolv tretten fjorten.\n"
)
# The F01 transcript has 21 words: "Intervju F01_R1." 2, "I: Hva skjer?" 3, "Mor:" + 10, "Far:" + 4.
F01_WORDS = 21


class Handmade:
    """The handmade project: sources by name, their texts, and a way to code by words."""

    def __init__(self, project: Project, ids: dict[str, int]) -> None:
        self.project = project
        self.ids = ids
        self.texts = {name: project.source_text(project.source(str(i))) for name, i in ids.items()}
        self.coding_ids: dict[str, list[int]] = defaultdict(list)

    def span(self, source: str, first: str, last: str) -> tuple[int, int]:
        text = self.texts[source]
        start = text.index(f" {first} ") + 1 if f" {first} " in text else text.index(first)
        end = text.index(last, start) + len(last)
        return start, end

    def code(self, source: str, start: int, end: int, code: str, coder: str = "ida") -> int:
        found = coding.apply_code(self.project, str(self.ids[source]), start, end, code, coder)
        self.coding_ids[f"{source}:{code}"].append(found)
        return found


@pytest.fixture
def handmade(tmp_path: Path) -> Iterator[Handmade]:
    (tmp_path / "study.toml").write_text(STUDY, encoding="utf-8")
    items = []
    for name, case, round_key in [("F01_R1", "F01", "R1"), ("F02_R1", "F02", "R1"), ("K1_R2", "K1", "R2")]:
        path = tmp_path / f"{name}.txt"
        path.write_text(TEXT.format(name=name), encoding="utf-8")
        items.append(ImportItem(path, InterviewMeta(case=case, round=round_key)))
    with create_project(tmp_path / "hand.casebook", "Håndlaget", None, "ida") as project:
        load_study(project, tmp_path / "study.toml")
        for code in [
            Code("a", "Alfa"),
            Code("a.en", "Alfa en", parent="a"),
            Code("a.to", "Alfa to", parent="a"),
            Code("b", "Beta"),
            Code("c", "Gamma [latter]"),
        ]:
            codebook.add(project, code, "ida")
        report = import_files(project, items)
        made = Handmade(project, {o.name: o.source_id for o in report.outcomes if o.source_id is not None})
        _code_handmade(made)
        yield made


def _code_handmade(h: Handmade) -> None:
    """F01: a.en [en to] touches b [ tre fire] (end exclusive: no overlap); b [seks sju åtte]
    overlaps c [fem seks sju] on "seks sju", coded alike by ida and ola (one passage);
    a.to [ni ti] overlaps nothing; in Far's turn c [elleve tolv] overlaps a.en [tolv tretten].
    F02: ola's b [en to tre fire] overlaps ola's c [tre fire fem]. K1 (round 2): b and c on
    the same words [en to]."""
    start, end = h.span("F01_R1", "en", "to")
    h.code("F01_R1", start, end, "a.en")
    h.code("F01_R1", end, h.span("F01_R1", "fire", "fire")[1], "b")  # starts where a.en ends
    for coder in ("ida", "ola"):
        h.code("F01_R1", *h.span("F01_R1", "fem", "sju"), "c", coder)
        h.code("F01_R1", *h.span("F01_R1", "seks", "åtte"), "b", coder)
    h.code("F01_R1", *h.span("F01_R1", "ni", "ti"), "a.to")
    h.code("F01_R1", *h.span("F01_R1", "elleve", "tolv"), "c")
    h.code("F01_R1", *h.span("F01_R1", "tolv", "tretten"), "a.en")
    h.code("F02_R1", *h.span("F02_R1", "en", "fire"), "b", "ola")
    h.code("F02_R1", *h.span("F02_R1", "tre", "fem"), "c", "ola")
    h.code("K1_R2", *h.span("K1_R2", "en", "to"), "b")
    h.code("K1_R2", *h.span("K1_R2", "en", "to"), "c")


def _pairs(project: Project, **kwargs: Any) -> dict[tuple[str, str], tuple[int, int, int]]:
    found = analysis.cooccurrence(project, CooccurrenceSpec(**kwargs))
    return {(p.a, p.b): (p.passages, p.sources, p.cases) for p in found.pairs}


def test_touching_spans_do_not_overlap_and_double_coding_counts_once(handmade: Handmade) -> None:
    pairs = _pairs(handmade.project)
    assert pairs == {("b", "c"): (3, 3, 3), ("a.en", "c"): (1, 1, 1)}
    # the a.en and b spans of F01 really touch: a.en ends exactly where b starts
    spans = {(g.code, g.start, g.end) for g in workbench.codings_of(handmade.project, handmade.ids["F01_R1"])}
    a_end = handmade.span("F01_R1", "en", "to")[1]
    assert ("a.en", handmade.span("F01_R1", "en", "to")[0], a_end) in spans
    assert any(code == "b" and start == a_end for code, start, _end in spans)


def test_cooccurrence_filters_by_kind_round_and_coder(handmade: Handmade) -> None:
    assert _pairs(handmade.project, kind=CaseKind.FAMILY) == {("b", "c"): (2, 2, 2), ("a.en", "c"): (1, 1, 1)}
    assert _pairs(handmade.project, round="R2") == {("b", "c"): (1, 1, 1)}
    assert _pairs(handmade.project, coder="ola") == {("b", "c"): (2, 2, 2)}
    assert _pairs(handmade.project, min_passages=2) == {("b", "c"): (3, 3, 3)}
    found = analysis.cooccurrence(handmade.project, CooccurrenceSpec(kind=CaseKind.FAMILY))
    assert (found.cases, found.sources) == (2, 2)


def test_roots_only_never_pairs_a_code_with_its_sibling(handmade: Handmade) -> None:
    assert _pairs(handmade.project, roots_only=True) == {("b", "c"): (3, 3, 3), ("a", "c"): (1, 1, 1)}
    turn = _pairs(handmade.project, roots_only=True, mode=CooccurrenceMode.TURN, kind=CaseKind.FAMILY)
    # F01 Mor's turn: a, b, c; Far's turn: a, c. F02 Mor's turn: b, c.
    assert turn == {("a", "b"): (1, 1, 1), ("a", "c"): (2, 1, 1), ("b", "c"): (2, 2, 2)}


def test_same_turn_pairs_codes_that_do_not_overlap(handmade: Handmade) -> None:
    turn = _pairs(handmade.project, mode=CooccurrenceMode.TURN, round="R1")
    assert turn == {
        ("a.en", "a.to"): (1, 1, 1),
        ("a.en", "b"): (1, 1, 1),  # touching spans in one turn: together in the turn, not overlapping
        ("a.en", "c"): (2, 1, 1),  # Mor's turn and Far's turn
        ("a.to", "b"): (1, 1, 1),
        ("a.to", "c"): (1, 1, 1),
        ("b", "c"): (2, 2, 2),
    }


def test_pair_drill_down_gives_the_counted_passages_with_their_codings(handmade: Handmade) -> None:
    spec = CooccurrenceSpec()
    found = analysis.pair_passages(handmade.project, spec, "c", "b")
    assert [(p.source, p.text) for p in found] == [
        ("F01_R1", "seks sju"),
        ("F02_R1", "tre fire"),
        ("K1_R2", "en to"),
    ]
    first = found[0]
    assert sorted(first.codings_a) == sorted(handmade.coding_ids["F01_R1:c"][:2])  # ida's and ola's c
    assert set(first.codings_b) == set(handmade.coding_ids["F01_R1:b"][1:])  # the two [seks sju åtte]
    assert first.case == "F01" and first.round == "R1"
    turn = analysis.pair_passages(handmade.project, CooccurrenceSpec(mode=CooccurrenceMode.TURN), "a.en", "c")
    assert [p.text.split(":")[0] for p in turn] == ["Mor", "Far"]
    with pytest.raises(InvalidValue, match="never co-occurs with itself"):
        analysis.pair_passages(handmade.project, CooccurrenceSpec(roots_only=True), "a.en", "a.to")


def test_words_count_each_coded_word_once(handmade: Handmade) -> None:
    built = analysis.matrix(handmade.project, MatrixSpec(measure=Measure.WORDS, roots_only=True))
    f01 = built.columns[0]
    assert f01.key == "F01" and f01.words == F01_WORDS
    # a: "en to" + "ni ti" + "tolv tretten"; b: "tre fire" + "seks sju åtte" (coded twice, counted
    # once); c: "fem seks sju" (twice) + "elleve tolv"
    assert _values(built, "a")["F01"] == 6
    assert _values(built, "b")["F01"] == 5
    assert _values(built, "c")["F01"] == 5
    assert built.percent("a", f01) == pytest.approx(100 * 6 / F01_WORDS)
    assert str(built.denominator(f01)) == f"n = {F01_WORDS} words"
    segments = analysis.matrix(handmade.project, MatrixSpec(roots_only=True))
    assert _values(segments, "b") == {"F01": 3, "F02": 1}  # every coding is a segment


def test_cases_measure_uses_the_families_as_denominator(handmade: Handmade) -> None:
    built = analysis.matrix(handmade.project, MatrixSpec(measure=Measure.CASES, roots_only=True))
    assert built.value("b", built.total) == 2 and str(built.denominator(built.total)) == "n = 2 families"
    assert built.percent("a", built.total) == pytest.approx(50.0)


def test_any_attribute_naming_a_municipality_is_refused_over_families(handmade: Handmade) -> None:
    assert "bosted" in analysis.municipality_attributes(handmade.project)
    spec = MatrixSpec(columns=ColumnAxis.ATTRIBUTE, attribute="bosted")
    with pytest.raises(InvalidValue, match="families are never shown with their municipality"):
        analysis.matrix(handmade.project, spec)
    allowed = analysis.matrix(
        handmade.project, MatrixSpec(columns=ColumnAxis.ATTRIBUTE, attribute="bosted", with_municipality=True)
    )
    assert [c.key for c in allowed.columns] == ["Kommune 1"]


# ---- the CLI ----


def test_matrix_refuses_kommune_columns_over_families_in_one_line(demo: Path, run_cli: Any) -> None:
    refused = run_cli("matrix", "--cols", "attr:kommune", project=demo)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "municipality" in refused.stderr and "--with-municipality" in refused.stderr
    assert run_cli("matrix", "--cols", "attr:kommune", "--kind", "all", project=demo).exit_code == 1
    assert run_cli("matrix", "--cols", "attr:kommune", "--kind", "municipality", project=demo).exit_code == 0
    shown = run_cli("matrix", "--cols", "attr:kommune", "--with-municipality", "--json", project=demo)
    assert shown.exit_code == 0
    assert [c["key"] for c in json.loads(shown.stdout)["columns"]] == ["K1", "K2"]


def test_matrix_json_has_keys_values_and_denominators(demo: Path, run_cli: Any) -> None:
    result = run_cli("matrix", "--cols", "rounds", "--measure", "cases", "--roots", "--json", project=demo)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["spec"]["columns"] == "rounds" and data["spec"]["kind"] == "family"
    assert [c["key"] for c in data["columns"]] == ["R1", "R2", "R3"]
    assert all(c["denominator"] == {"count": 4, "unit": "families"} for c in data["columns"])
    _segments, cases = _expected_by("round", set(FAMILIES))
    for row in data["rows"]:
        for cell in row["cells"]:
            n = len(cases[(row["code"], cell["column"])])
            assert cell["value"] == cell["cases"] == n
            assert cell["percent"] == round(100 * n / 4, 2)
    assert data["rows"][0]["code"] == "kognitiv" and data["rows"][0]["name"] == "Kognitiv distanse"


def test_matrix_csv_is_one_line_per_cell(demo: Path, run_cli: Any) -> None:
    result = run_cli("matrix", "--roots", "--csv", project=demo)
    assert result.exit_code == 0, result.stderr
    lines = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(lines) == 7 * (len(FAMILIES) + 1)
    expected, _cases = _expected_by("case", set(FAMILIES))
    for line in lines:
        if line["is_total"] == "0":
            assert int(line["segments"]) == expected[(line["code"], line["column"])]
            assert line["unit"] == "segments" and int(line["denominator"]) > 0
    assert {line["column"] for line in lines if line["is_total"] == "1"} == {""}


def test_matrix_table_shows_code_names_and_the_denominator_row(handmade: Handmade, run_cli: Any) -> None:
    result = run_cli("matrix", "--roots", "--percent", project=handmade.project.path)
    assert result.exit_code == 0, result.stderr
    assert "Gamma [latter]" in result.stdout  # user text printed as written, never as markup
    assert "n (segments)" in result.stdout and "%" in result.stdout


def test_cooccur_cli_json_csv_and_pair(handmade: Handmade, run_cli: Any) -> None:
    path = handmade.project.path
    data = json.loads(run_cli("cooccur", "--json", project=path).stdout)
    assert data["mode"] == "overlap" and data["cases"] == 3
    assert [(p["a"], p["b"], p["passages"]) for p in data["pairs"]] == [("b", "c", 3), ("a.en", "c", 1)]
    rows = list(
        csv.DictReader(io.StringIO(run_cli("cooccur", "--csv", "--mode", "turn", project=path).stdout))
    )
    assert {(r["a"], r["b"]): int(r["passages"]) for r in rows}[("a.en", "c")] == 2
    passages = json.loads(run_cli("cooccur", "--pair", "b", "c", "--json", project=path).stdout)
    assert [p["text"] for p in passages] == ["seks sju", "tre fire", "en to"]
    table = run_cli("cooccur", project=path)
    assert "Gamma [latter]" in table.stdout and table.exit_code == 0
    assert run_cli("cooccur", "--json", "--csv", project=path).exit_code == 1


# ---- the sweep against brute force: characters and turns marked one by one ----

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 14), st.integers(0, 3)), max_size=25)
TURNS = [(0, 10), (10, 25), (25, 26), (30, 50), (50, 80)]  # 26-30 lies outside every turn


def _sorted_spans(raw: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int, int]]:
    spans = [(i, 1, start, start + length, code) for i, (start, length, code) in enumerate(raw)]
    return sorted(spans, key=lambda g: (g[2], g[3]))


@settings(max_examples=300, deadline=None)
@given(SPANS)
def test_overlap_sweep_counts_the_runs_of_characters_both_codes_cover(
    raw: list[tuple[int, int, int]],
) -> None:
    spans = _sorted_spans(raw)
    found = sweep._overlaps((s, e, code, (i, s, e)) for i, _src, s, e, code in spans)
    got = Counter((min(x, y), max(x, y)) for x, y, *_rest in found)
    covered = {code: [False] * 80 for code in range(4)}
    for _i, _src, start, end, code in spans:
        for position in range(start, end):
            covered[code][position] = True
    expected: Counter[tuple[int, int]] = Counter()
    for a, b in combinations(range(4), 2):
        both = [covered[a][p] and covered[b][p] for p in range(80)]
        runs = sum(1 for p in range(80) if both[p] and (p == 0 or not both[p - 1]))
        if runs:
            expected[(a, b)] = runs
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(SPANS)
def test_turn_sweep_counts_the_turns_holding_both_codes(raw: list[tuple[int, int, int]]) -> None:
    spans = _sorted_spans(raw)
    got = Counter(
        (min(x, y), max(x, y)) for x, y, *_rest in sweep._turns(spans, TURNS, {c: c for c in range(4)})
    )
    expected: Counter[tuple[int, int]] = Counter()
    for turn_start, turn_end in TURNS:
        codes = {code for _i, _src, s, e, code in spans if s < turn_end and e > turn_start}
        expected.update(combinations(sorted(codes), 2))
    assert got == expected
