"""Codes, the codebook that holds them, and codings (a code on a span of a source)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Distance(enum.StrEnum):
    """Which of the four distances a code belongs to (``none`` for the other roots)."""

    KOGNITIV = "kognitiv"
    STRUKTURELL = "strukturell"
    MAKT = "makt"
    FYSISK = "fysisk"
    NONE = "none"


class Valence(enum.StrEnum):
    """Whether what the code marks hinders or helps coordination."""

    HINDRER = "hindrer"
    FREMMER = "fremmer"
    NOYTRAL = "nøytral"


@dataclass(frozen=True, slots=True)
class Code:
    """One code of the codebook. ``key`` is the stable id (``broer.koordinator``)."""

    key: str
    name: str
    parent: str | None = None
    description: str = ""
    use_when: str = ""
    not_when: str = ""
    examples: tuple[str, ...] = ()
    color: str = "#888888"
    distance: Distance = Distance.NONE
    valence: Valence = Valence.NOYTRAL
    signals: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    guid: str = ""
    codings: int = 0


@dataclass(frozen=True, slots=True)
class Codebook:
    """A whole codebook: metadata and codes, parents listed before their children."""

    name: str = ""
    version: str = ""
    language: str = "nb"
    description: str = ""
    codes: tuple[Code, ...] = field(default_factory=tuple)

    def by_key(self) -> dict[str, Code]:
        """Codes indexed by id."""
        return {code.key: code for code in self.codes}

    def children(self, key: str | None) -> list[Code]:
        """Direct children of ``key`` (roots for None), in file order."""
        return [code for code in self.codes if code.parent == key]


@dataclass(frozen=True, slots=True)
class Coding:
    """A code applied to ``text[start:end]`` of a source by a coder."""

    id: int
    source_id: int
    start: int
    end: int
    code: str
    coder: str
    created_at: str = ""
    memo: str = ""
    guid: str = ""


@dataclass(frozen=True, slots=True)
class CodebookEvent:
    """One entry of the codebook's audit trail."""

    id: int
    at: str
    coder: str
    action: str
    code: str
    details: str
