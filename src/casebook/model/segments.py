"""A segment: one coded passage with where it is, who coded it and what it says; and the
filters, attribute conditions and code logic that select segments."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from casebook.model.sources import Source


@dataclass(frozen=True)
class Segment:
    """A coded passage: where it is, who coded it, what it says, and who speaks in the
    turn where it starts (``participant``: the person's label, else their participant
    code; ``role``: mor, far, fagperson ...; all None when the turn names no person)."""

    coding_id: int
    source: Source
    start: int
    end: int
    code: str
    coder: str
    speaker: str | None
    text: str
    memo: str
    participant: str | None = None
    participant_code: str | None = None
    role: str | None = None


class CompareOp(enum.StrEnum):
    """How an attribute value is compared with the value asked for."""

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "~"


@dataclass(frozen=True, slots=True)
class Condition:
    """``barn_alder>=10``: an attribute (``scope`` case, person or source, or None when
    the name alone is unambiguous), an operator and the value as the researcher wrote it.
    Evaluated as of each interview's round; a segment without a value never matches."""

    attribute: str
    op: CompareOp
    value: str
    scope: str | None = None

    def __str__(self) -> str:
        name = f"{self.scope}.{self.attribute}" if self.scope else self.attribute
        return f"{name}{self.op.value}{self.value}"


class LogicOp(enum.StrEnum):
    """How the segments of code A relate to those of code B in ``CodeLogic``."""

    AND = "AND"
    """A segments that some B segment overlaps (ends are exclusive)."""
    SAME_TURN = "SAME_TURN"
    """A segments lying within one speaker turn that also holds a whole B segment."""
    NOT = "NOT"
    """A segments that no B segment overlaps."""
    FOLLOWED_BY = "FOLLOWED_BY"
    """A segments after whose end a B segment starts within ``within`` characters."""


@dataclass(frozen=True, slots=True)
class CodeLogic:
    """``A AND B``, ``A SAME_TURN B``, ``A NOT B``, ``A FOLLOWED_BY B WITHIN N``.

    The result is always segments of ``left`` (each a real coding, with its coder and
    memo); ``right`` only decides which of them are kept. A coding never pairs with itself."""

    left: str
    op: LogicOp
    right: str
    within: int | None = None

    def __str__(self) -> str:
        tail = f" WITHIN {self.within}" if self.op is LogicOp.FOLLOWED_BY else ""
        return f"{self.left} {self.op.value} {self.right}{tail}"


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments to retrieve. ``code`` includes every code below it in the tree (by
    ``parent_id``) unless ``children`` is False; None means every code. Only current
    source versions count unless ``all_versions``. Filters that are None or empty do not
    restrict; all that are set must hold.

    ``kind``: family, municipality or other. ``speaker``: a participant code (``1a``), a
    role or profession (``mor``, ``barnekoordinator``), a person's label or the speaker tag
    of the turn where the segment starts (``I``, ``F1``). ``where``: attribute conditions
    as of each interview's round. ``logic``: code logic, whose left code replaces ``code``
    (give one or the other); the other filters apply to the left code's segments, and
    source filters and ``coder`` to the right code's too."""

    code: str | None = None
    case: str | None = None
    round: str | None = None
    coder: str | None = None
    source_id: int | None = None
    all_versions: bool = False
    children: bool = True
    kind: str | None = None
    speaker: str | None = None
    where: tuple[Condition, ...] = ()
    logic: CodeLogic | None = None

    def __post_init__(self) -> None:
        # keys are stored NFC: "Måle" typed with a combining ring finds the case "Måle"
        for name in ("code", "case", "round", "coder", "speaker"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, unicodedata.normalize("NFC", value))
