"""What a case summary is made from, and how its most relevant excerpts are chosen.

**Most relevant excerpts** of a code: passages not yet quoted elsewhere in the summary
first; among those, the ones cited as evidence for a direction, then those with a coding
memo, then passages two or more coders coded alike. The picks are spread over the case's
rounds (the best of each round before a second of any round) and shown in round order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from casebook.model.changes import ChangeGrid, ThemeRow
from casebook.model.codes import Code
from casebook.model.timeline import Timeline
from casebook.reports.model import Block, Excerpt, Section, distinct_quotes
from casebook.reports.summary_template import SummarySection
from casebook.text.count_phrases import FAMILY, Noun


@dataclass(frozen=True)
class CaseDossier:
    """Everything a case summary is made from."""

    project: str
    timeline: Timeline
    grid: ChangeGrid
    codes: tuple[Code, ...]
    excerpts: tuple[Excerpt, ...]
    memo: str = ""
    peers: int = 0
    """Cases of the same kind with at least one interview: the whole of cross-case phrases."""
    peers_with_code: dict[str, int] = field(default_factory=dict)
    """For each code (with its subtree): how many of those cases have a segment of it."""
    peers_with_strafferunde: int = 0
    noun: Noun = FAMILY
    evidence: frozenset[str] = frozenset()
    """GUIDs of codings the researcher cited as evidence for a direction."""
    coding_guids: dict[int, str] = field(default_factory=dict)
    pseudonymised: bool = False
    quoted: set[tuple[str, int, int]] = field(default_factory=set)
    """Passages already quoted in the summary (source, start, end): others are preferred."""

    def code(self, key: str) -> Code:
        """A code of the codebook by key (KeyError if unknown: checked before building)."""
        return next(c for c in self.codes if c.key == key)

    def row(self, key: str) -> ThemeRow:
        """The change grid's row of a theme."""
        return self.grid.row(key)

    def below(self, key: str) -> set[str]:
        """The code and every code below it."""
        out = {key}
        changed = True
        while changed:
            changed = False
            for code in self.codes:
                if code.parent in out and code.key not in out:
                    out.add(code.key)
                    changed = True
        return out


def _score(dossier: CaseDossier, excerpt: Excerpt, coders: int) -> int:
    cited = dossier.coding_guids.get(excerpt.coding_id, "") in dossier.evidence
    return 4 * cited + 2 * bool(excerpt.memo.strip()) + (coders >= 2)


def relevant_excerpts(dossier: CaseDossier, codes: Iterable[str], limit: int) -> tuple[Excerpt, ...]:
    """Up to ``limit`` excerpts of ``codes`` (each with its sub-codes), most relevant first
    within each round, spread over the rounds and returned in round order."""
    wanted: set[str] = set()
    for code in codes:
        wanted |= dossier.below(code)
    found = [e for e in dossier.excerpts if e.code in wanted]
    coders: dict[tuple[str, int, int], int] = {}
    for e in found:
        key = (e.source, e.start, e.end)
        coders[key] = coders.get(key, 0) + 1
    order = {k: i for i, k in enumerate(dossier.grid.rounds)}
    remaining = sorted(
        distinct_quotes(tuple(found)),
        key=lambda e: (
            (e.source, e.start, e.end) in dossier.quoted,
            -_score(dossier, e, coders[(e.source, e.start, e.end)]),
            order.get(e.round, 99),
            e.start,
        ),
    )
    chosen: list[Excerpt] = []
    while remaining and len(chosen) < limit:
        rounds_taken: set[str] = set()
        for excerpt in list(remaining):
            if len(chosen) < limit and excerpt.round not in rounds_taken:
                chosen.append(excerpt)
                remaining.remove(excerpt)
                rounds_taken.add(excerpt.round)
    dossier.quoted.update((e.source, e.start, e.end) for e in chosen)
    return tuple(sorted(chosen, key=lambda e: (order.get(e.round, 99), e.source, e.start)))


SectionContent = tuple[tuple[Block, ...], tuple[Excerpt, ...], tuple[Section, ...]]
"""What a section filler returns: running text, the chapter's own excerpts, sub-sections."""

Filler = Callable[["CaseDossier", SummarySection, int], SectionContent]
"""Fills one template section from a dossier, with at most ``limit`` excerpts per code."""
