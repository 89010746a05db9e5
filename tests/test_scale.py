"""A whole study stays fast: queries use their indexes, the segments screen loads pages,
and cached coverage is always what the codings say. (Timings live in bench/, not here.)"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from casebook.model.segments import SegmentFilter
from casebook.services import workbench
from casebook.services.project import Project
from casebook.storage import coverage_store
from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.screens import segments as segments_screen
from tests.test_tui import SIZE


def plan(path: Path, sql: str, *params: object) -> str:
    """SQLite's query plan for ``sql``, as one string."""
    conn = sqlite3.connect(path)
    try:
        return " | ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        conn.close()


def test_hot_queries_use_their_indexes(demo: Path) -> None:
    with Project.open(demo):
        pass  # brings the copy to the newest schema
    find = (
        'SELECT id FROM codings WHERE source_id = ? AND start = ? AND "end" = ? AND code_id = ?'
        " AND coder_id = ?"
    )
    assert "COVERING INDEX codings_one" in plan(demo, find, 1, 0, 5, 1, 1)
    counts = "SELECT code_id, coder_id, count(*) FROM codings GROUP BY code_id, coder_id"
    assert "COVERING INDEX codings_code_coder" in plan(demo, counts)
    page = (
        'SELECT source_id, start, "end" FROM codings WHERE code_id IN (1, 2) AND coder_id = 1'
        " ORDER BY source_id, start"
    )
    assert "COVERING INDEX codings_code_coder" in plan(demo, page)
    speaker = "SELECT speaker FROM turns WHERE source_id = ? AND start <= ? ORDER BY start DESC LIMIT 1"
    assert "INDEX turns_span" in plan(demo, speaker, 1, 100)


def test_pages_of_segments_are_the_whole_list_in_order(demo: Path) -> None:
    with Project.open(demo) as project:
        wanted = SegmentFilter("familie")
        everything = workbench.code_segments(project, "familie")
        assert workbench.segment_count(project, wanted) == len(everything) > 20
        pages = [workbench.segment_page(project, wanted, at, 7) for at in range(0, len(everything), 7)]
        assert [s for p in pages for s in p] == everything
        one_case = workbench.segment_page(project, SegmentFilter("familie", case="F02", coder="ida"), 0, 500)
        assert one_case and all(s.source.case == "F02" and s.coder == "ida" for s in one_case)


async def test_the_segments_screen_loads_pages_as_you_scroll(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segments_screen, "PAGE", 10)
    monkeypatch.setattr(segments_screen, "FIRST_PAGE", 10)
    with Project.open(demo) as project:
        everything = workbench.code_segments(project, "familie")
    app = create_app(demo, "tester", Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.bench is not None
        app.push_screen(segments_screen.SegmentsScreen(app.bench, "familie"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, segments_screen.SegmentsScreen)
        assert len(screen.segments) == 10 and screen.total == len(everything)
        title = str(screen.query_one("#segments-title").render())
        assert f"{len(everything)} segments of" in title  # the whole count, not the page
        for _ in range(len(everything) // 5 + 2):
            await pilot.press("pagedown")
        await pilot.pause()
        assert [s.coding_id for s in screen.segments] == [s.coding_id for s in everything]


def test_cached_coverage_follows_every_change_of_codings(demo: Path) -> None:
    with Project.open(demo) as project:
        grid = workbench.grid(project)  # fills the cache
        cell = next(c for cells in grid.cells.values() for c in cells if c.coded_chars)
        source = cell.source
        before = cell.coded_chars
        text = workbench.open_source(project, source.id).text
        spans = [(c.start, c.end) for c in workbench.codings_of(project, source.id)]
        free = next(i for i in range(len(text) - 10) if all(e <= i or s >= i + 10 for s, e in spans))
        coding_id = workbench.apply(project, source.id, free, free + 10, "familie.venting", "tester")
        after = {c.source.id: c for cs in workbench.grid(project).cells.values() for c in cs}[source.id]
        assert after.coded_chars == before + 10 and "tester" in after.coders
        workbench.remove(project, coding_id, "tester")
        again = {c.source.id: c for cs in workbench.grid(project).cells.values() for c in cs}[source.id]
        assert again.coded_chars == before and "tester" not in again.coders
        recomputed = coverage_store._compute(project.pdb, [source.id])[source.id][0]
        assert recomputed == before


def test_each_coding_keeps_exactly_the_text_it_covers_and_check_notices_a_changed_one(
    run_cli, demo: Path
) -> None:
    with Project.open(demo) as project:
        found = workbench.code_segments(project, "familie")
        texts = {s.source.id: workbench.open_source(project, s.source.id).text for s in found}
        assert found and all(s.text == texts[s.source.id][s.start : s.end] for s in found)
        coding_id = workbench.apply(project, found[0].source.id, 0, 7, "familie.venting", "tester")
    conn = sqlite3.connect(demo)
    try:
        assert conn.execute("SELECT excerpt FROM codings WHERE id = ?", [coding_id]).fetchone() == (
            texts[found[0].source.id][0:7],
        )  # cut by the database itself, whoever inserts the coding
        with conn:
            conn.execute("UPDATE codings SET excerpt = 'x' || excerpt WHERE id = ?", [coding_id])
            conn.execute("UPDATE codings SET excerpt = upper(excerpt) WHERE id = ?", [found[0].coding_id])
    finally:
        conn.close()
    quick = json.loads(run_cli("check", "--json", project=demo).stdout)["problems"]
    thorough = json.loads(run_cli("check", "--thorough", "--json", project=demo).stdout)["problems"]
    assert [p for p in quick if "excerpt" in p] == [
        f"coding {coding_id}: its stored excerpt is not the text of 0-7"
    ]
    assert {p.split(":")[0] for p in thorough if "excerpt" in p} == {
        f"coding {coding_id}",
        f"coding {found[0].coding_id}",
    }
