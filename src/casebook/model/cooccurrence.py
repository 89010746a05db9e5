"""Co-occurrence of codes as values: which codes are applied to the same passages or turns.

The unit counted is the **passage**, so double coding by two coders or several
overlapping spans do not inflate a count:

- ``overlap``: first each code's spans in a source are merged into their union (spans
  that overlap or touch become one stretch). A passage of the pair (A, B) is a
  stretch where A's union and B's union overlap; ends are exclusive, so [0, 5) and
  [5, 9) do not overlap. Each overlapping (A-stretch, B-stretch) gives one passage.
- ``turn``: a passage is a speaker turn in which both codes have a span (a span counts
  for every turn it overlaps). Text outside any turn has no turn co-occurrences.

Different codes only: a code never co-occurs with itself. With ``roots_only`` every
code stands for its root code, so two sub-codes of one root do not pair up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from casebook.model.study import CaseKind


class CooccurrenceMode(enum.StrEnum):
    """What "together" means for two codes."""

    OVERLAP = "overlap"
    TURN = "turn"


@dataclass(frozen=True, slots=True)
class CooccurrenceSpec:
    """Which codings to look at. By default every coder, round and kind of case (also
    sources that belong to no case); each filter that is set narrows the scope."""

    mode: CooccurrenceMode = CooccurrenceMode.OVERLAP
    coder: str | None = None
    round: str | None = None
    kind: CaseKind | None = None
    roots_only: bool = False
    min_passages: int = 1


@dataclass(frozen=True, slots=True)
class CodePair:
    """Two codes (``a`` before ``b`` in codebook order) and how often they occur together."""

    a: str
    a_name: str
    b: str
    b_name: str
    passages: int
    sources: int
    cases: int


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """Every pair that occurs together at least ``spec.min_passages`` times, most first.
    ``cases`` is how many cases the scope holds (the denominator of ``CodePair.cases``)."""

    spec: CooccurrenceSpec
    pairs: tuple[CodePair, ...]
    cases: int
    sources: int


@dataclass(frozen=True, slots=True)
class PairPassage:
    """One passage where two codes occur together: the overlap (or the turn) as offsets,
    its text, and the codings of each code that make it."""

    source_id: int
    source: str
    case: str | None
    round: str | None
    start: int
    end: int
    text: str
    codings_a: tuple[int, ...]
    codings_b: tuple[int, ...]
