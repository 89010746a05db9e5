"""Typed attributes (the REFI-QDA variable types) and their value rules."""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass

from casebook.errors import InvalidValue


class AttributeType(enum.StrEnum):
    """The REFI-QDA variable types."""

    TEXT = "Text"
    BOOLEAN = "Boolean"
    INTEGER = "Integer"
    FLOAT = "Float"
    DATE = "Date"


class AttributeScope(enum.StrEnum):
    """What kind of thing an attribute describes."""

    CASE = "case"
    PERSON = "person"
    SOURCE = "source"


_TRUE = {"true", "ja", "yes", "y", "j", "1", "sann"}
_FALSE = {"false", "nei", "no", "n", "0", "usann"}


@dataclass(frozen=True, slots=True)
class Attribute:
    """A declared attribute: a name, a scope and a type."""

    name: str
    scope: AttributeScope
    type: AttributeType
    description: str = ""


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """A value of an attribute on one entity, from a round on (``round`` None: always)."""

    attribute: str
    scope: AttributeScope
    entity: str
    value: str
    type: AttributeType
    round: str | None = None


def canonical_value(kind: AttributeType, raw: object) -> str:
    """Return the stored text form of ``raw`` for ``kind``, or raise InvalidValue."""
    text = str(raw).strip() if not isinstance(raw, bool) else ("true" if raw else "false")
    if kind is AttributeType.TEXT:
        return text
    if kind is AttributeType.BOOLEAN:
        low = text.lower()
        if low in _TRUE:
            return "true"
        if low in _FALSE:
            return "false"
        raise InvalidValue(f"{text!r} is not a yes/no value (use ja/nei or true/false)")
    if kind is AttributeType.INTEGER:
        try:
            return str(int(text.replace(" ", "")))
        except ValueError:
            raise InvalidValue(f"{text!r} is not a whole number") from None
    if kind is AttributeType.FLOAT:
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            raise InvalidValue(f"{text!r} is not a number") from None
        if not math.isfinite(number):
            raise InvalidValue(f"{text!r} is not a finite number")
        return repr(number)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidValue(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def infer_type(raw: object) -> AttributeType:
    """Guess a type for an undeclared value from a study file (TOML gives real types)."""
    if isinstance(raw, bool):
        return AttributeType.BOOLEAN
    if isinstance(raw, int):
        return AttributeType.INTEGER
    if isinstance(raw, float):
        return AttributeType.FLOAT
    if isinstance(raw, dt.date):
        return AttributeType.DATE
    return AttributeType.TEXT
