"""The change grid of a case and the rollup across cases.

Per theme (a code, counted with every code below it) and round: how many segments,
how many words, which coders. Per theme and pair of rounds: a **direction** —
improved, unchanged, worse, mixed or unclear. A direction the researcher set (with a
reason and evidence) is the case's; until one is set, casebook offers a **suggestion**
computed from the counts and from attribute changes, always marked as such and with its
basis, never mistaken for the researcher's judgement.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from casebook.errors import InvalidValue
from casebook.model.timeline import AttributeChange


class Direction(enum.StrEnum):
    """How a theme developed for a case between two rounds."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"
    MIXED = "mixed"
    UNCLEAR = "unclear"


DIRECTION_LABELS: dict[Direction, str] = {
    Direction.IMPROVED: "bedre",
    Direction.UNCHANGED: "uendret",
    Direction.WORSE: "verre",
    Direction.MIXED: "blandet",
    Direction.UNCLEAR: "uklart",
}


class DirectionSource(enum.StrEnum):
    """Who says so: the researcher, or casebook's suggestion."""

    RESEARCHER = "researcher"
    SUGGESTED = "suggested"


def parse_direction(raw: str) -> Direction:
    """A direction from its English or Norwegian name, or InvalidValue listing them."""
    text = raw.strip().lower()
    for direction, label in DIRECTION_LABELS.items():
        if text in (direction.value, label):
            return direction
    names = ", ".join(d.value for d in Direction)
    raise InvalidValue(f"no direction {raw!r} (directions: {names})")


@dataclass(frozen=True, slots=True)
class RoundCount:
    """A theme in one round of one case: segments (codings), words under them, coders."""

    round: str
    segments: int = 0
    words: int = 0
    coders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """A code of the grid (``depth`` 0: a root code), counted with its whole subtree."""

    code: str
    name: str
    parent: str | None
    depth: int
    valence: str
    rounds: tuple[RoundCount, ...]

    @property
    def first(self) -> str | None:
        """The first round with a segment of this theme."""
        return next((r.round for r in self.rounds if r.segments), None)

    @property
    def last(self) -> str | None:
        """The last round with a segment of this theme."""
        return next((r.round for r in reversed(self.rounds) if r.segments), None)

    @property
    def segments(self) -> int:
        """Segments over all rounds."""
        return sum(r.segments for r in self.rounds)

    def count(self, round_key: str) -> RoundCount:
        """This theme's counts in one round (zero when it has none there)."""
        return next((r for r in self.rounds if r.round == round_key), RoundCount(round_key))


@dataclass(frozen=True, slots=True)
class Evidence:
    """A coding cited as evidence: found (with where it is) or gone."""

    guid: str
    found: bool
    source: str = ""
    source_id: int = 0
    start: int = 0
    end: int = 0
    code: str = ""
    round: str | None = None


@dataclass(frozen=True, slots=True)
class DirectionRecord:
    """A direction as the researcher set it (one entry of the history; ``direction`` None:
    withdrawn, back to the suggestion). ``theme`` is the code's key when it was set."""

    guid: str
    case: str
    theme: str
    from_round: str
    to_round: str
    direction: Direction | None
    reason: str
    evidence: tuple[str, ...]
    coder: str
    created_at: str
    code_exists: bool = True


@dataclass(frozen=True, slots=True)
class Assessment:
    """The direction shown for a theme and pair of rounds: the researcher's, else a
    suggestion. ``reason`` is the researcher's reason, or the suggestion's basis."""

    theme: str
    from_round: str
    to_round: str
    direction: Direction
    source: DirectionSource
    reason: str
    evidence: tuple[Evidence, ...] = ()
    set_by: str = ""
    set_at: str = ""


@dataclass(frozen=True)
class ChangeGrid:
    """One case: themes × its rounds, attribute changes, and a direction per theme and
    pair of rounds (consecutive pairs, first → last, and any pair the researcher set)."""

    case: str
    label: str
    rounds: tuple[str, ...]
    round_segments: tuple[int, ...]
    """All segments (any code) of the case in each round: what a theme's share is of."""
    rows: tuple[ThemeRow, ...]
    changes: tuple[AttributeChange, ...]
    assessments: tuple[Assessment, ...]
    pairs: tuple[tuple[str, str], ...] = ()

    def row(self, code: str) -> ThemeRow:
        """The row of a theme, or InvalidValue."""
        for row in self.rows:
            if row.code == code:
                return row
        raise InvalidValue(f"no theme {code!r} in the change grid of {self.case}")

    def assessment(self, theme: str, from_round: str, to_round: str) -> Assessment | None:
        """The direction shown for a theme and pair of rounds, if the grid has that pair."""
        for found in self.assessments:
            if (found.theme, found.from_round, found.to_round) == (theme, from_round, to_round):
                return found
        return None


@dataclass(frozen=True, slots=True)
class RollupRow:
    """One theme over one pair of rounds, across the cases interviewed in both.

    ``cases`` maps each direction to the cases with it (drill-down), ``researcher`` to
    how many of those the researcher set (the rest are suggestions)."""

    theme: str
    name: str
    from_round: str
    to_round: str
    whole: int
    cases: Mapping[Direction, tuple[str, ...]] = field(default_factory=dict)
    researcher: Mapping[Direction, int] = field(default_factory=dict)

    def count(self, direction: Direction) -> int:
        """How many cases have ``direction``."""
        return len(self.cases.get(direction, ()))


@dataclass(frozen=True, slots=True)
class AttributeScale:
    """A case attribute whose values run from worse to better (``koordinatorstatus``:
    ingen, venter, koordinator, barnekoordinator), and the themes a move along it bears on
    (the listed codes and the codes above them). Declared in the study file; it feeds the
    suggested directions."""

    attribute: str
    values: tuple[str, ...]
    themes: tuple[str, ...] = ()

    def rank(self, value: str | None) -> int | None:
        """Where ``value`` lies on the scale (None: not on it), case ignored."""
        if value is None:
            return None
        wanted = value.strip().casefold()
        for index, known in enumerate(self.values):
            if known.casefold() == wanted:
                return index
        return None
