"""The codebook file: human-editable, git-diffable TOML with a flat list of codes.

```toml
[codebook]
name = "..."; version = "1.0"; language = "nb"; description = "..."

[[code]]
id = "broer.koordinator"      # stable id; children are "root.name"
parent = "broer"              # omitted for roots
name = "Koordinator"
distance = "none"             # kognitiv | strukturell | makt | fysisk | none
valence = "fremmer"           # hindrer | fremmer | nøytral
color = "#56B4E9"
description = "..."; use_when = "..."; not_when = "..."
examples = ["..."]; signals = ["koordinator", "koordinerende enhet"]; aliases = ["KE"]
guid = "..."                  # optional; REFI-QDA identity, kept across exports
```
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from casebook.codebook.validation import CodebookInvalid, normalize_color, validate
from casebook.model.codes import Code, Codebook, Distance, Valence
from casebook.untrusted.small_text import read_small_toml

MAX_CODEBOOK_BYTES = 8 * 1024 * 1024
_FIELDS = {
    "id",
    "parent",
    "name",
    "description",
    "use_when",
    "not_when",
    "examples",
    "color",
    "distance",
    "valence",
    "signals",
    "aliases",
    "guid",
}
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*code[ \t]*\]\]", re.MULTILINE)


def read_toml(path: Path) -> Codebook:
    """Read and validate a codebook file; errors name the file, line and code."""
    doc, text = read_small_toml(path, "codebook file", MAX_CODEBOOK_BYTES, CodebookInvalid)
    return parse_toml_doc(doc, path, text)


def parse_toml_doc(doc: dict[str, Any], path: Path | str, text: str = "") -> Codebook:
    """Build a Codebook from parsed TOML, checking every code."""
    headers = _header_lines(text)
    meta = doc.get("codebook", {})
    if not isinstance(meta, dict):
        raise CodebookInvalid(path, "'codebook' must be a table: [codebook] with name, version, ...")
    entries = doc.get("code", [])
    if not isinstance(entries, list) or not entries:
        raise CodebookInvalid(path, "has no [[code]] entries")
    codes: list[Code] = []
    lines: list[int | None] = []
    for index, entry in enumerate(entries):
        line = headers[index] if index < len(headers) else None
        if not isinstance(entry, dict):
            raise CodebookInvalid(path, f"code #{index + 1}: each code must be a [[code]] table")
        codes.append(_code(entry, path, line, index))
        lines.append(line)
    codebook = Codebook(
        name=_field(meta, "name", "", path, "[codebook]"),
        version=_field(meta, "version", "", path, "[codebook]"),
        language=_field(meta, "language", "nb", path, "[codebook]"),
        description=_field(meta, "description", "", path, "[codebook]"),
        codes=tuple(codes),
    )
    validate(codebook, path, lines)
    return codebook


def _header_lines(text: str) -> list[int]:
    """The line of each ``[[code]]`` header, counting newlines once through the text
    (counting from the start for each header was quadratic)."""
    lines: list[int] = []
    line, position = 1, 0
    for match in _HEADER.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


def _field(table: dict[str, Any], name: str, default: str, path: Path | str, label: str) -> str:
    """A text field as written; any other TOML type (a number, a table) is an error."""
    value = table.get(name, default)
    if not isinstance(value, str):
        raise CodebookInvalid(path, f"{label}: {name} must be text in quotes, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    """What a TOML value is, in words (for error messages that must not echo the value)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return "a number" if isinstance(value, int | float) else "a date or time"


def _code(entry: dict[str, Any], path: Path | str, line: int | None, index: int) -> Code:
    where = f"line {line}: " if line else f"code #{index + 1}: "
    key = entry.get("id")
    if not isinstance(key, str) or not key.strip():
        raise CodebookInvalid(path, f"{where}a code has no id")
    key = unicodedata.normalize("NFC", key)
    label = f"{where}code {key!r}"
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise CodebookInvalid(path, f"{label}: unknown field(s) {', '.join(unknown)}")
    text = {
        name: _field(entry, name, default, path, label)
        for name, default in (
            ("name", ""),
            ("parent", ""),
            ("description", ""),
            ("use_when", ""),
            ("not_when", ""),
            ("color", "#888888"),
            ("distance", "none"),
            ("valence", "nøytral"),
            ("guid", ""),
        )
    }
    try:
        distance = Distance(text["distance"])
    except ValueError:
        raise CodebookInvalid(
            path, f"{label}: distance must be one of {', '.join(d.value for d in Distance)}"
        ) from None
    try:
        valence = Valence(text["valence"])
    except ValueError:
        raise CodebookInvalid(
            path, f"{label}: valence must be one of {', '.join(v.value for v in Valence)}"
        ) from None
    lists = {}
    for name in ("examples", "signals", "aliases"):
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CodebookInvalid(path, f"{label}: {name} must be a list of strings")
        lists[name] = tuple(value)
    color = text["color"]
    return Code(
        key=key.strip(),
        name=text["name"].strip(),
        parent=unicodedata.normalize("NFC", text["parent"].strip()) or None,
        description=text["description"].strip(),
        use_when=text["use_when"].strip(),
        not_when=text["not_when"].strip(),
        examples=lists["examples"],
        color=normalize_color(color) if color.startswith("#") else color,
        distance=distance,
        valence=valence,
        signals=lists["signals"],
        aliases=lists["aliases"],
        guid=text["guid"],
    )


def _string(value: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def dump_toml(codebook: Codebook) -> str:
    """Write a codebook in the file format, parents before children, stable field order."""
    out = [
        "# casebook codebook. Ids are stable: rename with `name`, never by changing `id`.",
        "",
        "[codebook]",
        f"name = {_string(codebook.name)}",
        f"version = {_string(codebook.version)}",
        f"language = {_string(codebook.language)}",
        f"description = {_string(codebook.description)}",
    ]
    for code in codebook.codes:
        out += ["", "[[code]]", f"id = {_string(code.key)}"]
        if code.parent:
            out.append(f"parent = {_string(code.parent)}")
        out += [
            f"name = {_string(code.name)}",
            f"distance = {_string(code.distance.value)}",
            f"valence = {_string(code.valence.value)}",
            f"color = {_string(code.color)}",
            f"description = {_string(code.description)}",
            f"use_when = {_string(code.use_when)}",
            f"not_when = {_string(code.not_when)}",
            f"examples = {_list(code.examples)}",
            f"signals = {_list(code.signals)}",
            f"aliases = {_list(code.aliases)}",
        ]
        if code.guid:
            out.append(f"guid = {_string(code.guid)}")
    return "\n".join(out) + "\n"
