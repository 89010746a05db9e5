"""Retrieval of segments: filters, attribute conditions as of each round, code logic on spans.

Expectations on the demo study are counted from ``sample_transcripts/codings.csv``,
``manifest.csv`` and ``study.toml`` with plain Python (which source belongs to which
case, round and kind; which attribute values the manifest gives per round), never with
casebook's own queries. Code logic runs on a small handmade project in which every span
is placed by hand, so each answer is known exactly; a property test compares the sweep
with the pairwise definitions on random spans.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.errors import InvalidValue, NotFound
from casebook.model.attributes import AttributeScope
from casebook.model.codes import Code
from casebook.model.segments import CodeLogic, LogicOp, Segment
from casebook.model.study import InterviewMeta
from casebook.queries import code_logic
from casebook.services import codebook, coding, retrieval
from casebook.services.importer import ImportItem, import_files
from casebook.services.project import Project
from casebook.services.setup import create_project
from casebook.services.study import load_study, set_attribute
from casebook.storage.segment_store import SpanRow
from casebook.text.normalize import normalize
from tests.conftest import SAMPLES, fingerprint

F = retrieval.segment_filter

# ---- expectations from the sample files, without casebook ----


def _manifest() -> dict[str, dict[str, str]]:
    with (SAMPLES / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {Path(r["file"]).stem: r for r in csv.DictReader(handle)}


def _kinds() -> dict[str, str]:
    study = tomllib.loads((SAMPLES / "study.toml").read_text(encoding="utf-8"))
    return {c["key"]: c["kind"] for c in study["cases"]}


def _codings() -> list[dict[str, str]]:
    with (SAMPLES / "codings.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _count(sources: set[str], code_prefix: str = "") -> int:
    """Codings in these sources (of codes starting with ``code_prefix``)."""
    return sum(1 for r in _codings() if r["source"] in sources and r["code"].startswith(code_prefix))


def _triples(found: list[Segment]) -> list[tuple[str, str, str, str]]:
    return sorted((s.source.name, s.code, s.coder, s.text) for s in found)


@pytest.fixture
def opened(demo: Path) -> Iterator[Project]:
    with Project.open(demo) as project:
        yield project


# ---- codes, cases, kinds, rounds, coders ----


def test_a_code_brings_its_sub_codes_unless_asked_not_to(opened: Project) -> None:
    rows = [r for r in _codings() if r["code"] == "familie" or r["code"].startswith("familie.")]
    found = retrieval.segments(opened, F("familie"))
    assert len(found) == retrieval.count(opened, F("familie")) == len(rows) > 50
    # every passage is the quote the coder marked, by that coder, in that source
    assert _triples(found) == sorted(
        (r["source"], r["code"], r["coder"], normalize(r["quote"])) for r in rows
    )
    only_root = [r for r in _codings() if r["code"] == "familie"]
    assert retrieval.count(opened, F("familie", children=False)) == len(only_root)
    assert retrieval.count(opened, F("familie.strafferunder", children=False)) == _count(
        {r["source"] for r in _codings()}, "familie.strafferunder"
    )


def test_case_kind_round_and_coder_narrow_the_segments(opened: Project) -> None:
    manifest, kinds = _manifest(), _kinds()
    municipal = {name for name, row in manifest.items() if kinds[row["case"]] == "municipality"}
    assert municipal == {"K1_oppstartsmote", "K2_gruppeintervju_KE", "P3_helsesykepleier"}
    assert retrieval.count(opened, F(kind="municipality")) == _count(municipal) > 0
    family = {name for name, row in manifest.items() if kinds[row["case"]] == "family"}
    assert retrieval.count(opened, F(kind="family")) == _count(family)
    r2_ola = sum(1 for r in _codings() if manifest[r["source"]]["round"] == "R2" and r["coder"] == "ola")
    found = retrieval.segments(opened, F(round_key="R2", coder="ola"))
    assert len(found) == r2_ola > 0
    assert {s.source.round for s in found} == {"R2"} and {s.coder for s in found} == {"ola"}
    f03 = {name for name, row in manifest.items() if row["case"] == "F03"}
    assert retrieval.count(opened, F("broer", case="F03")) == _count(f03, "broer")


def test_pages_of_a_filtered_list_are_the_whole_list_in_order(opened: Project) -> None:
    wanted = F("familie", kind="family", where=["barn_alder>=10"])
    everything = retrieval.segments(opened, wanted)
    pages = [retrieval.segments(opened, wanted, at, 6) for at in range(0, len(everything), 6)]
    assert [s.coding_id for page in pages for s in page] == [s.coding_id for s in everything]
    keys = [(s.source.case or "", s.source.round or "", s.source.name, s.start) for s in everything]
    assert keys == sorted(keys)


def test_unknown_names_are_errors_not_empty_lists(opened: Project) -> None:
    for wanted, message in [
        (F("familie.finnes_ikke"), "no code 'familie.finnes_ikke'"),
        (F(case="F99"), "no case 'F99'"),
        (F(round_key="R9"), "no round 'R9' in this project (rounds: R1, R2, R3)"),
        (F(coder="nobody"), "no coder 'nobody'"),
    ]:
        with pytest.raises(NotFound, match=re.escape(message)):
            retrieval.count(opened, wanted)
    with pytest.raises(InvalidValue, match="kinds: family, municipality, other"):
        retrieval.count(opened, F(kind="familie"))


# ---- speakers: participant code, role, tag ----


def _speaker_tags(project: Project, source: str) -> list[str]:
    """The speaker tag ("Mor", "Far", "I") of the line where each CSV quote of ``source``
    starts, read from the text with a regular expression (not from casebook's turns)."""
    text = project.source_text(project.source(source))
    tags = [(m.start(), m.group(1)) for m in re.finditer(r"^(\w+):", text, re.M)]
    out = []
    for row in _codings():
        if row["source"] == source:
            at = text.find(normalize(row["quote"]))
            out.append([tag for start, tag in tags if start <= at][-1])
    return out


def test_speaker_is_found_by_participant_code_role_or_tag(opened: Project) -> None:
    tags = _speaker_tags(opened, "F01_R1_foreldre")
    by_far = tags.count("Far")
    assert 0 < by_far < len(tags)
    for who in ("1b", "far", "Far", "Forelder 1b", "FAR"):
        found = retrieval.segments(opened, F(case="F01", round_key="R1", speaker=who))
        assert len(found) == by_far, who
    assert retrieval.count(opened, F(case="F01", round_key="R1", speaker="mor")) == tags.count("Mor")
    one = retrieval.segments(opened, F(case="F01", round_key="R1", speaker="1b"))[0]
    assert (one.speaker, one.participant, one.participant_code, one.role) == (
        "Far",
        "Forelder 1b",
        "1b",
        "far",
    )
    # F03 speaks as F1/F2 (manifest: F2=3b); the role "far" reaches 3b through the tag mapping
    f03_far = retrieval.segments(opened, F(case="F03", round_key="R1", speaker="far"))
    assert f03_far and {(s.speaker, s.participant_code) for s in f03_far} == {("F2", "3b")}
    assert retrieval.count(opened, F(speaker="nobody-at-all")) == 0


# ---- attribute conditions as of each interview's round ----


def _sources(**wanted: str) -> set[str]:
    """Sources whose manifest row has these case/round values."""
    return {name for name, row in _manifest().items() if all(row[k] == v for k, v in wanted.items())}


def test_a_childs_age_is_taken_as_of_each_round(opened: Project) -> None:
    # F01's child is 9, 10 and 11 in rounds 1-3 (manifest); the professional P1 was
    # interviewed about F01 in round 2 and sees the round-2 age
    assert retrieval.count(opened, F(where=["barn_alder=9"])) == _count(
        {"F01_R1_foreldre", "F02_R3_foreldre"}
    )
    assert retrieval.count(opened, F(where=["barn_alder=10"])) == _count(
        {"F01_R2_foreldre", "P1_barnekoordinator"}
    )
    assert retrieval.count(opened, F(where=["barn_alder = 11"])) == _count({"F01_R3_foreldre"})
    ten_plus = (
        {"F01_R2_foreldre", "F01_R3_foreldre", "P1_barnekoordinator", "P2_kontaktlaerer"}
        | _sources(case="F03")
        | _sources(case="F04")
    )
    found = retrieval.segments(opened, F(where=["barn_alder>=10"]))
    assert len(found) == _count(ten_plus)
    assert "F01_R1_foreldre" not in {s.source.name for s in found}
    assert retrieval.count(opened, F(where=["barn_alder<10"])) == _count(
        _sources(case="F02") | {"F01_R1_foreldre"}
    )
    assert retrieval.count(opened, F(where=["barn_alder>16"])) == _count(
        {"F04_R2_foreldre", "F04_R3_foreldre"}
    )


def test_text_boolean_and_source_attributes_with_their_operators(opened: Project) -> None:
    barnekoordinator = {f"F0{i}_R3_foreldre" for i in range(1, 5)} | {
        "F01_R2_foreldre",
        "P1_barnekoordinator",
        "P2_kontaktlaerer",
    }
    assert retrieval.count(opened, F(where=["koordinatorstatus=barnekoordinator"])) == _count(
        barnekoordinator
    )
    assert retrieval.count(opened, F(where=["koordinatorstatus=Barnekoordinator"])) == _count(
        barnekoordinator
    )
    # minority background is not tied to a round: it holds in every round of F02
    assert retrieval.count(opened, F(where=["minoritetsbakgrunn=ja"])) == _count(_sources(case="F02"))
    assert retrieval.count(opened, F(where=["minoritetsbakgrunn=true"])) == _count(_sources(case="F02"))
    others = _sources(case="F01") | _sources(case="F03") | _sources(case="F04")
    assert retrieval.count(opened, F(where=["minoritetsbakgrunn!=true"])) == _count(
        others
    )  # K1, K2: no value
    assert retrieval.count(opened, F(where=["diagnoser~adhd"])) == _count(_sources(case="F01"))
    long = {name for name, row in _manifest().items() if int(row["source.varighet_min"]) >= 100}
    assert retrieval.count(opened, F(where=["varighet_min>=100"])) == _count(long)
    both = F(where=["barn_alder>=10", "koordinatorstatus=barnekoordinator"])
    assert retrieval.count(opened, both) == _count(barnekoordinator - {"F02_R3_foreldre"})  # F02's child is 9


def test_a_round_without_its_own_value_sees_the_latest_earlier_one(opened: Project, demo: Path) -> None:
    conn = sqlite3.connect(demo)  # the age was not recorded in round 3 for F01
    conn.execute(
        "DELETE FROM attribute_values"
        " WHERE attribute_id = (SELECT id FROM attributes WHERE name = 'barn_alder')"
        " AND entity_id = (SELECT id FROM cases WHERE key = 'F01')"
        " AND round_id = (SELECT id FROM rounds WHERE key = 'R3')"
    )
    conn.commit()
    conn.close()
    assert retrieval.count(opened, F(where=["barn_alder=10"])) == _count(
        {"F01_R2_foreldre", "P1_barnekoordinator", "F01_R3_foreldre"}
    )
    assert retrieval.count(opened, F(where=["barn_alder=11"])) == 0


def test_person_attributes_follow_the_speaker_and_names_can_be_scoped(opened: Project) -> None:
    pdb = opened.pdb
    with pdb.atomic():
        for code, value in [("1a", "mor"), ("1b", "far"), ("3b", "far")]:
            person = pdb.db.execute("SELECT id FROM persons WHERE code = ?", [code]).fetchone()[0]
            set_attribute(pdb, AttributeScope.PERSON, person, "rolle_i_familien", value, None)
    fathers = retrieval.segments(opened, F(where=["rolle_i_familien=far"]))
    assert {s.participant_code for s in fathers} == {"1b", "3b"}
    assert len(fathers) == retrieval.count(opened, F(speaker="1b")) + retrieval.count(opened, F(speaker="3b"))
    with pdb.atomic():  # the same name on cases makes the bare name ambiguous
        set_attribute(pdb, AttributeScope.CASE, 1, "rolle_i_familien", "x", None)
    with pytest.raises(InvalidValue, match=r"say which: case\.rolle_i_familien or person\.rolle_i_familien"):
        retrieval.count(opened, F(where=["rolle_i_familien=far"]))
    assert retrieval.count(opened, F(where=["person.rolle_i_familien=far"])) == len(fathers)


@pytest.mark.parametrize(
    ("expression", "error", "message"),
    [
        ("alder>=10", NotFound, "no attribute 'alder' in this project (attributes: antall_barn_med_behov"),
        ("barn_alder>=ti", InvalidValue, "barn_alder: 'ti' is not a whole number"),
        ("minoritetsbakgrunn<ja", InvalidValue, "minoritetsbakgrunn (Boolean) takes = !=, not '<'"),
        ("minoritetsbakgrunn=kanskje", InvalidValue, "'kanskje' is not a yes/no value"),
        ("koordinatorstatus>b", InvalidValue, "koordinatorstatus (Text) takes = != ~, not '>'"),
        ("barn_alder~1", InvalidValue, "barn_alder (Integer) takes = != < <= > >=, not '~'"),
        ("person.barn_alder=3", NotFound, "no attribute 'person.barn_alder' for persons"),
    ],
)
def test_bad_conditions_say_what_is_wrong(
    opened: Project, expression: str, error: type, message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        retrieval.count(opened, F(where=[expression]))


@pytest.mark.parametrize("expression", ["barn_alder", "barn_alder>=", ">=10", "", "barn alder = 3"])
def test_unreadable_conditions_are_refused_before_any_query(expression: str) -> None:
    with pytest.raises(InvalidValue, match="NAME OP VALUE"):
        retrieval.parse_where([expression])


def test_condition_values_may_be_quoted_and_contain_spaces() -> None:
    (condition,) = retrieval.parse_where(["foreldresituasjon = 'bor sammen'"])
    assert (condition.attribute, condition.op.value, condition.value) == (
        "foreldresituasjon",
        "=",
        "bor sammen",
    )


# ---- code logic on a handmade project ----

TEXT = (
    "Intervju.\n\nI: Hva skjer?\n\n"
    "Mor: en to tre fire fem seks sju åtte ni ti.\n\n"
    "Far: elleve tolv tretten fjorten femten.\n\n"
    "Mor: seksten sytten atten.\n"
)


class Hand:
    """A project with one transcript coded word by word; codings are named A1, B2, ..."""

    def __init__(self, project: Project, source_id: int) -> None:
        self.project = project
        self.source = str(source_id)
        self.text = project.source_text(project.source(self.source))
        self.ids: dict[str, int] = {}

    def words(self, first: str, last: str) -> tuple[int, int]:
        start = re.search(rf"\b{first}\b", self.text)
        assert start is not None
        end = re.search(rf"\b{last}\b", self.text[start.start() :])
        assert end is not None
        return start.start(), start.start() + end.end()

    def code(self, name: str, code: str, span: tuple[int, int], coder: str = "ida") -> None:
        self.ids[name] = coding.apply_code(self.project, self.source, *span, code, coder)

    def names(self, ids: set[int] | list[Segment]) -> set[str]:
        wanted = {s.coding_id for s in ids} if isinstance(ids, list) else ids
        return {name for name, i in self.ids.items() if i in wanted}


@pytest.fixture
def hand(tmp_path: Path) -> Iterator[Hand]:
    (tmp_path / "study.toml").write_text(
        '[[rounds]]\nkey = "R1"\n[[cases]]\nkey = "F01"\nkind = "family"\n', encoding="utf-8"
    )
    (tmp_path / "F01_R1.txt").write_text(TEXT, encoding="utf-8")
    with create_project(tmp_path / "logikk.casebook", "Logikk", None, "ida") as project:
        load_study(project, tmp_path / "study.toml")
        for code in [Code("a", "A"), Code("a.sub", "A under", parent="a"), Code("b", "B")]:
            codebook.add(project, code, "ida")
        report = import_files(
            project, [ImportItem(tmp_path / "F01_R1.txt", InterviewMeta(case="F01", round="R1"))]
        )
        made = Hand(project, next(o.source_id for o in report.outcomes if o.source_id is not None))
        w = made.words
        made.code("A1", "a", w("en", "to"))
        made.code("B1", "b", w("to", "tre"))  # overlaps A1 on "to"
        made.code("A2", "a", w("fire", "fem"))
        made.code("B2", "b", (w("fire", "fem")[1], w("seks", "seks")[1]))  # starts where A2 ends: touches
        made.code("A3", "a", w("åtte", "ni"))
        made.code("B3", "b", w("ti", "ti"))  # one space after A3
        made.code("B6", "b", w("ni", "ni"), coder="ola")  # inside A3, by another coder
        made.code("A4", "a.sub", w("elleve", "tolv"))
        made.code("B4", "b", w("fjorten", "femten"))  # same turn as A4, no overlap
        made.code("A5", "a", w("ti", "elleve"))  # from Mor's turn into Far's: overlaps B3 and A4
        made.code("A6", "a", w("sytten", "sytten"))  # a turn without b
        yield made


def _logic(hand: Hand, expression: str, **filters: object) -> set[str]:
    wanted = F(logic=expression, **filters)  # type: ignore[arg-type]
    found = retrieval.segments(hand.project, wanted)
    assert retrieval.count(hand.project, wanted) == len(found)
    return hand.names(found)


def test_the_handmade_spans_are_where_the_test_says(hand: Hand) -> None:
    text = {name: hand.text[s.start : s.end] for name, s in _by_name(hand).items()}
    assert text["A1"] == "en to" and text["B1"] == "to tre" and text["B2"] == " seks"
    assert text["A5"] == "ti.\n\nFar: elleve" and text["A6"] == "sytten"


def _by_name(hand: Hand) -> dict[str, Segment]:
    return {hand.names([s]).pop(): s for s in retrieval.segments(hand.project, F())}


def test_and_keeps_a_segments_that_b_overlaps_and_touching_is_not_overlapping(hand: Hand) -> None:
    assert _logic(hand, "a AND b") == {"A1", "A3", "A5"}  # A2 only touches B2
    assert _logic(hand, "a AND b", coder="ida") == {"A1", "A5"}  # B6 is ola's
    assert _logic(hand, "b AND a") == {"B1", "B3", "B6"}


def test_not_keeps_a_segments_that_no_b_overlaps(hand: Hand) -> None:
    assert _logic(hand, "a NOT b") == {"A2", "A4", "A6"}
    assert _logic(hand, "a NOT b", children=False) == {"A2", "A6"}  # A4 is coded a.sub


def test_same_turn_needs_both_wholly_inside_one_speaker_turn(hand: Hand) -> None:
    assert _logic(hand, "a SAME_TURN b") == {"A1", "A2", "A3", "A4"}  # A5 crosses turns; A6 alone
    assert _logic(hand, "a same_turn b", speaker="far") == {"A4"}


def test_followed_by_counts_characters_from_the_end_of_a(hand: Hand) -> None:
    assert _logic(hand, "a FOLLOWED_BY b WITHIN 0") == {"A2"}
    assert _logic(hand, "a FOLLOWED_BY b WITHIN 1") == {"A2", "A3"}
    assert _logic(hand, "a FOLLOWED_BY b WITHIN 1000") == {"A1", "A2", "A3", "A4", "A5"}


def test_a_coding_never_pairs_with_itself(hand: Hand) -> None:
    assert _logic(hand, "a AND a") == {"A4", "A5"}  # the only two a codings that overlap
    assert _logic(hand, "a SAME_TURN a") == {"A1", "A2", "A3"}  # three in Mor's first turn


def test_logic_and_a_code_cannot_both_be_given(hand: Hand) -> None:
    with pytest.raises(InvalidValue, match="not both"):
        retrieval.count(hand.project, F("b", logic="a AND b"))
    with pytest.raises(NotFound, match="no code 'c'"):
        retrieval.count(hand.project, F(logic="a AND c"))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a OR b", "cannot read the code logic"),
        ("a AND", "cannot read the code logic"),
        ("a AND b AND c", "cannot read the code logic"),
        ("a FOLLOWED_BY b", "WITHIN N characters"),
        ("a FOLLOWED_BY b WITHIN ti", "not 'ti'"),
    ],
)
def test_unreadable_logic_is_refused(expression: str, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        retrieval.parse_logic(expression)


def test_logic_reads_its_four_forms() -> None:
    assert retrieval.parse_logic("familie.venting  and broer") == CodeLogic(
        "familie.venting", LogicOp.AND, "broer"
    )
    assert retrieval.parse_logic("a FOLLOWED_BY b WITHIN 200") == CodeLogic(
        "a", LogicOp.FOLLOWED_BY, "b", 200
    )
    assert str(retrieval.parse_logic("a same-turn b")) == "a SAME_TURN b"


spans = st.lists(
    st.tuples(st.integers(1, 2), st.integers(0, 60), st.integers(1, 15), st.booleans()), max_size=25
)


def _span_rows(drawn: list[tuple[int, int, int, bool]], first_id: int) -> list[SpanRow]:
    """Spans in turns of 20 characters, ids from ``first_id``, in drawing order."""
    return [
        SpanRow(first_id + n, source, start, start + length, start // 20, (start + length - 1) // 20)
        for n, (source, start, length, _shared) in enumerate(drawn)
    ]


@settings(max_examples=200, deadline=None)
@given(spans, spans, st.integers(0, 12))
def test_the_sweep_answers_like_the_pairwise_definitions(
    left: list[tuple[int, int, int, bool]], right: list[tuple[int, int, int, bool]], within: int
) -> None:
    def order(rows: list[SpanRow]) -> list[SpanRow]:
        return sorted(rows, key=lambda s: (s.source_id, s.start))

    a_rows = _span_rows(left, 1)
    shared = [row for row, drawn in zip(a_rows, left, strict=True) if drawn[3]]  # a coding on both sides
    a, b = order(a_rows), order(_span_rows(right, 1000) + shared)

    def overlaps(x: SpanRow, y: SpanRow) -> bool:
        return (
            x.source_id == y.source_id and x.start < y.end and y.start < x.end and x.coding_id != y.coding_id
        )

    def turn(x: SpanRow) -> int | None:
        return x.first_turn if x.first_turn == x.last_turn else None

    def same_turn(x: SpanRow, y: SpanRow) -> bool:
        return (
            x.source_id == y.source_id
            and turn(x) is not None
            and turn(x) == turn(y)
            and x.coding_id != y.coding_id
        )

    expected = {
        LogicOp.AND: {x.coding_id for x in a if any(overlaps(x, y) for y in b)},
        LogicOp.NOT: {x.coding_id for x in a if not any(overlaps(x, y) for y in b)},
        LogicOp.SAME_TURN: {x.coding_id for x in a if any(same_turn(x, y) for y in b)},
        LogicOp.FOLLOWED_BY: {
            x.coding_id
            for x in a
            if any(y.source_id == x.source_id and x.end <= y.start <= x.end + within for y in b)
        },
    }
    for op, wanted in expected.items():
        assert code_logic.select(CodeLogic("a", op, "b", within), a, b) == wanted, op


# ---- the command line ----


def test_segments_json_has_what_a_script_needs(run_cli, demo: Path) -> None:
    result = run_cli("segments", "--code", "familie.strafferunder", "--round", "R2", "--json", project=demo)
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    manifest = _manifest()
    rows = [
        r
        for r in _codings()
        if r["code"] == "familie.strafferunder" and manifest[r["source"]]["round"] == "R2"
    ]
    assert len(found) == len(rows) > 0
    wanted = {
        "source",
        "case",
        "round",
        "speaker",
        "participant",
        "start",
        "end",
        "code",
        "coder",
        "text",
        "memo",
    }
    assert all(wanted <= set(item) for item in found)
    assert sorted((i["source"], i["coder"], i["text"]) for i in found) == sorted(
        (r["source"], r["coder"], normalize(r["quote"])) for r in rows
    )
    assert all(i["end"] - i["start"] == len(i["text"]) for i in found)


def test_segments_csv_has_a_header_and_keeps_norwegian_letters(run_cli, demo: Path) -> None:
    result = run_cli(
        "segments",
        "--where",
        "barn_alder>=10",
        "--where",
        "koordinatorstatus=barnekoordinator",
        "--csv",
        project=demo,
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"source", "case", "round", "participant", "text", "memo"} <= set(rows[0])
    assert len(rows) == retrieval_count_via_service(
        demo, ["barn_alder>=10", "koordinatorstatus=barnekoordinator"]
    )
    assert any(ch in "".join(r["text"] for r in rows) for ch in "æøå")
    assert {r["round"] for r in rows} <= {"R2", "R3"}


def retrieval_count_via_service(path: Path, where: list[str]) -> int:
    with Project.open(path) as project:
        return retrieval.count(project, F(where=where))


def test_segments_table_prints_transcript_text_verbatim(run_cli, demo: Path) -> None:
    result = run_cli("segments", "--code", "familie.personavhengighet", "--case", "F01", project=demo)
    assert result.exit_code == 0, result.stderr
    assert "[pause]" in result.stdout  # Rich markup is never read from transcript text
    assert "Forelder 1a" in result.stdout and "memo: Sårbarheten knyttet til én lærer" in result.stdout


def test_segments_logic_and_paging_from_the_command_line(run_cli, demo: Path) -> None:
    everything = json.loads(run_cli("segments", "--logic", "familie NOT makt", "--json", project=demo).stdout)
    page = json.loads(
        run_cli(
            "segments", "--logic", "familie NOT makt", "--offset", "3", "--limit", "4", "--json", project=demo
        ).stdout
    )
    assert page == everything[3:7]
    with_makt = json.loads(run_cli("segments", "--logic", "familie AND makt", "--json", project=demo).stdout)
    assert len(with_makt) + len(everything) == retrieval_count_via_service(demo, []) - _not_familie()


def _not_familie() -> int:
    return sum(1 for r in _codings() if not r["code"].startswith("familie"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "alder>3"], "no attribute 'alder'"),
        (["--logic", "familie FOLLOWED_BY makt"], "WITHIN N characters"),
        (["--code", "familie", "--logic", "broer AND makt"], "not both"),
        (["--json", "--csv"], "choose one of --json and --csv"),
        (["--round", "R7"], "no round 'R7'"),
    ],
)
def test_segments_errors_are_one_line(run_cli, demo: Path, args: list[str], message: str) -> None:
    before = fingerprint(demo)
    result = run_cli("segments", *args, project=demo)
    assert result.exit_code == 1
    assert result.stderr.startswith("casebook: error:") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert fingerprint(demo) == before
