"""REFI-QDA codebook exchange (``.qdc``, schema ``urn:QDA-XML:codebook:1.0``).

Export writes nested ``<Code>`` elements with stable GUIDs, names, colours and
descriptions; it validates against the official XSD. Import reads .qdc files from other
tools (and the ``<CodeBook>`` of a .qde project), nesting kept, ids made from names.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from casebook.codebook.validation import COLOR, CodebookInvalid, normalize_color, validate
from casebook.errors import ImportProblem
from casebook.model.codes import Code, Codebook
from casebook.untrusted.archive import MAX_DEPTH, parse_xml

NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
MAX_QDC_BYTES = 32 * 1024 * 1024
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


def new_guid() -> str:
    """A fresh REFI-QDA GUID."""
    return str(uuid.uuid4())


def to_qdc(codebook: Codebook, origin: str = "casebook") -> bytes:
    """The codebook as a .qdc document (UTF-8 bytes)."""
    root = Element("CodeBook", {"xmlns": NS, "origin": origin})
    codes = SubElement(root, "Codes")
    _add_children(codebook, None, codes)
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _add_children(codebook: Codebook, parent: str | None, element: Element) -> None:
    for code in codebook.children(parent):
        attrs = {"guid": code.guid or new_guid(), "name": code.name, "isCodable": "true"}
        if COLOR.match(code.color):
            attrs["color"] = code.color
        node = SubElement(element, "Code", attrs)
        if code.description:
            SubElement(node, "Description").text = code.description
        _add_children(codebook, code.key, node)


def read_qdc(path: Path) -> Codebook:
    """Parse a .qdc (or the codebook inside a .qde) from another tool."""
    try:
        if not path.is_file():
            raise CodebookInvalid(path, "no such file")
        data = path.read_bytes()
    except OSError as exc:
        raise CodebookInvalid(path, f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_QDC_BYTES:
        raise CodebookInvalid(path, "file is too large (limit 32 MiB)")
    try:
        root = parse_xml(data, path, path.name)
    except ImportProblem as exc:
        raise CodebookInvalid(path, exc.problem) from None
    codes_element = None
    for ns in (NS, PROJECT_NS):
        if root.tag in (f"{{{ns}}}CodeBook", f"{{{ns}}}Project"):
            codes_element = root.find(f".//{{{ns}}}Codes")
            break
    if codes_element is None:
        raise CodebookInvalid(path, "is not a REFI-QDA codebook (no CodeBook/Codes element)")
    ns = root.tag[1:].split("}")[0]
    codes: list[Code] = []
    _read_codes(codes_element, ns, None, codes, path, {})
    if not codes:
        raise CodebookInvalid(path, "contains no codes")
    codebook = Codebook(name=path.stem, version="", codes=tuple(codes))
    validate(codebook, path)
    return codebook


def _read_codes(
    element: Element,
    ns: str,
    parent: str | None,
    out: list[Code],
    path: Path,
    taken: dict[str, int],
    depth: int = 0,
) -> None:
    if depth >= MAX_DEPTH:
        raise CodebookInvalid(path, f"codes are nested too deeply (over {MAX_DEPTH} levels)")
    for node in element.findall(f"{{{ns}}}Code"):
        name = (node.get("name") or "").strip()
        if not name:
            raise CodebookInvalid(path, "a Code element has no name")
        guid_match = _GUID.match(node.get("guid", ""))
        if guid_match is None:
            raise CodebookInvalid(path, f"code {name!r} has no valid guid")
        key = _unique(f"{parent}.{slug(name)}" if parent else slug(name), taken)
        color = node.get("color", "")
        description = node.findtext(f"{{{ns}}}Description") or ""
        out.append(
            Code(
                key=key,
                name=name,
                parent=parent,
                description=description.strip(),
                color=normalize_color(color) if COLOR.match(color) else "#888888",
                guid=guid_match.group(1).lower(),
            )
        )
        _read_codes(node, ns, key, out, path, taken, depth + 1)


def slug(name: str) -> str:
    """An id part from a display name: lower case, æøå kept, other marks dropped."""
    text = unicodedata.normalize("NFC", name.strip().lower())
    text = re.sub(r"[^\wæøå]+", "_", text).strip("_")
    return text or "kode"


def _unique(key: str, taken: dict[str, int]) -> str:
    """``key``, or ``key_2``, ``key_3`` ... if taken; records the result in ``taken``.

    ``taken[key]`` is the next number to try for ``key``, so 50,000 codes of one name
    cost linear time, not quadratic."""
    candidate, number = key, taken.get(key, 2)
    if candidate in taken:
        candidate = f"{key}_{number}"
        while candidate in taken:
            number += 1
            candidate = f"{key}_{number}"
        taken[key] = number + 1
    taken.setdefault(candidate, 2)
    return candidate
