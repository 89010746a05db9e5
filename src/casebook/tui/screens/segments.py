"""Segments: every coded passage of a code, filtered by case, round and coder."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from casebook.errors import CasebookError
from casebook.model.segments import Segment, SegmentFilter
from casebook.services import workbench
from casebook.tui import strings
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Prompt
from casebook.tui.strings import shown


def open_segments(app: App[Any], bench: Workbench) -> None:
    """Ask for a code, then show its segments."""
    codes = workbench.codebook(bench.project)
    app.push_screen(
        CodePicker(codes, bench.recent, "Segments of which code?"),
        lambda picked: picked and app.push_screen(SegmentsScreen(bench, picked[0])),
    )


PAGE = 200
"""Rows fetched at a time: the table holds what has been scrolled to, not the whole code."""


class SegmentsScreen(Screen[None]):
    """A table of excerpts, loaded a page at a time as the cursor nears the end of what is
    loaded; enter jumps to the passage in its transcript."""

    AUTO_FOCUS = "#segments"

    BINDINGS = [
        Binding("enter", "jump", "Go to", id="segments.jump"),
        Binding("f", "filter", "Filter", id="segments.filter", tooltip="case=F01 round=R2 coder=ida"),
        Binding("escape", "back", "Back", id="segments.back"),
    ]

    def __init__(self, bench: Workbench, code: str) -> None:
        super().__init__()
        self.bench = bench
        self.code = code
        self.filters: dict[str, str] = {}
        self.segments: list[Segment] = []
        self.total = 0
        self.names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="segments-title")
        yield DataTable(id="segments", cursor_type="row", zebra_stripes=True)
        yield Static("", id="segment-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = shown(f"segments of {self.code}", one_line=True)
        self._load()
        self.query_one(DataTable).focus()

    @property
    def wanted(self) -> SegmentFilter:
        """The code and the filters applied."""
        f = self.filters
        return SegmentFilter(self.code, f.get("case"), f.get("round"), f.get("coder"))

    def _load(self) -> None:
        """Count the segments, show the first page and the title."""
        try:
            self.total = workbench.segment_count(self.bench.project, self.wanted)
            first = workbench.segment_page(self.bench.project, self.wanted, 0, PAGE)
        except CasebookError as exc:
            self.notify(shown(str(exc)), severity="error", markup=False)
            return
        filters = " ".join(f"{k}={v}" for k, v in self.filters.items()) or "no filter"
        self.names = {c.key: c.name for c in workbench.codebook(self.bench.project)}
        title = f" {strings.count(self.total, 'segment')} of {self.names.get(self.code, self.code)}"
        self.query_one("#segments-title", Static).update(
            Text(shown(f"{title} · {filters} · f filter · enter go to", one_line=True), style="bold")
        )
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for column in ("case", "round", "source", "speaker", "code", "coder", "excerpt"):
            table.add_column(column, key=column)
        self.segments = []
        self._add_rows(first)
        self._show_detail(0)

    def _add_rows(self, found: list[Segment]) -> None:
        table = self.query_one(DataTable)
        for segment in found:
            excerpt = " ".join(segment.text.split())
            cells = (
                segment.source.case or "",
                segment.source.round or "",
                segment.source.name,
                segment.speaker or "",
                self.names.get(segment.code, segment.code),
                segment.coder,
                excerpt if len(excerpt) < 90 else excerpt[:87] + "…",
            )
            table.add_row(*(Text(shown(cell, one_line=True)) for cell in cells))
        self.segments.extend(found)

    def _load_more(self, row: int) -> None:
        """Fetch the next page when the cursor is within half a page of the loaded end."""
        loaded = len(self.segments)
        if loaded >= self.total or row < loaded - PAGE // 2:
            return
        try:
            self._add_rows(workbench.segment_page(self.bench.project, self.wanted, loaded, PAGE))
        except CasebookError as exc:
            self.notify(shown(str(exc)), severity="error", markup=False)

    def _show_detail(self, row: int) -> None:
        """The whole excerpt of the highlighted segment, verbatim, below the table."""
        detail = self.query_one("#segment-detail", Static)
        if not self.segments:
            detail.update("")
            return
        segment = self.segments[min(row, len(self.segments) - 1)]
        where = f"{segment.source.name} {segment.start}-{segment.end} · {segment.speaker or '-'}"
        text = Text(shown(where, one_line=True) + "\n", style="dim")
        text.append(shown(segment.text))
        if segment.memo:
            text.append("\nmemo: ", style="bold")
            text.append(shown(segment.memo))
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)
        self._load_more(event.cursor_row)

    def action_filter(self) -> None:
        current = " ".join(f"{k}={v}" for k, v in self.filters.items())
        self.app.push_screen(
            Prompt("Filter: case=F01 round=R2 coder=ida (empty clears)", current), self._filtered
        )

    def _filtered(self, value: str | None) -> None:
        if value is None:
            return
        filters = {}
        for part in value.split():
            name, sep, wanted = part.partition("=")
            if not sep or name not in ("case", "round", "coder") or not wanted:
                self.notify(
                    shown(f"Unknown filter {part!r}: use case=, round= or coder="),
                    severity="error",
                    markup=False,
                )
                return
            filters[name] = wanted
        self.filters = filters
        self._load()

    def action_jump(self) -> None:
        table = self.query_one(DataTable)
        if not self.segments:
            return
        segment = self.segments[table.cursor_row]
        from casebook.tui.screens.coding import CodingScreen

        self.app.push_screen(CodingScreen(self.bench, segment.source.id, (segment.start, segment.end)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_jump()

    def action_back(self) -> None:
        self.app.pop_screen()
