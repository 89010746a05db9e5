"""Reviewing code suggestions on the coding screen (mixed into CodingScreen).

The suggester's proposals live apart from codings: the transcript draws them as
proposals and the suggestion bar describes the one under review. ``>`` and ``<`` move
between them, ``y`` accepts one as the coder's coding (over the selection when the
researcher changed it: the edited span), ``Y`` accepts every one in the turn, ``r``
rejects one (remembered, never proposed again). ``P`` runs the suggester in a thread
worker with its own connection to the project file. ``u`` undoes an accept (the coding
is removed and the suggestion is open again) or a reject, like any other step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.widgets import Static
from textual.worker import get_current_worker

from casebook.errors import CasebookError
from casebook.model.codes import Code
from casebook.model.suggestions import Suggestion
from casebook.services import suggestions
from casebook.services.project import Project
from casebook.tui import strings
from casebook.tui.context import Workbench
from casebook.tui.undo import Step
from casebook.tui.widgets.definition import describe
from casebook.tui.widgets.suggestion_bar import SuggestionBar
from casebook.tui.widgets.transcript import SuggestedSpan, TranscriptView

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[None]
else:
    _Base = object

SUGGESTION_BINDINGS = [
    Binding(
        "P", "suggest", strings.KEY_SUGGEST, show=False, id="coding.suggest", tooltip=strings.TIP_SUGGEST
    ),
    Binding(
        "greater_than_sign",
        "next_suggestion(1)",
        strings.KEY_SUGGESTION_NEXT,
        show=False,
        id="coding.suggestion_next",
    ),
    Binding(
        "less_than_sign",
        "next_suggestion(-1)",
        strings.KEY_SUGGESTION_PREV,
        show=False,
        id="coding.suggestion_prev",
    ),
    Binding(
        "y",
        "accept_suggestion",
        strings.KEY_SUGGESTION_ACCEPT,
        id="coding.suggestion_accept",
        tooltip=strings.TIP_SUGGESTION_ACCEPT,
    ),
    Binding(
        "Y",
        "accept_turn",
        strings.KEY_SUGGESTION_ACCEPT_TURN,
        show=False,
        id="coding.suggestion_accept_turn",
        tooltip=strings.TIP_SUGGESTION_ACCEPT_TURN,
    ),
    Binding(
        "r",
        "reject_suggestion",
        strings.KEY_SUGGESTION_REJECT,
        id="coding.suggestion_reject",
        tooltip=strings.TIP_SUGGESTION_REJECT,
    ),
]
"""The review keys; spread into CodingScreen.BINDINGS (remappable by id like the others)."""

REVIEWING = {"accept_suggestion", "accept_turn", "reject_suggestion"}
"""Actions shown (and active) only while the transcript has open suggestions."""


class SuggestionReview(_Base):
    """The suggestion half of the coding screen."""

    bench: Workbench
    source_id: int
    codes: list[Code]
    open_suggestions: tuple[Suggestion, ...] = ()
    current_suggestion: int | None = None  # the id of the one under review
    _suggesting = False

    def _code(self, key: str) -> Code | None:
        raise NotImplementedError

    def _code_name(self, key: str) -> str:
        raise NotImplementedError

    def _reload(self) -> None:
        raise NotImplementedError

    def _status(self, text: str) -> None:
        raise NotImplementedError

    def _error(self, exc: CasebookError) -> None:
        raise NotImplementedError

    def _tell(self, text: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The review keys are shown and active only when there is something to review."""
        return bool(self.open_suggestions) if action in REVIEWING else True

    # ---- showing ------------------------------------------------------------------------
    def load_suggestions(self) -> None:
        """List this transcript's open suggestions (cheap: one query) and draw them."""
        self.open_suggestions = tuple(suggestions.listing(self.bench.project, str(self.source_id)))
        if self._current() is None:
            self.current_suggestion = None
        self.query_one(TranscriptView).set_suggested(
            [SuggestedSpan(s.start, s.end, self._code_name(s.code)) for s in self.open_suggestions]
        )
        self._show_bar()
        self.refresh_bindings()

    def _current(self) -> Suggestion | None:
        return next((s for s in self.open_suggestions if s.id == self.current_suggestion), None)

    def _show_bar(self, edited: bool = False) -> None:
        bar = self.query_one(SuggestionBar)
        current = self._current()
        if not self.open_suggestions:
            bar.hide()
        elif current is None:
            bar.show_count(len(self.open_suggestions))
        else:
            position = self.open_suggestions.index(current) + 1
            also = [
                self._code_name(s.code)
                for s in self.open_suggestions
                if (s.start, s.end) == (current.start, current.end) and s.id != current.id
            ]
            bar.show_suggestion(
                current, self._code(current.code), position, len(self.open_suggestions), also, edited
            )

    def _snapped(self, suggestion: Suggestion) -> tuple[int, int]:
        """The suggestion's span as the transcript selects it (whole words)."""
        units = self.query_one(TranscriptView).units
        return (
            units.snap_to_words(suggestion.start, suggestion.end)
            if units
            else (suggestion.start, suggestion.end)
        )

    def review_selection(self, selection: tuple[int, int] | None) -> bool:
        """The selection moved: say whether it is the suggestion under review or an edit of
        its span. True when the status line now says so."""
        current = self._current()
        if current is None or selection is None:
            self._show_bar()
            return False
        snapped, name = self._snapped(current), self._code_name(current.code)
        if selection == snapped:
            self._show_bar()
            self._status(strings.SUGGEST_STATUS.format(name=name, chars=current.end - current.start))
            return True
        if selection[0] < current.end and selection[1] > current.start:
            self._show_bar(edited=True)
            was = current.end - current.start
            self._status(
                strings.SUGGEST_STATUS_EDITED.format(name=name, chars=selection[1] - selection[0], was=was)
            )
            return True
        self._show_bar()
        return False

    def _go_to(self, suggestion: Suggestion) -> None:
        """Select the suggestion's span and describe it (and its code's definition)."""
        self.current_suggestion = suggestion.id
        self.query_one(TranscriptView).select(suggestion.start, suggestion.end)
        self._show_bar()
        code = self._code(suggestion.code)
        if code is not None:
            self.query_one("#definition", Static).update(describe(code, full=False))

    # ---- running the suggester -------------------------------------------------------------
    def action_suggest(self) -> None:
        """Run the suggester on this transcript in a thread worker (spaCy loads on first use)."""
        if self._suggesting:
            self._tell(strings.SUGGEST_BUSY)
            return
        self._suggesting = True
        self._tell(strings.SUGGEST_RUNNING, timeout=4)
        path, ref, app = self.bench.project.path, str(self.source_id), self.app

        def work() -> None:
            worker = get_current_worker()
            try:
                with Project.open(path) as project:
                    report = suggestions.run(project, [ref])
            except CasebookError as exc:
                if not worker.is_cancelled:
                    app.call_from_thread(self._suggested, None, False, exc)
                return
            if not worker.is_cancelled:
                app.call_from_thread(self._suggested, len(report.suggestions), report.sources_unchanged > 0)

        self.run_worker(work, thread=True, group="suggest", name="suggest")

    def _suggested(self, found: int | None, unchanged: bool, problem: CasebookError | None = None) -> None:
        self._suggesting = False
        if not self.is_attached:  # the researcher left the transcript meanwhile
            return
        if problem is not None or found is None:
            if problem is not None:
                self._error(problem)
            return
        self.load_suggestions()
        if not self.open_suggestions:
            message = strings.SUGGEST_NONE
        else:
            message = strings.SUGGEST_DONE.format(n=strings.count(len(self.open_suggestions), "suggestion"))
        self._tell(message + (strings.SUGGEST_UNCHANGED if unchanged else ""), timeout=6)

    # ---- moving --------------------------------------------------------------------------
    def action_next_suggestion(self, direction: int) -> None:
        """Go to the next (or previous) open suggestion, wrapping round at the ends."""
        found = self.open_suggestions
        if not found:
            self._tell(strings.SUGGEST_NO_OPEN)
            return
        cursor = self.query_one(TranscriptView).cursor
        current = self._current()
        if current is not None and current.start <= cursor <= current.end:
            target = found.index(current) + direction
        elif direction > 0:
            target = next((i for i, s in enumerate(found) if s.start >= cursor), len(found))
        else:
            target = next((i for i in range(len(found) - 1, -1, -1) if found[i].start < cursor), -1)
        if not 0 <= target < len(found):
            self._tell(
                strings.SUGGEST_WRAPPED_TOP if direction > 0 else strings.SUGGEST_WRAPPED_BOTTOM, timeout=3
            )
        self._go_to(found[target % len(found)])

    def _move_on(self, after: tuple[int, int]) -> None:
        """After a decision: to the first open suggestion at or after ``after`` (start, end)."""
        if not self.open_suggestions:
            self.query_one(TranscriptView).clear_selection()
            self._tell(strings.SUGGEST_ALL_DONE, timeout=4)
            return
        following = next((s for s in self.open_suggestions if (s.start, s.end) >= after), None)
        if following is None:
            self.query_one(TranscriptView).clear_selection()
            self._tell(strings.SUGGEST_NONE_AFTER, timeout=4)
            return
        self._go_to(following)

    # ---- deciding ------------------------------------------------------------------------
    def _target(self) -> Suggestion | None:
        """The suggestion the researcher means: the one under review if it is at the cursor
        or selection, else the only one there."""
        transcript = self.query_one(TranscriptView)
        selection, cursor = transcript.selection, transcript.cursor
        if selection:
            here = [s for s in self.open_suggestions if s.start < selection[1] and s.end > selection[0]]
        else:
            here = [s for s in self.open_suggestions if s.start <= cursor <= s.end]
        current = self._current()
        if current in here:
            return current
        if len(here) == 1:
            return here[0]
        self._tell(strings.SUGGEST_SEVERAL.format(n=len(here)) if here else strings.SUGGEST_NOT_HERE)
        return None

    def action_accept_suggestion(self) -> None:
        """Accept the suggestion as the coder's coding; a changed selection is its edited span."""
        target = self._target()
        if target is None:
            return
        selection = self.query_one(TranscriptView).selection
        edited = selection if selection and selection != self._snapped(target) else None
        start, end = edited or (None, None)
        try:
            suggestions.accept(self.bench.project, [target.id], self.bench.coder, start, end)
        except CasebookError as exc:
            self._error(exc)
            return
        name = self._code_name(target.code)
        if edited:
            chars, was = edited[1] - edited[0], target.end - target.start
            self._tell(strings.SUGGEST_ACCEPTED_EDITED.format(name=name, chars=chars, was=was), timeout=4)
        else:
            self._tell(strings.SUGGEST_ACCEPTED.format(name=name), timeout=3)
        self._accepted([(edited or (target.start, target.end), target.code)], [target.id])
        self._move_on((target.start, target.end))

    def action_accept_turn(self) -> None:
        """Accept every open suggestion in the turn of the one under review (or at the cursor)."""
        transcript = self.query_one(TranscriptView)
        current, cursor = self._current(), transcript.cursor
        if current is None or not current.start <= cursor <= current.end:
            turn = transcript.turns[transcript.turn_at(cursor)] if transcript.turns else None
            lo, hi = (turn.start, turn.end) if turn else (0, len(transcript.text))
            current = next((s for s in self.open_suggestions if lo <= s.start < hi), None)
        if current is None:
            self._tell(strings.SUGGEST_NOT_HERE)
            return
        try:
            turn_suggestions = suggestions.in_same_turn(self.bench.project, current.id)
            ids = [s.id for s in turn_suggestions]
            made = suggestions.accept(self.bench.project, ids, self.bench.coder)
        except CasebookError as exc:
            self._error(exc)
            return
        names = ", ".join(dict.fromkeys(self._code_name(s.code) for s in turn_suggestions))
        self._tell(strings.SUGGEST_ACCEPTED_TURN.format(n=len(made), names=names), timeout=5)
        self._accepted([((s.start, s.end), s.code) for s in turn_suggestions], ids)
        self._move_on(max((s.start, s.end) for s in turn_suggestions))

    def _accepted(self, spans: Sequence[tuple[tuple[int, int], str]], ids: list[int]) -> None:
        """Record the decision for undo and show the new codings (transcript, counts, header).
        Undo removes the codings and opens the suggestions again; redo accepts them again."""
        project, coder, source_id = self.bench.project, self.bench.coder, self.source_id
        edited = spans[0][0] if len(ids) == 1 else None

        def undo() -> None:
            suggestions.reopen(project, ids, coder)

        def redo() -> None:
            start, end = edited or (None, None)
            suggestions.accept(project, ids, coder, start, end)

        for _, code in spans:
            self.bench.used(code)
        label = strings.SUGGEST_UNDO.format(code=", ".join(dict.fromkeys(code for _, code in spans)))
        self.bench.history.push(Step(label, undo, redo, source_id))
        self._reload()  # draws the codings and counts, and lists the suggestions again

    def action_reject_suggestion(self) -> None:
        """Reject the suggestion: kept in the project and never proposed again."""
        target = self._target()
        if target is None:
            return
        try:
            suggestions.reject(self.bench.project, [target.id], self.bench.coder)
        except CasebookError as exc:
            self._error(exc)
            return
        self._tell(strings.SUGGEST_REJECTED.format(name=self._code_name(target.code)), timeout=3)
        project, coder, ids = self.bench.project, self.bench.coder, [target.id]

        def undo() -> None:
            suggestions.reopen(project, ids, coder)

        def redo() -> None:
            suggestions.reject(project, ids, coder)

        label = strings.SUGGEST_UNDO_REJECT.format(code=target.code)
        self.bench.history.push(Step(label, undo, redo, self.source_id))
        self.load_suggestions()
        self._move_on((target.start, target.end))

    def suggestion_commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for reviewing suggestions."""
        return [
            (*strings.PALETTE_SUGGEST, self.action_suggest),
            (*strings.PALETTE_NEXT, lambda: self.action_next_suggestion(1)),
            (*strings.PALETTE_ACCEPT, self.action_accept_suggestion),
            (*strings.PALETTE_ACCEPT_TURN, self.action_accept_turn),
            (*strings.PALETTE_REJECT, self.action_reject_suggestion),
        ]
