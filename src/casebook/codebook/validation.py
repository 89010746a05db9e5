"""Check a codebook and report the first problem with its file, line and code id."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from casebook.codebook.signals import parse_signal
from casebook.errors import FileProblem
from casebook.model.codes import Code, Codebook

KEY = re.compile(r"^\w[\w\-]*(?:\.\w[\w\-]*)*$")
COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
MAX_TREE_DEPTH = 100
"""Deepest code tree accepted (the codebooks researchers use have three or four levels)."""


class CodebookInvalid(FileProblem):
    """A codebook file breaks a rule; the message names file, line and code."""

    title = "Invalid codebook"


def normalize_color(color: str) -> str:
    """``#abc`` -> ``#AABBCC``; ``#a1b2c3`` -> ``#A1B2C3``."""
    value = color.strip()
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.upper()


def validate(codebook: Codebook, path: Path | str, lines: Sequence[int | None] = ()) -> None:
    """Raise CodebookInvalid for the first broken rule, in file order.

    ``lines[i]`` is the file line where code ``i`` starts, when known.
    """
    seen: dict[str, Code] = {}
    guids: dict[str, str] = {}
    for index, code in enumerate(codebook.codes):

        def fail(problem: str, code: Code = code, index: int = index) -> CodebookInvalid:
            return CodebookInvalid(path, f"{_where(lines, index)}code {code.key!r}: {problem}")

        if code.key in seen:
            raise fail("the id is used twice")
        guid = code.guid.lower()
        if guid and guid in guids:
            raise fail(f"its guid {code.guid} is also the guid of code {guids[guid]!r}")
        if not KEY.match(code.key):
            raise fail("ids use letters, digits, _ and - with dots between levels")
        if not code.name.strip():
            raise fail("has no name")
        if not COLOR.match(code.color):
            raise fail(f"colour {code.color!r} is not #RRGGBB")
        for signal in code.signals:
            try:
                parse_signal(signal)
            except ValueError as exc:
                raise fail(str(exc)) from None
        seen[code.key] = code
        if guid:
            guids[guid] = code.key
    for index, code in enumerate(codebook.codes):
        if code.parent is not None and code.parent not in seen:
            raise CodebookInvalid(
                path, f"{_where(lines, index)}code {code.key!r}: unknown parent {code.parent!r}"
            )
    _check_cycles(codebook, path, lines)


def _where(lines: Sequence[int | None], index: int) -> str:
    line = lines[index] if index < len(lines) else None
    return f"line {line}: " if line else ""


def _check_cycles(codebook: Codebook, path: Path | str, lines: Sequence[int | None]) -> None:
    """Parents form a tree, at most ``MAX_TREE_DEPTH`` levels deep: each code's depth is
    worked out once, so a long chain costs linear time, not quadratic."""
    parents = {code.key: code.parent for code in codebook.codes}
    depths: dict[str, int] = {}
    for index, start in enumerate(parents):
        chain: list[str] = []
        on_chain: set[str] = set()
        current: str | None = start
        while current is not None and current not in depths:
            if current in on_chain:
                loop = " -> ".join([*chain[chain.index(current) :], current])
                raise CodebookInvalid(
                    path, f"{_where(lines, index)}code {start!r}: parents form a cycle ({loop})"
                )
            chain.append(current)
            on_chain.add(current)
            current = parents.get(current)
        level = depths[current] if current is not None else 0
        for key in reversed(chain):
            level += 1
            depths[key] = level
        if depths[start] > MAX_TREE_DEPTH:
            raise CodebookInvalid(
                path,
                f"{_where(lines, index)}code {start!r}: codes are nested too deeply"
                f" (over {MAX_TREE_DEPTH} levels)",
            )
