"""Span rules: a span is (start, end) in code points over stored text, end exclusive."""

from __future__ import annotations

from casebook.errors import InvalidValue


def check_span(start: int, end: int, length: int) -> None:
    """Refuse spans that are empty, reversed or outside a text of ``length`` code points."""
    if start < 0 or end < 0:
        raise InvalidValue(f"span {start}-{end}: offsets cannot be negative")
    if end <= start:
        raise InvalidValue(f"span {start}-{end}: the end must come after the start")
    if end > length:
        raise InvalidValue(f"span {start}-{end} lies outside the source ({length} characters)")
