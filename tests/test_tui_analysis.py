"""The workbench's analysis screens driven with Pilot: segment filters with conditions and
code logic, "export these segments", the matrix with drill-down, search across sources."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from textual.app import App
from textual.widgets import DataTable, Input, OptionList

from casebook.errors import InvalidValue
from casebook.model.matrix import ColumnAxis, MatrixSpec, Measure
from casebook.model.segments import SegmentFilter
from casebook.services import analysis, codebook, pseudonyms, retrieval
from casebook.services.project import Project
from casebook.text.pseudonymise import Pseudonymiser
from casebook.tui import filter_line
from casebook.tui.app import CasebookApp, create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Choice, Prompt
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.matrix import MatrixScreen
from casebook.tui.screens.search import SearchScreen
from casebook.tui.screens.segments import SegmentsScreen
from casebook.tui.widgets.transcript import TranscriptView

WIDE, NARROW = (160, 45), (80, 24)
CONDITION = "familie.strafferunder AND makt.overfor_familien"


def screen_text(app: App[None]) -> str:
    """Every cell of the terminal as drawn, dialogs and notifications included."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def errors(app: App[None]) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def expected(path: Path, wanted: SegmentFilter) -> list[int]:
    with Project.open(path) as project:
        return [s.coding_id for s in retrieval.segments(project, wanted)]


def other_reads(path: Path) -> None:
    """Another casebook reads the project while the workbench has it open: the workbench's
    workers must not have opened the file again (that drops this process's SQLite locks,
    and the other process would then delete the write-ahead log in use)."""
    other = [sys.executable, "-m", "casebook", "--project", str(path), "sources"]
    subprocess.run(other, check=True, capture_output=True)
    assert Path(f"{path}-wal").exists()


async def segments_of(app: CasebookApp, pilot, code: str) -> SegmentsScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert app.bench is not None
    app.push_screen(SegmentsScreen(app.bench, code))
    await pilot.pause()
    assert isinstance(app.screen, SegmentsScreen)
    return app.screen


async def answer(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``value`` into the open prompt (replacing what it holds) and press enter."""
    assert isinstance(pilot.app.screen, Prompt)
    pilot.app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()


def test_a_filter_line_reads_back_what_describe_writes() -> None:
    line = filter_line.read('case=F01 speaker="Forelder 1a" barn_alder>=10 logic="a AND b"')
    assert line.fields == {"case": "F01", "speaker": "Forelder 1a", "logic": "a AND b"}
    assert line.where == ("barn_alder>=10",)
    wanted = retrieval.segment_filter(
        case="F01", speaker="Forelder 1a", where=["barn_alder>=10"], logic="a AND b"
    )
    again = filter_line.read(filter_line.describe(wanted))
    assert again == line
    for wrong in ("round>=R2", "case=", 'logic="a AND b', "a AND b"):
        with pytest.raises(InvalidValue):
            filter_line.read(wrong)


async def test_filters_with_a_condition_and_code_logic_list_what_retrieval_lists(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=WIDE) as pilot:
        screen = await segments_of(app, pilot, "familie")
        await pilot.press("f")
        await answer(pilot, "round=R2 barn_alder>=10")
        want = expected(demo, retrieval.segment_filter("familie", round_key="R2", where=["barn_alder>=10"]))
        assert want and [s.coding_id for s in screen.segments] == want
        title = str(screen.query_one("#segments-title").render())
        assert f"{len(want)} segments of" in title and "round=R2 barn_alder>=10" in title
        await pilot.press("l")  # the logic key, prefilled with this code
        assert isinstance(app.screen, Prompt) and app.screen.value == "familie AND "
        await answer(pilot, CONDITION)
        want = expected(
            demo, retrieval.segment_filter(round_key="R2", where=["barn_alder>=10"], logic=CONDITION)
        )
        assert [s.coding_id for s in screen.segments] == want
        await pilot.press("f")
        await answer(pilot, 'logic="familie NOT makt" kind=family')
        want = expected(demo, retrieval.segment_filter(kind="family", logic="familie NOT makt"))
        assert screen.total == len(want) > len(screen.segments)  # the first screen, then pages
        assert want and [s.coding_id for s in screen.segments] == want[: len(screen.segments)]
        assert screen.filters == {"logic": "familie NOT makt", "kind": "family"} and screen.where == ()
        assert 'kind=family logic="familie NOT makt"' in str(screen.query_one("#segments-title").render())
        assert not errors(app)


async def test_an_invalid_condition_shows_one_error_and_keeps_the_filter(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=WIDE) as pilot:
        screen = await segments_of(app, pilot, "familie")
        await pilot.press("f")
        await answer(pilot, "case=F01")
        before = [s.coding_id for s in screen.segments]
        for wrong, said in [("barn_alder>=ti", "'ti' is not a whole number"), ("[x]=1 kase=F02", "[x]")]:
            await pilot.press("f")
            await answer(pilot, f"case=F02 {wrong}")
            assert len(errors(app)) == 1 and said in errors(app)[0]  # verbatim, once
            assert screen.filters == {"case": "F01"} and [s.coding_id for s in screen.segments] == before
            app.clear_notifications()
        assert "case=F01" in str(screen.query_one("#segments-title").render())


def listed_name_in(names: Pseudonymiser, texts: list[str]) -> str | None:
    found = next((hit for text in texts if (hit := names.find(text))), None)
    return None if found is None else str(found)


async def export(pilot, target: Path, pseudonymise: bool = True) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    await answer(pilot, str(target))
    assert isinstance(pilot.app.screen, Choice)  # pseudonymise? yes is highlighted first
    await pilot.press(*([] if pseudonymise else ["down"]), "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_export_writes_the_listed_segments_pseudonymised(demo: Path, tmp_path: Path) -> None:
    with Project.open(demo) as project:  # before the workbench opens it
        names = pseudonyms.pseudonymiser(project)
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=WIDE) as pilot:
        screen = await segments_of(app, pilot, "familie")
        await pilot.press("f")
        await answer(pilot, "case=F01 barn_alder>=10")
        listed = screen.segments
        assert screen.total == len(listed) > 0
        assert listed_name_in(names, [s.text for s in listed])  # the passages do name people
        await export(pilot, tmp_path / "utdrag.docx")
        await export(pilot, tmp_path / "utdrag.csv")
        said = [str(n.message) for n in app._notifications]
        assert not errors(app)
        other_reads(demo)
    assert (
        sum(f"Wrote {len(listed)} excerpts to {tmp_path}" in s and "(pseudonymised)" in s for s in said) == 2
    )
    paragraphs = docx.Document(str(tmp_path / "utdrag.docx")).paragraphs
    quotes = [p.text for p in paragraphs if p.style is not None and p.style.name == "Quote"]
    assert len(quotes) == len({(s.source.id, s.code, s.start, s.end) for s in listed})  # double coding once
    rows = list(csv.DictReader((tmp_path / "utdrag.csv").open(encoding="utf-8")))
    in_report = sorted((r["source"], int(r["start"]), r["code"], r["coder"]) for r in rows)  # by chapter
    assert in_report == sorted((s.source.name, s.start, s.code, s.coder) for s in listed)
    assert listed_name_in(names, [p.text for p in paragraphs] + [r["text"] for r in rows]) is None


async def test_escape_at_the_pseudonymise_question_writes_nothing(demo: Path, tmp_path: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=NARROW) as pilot:
        await segments_of(app, pilot, "familie.strafferunder")
        out = tmp_path / "out"
        out.mkdir()
        await pilot.press("e")
        await answer(pilot, str(out / "x.pdf"))
        assert "cannot tell the format of 'x.pdf'" in errors(app)[0]
        await pilot.press("e")
        await answer(pilot, str(out / "x.md"))
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert any("nothing was written" in str(n.message) for n in app._notifications)
    assert not list(out.iterdir())


def cell_at(app: App[None], row: int, col: int) -> str:
    return str(app.screen.query_one(DataTable).get_cell_at((row, col)))


async def test_a_matrix_cell_drills_down_to_exactly_its_passages(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("m")
        matrix = app.screen
        assert isinstance(matrix, MatrixScreen) and matrix.built is not None
        assert "n (segments)" in screen_text(app) and "F04" in screen_text(app)  # n pinned on top
        for keys in (["right"], ["c", "down"]):  # a case, then a round
            await pilot.press(*keys)
            code, column = matrix.at_cursor() or ("", None)
            assert column is not None
            value = matrix.built.value(code, column)
            assert value > 0 and cell_at(app, *matrix.query_one(DataTable).cursor_coordinate) == str(value)
            await pilot.press("enter")
            listing = app.screen
            assert isinstance(listing, SegmentsScreen)
            assert listing.total == len(listing.segments) == value
            assert f"{value} segments of" in str(listing.query_one("#segments-title").render())
            await pilot.press("escape")
            assert app.screen is matrix
        await pilot.press("p")
        assert cell_at(app, 1, 1).endswith("%") and cell_at(app, 0, 1).isdigit()  # shares of n
        await pilot.press("p", "m", "m")  # counts again; measure: cases, words
        assert "Words per code × round" in screen_text(app) and "n (words)" in screen_text(app)


async def test_attribute_columns_scroll_sideways_and_never_show_the_municipality(
    demo: Path, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("m", "a")
        assert isinstance(app.screen, Choice)
        options = [opt.id for opt in app.screen.query_one(OptionList).options]
        assert "barn_alder" in options and "kommune" not in options
        app.screen.query_one(OptionList).highlighted = options.index("barn_alder")
        await pilot.press("enter")
        await pilot.pause()
        matrix = app.screen
        assert isinstance(matrix, MatrixScreen) and matrix.built is not None
        assert matrix.spec.columns is ColumnAxis.ATTRIBUTE and len(matrix.built.columns) == 10
        await pilot.press("m", "m")  # words: wide numbers, more than 80 columns
        table = matrix.query_one(DataTable)
        table.cursor_coordinate = table.validate_cursor_coordinate((3, 11))  # total of row 3
        await pilot.pause()
        assert table.scroll_x > 0 and "Innarbeidet" in screen_text(app)  # the code column stays
        code, column = matrix.at_cursor() or ("", None)
        assert column is not None and column.total and code == "kognitiv.innarbeidet_praksis"
        with Project.open(demo) as project:
            spec = MatrixSpec(ColumnAxis.ATTRIBUTE, "barn_alder", Measure.WORDS)
            built = analysis.matrix(project, spec)
            passages = analysis.cell_segments(project, built, code, built.total)
        await pilot.press("enter")
        listing = app.screen
        assert isinstance(listing, SegmentsScreen)
        assert [s.coding_id for s in listing.segments] == [s.coding_id for s in passages]
        await export(pilot, tmp_path / "out" / "celle.csv")  # the cell's passages, exported
    rows = list(csv.DictReader((tmp_path / "out" / "celle.csv").open(encoding="utf-8")))
    assert sorted((r["source"], int(r["start"]), r["coder"]) for r in rows) == sorted(
        (s.source.name, s.start, s.coder) for s in passages
    )


async def test_search_for_får_never_lists_far_and_enter_lands_on_the_match(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("F", *"får", "enter")
        search = app.screen
        assert isinstance(search, SearchScreen) and search.hits
        assert {w.lower() for h in search.hits for w in h.matched} == {"får"}
        assert f"«får»: {search.total} turns" in screen_text(app)
        await pilot.press("ctrl+f")  # word forms: the warm-up runs in a worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert search.ready and search.forms and "word forms:" in screen_text(app)
        other_reads(demo)
        assert "far" not in {w.lower() for h in search.hits for w in h.matched}
        await pilot.press("down", "enter")
        hit = search.hits[1]
        coding = app.screen
        assert isinstance(coding, CodingScreen) and coding.source_id == hit.source.id
        await pilot.pause()
        assert coding.query_one(TranscriptView).selection == hit.matches[0]
        await pilot.press("a")
        assert isinstance(app.screen, CodePicker)
        app.screen.query_one(Input).value = "venting"
        await pilot.press("enter")
        await pilot.pause()
    with Project.open(demo) as project:
        mine = retrieval.segments(project, retrieval.segment_filter(coder="tester"))
    assert [(s.source.id, s.start, s.end) for s in mine] == [(hit.source.id, *hit.matches[0])]


async def test_markup_looking_user_text_shows_verbatim(demo: Path) -> None:
    with Project.open(demo) as project:
        codebook.rename(project, "kognitiv", "[b]Kog[/b] [red][/uklart]", "tester")
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        assert "[b]Kog[/b] [red][/uklart]" in screen_text(app)
        await pilot.press("escape", "F")
        app.screen.query_one(Input).value = "[latter]\x1b"
        await pilot.press("enter")
        text = screen_text(app)
        assert "«[latter]␛»" in text and "[latter]" in text.split("«[latter]␛»", 1)[1]
        assert "\x1b" not in text
        assert isinstance(app.screen, SearchScreen) and app.screen.hits
        await pilot.press("escape")
        await segments_of(app, pilot, "kognitiv")
        await pilot.press("f")
        await answer(pilot, "speaker=[red]x\x1b")
        text = screen_text(app)
        assert "speaker=[red]x␛" in text and "\x1b" not in text


async def test_new_keys_have_ids_in_help_are_remappable_and_in_the_palette(demo: Path) -> None:
    app = create_app(demo, "tester", Config(keymap={"matrix.measure": "v", "overview.matrix": "M"}))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        titles = [title for title, _help, _run in app.commands()]
        assert "matrix: Open" in titles and "search: Across sources" in titles
        await pilot.press("M", "v")
        matrix = app.screen
        assert isinstance(matrix, MatrixScreen) and matrix.spec.measure is Measure.CASES
        await pilot.press("question_mark")
        await pilot.pause()
        help_table = app.screen.query_one(DataTable)
        ids = [str(help_table.get_row_at(i)[2]) for i in range(help_table.row_count)]
        assert {"matrix.drill", "matrix.columns", "matrix.percent", "matrix.measure"} <= set(ids)
