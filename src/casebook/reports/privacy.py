"""Pseudonymise a report tree, and refuse to write one that would still show a listed name.

What the project holds about people (excerpts, memos, speaker tags, labels, source file
names, text attributes) is pseudonymised. What researchers wrote for the report itself
(title, code names and definitions) is only checked: a listed name there stops the export,
naming the term and where it is. After rendering, the written bytes are checked again.
"""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from casebook.model.attributes import AttributeType
from casebook.reports.model import (
    Block,
    Bullets,
    Chapter,
    Chart,
    Excerpt,
    Matrix,
    Paragraph,
    Report,
    ReportFormat,
    Section,
    Table,
)
from casebook.text.pseudonymise import Pseudonymiser


def _pseudonymise_block(block: Block, names: Pseudonymiser) -> Block:
    """Running text, lists and tables hold project data (attribute values, events, memos)."""
    if isinstance(block, Paragraph):
        return dataclasses.replace(block, text=names.apply(block.text))
    if isinstance(block, Bullets):
        return Bullets(tuple(names.apply(item) for item in block.items))
    return Table(
        names.apply(block.title),
        tuple(names.apply(h) for h in block.headers),
        tuple(tuple(names.apply(c) for c in row) for row in block.rows),
    )


def _block_texts(blocks: tuple[Block, ...], where: str) -> Iterator[tuple[str, str]]:
    for number, block in enumerate(blocks, start=1):
        place = f"{where}, paragraph {number}"
        if isinstance(block, Paragraph):
            yield block.text, place
        elif isinstance(block, Bullets):
            for item in block.items:
                yield item, f"{place} (a list)"
        else:
            yield block.title, f"{place} (a table)"
            for text in (*block.headers, *(c for row in block.rows for c in row)):
                yield text, f"{place} (a table)"


def pseudonymise_report(report: Report, names: Pseudonymiser) -> Report:
    """A copy of ``report`` with listed names replaced wherever project data is shown."""
    if not names:
        return report
    text_columns = [c.type is AttributeType.TEXT for c in report.attribute_columns]

    def excerpt(e: Excerpt) -> Excerpt:
        return dataclasses.replace(
            e,
            text=names.apply(e.text),
            memo=names.apply(e.memo),
            label=names.apply(e.label),
            participant_label=names.apply(e.participant_label),
            speaker=names.apply(e.speaker),
            source=names.apply(e.source),
            attributes=tuple(
                names.apply(v) if is_text else v
                for v, is_text in zip(e.attributes, text_columns, strict=False)
            ),
        )

    def section(s: Section) -> Section:
        return dataclasses.replace(
            s,
            memo=names.apply(s.memo),
            excerpts=tuple(excerpt(e) for e in s.excerpts),
            body=tuple(_pseudonymise_block(b, names) for b in s.body),
        )

    def chapter(c: Chapter) -> Chapter:
        return dataclasses.replace(
            c,
            memo=names.apply(c.memo),
            excerpts=tuple(excerpt(e) for e in c.excerpts),
            sections=tuple(section(s) for s in c.sections),
            body=tuple(_pseudonymise_block(b, names) for b in c.body),
        )

    matrix = report.matrix
    if matrix is not None:
        matrix = Matrix(matrix.title, tuple(names.apply(h) for h in matrix.columns), matrix.rows)
    return dataclasses.replace(report, chapters=tuple(chapter(c) for c in report.chapters), matrix=matrix)


def _excerpt_texts(e: Excerpt, number: int, report: Report) -> Iterator[tuple[str, str]]:
    where = (
        f"code {e.code}, case {e.case or '-'}, excerpt {number} ({e.source}, characters {e.start}-{e.end})"
    )
    yield e.text, f"the text of {where}"
    yield e.memo, f"the memo of {where}"
    yield e.label, f"the quote label of {where}"
    yield e.speaker, f"the speaker tag of {where}"
    yield e.source, f"the source file name of {where}"
    for column, value in zip(report.attribute_columns, e.attributes, strict=False):
        yield value, f"attribute {column.name} of {where}"


def _section_texts(s: Section) -> Iterator[tuple[str, str]]:
    yield s.name, f"the name of code {s.code}"
    yield s.definition, f"the definition of code {s.code}"
    yield s.use_when, f"'use when' of code {s.code}"
    yield s.not_when, f"'do not use when' of code {s.code}"
    yield s.memo, f"the memo of code {s.code}"


def report_texts(report: Report) -> Iterator[tuple[str, str]]:
    """Every text of a report with where it stands, for checks and tests."""
    yield report.title, "the report title"
    for line in report.facts:
        yield line, "the title page"
    for chapter in report.chapters:
        place = chapter.code or f"chapter '{chapter.title[:20]}'"
        yield chapter.title, f"the heading of {place}"
        yield chapter.definition, f"the definition of code {place}"
        yield chapter.memo, f"the memo of code {place}"
        yield from _block_texts(chapter.body, f"the text of {place}")
        for number, e in enumerate(chapter.excerpts, start=1):
            yield from _excerpt_texts(e, number, report)
        for section in chapter.sections:
            yield from _section_texts(section)
            yield from _block_texts(section.body, f"the text of section {section.name[:30]!r}")
            for number, e in enumerate(section.excerpts, start=1):
                yield from _excerpt_texts(e, number, report)
    yield from _table_texts(report.matrix, report.chart)


def _table_texts(matrix: Matrix | None, chart: Chart | None) -> Iterator[tuple[str, str]]:
    if matrix is not None:
        yield matrix.title, "the matrix table"
        for header in matrix.columns:
            yield header, "a column of the matrix table"
        for name, _ in matrix.rows:
            yield name, "a row of the matrix table"
    if chart is not None:
        yield chart.title, "the chart"
        for name, _ in chart.bars:
            yield name, "a bar of the chart"


def check_report(report: Report, names: Pseudonymiser) -> None:
    """Raise NameLeak for the first listed name left anywhere in the report tree."""
    if not names:
        return
    for text, where in report_texts(report):
        names.check(text, where)


def check_file_name(path: Path, names: Pseudonymiser) -> None:
    """Raise NameLeak when the output file's own name holds a listed name."""
    names.check(path.name, f"the output file name {path.name!r}")


def check_rendered(data: bytes, fmt: ReportFormat, names: Pseudonymiser) -> None:
    """Raise NameLeak when the rendered bytes still show a listed name anywhere."""
    if not names:
        return
    if fmt in (ReportFormat.DOCX, ReportFormat.XLSX):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.namelist():
                if part.endswith((".xml", ".rels")):
                    _check_xml(archive.read(part), part, names)
        return
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        names.check(line, f"line {number} of the written file")


def _check_xml(xml: bytes, part: str, names: Pseudonymiser) -> None:
    where = f"the written file ({part})"
    for _event, element in ET.iterparse(io.BytesIO(xml), events=("end",)):
        for text in (element.text, element.tail, *element.attrib.values()):
            if text and text.strip():
                names.check(text, where)
