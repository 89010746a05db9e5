"""Deterministic SVG snapshots of the main screens at 120x36 (pytest-textual-snapshot).

Update after an intended change with: .venv/bin/pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

from casebook.tui.app import create_app
from casebook.tui.config import Config

SIZE = (120, 36)


def test_overview_screen(snap_compare, demo: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(create_app(demo, "ida", Config()), terminal_size=SIZE)


def test_coding_screen(snap_compare, demo: Path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(demo, "ida", Config())
    assert snap_compare(app, terminal_size=SIZE, press=["right", "right", "enter", "pagedown", "t"])


def test_codebook_screen(snap_compare, demo: Path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(demo, "ida", Config())
    assert snap_compare(app, terminal_size=SIZE, press=["c", "down", "space", "down", "down"])
