"""Hostile and broken input, issue 12 items 5, 6 and 8 (study-file messages).

Every refusal is one ``casebook: error:`` line naming the file and the problem, a
non-zero exit, no traceback, and a project exactly as before (``fingerprint``).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from casebook.untrusted.archive import MAX_DEPTH
from tests.conftest import TRANSCRIPT, fingerprint, write_study
from tests.hardening import Run, give_to_child, one_error_line, run_child, shared_folder
from tests.test_bad_input import docx_paragraph, docx_xml, odt_xml, write_zip

__all__ = ["shared_folder"]  # a fixture, used by name

DEEP = 3 * MAX_DEPTH * 10  # far deeper than the readers follow, and than Python's recursion limit
GUID = "6f1c2b7a-0d3e-4c55-9a1b-{:012d}"


@pytest.fixture
def study_project(run_cli: Run, tmp_path: Path, project_path: Path) -> Path:
    """A project with the sample study (rounds R1, R2; case F01 with persons 1a, 1b)."""
    assert run_cli("init").exit_code == 0
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    return project_path


def refused(run_cli: Run, project: Path, args: list[str], *words: str) -> str:
    """Run ``args``; one error line with ``words``; the project unchanged."""
    before = fingerprint(project)
    line = one_error_line(run_cli(*args), *words)
    assert fingerprint(project) == before
    return line


def imported(run_cli: Run, project: Path, file: Path, *words: str) -> str:
    return refused(
        run_cli, project, ["import", str(file), "--case", "F01", "--round", "R1"], file.name, *words
    )


# ---------------------------------------------------------------- 5. nesting


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<w:customXml>" * DEEP + docx_paragraph("x") + "</w:customXml>" * DEEP, id="blocks"),
        pytest.param("<w:p>" + "<w:hyperlink>" * DEEP + "</w:hyperlink>" * DEEP + "</w:p>", id="runs"),
        pytest.param(
            "<w:tbl><w:tr><w:tc>" * DEEP + docx_paragraph("x") + "</w:tc></w:tr></w:tbl>" * DEEP, id="tables"
        ),
    ],
)
def test_deeply_nested_docx(run_cli: Run, study_project: Path, tmp_path: Path, body: str) -> None:
    file = write_zip(
        tmp_path / "dyp.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": docx_xml(body)}
    )
    imported(
        run_cli, study_project, file, "word/document.xml is nested too deeply", f"over {MAX_DEPTH} levels"
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<text:section>" * DEEP + "<text:p>x</text:p>" + "</text:section>" * DEEP, id="blocks"),
        pytest.param(
            "<text:p>" + "<text:span>" * DEEP + "x" + "</text:span>" * DEEP + "</text:p>", id="inline"
        ),
    ],
)
def test_deeply_nested_odt(run_cli: Run, study_project: Path, tmp_path: Path, body: str) -> None:
    file = write_zip(
        tmp_path / "dyp.odt",
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": odt_xml(body)},
    )
    imported(run_cli, study_project, file, "content.xml is nested too deeply")


def deep_toml(key: str = "x") -> str:
    return f"{key} = " + "[" * DEEP + "]" * DEEP + "\n"


def test_deeply_nested_study_file(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    study = tmp_path / "dyp.toml"
    study.write_text(deep_toml(), encoding="utf-8")
    refused(run_cli, study_project, ["study", "load", str(study)], "dyp.toml", "nested too deeply")


def test_deeply_nested_codebook_file(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    book = tmp_path / "kodebok.toml"
    book.write_text(deep_toml("codebook"), encoding="utf-8")
    refused(run_cli, study_project, ["codebook", "load", str(book)], "kodebok.toml", "nested too deeply")


def qdc(codes: str) -> str:
    return (
        f'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'
    )


def test_deeply_nested_qdc(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    opening = "".join(f'<Code guid="{GUID.format(n)}" name="k{n}" isCodable="true">' for n in range(DEEP))
    file = tmp_path / "dyp.qdc"
    file.write_text(qdc(opening + "</Code>" * DEEP), encoding="utf-8")
    refused(run_cli, study_project, ["codebook", "import", str(file)], "dyp.qdc", "nested too deeply")


def test_a_codebook_tree_deeper_than_any_real_one(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    codes = ['[[code]]\nid = "k0"\nname = "K0"\n']
    codes += [f'[[code]]\nid = "k{n}"\nparent = "k{n - 1}"\nname = "K{n}"\n' for n in range(1, 500)]
    book = tmp_path / "lang.toml"
    book.write_text("\n".join(codes), encoding="utf-8")
    refused(run_cli, study_project, ["codebook", "load", str(book)], "lang.toml", "nested too deeply")


# ---------------------------------------------------------------- 5. protected, long, large, wrong


def test_a_password_protected_docx(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """Word saves an encrypted .docx as an OLE compound file, not a zip."""
    file = tmp_path / "passord.docx"
    file.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    imported(run_cli, study_project, file, "password-protected", "save it again without a password")


def test_a_zip_with_an_encrypted_member(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """A zip whose members carry the "encrypted" flag (zipfile cannot write one: the flag
    is set in the written headers)."""
    file = write_zip(tmp_path / "kryptert.docx", {"word/document.xml": docx_xml(docx_paragraph("I: Hei"))})
    data = bytearray(file.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flags_at] |= 0x1
            start = data.find(signature, start + 4)
    file.write_bytes(bytes(data))
    with zipfile.ZipFile(file) as archive:
        assert archive.infolist()[0].flag_bits & 0x1
    imported(run_cli, study_project, file, "password-protected")


def test_names_too_long_for_the_file_system(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    long_name = tmp_path / ("intervju_" + "x" * 300 + ".txt")
    long_path = tmp_path.joinpath(*["mappe_" + "y" * 200] * 22, "intervju.txt")
    assert len(long_name.name.encode()) > 255 and len(str(long_path).encode()) > 4096
    for file in (long_name, long_path):
        imported(run_cli, study_project, file, "file name too long")
    for args in (
        ["study", "load", str(long_name.with_suffix(".toml"))],
        ["codebook", "import", str(long_name.with_suffix(".qdc"))],
        ["codebook", "load", str(long_name.with_suffix(".toml"))],
        ["import", "--manifest", str(long_name.with_suffix(".csv"))],
    ):
        refused(run_cli, study_project, args, "x" * 50, "file name too long")
    one_error_line(run_cli("sources", project=long_name.with_suffix(".casebook")), "file name too long")


def test_a_manifest_cell_over_the_csv_limit(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,case,place\nintervju.txt,F01,{'a' * 140_000}\n", encoding="utf-8")
    refused(
        run_cli,
        study_project,
        ["import", "--manifest", str(manifest)],
        "manifest.csv",
        "line 2",
        "longer than 131,072",
    )


def test_a_codebook_that_is_a_number(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    book = tmp_path / "kodebok.toml"
    book.write_text('codebook = 5\n[[code]]\nid = "a"\nname = "A"\n', encoding="utf-8")
    refused(
        run_cli, study_project, ["codebook", "load", str(book)], "kodebok.toml", "'codebook' must be a table"
    )


def test_a_qdc_with_a_guid_used_twice(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    twice = GUID.format(7)
    file = tmp_path / "dobbel.qdc"
    file.write_text(
        qdc("".join(f'<Code guid="{twice}" name="{name}" isCodable="true"/>' for name in ("En", "To"))),
        encoding="utf-8",
    )
    refused(
        run_cli,
        study_project,
        ["codebook", "import", str(file)],
        "dobbel.qdc",
        f"guid {twice}",
        "also the guid",
    )


def test_a_file_in_a_folder_without_access(run_cli: Run, shared_folder: Path) -> None:
    """A mode-000 folder. Root passes every permission check, so under root the import
    runs as ``nobody`` (see ``tests.hardening``)."""
    project = shared_folder / "studie.casebook"
    assert run_cli("init", project=project).exit_code == 0
    assert run_cli("case", "add", "F01", project=project).exit_code == 0
    locked = shared_folder / "låst"
    locked.mkdir()
    (locked / "intervju.txt").write_text(TRANSCRIPT, encoding="utf-8")
    locked.chmod(0o000)
    give_to_child(project)
    before = fingerprint(project)
    one_error_line(
        run_child("import", str(locked / "intervju.txt"), "--case", "F01", project=project),
        "låst/intervju.txt",
        "permission denied",
    )
    assert fingerprint(project) == before


# ---------------------------------------------------------------- 6. text is what the file says


def test_invalid_utf8_is_refused_with_its_byte_offsets(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    data = TRANSCRIPT.encode("utf-8")
    damaged = data.index("å".encode())  # the first byte of "å" stays, the second is lost
    file = tmp_path / "skadet.txt"
    file.write_bytes(data[: damaged + 1] + b"(" + data[damaged + 2 :])
    line = imported(
        run_cli, study_project, file, "UTF-8 text with 1 damaged byte sequence", f"byte offset(s) {damaged}"
    )
    assert "Ã" not in line


def test_legacy_windows_text_is_still_read(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    file = tmp_path / "windows.txt"
    file.write_bytes(TRANSCRIPT.encode("cp1252"))
    assert run_cli("import", str(file), "--case", "F01", "--round", "R1").exit_code == 0
    assert "Æ, ø og å" in run_cli("search", "ventetiden").stdout


def test_utf8_with_next_line_characters_is_text(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    """U+0085 is a line break in valid UTF-8, not a reason to call the file "not UTF-8"."""
    file = tmp_path / "nel.txt"
    file.write_text("I: Hvordan går det?\x85Mor: Bedre nå.\x85\n", encoding="utf-8")
    result = run_cli("import", str(file), "--case", "F01", "--round", "R1", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["turns"] == 2


def test_a_manifest_column_given_twice(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,case,round,case\nintervju.txt,F01,R1,F02\n", encoding="utf-8")
    refused(
        run_cli,
        study_project,
        ["import", "--manifest", str(manifest)],
        "manifest.csv",
        "column(s) case twice",
    )


def test_a_table_where_a_study_key_belongs(run_cli: Run, study_project: Path, tmp_path: Path) -> None:
    study = tmp_path / "studie.toml"
    study.write_text('[[cases]]\nkey = {a = 1}\nkind = "family"\n', encoding="utf-8")
    refused(
        run_cli,
        study_project,
        ["study", "load", str(study)],
        "studie.toml",
        "[[cases]] entry 1 (line 1)",
        "text in quotes",
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[codebook]\nname = {x = 1}\n[[code]]\nid = "a"\nname = "A"\n', ("[codebook]: name must be text",)),
        ('[[code]]\nid = "a"\nname = {x = 1}\n', ("line 1: code 'a': name must be text", "not a table")),
        ('[[code]]\nid = "a"\nname = "A"\nparent = 5\n', ("parent must be text",)),
    ],
)
def test_a_codebook_field_of_the_wrong_type(
    run_cli: Run, study_project: Path, tmp_path: Path, text: str, words: tuple[str, ...]
) -> None:
    book = tmp_path / "kodebok.toml"
    book.write_text(text, encoding="utf-8")
    refused(run_cli, study_project, ["codebook", "load", str(book)], "kodebok.toml", *words)


@pytest.mark.parametrize("text", [deep_toml("codebook"), "codebook = 5\n"], ids=["deep", "number"])
def test_an_init_that_fails_leaves_no_file(
    run_cli: Run, project_path: Path, tmp_path: Path, text: str
) -> None:
    book = tmp_path / "kodebok.toml"
    book.write_text(text, encoding="utf-8")
    one_error_line(run_cli("init", "--codebook", str(book)), "kodebok.toml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kodebok.toml"]


# ---------------------------------------------------------------- 8. no personal data in errors


def test_a_study_entry_without_its_key_is_named_not_printed(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    study = write_study(
        tmp_path,
        '[[persons]]\ncase = "F01"\nrole = "mor"\nlabel = "Kari Nordmann"\n'
        'attributes = { adresse = "Storgata 1", telefon = "99887766" }\n',
    )
    lines = study.read_text(encoding="utf-8").splitlines()
    header_line = max(n for n, text in enumerate(lines, start=1) if text == "[[persons]]")
    line = refused(
        run_cli,
        study_project,
        ["study", "load", str(study)],
        "study.toml",
        f"[[persons]] entry 3 (line {header_line}) has no 'code'",
    )
    for private in ("Storgata", "99887766", "Kari", "adresse"):
        assert private not in line


def test_a_study_value_of_the_wrong_type_is_not_echoed(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    study = write_study(tmp_path, '[attributes.person.fodt]\ntype = "Date"\n')
    text = study.read_text(encoding="utf-8").replace(
        'role = "far"', 'role = "far"\nattributes = { fodt = "Storgata 1" }'
    )
    study.write_text(text, encoding="utf-8")
    line = refused(
        run_cli, study_project, ["study", "load", str(study)], "person '1b', attribute 'fodt'", "Date"
    )
    assert "Storgata" not in line


def test_a_wrong_pseudonym_is_named_by_its_place_not_by_the_name_it_hides(
    run_cli: Run, study_project: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "pseudonymer.toml"
    listing.write_text('[pseudonyms.person]\nSilje = "[mor]"\n"Emil Hansen" = 5\n', encoding="utf-8")
    line = refused(
        run_cli,
        study_project,
        ["pseudonyms", "load", str(listing)],
        "pseudonymer.toml",
        "[pseudonyms.person] entry 2 (line 3)",
        "give the replacement as text",
    )
    assert "Emil" not in line and "Silje" not in line
