"""Each coder's work is theirs in the workbench, and undo acts on the transcript you are in."""

from __future__ import annotations

from pathlib import Path

from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.simple import Confirm
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.overview import OverviewScreen
from casebook.tui.widgets.transcript import TranscriptView
from tests.test_tui import SIZE, codings_by, open_f01_r1, query


def _lone_span_by(view: TranscriptView, coder: str, path: Path) -> tuple[int, int]:
    """A coding by ``coder`` that no other coding overlaps, so ``x`` finds only it."""
    ids = {
        int(str(r[0]))
        for r in query(
            path, "SELECT g.id FROM codings g JOIN coders k ON k.id = g.coder_id WHERE k.name = ?", coder
        )
    }
    for span in view.spans:
        if span.id in ids and not [
            o for o in view.spans if o is not span and o.start < span.end and o.end > span.start
        ]:
            return span.id, span.start
    raise AssertionError(f"no lone coding by {coder}")


async def test_removing_a_colleagues_coding_needs_a_confirmation_naming_them(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        coding_id, start = _lone_span_by(view, "ida", demo)
        before = len(codings_by(demo, "ida"))
        view.go_to(start)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "ida" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert len(codings_by(demo, "ida")) == before  # refused: nothing removed
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert len(codings_by(demo, "ida")) == before - 1
        assert coding_id not in {s.id for s in view.spans}
        await pilot.press("u")
        await pilot.pause()
        assert len(codings_by(demo, "ida")) == before  # undo gives it back to ida


async def test_undo_acts_only_on_the_transcript_you_are_in(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        await pilot.press("right_square_bracket", "t", "a", *"venting", "enter")
        await pilot.pause()
        assert len(codings_by(demo, "tester")) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("down", "enter")  # another family's interview
        await pilot.pause()
        other = app.screen
        assert isinstance(other, CodingScreen) and other.source_id != screen.source_id
        await pilot.press("u")
        await pilot.pause()
        assert len(codings_by(demo, "tester")) == 1  # the coding in F01 is untouched
        assert "Nothing to undo" in str(other.query_one("#status").render())


async def test_overview_never_cuts_a_coder_name_and_the_panel_names_them_all(demo: Path) -> None:
    from textual.widgets import DataTable, Static

    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        table = overview.query_one(DataTable)
        cells = [str(table.get_cell_at((row, col))) for row in range(table.row_count) for col in range(2, 5)]
        assert any("1 source" in c for c in cells) and not any("kilde" in c for c in cells)
        assert not any("ida,ol" in c or c.endswith(" ol") for c in cells)
        panel = str(overview.query_one("#case-details", Static).render())
        assert "coders: ida, ola" in panel


async def test_other_coders_codings_are_marked_and_can_be_hidden_with_one_key(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        owners = {s.mine for s in view.spans}
        assert owners == {True, False}  # ida's and ola's codings, told apart
        theirs = next(s for s in view.spans if not s.mine)
        line = view._index.line_of(theirs.start)
        view.go_to(theirs.start)
        await pilot.pause()
        margin = view.render_line(line - int(view.scroll_offset.y)).text
        assert "□" in margin or "╎" in margin  # a hollow mark, not colour alone
        await pilot.press("o")
        await pilot.pause()
        assert view.spans and all(s.mine for s in view.spans)
        ola = len(codings_by(demo, "ola"))
        await pilot.press("o")
        await pilot.pause()
        assert not all(s.mine for s in view.spans) and len(codings_by(demo, "ola")) == ola


async def test_segments_show_names_a_detail_pane_and_refuse_an_unknown_filter(demo: Path) -> None:
    from textual.widgets import Static

    from casebook.tui.dialogs.simple import Prompt
    from casebook.tui.screens.segments import SegmentsScreen

    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", *"strafferunder", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SegmentsScreen) and screen.segments
        title = str(screen.query_one("#segments-title", Static).render())
        assert f"{len(screen.segments)} segments of Strafferunder" in title
        detail = str(screen.query_one("#segment-detail", Static).render())
        assert screen.segments[0].text in detail  # the whole excerpt, verbatim
        await pilot.press("f")
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"kase=F01", "enter")
        await pilot.pause()
        assert screen.filters == {} and len(screen.segments) > 0  # not silently ignored: refused
        await pilot.press("f", *"case=F01", "space", *"coder=ida", "enter")
        await pilot.pause()
        assert screen.filters == {"case": "F01", "coder": "ida"}
        assert all(s.source.case == "F01" and s.coder == "ida" for s in screen.segments)
        assert "case=F01 coder=ida" in str(screen.query_one("#segments-title", Static).render())
