"""Codings at the shape of a real study, planned from the stored text of each source.

Two coders: ``ida`` codes every source; 45 % of her codings get a partner coding by
``ola`` (same code, both ends moved by up to ±40 characters, snapped to words), and ola
adds codings of his own. Codes follow a Zipf-like distribution over the codebook's leaf
codes; spans are 50–800 characters, snapped to word boundaries; some transcripts are
coded much more heavily than others (Pareto-distributed weights).
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.text.segmenting import snap_to_words  # noqa: E402

PAIRED_SHARE = 0.45
OLA_OWN_SHARE = 0.35  # ola's own codings, relative to ida's
MAX_MOVE = 40


class PlannedCoding(NamedTuple):
    """One coding to apply: source (id as text), span, code."""

    source: str
    start: int
    end: int
    code: str


@dataclass
class SourceCodings:
    """The codings planned for one source, by coder."""

    ida: list[PlannedCoding] = field(default_factory=list)
    ola: list[PlannedCoding] = field(default_factory=list)
    paired: int = 0


def allot(total: int, sources: int, rng: Random) -> list[int]:
    """How many codings each source gets: ``total`` split by heavy-tailed weights."""
    weights = [rng.paretovariate(2.2) for _ in range(sources)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in rng.sample(range(sources), min(sources, total - sum(counts))):
        counts[index] += 1
    return counts


class CodingPlanner:
    """Draws spans and codes; one planner per study, fed one source at a time."""

    def __init__(self, codes: list[str], rng: Random, zipf: float = 1.0) -> None:
        self.rng = rng
        self.codes = list(codes)
        rng.shuffle(self.codes)
        self.cum_weights = list(itertools.accumulate(1 / (rank + 1) ** zipf for rank in range(len(codes))))

    def _code(self) -> str:
        return self.rng.choices(self.codes, cum_weights=self.cum_weights)[0]

    def _span(self, text: str) -> tuple[int, int]:
        """A 50–800 character span (median about 200), widened to whole words."""
        length = min(800, max(50, int(self.rng.lognormvariate(5.3, 0.6))), len(text))
        start = self.rng.randrange(0, len(text) - length + 1)
        return snap_to_words(text, start, start + length)

    def _moved(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The same passage as another coder marks it: both ends moved by up to ±40."""
        new_start = max(0, start + self.rng.randint(-MAX_MOVE, MAX_MOVE))
        new_end = min(len(text), end + self.rng.randint(-MAX_MOVE, MAX_MOVE))
        if new_end - new_start < 20:
            return None
        span = snap_to_words(text, new_start, new_end)
        return span if span[1] > span[0] else None

    def plan(self, source: str, text: str, count: int) -> SourceCodings:
        """About ``count`` codings of one source, no coding twice by the same coder."""
        out = SourceCodings()
        keys: dict[str, set[tuple[int, int, str]]] = {"ida": set(), "ola": set()}
        ida_count = round(count / (1 + PAIRED_SHARE + OLA_OWN_SHARE))
        for _ in range(ida_count):
            start, end = self._span(text)
            code = self._code()
            if end <= start or (start, end, code) in keys["ida"]:
                continue
            keys["ida"].add((start, end, code))
            out.ida.append(PlannedCoding(source, start, end, code))
            moved = self._moved(text, start, end) if self.rng.random() < PAIRED_SHARE else None
            if moved and (*moved, code) not in keys["ola"]:
                keys["ola"].add((*moved, code))
                out.ola.append(PlannedCoding(source, *moved, code))
                out.paired += 1
        for _ in range(10 * count):
            if len(out.ida) + len(out.ola) >= count:
                break
            start, end = self._span(text)
            code = self._code()
            if end > start and (start, end, code) not in keys["ola"]:
                keys["ola"].add((start, end, code))
                out.ola.append(PlannedCoding(source, start, end, code))
        return out
