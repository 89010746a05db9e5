"""The matrix screen: codes (as an indented tree) × cases, rounds or an attribute's values,
counted as segments, cases or words, with each column's denominator; enter on a cell lists
exactly the passages it counted. The rules live in ``casebook.model.matrix``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from casebook.errors import CasebookError
from casebook.model.attributes import AttributeScope
from casebook.model.matrix import ColumnAxis, Matrix, MatrixColumn, MatrixSpec, Measure, case_unit
from casebook.model.study import CaseKind
from casebook.services import analysis
from casebook.tui import strings
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import Choice
from casebook.tui.strings import shown

AXES = [ColumnAxis.CASES, ColumnAxis.ROUNDS, ColumnAxis.ATTRIBUTE]
MEASURES = list(Measure)
KINDS: list[CaseKind | None] = [CaseKind.FAMILY, CaseKind.MUNICIPALITY, CaseKind.OTHER, None]


def cell_label(value: int, share: float | None, percent: bool) -> Text:
    """A cell right-aligned: the count, or its share of the column's n (``<1%``, ``–``)."""
    if percent:
        label = "–" if share is None else "<1%" if 0 < share < 0.5 else f"{share:.0f}%"
    else:
        label = str(value)
    return Text(label, justify="right", style="dim" if not value else "")


class MatrixScreen(Screen[None]):
    """Codes × columns; the first row, pinned, is each column's n (what a share is of)."""

    AUTO_FOCUS = "#matrix"

    BINDINGS = [
        Binding("enter", "drill", "Passages", id="matrix.drill", tooltip="List the passages of this cell"),
        Binding(
            "c", "cycle_columns", "Columns", id="matrix.columns", tooltip="Cases, rounds, attribute values"
        ),
        Binding(
            "a", "choose_attribute", "Attribute", id="matrix.attribute", tooltip="Columns by an attribute"
        ),
        Binding(
            "m", "cycle_measure", "Measure", id="matrix.measure", tooltip="Count segments, cases or words"
        ),
        Binding("p", "toggle_percent", "Percent", id="matrix.percent", tooltip="Shares of each column's n"),
        Binding("k", "cycle_kind", "Kind", id="matrix.kind", tooltip="Families, municipalities, other, all"),
        Binding("t", "toggle_roots", "Tree/roots", show=False, id="matrix.roots", tooltip="Root codes only"),
        Binding("escape", "back", "Back", id="matrix.back"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.spec = MatrixSpec()
        self.attribute: str | None = None
        """The attribute chosen last (the columns axis returns to it)."""
        self.percent = False
        self.built: Matrix | None = None
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="matrix-title")
        yield DataTable(id="matrix", cursor_type="cell", fixed_rows=1, fixed_columns=1, zebra_stripes=True)
        yield Static("", id="matrix-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = shown(f"matrix · coder: {self.bench.coder}", one_line=True)
        self.rebuild(self.spec)

    def on_screen_resume(self) -> None:
        self.app.sub_title = shown(f"matrix · coder: {self.bench.coder}", one_line=True)
        if self._shown:  # back from a drill-down, where codings may have changed
            self.rebuild(self.spec)
        self._shown = True

    # ---- building and drawing ---------------------------------------------------------
    def rebuild(self, spec: MatrixSpec) -> bool:
        """Count anew with ``spec``; on an error say so once and keep the matrix shown."""
        try:
            built = analysis.matrix(self.bench.project, spec)
        except CasebookError as exc:
            self.notify(shown(str(exc)), severity="error", markup=False)
            return False
        self.spec, self.built = spec, built
        self._draw()
        return True

    @property
    def columns(self) -> list[MatrixColumn]:
        """The columns as drawn after the code column: each case/round/value, then the total."""
        return [*self.built.columns, self.built.total] if self.built else []

    def _draw(self) -> None:
        assert self.built is not None
        built, table = self.built, self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        names = [Text(shown("  " * r.depth + r.name, one_line=True)) for r in built.rows]
        table.add_column("code", width=self._code_width(names), key="code")
        for index, column in enumerate(built.columns):
            table.add_column(Text(shown(column.key or column.label, one_line=True)), key=f"c{index}")
        table.add_column("total", key="total")
        unit = built.denominator(built.total).unit
        table.add_row(  # the first row, pinned: what each column's shares are of
            Text(f"n ({unit})", style="italic"),
            *(Text(str(built.denominator(c).count), justify="right", style="italic") for c in self.columns),
        )
        for row, name in zip(built.rows, names, strict=True):
            name.stylize("bold" if row.depth == 0 else "")
            cells = [
                cell_label(built.value(row.code, c), built.percent(row.code, c), self.percent)
                for c in self.columns
            ]
            table.add_row(name, *cells)
        first = cursor if cursor.row else Coordinate(1, cursor.column)  # start on a code, not on n
        table.cursor_coordinate = table.validate_cursor_coordinate(first)
        self._title()
        self._detail()

    def _code_width(self, names: list[Text]) -> int:
        """The code column as wide as its longest name, leaving the numbers their room
        (at least 20 cells: a wide matrix scrolls sideways, the code column stays)."""
        assert self.built is not None
        built = self.built
        numbers = sum(
            max(len(c.key or c.label), len(str(built.denominator(c).count)), 4 if self.percent else 1) + 2
            for c in self.columns
        )
        return min(max([8, *(len(n) for n in names)]), max(20, self.size.width - numbers - 6))

    def _title(self) -> None:
        spec = self.spec
        what = (
            spec.attribute if spec.columns is ColumnAxis.ATTRIBUTE else spec.columns.value.removesuffix("s")
        )
        scope = case_unit(spec.kind) if spec.kind else "all kinds of case"
        shares = " · % of each column's n" if self.percent else ""
        title = f" {spec.measure.value.capitalize()} per code × {what} ({scope}){shares}"
        self.query_one("#matrix-title", Static).update(Text(shown(title, one_line=True), style="bold"))

    def at_cursor(self) -> tuple[str, MatrixColumn] | None:
        """The code and column under the cursor (the code column stands for the total);
        None on the n row."""
        if self.built is None:
            return None
        row, col = self.query_one(DataTable).cursor_coordinate
        if not 0 < row <= len(self.built.rows):
            return None
        column = self.built.total if col == 0 else self.columns[min(col, len(self.columns)) - 1]
        return self.built.rows[row - 1].code, column

    def _detail(self) -> None:
        """The cell under the cursor in words: value, share of n, passages behind it."""
        out = self.query_one("#matrix-detail", Static)
        here = self.at_cursor()
        if self.built is None or here is None:
            out.update(Text(strings.MATRIX_N_ROW, style="dim"))
            return
        built, (code, column) = self.built, here
        row = next(r for r in built.rows if r.code == code)
        where = "all columns" if column.total else column.label
        share = built.percent(code, column)
        text = Text(shown(f"{row.name} ({code}) × {where}", one_line=True) + "\n", style="bold")
        value = built.value(code, column)
        text.append(f"{value} {self.spec.measure.value}")
        text.append(f" · {'–' if share is None else f'{share:.1f}%'} of {built.denominator(column)}")
        segments = built.cell(code, column).segments
        text.append(f" · enter lists its {strings.count(segments, 'segment')}", style="dim")
        out.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._detail()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        self.action_drill()

    # ---- actions ------------------------------------------------------------------------
    def action_drill(self) -> None:
        here = self.at_cursor()
        if self.built is None or here is None:
            self.notify(strings.MATRIX_N_ROW, markup=False)
            return
        code, column = here
        if not self.built.cell(code, column).segments:
            self.notify(strings.MATRIX_EMPTY_CELL, markup=False)
            return
        from casebook.tui.screens.segments import MatrixCell, SegmentsScreen

        self.app.push_screen(SegmentsScreen(self.bench, code, MatrixCell(self.built, code, column)))

    def action_cycle_columns(self) -> None:
        axis = AXES[(AXES.index(self.spec.columns) + 1) % len(AXES)]
        if axis is ColumnAxis.ATTRIBUTE and self.attribute is None:
            self.action_choose_attribute()
            return
        attribute = self.attribute if axis is ColumnAxis.ATTRIBUTE else None
        if not self.rebuild(replace(self.spec, columns=axis, attribute=attribute)):
            self.rebuild(replace(self.spec, columns=ColumnAxis.CASES, attribute=None))

    def action_choose_attribute(self) -> None:
        project = self.bench.project
        hidden = analysis.municipality_attributes(project)
        options = [
            (a.name, f"{a.name}  ({a.scope.value}{': ' + a.description if a.description else ''})")
            for a in project.attributes()
            if a.scope in (AttributeScope.CASE, AttributeScope.SOURCE) and a.name not in hidden
        ]
        if not options:
            self.notify(strings.MATRIX_NO_ATTRIBUTES, markup=False)
            return
        self.app.push_screen(Choice(strings.MATRIX_ATTRIBUTE, options), if_text(self._attribute_chosen))

    def _attribute_chosen(self, name: str) -> None:
        if self.rebuild(replace(self.spec, columns=ColumnAxis.ATTRIBUTE, attribute=name)):
            self.attribute = name

    def action_cycle_measure(self) -> None:
        measure = MEASURES[(MEASURES.index(self.spec.measure) + 1) % len(MEASURES)]
        self.rebuild(replace(self.spec, measure=measure))

    def action_toggle_percent(self) -> None:
        self.percent = not self.percent
        self._draw()

    def action_cycle_kind(self) -> None:
        kind = KINDS[(KINDS.index(self.spec.kind) + 1) % len(KINDS)]
        self.rebuild(replace(self.spec, kind=kind))

    def action_toggle_roots(self) -> None:
        self.rebuild(replace(self.spec, roots_only=not self.spec.roots_only))

    def action_back(self) -> None:
        self.app.pop_screen()

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            ("matrix: Cycle columns", "Cases, rounds, an attribute's values", self.action_cycle_columns),
            (
                "matrix: Columns by attribute",
                "Choose the attribute whose values are columns",
                self.action_choose_attribute,
            ),
            ("matrix: Cycle measure", "Segments, cases, words", self.action_cycle_measure),
            ("matrix: Toggle percent", "Counts or shares of each column's n", self.action_toggle_percent),
            ("matrix: Cycle kind of case", "Families, municipalities, other, all", self.action_cycle_kind),
            ("matrix: Toggle root codes", "The whole code tree or only its roots", self.action_toggle_roots),
            ("matrix: List passages", "The passages the cell under the cursor counted", self.action_drill),
        ]
