"""Small dialogs: a text prompt, a choice from a list, a yes/no confirmation, a memo.

Titles, options and edited text are the researcher's data: never parsed as markup, and
control characters (ESC among them) are drawn as visible symbols, never sent raw.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from casebook.tui.strings import shown

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _visible(strip: Strip) -> Strip:
    """``strip`` with control characters drawn as symbols (the text itself is unchanged)."""
    if not any(_CONTROL.search(segment.text) for segment in strip):
        return strip
    width = strip.cell_length
    safe = [Segment(shown(text, one_line=True), style, control) for text, style, control in strip]
    return Strip(safe).crop(0, width)


class SafeInput(Input):
    """An Input that shows control characters in its value as symbols."""

    def render_line(self, y: int) -> Strip:
        return _visible(super().render_line(y))


class SafeTextArea(TextArea):
    """A TextArea that shows control characters in its text as symbols."""

    def render_line(self, y: int) -> Strip:
        return _visible(super().render_line(y))


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.placeholder = title, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.title_text), classes="dialog-title", markup=False)
            yield SafeInput(self.value, placeholder=self.placeholder, id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Choice(ModalScreen[str | None]):
    """Pick one of several labelled options; returns the option id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.options = title, list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.title_text), classes="dialog-title", markup=False)
            yield OptionList(
                *[Option(Text(shown(label, one_line=True)), id=key) for key, label in self.options],
                id="choice-options",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """Yes or no, with the consequence spelled out."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.question), classes="dialog-title", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class MemoEditor(ModalScreen[str | None]):
    """Edit a memo; ctrl+s saves, escape discards."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="memo.save"),
        Binding("escape", "cancel", "Discard", id="memo.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Static(
                Text.assemble(
                    shown(self.title_text, one_line=True), ("   ctrl+s save · escape discard", "dim")
                ),
                classes="dialog-title",
            )
            yield SafeTextArea(self.text, id="memo-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
