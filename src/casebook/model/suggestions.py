"""Code suggestions: proposals the suggester makes, kept apart from codings until a
coder accepts them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

SUGGESTER = "suggester"
"""The pseudo-coder that owns suggestions; it never codes."""


class Status(enum.StrEnum):
    """Where a suggestion stands: open for review, accepted (became a coding) or rejected."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Origin(enum.StrEnum):
    """What proposed it: the codebook's signals, the model learnt from codings, or both."""

    SIGNALS = "signals"
    MODEL = "model"
    BOTH = "signals+model"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A code proposed for ``text[start:end]`` of a source, with its score (0-1) and the
    evidence for it (matched signals, the model's strongest words)."""

    source_id: int
    start: int
    end: int
    code: str
    score: float
    origin: Origin
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A stored proposal with its id, status and, once accepted, the coding it became."""

    id: int
    source_id: int
    source: str
    start: int
    end: int
    code: str
    score: float
    origin: Origin
    evidence: tuple[str, ...]
    status: Status = Status.OPEN
    decided_by: str = ""
    coding_id: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one code (or root code) over passages."""

    code: str
    support: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Of the passages proposed, the share the coder coded so."""
        proposed = self.true_positives + self.false_positives
        return self.true_positives / proposed if proposed else 0.0

    @property
    def recall(self) -> float:
        """Of the passages the coder coded so, the share proposed."""
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How suggestions compare with one coder's codings, per code and per root code, for
    each method (``baseline``, ``signals``, ``model``, ``combined``)."""

    coder: str
    folds: int
    passages: int
    sources: int
    codings: int
    by_method: dict[str, tuple[Scores, ...]]
    by_root: dict[str, tuple[Scores, ...]]
    micro: dict[str, Scores]
    micro_root: dict[str, Scores]
