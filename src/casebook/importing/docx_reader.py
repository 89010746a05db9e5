"""Word (.docx) transcripts: paragraphs and tables in document order.

Read straight from the package XML with defusedxml, so a hostile file cannot expand
entities. Tracked deletions are left out, insertions kept. A two-column table row whose
first cell is short (a speaker column) becomes ``Speaker: text``. A table nested in a
cell is read where it stands, once: each paragraph's text appears exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from casebook.untrusted.archive import open_archive, parse_xml, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WRAPPERS = (W + "sdt", W + "sdtContent", W + "customXml")
_SKIP = {W + "del", W + "instrText", W + "delText", W + "footnoteReference", W + "commentReference"}


def read_docx(path: Path) -> str:
    """Return the document's text, one line per paragraph."""
    with open_archive(path, "Word document (.docx)") as archive:
        root = parse_xml(read_member(archive, "word/document.xml", path), path, "word/document.xml")
    body = root.find(W + "body")
    lines: list[str] = []
    if body is not None:
        _block(body, lines)
    return "\n".join(lines)


def _block(container: Element, lines: list[str]) -> None:
    for child in container:
        if child.tag == W + "p":
            lines.append(_paragraph(child))
        elif child.tag == W + "tbl":
            _table(child, lines)
        elif child.tag in _WRAPPERS:
            _block(child, lines)


def _children(element: Element, tag: str) -> Iterator[Element]:
    """Direct ``tag`` children, also those inside content controls, never nested deeper."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _table(table: Element, lines: list[str]) -> None:
    for row in _children(table, W + "tr"):
        cells: list[str] = []
        for cell in _children(row, W + "tc"):
            inner: list[str] = []
            _block(cell, inner)
            cells.append("\n".join(line for line in inner if line.strip()))
        if len(cells) == 2 and cells[0] and len(cells[0]) <= 30 and "\n" not in cells[0]:
            label = cells[0].rstrip(": ")
            lines.append(f"{label}: {cells[1]}")
        else:
            lines.append("\t".join(cells))


def _paragraph(paragraph: Element) -> str:
    parts: list[str] = []
    _runs(paragraph, parts)
    return "".join(parts)


def _runs(element: Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            _runs(child, parts)
