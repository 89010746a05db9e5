"""Undo and redo for everything a researcher does in the workbench (codings and memos).

Each step belongs to the transcript it was made in (``source_id``; None for changes that
belong to no transcript, such as a project memo). Undo and redo act only on steps of the
transcript you are in, so ``u`` never reverts work in a transcript you cannot see. A step
whose undo or redo fails stays where it was, and the error is raised for the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Step:
    """One undoable change: what it was called, how to revert it, how to repeat it."""

    label: str
    undo: Callable[[], None]
    redo: Callable[[], None]
    source_id: int | None = None


def _last(steps: list[Step], source_id: int | None) -> int | None:
    """Index of the newest step that belongs to ``source_id`` (or to no transcript)."""
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].source_id in (source_id, None):
            return index
    return None


@dataclass
class History:
    """A linear undo history per transcript; doing something new clears that redo side."""

    done: list[Step] = field(default_factory=list)
    undone: list[Step] = field(default_factory=list)

    def push(self, step: Step) -> None:
        """Record a change that has just been made."""
        self.done.append(step)
        self.undone = [s for s in self.undone if s.source_id != step.source_id]

    def undo(self, source_id: int | None = None) -> str | None:
        """Revert the last change made here; returns its label, or None when there is nothing."""
        return self._move(self.done, self.undone, source_id, undo=True)

    def redo(self, source_id: int | None = None) -> str | None:
        """Repeat the last change undone here."""
        return self._move(self.undone, self.done, source_id, undo=False)

    @staticmethod
    def _move(origin: list[Step], target: list[Step], source_id: int | None, undo: bool) -> str | None:
        index = _last(origin, source_id)
        if index is None:
            return None
        step = origin[index]
        (step.undo if undo else step.redo)()  # on failure the step stays in ``origin``
        del origin[index]
        target.append(step)
        return step.label
