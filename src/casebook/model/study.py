"""The study's people and structure: cases, persons, rounds, interviews."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class CaseKind(enum.StrEnum):
    """What a case stands for in the study."""

    FAMILY = "family"
    MUNICIPALITY = "municipality"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Case:
    """A unit of analysis: a family of the forløpsstudie, a municipality, or other."""

    id: int
    key: str
    kind: CaseKind
    label: str


@dataclass(frozen=True, slots=True)
class Person:
    """An informant or professional, identified in reports by a participant code."""

    id: int
    code: str
    role: str
    profession: str = ""
    label: str = ""
    cases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Round:
    """An interview round; rounds are ordered by ``position``."""

    id: int
    key: str
    label: str
    position: int
    window_start: str | None = None
    window_end: str | None = None
    baseline: bool = False


@dataclass(frozen=True, slots=True)
class InterviewMeta:
    """Who, when and where for one imported transcript (all but case optional)."""

    case: str
    round: str | None = None
    date: str | None = None
    mode: str = ""
    place: str = ""
    interviewer: str = ""
    informants: tuple[str, ...] = ()
    speakers: dict[str, str] = field(default_factory=dict)
    name: str | None = None
