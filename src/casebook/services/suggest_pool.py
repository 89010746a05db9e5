"""Running the suggester over many sources on several cores.

The parent builds the suggester (spaCy's pipeline, the signals, the model) once, then forks
worker processes that inherit it; each worker proposes codes for whole sources handed to it
as text and turns, and sends back the proposals. Only the parent writes to the project,
one transaction per source, so a failure or an interrupt leaves every source either as it
was or fully run. Forking is used only from the command line, never from the workbench's
threads.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from casebook.coding.suggesting import Suggester, passages
from casebook.model.sources import Turn
from casebook.model.suggestions import Proposal

MIN_SOURCES = 4
"""Fewer sources than this are run in the calling process."""

_suggester: list[Suggester] = []


def default_jobs() -> int:
    """Worker processes to use: the machine's cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def _propose(task: tuple[int, str, list[Turn]]) -> tuple[int, int, list[Proposal]]:
    source_id, text, turns = task
    found = passages(text, turns)
    return source_id, sum(len(p.span) for p in found), _suggester[0].propose(source_id, found)


def propose_all(
    suggester: Suggester, tasks: Iterable[tuple[int, str, list[Turn]]], jobs: int
) -> Iterator[tuple[int, int, list[Proposal]]]:
    """(source id, tokens, proposals) for each task, in order; in ``jobs`` forked workers
    when that is worth it and the platform can fork, else here."""
    items = list(tasks)
    if jobs <= 1 or len(items) < MIN_SOURCES or "fork" not in multiprocessing.get_all_start_methods():
        _suggester[:] = [suggester]
        yield from map(_propose, items)
        return
    _suggester[:] = [suggester]  # inherited by the forked workers
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(_propose, items, chunksize=2)
