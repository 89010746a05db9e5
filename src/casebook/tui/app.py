"""The casebook workbench app: one factory used by the CLI, the tests and the snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from casebook.errors import CasebookError
from casebook.services.project import Project
from casebook.tui.commands import CasebookCommands
from casebook.tui.config import Config, load_config
from casebook.tui.context import Workbench
from casebook.tui.screens.help import HelpScreen
from casebook.tui.screens.overview import OverviewScreen
from casebook.tui.strings import shown


class CasebookApp(App[None]):
    """Keyboard-first coding of interview transcripts."""

    CSS_PATH = "casebook.tcss"
    TITLE = "casebook"
    COMMANDS = App.COMMANDS | {CasebookCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(self, project_path: Path, coder: str, config: Config | None = None) -> None:
        super().__init__()
        self.project_path = project_path
        self.config = config or load_config()
        self.coder = self.config.coder or coder
        self.bench: Workbench | None = None

    def on_mount(self) -> None:
        self.theme = self.config.theme if self.config.theme in self.available_themes else "textual-dark"
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.problem:
            # names a file the user chose and quotes its text: never read as markup
            self.notify(shown(self.config.problem), severity="warning", markup=False)
        try:
            project = Project.open(self.project_path)
        except CasebookError as exc:
            self.exit(message=str(exc), return_code=1)
            return
        self.bench = Workbench(project, self.coder, self.config)
        self.title = f"casebook · {project.name}"
        self.push_screen(OverviewScreen(self.bench))

    def on_unmount(self) -> None:
        if self.bench is not None:
            self.bench.project.close()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def open_matrix(self) -> None:
        """The matrix screen (codes × cases, rounds or attribute values)."""
        from casebook.tui.screens.matrix import MatrixScreen

        if self.bench is not None:
            self.push_screen(MatrixScreen(self.bench))

    def open_search(self) -> None:
        """The search screen (every current source)."""
        from casebook.tui.screens.search import SearchScreen

        if self.bench is not None:
            self.push_screen(SearchScreen(self.bench))

    def commands(self) -> list[tuple[str, str, Any]]:
        """App-wide command palette entries."""
        return [
            ("matrix: Open", "Codes × cases, rounds or attribute values, with drill-down", self.open_matrix),
            ("search: Across sources", "Find words in every transcript and code the hits", self.open_search),
            ("theme: Toggle light/dark", "Switch between light and dark themes", self.action_toggle_theme),
            ("help: Show keys", "Every key binding of this screen", self.action_help),
            ("app: Quit", "Leave casebook (everything is already saved)", self.exit),
        ]


def create_app(project_path: Path, coder: str, config: Config | None = None) -> CasebookApp:
    """Build the app (shared by ``casebook tui``, ``casebook demo`` and the tests)."""
    return CasebookApp(project_path, coder, config)
