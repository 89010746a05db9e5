"""The study file (``study.toml``): rounds, cases, persons and attribute declarations.

A study is declared once and re-loaded whenever it changes; loading is an upsert by key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.errors import ImportProblem, InvalidValue
from casebook.importing.pseudonym_table import pseudonym_table
from casebook.importing.study_events import attribute_scales, study_events
from casebook.model.attributes import Attribute, AttributeScope, AttributeType, canonical_value
from casebook.model.changes import AttributeScale
from casebook.model.events import EventSpec
from casebook.model.names import checked_key, nfc
from casebook.model.pseudonyms import Pseudonym
from casebook.model.study import CaseKind
from casebook.untrusted.small_text import read_small_toml

MAX_STUDY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class RoundSpec:
    """A round as declared in the study file."""

    key: str
    label: str
    window: tuple[str | None, str | None]
    baseline: bool


@dataclass(frozen=True)
class CaseSpec:
    """A case as declared, with its initial attribute values."""

    key: str
    kind: CaseKind
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonSpec:
    """A person: member of one case, and/or a professional working with several."""

    code: str
    role: str
    profession: str
    label: str
    case: str | None
    works_with: tuple[str, ...]
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySpec:
    """Everything a study file declares."""

    name: str
    rounds: tuple[RoundSpec, ...]
    cases: tuple[CaseSpec, ...]
    persons: tuple[PersonSpec, ...]
    attributes: tuple[Attribute, ...]
    origin: str = ""
    pseudonyms: tuple[Pseudonym, ...] = ()
    events: tuple[EventSpec, ...] | None = None
    scales: tuple[AttributeScale, ...] = ()


def read_study(path: Path) -> StudySpec:
    """Parse and validate a study file; every problem names the file and the entry by its
    table, number and line, never by its contents (they may hold personal data)."""
    doc, text = read_small_toml(path, "study file", MAX_STUDY_BYTES, ImportProblem)
    try:
        return dataclasses.replace(_spec(doc, text), origin=str(path))
    except (InvalidValue, KeyError, TypeError, ValueError, AttributeError) as exc:
        message = (
            exc.message
            if isinstance(exc, InvalidValue)
            else f"an entry cannot be read ({type(exc).__name__})"
        )
        raise ImportProblem(path, message, exc.hint if isinstance(exc, InvalidValue) else None) from None


@dataclass(frozen=True)
class _Entry:
    """One ``[[rounds]]``, ``[[cases]]`` or ``[[persons]]`` table and where it is."""

    table: dict[str, Any]
    where: str
    """``[[persons]] entry 3 (line 42)``: how messages name it."""


def _tables(doc: dict[str, Any], name: str, text: str) -> list[_Entry]:
    """``[[name]]`` entries, refusing any other shape with a plain message."""
    value = doc.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidValue(f"{name!r} must be a list of [[{name}]] tables")
    header = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", re.MULTILINE)
    lines = [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]
    lines = lines if len(lines) == len(value) else []
    return [
        _Entry(entry, f"[[{name}]] entry {index + 1}" + (f" (line {lines[index]})" if lines else ""))
        for index, entry in enumerate(value)
    ]


def _spec(doc: dict[str, Any], text: str = "") -> StudySpec:
    declared = doc.get("attributes", {})
    if not isinstance(declared, dict) or not all(isinstance(v, dict) for v in declared.values()):
        raise InvalidValue("'attributes' must be tables like [attributes.case.NAME]")
    attributes = tuple(_attributes(declared))
    rounds = tuple(_round(r) for r in _tables(doc, "rounds", text))
    cases = tuple(_case(c) for c in _tables(doc, "cases", text))
    persons = tuple(_person(p) for p in _tables(doc, "persons", text))
    _unique("round", [r.key for r in rounds])
    _unique("case", [c.key for c in cases])
    _unique("participant code", [p.code for p in persons])
    keys = {c.key for c in cases}
    for person in persons:
        for case in ([person.case] if person.case else []) + list(person.works_with):
            if case not in keys:
                raise InvalidValue(f"person {person.code!r} refers to unknown case {case!r}")
    declared = {(a.scope, a.name): a for a in attributes}
    for case_spec in cases:
        _check_values(AttributeScope.CASE, case_spec.key, case_spec.attributes, declared)
    for person in persons:
        _check_values(AttributeScope.PERSON, person.code, person.attributes, declared)
    study = doc.get("study", {})
    if not isinstance(study, dict):
        raise InvalidValue("'study' must be a table: [study] with name = \"...\"")
    return StudySpec(
        _plain(study, "name", "[study]"),
        rounds,
        cases,
        persons,
        attributes,
        pseudonyms=pseudonym_table(doc, text),
        events=study_events(doc, keys, {r.key for r in rounds}),
        scales=attribute_scales(doc),
    )


def _unique(what: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InvalidValue(f"{what} {key!r} is declared twice")
        seen.add(key)


def _plain(entry: dict[str, Any], name: str, where: str) -> str:
    """A text field (a whole number is taken as text); a table, list or date is an error."""
    value = entry.get(name, "")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidValue(f"{where}: {name} must be text in quotes")
    return str(value).strip()


def _key(entry: _Entry, name: str, what: str) -> str:
    """The entry's key field, required, NFC-normalised and printable."""
    value = _plain(entry.table, name, entry.where)
    if not value:
        raise InvalidValue(f"{entry.where} has no {name!r}", f"give every entry a {name}")
    try:
        return checked_key(value, what)
    except InvalidValue as exc:
        raise InvalidValue(f"{entry.where}: {exc.message}", exc.hint) from None


def _values(entry: _Entry) -> dict[str, Any]:
    values = entry.table.get("attributes", {})
    if not isinstance(values, dict):
        raise InvalidValue(f"{entry.where}: attributes must be a table like attributes = {{ NAME = VALUE }}")
    return dict(values)


def _round(entry: _Entry) -> RoundSpec:
    key = _key(entry, "key", "round key")
    window = entry.table.get("window", [None, None])
    if not isinstance(window, list) or len(window) != 2:
        raise InvalidValue(f"round {key!r}: window must be [start, end]")
    dates = tuple(_date(w) for w in window)
    baseline = entry.table.get("baseline", False)
    if not isinstance(baseline, bool):
        raise InvalidValue(f"round {key!r}: baseline must be true or false")
    return RoundSpec(key, _plain(entry.table, "label", entry.where), (dates[0], dates[1]), baseline)


def _date(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return canonical_value(AttributeType.DATE, value)


def _case(entry: _Entry) -> CaseSpec:
    key = _key(entry, "key", "case key")
    kind = _plain(entry.table, "kind", entry.where) or "other"
    try:
        case_kind = CaseKind(kind)
    except ValueError:
        raise InvalidValue(f"case {key!r}: kind must be family, municipality or other") from None
    return CaseSpec(key, case_kind, _plain(entry.table, "label", entry.where), _values(entry))


def _person(entry: _Entry) -> PersonSpec:
    code = _key(entry, "code", "participant code")
    works = entry.table.get("works_with", [])
    if isinstance(works, str):
        works = [works]
    if not isinstance(works, list) or not all(isinstance(w, str) for w in works):
        raise InvalidValue(f"person {code!r}: works_with must be a case key or a list of them")
    case = _plain(entry.table, "case", entry.where)
    return PersonSpec(
        code=code,
        role=_plain(entry.table, "role", entry.where),
        profession=_plain(entry.table, "profession", entry.where),
        label=_plain(entry.table, "label", entry.where),
        case=nfc(case) if case else None,
        works_with=tuple(nfc(w.strip()) for w in works),
        attributes=_values(entry),
    )


def _attributes(table: dict[str, Any]) -> list[Attribute]:
    out = []
    for scope_name, entries in table.items():
        try:
            scope = AttributeScope(scope_name)
        except ValueError:
            raise InvalidValue(f"attributes.{scope_name}: scope must be case, person or source") from None
        for name, spec in entries.items():
            if not isinstance(spec, dict):
                raise InvalidValue(f"attributes.{scope_name}.{name} must be a table with a type")
            try:
                kind = AttributeType(spec.get("type", "Text"))
            except ValueError:
                raise InvalidValue(
                    f"attribute {name!r}: type must be Text, Boolean, Integer, Float or Date"
                ) from None
            out.append(Attribute(name, scope, kind, str(spec.get("description", ""))))
    return out


def _check_values(
    scope: AttributeScope,
    owner: str,
    values: dict[str, Any],
    declared: dict[tuple[AttributeScope, str], Attribute],
) -> None:
    for name, value in values.items():
        attribute = declared.get((scope, name))
        if attribute is None:
            continue
        try:
            canonical_value(attribute.type, value)
        except InvalidValue:  # its message shows the value, which may be personal data
            raise InvalidValue(
                f"{scope.value} {owner!r}, attribute {name!r}:"
                f" the value is not of type {attribute.type.value}"
            ) from None
