"""The study overview: cases x rounds, how much is coded and by whom; open a source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from casebook.model.attributes import AttributeValue
from casebook.model.overview import Grid, SourceCoverage
from casebook.model.study import Person
from casebook.services import workbench
from casebook.tui import strings
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import Choice, Prompt
from casebook.tui.strings import shown

KINDS = ["all", "family", "municipality", "other"]
CELL_WIDTH = 22


def cell_text(sources: list[SourceCoverage]) -> Text:
    """``■ 2 sources 85% 2 coders`` with a symbol for how far coding has come (the case panel
    names the coders: a cell never shows a cut name such as ``ida,ol``)."""
    if not sources:
        return Text("·", style="dim")
    chars = sum(s.source.chars for s in sources)
    coded = sum(s.coded_chars for s in sources)
    percent = round(100 * coded / chars) if chars else 0
    symbol, style = ("■", "green") if percent >= 80 else ("◧", "yellow") if percent else ("□", "")
    coders = sorted({c for s in sources for c in s.coders})
    text = Text(f"{symbol} ", style=style)
    text.append(f"{strings.count(len(sources), 'source')} {percent}%")
    who = shown(coders[0], one_line=True) if len(coders) == 1 else ""
    who = strings.count(len(coders), "coder") if len(coders) > 1 else who
    if who and len(text) + 1 + len(who) <= CELL_WIDTH:  # never a cut name: the panel lists them all
        text.append(f" {who}", style="dim")
    return text


class OverviewScreen(Screen[None]):
    """The first screen: every case and round at a glance."""

    AUTO_FOCUS = "#grid"

    BINDINGS = [
        Binding("enter", "open", "Open", id="overview.open", tooltip="Open the interview in this cell"),
        Binding(
            "k", "cycle_kind", "Kind", id="overview.kind", tooltip="Show families, municipalities or all"
        ),
        Binding(
            "slash", "filter", "Filter", id="overview.filter", tooltip="Filter by text or attribute=value"
        ),
        Binding(
            "o",
            "case",
            "Case",
            show=False,
            id="overview.case",
            tooltip="The case under the cursor across rounds",
        ),
        Binding("c", "codebook", "Codebook", id="overview.codebook"),
        Binding("s", "segments", "Segments", id="overview.segments"),
        Binding(
            "m",
            "matrix",
            "Matrix",
            show=False,
            id="overview.matrix",
            tooltip="Codes × cases, rounds or values",
        ),
        Binding(
            "F", "search", "Search", show=False, id="overview.search", tooltip="Search across every source"
        ),
        Binding("r", "refresh", "Refresh", show=False, id="overview.refresh"),
        Binding("i", "import_manifest", "Import", id="overview.import", tooltip="Import a manifest CSV"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.kind = "all"
        self.text_filter = ""
        self.grid: Grid | None = None
        self.rows: list[str] = []
        self._shown = False
        self._values: dict[str, list[AttributeValue]] | None = None
        self._persons: list[Person] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="overview-body"):
            with Vertical(id="grid-pane"):
                yield Input(
                    placeholder="filter: text, or attribute=value (e.g. region=Vestlandet)", id="grid-filter"
                )
                yield DataTable(id="grid", cursor_type="cell", zebra_stripes=True)
            yield Static("", id="case-details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#grid-filter").display = False
        self.app.sub_title = f"study overview · coder: {self.bench.coder}"
        self.action_refresh()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.app.sub_title = f"study overview · coder: {self.bench.coder}"
        if self._shown:  # back from coding: coverage has changed
            self.action_refresh()
        self._shown = True

    def action_refresh(self) -> None:
        """Read the study again (after coding or an import) and redraw."""
        self.grid = workbench.grid(self.bench.project)
        self._values = None
        self._persons = None
        self._draw()

    def _attribute_values(self) -> dict[str, list[AttributeValue]]:
        """Every case's attribute values, read once per refresh (filters reuse them)."""
        if self._values is None:
            self._values = workbench.case_attribute_map(self.bench.project)
        return self._values

    def _draw(self) -> None:
        """Draw the grid read last, with the kind and text filters applied (no reading)."""
        assert self.grid is not None
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("Case", key="case", width=max([4, *(len(c.key) for c in self.grid.cases)]))
        table.add_column("Kind", key="kind", width=12)
        for round_ in self.grid.rounds:
            label = shown(round_.key, one_line=True) + (" (baseline)" if round_.baseline else "")
            table.add_column(Text(label), key=round_.key, width=CELL_WIDTH)
        if any(k[1] is None for k in self.grid.cells):
            table.add_column("no round", key="-", width=CELL_WIDTH)
        self.rows = []
        values = self._attribute_values() if self.text_filter.strip() else {}
        for case in self.grid.cases:
            if not self._visible(case.key, case.kind.value, case.label, values.get(case.key, [])):
                continue
            cells: list[Any] = [Text(shown(case.key, one_line=True), style="bold"), Text(case.kind.value)]
            cells += [cell_text(self.grid.cell(case.key, r.key)) for r in self.grid.rounds]
            if len(table.columns) > len(self.grid.rounds) + 2:
                cells.append(cell_text(self.grid.cell(case.key, None)))
            table.add_row(*cells, key=case.key)
            self.rows.append(case.key)
        if self.rows:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
            self._details(self.rows[table.cursor_coordinate.row])

    def _visible(self, key: str, kind: str, label: str, values: list[AttributeValue]) -> bool:
        if self.kind != "all" and kind != self.kind:
            return False
        query = self.text_filter.strip().casefold()
        if not query:
            return True
        if "=" in query:
            name, _, wanted = (part.strip() for part in query.partition("="))
            return any(v.attribute.casefold() == name and wanted in v.value.casefold() for v in values)
        haystack = " ".join([key, kind, label] + [v.value for v in values]).casefold()
        return query in haystack

    def _details(self, case_key: str) -> None:
        assert self.grid is not None
        case = next(c for c in self.grid.cases if c.key == case_key)
        text = Text()
        text.append(shown(f"{case.key}  {case.label}", one_line=True) + "\n", style="bold")
        text.append(f"{case.kind.value}\n\n", style="dim")
        history: dict[str, list[str]] = {}
        for value in self._attribute_values().get(case_key, []):
            step = f"{value.round}: {value.value}" if value.round else value.value
            history.setdefault(value.attribute, []).append(step)
        for name, steps in history.items():
            text.append(f"{shown(name, one_line=True)}: ", style="bold")
            text.append(shown(" → ".join(steps), one_line=True) + "\n")
        if self._persons is None:
            self._persons = self.bench.project.persons()
        persons = [p for p in self._persons if case_key in p.cases]
        if persons:
            text.append("\npersons:\n", style="bold")
            for person in persons:
                about = " · ".join(part for part in (person.label, person.profession or person.role) if part)
                text.append(shown(f"  {person.code}  {about}", one_line=True) + "\n")
        codings = sum(
            s.coded_chars > 0
            for r in [*self.grid.rounds, None]
            for s in self.grid.cell(case_key, r.key if r else None)
        )
        cells = [s for r in [*self.grid.rounds, None] for s in self.grid.cell(case_key, r.key if r else None)]
        coders = sorted({c for s in cells for c in s.coders})
        if coders:
            text.append("\ncoders: ", style="bold")
            text.append(shown(", ".join(coders), one_line=True) + "\n")
        text.append(f"\nsources with codings: {codings}", style="dim")
        self.query_one("#case-details", Static).update(text)

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate.row < len(self.rows):
            self._details(self.rows[event.coordinate.row])

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        if not self.rows or self.grid is None:
            return
        table = self.query_one(DataTable)
        row, column = table.cursor_coordinate
        case_key = self.rows[row]
        round_keys: list[str | None] = [r.key for r in self.grid.rounds] + [None]
        if column >= 2:
            sources = self.grid.cell(case_key, round_keys[column - 2])
        else:
            sources = [s for r in round_keys for s in self.grid.cell(case_key, r)]
        if not sources:
            self.notify("No interview here yet.")
        elif len(sources) == 1:
            self._open(sources[0].source.id)
        else:
            options = [
                (str(s.source.id), shown(f"{s.source.name}  ({s.source.round or '–'}, {s.percent}% coded)"))
                for s in sources
            ]
            where = case_key if column < 2 else f"{case_key} · {round_keys[column - 2] or 'no round'}"
            self.app.push_screen(
                Choice(shown(f"Open which source of {where}?"), options),
                if_text(lambda c: self._open(int(c))),
            )

    def _open(self, source_id: int) -> None:
        from casebook.tui.screens.coding import CodingScreen

        self.app.push_screen(CodingScreen(self.bench, source_id))

    def action_cycle_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.notify(f"Showing: {self.kind}")
        self._draw()

    def action_filter(self) -> None:
        box = self.query_one("#grid-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#grid-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.text_filter = event.value
        self._draw()

    @on(Input.Submitted, "#grid-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.query_one(DataTable).focus()

    def action_case(self) -> None:
        if not self.rows:
            return
        from casebook.tui.screens.case import CaseScreen

        row = self.query_one(DataTable).cursor_coordinate.row
        self.app.push_screen(CaseScreen(self.bench, self.rows[row]))

    def action_codebook(self) -> None:
        from casebook.tui.screens.codebook import CodebookScreen

        self.app.push_screen(CodebookScreen(self.bench))

    def action_segments(self) -> None:
        from casebook.tui.screens.segments import open_segments

        open_segments(self.app, self.bench)

    def action_matrix(self) -> None:
        from casebook.tui.screens.matrix import MatrixScreen

        self.app.push_screen(MatrixScreen(self.bench))

    def action_search(self) -> None:
        from casebook.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.bench))

    def action_import_manifest(self) -> None:
        prompt = Prompt(
            "Import the transcripts of a manifest CSV (its study.toml is read too)",
            "",
            "path/to/manifest.csv",
        )
        self.app.push_screen(prompt, if_text(self._import))

    def _import(self, path: str) -> None:
        from casebook.tui.screens import jobs

        self.notify(shown(f"Importing {path} …"), markup=False)
        jobs.import_manifest(self.app, self.bench.project.path, Path(path).expanduser(), self.action_refresh)

    def action_export_codebook(self) -> None:
        prompt = Prompt("Export the codebook to (.qdc for REFI-QDA, .toml for casebook)", "kodebok.qdc")
        self.app.push_screen(prompt, if_text(self._export))

    def _export(self, path: str) -> None:
        from casebook.tui.screens import jobs

        jobs.export_codebook(self.app, self.bench.project.path, Path(path).expanduser())

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            (
                "sources: Import manifest",
                "Import transcripts listed in a manifest CSV",
                self.action_import_manifest,
            ),
            ("codebook: Export", "Write the codebook as REFI-QDA .qdc or TOML", self.action_export_codebook),
            ("source: Open", "Open the interview under the cursor", self.action_open),
            ("cases: Filter", "Filter cases by text or attribute=value", self.action_filter),
            ("cases: Cycle kind", "Families, municipalities, other, all", self.action_cycle_kind),
            ("case: Open", "The case under the cursor across rounds", self.action_case),
            ("codebook: Show", "Browse and edit the codebook", self.action_codebook),
            ("segments: Show", "All codings of a code", self.action_segments),
        ]
