"""The workbench screens outside the coding screen, as a new researcher meets them: the
codebook (adding, renaming, arrows, whose counts), the overview's enter, help at 80x24, and
user text that looks like markup or carries control characters, shown verbatim everywhere."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Input, Static

from casebook.model.counts import CodeCount
from casebook.services import codebook as codebook_service
from casebook.services import tree, workbench
from casebook.services.project import Project
from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.dialogs.simple import Choice, Confirm, Prompt
from casebook.tui.screens.codebook import CodebookScreen
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.help import HelpScreen
from casebook.tui.screens.overview import OverviewScreen
from casebook.tui.screens.segments import SegmentsScreen
from casebook.tui.widgets.code_tree import CodeTree
from tests.conftest import ROOT, write_study

BIG = (160, 45)
SMALL = (80, 24)


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def screen_text(app: App[None]) -> str:
    """Every cell of the terminal as drawn, dialogs and notifications included."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def rendered(widget: Static) -> str:
    return str(widget.render())


def whose_counts(path: Path, coder: str) -> dict[str, tuple[int, int]]:
    """Per root code: (coder's, others') codings of it and every code below it, straight from
    the file (current source versions only)."""
    rows = query(
        path,
        "WITH RECURSIVE below(root, id) AS (SELECT id, id FROM codes WHERE parent_id IS NULL"
        " UNION ALL SELECT b.root, c.id FROM codes c JOIN below b ON c.parent_id = b.id)"
        " SELECT r.key, sum(k.name = ?), sum(k.name <> ?) FROM below b JOIN codes r ON r.id = b.root"
        " JOIN codings g ON g.code_id = b.id JOIN coders k ON k.id = g.coder_id"
        " WHERE NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = g.source_id) GROUP BY r.key",
        coder,
        coder,
    )
    return {str(key): (int(str(mine)), int(str(others))) for key, mine, others in rows}


def tree_lines(app: App[None]) -> list[str]:
    code_tree = app.screen.query_one(CodeTree)
    return [code_tree.render_line(y).text.rstrip() for y in range(code_tree.last_line + 1)]


async def test_tree_counts_say_whose_and_names_and_counts_fit(demo: Path) -> None:
    expected = whose_counts(demo, "ida")
    names = dict(query(demo, "SELECT key, name FROM codes WHERE parent_id IS NULL"))
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert "counts: ida + other coders" in screen_text(app)
        lines = tree_lines(app)
        for key, (mine, others) in expected.items():
            line = next(line for line in lines if f" {names[key]} " in line)
            assert line.endswith(f" {mine}+{others}"), line  # whole name, whole count: yours+theirs
        detail = rendered(app.screen.query_one("#code-detail", Static))
        mine, others = expected["kognitiv"]
        assert f"{mine + others} codings (ida {mine} · {others} others) with sub-codes" in detail


async def test_counts_leave_superseded_versions_out_and_add_up_to_the_code_count(
    run_cli, project_path: Path, tmp_path: Path
) -> None:
    assert run_cli("init").exit_code == 0
    assert run_cli("study", "load", str(write_study(tmp_path))).exit_code == 0
    source = tmp_path / "F01_R1.txt"
    source.write_text("I: Hvordan gikk det?\n\nMor: Vi ventet lenge.\n", encoding="utf-8")
    assert run_cli("import", str(source), "--case", "F01", "--round", "R1").exit_code == 0
    assert run_cli("code", "F01_R1", "0", "5", "familie.venting", "--coder", "ida").exit_code == 0
    assert run_cli("code", "F01_R1", "0", "5", "familie.venting", "--coder", "ola").exit_code == 0
    with Project.open(project_path) as project:
        assert tree.code_counts(project, "ida")["familie.venting"] == CodeCount(mine=1, others=1)
    source.write_text("I: Hvordan gikk det?\n\nMor: Vi ventet lenge. Veldig lenge.\n", encoding="utf-8")
    assert run_cli("import", str(source), "--case", "F01", "--round", "R1").exit_code == 0
    with Project.open(project_path) as project:
        assert "familie.venting" not in tree.code_counts(project, "ida")  # only the old version has them


def test_whose_counts_add_up_to_what_the_codebook_counts(demo: Path) -> None:
    with Project.open(demo) as project:
        counts = tree.code_counts(project, "ida")
        codes = workbench.codebook(project)
    assert sum(c.mine for c in counts.values()) > 0 and sum(c.others for c in counts.values()) > 0
    for code in codes:
        count = counts.get(code.key)
        assert (count.total if count else 0) == code.codings, code.key


async def test_arrows_open_and_close_codes_and_add_asks_where(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG) as pilot:
        await pilot.press("c")
        await pilot.pause()
        code_tree = app.screen.query_one(CodeTree)
        assert code_tree.cursor_node is not None and code_tree.cursor_node.data == "kognitiv"
        await pilot.press("right")
        assert code_tree.cursor_node.is_expanded
        assert any("Ansvarsavgrensning" in line for line in tree_lines(app))
        await pilot.press("left")
        assert not code_tree.cursor_node.is_expanded
        assert not any("Ansvarsavgrensning" in line for line in tree_lines(app))
        await pilot.press("a")
        choice = app.screen
        assert isinstance(choice, Choice)
        assert [label for _, label in choice.options] == [
            "Under Kognitiv distanse (kognitiv)",
            "At the top level (a new main code)",
        ]
        await pilot.press("enter")  # under the highlighted code
        prompt = app.screen
        assert isinstance(prompt, Prompt)
        await pilot.press(*"ny")
        assert prompt.query_one(Input).value == "kognitiv.ny"  # typing goes after the prefix
        await pilot.press("enter", *"Ny", "enter")
        await pilot.pause()
        assert code_tree.cursor_node is not None and code_tree.cursor_node.data == "kognitiv.ny"
        await pilot.press("a", "down", "down", "enter")  # under, beside, at the top level
        await pilot.press(*"topp")
        assert app.screen.query_one(Input).value == "topp"
        await pilot.press("enter", *"Topp", "enter")
        await pilot.pause()
    parents = dict(query(demo, "SELECT c.key, p.key FROM codes c LEFT JOIN codes p ON p.id = c.parent_id"))
    assert parents["kognitiv.ny"] == "kognitiv" and parents["topp"] is None


async def test_after_a_rename_the_detail_panel_shows_the_new_name_at_once(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG, notifications=True) as pilot:
        await pilot.press("c")
        await pilot.pause()
        detail = app.screen.query_one("#code-detail", Static)
        assert rendered(detail).startswith("Kognitiv distanse")
        await pilot.press("right", "r", "ctrl+u", *"Tenkemåter", "enter")
        assert rendered(detail).startswith("Tenkemåter")
        await pilot.pause()
        lines = tree_lines(app)
        assert lines[0].startswith("▼ ■ Tenkemåter") and "Ansvarsavgrensning" in lines[1]  # still open
        assert "Renamed kognitiv to Tenkemåter" in screen_text(app)


async def test_enter_opens_the_round_under_the_cursor(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "right", "right", "right", "enter")  # F03, R2
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen) and coding.source is not None
        assert (coding.source.case, coding.source.round) == ("F03", "R2")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("up", "up", "enter")  # F01, R2: two interviews, asks which
        choice = app.screen
        assert isinstance(choice, Choice) and choice.title_text == "Open which source of F01 · R2?"
        assert [label.split()[0] for _, label in choice.options] == ["F01_R2_foreldre", "P1_barnekoordinator"]
        await pilot.press("down", "enter")
        await pilot.pause()
        chosen = app.screen
        assert isinstance(chosen, CodingScreen) and chosen.source is not None
        assert chosen.source.name == "P1_barnekoordinator"


async def test_help_shows_every_id_whole_at_80x24(demo: Path) -> None:
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        ids = [row[2] for row in app.screen.rows]
        assert {"codebook.add", "codebook.segments", "tree.expand", "tree.collapse", "app.theme"} <= set(ids)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing cut at the right
        text = screen_text(app)
        for binding_id in ids[:5]:
            assert re.search(rf"\b{re.escape(binding_id)}\b", text), binding_id
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert re.search(r"\^t +Theme +app\.theme", screen_text(app))
        await pilot.press("escape")
        assert isinstance(app.screen, CodebookScreen)


STRAFFE = "[b]Straffe[/b]runder [latter]"
VENTING = "Venting\x1b[2J og vedtak"


def mark_up(path: Path) -> None:
    """User text that looks like markup or carries ESC, put where the screens show it."""
    with Project.open(path) as project:
        codebook_service.rename(project, "familie.strafferunder", STRAFFE, "ida")
        codebook_service.rename(project, "familie.venting", VENTING, "ida")
        target = workbench.memo_target(project, "code", "familie.strafferunder")
        workbench.set_memo(project, "code", target, "[b]x[/b]", "ida")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE cases SET label = 'Familie [/uklart] 1' WHERE key = 'F01'")
        conn.execute("UPDATE persons SET label = 'Mor [/uklart]' WHERE code = '1a'")
        conn.execute(
            "UPDATE codings SET memo = '[latter] \x1b[31m[/uklart]' WHERE id IN (SELECT g.id FROM codings g"
            " JOIN codes c ON c.id = g.code_id WHERE c.key = 'familie.strafferunder')"
        )
    conn.close()


async def test_user_text_is_shown_verbatim_never_as_markup_or_raw_escapes(demo: Path) -> None:
    mark_up(demo)
    app = create_app(demo, "ida", Config())
    async with app.run_test(size=BIG, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        text = screen_text(app)
        assert "F01  Familie [/uklart] 1" in text and "1a  Mor [/uklart] · mor" in text
        await pilot.press("c")
        await pilot.pause()
        code_tree = app.screen.query_one(CodeTree)
        code_tree.go_to("familie.strafferunder")
        await pilot.pause()
        text = screen_text(app)
        assert f"■ {STRAFFE} −" in text  # the tree
        detail = app.screen.query_one("#code-detail", Static)
        assert rendered(detail).startswith(f"{STRAFFE}\n") and f"▊  {STRAFFE}\n" in text  # the detail panel
        assert "Memo: [b]x[/b]" in text
        code_tree.go_to("familie.venting")
        await pilot.pause()
        text = screen_text(app)
        assert "Venting␛[2J og vedtak" in text and "\x1b" not in text
        code_tree.go_to("familie.strafferunder")
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, Confirm)
        assert f"Delete {STRAFFE} (familie.strafferunder) and its" in screen_text(app)
        await pilot.press("n")
        await pilot.press("s")
        await pilot.pause()
        segments = app.screen
        assert isinstance(segments, SegmentsScreen) and segments.segments
        text = screen_text(app)
        assert f"segments of {STRAFFE}" in text  # the title
        table = segments.query_one(DataTable)
        assert str(table.get_cell_at((0, 4))) == STRAFFE  # the table's code column
        assert "memo: [latter] ␛[31m[/uklart]" in text and "\x1b" not in text  # the detail pane
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        app.screen.query_one(Input).value = "[i]Ny[/i] \x1b[latter]"
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Renamed familie.strafferunder to [i]Ny[/i] ␛[latter]" in text  # the notification
        assert "\x1b" not in text
    assert query(demo, "SELECT name FROM codes WHERE key = 'familie.strafferunder'") == [
        ("[i]Ny[/i] \x1b[latter]",)
    ]


def test_overview_and_segments_screens_reach_the_data_through_services_only() -> None:
    front = [
        ROOT / "src/casebook/tui/screens/overview.py",
        ROOT / "src/casebook/tui/screens/segments.py",
        *sorted((ROOT / "src/casebook/cli").glob("*.py")),
    ]
    for path in front:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"casebook\.(queries|text|importing)\b", source), path.name
