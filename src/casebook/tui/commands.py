"""Command palette: "noun: Verb" entries for the app and the current screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


class CasebookCommands(Provider):
    """Offers what the current screen can do, plus app-wide commands."""

    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        entries: list[tuple[str, str, Callable[[], Any]]] = []
        screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self.screen
        maker = getattr(screen, "commands", None)
        if callable(maker):
            entries.extend(maker())
        app_maker = getattr(self.app, "commands", None)
        if callable(app_maker):
            entries.extend(app_maker())
        return entries

    async def discover(self) -> Hits:
        for title, help_text, callback in self._entries():
            yield DiscoveryHit(title, partial(callback), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(callback), help=help_text)
