"""Fuzzy code picker: type part of a name, an id or an alias; recent codes first.

``enter`` applies the highlighted code and closes; ``tab`` applies it and keeps the picker
open for the next code of the same passage (double coding), when the caller allows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from casebook.model.codes import Code
from casebook.tui import strings
from casebook.tui.strings import shown
from casebook.tui.widgets.code_tree import code_label

ApplyMore = Callable[[str], str]
"""Applies a code while the picker stays open; returns what to tell the researcher."""


def score(code: Code, query: str) -> int:
    """Higher is better; 0 means no match. Substrings beat scattered letters."""
    if not query:
        return 1
    needle = query.casefold()
    best = 0
    for weight, field in ((4, code.name), (3, code.key), (2, " ".join(code.aliases))):
        hay = field.casefold()
        if hay.startswith(needle) or f".{needle}" in hay or f" {needle}" in hay:
            best = max(best, weight * 100)
        elif needle in hay:
            best = max(best, weight * 60)
        elif _subsequence(needle, hay):
            best = max(best, weight * 10)
    return best


def _subsequence(needle: str, hay: str) -> bool:
    position = 0
    for char in needle:
        position = hay.find(char, position) + 1
        if position == 0:
            return False
    return True


def rank(codes: Sequence[Code], query: str, recent: Sequence[str]) -> list[Code]:
    """Matching codes, best first; recently used codes win ties."""
    recency = {key: index for index, key in enumerate(recent)}
    scored = [(score(c, query), c) for c in codes]
    hits = [(s, c) for s, c in scored if s > 0]
    hits.sort(key=lambda item: (-item[0], recency.get(item[1].key, len(recency)), item[1].key))
    return [c for _, c in hits]


class CodePicker(ModalScreen[tuple[str, bool] | None]):
    """Returns (code id, False) on enter, or None on escape.

    With ``apply_more``, ``tab`` hands the highlighted code to it and stays open, ready for
    the next code; without it, ``tab`` chooses like enter (returning (code id, True))."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("enter", "choose(False)", "Apply", priority=True, id="picker.apply"),
        Binding("tab", "choose(True)", "Apply, keep open", priority=True, id="picker.apply_more"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True, id="picker.next"),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True, id="picker.previous"),
    ]

    def __init__(
        self,
        codes: Sequence[Code],
        recent: Sequence[str],
        title: str = "Apply code",
        apply_more: ApplyMore | None = None,
    ) -> None:
        super().__init__()
        self.codes = list(codes)
        self.recent = list(recent)
        self.title_text = title
        self.apply_more = apply_more
        self.shown: list[Code] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            hint = "   enter apply · tab apply, keep open · escape close" if self.apply_more else ""
            yield Static(
                Text.assemble(shown(self.title_text, one_line=True), (hint, "dim")), classes="dialog-title"
            )
            yield Input(placeholder="type part of a name, id or alias…", id="picker-query")
            yield OptionList(id="picker-options")
            yield Static("", id="picker-definition")
            yield Static("", id="picker-applied")

    def on_mount(self) -> None:
        self._refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, query: str) -> None:
        self.shown = rank(self.codes, query, self.recent)[:50]
        options = self.query_one(OptionList)
        options.clear_options()
        for code in self.shown:
            label = code_label(code, 0)
            label.append(f"  {code.key}", style="dim")
            options.add_option(Option(label, id=code.key))
        if self.shown:
            options.highlighted = 0
            self._describe(self.shown[0])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index < len(self.shown):
            self._describe(self.shown[event.option_index])

    def _describe(self, code: Code) -> None:
        text = Text()
        text.append(shown(code.name, one_line=True) + "\n", style="bold")
        text.append(shown(code.description) or "(no definition)")
        if code.use_when:
            text.append("\n" + strings.USE_WHEN, style="bold")
            text.append(shown(code.use_when))
        self.query_one("#picker-definition", Static).update(text)

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + delta) % options.option_count

    def action_choose(self, keep_open: bool) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.highlighted >= len(self.shown):
            return
        key = self.shown[options.highlighted].key
        if not keep_open or self.apply_more is None:
            self.dismiss((key, keep_open))
            return
        message = self.apply_more(key)
        self.query_one("#picker-applied", Static).update(Text(shown(message), style="bold"))
        query = self.query_one(Input)
        query.value = ""  # ready for the next code; Input.Changed refills the list
        query.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss((event.option.id, False))

    def action_cancel(self) -> None:
        self.dismiss(None)
