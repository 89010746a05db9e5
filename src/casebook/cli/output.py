"""Printing for the CLI: rich tables for people, JSON for scripts, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

# User text (transcripts, memos, code names, file names) is data: these consoles never read
# Rich markup or emoji codes, so ``[latter]`` or ``[/uklart]`` print exactly as written and
# printing can never fail after a write has been committed. Style with ``Text`` instead.
stdout = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
stderr = Console(stderr=True, highlight=False, markup=False, emoji=False)


class CliError(click.ClickException):
    """A failure reported as one line on stderr with a non-zero exit."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"casebook: error: {self.message}", err=True)


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON (UTF-8, not ASCII-escaped: æøå stay readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
        grid.add_row(*(Text("" if v is None else str(v)) for v in row))
    stdout.print(grid)
