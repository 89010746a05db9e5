"""OpenDocument (.odt) transcripts: headings, paragraphs, lists and tables in order."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from casebook.errors import ImportProblem
from casebook.untrusted.archive import open_archive, parse_xml, read_member

T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_SKIP = {T + "note", T + "tracked-changes", T + "bookmark", T + "soft-page-break"}


def read_odt(path: Path) -> str:
    """Return the document's text, one line per paragraph or heading."""
    with open_archive(path, "OpenDocument text (.odt)") as archive:
        root = parse_xml(read_member(archive, "content.xml", path), path, "content.xml")
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise ImportProblem(path, "is not an OpenDocument text (no office:text body)")
    lines: list[str] = []
    _block(body, lines)
    return "\n".join(lines)


def _block(container: Element, lines: list[str]) -> None:
    for child in container:
        if child.tag in (T + "p", T + "h"):
            lines.append(_inline(child))
        elif child.tag == TABLE + "table-row":
            cells = []
            for cell in child.findall(TABLE + "table-cell"):
                inner: list[str] = []
                _block(cell, inner)
                cells.append(" ".join(line for line in inner if line.strip()))
            lines.append("\t".join(cells))
        elif child.tag not in _SKIP:
            _block(child, lines)


def _inline(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == T + "s":
            parts.append(" " * _space_count(child.get(T + "c", "1")))
        elif child.tag == T + "tab":
            parts.append("\t")
        elif child.tag == T + "line-break":
            parts.append("\n")
        elif child.tag not in _SKIP:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _space_count(raw: str | None) -> int:
    """The ``text:c`` of a ``text:s`` element, trusted only within sane bounds."""
    try:
        return min(max(int(raw or "1"), 1), 1000)
    except ValueError:
        return 1
