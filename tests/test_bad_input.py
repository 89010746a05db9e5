"""Hostile and broken input through the real CLI.

Every case must end the same way for the researcher: one line on stderr starting with
``casebook: error:`` that names the file and says what is wrong, a non-zero exit, no
traceback, and a project exactly as it was before. Every bad file is built here, in
the test's own tmp folder.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from casebook.importing.decoding import MAX_TEXT_BYTES
from tests.conftest import TRANSCRIPT, CliResult, fingerprint, write_study

Run = Callable[..., CliResult]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def docx_xml(body: str, prolog: str = "") -> str:
    """A word/document.xml whose body is ``body`` (raw WordprocessingML)."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'{prolog}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    )


def docx_paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def odt_xml(body: str, prolog: str = "") -> str:
    """A content.xml whose office:text holds ``body``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'{prolog}<office:document-content {ODT_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )


GOOD_DOCX_XML = docx_xml(docx_paragraph("I: Hvordan går det?") + docx_paragraph("Mor: Bedre nå."))
GOOD_ODT_XML = odt_xml("<text:p>I: Og skolen?</text:p><text:p>Far: Det tar tid.</text:p>")

BILLION_LAUGHS = "<!DOCTYPE lolz [\n" + '<!ENTITY lol0 "lol">\n'
BILLION_LAUGHS += "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
BILLION_LAUGHS += "]>\n"
EXTERNAL_ENTITY = '<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def write_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_zip_bomb(path: Path, member: str, mebibytes: int) -> Path:
    """A small zip whose ``member`` unpacks to ``mebibytes`` MiB of spaces, written in 1 MiB chunks."""
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w") as handle:
            for _ in range(mebibytes):
                handle.write(chunk)
    return path


# ---------------------------------------------------------------- helpers


@pytest.fixture
def study_project(run_cli: Run, tmp_path: Path, project_path: Path) -> Path:
    """A project with the sample study (rounds R1, R2; case F01 with persons 1a, 1b)."""
    assert run_cli("init").exit_code == 0
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    return project_path


def assert_one_error_line(result: CliResult, *words: str) -> str:
    """Non-zero exit, no traceback, nothing on stdout, one ``casebook: error:`` line with ``words``."""
    output = result.stdout + result.stderr
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("casebook: error: "), line
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    return line


def refused_import(run_cli: Run, project_path: Path, file: Path, *words: str) -> str:
    """Import ``file`` as F01/R1 and check it is refused by name, with the project unchanged."""
    before = fingerprint(project_path)
    result = run_cli("import", str(file), "--case", "F01", "--round", "R1")
    line = assert_one_error_line(result, file.name, *words)
    assert fingerprint(project_path) == before
    return line


def sources(run_cli: Run) -> str:
    result = run_cli("sources", "--json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


# ---------------------------------------------------------------- plain text files


def test_missing_file(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    refused_import(run_cli, study_project, tmp_path / "intervju_F01_R1.txt", "no such file")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(b"", ("empty",), id="zero-bytes"),
        pytest.param(b"  \n\t \r\n\n   \r\n", ("empty",), id="whitespace-only"),
        pytest.param(bytes(range(256)) * 16, ("binary",), id="binary-junk-with-NULs"),
        pytest.param(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            ("PDF",),
            id="pdf-renamed",
        ),
        pytest.param(b"{\\rtf1\\ansi Mor: hei}", ("RTF",), id="rtf-renamed"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, (".doc",), id="old-word-renamed"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 64, ("zip",), id="zip-renamed"),
        pytest.param(b"abc\x81\x8d\x02\x03def", ("cannot decode",), id="undecodable-bytes"),
        pytest.param(
            "Mor: Vi bor på landet og må kjøre langt.\x1b[2J\x02 Far: Ja.".encode(),
            ("cannot decode", "control character U+001B"),
            id="utf8-with-control-chars",
        ),
        pytest.param(b"\xff\xfeM\x00o\x00r\x00:", ("not valid utf-16",), id="utf16-odd-length"),
    ],
)
def test_unusable_text_file(
    run_cli: Run, study_project: Path, tmp_path: Path, data: bytes, words: tuple[str, ...]
) -> None:
    file = tmp_path / "intervju_F01_R1.txt"
    file.write_bytes(data)
    refused_import(run_cli, study_project, file, *words)


@pytest.mark.parametrize("name", ["intervju.pdf", "intervju.rtf", "intervju.doc", "intervju"])
def test_unsupported_suffix(run_cli: Run, study_project: Path, tmp_path: Path, name: str) -> None:
    file = tmp_path / name
    file.write_text(TRANSCRIPT, encoding="utf-8")
    line = refused_import(run_cli, study_project, file, "unsupported file type")
    assert ".docx" in line and ".txt" in line  # the hint says what does work


# ---------------------------------------------------------------- .docx


def test_minimal_documents_used_below_import_cleanly(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    """Control: the hand-made .docx/.odt skeletons are fine, so the refusals below are about the bad part."""
    good_docx = write_zip(tmp_path / "god_word.docx", {"word/document.xml": GOOD_DOCX_XML})
    good_odt = write_zip(
        tmp_path / "god_opendoc.odt", {"mimetype": "application/vnd.oasis.opendocument.text"}
    )
    with zipfile.ZipFile(good_odt, "a") as archive:
        archive.writestr("content.xml", GOOD_ODT_XML)
    result = run_cli("import", str(good_docx), str(good_odt), "--case", "F01", "--round", "R1")
    assert result.exit_code == 0, result.stderr
    listed = sources(run_cli)
    assert '"name": "god_word"' in listed and '"name": "god_opendoc"' in listed


@pytest.fixture
def real_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    for line in TRANSCRIPT.split("\n\n"):
        document.add_paragraph(line)
    path = tmp_path / "ekte.docx"
    document.save(str(path))
    return path


def test_docx_that_is_plain_text(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = tmp_path / "intervju.docx"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    refused_import(run_cli, study_project, file, "not a valid Word document")


def test_truncated_docx(run_cli: Run, study_project: Path, tmp_path: Path, real_docx: Path) -> None:
    data = real_docx.read_bytes()
    file = tmp_path / "avkuttet.docx"
    file.write_bytes(data[: len(data) // 2])
    refused_import(run_cli, study_project, file, "not a valid Word document", "truncated")


def test_docx_without_document_xml(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "uten_dokument.docx",
        {"[Content_Types].xml": "<Types/>", "word/styles.xml": "<styles/>"},
    )
    refused_import(run_cli, study_project, file, "missing word/document.xml")


@pytest.mark.parametrize(
    ("mebibytes", "words"),
    [
        pytest.param(101, ("too much data", "zip bomb"), id="101MiB-over-size-limit"),
        pytest.param(8, ("compressed suspiciously well", "zip bomb"), id="8MiB-extreme-ratio"),
    ],
)
def test_docx_zip_bomb(
    run_cli: Run, study_project: Path, tmp_path: Path, mebibytes: int, words: tuple[str, ...]
) -> None:
    file = write_zip_bomb(tmp_path / "bombe.docx", "word/document.xml", mebibytes)
    assert file.stat().st_size < 1 << 20  # small on disk, huge unpacked
    refused_import(run_cli, study_project, file, *words)


def test_docx_with_too_many_entries(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = tmp_path / "mange.docx"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", GOOD_DOCX_XML)
        for index in range(10_001):
            archive.writestr(f"x/{index}", b"")
    refused_import(run_cli, study_project, file, "10002 entries", "zip bomb")


@pytest.mark.parametrize(
    "prolog",
    [pytest.param(BILLION_LAUGHS, id="billion-laughs"), pytest.param(EXTERNAL_ENTITY, id="external-entity")],
)
def test_docx_with_entities(run_cli: Run, study_project: Path, tmp_path: Path, prolog: str) -> None:
    entity = "&lol9;" if "lol" in prolog else "&xxe;"
    file = write_zip(
        tmp_path / "entitet.docx", {"word/document.xml": docx_xml(docx_paragraph(f"I: {entity}"), prolog)}
    )
    line = refused_import(run_cli, study_project, file, "word/document.xml", "DTD", "refusing")
    assert "root:" not in line


def test_docx_with_path_traversal_member(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    file = write_zip(
        folder / "traversal.docx",
        {"word/document.xml": GOOD_DOCX_XML, "../../evil.txt": "gotcha"},
    )
    refused_import(run_cli, study_project, file, "../../evil.txt", "unsafe path")
    assert not list(tmp_path.rglob("evil.txt"))


def test_docx_with_malformed_xml(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    broken = docx_xml("<w:p><w:r><w:t>I: Hei</w:r></w:p>")
    file = write_zip(tmp_path / "ødelagt.docx", {"word/document.xml": broken})
    refused_import(run_cli, study_project, file, "word/document.xml", "not well-formed XML")


def test_docx_without_text(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = write_zip(tmp_path / "tom.docx", {"word/document.xml": docx_xml("<w:p/><w:p><w:r/></w:p>")})
    refused_import(run_cli, study_project, file, "contains no text")


# ---------------------------------------------------------------- .odt


def test_odt_that_is_plain_text(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = tmp_path / "intervju.odt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    refused_import(run_cli, study_project, file, "not a valid OpenDocument text")


def test_odt_without_content_xml(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = write_zip(
        tmp_path / "uten_innhold.odt",
        {"mimetype": "application/vnd.oasis.opendocument.text", "styles.xml": "<styles/>"},
    )
    refused_import(run_cli, study_project, file, "missing content.xml")


def test_odt_with_entity_bomb(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    content = odt_xml("<text:p>I: &lol9;</text:p>", BILLION_LAUGHS)
    file = write_zip(tmp_path / "bombe.odt", {"content.xml": content})
    refused_import(run_cli, study_project, file, "content.xml", "DTD", "refusing")


def test_odt_without_text_body(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    content = f'<?xml version="1.0"?><office:document-content {ODT_NS}/>'
    file = write_zip(tmp_path / "regneark.odt", {"content.xml": content})
    refused_import(run_cli, study_project, file, "not an OpenDocument text")


@pytest.mark.parametrize(
    "count", ["x", "-3", "10" + "0" * 20], ids=["not-a-number", "negative", "absurdly-large"]
)
def test_odt_with_bad_space_count_never_crashes(
    run_cli: Run, study_project: Path, tmp_path: Path, count: str
) -> None:
    """A hostile ``text:s text:c`` is refused in one line, or read with a sane number of spaces."""
    content = odt_xml(f'<text:p>I: Hei<text:s text:c="{count}"/>der</text:p>')
    file = write_zip(tmp_path / "mellomrom.odt", {"content.xml": content})
    before = fingerprint(study_project)
    result = run_cli("import", str(file), "--case", "F01", "--round", "R1", "--json")
    if result.exit_code:
        assert_one_error_line(result, file.name)
        assert fingerprint(study_project) == before
    else:
        assert "Traceback" not in result.stdout + result.stderr
        (outcome,) = json.loads(result.stdout)
        assert outcome["status"] == "new"
        assert outcome["chars"] < 10_000


def test_odt_whose_text_expands_beyond_the_text_limit(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    repeats = MAX_TEXT_BYTES // 1000 + 1000
    content = odt_xml("<text:p>I: Hei" + '<text:s text:c="1000"/>x' * repeats + "</text:p>")
    file = write_zip(tmp_path / "utvider.odt", {"content.xml": content})
    assert file.stat().st_size < 16 * 1024
    refused_import(run_cli, study_project, file, "too")


# ---------------------------------------------------------------- subtitles


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        pytest.param(
            "uten_hode.vtt",
            "00:00:01.000 --> 00:00:04.000\nMor: Det er bedre nå.\n",
            ("not a WebVTT file", "WEBVTT"),
            id="vtt-without-header",
        ),
        pytest.param(
            "uten_cues.vtt",
            "WEBVTT\n\nNOTE opptaket feilet\n\nMor: ingen tider her\n",
            ("no cues",),
            id="vtt-without-cues",
        ),
        pytest.param("uten_cues.srt", "1\nMor: ingen tider her\n", ("no cues",), id="srt-without-cues"),
    ],
)
def test_broken_subtitles(
    run_cli: Run, study_project: Path, tmp_path: Path, name: str, text: str, words: tuple[str, ...]
) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    refused_import(run_cli, study_project, file, *words)


# ---------------------------------------------------------------- --speaker-pattern


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        pytest.param("(?P<speaker>[A-Z", ("not a valid regex",), id="invalid-regex"),
        pytest.param(r"^(\w+):", ("no (?P<speaker>...) group",), id="no-speaker-group"),
        pytest.param(r"(?P<speaker>\w*)", ("matches empty text",), id="matches-empty"),
    ],
)
def test_bad_speaker_pattern(
    run_cli: Run, study_project: Path, tmp_path: Path, pattern: str, words: tuple[str, ...]
) -> None:
    file = tmp_path / "intervju.txt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    before = fingerprint(study_project)
    result = run_cli("import", str(file), "--case", "F01", "--round", "R1", "--speaker-pattern", pattern)
    assert_one_error_line(result, "speaker pattern", repr(pattern), *words)
    assert fingerprint(study_project) == before


def test_speaker_pattern_with_optional_speaker_group(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    """Either refuse the pattern up front or import the unlabelled turn: never a traceback."""
    file = tmp_path / "intervju.txt"
    file.write_text("Mor: Det er bedre nå.\n: (utydelig)\nFar: Ja.\n", encoding="utf-8")
    before = fingerprint(study_project)
    result = run_cli(
        "import", str(file), "--case", "F01", "--speaker-pattern", r"^(?P<speaker>[A-Z]\w*)?:[ \t]"
    )
    if result.exit_code:
        assert_one_error_line(result, "speaker pattern")
        assert fingerprint(study_project) == before
    else:
        assert '"turns": 3' in sources(run_cli)


# ---------------------------------------------------------------- manifests


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder (without a study.toml) holding three good transcripts."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for index, name in enumerate(["a.txt", "b.txt", "c.txt"], 1):
        (folder / name).write_text(f"Intervju {index}.\n\n{TRANSCRIPT}", encoding="utf-8")
    return folder


def refused_manifest(run_cli: Run, project_path: Path, manifest: Path, *words: str) -> str:
    before = fingerprint(project_path)
    result = run_cli("import", "--manifest", str(manifest))
    line = assert_one_error_line(result, *words)
    assert fingerprint(project_path) == before
    assert sources(run_cli).strip() == "[]"  # all or nothing: not even the good rows went in
    return line


def write_manifest(folder: Path, text: str) -> Path:
    path = folder / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_manifest_row_with_missing_file(run_cli: Run, study_project: Path, batch: Path) -> None:
    manifest = write_manifest(batch, "file,case,round\na.txt,F01,R1\nb.txt,F01,R1\nborte.txt,F01,R2\n")
    refused_manifest(run_cli, study_project, manifest, "borte.txt", "no such file")


@pytest.mark.parametrize(
    ("row", "words"),
    [
        pytest.param("c.txt,F01,R9,", ("line 4", "c.txt", "no round 'R9'", "R1, R2"), id="unknown-round"),
        pytest.param("c.txt,F99,R2,", ("line 4", "c.txt", "no case 'F99'"), id="unknown-case"),
        pytest.param("c.txt,F01,R2,9z", ("line 4", "c.txt", "'9z'"), id="unknown-informant"),
        pytest.param("c.txt,F01,R2,1a;1a", ("line 4", "informant is listed twice"), id="duplicate-informant"),
        pytest.param("c.txt,F01,R2,1a;1b;1a", ("line 4", "informant is listed twice"), id="dup-informant-3"),
    ],
)
def test_manifest_bad_row_after_two_good_rows(
    run_cli: Run, study_project: Path, batch: Path, row: str, words: tuple[str, ...]
) -> None:
    manifest = write_manifest(batch, f"file,case,round,informants\na.txt,F01,R1,1a\nb.txt,F01,R1,1b\n{row}\n")
    line = refused_manifest(run_cli, study_project, manifest, "manifest.csv", *words)
    assert "a.txt" not in line and "b.txt" not in line  # blames the bad row, not the good ones


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(b"case,round\nF01,R1\n", ("lacks column(s) file",), id="no-file-column"),
        pytest.param(b"", ("manifest is empty",), id="zero-bytes"),
        pytest.param(b"\n \n", ("manifest is empty",), id="blank-lines"),
        pytest.param(b"file,case,round\n", ("no rows",), id="header-only"),
        pytest.param("file,case\nintervju_æøå.txt,F01\n".encode("cp1252"), ("not UTF-8",), id="not-utf8"),
        pytest.param(b"file,case,runde\na.txt,F01,R1\n", ("unknown column(s) runde",), id="unknown-column"),
        pytest.param(b"file,case,date\na.txt,F01,1. mai\n", ("line 2",), id="bad-date"),
    ],
)
def test_broken_manifest(
    run_cli: Run, study_project: Path, batch: Path, data: bytes, words: tuple[str, ...]
) -> None:
    manifest = batch / "manifest.csv"
    manifest.write_bytes(data)
    refused_manifest(run_cli, study_project, manifest, "manifest.csv", *words)


def test_missing_manifest(run_cli: Run, study_project: Path, batch: Path) -> None:
    refused_manifest(run_cli, study_project, batch / "finnes_ikke.csv", "finnes_ikke.csv", "no such manifest")


# ---------------------------------------------------------------- study files

FAMILY_2 = '\n[[cases]]\nkey = "F02"\nkind = "family"\n'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(
            '[[persons]]\ncode = "2a"\n[[persons]]\ncode = "2a"\n',
            ("participant code '2a' is declared twice",),
            id="duplicate-participant-code",
        ),
        pytest.param('[[rounds]\nkey = "R3"\n', ("not valid TOML",), id="invalid-toml"),
        pytest.param(
            '[[cases]]\nkey = "F02"\nkind = "familie"\n',
            ("F02", "kind must be family, municipality or other"),
            id="unknown-case-kind",
        ),
        pytest.param(
            '[[persons]]\ncode = "9a"\ncase = "F09"\n',
            ("'9a'", "unknown case 'F09'"),
            id="person-in-unknown-case",
        ),
        pytest.param(
            FAMILY_2 + '[[persons]]\ncode = "1a"\ncase = "F02"\nrole = "mor"\n',
            ("'1a'", "already used in case F01"),
            id="code-in-two-families",
        ),
        pytest.param(
            FAMILY_2 + '[[persons]]\ncode = "2a"\ncase = "F02"\n[[persons]]\ncode = "2a"\ncase = "F01"\n',
            ("'2a'", "declared twice"),
            id="code-twice-in-one-file",
        ),
        pytest.param(b"\xff\xfe[\x00", ("not UTF-8",), id="not-utf8"),
        pytest.param(
            '[attributes.case.alder]\ntype = "Number"\n',
            ("alder", "type must be"),
            id="unknown-attribute-type",
        ),
    ],
)
def test_bad_study_file(
    run_cli: Run, study_project: Path, tmp_path: Path, text: str | bytes, words: tuple[str, ...]
) -> None:
    bad = tmp_path / "endret_studie.toml"
    if isinstance(text, bytes):
        bad.write_bytes(text)
    else:
        bad.write_text(text, encoding="utf-8")
    before = fingerprint(study_project)
    result = run_cli("study", "load", str(bad))
    assert_one_error_line(result, bad.name, *words)
    assert fingerprint(study_project) == before


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('rounds = ["R1", "R2"]\n', id="rounds-as-strings"),
        pytest.param('[attributes.case]\nbarnekoordinator = "Boolean"\n', id="attribute-type-as-string"),
        pytest.param("attributes = 5\n", id="attributes-as-number"),
        pytest.param('cases = ["F02"]\n', id="cases-as-strings"),
    ],
)
def test_study_file_with_wrongly_shaped_tables(
    run_cli: Run, study_project: Path, tmp_path: Path, text: str
) -> None:
    bad = tmp_path / "feil_form.toml"
    bad.write_text(text, encoding="utf-8")
    before = fingerprint(study_project)
    result = run_cli("study", "load", str(bad))
    assert_one_error_line(result, bad.name)
    assert fingerprint(study_project) == before


def test_study_round_baseline_given_as_text(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """``baseline = "false"`` must be refused or read as false, never silently as true."""
    bad = tmp_path / "grunnlinje.toml"
    bad.write_text('[[rounds]]\nkey = "R3"\nbaseline = "false"\n', encoding="utf-8")
    before = fingerprint(study_project)
    result = run_cli("study", "load", str(bad))
    if result.exit_code:
        assert_one_error_line(result, bad.name, "baseline")
        assert fingerprint(study_project) == before
    else:
        rounds = {r["id"]: r for r in json.loads(run_cli("rounds", "--json").stdout)}
        assert not rounds["R3"]["baseline"]


def write_conflicting_study(batch: Path) -> tuple[Path, Path]:
    """A study.toml beside a manifest that moves 1b into a new family F02 (a conflict)."""
    study = batch / "study.toml"
    study.write_text(FAMILY_2 + '[[persons]]\ncode = "1b"\ncase = "F02"\n', encoding="utf-8")
    return study, write_manifest(batch, "file,case,round\na.txt,F02,R1\n")


def test_study_beside_manifest_with_conflict_undoes_everything(
    run_cli: Run, study_project: Path, batch: Path
) -> None:
    """The study beside a manifest is applied in the import's transaction: a conflict undoes both."""
    _, manifest = write_conflicting_study(batch)
    refused_manifest(run_cli, study_project, manifest, "'1b'", "already used in case F01")
    cases = run_cli("cases", "--json").stdout
    assert "F02" not in cases


def test_study_conflict_during_import_names_the_study_file(
    run_cli: Run, study_project: Path, batch: Path
) -> None:
    study, manifest = write_conflicting_study(batch)
    refused_manifest(run_cli, study_project, manifest, str(study), "already used in case F01")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        pytest.param("a.txt,F99,R1,", "no case 'F99'", id="unknown-case"),
        pytest.param("a.txt,F01,R9,", "no round 'R9'", id="unknown-round"),
        pytest.param("a.txt,F01,R1,9z", "no person with participant code '9z'", id="unknown-person"),
    ],
)
def test_not_found_hint_points_at_something_that_exists(
    run_cli: Run, study_project: Path, batch: Path, row: str, problem: str
) -> None:
    """A hint naming a command or option is only useful if that command or option exists."""
    manifest = write_manifest(batch, f"file,case,round,informants\n{row}\n")
    line = refused_manifest(run_cli, study_project, manifest, problem, "(hint: ")
    hint = line.split("(hint: ", 1)[1]
    commands = re.findall(r"casebook ((?:[a-z]+ )*[a-z]+) [A-Z]+", hint)
    options = re.findall(r"--[a-z][a-z-]*", hint)
    assert commands or options, hint
    for command in commands:
        shown = run_cli(*command.split(), "--help")
        assert shown.exit_code == 0, f"hint names 'casebook {command}', which does not exist"
    import_help = run_cli("import", "--help").stdout
    for option in options:
        assert option in import_help, f"hint names {option}, which import does not have"


# ---------------------------------------------------------------- the project file itself


def _text_file(path: Path) -> None:
    path.write_text("Notater fra intervjuet med familie 1.\n", encoding="utf-8")


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('hei')")
    conn.close()


def _other_app_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO project_meta VALUES ('app', 'noeannet')")
    conn.close()


def _damaged_sqlite(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 256)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(_text_file, ("not a casebook project", "not an SQLite file"), id="text-file"),
        pytest.param(
            _foreign_sqlite, ("SQLite file but not a casebook project",), id="sqlite-without-tables"
        ),
        pytest.param(
            _other_app_sqlite, ("SQLite file but not a casebook project",), id="sqlite-of-other-app"
        ),
        pytest.param(_damaged_sqlite, ("damaged",), id="damaged-sqlite"),
    ],
)
@pytest.mark.parametrize("command", ["cases", "study load", "import", "check"])
def test_opening_something_that_is_not_a_project(
    run_cli: Run, tmp_path: Path, make: Callable[[Path], None], words: tuple[str, ...], command: str
) -> None:
    folder = tmp_path / "prosjekt"
    folder.mkdir()
    target = folder / "studie.casebook"
    make(target)
    before = (target.read_bytes(), target.stat().st_mode, sorted(p.name for p in folder.iterdir()))
    transcript = tmp_path / "intervju.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    args = {
        "cases": ("cases",),
        "study load": ("study", "load", str(write_study(tmp_path))),
        "import": ("import", str(transcript), "--case", "F01"),
        "check": ("check",),
    }[command]
    result = run_cli(*args, project=target)
    assert_one_error_line(result, str(target), *words)
    after = (target.read_bytes(), target.stat().st_mode, sorted(p.name for p in folder.iterdir()))
    assert after == before


def test_missing_project(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "finnes_ikke.casebook"
    result = run_cli("cases", project=target)
    assert_one_error_line(result, str(target), "no project file", "init")
    assert not target.exists()


@pytest.mark.parametrize("existing", ["text-file", "project"])
def test_init_refuses_an_existing_file(run_cli: Run, tmp_path: Path, existing: str) -> None:
    target = tmp_path / "studie.casebook"
    if existing == "text-file":
        _text_file(target)
    else:
        assert run_cli("init", "--name", "Første", project=target).exit_code == 0
        dump = fingerprint(target)
    before = (target.read_bytes(), target.stat().st_mode)
    result = run_cli("init", "--name", "Andre", project=target)
    assert_one_error_line(result, str(target), "already exists")
    assert (target.read_bytes(), target.stat().st_mode) == before
    if existing == "project":
        assert fingerprint(target) == dump
        assert "Første" in dump and "Andre" not in dump
