"""Nothing reaches the terminal raw: control characters in names, file names and text are
shown as visible symbols, and warnings from below arrive as one ``casebook: warning:`` line.

A case key or file name holding ``ESC [2J`` would clear the researcher's screen if printed
as it is. Every console of the CLI is a ``VisibleConsole``; error lines, JSON and CSV go
through ``visible`` / ``json_text`` / ``VisibleStream`` too.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import click
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_PICTURES: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"
_PICTURES.update(dict.fromkeys([*range(0x80, 0xA0), *_BIDI], "\ufffd"))
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str, keep: str = "\n\t") -> str:
    """``text`` with control characters (but those in ``keep``) replaced, one for one, by
    visible symbols: ESC becomes ␛, other C0 controls their control pictures, C1 controls
    and bidirectional overrides U+FFFD."""
    table = {code: shown for code, shown in _PICTURES.items() if chr(code) not in keep}
    return text.translate(table)


def one_line(text: str) -> str:
    """``text`` as a single visible line (for error messages)."""
    return visible(text, keep="")


def json_text(text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides written as ``\\uXXXX`` escapes
    (JSON already escapes the rest): the same data, safe on a terminal."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class VisibleConsole(Console):
    """A rich Console that shows control characters in what it prints as visible symbols
    (its own styling and cursor controls are kept)."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and segment.text and not segment.text.isprintable():
                yield Segment(visible(segment.text, keep="\n\t\r"), segment.style, None)
            else:
                yield segment


class VisibleStream:
    """A text stream that writes to ``stream`` (stdout by default) with control
    characters other than tab and line ends made visible: for CSV on stdout."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        (self.stream or sys.stdout).write(visible(text, keep="\n\t\r"))
        return len(text)


class _NoticeHandler(logging.Handler):
    """Print a warning of the core (``casebook`` logger) as one line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"casebook: warning: {one_line(record.getMessage())}", err=True)


_HANDLER = _NoticeHandler(logging.WARNING)


def show_notices() -> None:
    """Let warnings of the core (work saved but not as expected) reach the terminal."""
    logger = logging.getLogger("casebook")
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)


def echo_error(message: Any) -> None:
    """One ``casebook: error:`` line on stderr, control characters made visible."""
    click.echo(f"casebook: error: {one_line(str(message))}", err=True)
