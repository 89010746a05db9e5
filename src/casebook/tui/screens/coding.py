"""The coding screen: transcript in the centre, codebook beside it, definition below."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from casebook.errors import CasebookError, NotYours
from casebook.model.codes import Code
from casebook.model.sources import Source
from casebook.queries.overview import union_length
from casebook.services import workbench
from casebook.text import inflection, segmenting
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Choice, Confirm, Prompt
from casebook.tui.screens.memo_actions import MemoActions
from casebook.tui.undo import Step
from casebook.tui.widgets.code_tree import CodeTree
from casebook.tui.widgets.definition import describe
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


class CodingScreen(MemoActions, Screen[None]):
    """Code one source. Every change can be undone with u and redone with ctrl+r."""

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
    ]

    def __init__(self, bench: Workbench, source_id: int, goto: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.source_id = source_id
        self.goto = goto
        self.codes: list[Code] = []
        self.hits: list[tuple[int, int]] = []
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
        yield Static("", id="definition")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        view = workbench.open_source(self.bench.project, self.source_id)
        self.source = view.source
        self.codes = workbench.codebook(self.bench.project)
        self.pins = workbench.pinned(self.bench.project, self.bench.coder, self.bench.config.pinned)
        transcript = self.query_one(TranscriptView)
        transcript.speaker_styles = self._speaker_styles(view.turns)
        transcript.load(view.text, view.turns, self._spans(view.codings))
        self.query_one(CodeTree).show_codes(self.codes)
        transcript.focus()
        if self.goto:
            self.call_after_refresh(transcript.select, *self.goto)
        self._update_header()
        self._status("t turn · s sentence · v mark · a code · 1-9 pinned · x uncode · u undo · ? help")

    # ---- helpers ------------------------------------------------------------------
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
        tree.show_codes(self.codes, self.query_one("#code-filter", Input).value)
        self._update_header()

    def _update_header(self) -> None:
        source = self.source
        if source is None:
            return
        covered = union_length([(s.start, s.end) for s in self.spans])
        percent = round(100 * covered / source.chars) if source.chars else 0
        self.app.sub_title = (
            f"{source.case or '–'} · {source.round or '–'} · {source.name}"
            f"{'' if source.current else f' (v{source.version}, old)'} · {percent}% coded"
            f" · coder: {self.bench.coder}"
        )

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text, style="dim"))

    def _error(self, exc: CasebookError) -> None:
        self.notify(str(exc), severity="error", timeout=6)

    def _code(self, key: str) -> Code | None:
        return next((c for c in self.codes if c.key == key), None)

    # ---- coding ---------------------------------------------------------------------
    def action_apply(self) -> None:
        transcript = self.query_one(TranscriptView)
        if transcript.selection is None:
            self.notify("Select a passage first: t turn, s sentence, v to mark, or drag with the mouse.")
            return
        self.app.push_screen(CodePicker(self.codes, self.bench.recent + self.pins), self._picked)

    def _picked(self, result: tuple[str, bool] | None) -> None:
        if result is None:
            return
        key, keep_open = result
        self.apply_code(key)
        if keep_open:
            self.action_apply()

    def action_pinned(self, number: int) -> None:
        if number - 1 < len(self.pins):
            self.apply_code(self.pins[number - 1])
        else:
            self.notify(
                f"No code pinned to {number} yet: pin codes in the config file, or code with a first."
            )

    def apply_code(self, key: str) -> None:
        """Code the current selection with ``key`` (undoable)."""
        selection = self.query_one(TranscriptView).selection
        if selection is None:
            self.notify("Select a passage first: t turn, s sentence, v to mark.")
            return
        start, end = selection
        project, coder = self.bench.project, self.bench.coder
        try:
            holder = [workbench.apply(project, self.source_id, start, end, key, coder)]
        except CasebookError as exc:
            self._error(exc)
            return
        self.bench.used(key)

        def undo() -> None:
            workbench.remove(project, holder[0], coder)

        def redo() -> None:
            holder[0] = workbench.apply(project, self.source_id, start, end, key, coder)

        self.bench.history.push(Step(f"code {key}", undo, redo, self.source_id))
        transcript = self.query_one(TranscriptView)
        transcript.action_clear_selection()
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
        self._status(f"Coded {end - start} characters as {code.name if code else key}. u undoes.")

    def _codings_at_cursor(self) -> list[Span]:
        cursor = self.query_one(TranscriptView).cursor
        selection = self.query_one(TranscriptView).selection
        lo, hi = selection if selection else (cursor, cursor + 1)
        return [s for s in self.spans if s.start < hi and s.end > lo]

    def action_remove(self) -> None:
        here = self._codings_at_cursor()
        if not here:
            self.notify("No coding at the cursor.")
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
            self.notify("No more codings in that direction.")
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
        self.notify("No uncoded turn in that direction.")

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
        if event.selection:
            start, end = event.selection
            self._status(f"Selected {end - start} characters ({start}–{end}). a codes it, 1-9 pinned codes.")

    # ---- search ----------------------------------------------------------------------
    def action_search(self) -> None:
        self.app.push_screen(Prompt("Search the transcript (æ, ø, å exact; word forms too)"), self._search)

    def _search(self, query: str | None) -> None:
        transcript = self.query_one(TranscriptView)
        if not query:
            transcript.set_hits([])
            return
        exact = segmenting.find_all(transcript.text, query)
        inflected = [h for h in inflection.find_inflected(transcript.text, query) if h not in exact]
        self.hits = sorted(exact + inflected)
        transcript.set_hits(self.hits)
        self._status(
            f"{len(exact)} exact, {len(inflected)} other word forms of «{query}» · . next, , previous"
        )
        self.action_next_hit(1)

    def action_next_hit(self, direction: int) -> None:
        transcript = self.query_one(TranscriptView)
        cursor = transcript.cursor
        after = [h for h in self.hits if (h[0] > cursor if direction > 0 else h[0] < cursor)]
        if not after:
            return
        hit = after[0] if direction > 0 else after[-1]
        transcript.go_to(hit[0])

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
        ]
