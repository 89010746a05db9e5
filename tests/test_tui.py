"""The workbench driven like a researcher drives it (Textual Pilot), checked in the project file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from casebook.text.segmenting import trim
from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import MemoEditor, Prompt
from casebook.tui.screens.codebook import CodebookScreen
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.overview import OverviewScreen
from casebook.tui.screens.segments import SegmentsScreen
from casebook.tui.widgets.transcript import TranscriptView

SIZE = (120, 36)


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def codings_by(path: Path, coder: str) -> list[tuple[object, ...]]:
    return query(
        path,
        'SELECT g.source_id, g.start, g."end", c.key, g.memo FROM codings g JOIN codes c ON c.id = g.code_id'
        " JOIN coders k ON k.id = g.coder_id WHERE k.name = ? ORDER BY g.id",
        coder,
    )


async def open_f01_r1(pilot) -> CodingScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert isinstance(pilot.app.screen, OverviewScreen)
    await pilot.press("right", "right", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.source is not None and screen.source.name == "F01_R1_foreldre"
    return screen


async def test_a_full_coding_session_ends_with_exactly_the_expected_codings(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        await pilot.press("right_square_bracket")  # next uncoded turn of a participant
        turn = view.turns[view.turn_at(view.cursor)]
        expected = trim(view.text, turn.body_start, turn.end)
        await pilot.press("t")
        assert view.selection == expected
        await pilot.press("a")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"foreldre", "space", *"som", "enter")
        await pilot.pause()
        source_id = screen.source_id
        assert codings_by(demo, "tester") == [(source_id, *expected, "familie.foreldre_som_koordinator", "")]
        drawn = [s for s in view.spans if (s.start, s.end) == expected]
        assert drawn and drawn[0].code == "familie.foreldre_som_koordinator"
        line = view._index.line_of(expected[0]) - int(view.scroll_offset.y)
        assert "Foreldre som" in view.render_line(line).text  # the margin names the code
        await pilot.press("u")
        assert codings_by(demo, "tester") == []
        assert not [s for s in view.spans if (s.start, s.end) == expected]
        await pilot.press("ctrl+r")
        assert len(codings_by(demo, "tester")) == 1
        view.go_to(expected[0] + 1)
        await pilot.press("m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"Viktig", "space", *"sitat", "ctrl+s")
        await pilot.pause()
        await pilot.press("q")
    assert codings_by(demo, "tester") == [
        (source_id, *expected, "familie.foreldre_som_koordinator", "Viktig sitat")
    ]
    assert query(demo, "PRAGMA integrity_check") == [("ok",)]


async def test_removing_a_coding_can_be_undone(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        await pilot.press("right_square_bracket", "s", "a", *"venting", "enter")
        mine = codings_by(demo, "tester")
        assert len(mine) == 1
        view.go_to(int(str(mine[0][1])))
        await pilot.press("x")
        await pilot.pause()
        if app.screen is not screen:  # several codings here: choose ours
            await pilot.press("enter")
        assert len(codings_by(demo, "tester")) < len(mine) or codings_by(demo, "tester") != mine
        await pilot.press("u")
        assert [row[1:4] for row in codings_by(demo, "tester")] == [row[1:4] for row in mine]


async def test_overview_filters_by_kind_and_attribute(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        assert overview.rows == ["F01", "F02", "F03", "F04", "K1", "K2"]
        await pilot.press("k")
        assert overview.rows == ["F01", "F02", "F03", "F04"]
        await pilot.press("k", "k", "k", "slash", *"region=vest", "enter")
        assert overview.rows == ["K2"]


async def test_codebook_screen_renames_a_code(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("down")  # second root: strukturell
        await pilot.press("r")
        assert isinstance(app.screen, Prompt)
        await pilot.press("ctrl+u", *"Formell", "space", *"distanse", "enter")
        await pilot.pause()
    names = dict(query(demo, "SELECT key, name FROM codes WHERE parent_id IS NULL"))
    assert names["strukturell"] == "Formell distanse"
    assert query(demo, "SELECT coder, action, code_key FROM codebook_events ORDER BY id DESC LIMIT 1") == [
        ("tester", "rename", "strukturell")
    ]


async def test_segments_list_every_coding_of_a_code_and_jump_to_it(demo: Path) -> None:
    expected = query(
        demo,
        "SELECT count(*) FROM codings g JOIN codes c ON c.id = g.code_id"
        " WHERE c.key LIKE 'familie.strafferunder%'",
    )[0][0]
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", *"strafferunder", "enter")
        await pilot.pause()
        segments = app.screen
        assert isinstance(segments, SegmentsScreen)
        assert len(segments.segments) == expected
        if expected:
            first = segments.segments[0]
            await pilot.press("enter")
            await pilot.pause()
            coding = app.screen
            assert isinstance(coding, CodingScreen) and coding.source_id == first.source.id
            await pilot.pause()
            assert coding.query_one(TranscriptView).selection == trim(
                first.source and coding.query_one(TranscriptView).text, first.start, first.end
            )


async def test_search_finds_norwegian_word_forms(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        await pilot.press("slash", *"koordinator", "enter")
        await pilot.pause()
        view = screen.query_one(TranscriptView)
        words = {view.text[a:b].lower() for a, b in view.hits}
        assert "koordinator" in words
        assert (
            any(w.startswith("koordinator") and w != "koordinator" for w in words)
            or "barnekoordinator" in words
        )
        assert all("koordinator" in w for w in words)


async def test_import_and_export_run_in_workers_without_freezing(tmp_path: Path) -> None:
    from casebook.services.codebook import DEFAULT_CODEBOOK
    from casebook.services.setup import create_project
    from tests.conftest import SAMPLES

    project = tmp_path / "ny.casebook"
    create_project(project, "Ny studie", DEFAULT_CODEBOOK, "tester").close()
    app = create_app(project, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen) and overview.rows == []
        await pilot.press("i")
        await pilot.press(*str(SAMPLES / "manifest.csv"), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert overview.rows == ["F01", "F02", "F03", "F04", "K1", "K2"]
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Imported manifest.csv: 17 new") for m in said), said
        # the metadata table at the top of one Word file looks like tags: the researcher is told
        assert any("F02_R1_foreldre.docx" in m and "look like speaker labels" in m for m in said), said
        target = tmp_path / "kodebok.qdc"
        overview.action_export_codebook()
        await pilot.pause()
        await pilot.press("ctrl+u", *str(target), "enter")
        await app.workers.wait_for_complete()
    assert query(project, "SELECT count(*) FROM sources") == [(17,)]
    assert target.read_bytes().startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert b"Kognitiv distanse" in target.read_bytes()


async def test_keys_can_be_remapped_from_the_config_file(demo: Path, tmp_path: Path) -> None:
    from casebook.tui.config import load_config

    config_file = tmp_path / "config.toml"
    config_file.write_text('theme = "textual-light"\n[keymap]\n"overview.codebook" = "b"\n', encoding="utf-8")
    config = load_config(config_file)
    app = create_app(demo, "tester", config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("b")
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_a_broken_config_file_is_reported_not_fatal(demo: Path, tmp_path: Path) -> None:
    from casebook.tui.config import load_config

    folder = tmp_path / "[latter]"  # a folder name that looks like markup
    folder.mkdir()
    config_file = folder / "config.toml"
    config_file.write_text("theme = [unclosed\n", encoding="utf-8")
    config = load_config(config_file)
    assert config.problem and str(config_file) in config.problem
    app = create_app(demo, "tester", config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert any(str(config_file) in n.message for n in app._notifications)
        assert "[latter]" in app.export_screenshot()  # the toast shows the path as written


async def test_mouse_drag_selects_whole_words(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        gutter = view._gutter_w
        await pilot.mouse_down(view, offset=(gutter + 3, 0))
        await pilot.hover(view, offset=(gutter + 20, 1))
        await pilot.mouse_up(view, offset=(gutter + 20, 1))
        selection = view.selection
        assert selection is not None
        start, end = selection
        text = view.text
        assert not text[start - 1 : start].isalnum() and not text[end : end + 1].isalnum()
        assert text[start:end].startswith("Intervju")


async def test_opening_a_project_that_is_not_one_exits_with_the_reason(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.casebook"
    bogus.write_text("just notes", encoding="utf-8")
    app = create_app(bogus, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1


async def test_overview_shows_new_coverage_after_coding(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen) and overview.grid is not None
        before = overview.grid.cell("F01", "R1")[0].coded_chars
        await open_f01_r1(pilot)
        await pilot.press("right_square_bracket", "t", "a", *"venting", "enter", "escape")
        await pilot.pause()
        assert app.screen is overview
        assert overview.grid.cell("F01", "R1")[0].coded_chars > before
