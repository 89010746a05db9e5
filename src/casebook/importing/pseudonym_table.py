"""The ``[pseudonyms]`` table of a study file (or of a file of its own).

    [pseudonyms.person]
    Emil = "[barnet]"
    Anders = { person = "1b" }          # replaced by the participant's label
    [pseudonyms.place]
    Eikestad = "[stedet]"
    [pseudonyms.school]
    "Lysåsen skole" = "[skolen]"

Kinds are ``person``, ``place``, ``school`` and ``other``; places and schools are also
found in their definite forms (``Nordåsen``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from casebook.errors import ImportProblem, InvalidValue
from casebook.model.pseudonyms import Pseudonym, PseudonymKind
from casebook.text.pseudonymise import clean_term
from casebook.untrusted.small_text import read_small_toml

MAX_LIST_BYTES = 2 * 1024 * 1024
_ENTRY_KEYS = {"replacement", "person"}


def read_pseudonym_file(path: Path) -> tuple[Pseudonym, ...]:
    """The ``[pseudonyms]`` table of a TOML file; every problem names the file and key."""
    doc, text = read_small_toml(path, "pseudonym list", MAX_LIST_BYTES, ImportProblem)
    if "pseudonyms" not in doc:
        raise ImportProblem(path, "has no [pseudonyms] table", "see: casebook pseudonyms load --help")
    try:
        return pseudonym_table(doc, text)
    except InvalidValue as exc:
        raise ImportProblem(path, exc.message) from None


def pseudonym_table(doc: dict[str, Any], text: str = "") -> tuple[Pseudonym, ...]:
    """Parse ``doc["pseudonyms"]`` (absent: an empty list). A wrong entry is named by its
    table, number and line in ``text``, never by its term: the terms are real names."""
    table = doc.get("pseudonyms", {})
    if not isinstance(table, dict):
        raise InvalidValue("'pseudonyms' must be tables like [pseudonyms.person]")
    found: list[Pseudonym] = []
    seen: dict[str, str] = {}
    for kind_name, entries in table.items():
        try:
            kind = PseudonymKind(kind_name)
        except ValueError:
            raise InvalidValue(
                f"pseudonyms.{kind_name}: the kind must be person, place, school or other"
            ) from None
        if not isinstance(entries, dict):
            raise InvalidValue(f"pseudonyms.{kind_name} must be a table of NAME = REPLACEMENT")
        for number, (raw_term, value) in enumerate(entries.items(), start=1):
            key = _where(kind_name, number, raw_term, text)
            pseudonym = _entry(key, clean_term(raw_term), kind, value)
            if pseudonym.term in seen:
                raise InvalidValue(f"{key}: the same term is listed twice (also as {seen[pseudonym.term]})")
            seen[pseudonym.term] = key
            found.append(pseudonym)
    return tuple(found)


def _where(kind: str, number: int, term: str, text: str) -> str:
    """``[pseudonyms.person] entry 2 (line 14)``: the entry, without the name it hides."""
    quoted = re.escape(term)
    found = re.search(rf"^[ \t]*(?:{quoted}|\"{quoted}\"|'{quoted}')[ \t]*=", text, re.MULTILINE)
    line = f" (line {text.count(chr(10), 0, found.start()) + 1})" if found else ""
    return f"[pseudonyms.{kind}] entry {number}{line}"


def _entry(key: str, term: str, kind: PseudonymKind, value: object) -> Pseudonym:
    if isinstance(value, str):
        replacement, person = value.strip(), None
    elif isinstance(value, dict):
        unknown = sorted(set(value) - _ENTRY_KEYS)
        if unknown:
            raise InvalidValue(f"{key}: unknown key {unknown[0]!r} (use replacement or person)")
        replacement = str(value.get("replacement", "")).strip()
        person = str(value["person"]).strip() if value.get("person") else None
    else:
        raise InvalidValue(f'{key}: give the replacement as text, or {{ person = "CODE" }}')
    if not replacement and person is None:
        raise InvalidValue(f"{key}: the replacement is empty")
    if person is not None and kind is not PseudonymKind.PERSON:
        raise InvalidValue(f"{key}: only [pseudonyms.person] entries can name a participant")
    return Pseudonym(term, replacement or f"[{person}]", kind, person)
