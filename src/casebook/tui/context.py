"""What every screen shares: the open project, the coder, settings, undo history."""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.services.project import Project
from casebook.tui.config import Config
from casebook.tui.undo import History


@dataclass
class Workbench:
    """The session state handed to each screen."""

    project: Project
    coder: str
    config: Config
    history: History = field(default_factory=History)
    recent: list[str] = field(default_factory=list)

    def used(self, code: str) -> None:
        """Remember a code as recently used (most recent first)."""
        if code in self.recent:
            self.recent.remove(code)
        self.recent.insert(0, code)
        del self.recent[20:]
