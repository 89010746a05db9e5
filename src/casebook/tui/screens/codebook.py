"""The codebook screen: browse codes with counts and definitions; add, rename, move, merge, delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from casebook.errors import CasebookError
from casebook.model.codes import Code
from casebook.services import codebook as codebook_service
from casebook.services import workbench
from casebook.tui.callbacks import if_picked, if_text, if_yes
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Confirm, Prompt
from casebook.tui.widgets.code_tree import CodeTree
from casebook.tui.widgets.definition import describe


class CodebookScreen(Screen[None]):
    """Edit the codebook; every change goes into the codebook history."""

    AUTO_FOCUS = "#codebook-tree"

    BINDINGS = [
        Binding("a", "add", "Add", id="codebook.add"),
        Binding("r", "rename", "Rename", id="codebook.rename"),
        Binding("m", "move", "Move", id="codebook.move"),
        Binding("M", "merge", "Merge", id="codebook.merge"),
        Binding("d", "delete", "Delete", id="codebook.delete"),
        Binding("s", "segments", "Segments", id="codebook.segments"),
        Binding("escape", "back", "Back", id="codebook.back"),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.codes: list[Code] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-body"):
            yield CodeTree(id="codebook-tree")
            yield Static("", id="code-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "codebook"
        self._reload()
        self.query_one(CodeTree).focus()

    def _reload(self) -> None:
        self.codes = workbench.codebook(self.bench.project)
        self.query_one(CodeTree).show_codes(self.codes)

    def _current(self) -> Code | None:
        node = self.query_one(CodeTree).cursor_node
        key = node.data if node else None
        return next((c for c in self.codes if c.key == key), None)

    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        code = next((c for c in self.codes if c.key == event.code), None)
        if code:
            self.query_one("#code-detail", Static).update(describe(code))

    def _run(self, change: Callable[[], Any], done: str) -> None:
        try:
            change()
        except CasebookError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self._reload()
        self.notify(done)

    def action_add(self) -> None:
        parent = self._current()
        prefix = f"{parent.key}." if parent else ""
        self.app.push_screen(
            Prompt("Id of the new code", prefix), if_text(lambda key: self._ask_name(key, parent))
        )

    def _ask_name(self, key: str, parent: Code | None) -> None:
        self.app.push_screen(Prompt(f"Name of {key}"), if_text(lambda name: self._add(key, name, parent)))

    def _add(self, key: str, name: str, parent: Code | None) -> None:
        code = Code(key=key, name=name, parent=parent.key if parent else None)
        if parent:  # a new child starts with its parent's colour, distance and valence
            code = dataclasses.replace(
                code, color=parent.color, distance=parent.distance, valence=parent.valence
            )
        self._run(lambda: codebook_service.add(self.bench.project, code, self.bench.coder), f"Added {key}")

    def action_rename(self) -> None:
        code = self._current()
        if code:
            self.app.push_screen(
                Prompt(f"New name for {code.key}", code.name), if_text(lambda name: self._rename(code, name))
            )

    def _rename(self, code: Code, name: str) -> None:
        self._run(
            lambda: codebook_service.rename(self.bench.project, code.key, name, self.bench.coder),
            f"Renamed to {name}",
        )

    def action_move(self) -> None:
        code = self._current()
        if code:
            others = [c for c in self.codes if c.key != code.key]
            picker = CodePicker(others, [], f"Move {code.key} under…")
            self.app.push_screen(picker, if_picked(lambda key: self._move(code, key)))

    def _move(self, code: Code, parent: str) -> None:
        self._run(
            lambda: codebook_service.move(self.bench.project, code.key, parent, self.bench.coder),
            f"Moved {code.key} under {parent}",
        )

    def action_merge(self) -> None:
        code = self._current()
        if code:
            others = [c for c in self.codes if c.key != code.key]
            picker = CodePicker(others, [], f"Merge {code.key} into…")
            self.app.push_screen(picker, if_picked(lambda key: self._confirm_merge(code, key)))

    def _confirm_merge(self, code: Code, target: str) -> None:
        question = (
            f"Merge {code.key} into {target}? Its {code.codings} codings move there"
            f" and {code.key} is removed."
        )
        self.app.push_screen(Confirm(question), if_yes(lambda: self._merge(code, target)))

    def _merge(self, code: Code, target: str) -> None:
        self._run(
            lambda: codebook_service.merge(self.bench.project, code.key, target, self.bench.coder),
            f"Merged {code.key} into {target}",
        )

    def action_delete(self) -> None:
        code = self._current()
        if code:
            question = f"Delete {code.key}" + (f" and its {code.codings} codings?" if code.codings else "?")
            self.app.push_screen(Confirm(question), if_yes(lambda: self._delete(code)))

    def _delete(self, code: Code) -> None:
        self._run(
            lambda: codebook_service.delete(self.bench.project, code.key, self.bench.coder, force=True),
            f"Deleted {code.key}",
        )

    def action_segments(self) -> None:
        code = self._current()
        if code:
            from casebook.tui.screens.segments import SegmentsScreen

            self.app.push_screen(SegmentsScreen(self.bench, code.key))

    def action_back(self) -> None:
        self.app.pop_screen()

    def commands(self) -> list[tuple[str, str, Any]]:
        """Command palette entries for this screen."""
        return [
            ("code: Add", "Add a code under the highlighted one", self.action_add),
            ("code: Rename", "Rename the highlighted code", self.action_rename),
            ("code: Move", "Move the highlighted code", self.action_move),
            ("code: Merge", "Merge the highlighted code into another", self.action_merge),
            ("code: Delete", "Delete the highlighted code", self.action_delete),
        ]
