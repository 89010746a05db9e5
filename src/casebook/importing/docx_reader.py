"""Word (.docx) transcripts: paragraphs and tables in document order.

Read straight from the package XML with defusedxml, so a hostile file cannot expand
entities. Tracked deletions are left out, insertions kept. A two-column table row whose
first cell is short (a speaker column) becomes ``Speaker: text``. A table nested in a
cell is read where it stands, once: each paragraph's text appears exactly once.
Elements nested deeper than ``MAX_DEPTH`` are refused, not followed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from casebook.untrusted.archive import MAX_DEPTH, open_archive, parse_xml, read_member, too_deep

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WRAPPERS = (W + "sdt", W + "sdtContent", W + "customXml")
_SKIP = {W + "del", W + "instrText", W + "delText", W + "footnoteReference", W + "commentReference"}
_MEMBER = "word/document.xml"


def _deeper(path: Path, depth: int) -> int:
    if depth >= MAX_DEPTH:
        raise too_deep(path, _MEMBER)
    return depth + 1


def read_docx(path: Path) -> str:
    """Return the document's text, one line per paragraph."""
    with open_archive(path, "Word document (.docx)") as archive:
        root = parse_xml(read_member(archive, _MEMBER, path), path, _MEMBER)
    body = root.find(W + "body")
    lines: list[str] = []
    if body is not None:
        _block(body, lines, path, 0)
    return "\n".join(lines)


def _block(container: Element, lines: list[str], path: Path, depth: int) -> None:
    deeper = _deeper(path, depth)
    for child in container:
        if child.tag == W + "p":
            lines.append(_paragraph(child, path, deeper))
        elif child.tag == W + "tbl":
            _table(child, lines, path, deeper)
        elif child.tag in _WRAPPERS:
            _block(child, lines, path, deeper)


def _children(element: Element, tag: str, path: Path, depth: int) -> Iterator[Element]:
    """Direct ``tag`` children, also those inside content controls, never nested deeper."""
    deeper = _deeper(path, depth)
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag, path, deeper)


def _table(table: Element, lines: list[str], path: Path, depth: int) -> None:
    for row in _children(table, W + "tr", path, depth):
        cells: list[str] = []
        for cell in _children(row, W + "tc", path, depth):
            inner: list[str] = []
            _block(cell, inner, path, _deeper(path, depth))
            cells.append("\n".join(line for line in inner if line.strip()))
        if len(cells) == 2 and cells[0] and len(cells[0]) <= 30 and "\n" not in cells[0]:
            label = cells[0].rstrip(": ")
            lines.append(f"{label}: {cells[1]}")
        else:
            lines.append("\t".join(cells))


def _paragraph(paragraph: Element, path: Path, depth: int) -> str:
    parts: list[str] = []
    _runs(paragraph, parts, path, depth)
    return "".join(parts)


def _runs(element: Element, parts: list[str], path: Path, depth: int) -> None:
    deeper = _deeper(path, depth)
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
            _runs(child, parts, path, deeper)
