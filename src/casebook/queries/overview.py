"""The study overview: which interviews exist per case and round, how much is coded, by whom."""

from __future__ import annotations

from casebook.model.overview import Grid, SourceCoverage
from casebook.storage import coverage_store, source_store, study_store
from casebook.storage.connection import ProjectDB


def study_grid(pdb: ProjectDB) -> Grid:
    """Build the cases x rounds grid with coverage per source (cached per source)."""
    sources = source_store.list_sources(pdb)
    covers = coverage_store.coverage(pdb, [s.id for s in sources])
    names = coverage_store.coder_names(pdb)
    grid = Grid(study_store.list_cases(pdb), study_store.list_rounds(pdb))
    for source in sources:
        coded, coders = covers[source.id]
        cover = SourceCoverage(source, min(source.chars, coded), tuple(sorted(names[c] for c in coders)))
        grid.cells.setdefault((source.case or "", source.round), []).append(cover)
    return grid
