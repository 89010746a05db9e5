"""The help screen: every key binding of the screen you came from, and of the app."""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

SCROLLBAR = 2  # cells kept free for the table's scrollbar
PADDING = 2  # cells a DataTable adds around each column


class HelpScreen(ModalScreen[None]):
    """Lists bindings with their keys, descriptions and ids (for remapping).

    Ids are always shown whole; descriptions wrap to the width that is left."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.source_screen = screen
        self.rows: list[tuple[str, str, str]] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            hint = "   remap keys by id in ~/.config/casebook/config.toml, table [keymap]"
            yield Static(Text.assemble(("Keys", "bold"), (hint, "dim")), classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row")

    def on_mount(self) -> None:
        self.rows = list(self._listed())
        self.query_one(DataTable).focus()
        self.call_after_refresh(self._fill)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fill)

    def _listed(self) -> Iterator[tuple[str, str, str]]:
        """(keys, what they do, id) of every binding with an id, each id once."""
        seen: set[str] = set()
        for node in [self.source_screen, *self.source_screen.query("*"), self.app]:
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.id or binding.id in seen:
                    continue
                seen.add(binding.id)
                keys = self.app.get_key_display(binding) if binding.key else ""
                yield keys, binding.tooltip or binding.description, binding.id

    def _fill(self) -> None:
        """Columns sized to the dialog: keys and ids whole, descriptions wrapped."""
        table = self.query_one(DataTable)
        width = table.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        key_w = max([3, *(len(k) for k, _, _ in self.rows)])
        id_w = max([2, *(len(i) for _, _, i in self.rows)])
        does_w = max(12, width - SCROLLBAR - key_w - id_w - 3 * PADDING)
        table.clear(columns=True)
        table.add_column("key", width=key_w)
        table.add_column("does", width=does_w)
        table.add_column("id", width=id_w)
        for keys, does, binding_id in self.rows:
            table.add_row(Text(keys), Text(does), Text(binding_id), height=None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
