"""OpenDocument (.odt) transcripts: headings, paragraphs, lists and tables in order.

Elements nested deeper than ``MAX_DEPTH`` are refused, not followed."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from casebook.errors import ImportProblem
from casebook.untrusted.archive import MAX_DEPTH, open_archive, parse_xml, read_member, too_deep

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
    _block(body, lines, path, 0)
    return "\n".join(lines)


def _deeper(path: Path, depth: int) -> int:
    if depth >= MAX_DEPTH:
        raise too_deep(path, "content.xml")
    return depth + 1


def _block(container: Element, lines: list[str], path: Path, depth: int) -> None:
    deeper = _deeper(path, depth)
    for child in container:
        if child.tag in (T + "p", T + "h"):
            lines.append(_inline(child, path, deeper))
        elif child.tag == TABLE + "table-row":
            cells = []
            for cell in child.findall(TABLE + "table-cell"):
                inner: list[str] = []
                _block(cell, inner, path, deeper)
                cells.append(" ".join(line for line in inner if line.strip()))
            lines.append("\t".join(cells))
        elif child.tag not in _SKIP:
            _block(child, lines, path, deeper)


def _inline(element: Element, path: Path, depth: int) -> str:
    deeper = _deeper(path, depth)
    parts = [element.text or ""]
    for child in element:
        if child.tag == T + "s":
            parts.append(" " * _space_count(child.get(T + "c", "1")))
        elif child.tag == T + "tab":
            parts.append("\t")
        elif child.tag == T + "line-break":
            parts.append("\n")
        elif child.tag not in _SKIP:
            parts.append(_inline(child, path, deeper))
        parts.append(child.tail or "")
    return "".join(parts)


def _space_count(raw: str | None) -> int:
    """The ``text:c`` of a ``text:s`` element, trusted only within sane bounds."""
    try:
        return min(max(int(raw or "1"), 1), 1000)
    except ValueError:
        return 1
