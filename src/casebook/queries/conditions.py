"""Attribute conditions such as ``barn_alder>=10``: read, checked against the declared
attributes, and evaluated on typed values (pure functions, no database).

A condition is ``[scope.]NAME OP VALUE`` with OP one of ``= != < <= > >= ~`` (``~``:
the text contains the value). Yes/no attributes take ``=`` and ``!=``; text takes ``=``,
``!=`` and ``~``, ignoring case; numbers and dates take every operator but ``~``. A
value that is missing never matches, not even ``!=``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from casebook.errors import InvalidValue, NotFound
from casebook.model.attributes import Attribute, AttributeScope, AttributeType, canonical_value
from casebook.model.segments import CompareOp, Condition

_FORM = re.compile(r"^\s*(?P<name>[^<>=!~\s]+)\s*(?P<op>>=|<=|!=|==|=|<|>|~)\s*(?P<value>.*?)\s*$", re.S)
_HINT = (
    "write NAME OP VALUE, e.g. barn_alder>=10 or koordinatorstatus=barnekoordinator"
    " (operators: = != < <= > >= ~)"
)
_SCOPES = {s.value for s in AttributeScope}
_ALLOWED = {
    AttributeType.TEXT: (CompareOp.EQ, CompareOp.NE, CompareOp.CONTAINS),
    AttributeType.BOOLEAN: (CompareOp.EQ, CompareOp.NE),
}
_ORDERING = (CompareOp.EQ, CompareOp.NE, CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE)
Typed = str | int | float | dt.date


def parse_condition(text: str) -> Condition:
    """Read ``barn_alder>=10`` or ``case.koordinatorstatus = barnekoordinator``."""
    found = _FORM.match(text)
    if found is None:
        raise InvalidValue(f"cannot read the condition {text!r}", _HINT)
    name, op, value = found["name"], found["op"], found["value"]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if not value:
        raise InvalidValue(f"the condition {text!r} has no value after {op!r}", _HINT)
    scope, dot, rest = name.partition(".")
    if dot and scope in _SCOPES and rest:
        return Condition(rest, CompareOp("=" if op == "==" else op), value, scope)
    return Condition(name, CompareOp("=" if op == "==" else op), value)


@dataclass(frozen=True, slots=True)
class CheckedCondition:
    """A condition whose attribute exists and whose value fits the attribute's type."""

    condition: Condition
    attribute: Attribute
    wanted: Typed

    def holds(self, stored: str | None) -> bool:
        """Does a stored value (canonical text, None when missing) meet the condition?"""
        if stored is None:
            return False
        try:
            value = _typed(self.attribute.type, stored)
        except (InvalidValue, ValueError):
            return False
        return _compare(self.condition.op, value, self.wanted)


def check_condition(condition: Condition, declared: Sequence[Attribute]) -> CheckedCondition:
    """Find the condition's attribute among ``declared`` and type its value, or explain why not."""
    same = [a for a in declared if a.name == condition.attribute]
    fits = [a for a in same if condition.scope in (None, a.scope.value)]
    shown = f"{condition.scope}.{condition.attribute}" if condition.scope else condition.attribute
    if not fits:
        known = ", ".join(sorted({a.name for a in declared})) or "none yet"
        where = f" for {condition.scope}s" if condition.scope and same else ""
        raise NotFound(f"no attribute {shown!r}{where} in this project (attributes: {known})")
    if len(fits) > 1:
        scopes = sorted(a.scope.value for a in fits)
        raise InvalidValue(
            f"{shown!r} is an attribute of {' and '.join(s + 's' for s in scopes)}",
            f"say which: {' or '.join(f'{s}.{shown}' for s in scopes)}",
        )
    attribute = fits[0]
    kind = attribute.type
    allowed = _ALLOWED.get(kind, _ORDERING)
    if condition.op not in allowed:
        ops = " ".join(o.value for o in allowed)
        raise InvalidValue(f"{shown} ({kind.value}) takes {ops}, not {condition.op.value!r}")
    try:
        wanted = _typed(kind, canonical_value(kind, condition.value))
    except InvalidValue as exc:
        raise InvalidValue(f"{shown}: {exc.message}") from None
    return CheckedCondition(condition, attribute, wanted)


def _typed(kind: AttributeType, canonical: str) -> Typed:
    """A stored (canonical) value as something Python compares correctly."""
    if kind is AttributeType.INTEGER:
        return int(canonical)
    if kind is AttributeType.FLOAT:
        return float(canonical)
    if kind is AttributeType.DATE:
        return dt.date.fromisoformat(canonical)
    if kind is AttributeType.TEXT:
        return canonical.casefold()
    return canonical  # Boolean: "true" / "false"


def _compare(op: CompareOp, value: Typed, wanted: Typed) -> bool:
    if op is CompareOp.EQ:
        return value == wanted
    if op is CompareOp.NE:
        return value != wanted
    if op is CompareOp.CONTAINS:
        return isinstance(value, str) and isinstance(wanted, str) and wanted in value
    # Ordering: both sides have the attribute's type (checked when the condition was made).
    if op is CompareOp.LT:
        return value < wanted  # type: ignore[operator]
    if op is CompareOp.LE:
        return value <= wanted  # type: ignore[operator]
    if op is CompareOp.GT:
        return value > wanted  # type: ignore[operator]
    return value >= wanted  # type: ignore[operator]
