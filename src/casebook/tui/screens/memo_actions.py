"""Memos from the coding screen: on a coding, the source, its case or round, a code, the project.

Every memo change goes into the undo history like a coding does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.errors import CasebookError
from casebook.model.sources import Source
from casebook.services import workbench
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import Choice, MemoEditor
from casebook.tui.undo import Step
from casebook.tui.widgets.code_tree import CodeTree
from casebook.tui.widgets.transcript import Span

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[None]
else:
    _Base = object


class MemoActions(_Base):
    """The memo half of the coding screen (mixed into CodingScreen)."""

    bench: Workbench
    source_id: int
    source: Source | None

    def _codings_at_cursor(self) -> list[Span]:
        raise NotImplementedError

    def _status(self, text: str) -> None:
        raise NotImplementedError

    def _error(self, exc: CasebookError) -> None:
        raise NotImplementedError

    def _tell(self, text: str) -> None:
        raise NotImplementedError

    def action_memo(self) -> None:
        here = self._codings_at_cursor()
        if here:
            span = here[0]
            current = next(
                (c.memo for c in workbench.codings_of(self.bench.project, self.source_id) if c.id == span.id),
                "",
            )
            self.app.push_screen(
                MemoEditor(f"Memo on coding {span.label}", current),
                lambda text: self._save_coding_memo(span.id, text),
            )
        else:
            self._memo_on("source")

    def action_memo_other(self) -> None:
        options = [
            ("source", "this source"),
            ("case", "this case"),
            ("round", "this round"),
            ("project", "the project"),
        ]
        tree = self.query_one(CodeTree)
        if tree.cursor_node and tree.cursor_node.data:
            options.insert(0, ("code", f"code {tree.cursor_node.data}"))
        self.app.push_screen(Choice("Memo on…", options), if_text(self._memo_on))

    def _memo_on(self, kind: str) -> None:
        source = self.source
        assert source is not None
        key = {"source": str(source.id), "case": source.case or "", "round": source.round or ""}.get(kind, "")
        if kind == "code":
            key = self.query_one(CodeTree).cursor_node.data or ""  # type: ignore[union-attr]
        if kind in ("case", "round") and not key:
            self._tell(f"This source has no {kind}.")
            return
        try:
            target = workbench.memo_target(self.bench.project, kind, key)
        except CasebookError as exc:
            self._error(exc)
            return
        current = workbench.memo(self.bench.project, kind, target)
        title = f"Memo on {kind} {key}".strip()
        self.app.push_screen(MemoEditor(title, current), lambda text: self._save_memo(kind, target, text))

    def _save_memo(self, kind: str, target: int | None, text: str | None) -> None:
        if text is None:
            return
        project, coder = self.bench.project, self.bench.coder
        previous = workbench.set_memo(project, kind, target, text, coder)

        def undo() -> None:
            workbench.set_memo(project, kind, target, previous, coder)

        def redo() -> None:
            workbench.set_memo(project, kind, target, text, coder)

        self.bench.history.push(Step(f"memo on {kind}", undo, redo, self.source_id))
        self._status(f"Memo on {kind} saved. u undoes.")

    def _save_coding_memo(self, coding_id: int, text: str | None) -> None:
        if text is None:
            return
        project = self.bench.project
        try:
            previous = workbench.set_coding_memo(project, coding_id, text)
        except CasebookError as exc:
            self._error(exc)
            return

        def undo() -> None:
            workbench.set_coding_memo(project, coding_id, previous)

        def redo() -> None:
            workbench.set_coding_memo(project, coding_id, text)

        self.bench.history.push(Step("coding memo", undo, redo, self.source_id))
        lines = text.strip().splitlines()
        quoted = lines[0] + (" …" if len(lines) > 1 else "") if lines else ""
        self._status(f"Memo saved: «{quoted}». u undoes." if quoted else "Memo removed. u undoes.")
