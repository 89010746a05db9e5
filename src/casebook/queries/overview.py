"""The study overview: which interviews exist per case and round, how much is coded, by whom."""

from __future__ import annotations

from collections import defaultdict

from casebook.model.overview import Grid, SourceCoverage
from casebook.storage import coding_store, source_store, study_store
from casebook.storage.connection import ProjectDB


def union_length(spans: list[tuple[int, int]]) -> int:
    """Characters covered by at least one of ``spans``."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def study_grid(pdb: ProjectDB) -> Grid:
    """Build the cases x rounds grid with coverage per source."""
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    coders: dict[int, set[str]] = defaultdict(set)
    for source_id, start, end, coder in coding_store.coverage_rows(pdb):
        spans[source_id].append((start, end))
        coders[source_id].add(coder)
    grid = Grid(study_store.list_cases(pdb), study_store.list_rounds(pdb))
    for source in source_store.list_sources(pdb):
        cover = SourceCoverage(
            source, min(source.chars, union_length(spans[source.id])), tuple(sorted(coders[source.id]))
        )
        grid.cells.setdefault((source.case or "", source.round), []).append(cover)
    return grid
