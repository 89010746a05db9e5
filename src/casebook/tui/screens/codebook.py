"""The codebook screen: browse codes with counts and definitions; add, rename, move, merge, delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from casebook.errors import CasebookError
from casebook.model.codes import Code
from casebook.services import codebook as codebook_service
from casebook.services import tree as tree_service
from casebook.services import workbench
from casebook.tui import strings
from casebook.tui.callbacks import if_picked, if_text, if_yes
from casebook.tui.context import Workbench
from casebook.tui.dialogs.code_picker import CodePicker
from casebook.tui.dialogs.simple import Choice, Confirm, Prompt
from casebook.tui.strings import shown
from casebook.tui.widgets.code_tree import CodeTree
from casebook.tui.widgets.definition import describe, whose


def title(code: Code) -> str:
    """``Name (id)`` for dialogs and notifications, safe for the terminal."""
    return f"{shown(code.name, one_line=True)} ({code.key})"


class IdPrompt(Prompt):
    """Ask for a new code's id: the parent's prefix stays, typing goes after it."""

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.select_on_focus = False
        box.cursor_position = len(box.value)


class CodebookScreen(Screen[None]):
    """Edit the codebook; every change goes into the codebook history."""

    AUTO_FOCUS = "#codebook-tree"

    BINDINGS = [
        Binding("a", "add", "Add", id="codebook.add", tooltip="Add a code at the top level or under one"),
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
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-body"):
            with Vertical(id="codebook-tree-pane"):
                legend = strings.TREE_COUNTS.format(coder=shown(self.bench.coder, one_line=True))
                yield Static(Text(legend, style="dim"), id="codebook-legend")
                yield CodeTree(id="codebook-tree")
            yield Static("", id="code-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "codebook"
        self._reload()
        self.query_one(CodeTree).focus()

    def on_screen_resume(self) -> None:
        if self._shown:  # back from segments or coding: counts may have changed
            self.app.sub_title = "codebook"
            self._reload()
        self._shown = True

    def _reload(self, go_to: str | None = None) -> None:
        """Read the codebook and counts again; the detail panel follows at once."""
        project, tree = self.bench.project, self.query_one(CodeTree)
        key = go_to or tree.current_key
        self.codes = workbench.codebook(project)
        tree.show_codes(self.codes, counts=tree_service.code_counts(project, self.bench.coder))
        if go_to:
            tree.go_to(go_to)
        self._show_detail(key)

    def _current(self) -> Code | None:
        return self._code(self.query_one(CodeTree).current_key)

    def _code(self, key: str | None) -> Code | None:
        return next((c for c in self.codes if c.key == key), None)

    def _show_detail(self, key: str | None) -> None:
        code = self._code(key)
        detail = self.query_one("#code-detail", Static)
        if code is None:
            detail.update("")
            return
        own, below = self.query_one(CodeTree).count_of(code.key)
        counts = None
        if own is not None and below is not None:
            counts = whose(own, self.bench.coder)
            if below != own:
                here = f"{whose(own, self.bench.coder)} on this code" if own.total else "none on this code"
                counts = f"{whose(below, self.bench.coder)} with sub-codes, {here}"
        text = describe(code, counts=counts)
        project = self.bench.project
        memo = workbench.memo(project, "code", workbench.memo_target(project, "code", code.key))
        if memo:
            text.append("\n\nMemo: ", style="bold")
            text.append(shown(memo))
        detail.update(text)

    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        self._show_detail(event.code)

    def _say(self, message: str, error: bool = False) -> None:
        """A notification that shows user text verbatim."""
        self.notify(message, severity="error" if error else "information", timeout=6, markup=False)

    def _run(self, change: Callable[[], Any], done: str, go_to: str | None = None) -> None:
        try:
            change()
        except CasebookError as exc:
            self._say(shown(str(exc)), error=True)
            return
        self._reload(go_to)
        self._say(done)

    def action_add(self) -> None:
        here = self._current()
        if here is None:
            self._ask_key(None)
            return
        options = [("under", f"Under {title(here)}")]
        parent = self._code(here.parent)
        if parent is not None:
            options.append(("beside", f"Beside it, under {title(parent)}"))
        options.append(("root", "At the top level (a new main code)"))
        chosen = {"under": here, "beside": parent, "root": None}
        self.app.push_screen(
            Choice("Where does the new code go?", options),
            if_text(lambda where: self._ask_key(chosen[where])),
        )

    def _ask_key(self, parent: Code | None) -> None:
        where = f"under {title(parent)}" if parent else "at the top level"
        prefix = f"{parent.key}." if parent else ""
        prompt = IdPrompt(f"Id of the new code {where}", prefix, f"{prefix}new_code")
        self.app.push_screen(prompt, if_text(lambda key: self._ask_name(key.strip(), parent)))

    def _ask_name(self, key: str, parent: Code | None) -> None:
        self.app.push_screen(Prompt(f"Name of {key}"), if_text(lambda name: self._add(key, name, parent)))

    def _add(self, key: str, name: str, parent: Code | None) -> None:
        code = Code(key=key, name=name, parent=parent.key if parent else None)
        if parent:  # a new child starts with its parent's colour, distance and valence
            code = dataclasses.replace(
                code, color=parent.color, distance=parent.distance, valence=parent.valence
            )
        self._run(
            lambda: codebook_service.add(self.bench.project, code, self.bench.coder),
            f"Added {title(code)}",
            go_to=key,
        )

    def action_rename(self) -> None:
        code = self._current()
        if code:
            before = shown(code.name, one_line=True)
            self.app.push_screen(
                Prompt(f"New name for {title(code)}", before),
                if_text(lambda name: self._rename(code, name, before)),
            )

    def _rename(self, code: Code, name: str, before: str) -> None:
        if name == before:  # unchanged (a name with control characters is shown with symbols)
            return
        self._run(
            lambda: codebook_service.rename(self.bench.project, code.key, name, self.bench.coder),
            f"Renamed {code.key} to {shown(name, one_line=True)}",
        )

    def action_move(self) -> None:
        code = self._current()
        if code:
            others = [c for c in self.codes if c.key != code.key]
            picker = CodePicker(others, [], f"Move {title(code)} under…")
            self.app.push_screen(picker, if_picked(lambda key: self._move(code, key)))

    def _move(self, code: Code, parent: str) -> None:
        self._run(
            lambda: codebook_service.move(self.bench.project, code.key, parent, self.bench.coder),
            f"Moved {title(code)} under {parent}",
        )

    def action_merge(self) -> None:
        code = self._current()
        if code:
            others = [c for c in self.codes if c.key != code.key]
            picker = CodePicker(others, [], f"Merge {title(code)} into…")
            self.app.push_screen(picker, if_picked(lambda key: self._confirm_merge(code, key)))

    def _confirm_merge(self, code: Code, target: str) -> None:
        into = self._code(target)
        question = (
            f"Merge {title(code)} into {title(into) if into else target}?"
            f" Its {strings.count(code.codings, 'coding')} move there and {code.key} is removed."
        )
        self.app.push_screen(Confirm(question), if_yes(lambda: self._merge(code, target)))

    def _merge(self, code: Code, target: str) -> None:
        self._run(
            lambda: codebook_service.merge(self.bench.project, code.key, target, self.bench.coder),
            f"Merged {title(code)} into {target}",
            go_to=target,
        )

    def action_delete(self) -> None:
        code = self._current()
        if code:
            codings = f" and its {strings.count(code.codings, 'coding')}" if code.codings else ""
            question = f"Delete {title(code)}{codings}?"
            self.app.push_screen(Confirm(question), if_yes(lambda: self._delete(code)))

    def _delete(self, code: Code) -> None:
        self._run(
            lambda: codebook_service.delete(self.bench.project, code.key, self.bench.coder, force=True),
            f"Deleted {title(code)}",
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
            ("code: Add", "Add a code at the top level or under the highlighted one", self.action_add),
            ("code: Rename", "Rename the highlighted code", self.action_rename),
            ("code: Move", "Move the highlighted code", self.action_move),
            ("code: Merge", "Merge the highlighted code into another", self.action_merge),
            ("code: Delete", "Delete the highlighted code", self.action_delete),
        ]
