"""The study file (``study.toml``): rounds, cases, persons and attribute declarations.

A study is declared once and re-loaded whenever it changes; loading is an upsert by key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.errors import ImportProblem, InvalidValue
from casebook.importing.pseudonym_table import pseudonym_table
from casebook.model.attributes import Attribute, AttributeScope, AttributeType, canonical_value
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


def read_study(path: Path) -> StudySpec:
    """Parse and validate a study file; every problem names the file."""
    doc, _ = read_small_toml(path, "study file", MAX_STUDY_BYTES, ImportProblem)
    try:
        return dataclasses.replace(_spec(doc), origin=str(path))
    except (InvalidValue, KeyError, TypeError, ValueError, AttributeError) as exc:
        message = exc.message if isinstance(exc, InvalidValue) else f"bad entry: {exc}"
        raise ImportProblem(path, message) from None


def _tables(doc: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """``[[name]]`` entries, refusing any other shape with a plain message."""
    value = doc.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidValue(f"{name!r} must be a list of [[{name}]] tables")
    return value


def _spec(doc: dict[str, Any]) -> StudySpec:
    declared = doc.get("attributes", {})
    if not isinstance(declared, dict) or not all(isinstance(v, dict) for v in declared.values()):
        raise InvalidValue("'attributes' must be tables like [attributes.case.NAME]")
    attributes = tuple(_attributes(declared))
    rounds = tuple(_round(r) for r in _tables(doc, "rounds"))
    cases = tuple(_case(c) for c in _tables(doc, "cases"))
    persons = tuple(_person(p) for p in _tables(doc, "persons"))
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
    return StudySpec(
        str(doc.get("study", {}).get("name", "")),
        rounds,
        cases,
        persons,
        attributes,
        pseudonyms=pseudonym_table(doc),
    )


def _unique(what: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InvalidValue(f"{what} {key!r} is declared twice")
        seen.add(key)


def _text(entry: dict[str, Any], name: str, required: bool = False) -> str:
    value = entry.get(name, "")
    if required and not str(value).strip():
        raise InvalidValue(f"an entry is missing {name!r}: {entry}")
    return str(value).strip()


def _round(entry: dict[str, Any]) -> RoundSpec:
    window = entry.get("window", [None, None])
    if not isinstance(window, list) or len(window) != 2:
        raise InvalidValue(f"round {entry.get('key')!r}: window must be [start, end]")
    dates = tuple(_date(w) for w in window)
    baseline = entry.get("baseline", False)
    if not isinstance(baseline, bool):
        raise InvalidValue(f"round {entry.get('key')!r}: baseline must be true or false")
    return RoundSpec(_text(entry, "key", True), _text(entry, "label"), (dates[0], dates[1]), baseline)


def _date(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return canonical_value(AttributeType.DATE, value)


def _case(entry: dict[str, Any]) -> CaseSpec:
    kind = _text(entry, "kind") or "other"
    try:
        case_kind = CaseKind(kind)
    except ValueError:
        raise InvalidValue(f"case {entry.get('key')!r}: kind must be family, municipality or other") from None
    return CaseSpec(
        _text(entry, "key", True), case_kind, _text(entry, "label"), dict(entry.get("attributes", {}))
    )


def _person(entry: dict[str, Any]) -> PersonSpec:
    works = entry.get("works_with", [])
    if isinstance(works, str):
        works = [works]
    return PersonSpec(
        code=_text(entry, "code", True),
        role=_text(entry, "role"),
        profession=_text(entry, "profession"),
        label=_text(entry, "label"),
        case=_text(entry, "case") or None,
        works_with=tuple(str(w) for w in works),
        attributes=dict(entry.get("attributes", {})),
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
        except InvalidValue as exc:
            raise InvalidValue(f"{scope.value} {owner!r}, attribute {name!r}: {exc.message}") from None
