"""Importing single files: formats, encodings, speaker turns, metadata and versions."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import docx
import pytest

from casebook.text.normalize import normalize
from tests.conftest import TRANSCRIPT, fingerprint, write_study


@pytest.fixture
def ready(run_cli, tmp_path: Path, project_path: Path) -> Path:
    run_cli("init")
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    return project_path


def stored(path: Path, name: str) -> tuple[str, list[tuple[int, int, int, str | None]]]:
    conn = sqlite3.connect(path)
    try:
        sid, text = conn.execute(
            "SELECT id, text FROM sources WHERE name = ? ORDER BY version DESC", [name]
        ).fetchone()
        turns = list(
            conn.execute(
                'SELECT start, "end", body_start, speaker FROM turns WHERE source_id = ? ORDER BY seq',
                [sid],
            )
        )
        return text, turns
    finally:
        conn.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_encodings_keep_norwegian_letters(run_cli, ready: Path, tmp_path: Path, encoding: str) -> None:
    original = TRANSCRIPT.replace("–", "-") if encoding == "latin-1" else TRANSCRIPT
    path = tmp_path / "intervju.txt"
    path.write_bytes(original.replace("\n", "\r\n").encode(encoding))
    result = run_cli("import", str(path), "--case", "F01", "--round", "R1")
    assert result.exit_code == 0, result.stderr
    text, _ = stored(ready, "intervju")
    assert text == normalize(original)
    assert "Æ, ø og å" in text and "\r" not in text


def test_turns_follow_speaker_tags_and_link_to_informants(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "F01_R1.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli(
        "import",
        str(path),
        "--case",
        "F01",
        "--round",
        "R1",
        "--date",
        "2023-04-19",
        "--informant",
        "1a",
        "--informant",
        "1b",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    outcome = json.loads(result.stdout)[0]
    assert outcome["status"] == "new" and outcome["turns"] == 6
    text, turns = stored(ready, "F01_R1")
    assert [t[3] for t in turns] == [None, "I", "Mor", "Far", "I", "Mor"]
    mother = turns[2]
    assert text[mother[2] : mother[1]].startswith("Det er bedre nå.")
    assert "uten samtykke på nytt" in text[mother[0] : mother[1]]  # continuation line stays in the turn
    conn = sqlite3.connect(ready)
    speakers = dict(
        conn.execute("SELECT t.speaker, p.code FROM turns t JOIN persons p ON p.id = t.person_id").fetchall()
    )
    assert speakers == {"Mor": "1a", "Far": "1b"}


def test_informant_with_role_declares_a_new_case_member(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--informant", "1c=søster")
    assert result.exit_code == 0, result.stderr
    persons = json.loads(run_cli("persons", "--json").stdout)
    assert {"code": "1c", "role": "søster", "profession": "", "label": "", "cases": ["F01"]} in persons


def test_changed_text_becomes_a_new_version_and_old_text_stays(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "samtale.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    run_cli("import", str(path), "--case", "F01", "--round", "R1")
    first, _ = stored(ready, "samtale")
    path.write_text(TRANSCRIPT + "\nI: Takk for praten.\n", encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--round", "R1", "--json")
    outcome = json.loads(result.stdout)[0]
    assert outcome["status"] == "version" and outcome["version"] == 2
    assert "version 1 keeps its 0 codings" in outcome["note"]
    current = json.loads(run_cli("sources", "--json").stdout)
    assert [(s["name"], s["version"]) for s in current] == [("samtale", 2)]
    every = json.loads(run_cli("sources", "--json", "--all-versions").stdout)
    assert [(s["version"], s["current"]) for s in every] == [(1, False), (2, True)]
    conn = sqlite3.connect(ready)
    assert conn.execute("SELECT text FROM sources WHERE version = 1").fetchone()[0] == first


def test_same_text_under_another_name_is_a_no_op(run_cli, ready: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TRANSCRIPT, encoding="utf-8")
    b.write_bytes(TRANSCRIPT.replace("\n", "\r\n").encode("utf-16"))
    run_cli("import", str(a), "--case", "F01")
    before = fingerprint(ready)
    result = run_cli("import", str(b), "--case", "F01", "--json")
    assert json.loads(result.stdout)[0]["status"] == "unchanged"
    assert fingerprint(ready) == before


def test_docx_paragraphs_and_tables_in_document_order(run_cli, ready: Path, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Intervju med familie 1")
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).text, grid.cell(0, 1).text = "I", "Hvordan går det på skolen?"
    grid.cell(1, 0).text, grid.cell(1, 1).text = "Mor", "Bedre nå – læreren følger opp."
    document.add_paragraph("Far: Men vi venter fortsatt på vedtaket.")
    path = tmp_path / "tabell.docx"
    document.save(path)
    assert run_cli("import", str(path), "--case", "F01").exit_code == 0
    text, turns = stored(ready, "tabell")
    assert text == (
        "Intervju med familie 1\nI: Hvordan går det på skolen?\n"
        "Mor: Bedre nå – læreren følger opp.\nFar: Men vi venter fortsatt på vedtaket."
    )
    assert [t[3] for t in turns] == [None, "I", "Mor", "Far"]


def test_odt_text_is_read_in_order(run_cli, ready: Path, tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:h>Intervju</text:h><text:p>I: Hvem koordinerer?</text:p>"
        '<text:p>Mor: Det gjør jeg,<text:s text:c="2"/>dessverre.</text:p>'
        "</office:text></office:body></office:document-content>"
    )
    path = tmp_path / "samtale.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    assert run_cli("import", str(path), "--case", "F01").exit_code == 0
    text, turns = stored(ready, "samtale")
    assert text == "Intervju\nI: Hvem koordinerer?\nMor: Det gjør jeg,  dessverre."
    assert [t[3] for t in turns] == [None, "I", "Mor"]


def test_srt_cues_merge_by_speaker_with_timestamps(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "opptak.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nI: Hei, og velkommen.\n\n"
        "2\n00:00:04,500 --> 00:00:08,000\nMor: Takk. Vi har ventet lenge\n\n"
        "3\n00:00:08,100 --> 00:00:10,000\nMor: på dette møtet.\n",
        encoding="utf-8",
    )
    assert run_cli("import", str(path), "--case", "F01").exit_code == 0
    text, _ = stored(ready, "opptak")
    assert text == "I: Hei, og velkommen.\n\nMor: Takk. Vi har ventet lenge på dette møtet.\n"
    conn = sqlite3.connect(ready)
    assert conn.execute("SELECT speaker, timestamp_ms FROM turns ORDER BY seq").fetchall() == [
        ("I", 1000),
        ("Mor", 4500),
    ]


def test_custom_speaker_pattern_overrides_detection(run_cli, ready: Path, tmp_path: Path) -> None:
    path = tmp_path / "spesial.txt"
    path.write_text("<<A>> hei\n<<B>> hallo\n<<A>> ha det\n", encoding="utf-8")
    result = run_cli("import", str(path), "--case", "F01", "--speaker-pattern", r"^<<(?P<speaker>\w+)>> ")
    assert result.exit_code == 0, result.stderr
    _, turns = stored(ready, "spesial")
    assert [t[3] for t in turns] == ["A", "B", "A"]


def test_docx_nested_table_text_appears_once_in_body_order(run_cli, ready: Path, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Intervju med familie 1")
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).text, grid.cell(0, 1).text = "I", "Hvem har dere kontakt med?"
    grid.cell(1, 0).text = "Mor"
    answer = grid.cell(1, 1)
    answer.text = "Vi har satt det opp slik:"
    services = answer.add_table(rows=2, cols=3)
    for row, values in enumerate([("Tjeneste", "Kontakt", "Hvor ofte"), ("BUP", "Lege", "Hver uke")]):
        for col, value in enumerate(values):
            services.cell(row, col).text = value
    answer.add_paragraph("Og skolen ringer vi selv.")
    document.add_paragraph("Far: Det er mye å holde styr på.")
    path = tmp_path / "nestet.docx"
    document.save(path)
    result = run_cli("import", str(path), "--case", "F01", "--json")
    assert result.exit_code == 0, result.stderr
    text, turns = stored(ready, "nestet")
    assert text == (
        "Intervju med familie 1\n"
        "I: Hvem har dere kontakt med?\n"
        "Mor: Vi har satt det opp slik:\nTjeneste\tKontakt\tHvor ofte\nBUP\tLege\tHver uke\n"
        "Og skolen ringer vi selv.\n"
        "Far: Det er mye å holde styr på."
    )
    assert [t[3] for t in turns] == [None, "I", "Mor", "Far"]
    assert json.loads(result.stdout)[0]["chars"] == len(text)


def odt_file(path: Path, body: str) -> Path:
    """A minimal OpenDocument text whose office:text holds ``body``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return path


def test_odt_nested_table_text_appears_once(run_cli, ready: Path, tmp_path: Path) -> None:
    inner = (
        "<table:table><table:table-row><table:table-cell><text:p>BUP</text:p></table:table-cell>"
        "<table:table-cell><text:p>Hver uke</text:p></table:table-cell></table:table-row></table:table>"
    )
    body = (
        "<text:p>I: Hvem har dere kontakt med?</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>Mor:</text:p></table:table-cell>"
        f"<table:table-cell><text:p>Slik:</text:p>{inner}<text:p>Og skolen.</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<text:p>I: Takk.</text:p>"
    )
    path = odt_file(tmp_path / "nestet.odt", body)
    assert run_cli("import", str(path), "--case", "F01").exit_code == 0
    text, _ = stored(ready, "nestet")
    assert text == "I: Hvem har dere kontakt med?\nMor:\tSlik: BUP\tHver uke Og skolen.\nI: Takk."
    assert text.count("BUP") == 1 and text.count("Og skolen") == 1
