"""The coding screen as a new researcher meets it: double coding from the picker, search
that counts and visits each hit once, pinned codes from the first session, user text
shown verbatim (never markup, never a raw control character)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from casebook.model.study import CaseKind, InterviewMeta
from casebook.services import codebook as codebook_service
from casebook.services.codebook import DEFAULT_CODEBOOK
from casebook.services.importer import ImportItem, import_files
from casebook.services.search import search_source
from casebook.services.setup import create_project
from casebook.storage import source_store, study_store
from casebook.text.normalize import sha256_of
from casebook.text.turns import split_turns
from casebook.tui.app import CasebookApp, create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import MemoEditor
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.widgets.layout import fit_names
from casebook.tui.widgets.transcript import TranscriptView
from tests.test_tui import codings_by, open_f01_r1

SIZE = (160, 45)
TALK = (
    "I: Hvordan var det i fjor?\n\n"
    "Mor: Engelen kom. Englene sang, og en engel til. Skytsengelen passet barna.\n"
    "Barnekoordinatoren ringte. Koordinator er viktig. Far får farlig mye.\n\n"
    "I: Og møteplassene?\n\n"
    "Far: Vi trenger en møteplass for barn.\n"
)


def _words(text: str, hits: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in hits]


def new_project(folder: Path, text: str = TALK) -> tuple[Path, int]:
    """A new project with the default codebook and one transcript, imported like a researcher does."""
    path = folder / "ny.casebook"
    transcript = folder / "F01_R1_foreldre.txt"
    transcript.write_text(text, encoding="utf-8")
    with create_project(path, "Ny studie", DEFAULT_CODEBOOK, "ny") as project:
        project.add_case("F01", CaseKind.FAMILY)
        project.add_round("R1")
        report = import_files(project, [ImportItem(transcript, InterviewMeta(case="F01", round="R1"))])
        source_id = report.outcomes[0].source_id
    assert source_id is not None
    return path, source_id


async def open_source(app: CasebookApp, pilot, source_id: int) -> CodingScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert app.bench is not None
    app.push_screen(CodingScreen(app.bench, source_id))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    return screen


def screen_text(app: CasebookApp) -> str:
    """What the terminal shows, line by line, read from the SVG screenshot."""
    svg = app.export_screenshot()
    assert "\x1b" not in svg, "a raw ESC reached the terminal"
    lines: dict[int, list[str]] = {}
    for match in re.finditer(r'<text [^>]*clip-path="url\(#[^"]*-line-(\d+)\)"[^>]*>(.*?)</text>', svg):
        lines.setdefault(int(match.group(1)), []).append(html.unescape(match.group(2)))
    return "\n".join("".join(parts) for _, parts in sorted(lines.items())).replace("\xa0", " ")


def status(screen: CodingScreen) -> str:
    return str(screen.query_one("#status").render())


# ---- 1. the picker: tab applies and stays open ---------------------------------------------
async def test_tab_in_the_picker_applies_and_keeps_it_open_for_double_coding(demo: Path) -> None:
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_f01_r1(pilot)
        view = screen.query_one(TranscriptView)
        await pilot.press("right_square_bracket", "t")
        selection = view.selection
        assert selection is not None
        await pilot.press("a", *"venting", "tab")
        assert isinstance(app.screen, CodePicker)  # still open, ready for the next code
        assert "Applied Venting og vedtak" in str(app.screen.query_one("#picker-applied").render())
        await pilot.press(*"kamp", "tab", "escape")
        await pilot.pause()
        assert app.screen is screen
        coded = {(row[1], row[2], row[3]) for row in codings_by(demo, "tester")}
        assert coded == {(*selection, "familie.venting"), (*selection, "familie.kamp_belastning")}
        assert view.selection is None  # closing the picker ends the passage
        assert {s.code for s in view.spans if (s.start, s.end) == selection} >= {
            "familie.venting",
            "familie.kamp_belastning",
        }


# ---- 2. search ---------------------------------------------------------------------------------
def test_search_counts_exact_hits_and_other_word_forms_apart() -> None:
    found = search_source(TALK, "engel")
    assert _words(TALK, found.exact) == ["engel"]
    assert _words(TALK, found.other) == ["Engelen", "Englene", "Skytsengelen"]
    assert found.partial == ()
    assert _words(TALK, search_source(TALK, "barn").other) == ["barna"]
    assert _words(TALK, search_source(TALK, "møteplass").other) == ["møteplassene"]
    far = search_source(TALK, "far")
    assert _words(TALK, far.exact) == ["Far", "Far"]
    assert "får" not in _words(TALK, far.all) and _words(TALK, far.partial) == ["farlig"]
    assert _words(TALK, search_source(TALK, "får").all) == ["får"]


def test_a_compound_is_one_hit_even_when_the_word_is_inside_it() -> None:
    found = search_source(TALK, "koordinator")
    assert _words(TALK, found.all) == ["Barnekoordinatoren", "Koordinator"]
    assert _words(TALK, found.exact) == ["Koordinator"]
    phrase = search_source("Men samtykke\npå nytt, og samtykke på nytt.", "samtykke på nytt")
    assert len(phrase.exact) == 2  # a phrase is found across a line break too


async def test_search_reports_its_hits_visits_each_once_and_wraps(tmp_path: Path) -> None:
    path, source_id = new_project(tmp_path)
    app = create_app(path, "ny", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        view = screen.query_one(TranscriptView)
        await pilot.press("slash", *"engel", "enter")
        await pilot.pause()
        assert "«engel»: 1 exact · 3 other word forms · hit 1 of 4" in status(screen)
        visited = [view.text[view.cursor : view.cursor + 12].split()[0].strip(".,")]
        for _ in range(3):
            await pilot.press("full_stop")
            visited.append(view.text[view.cursor : view.cursor + 12].split()[0].strip(".,"))
        assert visited == ["Engelen", "Englene", "engel", "Skytsengelen"]
        await pilot.press("full_stop")  # past the last hit: back to the first, and it says so
        assert view.text[view.cursor :].startswith("Engelen")
        assert "search wrapped to the top" in status(screen)
        assert any("wrapped to the top" in n.message for n in app._notifications)
        await pilot.press("comma")
        assert view.text[view.cursor :].startswith("Skytsengelen")
        assert "search wrapped to the bottom" in status(screen)


# ---- 3. pinned codes ---------------------------------------------------------------------------
async def test_pinned_codes_work_in_a_new_coders_first_session_and_are_shown(tmp_path: Path) -> None:
    path, source_id = new_project(tmp_path)
    app = create_app(path, "ny", Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        strip = str(screen.query_one("#pins").render())
        assert re.search(r"1 ■Ansvarsavgr\S* +2 ■Innarbeidet", strip)  # codebook order, no codings yet
        assert "9 ■" in strip
        view = screen.query_one(TranscriptView)
        await pilot.press("right_square_bracket", "t")
        selection = view.selection
        await pilot.press("2")
        assert [row[1:4] for row in codings_by(path, "ny")] == [
            (*selection, "kognitiv.innarbeidet_praksis")  # type: ignore[misc]
        ]


async def test_configured_pins_come_first_with_their_names(tmp_path: Path) -> None:
    path, source_id = new_project(tmp_path)
    config = Config(pinned=["familie.strafferunder", "broer.koordinator", "no.such.code"])
    app = create_app(path, "ny", config)
    async with app.run_test(size=(270, 45)) as pilot:  # wide enough for every name in full
        screen = await open_source(app, pilot, source_id)
        strip = str(screen.query_one("#pins").render())
        assert "1 ■Strafferunder: avslag og klage 2 ■Koordinator og koordinerende enhet 3 ■" in strip
        assert screen.pins[:3] == [
            "familie.strafferunder",
            "broer.koordinator",
            "kognitiv.ansvarsavgrensning",
        ]


def test_pinned_names_give_way_longest_first() -> None:
    names = ["Broer", "Strafferunder: avslag og klage"]
    assert fit_names(names, 40) == names
    assert fit_names(names, 20) == ["Broer", "Strafferunder:…"]


# ---- 5. user text is data, never markup ---------------------------------------------------------
HOSTILE = (
    "I: Hva skjedde da?\n\nMor: Det var [latter] og så [/uklart] og [b]x[/b] her \x1b[2J slutt.\n\nI: Takk.\n"
)


def hostile_project(folder: Path) -> tuple[Path, int]:
    """A project whose transcript, source name, coder and code name look like markup.

    The importer refuses control characters, but a project written by another program can
    still hold one; the source is stored as such a program would store it."""
    path = folder / "hostile.casebook"
    with create_project(path, "[b]Studie[/b]", DEFAULT_CODEBOOK, "[/uklart]") as project:
        project.add_case("F01", CaseKind.FAMILY)
        pdb = project.pdb
        turns = split_turns(HOSTILE)
        new = source_store.NewSource(
            "[b]F01[/b]", HOSTILE, sha256_of(HOSTILE), "f.txt", "txt", "utf-8", turns, (None,) * len(turns)
        )
        interview = source_store.NewInterview(study_store.case_id(pdb, "F01"), None, None, "", "", "", ())
        with pdb.atomic():
            source_id = source_store.insert_source(pdb, new, interview, None)
        codebook_service.rename(project, "familie.venting", "[latter]\x1b[1m", "[/uklart]")
    return path, source_id


async def test_user_text_is_shown_verbatim_and_never_as_markup(tmp_path: Path) -> None:
    path, source_id = hostile_project(tmp_path)
    app = create_app(path, "[/uklart]", Config(pinned=["familie.venting"]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts drawn, as in a terminal
        screen = await open_source(app, pilot, source_id)
        view = screen.query_one(TranscriptView)
        shown = screen_text(app)
        assert "Det var [latter] og så [/uklart] og [b]x[/b] her ␛[2J slutt." in shown
        assert "[b]F01[/b]" in shown and "coder: [/uklart]" in shown  # the header
        assert "1 ■[latter]␛[1m" in str(screen.query_one("#pins").render())

        await pilot.press("right_square_bracket", "t", "1")  # the mother's turn, pinned code 1
        assert "as [latter]␛[1m. u undoes." in status(screen)
        line = view._index.line_of(view.spans[0].start) - int(view.scroll_offset.y)
        assert "[latter]␛[1m" in view.render_line(line).text  # the margin names the code
        assert "\x1b" not in "".join(view.render_line(y).text for y in range(6))

        await pilot.press("m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"[b]x[/b] [latter]", "ctrl+s")
        await pilot.pause()
        assert "Memo saved: «[b]x[/b] [latter]»" in status(screen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        assert "[b]x[/b] [latter]" in screen_text(app)  # the memo as written, in the editor
        assert "Memo on coding [latter]␛[1m" in screen_text(app)
        await pilot.press("escape")

        await pilot.press("t", "1")  # the same coding again is refused, with a message quoting data
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("[/uklart] already coded" in m and "[b]F01[/b]" in m for m in messages), messages
        assert "[/uklart] already coded" in screen_text(app)
    assert [row[3:] for row in codings_by(path, "[/uklart]")] == [("familie.venting", "[b]x[/b] [latter]")]


async def test_a_memo_with_a_control_character_is_edited_intact_and_shown_safely(tmp_path: Path) -> None:
    path, source_id = new_project(tmp_path)
    app = create_app(path, "ny", Config())
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot, source_id)
        saved: list[str | None] = []
        app.push_screen(MemoEditor("Memo on [b]x[/b]", "limt inn \x1b[2J [/uklart]"), saved.append)
        await pilot.pause()
        shown = screen_text(app)  # fails on a raw ESC
        assert "limt inn ␛[2J [/uklart]" in shown and "Memo on [b]x[/b]" in shown
        await pilot.press("end", *" ok", "ctrl+s")
        await pilot.pause()
    assert saved == ["limt inn \x1b[2J [/uklart] ok"]  # the text itself is never altered
