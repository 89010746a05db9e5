"""Reports on the sample study: Word and Excel read back, CSV and Markdown parsed, recipes
re-run byte for byte, and pseudonymised exports that show no listed name anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from casebook.services import codebook, pseudonyms, reports
from casebook.services.project import Project
from casebook.services.reports import ReportFormat, ReportSpec
from casebook.text.pseudonymise import NameLeak, Pseudonymiser

ROOTS = ["kognitiv", "strukturell", "makt", "fysisk", "ressurser", "broer", "familie"]
LABEL = re.compile(r" \((Forelder \d[ab]|Fagperson \d|Kommunalsjef|Leder KE|Rådgiver|Deltaker \d|Intervjuer"
                   r"|Informant), (runde \d)\)$")  # fmt: skip


def listed(project_file: Path) -> Pseudonymiser:
    with Project.open(project_file) as project:
        return pseudonyms.pseudonymiser(project)


def export(project_file: Path, out: Path, **options: object) -> reports.ExportResult:
    with Project.open(project_file) as project:
        return reports.export(project, ReportSpec(**options), out)  # type: ignore[arg-type]


def docx_texts(path: Path) -> list[str]:
    """Every paragraph and table cell of a Word file, and its core properties."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    core = document.core_properties
    return [*texts, core.title or "", core.author or "", core.comments or ""]


def xlsx_cells(path: Path) -> list[object]:
    book = openpyxl.load_workbook(path)
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_word_report_has_a_chapter_per_root_code_and_labelled_quotes(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.docx"
    result = export(demo, out, title="Samordning", matrix="cases", memos=True)
    assert result.format is ReportFormat.DOCX and result.excerpts > 200
    assert out.stat().st_mode & 0o777 == 0o600
    document = docx.Document(str(out))
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Title"] == ["Samordning"]
    with Project.open(demo) as project:
        codes = {c.key: c for c in codebook.current(project).codes}
    assert by_style["Heading 1"] == ["Oversikt", *(codes[r].name for r in ROOTS)]
    assert codes["familie.los"].name in by_style["Heading 2"]
    assert "Ansvarsavgrensning" in by_style["Heading 2"]
    quotes = by_style["Quote"]
    assert len(quotes) > 150 and all(LABEL.search(q) for q in quotes), [
        q for q in quotes if not LABEL.search(q)
    ][:3]
    assert any(q.endswith("(Forelder 1a, runde 1)") for q in quotes)
    assert any(q.endswith("(Fagperson 1, runde 2)") for q in quotes)
    body = document.element.body.xml
    assert 'TOC \\o "1-3"' in body and "w:fldChar" in body
    assert len(document.inline_shapes) == 1  # the code-frequency chart
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["Kode", "Familie 1", "Familie 2"]
    assert any(p.startswith("Definisjon: ") for p in by_style["Normal"])


def test_excel_report_is_typed_with_frozen_headers_and_a_sheet_per_root(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "utdrag.xlsx"
    result = export(demo, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["all", *ROOTS]
    every = book["all"]
    assert every.freeze_panes == "A2" and book["familie"].freeze_panes == "A2"
    header = [c.value for c in every[1]]
    assert header[:11] == [
        "source", "case", "round", "speaker", "participant", "participant_label",
        "code", "coder", "start", "end", "text",
    ]  # fmt: skip
    assert "case.kommune" not in header  # a family is never shown with its municipality
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in every.iter_rows(min_row=2)]
    assert len(rows) == result.excerpts
    first = rows[0]
    assert isinstance(first["start"], int) and isinstance(first["end"], int) and first["end"] > first["start"]
    family = next(r for r in rows if r["case"] == "F02" and r["round"] == "R2")
    assert family["case.barn_alder"] == 8 and isinstance(family["case.barn_alder"], int)  # value as of R2
    assert family["case.minoritetsbakgrunn"] is True
    assert family["case.koordinatorstatus"] == "koordinator"
    per_root = sum(book[root].max_row - 1 for root in ROOTS)
    assert per_root == len(rows)
    assert all(r["code"].startswith("familie") for r in ({"code": c.value} for c in book["familie"]["G"][1:]))


def test_csv_is_utf8_with_a_header_ready_for_pandas_or_r(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "utdrag.csv"
    export(demo, out, codes=("familie",), rounds=("R1", "R3"), memos=True, with_municipality=True)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert rows and {r["round"] for r in rows} == {"R1", "R3"}
    assert all(r["code"].startswith("familie") for r in rows)
    assert "memo" in rows[0] and "case.kommune" in rows[0]  # asked for with --with-municipality
    assert any("æ" in r["text"] or "ø" in r["text"] or "å" in r["text"] for r in rows)
    assert all(int(r["end"]) > int(r["start"]) for r in rows)


def test_markdown_escapes_user_text(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.md"
    export(demo, out, chart=False, memos=True)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rapport\n")
    assert "### Foreldre som koordinator" in text
    assert "\\[pause\\]" in text and "[pause]" not in text.replace("\\[pause\\]", "")
    assert "familie.foreldre\\_som\\_koordinator" in text  # in a 'do not use when'
    assert re.search(r"^> .*\(Forelder \d[ab], runde \d\)$", text, re.MULTILINE)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "md"])
def test_pseudonymised_exports_show_no_listed_name_anywhere(demo: Path, tmp_path: Path, fmt: str) -> None:
    names = listed(demo)
    plain, anonymous = tmp_path / f"plain.{fmt}", tmp_path / f"anonym.{fmt}"
    export(demo, plain, memos=True, matrix="cases")
    export(demo, anonymous, memos=True, matrix="cases", pseudonymise=True)
    if fmt == "docx":
        before, after = docx_texts(plain), docx_texts(anonymous)
    elif fmt == "xlsx":
        before, after = [str(v) for v in xlsx_cells(plain)], [str(v) for v in xlsx_cells(anonymous)]
    else:
        before, after = plain.read_text("utf-8").splitlines(), anonymous.read_text("utf-8").splitlines()
    assert any(names.find(t) for t in before)  # the plain export does quote names
    leaks = [(names.find(t), t[:60]) for t in after if names.find(t)]
    assert not leaks
    assert any("[barnet]" in t.replace("\\", "") for t in after)
    if fmt in ("docx", "xlsx"):  # every XML part of the file, not only what the readers show
        with zipfile.ZipFile(anonymous) as archive:
            for part in archive.namelist():
                if part.endswith(".xml"):
                    assert names.find(archive.read(part).decode("utf-8")) is None, part


def test_a_name_the_export_would_still_show_stops_it_and_nothing_is_written(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.docx"
    out.write_bytes(b"the previous report")
    with pytest.raises(NameLeak) as caught:
        export(demo, out, title="Rapport om Emil", pseudonymise=True)
    assert caught.value.term == "Emil" and caught.value.where == "the report title"
    assert out.read_bytes() == b"the previous report"
    with Project.open(demo) as project:
        codebook.rename(project, "familie.los", "Emils los", "ida")
    with pytest.raises(
        NameLeak, match=r"'Emil' would appear in the name of code familie\.los; nothing was written"
    ):
        export(demo, tmp_path / "ny.md", pseudonymise=True)
    with pytest.raises(NameLeak, match="the output file name"):
        export(demo, tmp_path / "Emil.csv", codes=("broer",), pseudonymise=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.casebook", "rapport.docx"]


def test_excerpt_problems_are_located_by_code_case_and_position(demo: Path, tmp_path: Path) -> None:
    from casebook.reports.privacy import check_report

    with Project.open(demo) as project:
        report = reports.build(project, ReportSpec(codes=("familie.los",)))
        names = pseudonyms.pseudonymiser(project)
    with pytest.raises(NameLeak) as caught:
        check_report(report, names)
    assert re.match(
        r"the text of code familie\.los, case F0\d, excerpt \d+ \(F0\d_R\d_foreldre, characters \d+-\d+\)$",
        caught.value.where,
    )


def test_recipes_rerun_to_byte_identical_files_and_errors_name_the_key(
    run_cli, demo: Path, tmp_path: Path
) -> None:
    recipe = tmp_path / "los.toml"
    recipe.write_text(
        'title = "Veien til hjelp"\ncodes = ["familie.los", "familie.informasjon"]\n'
        '[filters]\ncase = ["F01", "F03"]\nkind = "family"\n'
        '[[sections]]\ntitle = "Informasjon og los"\ncodes = ["familie.informasjon", "familie.los"]\n'
        '[options]\nmemos = true\nmatrix = "rounds"\npseudonymise = true\n',
        encoding="utf-8",
    )
    for fmt in ("md", "csv", "docx", "xlsx"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for out in (first, second):
            result = run_cli("report", "--recipe", str(recipe), "-o", str(out), project=demo)
            assert result.exit_code == 0, result.stderr
        assert first.read_bytes() == second.read_bytes(), fmt
    text = (tmp_path / "a.md").read_text("utf-8")
    assert "## Informasjon og los" in text and "Pseudonymisert" in text
    assert {r["case"] for r in csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text("utf-8")))} == {
        "F01",
        "F03",
    }
    assert "Wrote" in result.stdout and "pseudonymised" in result.stdout
    broken = tmp_path / "feil.toml"
    broken.write_text('[options]\nmatrix = "kommuner"\n', encoding="utf-8")
    result = run_cli("report", "--recipe", str(broken), "-o", str(tmp_path / "x.md"), project=demo)
    assert result.exit_code == 1
    assert f"{broken}: key 'options.matrix'" in result.stderr and "Traceback" not in result.stderr
    broken.write_text('tittel = "Skrivefeil"\n', encoding="utf-8")
    result = run_cli("report", "--recipe", str(broken), "-o", str(tmp_path / "x.md"), project=demo)
    assert "key 'tittel': unknown key" in result.stderr
    assert not (tmp_path / "x.md").exists()


def test_report_cli_filters_formats_and_dates_only_when_asked(run_cli, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "runde2.md"
    result = run_cli(
        "report", "-o", str(out), "--codes", "broer", "--round", "R2", "--coder", "ida", project=demo
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text("utf-8")
    assert "runde 1)" not in text and "runde 2)" in text and "Laget " not in text
    assert str(dt.date.today()) not in text
    dated = tmp_path / "datert.md"
    assert run_cli("report", "-o", str(dated), "--codes", "broer", "--dated", project=demo).exit_code == 0
    assert f"Laget {dt.date.today()}" in dated.read_text("utf-8")
    bad = run_cli("report", "-o", str(tmp_path / "x.md"), "--codes", "finnes.ikke", project=demo)
    assert bad.exit_code == 1 and "no code 'finnes.ikke'" in bad.stderr


def test_municipality_quotes_name_their_municipality_only_when_asked(demo: Path, tmp_path: Path) -> None:
    hidden, shown = tmp_path / "a.md", tmp_path / "b.md"
    export(demo, hidden, kinds=(), cases=("K1",))
    export(demo, shown, cases=("K1",), with_municipality=True)
    assert "Kommune 1, runde" not in hidden.read_text("utf-8")
    assert "(Kommunalsjef, Kommune 1, runde 1)" in shown.read_text("utf-8")


def test_importing_the_report_service_loads_no_renderer() -> None:
    code = (
        "import sys, casebook.services.reports, casebook.cli.main;"
        "heavy = {'docx', 'xlsxwriter', 'matplotlib', 'openpyxl', 'textual'};"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_pseudonymising_with_an_empty_list_is_refused(project: Project, tmp_path: Path) -> None:
    from casebook.errors import InvalidValue

    with pytest.raises(InvalidValue, match="no names are listed"):
        reports.export(project, ReportSpec(pseudonymise=True), tmp_path / "tom.md")
    assert not (tmp_path / "tom.md").exists()
