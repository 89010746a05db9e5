"""The coding screen: transcript in the centre, codebook beside it, definition below."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from casebook.errors import CasebookError, NotYours
from casebook.model.codes import Code
from casebook.model.counts import CodeCount
from casebook.model.sources import Source
from casebook.services import search, workbench
from casebook.services import tree as tree_service
from casebook.tui import strings
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Choice, Confirm, Prompt
from casebook.tui.screens.memo_actions import MemoActions
from casebook.tui.screens.suggestion_review import SUGGESTION_BINDINGS, SuggestionReview
from casebook.tui.strings import shown
from casebook.tui.undo import Step
from casebook.tui.widgets.code_tree import CodeTree
from casebook.tui.widgets.definition import describe
from casebook.tui.widgets.layout import fit_names
from casebook.tui.widgets.suggestion_bar import SuggestionBar
from casebook.tui.widgets.transcript import Span, TranscriptView

INTERVIEWER = {
    "i",
    "int",
    "intervjuer",
    "intervjuar",
    "interviewer",
    "forsker",
    "forskar",
    "forsker 1",
    "forsker 2",
}


class CodingScreen(MemoActions, SuggestionReview, Screen[None]):
    """Code one source. Every change can be undone with u and redone with ctrl+r; the
    suggester's proposals are reviewed here too (P, > <, y Y r: see SuggestionReview)."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = [
        Binding("a", "apply", "Code", id="coding.apply", tooltip="Apply a code to the selection"),
        Binding("x", "remove", "Uncode", id="coding.remove", tooltip="Remove a code at the cursor"),
        Binding("n", "next_coding(1)", "Next coding", show=False, id="coding.next"),
        Binding("N", "next_coding(-1)", "Previous coding", show=False, id="coding.previous"),
        Binding(
            "right_square_bracket",
            "next_uncoded(1)",
            "Next uncoded turn",
            show=False,
            id="coding.next_uncoded",
        ),
        Binding(
            "left_square_bracket",
            "next_uncoded(-1)",
            "Previous uncoded turn",
            show=False,
            id="coding.prev_uncoded",
        ),
        Binding("u", "undo", "Undo", id="coding.undo"),
        Binding(
            "o",
            "toggle_others",
            "Others",
            show=False,
            id="coding.others",
            tooltip="Show or hide other coders' codings",
        ),
        Binding("ctrl+r", "redo", "Redo", show=False, id="coding.redo"),
        Binding(
            "m",
            "memo",
            "Memo",
            id="coding.memo",
            tooltip="Memo on the coding at the cursor, or on the source",
        ),
        Binding("M", "memo_other", "Memo on…", show=False, id="coding.memo_other"),
        Binding("slash", "search", "Search", id="coding.search"),
        Binding("full_stop", "next_hit(1)", "Next hit", show=False, id="coding.next_hit"),
        Binding("comma", "next_hit(-1)", "Previous hit", show=False, id="coding.prev_hit"),
        Binding("f", "filter_codes", "Filter codes", show=False, id="coding.filter"),
        Binding("tab", "switch_focus", "Tree/text", show=False, id="coding.switch"),
        Binding("escape", "back", "Back", id="coding.back"),
        Binding("c", "codebook", "Codebook", show=False, id="coding.codebook"),
        Binding("S", "segments", "Segments of code", show=False, id="coding.segments"),
        *[
            Binding(str(n), f"pinned({n})", f"Pinned {n}", show=False, id=f"coding.pinned_{n}")
            for n in range(1, 10)
        ],
        *SUGGESTION_BINDINGS,
    ]

    def __init__(self, bench: Workbench, source_id: int, goto: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.source_id = source_id
        self.goto = goto
        self.codes: list[Code] = []
        self.hits: list[tuple[int, int]] = []
        self._found = ""  # what the last search found, for the status line
        self.source: Source | None = None
        self.pins: list[str] = []
        self.show_others = True
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="coding-body"):
            with Vertical(id="codebook-pane"):
                yield Input(placeholder="filter codes (f)", id="code-filter")
                yield CodeTree(id="code-tree")
            yield TranscriptView(id="transcript")
        yield SuggestionBar("", id="suggestion-bar")
        yield Static("", id="definition")
        yield Static("", id="pins")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        view = workbench.open_source(self.bench.project, self.source_id)
        self.source = view.source
        self.codes = workbench.codebook(self.bench.project)
        self.pins = workbench.pinned(self.bench.project, self.bench.coder, self.bench.config.pinned)
        transcript = self.query_one(TranscriptView)
        transcript.speaker_styles = self._speaker_styles(view.turns)
        transcript.load(view.text, view.turns, self._spans(view.codings), view.units)
        self.query_one(CodeTree).show_codes(self.codes, counts=self._counts())
        self._show_pins()  # focus: AUTO_FOCUS puts it on the transcript once, after mounting
        if self.goto:
            self.call_after_refresh(transcript.select, *self.goto)
        self._update_header()
        self.call_after_refresh(self.load_suggestions)  # stored ones show at once, after the first paint
        self._status("t turn · s sentence · v mark · a code · 1-9 pinned · x uncode · u undo · ? help")

    # ---- helpers ------------------------------------------------------------------
    def _counts(self) -> dict[str, CodeCount]:
        """Codings per code, yours and other coders' (the tree shows both)."""
        return tree_service.code_counts(self.bench.project, self.bench.coder)

    def _speaker_styles(self, turns: list[Any]) -> dict[str, Style]:
        styles = {}
        for turn in turns:
            if turn.speaker and turn.speaker not in styles:
                interviewer = turn.speaker.casefold() in INTERVIEWER
                styles[turn.speaker] = Style(dim=True) if interviewer else Style(bold=True, color="cyan")
        return styles

    def _spans(self, codings: list[workbench.CodedSpan]) -> list[Span]:
        me = self.bench.coder
        return [
            Span(c.id, c.start, c.end, c.code, c.name, c.color, c.coder == me)
            for c in codings
            if self.show_others or c.coder == me
        ]

    def action_toggle_others(self) -> None:
        """Show or hide the other coders' codings (they stay in the project either way)."""
        self.show_others = not self.show_others
        self._reload()
        self._status("Showing every coder's codings." if self.show_others else "Showing only your codings.")

    @property
    def spans(self) -> list[Span]:
        """The coded spans as drawn."""
        return self.query_one(TranscriptView).spans

    def _reload(self) -> None:
        self.codes = workbench.codebook(self.bench.project)
        codings = workbench.codings_of(self.bench.project, self.source_id, self.codes)
        self.query_one(TranscriptView).set_spans(self._spans(codings))
        tree = self.query_one(CodeTree)
        tree.show_codes(self.codes, self.query_one("#code-filter", Input).value, self._counts())
        self._show_pins()  # a code may have been renamed
        self._update_header()
        self.load_suggestions()  # coding a passage may settle a suggestion for it

    def _update_header(self) -> None:
        source = self.source
        if source is None:
            return
        percent = workbench.coded_percent(source.chars, [(s.start, s.end) for s in self.spans])
        self.app.sub_title = shown(
            f"{source.case or '–'} · {source.round or '–'} · {source.name}"
            f"{'' if source.current else f' (v{source.version}, old)'} · {percent}% coded"
            f" · coder: {self.bench.coder}",
            one_line=True,
        )

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(shown(text, one_line=True), style="dim"))

    def _tell(self, text: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        """A notification; its text (which may quote the researcher's data) is never markup."""
        self.notify(shown(text), severity=severity, timeout=timeout, markup=False)

    def _error(self, exc: CasebookError) -> None:
        self._tell(str(exc), severity="error", timeout=6)

    def _show_pins(self) -> None:
        """The line naming the codes on the number keys: ``pinned  1 Barnekoordinator  2 …``."""
        names = [shown(code.name if (code := self._code(key)) else key, one_line=True) for key in self.pins]
        line = Text(" pinned ", style="dim")
        if not names:
            line.append(strings.PINS_NONE, style="dim")
        room = self.app.size.width - len(line) - 4 * len(names) - 1
        for number, name in enumerate(fit_names(names, room), 1):
            code = self._code(self.pins[number - 1])
            line.append(f" {number}", style="bold")
            line.append(" ■" if code else " ", style=code.color if code else "")
            line.append(name)
        line.no_wrap, line.overflow = True, "ellipsis"
        self.query_one("#pins", Static).update(line)

    def on_resize(self, event: events.Resize) -> None:
        if self.pins and self.is_mounted:
            self._show_pins()

    def _code(self, key: str) -> Code | None:
        return next((c for c in self.codes if c.key == key), None)

    # ---- coding ---------------------------------------------------------------------
    def action_apply(self) -> None:
        """Open the code picker: enter applies a code and closes, tab applies and stays open."""
        transcript = self.query_one(TranscriptView)
        if transcript.selection is None:
            self._tell("Select a passage first: t turn, s sentence, v to mark, or drag with the mouse.")
            return
        applied: list[str] = []

        def apply_more(key: str) -> str:
            name = self._code_name(key)
            if not self.apply_code(key, keep_selection=True):
                return strings.PICKED_FAILED.format(name=name)
            applied.append(key)
            return strings.PICKED_MORE.format(name=name, n=len(applied))

        picker = CodePicker(self.codes, self.bench.recent + self.pins, apply_more=apply_more)
        self.app.push_screen(picker, lambda result: self._picked(result, applied))

    def _picked(self, result: tuple[str, bool] | None, applied: list[str]) -> None:
        if result is not None:
            self.apply_code(result[0])
        elif applied:  # closed after tab applied codes: the passage is done
            self.query_one(TranscriptView).clear_selection()

    def action_pinned(self, number: int) -> None:
        if number - 1 < len(self.pins):
            self.apply_code(self.pins[number - 1])
        else:
            self._tell(strings.PIN_MISSING.format(number=number))

    def _code_name(self, key: str) -> str:
        code = self._code(key)
        return code.name if code else key

    def apply_code(self, key: str, keep_selection: bool = False) -> bool:
        """Code the current selection with ``key`` (undoable); False when nothing was coded."""
        selection = self.query_one(TranscriptView).selection
        if selection is None:
            self._tell("Select a passage first: t turn, s sentence, v to mark.")
            return False
        start, end = selection
        project, coder = self.bench.project, self.bench.coder
        try:
            holder = [workbench.apply(project, self.source_id, start, end, key, coder)]
        except CasebookError as exc:
            self._error(exc)
            return False
        self.bench.used(key)

        def undo() -> None:
            workbench.remove(project, holder[0], coder)

        def redo() -> None:
            holder[0] = workbench.apply(project, self.source_id, start, end, key, coder)

        self.bench.history.push(Step(f"code {key}", undo, redo, self.source_id))
        transcript = self.query_one(TranscriptView)
        if not keep_selection:
            transcript.clear_selection()
        code = self._code(key)
        if code is None:  # the codebook changed under us: redraw everything
            self._reload()
        else:  # the common case, kept cheap: draw one span, bump one count
            transcript.add_span(Span(holder[0], start, end, key, code.name, code.color))
            self.codes = [
                dataclasses.replace(c, codings=c.codings + 1) if c.key == key else c for c in self.codes
            ]
            self.query_one(CodeTree).update_counts(self.codes)
            self._update_header()
            if self.open_suggestions:  # a passage coded by hand settles its suggestion
                self.load_suggestions()
        self._status(f"Coded {end - start} characters as {code.name if code else key}. u undoes.")
        return True

    def _codings_at_cursor(self) -> list[Span]:
        """Codings under the selection, else at the cursor, else ending right before it
        (where the cursor stands after coding a passage)."""
        cursor = self.query_one(TranscriptView).cursor
        selection = self.query_one(TranscriptView).selection
        lo, hi = selection if selection else (cursor, cursor + 1)
        here = [s for s in self.spans if s.start < hi and s.end > lo]
        return here or ([s for s in self.spans if s.end == cursor] if not selection else [])

    def action_remove(self) -> None:
        here = self._codings_at_cursor()
        if not here:
            self._tell("No coding at the cursor.")
        elif len(here) == 1:
            self._remove(here[0].id)
        else:
            options = [(str(s.id), f"{s.label}  ({s.code}, {s.end - s.start} chars)") for s in here]
            self.app.push_screen(
                Choice("Remove which coding?", options), if_text(lambda c: self._remove(int(c)))
            )

    def _remove(self, coding_id: int, confirmed: bool = False) -> None:
        project, coder = self.bench.project, self.bench.coder
        try:
            removed = [workbench.remove(project, coding_id, coder, allow_other=confirmed)]
        except NotYours as exc:
            question = f"This coding is {exc.owner}'s, not yours. Remove {exc.owner}'s coding?"
            self.app.push_screen(
                Confirm(question), lambda yes: self._remove(coding_id, confirmed=True) if yes else None
            )
            return
        except CasebookError as exc:
            self._error(exc)
            return

        def undo() -> None:
            removed[0] = dataclasses.replace(removed[0], id=workbench.restore(project, removed[0]))

        def redo() -> None:
            removed[0] = workbench.remove(project, removed[0].id, coder, allow_other=confirmed)

        self.bench.history.push(Step(f"uncode {removed[0].code}", undo, redo, self.source_id))
        self._reload()
        self._status(f"Removed {removed[0].code}. u undoes.")

    def action_undo(self) -> None:
        try:
            label = self.bench.history.undo(self.source_id)
        except CasebookError as exc:
            self._error(exc)
            return
        self._reload()
        self._status(f"Undid: {label}" if label else "Nothing to undo.")

    def action_redo(self) -> None:
        try:
            label = self.bench.history.redo(self.source_id)
        except CasebookError as exc:
            self._error(exc)
            return
        self._reload()
        self._status(f"Redid: {label}" if label else "Nothing to redo.")

    # ---- navigation -------------------------------------------------------------------
    def action_next_coding(self, direction: int) -> None:
        transcript = self.query_one(TranscriptView)
        starts = sorted({s.start for s in self.spans})
        cursor = transcript.cursor
        target = (
            next((s for s in starts if s > cursor), None)
            if direction > 0
            else next((s for s in reversed(starts) if s < cursor), None)
        )
        if target is None:
            self._tell("No more codings in that direction.")
            return
        span = min((s for s in self.spans if s.start == target), key=lambda s: s.end)
        transcript.select(span.start, span.end)

    def action_next_uncoded(self, direction: int) -> None:
        transcript = self.query_one(TranscriptView)
        turns = transcript.turns
        index = transcript.turn_at(transcript.cursor)
        order = range(index + 1, len(turns)) if direction > 0 else range(index - 1, -1, -1)
        for i in order:
            turn = turns[i]
            if turn.speaker and turn.speaker.casefold() in INTERVIEWER:
                continue
            if not any(s.start < turn.end and s.end > turn.body_start for s in self.spans):
                transcript.go_to(turn.body_start)
                return
        self._tell("No uncoded turn in that direction.")

    def action_switch_focus(self) -> None:
        tree, transcript = self.query_one(CodeTree), self.query_one(TranscriptView)
        (transcript if tree.has_focus else tree).focus()

    def action_filter_codes(self) -> None:
        self.query_one("#code-filter", Input).focus()

    @on(Input.Changed, "#code-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.query_one(CodeTree).show_codes(self.codes, event.value)

    @on(Input.Submitted, "#code-filter")
    def _filter_done(self) -> None:
        self.query_one(CodeTree).focus()

    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        code = self._code(event.code)
        if code is None:
            return
        text = describe(code, full=False)
        self.query_one("#definition", Static).update(text)

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self.apply_code(event.code)

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        if self.review_selection(event.selection):  # the suggestion under review, or its edited span
            return
        if event.selection:
            start, end = event.selection
            self._status(f"Selected {end - start} characters ({start}–{end}). a codes it, 1-9 pinned codes.")

    # ---- search ----------------------------------------------------------------------
    def action_search(self) -> None:
        """Ask for words to find; the word-form dictionaries load while the researcher types."""
        text = self.query_one(TranscriptView).text
        self.run_worker(lambda: search.prepare(text), thread=True, exclusive=True, group="search-prepare")
        self.app.push_screen(Prompt(strings.SEARCH_PROMPT), self._search)

    def _search(self, query: str | None) -> None:
        transcript = self.query_one(TranscriptView)
        if not query or not query.strip():
            self.hits, self._found = [], ""
            transcript.set_hits([])
            return
        found = search.search_source(transcript.text, query)
        self.hits = found.all
        transcript.set_hits(self.hits)
        if not self.hits:
            self._found = ""
            self._status(strings.SEARCH_NONE.format(query=found.query))
            return
        self._found = strings.search_summary(
            found.query, len(found.exact), len(found.other), len(found.partial)
        )
        self._next_hit(1, transcript.cursor - 1)  # a hit right at the cursor comes first

    def action_next_hit(self, direction: int) -> None:
        """Go to the next (or previous) hit, wrapping around at the end (or the start)."""
        self._next_hit(direction, self.query_one(TranscriptView).cursor)

    def _next_hit(self, direction: int, cursor: int) -> None:
        if not self.hits:
            self._status(strings.SEARCH_NO_QUERY)
            return
        transcript = self.query_one(TranscriptView)
        last = len(self.hits) - 1
        if direction > 0:
            index = next((i for i, hit in enumerate(self.hits) if hit[0] > cursor), None)
            wrapped, index = (True, 0) if index is None else (False, index)
        else:
            index = next((i for i in range(last, -1, -1) if self.hits[i][0] < cursor), None)
            wrapped, index = (True, last) if index is None else (False, index)
        transcript.go_to(self.hits[index][0])
        where = f"hit {index + 1} of {last + 1}"
        if wrapped:
            message = strings.SEARCH_WRAPPED_TOP if direction > 0 else strings.SEARCH_WRAPPED_BOTTOM
            self._tell(message.capitalize() + ".", timeout=3)
            where += f" ({message})"
        self._status(f"{self._found} · {where} · . next, , previous")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_codebook(self) -> None:
        from casebook.tui.screens.codebook import CodebookScreen

        self.app.push_screen(CodebookScreen(self.bench))

    def action_segments(self) -> None:
        from casebook.tui.screens.segments import SegmentsScreen, open_segments

        node = self.query_one(CodeTree).cursor_node
        if node is not None and node.data:
            self.app.push_screen(SegmentsScreen(self.bench, node.data))
        else:
            open_segments(self.app, self.bench)

    def on_screen_resume(self) -> None:
        if self._shown:  # back from the codebook or segments: codes may have changed
            self._reload()
        self._shown = True

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            ("coding: Apply code", "Apply a code to the selection", self.action_apply),
            ("coding: Remove code", "Remove a code at the cursor", self.action_remove),
            ("coding: Undo", "Undo the last change", self.action_undo),
            ("coding: Redo", "Redo the last undone change", self.action_redo),
            ("memo: Edit", "Memo on the coding at the cursor or the source", self.action_memo),
            (
                "memo: On case, round, code or project",
                "Choose what the memo is about",
                self.action_memo_other,
            ),
            ("transcript: Search", "Find words, with other word forms", self.action_search),
            (
                "transcript: Next uncoded turn",
                "Jump to the next turn without codings",
                lambda: self.action_next_uncoded(1),
            ),
            *self.suggestion_commands(),
        ]
