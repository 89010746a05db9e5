"""Undo and redo for everything a researcher does in the workbench (codings and memos)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Step:
    """One undoable change: what it was called, how to revert it, how to repeat it."""

    label: str
    undo: Callable[[], None]
    redo: Callable[[], None]


@dataclass
class History:
    """A linear undo history; doing something new clears the redo side."""

    done: list[Step] = field(default_factory=list)
    undone: list[Step] = field(default_factory=list)

    def push(self, step: Step) -> None:
        """Record a change that has just been made."""
        self.done.append(step)
        self.undone.clear()

    def undo(self) -> str | None:
        """Revert the last change; returns its label, or None when there is nothing."""
        if not self.done:
            return None
        step = self.done.pop()
        step.undo()
        self.undone.append(step)
        return step.label

    def redo(self) -> str | None:
        """Repeat the last undone change."""
        if not self.undone:
            return None
        step = self.undone.pop()
        step.redo()
        self.done.append(step)
        return step.label
