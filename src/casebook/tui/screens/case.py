"""The case screen: one family across rounds — its interviews, attribute changes and
events on the left, the change grid (themes × rounds, a direction per pair of rounds)
on the right; each count lists its passages, each direction can be set with a reason."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from casebook.errors import CasebookError
from casebook.model.changes import Assessment, ChangeGrid, Direction, DirectionSource, ThemeRow
from casebook.model.segments import Segment, SegmentFilter
from casebook.model.timeline import PlacedEvent, Timeline
from casebook.services import longitudinal
from casebook.tui import strings
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import Choice, Prompt
from casebook.tui.screens.segments import SegmentsScreen
from casebook.tui.strings import shown

ROUND = "round:"
PAIR = "pair:"


def pair_key(pair: tuple[str, str]) -> str:
    """The grid column key of a pair of rounds."""
    return f"{PAIR}{pair[0]}\t{pair[1]}"


def direction_text(found: Assessment | None) -> Text:
    """``improved`` (bold: the researcher's) or ``suggested: improved`` (dim, italic)."""
    if found is None:
        return Text("·", style="dim")
    if found.source is DirectionSource.RESEARCHER:
        return Text(found.direction.value, style="bold")
    return Text(f"{strings.CASE_SUGGESTED}: {found.direction.value}", style="dim italic")


def history_text(timeline: Timeline) -> Text:
    """Rounds with their interviews, attribute changes, values by round, events by date."""
    text = Text()
    text.append("Rounds\n", style="bold underline")
    for entry in timeline.rounds:
        text.append(shown(f"{entry.key}  {entry.label}", one_line=True) + "\n", style="bold")
        if not entry.interviews:
            text.append(f"  {strings.CASE_NOT_INTERVIEWED}\n", style="dim")
        for interview in entry.interviews:
            parts = (interview.date or "no date", interview.mode, ", ".join(interview.participants))
            text.append(shown("  " + " · ".join(p for p in parts if p), one_line=True))
            text.append(shown(f"  ({interview.source})", one_line=True) + "\n", style="dim")
    text.append("\nChanges between rounds\n", style="bold underline")
    for change in timeline.changes:
        text.append(shown(f"{change.from_round}→{change.to_round}", one_line=True) + "  ", style="dim")
        text.append(shown(str(change), one_line=True) + "\n")
    if not timeline.changes:
        text.append(f"{strings.CASE_NO_CHANGES}\n", style="dim")
    text.append("\nAttributes by round\n", style="bold underline")
    for name, values in timeline.values:
        steps = [v or "–" for v in values]
        shown_values = steps[0] if len(set(steps)) == 1 else " → ".join(steps)
        text.append(shown(f"{name}: ", one_line=True), style="bold")
        text.append(shown(shown_values, one_line=True) + "\n")
    text.append(events_text(timeline))
    return text


def events_text(timeline: Timeline) -> Text:
    """Services with their paths, then every event (services and caveats) in date order."""
    text = Text("\nServices\n", style="bold underline")
    for service in timeline.services:
        name = service.service + (f" ({service.child})" if service.child else "")
        text.append(shown(f"{name}: ", one_line=True), style="bold")
        text.append(shown(service.path, one_line=True))
        if service.strafferunde:
            text.append("  strafferunde", style="italic")
        text.append("\n")
    placed: list[PlacedEvent] = [p for s in timeline.services for p in s.events] + list(timeline.caveats)
    placed.sort(key=lambda p: (p.event.date is None, p.event.date or ""))
    text.append("\nEvents by date\n", style="bold underline")
    for item in placed:
        when = f"{item.event.date or 'no date'} ({longitudinal.event_period(timeline, item)})"
        text.append(shown(when, one_line=True) + "  ", style="dim")
        text.append(shown(item.event.label, one_line=True), style="bold")
        if item.event.note:
            text.append(" — " + shown(item.event.note, one_line=True))
        text.append("\n")
    return text


class CellSegmentsScreen(SegmentsScreen):
    """The passages one change-grid cell counts (a theme with its sub-codes, one case,
    one round), exactly as ``longitudinal.cell_segments`` gives them."""

    def __init__(self, bench: Workbench, case: str, theme: str, round_key: str) -> None:
        super().__init__(bench, theme)
        self._wanted = SegmentFilter(code=theme, case=case, round=round_key)
        self._found: list[Segment] | None = None

    def _all(self) -> list[Segment]:
        if self._found is None:
            wanted = self._wanted
            assert wanted.case is not None and wanted.round is not None and wanted.code is not None
            project = self.bench.project
            self._found = longitudinal.cell_segments(project, wanted.case, wanted.code, wanted.round)
        return self._found

    def _count(self, wanted: SegmentFilter) -> int:
        return len(self._all())

    def _page(self, wanted: SegmentFilter, offset: int, limit: int | None = None) -> list[Segment]:
        return self._all()[offset:]

    def _fixed(self) -> bool:
        self.notify(strings.CASE_CELL_FIXED, markup=False)
        return True


class CaseScreen(Screen[None]):
    """One case over the rounds: history on the left, change grid on the right."""

    AUTO_FOCUS = "#change-grid"

    DEFAULT_CSS = """
    CaseScreen #case-title { padding: 0 1; height: auto; }
    CaseScreen #case-body { height: 1fr; }
    CaseScreen #case-history { width: 1fr; min-width: 30; max-width: 60; padding: 0 1; }
    CaseScreen #case-history { border-right: tall $primary 30%; }
    CaseScreen #case-grid-pane { width: 2fr; }
    CaseScreen #change-grid { height: 1fr; }
    CaseScreen #case-cell { height: auto; max-height: 8; padding: 0 1; border-top: tall $primary 30%; }
    CaseScreen.-narrow #case-body { layout: vertical; }
    CaseScreen.-narrow #case-history { width: 1fr; height: 2fr; border-right: none; }
    CaseScreen.-narrow #case-grid-pane { width: 1fr; height: 3fr; }
    """

    BINDINGS = [
        Binding("enter", "open_cell", "Passages", id="case.open", tooltip=strings.CASE_OPEN_HELP),
        Binding("d", "direction", "Direction", id="case.direction", tooltip=strings.CASE_DIRECTION_HELP),
        Binding("escape", "back", "Back", id="case.back"),
    ]

    def __init__(self, bench: Workbench, case_key: str) -> None:
        super().__init__()
        self.bench = bench
        self.case_key = case_key
        self.grid: ChangeGrid | None = None
        self.rows: list[ThemeRow] = []
        self.columns: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-title")
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-history"):
                yield Static("", id="case-history-text")
            with Vertical(id="case-grid-pane"):
                yield DataTable(id="change-grid", cursor_type="cell", zebra_stripes=True)
                yield Static("", id="case-cell")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = shown(f"case {self.case_key}", one_line=True)
        try:
            timeline = longitudinal.timeline(self.bench.project, self.case_key)
        except CasebookError as exc:
            self._error(exc)
            return
        title = Text(shown(f"{timeline.case}  {timeline.label}", one_line=True), style="bold")
        title.append(f"   {strings.CASE_LEGEND}", style="dim")
        self.query_one("#case-title", Static).update(title)
        self.query_one("#case-history-text", Static).update(history_text(timeline))
        self.refresh_grid()

    def on_screen_resume(self) -> None:
        self.app.sub_title = shown(f"case {self.case_key}", one_line=True)

    def _error(self, exc: CasebookError) -> None:
        self.notify(shown(str(exc)), severity="error", markup=False)

    # ---- the change grid ----------------------------------------------------------------
    def refresh_grid(self) -> None:
        """Read the change grid again and redraw it, keeping the cursor where it was."""
        try:
            self.grid = grid = longitudinal.change_grid(self.bench.project, self.case_key)
        except CasebookError as exc:
            self._error(exc)
            return
        table = self.query_one("#change-grid", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("theme", key="theme", width=32)
        self.columns = ["theme"]
        for round_key in grid.rounds:
            table.add_column(Text(shown(round_key, one_line=True)), key=ROUND + round_key)
            self.columns.append(ROUND + round_key)
        for pair in grid.pairs:
            table.add_column(Text(shown(f"{pair[0]}→{pair[1]}", one_line=True)), key=pair_key(pair))
            self.columns.append(pair_key(pair))
        self.rows = list(grid.rows)
        for row in self.rows:
            style = "" if row.depth else "bold"
            name = Text("  " * row.depth + shown(row.name, one_line=True), style=style)
            counts = [
                Text(str(n), justify="right") if (n := row.count(r).segments) else Text("·", style="dim")
                for r in grid.rounds
            ]
            directions = [direction_text(grid.assessment(row.code, *pair)) for pair in grid.pairs]
            table.add_row(name, *counts, *directions, key=row.code)
        if self.rows:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
            self._show_cell()

    def cursor(self) -> tuple[ThemeRow, str] | None:
        """The highlighted theme and column key."""
        table = self.query_one("#change-grid", DataTable)
        if not self.rows:
            return None
        row, column = table.cursor_coordinate
        return self.rows[min(row, len(self.rows) - 1)], self.columns[min(column, len(self.columns) - 1)]

    def _pair(self, column: str) -> tuple[str, str] | None:
        """The pair of rounds of a direction column (None: not a direction column)."""
        if not column.startswith(PAIR):
            return None
        first, _, second = column.removeprefix(PAIR).partition("\t")
        return first, second

    def _show_cell(self) -> None:
        """What the highlighted cell stands for, below the grid."""
        at = self.cursor()
        detail = self.query_one("#case-cell", Static)
        if at is None or self.grid is None:
            detail.update("")
            return
        row, column = at
        text = Text(shown(f"{row.name} ({row.code})", one_line=True) + "\n", style="bold")
        pair = self._pair(column)
        if column.startswith(ROUND):
            count = row.count(column.removeprefix(ROUND))
            text.append(f"{count.round}: {strings.count(count.segments, 'segment')}, {count.words} words")
            if count.coders:
                text.append(shown(" · " + ", ".join(count.coders), one_line=True))
        elif pair is not None and (found := self.grid.assessment(row.code, *pair)) is not None:
            text.append(f"{pair[0]} → {pair[1]}: ")
            text.append(direction_text(found))
            if found.set_by:
                text.append(shown(f" · {found.set_by} {found.set_at}", one_line=True), style="dim")
            text.append("\n" + shown(found.reason))
        else:
            text.append(f"first: {row.first or '–'} · last: {row.last or '–'}", style="dim")
        detail.update(text)

    @on(DataTable.CellHighlighted, "#change-grid")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_cell()

    @on(DataTable.CellSelected, "#change-grid")
    def _selected(self, event: DataTable.CellSelected) -> None:
        self.action_open_cell()

    # ---- actions ------------------------------------------------------------------------
    def action_open_cell(self) -> None:
        """A count: the passages it counts. A direction: its evidence (or its basis)."""
        at = self.cursor()
        if at is None or self.grid is None:
            return
        row, column = at
        pair = self._pair(column)
        if column.startswith(ROUND):
            round_key = column.removeprefix(ROUND)
            if not row.count(round_key).segments:
                self.notify(strings.MATRIX_EMPTY_CELL, markup=False)
                return
            self.app.push_screen(CellSegmentsScreen(self.bench, self.case_key, row.code, round_key))
        elif pair is not None and (found := self.grid.assessment(row.code, *pair)) is not None:
            evidence = [e for e in found.evidence if e.found]
            if not evidence:
                self.notify(shown(f"{strings.CASE_NO_EVIDENCE} {found.reason}"), markup=False)
                return
            from casebook.tui.screens.coding import CodingScreen

            first = evidence[0]
            self.app.push_screen(CodingScreen(self.bench, first.source_id, (first.start, first.end)))
        else:
            self.notify(strings.CASE_PICK_COLUMN, markup=False)

    def action_direction(self) -> None:
        """Set (or withdraw) the researcher's direction of the highlighted theme for the
        highlighted pair of rounds (on a count: the first → last pair)."""
        at = self.cursor()
        if at is None or self.grid is None or not self.grid.pairs:
            return
        row, column = at
        pair = self._pair(column) or self.grid.pairs[-1]
        current = self.grid.assessment(row.code, *pair)
        options = [(d.value, d.value) for d in Direction]
        if current is not None and current.source is DirectionSource.RESEARCHER:
            options.append(("clear", strings.CASE_CLEAR))
        title = f"Direction of {row.name}, {pair[0]} → {pair[1]}"
        self.app.push_screen(Choice(title, options), if_text(lambda c: self._chosen(row, pair, c)))

    def _chosen(self, row: ThemeRow, pair: tuple[str, str], choice: str) -> None:
        if choice == "clear":
            self._store(row, pair, None, "")
            return
        current = self.grid.assessment(row.code, *pair) if self.grid else None
        reason = current.reason if current and current.source is DirectionSource.RESEARCHER else ""
        prompt = Prompt(f"Why {choice}? ({row.name}, {pair[0]} → {pair[1]})", reason)

        def given(text: str | None) -> None:
            if text is not None:  # escape cancels; an empty reason is refused with a message
                self._store(row, pair, Direction(choice), text)

        self.app.push_screen(prompt, given)

    def _store(self, row: ThemeRow, pair: tuple[str, str], direction: Direction | None, reason: str) -> None:
        project, case, coder = self.bench.project, self.case_key, self.bench.coder
        try:
            if direction is None:
                longitudinal.clear_direction(project, case, row.code, pair, coder)
            else:
                longitudinal.set_direction(project, case, row.code, pair, direction, reason, coder)
        except CasebookError as exc:
            self._error(exc)
            return
        self.refresh_grid()

    def action_back(self) -> None:
        self.app.pop_screen()

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            ("case: Passages", strings.CASE_OPEN_HELP, self.action_open_cell),
            ("case: Set direction", strings.CASE_DIRECTION_HELP, self.action_direction),
        ]
