"""The help screen: every key binding of the screen you came from, and of the app."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    """Lists bindings with their keys, ids (for remapping) and descriptions."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.source_screen = screen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            hint = "   remap keys by id in ~/.config/casebook/config.toml, table [keymap]"
            yield Static(Text.assemble(("Keys", "bold"), (hint, "dim")), classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "does", "id")
        seen: set[str] = set()
        for node in [self.source_screen, *self.source_screen.query("*"), self.app]:
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or binding.id in seen:
                    continue
                seen.add(binding.id or binding.key)
                keys = self.app.get_key_display(binding) if binding.key else ""
                table.add_row(keys, binding.tooltip or binding.description, binding.id or "")
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
