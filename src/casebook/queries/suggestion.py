"""What the counts and attribute changes suggest about a theme between two rounds (pure).

A suggestion is never a finding: it is shown only until the researcher sets a
direction, always marked as a suggestion and with its basis. The rules, in one place:

- **Counts.** A theme's codes are split by valence: codes that hinder coordination
  (``hindrer``) and codes that help it (``fremmer``); neutral codes say nothing. For each
  part, its share of all the case's segments in the round is compared between the two
  rounds. It counts as *more* (or *less*) when the count differs by at least two
  segments and the share by at least half. Less of what hinders, or more of what helps,
  suggests **improved**; the opposite suggests **worse**.
- **Attribute scales.** An attribute the study file declares with a worse-to-better
  scale (``koordinatorstatus``: ingen → venter → koordinator → barnekoordinator) moves up
  or down the scale; that suggests improved or worse for the themes it names and the
  codes above them.
- **Together.** Signals that agree give that direction; signals that disagree give
  **mixed**; no signal gives **unchanged** when the theme was coded in the pair's rounds,
  and **unclear** when it was coded in neither, or the case missed one of the rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from casebook.model.changes import AttributeScale, Direction

MIN_DIFFERENCE = 2
"""Segments a part's count must differ by before it counts as more or less."""
MIN_RATIO = 1.5
"""How many times larger one round's share must be than the other's."""


@dataclass(frozen=True, slots=True)
class PartCounts:
    """Segments of a theme's hindering and helping codes in one round, and of all codes."""

    hindrer: int = 0
    fremmer: int = 0
    other: int = 0
    total: int = 0

    @property
    def theme(self) -> int:
        """All segments of the theme in the round."""
        return self.hindrer + self.fremmer + self.other


@dataclass(frozen=True, slots=True)
class ScaleMove:
    """An attribute with a declared scale, as of the two rounds."""

    scale: AttributeScale
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested direction and the lines of its basis (Norwegian, for reports)."""

    direction: Direction
    basis: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The basis as one line."""
        return "; ".join(self.basis)


def _trend(before: int, after: int, total_before: int, total_after: int) -> int:
    """+1 more, -1 less, 0 about the same: the count and the share must both move, the
    count by ``MIN_DIFFERENCE`` segments and the share by a factor ``MIN_RATIO``."""
    if abs(after - before) < MIN_DIFFERENCE or not total_before or not total_after:
        return 0
    share_before, share_after = before / total_before, after / total_after
    if after > before and share_after >= share_before * MIN_RATIO:
        return 1
    if after < before and share_before >= share_after * MIN_RATIO:
        return -1
    return 0


def _percent(n: int, total: int) -> str:
    return f"{round(100 * n / total)} %" if total else "–"


def _count_signal(
    part: str, before: int, after: int, counts: tuple[PartCounts, PartCounts], rounds: tuple[str, str]
) -> tuple[Direction, str] | None:
    trend = _trend(before, after, counts[0].total, counts[1].total)
    if trend == 0:
        return None
    helps = part == "fremmer"
    better = (trend > 0) == helps
    what = "det som fremmer samarbeid" if helps else "det som hindrer samarbeid"
    more = "mer" if trend > 0 else "mindre"
    shares = f"{_percent(before, counts[0].total)} → {_percent(after, counts[1].total)}"
    return (
        Direction.IMPROVED if better else Direction.WORSE,
        f"{more} om {what} ({rounds[0]}: {before}, {rounds[1]}: {after} utdrag;"
        f" {shares} av utdragene i runden)",
    )


def _scale_signal(move: ScaleMove) -> tuple[Direction, str] | None:
    before, after = move.scale.rank(move.before), move.scale.rank(move.after)
    if before is None or after is None or before == after:
        return None
    direction = Direction.IMPROVED if after > before else Direction.WORSE
    way = "opp" if after > before else "ned"
    return direction, f"{move.scale.attribute}: {move.before} → {move.after} ({way} på skalaen)"


def suggest(
    counts: tuple[PartCounts, PartCounts],
    rounds: tuple[str, str],
    moves: tuple[ScaleMove, ...] = (),
    interviewed: tuple[bool, bool] = (True, True),
) -> Suggestion:
    """The suggested direction for a theme between ``rounds`` (see the module docstring)."""
    missing = [r for r, present in zip(rounds, interviewed, strict=True) if not present]
    if missing:
        return Suggestion(Direction.UNCLEAR, (f"ingen intervjuer i {' og '.join(missing)}",))
    signals = [
        signal
        for signal in (
            _count_signal("hindrer", counts[0].hindrer, counts[1].hindrer, counts, rounds),
            _count_signal("fremmer", counts[0].fremmer, counts[1].fremmer, counts, rounds),
            *(_scale_signal(m) for m in moves),
        )
        if signal is not None
    ]
    if signals:
        directions = {d for d, _ in signals}
        chosen = directions.pop() if len(directions) == 1 else Direction.MIXED
        return Suggestion(chosen, tuple(text for _, text in signals))
    before, after = counts[0].theme, counts[1].theme
    if before == after == 0:
        return Suggestion(Direction.UNCLEAR, (f"ikke kodet i {rounds[0]} eller {rounds[1]}",))
    return Suggestion(
        Direction.UNCHANGED,
        (f"omtrent like mye i begge runder ({rounds[0]}: {before}, {rounds[1]}: {after} utdrag)",),
    )
