"""Per-case summaries from a template, as Markdown and Word, read back the way a reader would:
headings, participant labels, count phrases over a stated whole, no listed names, and the
family's municipality only when asked for."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from casebook.model.changes import Direction
from casebook.reports.model import Bullets, Paragraph, Table
from casebook.services import longitudinal, pseudonyms, summaries, workbench
from casebook.services.project import Project

SECTIONS = [
    "Familien i korthet",
    "Tjenester og status over tid",
    "Koordinering",
    "Barrierer etter avstand",
    "Fremmere",
    "Familiens erfaring",
    "Endring siden forrige runde",
    "Åpne spørsmål",
]
NUMBERS = "null|én|ett|to|tre|fire|fem|seks|sju|åtte|ni|ti|elleve|tolv|\\d+"
WHOLE = re.compile(rf"\b(?:de (?:{NUMBERS})|den ene|det ene) (?:familiene|rundene|familien)\b")
COUNTED = re.compile(r"\b(familiene|rundene)\b")
LABEL = re.compile(r"\((?:Forelder \d[ab]|Fagperson \d), runde [123]\)")


def _names_left(project: Project, text: str) -> str | None:
    found = pseudonyms.pseudonymiser(project).find(text)
    return None if found is None else found.term


def _check_count_phrases(text: str) -> None:
    """Every "familiene" / "rundene" stands in a phrase that states the whole."""
    for match in COUNTED.finditer(text):
        before = text[max(0, match.start() - 30) : match.end()]
        assert WHOLE.search(before), f"no stated whole before {before!r}"


def test_markdown_summary_of_a_family(run_cli, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "F01.md"
    result = run_cli("summary", "F01", "-o", str(out), "--pseudonymise", project=demo)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Casesammendrag: Familie 1\n")
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == SECTIONS
    assert "(Forelder 1a, runde 2)" in text and "(Forelder 1a, runde 3)" in text
    assert len(LABEL.findall(text)) >= 10
    assert "Familie 1 er intervjuet i alle de tre rundene (fire intervjuer)." in text
    assert "| koordinatorstatus | ingen | barnekoordinator | barnekoordinator |" in text
    assert "| barn\\_alder | 9 | 10 | 11 |" in text
    assert "søkt → avslag → søkt → avslag → klaget → innvilget → innvilget, ikke levert → startet" in text
    assert "Strafferunde: to avslag" in text
    assert "Temaet finnes hos alle de fire familiene." in text
    assert "- individuell\\_plan: påbegynt → har" in text  # the change since round 2
    _check_count_phrases(text)
    with Project.open(demo) as project:
        assert _names_left(project, text) is None
    assert out.stat().st_mode & 0o777 == 0o600


def test_word_summary_reads_back_with_headings_labels_and_no_names(
    run_cli, demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "F02.docx"
    result = run_cli("summary", "F02", "--format", "docx", "-o", str(out), "--pseudonymise", project=demo)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == SECTIONS
    quotes = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Quote"]
    assert quotes and all(LABEL.search(q) for q in quotes)
    assert any(q.endswith("(Forelder 2a, runde 3)") for q in quotes)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    everything = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "innvilget, ikke levert" in everything  # the wheelchair still not delivered
    _check_count_phrases(everything)
    with Project.open(demo) as project:
        assert _names_left(project, everything) is None
    assert "Ayaan" not in everything and "Hanne" not in everything


def test_the_municipality_appears_only_when_asked_for(run_cli, demo: Path, tmp_path: Path) -> None:
    plain, asked = tmp_path / "plain.md", tmp_path / "asked.md"
    assert run_cli("summary", "F03", "-o", str(plain), project=demo).exit_code == 0
    assert run_cli("summary", "F03", "-o", str(asked), "--with-municipality", project=demo).exit_code == 0
    hidden = plain.read_text(encoding="utf-8")
    assert "| kommune |" not in hidden and "K2" not in hidden and "Kommune 2" not in hidden
    assert "| kommune | K2 | K2 | K2 |" in asked.read_text(encoding="utf-8")


def test_the_researchers_direction_and_memo_reach_the_summary(demo: Path, tmp_path: Path) -> None:
    with Project.open(demo) as project:
        longitudinal.set_direction(
            project, "F01", "broer", ("R2", "R3"), Direction.IMPROVED, "Individuell plan i bruk", "ida"
        )
        case = workbench.memo_target(project, "case", "F01")
        workbench.set_memo(project, "case", case, "Følg opp overgangen.", "ida")
        report = summaries.build(project, "F01")
    text = "\n".join(line for chapter in report.chapters for block in chapter.body for line in _texts(block))
    assert "Broer | R2 → R3 | bedre | forsker | Individuell plan i bruk" in text
    assert "Kognitiv distanse | R2 → R3 | uendret | forslag" in text
    assert "Forskerens notat om saken: Følg opp overgangen." in text
    assert (
        "ikke vurdert av forsker: Kognitiv distanse" in text
        and "Broer," not in text.split("ikke vurdert")[-1]
    )


def _texts(block: object) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Bullets):
        return list(block.items)
    assert isinstance(block, Table)
    return [" | ".join(row) for row in block.rows]


def test_a_template_of_your_own(run_cli, demo: Path, tmp_path: Path) -> None:
    template = tmp_path / "kort.toml"
    template.write_text(
        'title = "Strafferunder hos {case}"\nexcerpts = 1\n'
        '[[sections]]\ntitle = "Avslag og klage"\nfill = "codes"\ncodes = ["familie.strafferunder"]\n'
        'text = "Kort oversikt."\n',
        encoding="utf-8",
    )
    out = tmp_path / "kort.md"
    assert run_cli("summary", "F04", "-o", str(out), "--template", str(template), project=demo).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Strafferunder hos Familie 4\n")
    assert re.findall(r"^## (.+)$", text, re.MULTILINE) == ["Avslag og klage"]
    assert "Kort oversikt." in text and len(LABEL.findall(text)) == 1
    template.write_text('[[sections]]\ntitle = "X"\nfill = "alt"\n', encoding="utf-8")
    bad = run_cli("summary", "F04", "-o", str(out), "--template", str(template), project=demo)
    assert bad.exit_code != 0 and "kort.toml: key 'sections[1].fill'" in bad.stderr
    template.write_text(
        '[[sections]]\ntitle = "X"\nfill = "codes"\ncodes = ["familie.finnes_ikke"]\n', encoding="utf-8"
    )
    unknown = run_cli("summary", "F04", "-o", str(out), "--template", str(template), project=demo)
    assert unknown.exit_code != 0 and "familie.finnes_ikke" in unknown.stderr


def test_every_family_at_once_and_the_same_bytes_twice(run_cli, demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sammendrag"
    folder.mkdir()
    result = run_cli("summary", "--all", "-o", str(folder), "--pseudonymise", project=demo)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["F01.md", "F02.md", "F03.md", "F04.md"]
    first = (folder / "F02.md").read_bytes()
    assert (
        run_cli("summary", "F02", "-o", str(folder / "F02.md"), "--pseudonymise", project=demo).exit_code == 0
    )
    assert (folder / "F02.md").read_bytes() == first


@pytest.mark.parametrize("args", [("F01", "--all"), ()])
def test_give_a_case_or_all(run_cli, demo: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_cli("summary", *args, "-o", str(tmp_path / "x.md"), project=demo)
    assert result.exit_code != 0 and "--all" in result.stderr
