"""One row per excerpt, for the table formats (CSV, XLSX): fixed columns, then attributes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from casebook.model.attributes import AttributeType
from casebook.reports.model import Excerpt, Report

FIXED_COLUMNS = (
    "source",
    "case",
    "round",
    "speaker",
    "participant",
    "participant_label",
    "code",
    "coder",
    "start",
    "end",
    "text",
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int | float | bool | dt.date | None


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML cannot hold (ESC, NUL ...)."""
    return _NOT_XML.sub("", text)


def header(report: Report) -> list[str]:
    """Column names: the fixed ones, ``memo`` when memos are asked for, ``case.NAME`` per attribute."""
    memo = ["memo"] if report.memos else []
    return [*FIXED_COLUMNS, *memo, *(f"case.{c.name}" for c in report.attribute_columns)]


def text_row(report: Report, e: Excerpt) -> list[str]:
    """A row as text (CSV): canonical values, "" for none."""
    memo = [e.memo] if report.memos else []
    fixed = [e.source, e.case, e.round, e.speaker, e.participant, e.participant_label, e.code, e.coder]
    return [*fixed, str(e.start), str(e.end), e.text, *memo, *e.attributes]


def typed_row(report: Report, e: Excerpt) -> list[Cell]:
    """A row with typed cells (XLSX): whole numbers as ints, dates as dates, yes/no as booleans."""
    memo: list[Cell] = [e.memo] if report.memos else []
    fixed: list[Cell] = [
        e.source,
        e.case,
        e.round,
        e.speaker,
        e.participant,
        e.participant_label,
        e.code,
        e.coder,
    ]
    typed = [typed_value(c.type, v) for c, v in zip(report.attribute_columns, e.attributes, strict=False)]
    return [*fixed, e.start, e.end, e.text, *memo, *typed]


def typed_value(kind: AttributeType, value: str) -> Cell:
    """A stored (canonical) attribute value as its type; None when empty."""
    if value == "":
        return None
    if kind is AttributeType.INTEGER:
        return int(value)
    if kind is AttributeType.FLOAT:
        return float(value)
    if kind is AttributeType.BOOLEAN:
        return value == "true"
    if kind is AttributeType.DATE:
        return dt.date.fromisoformat(value)
    return value


def rows(report: Report) -> Iterator[Excerpt]:
    """Excerpts in report order."""
    for _chapter, _section, excerpt in report.excerpts():
        yield excerpt
