"""The rollup: per theme and pair of rounds, how many cases improved, stayed, worsened.

The whole is the cases of one kind (families by default) with an interview in both
rounds; a case interviewed in only one of them is not counted, and the rollup says how
many were left out. Each case counts with the researcher's direction when one is set,
else with the suggestion (``researcher_only`` counts only what researchers set). Counts
come from one grouped pass over all codings, as in matrices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from casebook.model.attributes import AttributeScope, AttributeValue
from casebook.model.changes import Direction, DirectionRecord, RollupRow
from casebook.model.study import CaseKind
from casebook.queries.changes import StudyContext, Tally, check_pair, scale_moves
from casebook.queries.suggestion import suggest
from casebook.queries.timeline import values_by_round
from casebook.storage import attribute_store, direction_store, matrix_store
from casebook.storage.connection import ProjectDB


def _tallies(pdb: ProjectDB, context: StudyContext, kind: CaseKind | None) -> dict[str, Tally]:
    """Every case's segments per theme and round (no words, no coders: not needed here)."""
    scope = [
        s
        for s in matrix_store.current_sources(pdb)
        if s.case is not None and s.round is not None and (kind is None or s.kind == kind.value)
    ]
    order = [r.key for r in context.rounds]
    rounds_of: dict[str, set[str]] = defaultdict(set)
    for source in scope:
        rounds_of[source.case or ""].add(source.round or "")
    tallies = {case: Tally([k for k in order if k in keys]) for case, keys in rounds_of.items()}
    where = {s.id: (s.case or "", s.round or "") for s in scope}
    for code_id, source_id, n in matrix_store.counts_by_code_source(pdb, None):
        found = where.get(source_id)
        if found is not None and code_id in context.tree.by_id:
            tallies[found[0]].add(context, code_id, found[1], n, None)
    return tallies


def _case_values(
    pdb: ProjectDB, context: StudyContext, cases: Sequence[str]
) -> dict[str, dict[str, list[str | None]]]:
    """Each case's attribute values as of every round (municipality left out)."""
    values: dict[str, list[AttributeValue]] = defaultdict(list)
    for value in attribute_store.list_values(pdb, AttributeScope.CASE):
        if value.attribute not in context.hidden:
            values[value.entity].append(value)
    return {case: values_by_round(values.get(case, []), context.rounds) for case in cases}


def build_rollup(
    pdb: ProjectDB,
    themes: Sequence[str],
    pair: tuple[str, str],
    kind: CaseKind | None = CaseKind.FAMILY,
    researcher_only: bool = False,
    context: StudyContext | None = None,
) -> tuple[list[RollupRow], int]:
    """One row per theme over ``pair``; also how many cases of ``kind`` had an interview in
    only one of the two rounds (left out of the whole)."""
    context = context or StudyContext.load(pdb)
    check_pair(context, *pair)
    for theme in themes:
        context.tree.node(theme)  # NotFound for an unknown code
    tallies = _tallies(pdb, context, kind)
    both = sorted(c for c, t in tallies.items() if pair[0] in t.rounds and pair[1] in t.rounds)
    partial = sum(1 for t in tallies.values() if (pair[0] in t.rounds) != (pair[1] in t.rounds))
    tables = _case_values(pdb, context, both)
    set_by: dict[tuple[str, str], DirectionRecord] = {
        (r.case, r.theme): r
        for r in direction_store.current(pdb)
        if (r.from_round, r.to_round) == pair and r.code_exists
    }
    rows = []
    for theme in themes:
        cases: dict[Direction, list[str]] = defaultdict(list)
        researcher: dict[Direction, int] = defaultdict(int)
        for case in both:
            record = set_by.get((case, theme))
            if record is not None and record.direction is not None:
                cases[record.direction].append(case)
                researcher[record.direction] += 1
            elif not researcher_only:
                tally = tallies[case]
                counts = (tally.part_counts(theme, pair[0]), tally.part_counts(theme, pair[1]))
                cases[
                    suggest(counts, pair, scale_moves(context, tables[case], theme, pair)).direction
                ].append(case)
        name = context.tree.node(theme).name
        by_direction = {d: tuple(cases[d]) for d in Direction if cases[d]}
        set_here = {d: researcher[d] for d in Direction if researcher[d]}
        rows.append(RollupRow(theme, name, pair[0], pair[1], len(both), by_direction, set_here))
    return rows, partial


def default_themes(context: StudyContext, pdb: ProjectDB, pair: tuple[str, str]) -> list[str]:
    """The root codes, then any other code with a direction set for ``pair``, in tree order."""
    chosen = {n.key for n in context.tree.order if context.tree.depth[n.id] == 0}
    chosen |= {
        r.theme for r in direction_store.current(pdb) if (r.from_round, r.to_round) == pair and r.code_exists
    }
    return [n.key for n in context.tree.order if n.key in chosen]
