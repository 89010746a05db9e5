"""The study overview as values: which sources each case has per round, and how much is coded."""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.model.sources import Source
from casebook.model.study import Case, Round


@dataclass(frozen=True)
class SourceCoverage:
    """One source with the share of its text that carries at least one coding."""

    source: Source
    coded_chars: int
    coders: tuple[str, ...]

    @property
    def percent(self) -> int:
        """Coded share in whole percent."""
        return round(100 * self.coded_chars / self.source.chars) if self.source.chars else 0


@dataclass
class Grid:
    """Cases x rounds; each cell lists the sources of that interview round."""

    cases: list[Case]
    rounds: list[Round]
    cells: dict[tuple[str, str | None], list[SourceCoverage]] = field(default_factory=dict)

    def cell(self, case: str, round_key: str | None) -> list[SourceCoverage]:
        """Sources of a case in a round (empty when none)."""
        return self.cells.get((case, round_key), [])
