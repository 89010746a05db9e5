"""The segments screen's filter line, read and written back.

``case=F01 round=R2 coder=ida kind=family speaker=mor barn_alder>=10 logic="A AND B"``:
named filters, attribute conditions (anything else with an operator) and code logic, in
any order, with shell-style quotes around values that hold spaces. Reading only splits
the line; the services check every part (``retrieval.segment_filter`` and ``check``), so
the workbench and the CLI accept and refuse the same conditions.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from casebook.errors import InvalidValue
from casebook.model.segments import LogicOp, SegmentFilter

FIELDS = ("case", "round", "coder", "kind", "speaker", "logic")
"""Named filters, in the order a description lists them."""
SYNTAX = 'case= round= coder= kind= speaker=  NAME>=VALUE  logic="A AND B"'
_NAMED = re.compile(r"^([a-z]+)(!=|<=|>=|=|<|>|~)(.*)$", re.DOTALL)
_LOGIC_WORDS = {op.value for op in LogicOp}
_NEEDS_QUOTES = re.compile(r"[\s'\"\\]")


@dataclass(frozen=True)
class FilterLine:
    """What a filter line asks for: named filters by name, and attribute conditions."""

    fields: dict[str, str] = field(default_factory=dict)
    where: tuple[str, ...] = ()


def read(line: str) -> FilterLine:
    """Split a filter line; InvalidValue for unbalanced quotes, a named filter without a
    value or with another operator than ``=``, or code logic written without ``logic=``."""
    try:
        parts = shlex.split(line)
    except ValueError:
        raise InvalidValue(f"unbalanced quotes in {line!r}", "close every quote you open") from None
    fields: dict[str, str] = {}
    where: list[str] = []
    for part in parts:
        if part in _LOGIC_WORDS:
            raise InvalidValue(f"{part} outside logic=", 'write code logic as logic="A AND B" (or press l)')
        named = _NAMED.match(part)
        if named is None or named.group(1) not in FIELDS:
            where.append(part)
            continue
        name, op, value = named.groups()
        if op != "=" or not value.strip():
            raise InvalidValue(f"cannot read {part!r}", f"write {name}=VALUE")
        fields[name] = value.strip()
    return FilterLine(fields, tuple(where))


def _quoted(part: str) -> str:
    """``part`` as one word of a filter line: quoted only when it holds spaces or quotes."""
    return shlex.quote(part) if _NEEDS_QUOTES.search(part) else part


def describe(wanted: SegmentFilter) -> str:
    """The filter as a line ``read`` understands: what is applied, in a fixed order."""
    named = {
        "case": wanted.case,
        "round": wanted.round,
        "coder": wanted.coder,
        "kind": wanted.kind,
        "speaker": wanted.speaker,
    }
    parts = [_quoted(f"{name}={value}") for name, value in named.items() if value]
    parts += [_quoted(str(condition)) for condition in wanted.where]
    if wanted.logic is not None:
        parts.append(f'logic="{wanted.logic}"')
    return " ".join(parts)
