"""Segments: the coded passages of a code, filtered by case, round, coder, kind, speaker,
attribute conditions and code logic; or exactly the passages of one matrix cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from casebook.errors import CasebookError
from casebook.model.matrix import Matrix, MatrixColumn
from casebook.model.segments import Segment, SegmentFilter
from casebook.services import analysis, retrieval, workbench
from casebook.tui import filter_line, strings
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Prompt
from casebook.tui.screens.segment_export import ask_export, default_target
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
FIRST_PAGE = 60
"""Rows of the first screen: a screenful and some, so the list shows at once."""


@dataclass(frozen=True)
class MatrixCell:
    """A matrix cell to list: the matrix as built, the row's code and the column."""

    built: Matrix
    code: str
    column: MatrixColumn


class SegmentsScreen(Screen[None]):
    """A table of excerpts, loaded a page at a time as the cursor nears the end of what is
    loaded; enter jumps to the passage in its transcript, e exports the whole list."""

    AUTO_FOCUS = "#segments"

    BINDINGS = [
        Binding("enter", "jump", "Go to", id="segments.jump"),
        Binding("f", "filter", "Filter", id="segments.filter", tooltip=f"Filter: {filter_line.SYNTAX}"),
        Binding("l", "logic", "Logic", id="segments.logic", tooltip=f"Code logic: {strings.LOGIC_HELP}"),
        Binding("e", "export", "Export", id="segments.export", tooltip="Export these segments to a file"),
        Binding("escape", "back", "Back", id="segments.back"),
    ]

    def __init__(self, bench: Workbench, code: str, cell: MatrixCell | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.code = code
        self.cell = cell
        self.filters: dict[str, str] = {}
        """The named filters applied (case, round, coder, kind, speaker, logic)."""
        self.where: tuple[str, ...] = ()
        """The attribute conditions applied, as typed."""
        self._wanted = SegmentFilter(code)
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
        self.names = {c.key: c.name for c in workbench.codebook(self.bench.project)}
        try:
            self._show(self._count(self._wanted), self._page(self._wanted, 0, FIRST_PAGE))
        except CasebookError as exc:
            self._error(exc)

    @property
    def wanted(self) -> SegmentFilter:
        """The filter applied (a matrix cell's segments come from one filter per source)."""
        return self._wanted

    @property
    def export_filters(self) -> tuple[SegmentFilter, ...]:
        """Filters that together select exactly the rows listed."""
        if self.cell is not None:
            return self.cell.built.drill_down(self.cell.code, self.cell.column)
        return (self._wanted,)

    def _count(self, wanted: SegmentFilter) -> int:
        if self.cell is not None:
            return self.cell.built.cell(self.cell.code, self.cell.column).segments
        return workbench.segment_count(self.bench.project, wanted)

    def _page(self, wanted: SegmentFilter, offset: int, limit: int | None = None) -> list[Segment]:
        limit = limit or PAGE
        if self.cell is not None:
            built, code, column = self.cell.built, self.cell.code, self.cell.column
            return analysis.cell_segments(self.bench.project, built, code, column, offset, limit)
        return workbench.segment_page(self.bench.project, wanted, offset, limit)

    def _error(self, exc: CasebookError) -> None:
        self.notify(shown(str(exc)), severity="error", markup=False)

    # ---- what is listed ---------------------------------------------------------------
    @property
    def subject(self) -> str:
        """What the list is of: a code's name, code logic, or a code in a matrix column."""
        if self._wanted.logic is not None:
            return str(self._wanted.logic)
        name = self.names.get(self.code, self.code)
        if self.cell is not None:
            column = self.cell.column
            return f"{name} in {'all columns' if column.total else column.label}"
        return name

    def _show(self, total: int, first: list[Segment]) -> None:
        """Show the count, what is applied, and the first page."""
        self.total = total
        if self.cell is not None:
            applied = f"matrix cell ({self.cell.built.spec.measure.value} matrix)"
        else:
            applied = filter_line.describe(self._wanted) or "no filter"
        title = f" {strings.count(total, 'segment')} of {self.subject} · {applied}"
        self.app.sub_title = shown(f"segments of {self.subject}", one_line=True)
        self.query_one("#segments-title", Static).update(Text(shown(title, one_line=True), style="bold"))
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
        if loaded >= self.total or row < loaded - FIRST_PAGE // 2:
            return
        try:
            self._add_rows(self._page(self._wanted, loaded))
        except CasebookError as exc:
            self._error(exc)

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

    # ---- filters ----------------------------------------------------------------------
    def _fixed(self) -> bool:
        """A matrix cell lists what the cell counted: its filters are the matrix's."""
        if self.cell is not None:
            self.notify(strings.CELL_FIXED, markup=False)
        return self.cell is not None

    def action_filter(self) -> None:
        if self._fixed():
            return
        current = filter_line.describe(self._wanted)
        prompt = Prompt(f"Filter: {filter_line.SYNTAX} (empty clears)", current)
        self.app.push_screen(prompt, self._filtered)

    def _filtered(self, value: str | None) -> None:
        if value is None:
            return
        try:
            line = filter_line.read(value)
        except CasebookError as exc:
            self._error(exc)
            return
        self.apply(line.fields, line.where)

    def action_logic(self) -> None:
        if self._fixed():
            return
        current = self.filters.get("logic") or f"{self.code} AND "
        self.app.push_screen(Prompt(strings.LOGIC_PROMPT, current), self._logic_given)

    def _logic_given(self, value: str | None) -> None:
        if value is None:
            return
        fields = {k: v for k, v in self.filters.items() if k != "logic"}
        if value.strip():
            fields["logic"] = value.strip()
        self.apply(fields, self.where)

    def apply(self, fields: dict[str, str], where: Sequence[str]) -> bool:
        """Apply named filters and conditions; on any error say so once and keep the old
        filter. The services read and check every part, as for ``casebook segments``."""
        logic = fields.get("logic")
        try:
            wanted = retrieval.segment_filter(
                code=None if logic else self.code,
                case=fields.get("case"),
                round_key=fields.get("round"),
                coder=fields.get("coder"),
                kind=fields.get("kind"),
                speaker=fields.get("speaker"),
                where=tuple(where),
                logic=logic,
            )
            retrieval.check(self.bench.project, wanted)
            total, first = self._count(wanted), self._page(wanted, 0, FIRST_PAGE)
        except CasebookError as exc:
            self._error(exc)
            return False
        self.filters, self.where, self._wanted = dict(fields), tuple(where), wanted
        self._show(total, first)
        return True

    # ---- actions ------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self.total:
            self.notify(strings.EXPORT_NOTHING, markup=False)
            return
        applied = "" if self.cell is not None else filter_line.describe(self._wanted)
        title = f"Utdrag: {self.subject}" + (f" ({applied})" if applied else "")
        names = [self.code, self.cell.column.key or "none"] if self.cell is not None else [self.code]
        ask_export(
            self.app, self.bench, self.export_filters, title, self.total, default_target(self.bench, *names)
        )

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

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            ("segments: Filter", filter_line.SYNTAX, self.action_filter),
            ("segments: Code logic", strings.LOGIC_HELP, self.action_logic),
            ("segments: Export", "Write these segments to .docx, .md, .csv or .xlsx", self.action_export),
        ]
