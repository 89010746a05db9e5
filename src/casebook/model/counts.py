"""How many codings a code has, split into the coder's own and other coders'."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeCount:
    """Codings of one code on current source versions: ``mine`` by the coder, ``others`` by
    every other coder."""

    mine: int = 0
    others: int = 0

    @property
    def total(self) -> int:
        """Everyone's codings."""
        return self.mine + self.others

    def __add__(self, other: CodeCount) -> CodeCount:
        return CodeCount(self.mine + other.mine, self.others + other.others)
