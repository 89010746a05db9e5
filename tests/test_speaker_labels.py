"""Speaker labels: the tag forms transcribers use, links to participants, and the warning
about lines that look like labels but start no turn."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.services.project import Project
from casebook.text.turns import LabelLine, split_turns, unrecognised_labels
from tests.conftest import ROOT, TRANSCRIPT, fingerprint, write_study

FAMILY_11 = """
[[cases]]
key = "F11"
kind = "family"
[[persons]]
code = "11a"
case = "F11"
role = "mor"
[[persons]]
code = "11c"
case = "F11"
role = "mor"
[[persons]]
code = "11b"
case = "F11"
role = "far"
[[persons]]
code = "1c"
case = "F01"
role = "tolk"
"""


@pytest.fixture
def ready(run_cli, tmp_path: Path, project_path: Path) -> Path:
    run_cli("init")
    assert run_cli("study", "load", str(write_study(tmp_path, FAMILY_11))).exit_code == 0
    return project_path


def speakers(text: str) -> list[tuple[str | None, int | None, str]]:
    """(speaker, timestamp, first words of the body) of each turn."""
    return [(t.speaker, t.timestamp_ms, text[t.body_start : t.end].split("\n")[0]) for t in split_turns(text)]


def stored_turns(project_path: Path, name: str) -> list[tuple[str | None, int | None, str]]:
    with Project.open(project_path) as project:
        source = project.source(name)
        text = project.source_text(source)
        return [
            (t.speaker, t.timestamp_ms, text[t.body_start : t.end].strip()) for t in project.turns(source)
        ]


# ---------------------------------------------------------------- the forms


def test_every_listed_form_starts_a_turn_with_its_label_and_time() -> None:
    text = (
        "Intervju med familie 11.\n"
        "I: Hvordan går det?\n"
        "Mor (11a): Bedre nå.\n"
        "Forelder 2: Jeg er enig.\n"
        "F1 - Vi venter på svar.\n"
        "F2 – Fortsatt.\n"
        "[00:01:02] F2: Det tar tid.\n"
        "00:01:10 Far: Ja.\n"
        "Intervjuer: Takk.\n"
    )
    assert speakers(text) == [
        (None, None, "Intervju med familie 11."),
        ("I", None, "Hvordan går det?"),
        ("Mor (11a)", None, "Bedre nå."),
        ("Forelder 2", None, "Jeg er enig."),
        ("F1", None, "Vi venter på svar."),
        ("F2", None, "Fortsatt."),
        ("F2", 62_000, "Det tar tid."),
        ("Far", 70_000, "Ja."),
        ("Intervjuer", None, "Takk."),
    ]


def test_a_dash_transcript_with_codes_and_timestamps() -> None:
    text = "[00:00:05] I - Hvem ringer skolen?\n[00:00:09] F1 – Det gjør jeg.\n[00:00:15] F2 - Og jeg.\n"
    assert speakers(text) == [
        ("I", 5_000, "Hvem ringer skolen?"),
        ("F1", 9_000, "Det gjør jeg."),
        ("F2", 15_000, "Og jeg."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Det var bra - men ikke alltid.",  # a sentence with a dash
        "Ja - det stemmer.",  # a short word, not a code or a role
        "Far – han sa aldri noe.",  # a role, but this transcript does not use dash tags
        "Saksbehandler NAV - ringte oss.",  # dash tags are for short labels only
    ],
)
def test_dashes_in_ordinary_text_start_no_turn(line: str) -> None:
    text = f"I: Hva skjedde?\nMor: Vi ventet.\n{line}\nI: Og så?\nMor: {line}\n{line}\n"
    assert [s for s, _, _ in speakers(text)] == ["I", "Mor", "I", "Mor"]


def test_a_one_off_header_starts_no_turn_but_a_label_used_twice_does() -> None:
    text = "Merknad: lydfilen starter sent.\nI: Hei.\nTolk: Hei.\nLærer (P3): Hallo.\nLærer (P3): Ja.\n"
    assert [s for s, _, _ in speakers(text)] == [None, "I", "Lærer (P3)", "Lærer (P3)"]
    assert [s for s, _, _ in speakers(text.replace("I: Hei.", "Tolk: Hei igjen."))][:2] == [None, "Tolk"]


def test_mapped_labels_start_turns_even_when_used_once() -> None:
    text = "I: Hei.\nTolk: Hun sier hei.\n"
    assert [t.speaker for t in split_turns(text)] == ["I"]
    assert [t.speaker for t in split_turns(text, labels={"Tolk"})] == ["I", "Tolk"]


# ---------------------------------------------------------------- lines that look like labels


def test_lines_that_look_like_labels_are_listed_with_their_line_numbers() -> None:
    text = (
        "Prosjekt: Samordning\n"  # header
        "I: Hvem var med?\n"
        "Mor: Tolken.\n"
        "Tolk: Jeg oversatte.\n"
        "Det var slik: vi dro.\n"  # a sentence with a colon: not a label
        "Saksbehandler NAV: Ja.\n"
        "F3 - Og jeg.\n"  # a dash tag used once in a colon transcript
        "Ja - det stemmer.\n"  # a dash after a word: not a label
        "[00:02:00] Merknad: pause\n"
        "Mor: Ferdig.\n"
    )
    turns = split_turns(text)
    assert [t.speaker for t in turns] == [None, "I", "Mor", "Mor"]
    found = unrecognised_labels(text, turns)
    assert [(f.line, f.label) for f in found] == [
        (1, "Prosjekt:"),
        (4, "Tolk:"),
        (6, "Saksbehandler NAV:"),
        (7, "F3 -"),
        (9, "Merknad:"),
    ]
    assert all(text[f.offset :].startswith(text.split("\n")[f.line - 1]) for f in found)


def test_recognised_tags_are_not_listed() -> None:
    assert unrecognised_labels(TRANSCRIPT, split_turns(TRANSCRIPT)) == ()
    text = "Tolk: Hei.\nI: Ok.\n"
    assert unrecognised_labels(text, split_turns(text, labels={"Tolk"})) == ()
    assert unrecognised_labels(text, split_turns(text)) == (LabelLine(1, 0, "Tolk:"),)


def test_import_warns_about_unrecognised_labels_and_still_imports(
    run_cli, ready: Path, tmp_path: Path
) -> None:
    path = tmp_path / "F01_R1.txt"
    path.write_text(
        "Merknad: opptaket starter sent.\n" + TRANSCRIPT + "Tolk: Hun sier takk.\n", encoding="utf-8"
    )
    result = run_cli("import", str(path), "--case", "F01", "--round", "R1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == (
        'casebook: warning: F01_R1.txt: 2 lines look like speaker labels but were not recognised: "Merknad:"'
        ' (line 1), "Tolk:" (line 14) (use --speaker-pattern or --speaker LABEL=CODE)'
    )
    assert [s for s, _, _ in stored_turns(ready, "F01_R1")] == [None, "I", "Mor", "Far", "I", "Mor"]


def test_json_lists_the_unrecognised_lines(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "samtale.txt"
    path.write_text(TRANSCRIPT + "Tolk: Hun sier takk.\n", encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--json")
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "new"
    assert outcome["unrecognised_labels"] == [{"line": 13, "label": "Tolk:"}]
    assert outcome["warnings"] == [
        'samtale.txt: 1 line looks like a speaker label but was not recognised: "Tolk:" (line 13)'
        " (use --speaker-pattern or --speaker LABEL=CODE)"
    ]


def test_a_clean_transcript_gives_no_warning(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "ren.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    [outcome] = json.loads(result.stdout)
    assert outcome["warnings"] == [] and outcome["unrecognised_labels"] == []


def test_speaker_option_makes_the_label_a_turn_linked_to_its_person(
    run_cli, ready: Path, tmp_path: Path
) -> None:
    path = tmp_path / "tolket.txt"
    path.write_text(TRANSCRIPT + "Tolk: Hun sier takk.\n", encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--speaker", "Tolk=1c")
    assert result.exit_code == 0 and result.stderr == ""
    turns = stored_turns(ready, "tolket")
    assert turns[-1] == ("Tolk", None, "Hun sier takk.")
    [source] = json.loads(run_cli("sources", "--json").stdout)
    assert source["persons"] == ["1a", "1b", "1c"]  # who spoke: mother, father, interpreter


# ---------------------------------------------------------------- links to participants


def test_role_with_code_links_to_that_participant(run_cli, ready: Path, tmp_path: Path) -> None:
    """Two mothers in family 11: the role alone is ambiguous, the code decides."""
    path = tmp_path / "F11_R1.txt"
    path.write_text(
        "I: Hvordan samarbeider dere med skolen?\n"
        "Mor (11a): Jeg tar meg av skolen.\n"
        "Mor (11c): Og jeg av BUP.\n"
        "Far (11b): Jeg holder meg unna.\n"
        "I: Og kommunen?\n"
        "Mor (11a): Der venter vi fortsatt.\n",
        encoding="utf-8",
    )
    result = run_cli("import", str(path), "--case", "F11", "--round", "R1", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)[0]["warnings"] == []
    conn = sqlite3.connect(ready)
    try:
        linked = conn.execute(
            "SELECT t.speaker, p.code FROM turns t LEFT JOIN persons p ON p.id = t.person_id ORDER BY t.seq"
        ).fetchall()
    finally:
        conn.close()
    assert linked == [
        ("I", None),
        ("Mor (11a)", "11a"),
        ("Mor (11c)", "11c"),
        ("Far (11b)", "11b"),
        ("I", None),
        ("Mor (11a)", "11a"),
    ]
    [source] = json.loads(run_cli("sources", "--json").stdout)
    assert source["persons"] == ["11a", "11b", "11c"]


def test_a_refused_import_leaves_the_project_unchanged(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Mor (11a): Hei.\n", encoding="utf-8")
    before = fingerprint(ready)
    result = run_cli("import", str(path), "--case", "F11", "--speaker", "Mor (11a)=99z")
    assert result.exit_code == 1 and "99z" in result.stderr
    assert fingerprint(ready) == before


# ---------------------------------------------------------------- linear time

# Runs in a child process that times normal and hostile text itself, so the ratio is
# measured without process start-up; the parent's timeout turns a backtracking hang
# (which would never return) into a failure.
_TIMING = """
import sys, time
from casebook.text.turns import split_turns, unrecognised_labels
from tests.conftest import TRANSCRIPT

unit, size = sys.argv[1], 200_000
normal = (TRANSCRIPT * (size // len(TRANSCRIPT) + 1))[:size]
hostile = (unit * (size // len(unit) + 1))[:size]

def best(text):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        unrecognised_labels(text, split_turns(text))
        times.append(time.perf_counter() - start)
    return min(times)

print(best(hostile) / best(normal))
"""


@pytest.mark.parametrize(
    "unit", ["Mor (", "F1 -", "F1 - ", "Mor (11a", "Forelder 2 ", "a", " \t", "[00:01:02"]
)
def test_a_long_line_of_label_fragments_parses_in_linear_time(unit: str) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _TIMING, unit],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"a 200 KB line of {unit!r} did not parse within 120 s: catastrophic backtracking")
    ratio = float(done.stdout)
    assert ratio < 10, f"a 200 KB line of {unit!r} took {ratio:.1f}× the time of normal text"
