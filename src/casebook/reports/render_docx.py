"""Word (.docx) with python-docx: title page, a table-of-contents field, Heading 1 per
chapter and Heading 2/3 per code, excerpts as block quotes (style Quote) followed by
their label, the code-frequency chart as a picture and the matrix as a table.

The table of contents is a real TOC field: Word fills in page numbers when it updates
fields on opening (the file asks it to); until then it lists the chapter and code
headings. Document properties carry no author or times, so a re-run gives the same file.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from casebook.reports.chart import figure_size, render_chart
from casebook.reports.model import (
    Block,
    Bullets,
    Chapter,
    Excerpt,
    Matrix,
    Paragraph,
    Report,
    Section,
    Table,
    distinct_quotes,
)
from casebook.reports.rows import xml_safe
from casebook.reports.stable_zip import stable_zip

_FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
_GREY = RGBColor(0x59, 0x59, 0x59)
_MAX_PICTURE = (16.0, 21.0)  # width, height in cm on an A4 page with Word's margins
_NAME_COLUMN = 6.0  # cm; the count columns share the rest of 16 cm


def _flat(text: str) -> str:
    """One paragraph's text: XML-safe, blank-line runs collapsed into single line breaks."""
    lines = [line.rstrip() for line in xml_safe(text).strip().split("\n")]
    return "\n".join(line for line in lines if line)


class _Writer:
    """Appends the report to a python-docx Document, styles looked up once."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.doc: Any = Document()
        styles = self.doc.styles
        self.quote = styles["Quote"]
        self.normal = styles["Normal"]
        self.headings = {level: styles[f"Heading {level}"] for level in range(1, 4)}
        self.quote.paragraph_format.left_indent = Cm(1.0)
        self.quote.paragraph_format.right_indent = Cm(1.0)

    def paragraph(self, text: str = "", style: Any = None) -> Any:
        paragraph = self.doc.add_paragraph(_flat(text))
        if style is not None and style is not self.normal:
            # python-docx's style setter scans every style per call: set the id directly.
            paragraph._p.style = style.style_id
        return paragraph

    def heading(self, text: str, level: int) -> Any:
        return self.paragraph(text, self.headings[min(3, max(1, level))])

    def title_page(self) -> None:
        self.paragraph(self.report.title, self.doc.styles["Title"])
        for number, fact in enumerate(self.report.facts):
            self.paragraph(fact, self.doc.styles["Subtitle"] if number == 0 else None)
        if not self.report.compact:
            self.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def toc(self) -> None:
        self.paragraph("Innhold", self.doc.styles["TOC Heading"])
        entries = [(1, "Oversikt")] if self.report.chart or self.report.matrix else []
        for chapter in self.report.chapters:
            entries.append((1, chapter.title))
            entries += [(s.level, s.name) for s in chapter.sections]
        first = self.paragraph()
        _field_char(first.add_run(), "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = _TOC_INSTRUCTION
        first.add_run()._r.append(instruction)
        _field_char(first.add_run(), "separate")
        last = first
        for number, (level, text) in enumerate(entries or [(1, "")]):
            last = first if number == 0 else self.paragraph()
            last.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            last.add_run(_flat(text))
        _field_char(last.add_run(), "end")
        self.paragraph().add_run().add_break(WD_BREAK.PAGE)
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def about(self, definition: str, use_when: str, not_when: str, memo: str) -> None:
        for title, text in (
            ("Definisjon", definition),
            ("Brukes når", use_when),
            ("Brukes ikke når", not_when),
        ):
            if text.strip():
                paragraph = self.paragraph()
                paragraph.add_run(f"{title}: ").bold = True
                paragraph.add_run(_flat(text))
        if self.report.memos and memo.strip():
            self.memo(memo)

    def memo(self, text: str) -> None:
        paragraph = self.paragraph()
        paragraph.paragraph_format.left_indent = Cm(1.0)
        label = paragraph.add_run("Memo: ")
        label.bold = True
        body = paragraph.add_run(_flat(text))
        for run in (label, body):
            run.italic = True
            run.font.size = Pt(9)
            run.font.color.rgb = _GREY

    def excerpts(self, excerpts: tuple[Excerpt, ...]) -> None:
        if not excerpts:
            self.paragraph("Ingen utdrag.").runs[0].italic = True
        for excerpt in distinct_quotes(excerpts):
            paragraph = self.paragraph("", self.quote)
            paragraph.add_run(_flat(excerpt.text))
            paragraph.add_run(f" ({_flat(excerpt.label)})").italic = False
            if self.report.memos and excerpt.memo.strip():
                self.memo(excerpt.memo)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            paragraph = self.paragraph(block.text)
            if block.note:
                for run in paragraph.runs:
                    run.italic = True
                    run.font.size = Pt(9)
                    run.font.color.rgb = _GREY
        elif isinstance(block, Bullets):
            for item in block.items:
                self.paragraph(item, self.doc.styles["List Bullet"])
        else:
            self.table(block)

    def table(self, block: Table) -> None:
        if block.title:
            self.paragraph(block.title, self.doc.styles["Caption"])
        table = self.doc.add_table(rows=len(block.rows) + 1, cols=len(block.headers))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        widths = _column_widths([block.headers, *block.rows])
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for number, (row, values) in enumerate(zip(table.rows, [block.headers, *block.rows], strict=True)):
            for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = widths[index]
                run = cell.paragraphs[0].add_run(_flat(text))
                run.font.size = Pt(9)
                run.bold = number == 0
        self.paragraph()

    def section(self, section: Section) -> None:
        self.heading(section.name, section.level)
        self.about(section.definition, section.use_when, section.not_when, section.memo)
        for block in section.body:
            self.block(block)
        if section.excerpts or not section.body:
            self.excerpts(section.excerpts)

    def chapter(self, chapter: Chapter) -> None:
        self.heading(chapter.title, 1).paragraph_format.page_break_before = not self.report.compact
        self.about(chapter.definition, "", "", chapter.memo)
        for block in chapter.body:
            self.block(block)
        if chapter.excerpts:
            self.excerpts(chapter.excerpts)
        for section in chapter.sections:
            self.section(section)

    def overview(self) -> None:
        if self.report.chart is None and self.report.matrix is None:
            return
        self.heading("Oversikt", 1)
        if self.report.chart is not None:
            width, height = figure_size(self.report.chart)
            scale = min(_MAX_PICTURE[0] / (width * 2.54), _MAX_PICTURE[1] / (height * 2.54))
            png = io.BytesIO(render_chart(self.report.chart))
            self.doc.add_picture(png, width=Cm(width * 2.54 * scale))
            self.paragraph(f"Figur 1. {self.report.chart.title}", self.doc.styles["Caption"])
        if self.report.matrix is not None:
            self.matrix(self.report.matrix)

    def matrix(self, matrix: Matrix) -> None:
        self.paragraph(f"Tabell 1. {matrix.title}", self.doc.styles["Caption"])
        table = self.doc.add_table(rows=len(matrix.rows) + 1, cols=len(matrix.columns) + 1)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        other = Cm((16.0 - _NAME_COLUMN) / max(1, len(matrix.columns)))
        widths = [Cm(_NAME_COLUMN), *[other] * len(matrix.columns)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        texts = [
            ["Kode", *matrix.columns],
            *([name, *(str(n) for n in counts)] for name, counts in matrix.rows),
        ]
        for number, (row, values) in enumerate(zip(table.rows, texts, strict=True)):
            for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = widths[index]
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(_flat(text))
                run.font.size = Pt(8)
                run.bold = number == 0
                if index > 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def properties(self) -> None:
        core = self.doc.core_properties
        core.title = _flat(self.report.title)
        core.author = "casebook"
        core.last_modified_by = "casebook"
        core.comments = ""
        core.created = core.modified = _FIXED_TIME
        core.revision = 1


def _column_widths(rows: list[tuple[str, ...]]) -> list[Any]:
    """Widths sharing 16 cm: each column gets room for its longest word (a date, a status
    never breaks), and the rest goes by each column's longest text (a long note gets it)."""
    columns = list(zip(*rows, strict=True))
    words = [max((len(w) for text in column for w in _unbroken(text)), default=1) for column in columns]
    texts = [max(min(60, len(text)) for text in column) for column in columns]
    needed = [0.21 * w + 0.45 for w in words]
    room = 16.0 - sum(needed)
    if room <= 0:
        return [Cm(16.0 * n / sum(needed)) for n in needed]
    extra = [max(0, t - w) for t, w in zip(texts, words, strict=True)]
    share = sum(extra) or 1
    return [Cm(n + room * e / share) for n, e in zip(needed, extra, strict=True)]


def _unbroken(text: str) -> list[str]:
    """What must not break across lines: the words, or a whole short cell ("R1 → R3")."""
    return [text] if len(text) <= 12 else text.split()


def _field_char(run: Any, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    writer = _Writer(report)
    writer.properties()
    writer.title_page()
    if not report.compact:
        writer.toc()
    writer.overview()
    for chapter in report.chapters:
        writer.chapter(chapter)
    out = io.BytesIO()
    writer.doc.save(out)
    return stable_zip(out.getvalue())
