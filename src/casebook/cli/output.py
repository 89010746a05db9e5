"""Printing for the CLI: rich tables for people, JSON for scripts, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casebook.cli.terminal import VisibleConsole, echo_error, json_text, visible

if TYPE_CHECKING:
    from rich.progress import TaskID

# User text (transcripts, memos, code names, file names) is data: these consoles never read
# Rich markup or emoji codes, so ``[latter]`` or ``[/uklart]`` print exactly as written and
# printing can never fail after a write has been committed. Style with ``Text`` instead.
# Control characters (an ESC in a case key) are shown as symbols, never sent raw.
stdout = VisibleConsole(highlight=False, soft_wrap=True, markup=False, emoji=False)
stderr = VisibleConsole(stderr=True, highlight=False, markup=False, emoji=False)


class CliError(click.ClickException):
    """A failure reported as one line on stderr with a non-zero exit."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        echo_error(self.message)


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON (UTF-8, not ASCII-escaped: æøå stay readable)."""
    sys.stdout.write(json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def emit_json_array(items: Iterable[Any]) -> None:
    """Print ``items`` as one JSON array, item by item as they come, so that a list of
    hundreds of thousands is never held whole (the same text ``emit_json`` writes)."""
    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + json_text(text))
        first = False
    out.write("[]\n" if first else "\n]\n")


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a simple rich table; an empty one says so instead."""
    if not rows:
        stdout.print(Text(f"{title}: none yet", style="dim"))
        return
    grid = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for index, column in enumerate(columns):
        last = index == len(columns) - 1
        grid.add_column(column, overflow="fold" if last else "ellipsis", no_wrap=not last)
    for row in rows:
        grid.add_row(*(Text("" if v is None else visible(str(v))) for v in row))
    stdout.print(grid)


ProgressFn = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: how far a long piece of work has come (import, check)."""


def on_terminal() -> bool:
    """True when stdout and stderr both go to a terminal (neither piped nor redirected)."""
    return stdout.is_terminal and stderr.is_terminal


def _ignore(phase: str, done: int, total: int) -> None:
    """The progress callback of quiet runs: draws nothing."""


@contextmanager
def progress_bar(quiet: bool = False, console: Console | None = None) -> Iterator[ProgressFn]:
    """A progress callback that draws one transient bar per phase on stderr (or ``console``).

    Nothing is drawn when ``quiet`` (``--json``, a single file) or when stdout or stderr is
    not a terminal, so scripts and pipes see only the command's own output. The bars are
    gone when the block ends, before the command prints its result."""
    if quiet or not (console.is_terminal if console is not None else on_terminal()):
        yield _ignore
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description:<8}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or stderr,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bars.add_task(phase, total=total)
        bars.update(tasks[phase], completed=done, total=total)

    with bars:
        yield update
