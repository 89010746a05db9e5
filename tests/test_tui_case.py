"""The case screen: one family across rounds, driven from the overview (Textual Pilot)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Static

from casebook.model.changes import Direction, DirectionSource
from casebook.services import longitudinal
from casebook.services.project import Project
from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.simple import Choice, Prompt
from casebook.tui.screens.case import CaseScreen, CellSegmentsScreen
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.overview import OverviewScreen

BIG, SMALL = (160, 45), (80, 24)


def screen_text(app: App[None]) -> str:
    """Every cell of the terminal as drawn."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


async def open_f01(pilot) -> CaseScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert isinstance(pilot.app.screen, OverviewScreen)
    assert pilot.app.screen.rows[0] == "F01"
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CaseScreen) and screen.case_key == "F01"
    return screen


def history(screen: CaseScreen) -> str:
    return str(screen.query_one("#case-history-text", Static).render())


async def test_o_opens_the_case_with_its_rounds_changes_and_events(demo: Path) -> None:
    with Project.open(demo) as project:
        timeline = longitudinal.timeline(project, "F01")
    for size in (BIG, SMALL):
        app = create_app(demo, "ida", Config())
        async with app.run_test(size=size) as pilot:
            screen = await open_f01(pilot)
            shown = history(screen)
            assert "koordinatorstatus: ingen → barnekoordinator" in shown  # known from the study
            assert "barn_alder: 9 → 10 → 11" in shown
            for change in timeline.changes:  # and everything the service says changed
                assert str(change) in shown
            assert "F01_R2_foreldre" in shown and "avlastning: søkt → avslag" in shown
            events = shown[shown.index("Events by date") :]
            assert events.index("2022-08") < events.index("2023-04") < events.index("2025-04")  # date order
            assert "F01  Familie 1" in screen_text(app)
            labels = [str(c.label) for c in screen.query_one(DataTable).columns.values()]
            assert labels == ["theme", "R1", "R2", "R3", "R1→R2", "R2→R3", "R1→R3"]


async def test_a_grid_cell_lists_exactly_the_passages_it_counts(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG) as pilot:
        screen = await open_f01(pilot)
        assert screen.grid is not None and screen.rows[0].code == "kognitiv"
        expected = screen.grid.row("kognitiv").count("R1").segments
        assert expected == 4
        await pilot.press("right", "enter")  # kognitiv × R1
        await pilot.pause()
        listed = app.screen
        assert isinstance(listed, CellSegmentsScreen)
        assert listed.total == len(listed.segments) == len(listed.query_one(DataTable).rows) == expected
        assert {s.source.case for s in listed.segments} == {"F01"}
        assert {s.source.round for s in listed.segments} == {"R1"}
        first = listed.segments[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.source_id == first.source.id


async def test_d_sets_the_researchers_direction_with_a_reason_shown_verbatim(demo: Path) -> None:
    reason = "[latter] \x1b[31m[/uklart] klagen"
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG) as pilot:
        screen = await open_f01(pilot)
        assert screen.grid is not None
        before = screen.grid.assessment("kognitiv", "R1", "R3")
        assert before is not None and before.source is DirectionSource.SUGGESTED
        assert "suggested: improved" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, Choice)
        await pilot.press("down", "down", "enter")  # improved, unchanged, worse
        await pilot.pause()
        assert isinstance(app.screen, Prompt)
        app.screen.query_one("#prompt-input").value = reason  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press(*["right"] * 6)  # the R1→R3 column
        await pilot.pause()
        detail = str(screen.query_one("#case-cell", Static).render())
        assert "[latter] ␛[31m[/uklart] klagen" in detail and "\x1b" not in screen_text(app)
    with Project.open(demo) as project:
        found = longitudinal.change_grid(project, "F01").assessment("kognitiv", "R1", "R3")
    assert found is not None and found.source is DirectionSource.RESEARCHER
    assert found.direction is Direction.WORSE and found.reason == reason and found.set_by == "ida"


async def test_the_case_label_is_data_not_markup(demo: Path) -> None:
    conn = sqlite3.connect(demo)
    with conn:
        conn.execute("UPDATE cases SET label = 'Familie [/uklart] [b]1' WHERE key = 'F01'")
    conn.close()
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=SMALL) as pilot:
        await open_f01(pilot)
        assert "F01  Familie [/uklart] [b]1" in screen_text(app)
