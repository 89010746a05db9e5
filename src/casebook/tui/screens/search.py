"""Search across sources: the speaker turns of every current source that hold the words
(exact phrase, or with word forms each word in any form); enter opens the transcript with
the match selected, so that ``a`` codes it. æ, ø and å are never folded."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from casebook.errors import CasebookError
from casebook.model.search import SearchHit
from casebook.services import retrieval
from casebook.tui import strings
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import SafeInput
from casebook.tui.strings import shown

PAGE = 100
"""Hits fetched at a time; more are read as the cursor nears the end."""
LEAD = 24
"""Characters kept before the first match in the table's snippet column."""


def snippet_text(hit: SearchHit, lead: int = LEAD) -> Text:
    """The hit's snippet on one line, starting shortly before the first match, with every
    match in it in bold reverse (the text is the researcher's data: never markup)."""
    snippet, offset = hit.snippet, hit.snippet_start
    first = hit.matches[0][0] - offset if hit.matches else 0
    cut = max(0, first - lead)
    while 0 < cut < first and not snippet[cut - 1].isspace():
        cut += 1
    text = Text("…" if cut else "")
    text.append(shown(snippet[cut:], one_line=True))
    shift = len(text) - len(snippet) + cut
    for start, end in hit.matches:
        a, b = start - offset - cut + shift, end - offset - cut + shift
        if 0 <= a < b <= len(text):
            text.stylize("bold reverse", a, b)
    return text


class SearchScreen(Screen[None]):
    """A query box over a table of hits (case, round, source, speaker, snippet)."""

    AUTO_FOCUS = "#search-query"

    BINDINGS = [
        Binding("enter", "open_hit", "Open", id="search.open", tooltip="Open the transcript at the match"),
        Binding("ctrl+f", "toggle_forms", "Word forms", id="search.forms", tooltip="Exact words or any form"),
        Binding("slash", "focus_query", "Query", id="search.query", tooltip="Back to the query box"),
        Binding("escape", "back", "Back", id="search.back"),
    ]

    def __init__(self, bench: Workbench, query: str = "", forms: bool = False) -> None:
        super().__init__()
        self.bench = bench
        self.query_text = query
        self.forms = forms
        self.ready = False
        """Whether the word forms are loaded (a worker loads them when the screen opens)."""
        self.pending = False
        """A word-form search waits for the worker."""
        self.hits: list[SearchHit] = []
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield SafeInput(self.query_text, placeholder=strings.SEARCH_ACROSS_HINT, id="search-query")
            yield Static("", id="search-mode")
        yield Static("", id="search-summary")
        yield DataTable(id="search-results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="search-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "search across sources"
        table = self.query_one(DataTable)
        for column in ("case", "round", "source", "speaker", "text"):
            table.add_column(column, key=column)
        self._show_mode()
        self._say(strings.SEARCH_ACROSS_START)
        # Through the workbench's own connection (it only reads): opening the project file a
        # second time in this process would drop SQLite's locks on it (POSIX locks are per
        # process), and another casebook could then delete the write-ahead log in use.
        project = self.bench.project
        self.run_worker(
            lambda: retrieval.prepare_search(project), thread=True, name="search-forms", exit_on_error=False
        )
        if self.query_text:
            self.run_search()

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "search-forms":
            return
        if event.state is WorkerState.SUCCESS:
            self.ready = True
            self._show_mode()
            if self.pending:
                self.pending = False
                self.run_search()
        elif event.state is WorkerState.ERROR:
            self.notify(shown(f"Word forms could not be loaded: {event.worker.error}"), markup=False)

    # ---- searching ----------------------------------------------------------------------
    def _show_mode(self) -> None:
        mark = "■" if self.forms else "□"
        state = "" if self.ready else " (loading…)"
        self.query_one("#search-mode", Static).update(Text(f" {mark} word forms{state}  ctrl+f "))

    def _say(self, text: str, style: str = "dim") -> None:
        self.query_one("#search-summary", Static).update(Text(shown(text, one_line=True), style=style))

    def run_search(self) -> None:
        """Search for the query box's words; with word forms, once they are loaded."""
        query = self.query_one("#search-query", Input).value
        self.query_text = query
        if not query.strip():
            self._say(strings.SEARCH_ACROSS_START)
            return
        if self.forms and not self.ready:
            self.pending = True
            self._say(strings.SEARCH_ACROSS_WAIT)
            return
        try:
            result = retrieval.search(self.bench.project, query, self.forms, limit=PAGE)
        except CasebookError as exc:
            self.notify(shown(str(exc)), severity="error", markup=False)
            return
        self.total = result.total
        self.hits = []
        self.query_one(DataTable).clear()
        self._add_rows(list(result.hits))
        words = sorted({t for group in result.terms for t in group})
        mode = f"word forms: {', '.join(words)}" if self.forms else "the exact words"
        self._say(f"«{query.strip()}»: {strings.count(result.total, 'turn')} · {mode}", style="bold")
        self._show_detail(0)
        if self.hits:
            self.query_one(DataTable).focus()

    def _add_rows(self, hits: list[SearchHit]) -> None:
        table = self.query_one(DataTable)
        lead = max(8, min(LEAD, (self.size.width - 50) // 2))  # the match stays in sight when narrow
        for hit in hits:
            source = hit.source
            cells = [source.case or "", source.round or "", source.name, hit.participant or hit.speaker or ""]
            table.add_row(*(Text(shown(c, one_line=True)) for c in cells), snippet_text(hit, lead))
        self.hits.extend(hits)

    def _load_more(self, row: int) -> None:
        loaded = len(self.hits)
        if loaded >= self.total or row < loaded - PAGE // 2:
            return
        try:
            result = retrieval.search(
                self.bench.project, self.query_text, self.forms, offset=loaded, limit=PAGE
            )
        except CasebookError as exc:
            self.notify(shown(str(exc)), severity="error", markup=False)
            return
        self._add_rows(list(result.hits))

    def _show_detail(self, row: int) -> None:
        """The highlighted hit's snippet, whole, with where it is and the words matched."""
        detail = self.query_one("#search-detail", Static)
        if not self.hits:
            detail.update("")
            return
        hit = self.hits[min(row, len(self.hits) - 1)]
        found = ", ".join(dict.fromkeys(hit.matched))
        where = f"{hit.source.name} · turn {hit.start}-{hit.end} · {strings.count(len(hit.matches), 'match')}"
        text = Text(shown(f"{where}: {found}", one_line=True) + "\n", style="dim")
        text.append_text(snippet_text(hit, lead=len(hit.snippet)))
        detail.update(text)

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_search()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)
        self._load_more(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_hit()

    # ---- actions ------------------------------------------------------------------------
    def action_open_hit(self) -> None:
        """Open the hit's transcript with its first match selected (``a`` codes it)."""
        if not self.hits:
            return
        hit = self.hits[self.query_one(DataTable).cursor_row]
        span = hit.matches[0] if hit.matches else (hit.start, hit.end)
        from casebook.tui.screens.coding import CodingScreen

        self.app.push_screen(CodingScreen(self.bench, hit.source.id, span))

    def action_toggle_forms(self) -> None:
        self.forms = not self.forms
        self._show_mode()
        if self.query_one("#search-query", Input).value.strip():
            self.run_search()

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            (
                "search: Toggle word forms",
                "Exact words, or every form of each word",
                self.action_toggle_forms,
            ),
            ("search: Open hit", "The transcript with the match selected", self.action_open_hit),
        ]
