"""Change grids: per case, each theme's segments, words and coders per round, and a
direction per theme and pair of rounds (the researcher's, else a suggestion).

A theme is a code counted with every code below it (``parent_id`` tree), as in every
count casebook shows. Only the case's current source versions count; a professional's
interview counts for the family it is filed under. Words are counted as in matrices:
words under the union of the theme's spans, each word once. The suggestion rules are in
``queries.suggestion``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from casebook.errors import InvalidValue
from casebook.model.attributes import AttributeScope, AttributeValue
from casebook.model.changes import (
    Assessment,
    AttributeScale,
    ChangeGrid,
    DirectionRecord,
    DirectionSource,
    Evidence,
    RoundCount,
    ThemeRow,
)
from casebook.model.study import Round
from casebook.queries.matrix import municipality_attributes
from casebook.queries.scope import CodeTree, code_tree
from casebook.queries.suggestion import PartCounts, ScaleMove, suggest
from casebook.queries.timeline import attribute_changes, values_by_round
from casebook.storage import attribute_store, direction_store, longitudinal_store, source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.text.wordcount import words_covered


@dataclass
class StudyContext:
    """What every case's grid shares: the code tree, valences, rounds, scales, hidden
    attributes. Load it once to build many grids."""

    tree: CodeTree
    valence: dict[int, str]
    rounds: list[Round]
    scales: list[AttributeScale]
    hidden: frozenset[str]
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, pdb: ProjectDB, with_municipality: bool = False) -> StudyContext:
        """Read the shared facts of the study."""
        return cls(
            code_tree(pdb),
            longitudinal_store.code_valences(pdb),
            study_store.list_rounds(pdb),
            longitudinal_store.list_scales(pdb),
            frozenset() if with_municipality else municipality_attributes(pdb),
            {c.key: c.label for c in study_store.list_cases(pdb)},
        )

    def rolled(self, code_id: int) -> list[str]:
        """The themes a coding of ``code_id`` counts towards: its code and every code above."""
        return [self.tree.by_id[up].key for up in self.tree.ancestors_and_self(code_id)]

    def scale_themes(self, scale: AttributeScale) -> set[str]:
        """The themes a scale bears on: the codes it names and every code above them."""
        out: set[str] = set()
        for key in scale.themes:
            node = self.tree.by_key.get(key)
            if node is not None:
                out.update(self.rolled(node.id))
        return out


@dataclass
class Tally:
    """One case's counts: per theme and round, segments by valence, coders and words."""

    rounds: list[str]
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    parts: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    coders: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    words: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, context: StudyContext, code_id: int, round_key: str, n: int, coder: str | None) -> None:
        """Count ``n`` codings of ``code_id`` in ``round_key`` towards every theme above it."""
        slot = {"hindrer": 0, "fremmer": 1}.get(context.valence.get(code_id, ""), 2)
        self.totals[round_key] += n
        for theme in context.rolled(code_id):
            self.parts[(theme, round_key)][slot] += n
            if coder is not None:
                self.coders[(theme, round_key)].add(coder)

    def part_counts(self, theme: str, round_key: str) -> PartCounts:
        """The theme's hindering / helping / other segments and the round's total."""
        hindrer, fremmer, other = self.parts.get((theme, round_key), (0, 0, 0))
        return PartCounts(hindrer, fremmer, other, self.totals.get(round_key, 0))


def tally_case(pdb: ProjectDB, context: StudyContext, case_id: int, words: bool = True) -> Tally:
    """Count one case's codings (current source versions) per theme and round."""
    interviews = longitudinal_store.case_interviews(pdb, case_id)
    round_of = {i.source_id: i.round for i in interviews if i.round is not None}
    order = [r.key for r in context.rounds]
    tally = Tally([k for k in order if k in set(round_of.values())])
    spans: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for code_id, source_id, coder, start, end in longitudinal_store.codings_of_sources(pdb, round_of):
        round_key = round_of[source_id]
        tally.add(context, code_id, round_key, 1, coder)
        if words:
            for theme in context.rolled(code_id):
                spans[source_id][theme].append((start, end))
    for source_id, by_theme in spans.items():
        text = source_store.source_text(pdb, source_id)
        for theme, theme_spans in by_theme.items():
            tally.words[(theme, round_of[source_id])] += words_covered(text, sorted(theme_spans))
    return tally


def scale_moves(
    context: StudyContext, table: dict[str, list[str | None]], theme: str, pair: tuple[str, str]
) -> tuple[ScaleMove, ...]:
    """The declared scales bearing on ``theme``, with their values as of the pair's rounds."""
    index = {r.key: i for i, r in enumerate(context.rounds)}
    moves = []
    for scale in context.scales:
        values = table.get(scale.attribute)
        if values is None or theme not in context.scale_themes(scale):
            continue
        moves.append(ScaleMove(scale, values[index[pair[0]]], values[index[pair[1]]]))
    return tuple(moves)


def round_pairs(rounds: Sequence[str], extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Consecutive pairs, first → last (with three rounds or more), then ``extra`` pairs."""
    pairs = list(pairwise(rounds))
    if len(rounds) >= 3:
        pairs.append((rounds[0], rounds[-1]))
    for pair in extra:
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def _evidence(pdb: ProjectDB, records: Iterable[DirectionRecord]) -> dict[str, Evidence]:
    guids = {g for r in records for g in r.evidence}
    found = direction_store.codings_by_guid(pdb, guids)
    out = {}
    for guid in guids:
        hit = found.get(guid)
        out[guid] = (
            Evidence(guid, True, hit[0], hit[1], hit[2], hit[3], hit[4], hit[5])
            if hit is not None
            else Evidence(guid, False)
        )
    return out


def build_grid(
    pdb: ProjectDB, case_key: str, context: StudyContext | None = None, words: bool = True
) -> ChangeGrid:
    """The change grid of one case (NotFound for an unknown case)."""
    context = context or StudyContext.load(pdb)
    case_id = study_store.case_id(pdb, case_key)
    tally = tally_case(pdb, context, case_id, words)
    values = [
        v
        for v in attribute_store.list_values(pdb, AttributeScope.CASE, case_key)
        if v.attribute not in context.hidden
    ]
    return grid_from(pdb, context, case_key, tally, values, direction_store.current(pdb, case_id))


def _row(context: StudyContext, tally: Tally, node_id: int) -> ThemeRow:
    """A theme's counts in each of the case's rounds."""
    node = context.tree.by_id[node_id]
    counts = tuple(
        RoundCount(
            k,
            sum(tally.parts.get((node.key, k), (0, 0, 0))),
            tally.words.get((node.key, k), 0),
            tuple(sorted(tally.coders.get((node.key, k), ()))),
        )
        for k in tally.rounds
    )
    return ThemeRow(
        node.key,
        node.name,
        context.tree.parent_key(node.id),
        context.tree.depth[node.id],
        context.valence.get(node.id, ""),
        counts,
    )


def _assessment(
    context: StudyContext,
    tally: Tally,
    table: dict[str, list[str | None]],
    theme: str,
    pair: tuple[str, str],
    record: DirectionRecord | None,
    evidence: dict[str, Evidence],
) -> Assessment:
    """The researcher's direction for the theme and pair, else the suggestion."""
    if record is not None and record.direction is not None:
        return Assessment(
            theme,
            *pair,
            record.direction,
            DirectionSource.RESEARCHER,
            record.reason,
            tuple(evidence[g] for g in record.evidence),
            record.coder,
            record.created_at,
        )
    suggestion = suggest(
        (tally.part_counts(theme, pair[0]), tally.part_counts(theme, pair[1])),
        pair,
        scale_moves(context, table, theme, pair),
        (pair[0] in tally.rounds, pair[1] in tally.rounds),
    )
    return Assessment(theme, *pair, suggestion.direction, DirectionSource.SUGGESTED, suggestion.reason)


def grid_from(
    pdb: ProjectDB,
    context: StudyContext,
    case_key: str,
    tally: Tally,
    values: list[AttributeValue],
    current: list[DirectionRecord],
) -> ChangeGrid:
    """A grid from a case's tally, attribute values and current directions (a direction
    whose code was merged away or deleted stays in the history, not in the grid)."""
    table = values_by_round(values, context.rounds)
    keys = [r.key for r in context.rounds]
    considered = [k for k in keys if k in tally.rounds or any(v.round == k for v in values)]
    live = [r for r in current if r.code_exists]
    set_by = {(r.theme, r.from_round, r.to_round): r for r in live}
    pairs = round_pairs(tally.rounds, [(r.from_round, r.to_round) for r in live])
    evidence = _evidence(pdb, live)
    rows = [_row(context, tally, node.id) for node in context.tree.order]
    assessments = [
        _assessment(context, tally, table, row.code, pair, set_by.get((row.code, *pair)), evidence)
        for row in rows
        for pair in pairs
    ]
    return ChangeGrid(
        case=case_key,
        label=context.labels.get(case_key, ""),
        rounds=tuple(tally.rounds),
        round_segments=tuple(tally.totals.get(k, 0) for k in tally.rounds),
        rows=tuple(rows),
        changes=tuple(attribute_changes(table, keys, considered)),
        assessments=tuple(assessments),
        pairs=tuple(pairs),
    )


def check_pair(context: StudyContext, from_round: str, to_round: str) -> None:
    """Refuse a pair of rounds that is not in study order (or names an unknown round)."""
    position = {r.key: r.position for r in context.rounds}
    for key in (from_round, to_round):
        if key not in position:
            raise InvalidValue(f"no round {key!r} in this project (rounds: {', '.join(position) or 'none'})")
    if position[from_round] >= position[to_round]:
        raise InvalidValue(f"{from_round} → {to_round}: the first round must come before the second")
