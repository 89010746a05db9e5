"""Matrix and co-occurrence benchmark on a generated study (median of 5 runs each).

Targets (issue #9): code × case matrix < 200 ms; full co-occurrence of 40 codes < 1 s, on
the 600-transcript / 100,000-coding study. The study is copied first (opening a project
may upgrade its schema; the original stays as it is).

Run: .venv/bin/python bench/make_study.py --size medium   (once)
     .venv/bin/python bench/bench_analysis.py [--study bench/study-medium.casebook] [--runs 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.model.cooccurrence import CooccurrenceMode, CooccurrenceSpec  # noqa: E402
from casebook.model.matrix import ColumnAxis, MatrixSpec, Measure  # noqa: E402
from casebook.services import analysis, workbench  # noqa: E402
from casebook.services.project import Project  # noqa: E402

TARGETS_MS = {"matrix code × case (segments)": 200.0, "co-occurrence overlap (all codes)": 1000.0}


def copy_study(study: Path, folder: Path) -> Path:
    """A consistent copy of ``study`` (SQLite's backup API also takes what sits in its WAL)."""
    target = folder / study.name
    source = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


def timed(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    """Median wall time in ms over ``runs`` runs (after one warm-up), and the last result."""
    result = work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def cases(project: Project) -> dict[str, Callable[[], object]]:
    """The measured operations."""
    return {
        "matrix code × case (segments)": lambda: analysis.matrix(project, MatrixSpec()),
        "matrix code × case, one coder": lambda: analysis.matrix(project, MatrixSpec(coder="ida")),
        "matrix code × round (cases)": lambda: analysis.matrix(
            project, MatrixSpec(columns=ColumnAxis.ROUNDS, measure=Measure.CASES)
        ),
        "matrix code × attr:barn_alder": lambda: analysis.matrix(
            project, MatrixSpec(columns=ColumnAxis.ATTRIBUTE, attribute="barn_alder")
        ),
        "matrix root codes × case (words)": lambda: analysis.matrix(
            project, MatrixSpec(measure=Measure.WORDS, roots_only=True)
        ),
        "co-occurrence overlap (all codes)": lambda: analysis.cooccurrence(project, CooccurrenceSpec()),
        "co-occurrence same turn (all codes)": lambda: analysis.cooccurrence(
            project, CooccurrenceSpec(mode=CooccurrenceMode.TURN)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--study", type=Path, default=ROOT / "bench" / "study-medium.casebook")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.study.is_file():
        sys.exit(
            f"{args.study}: no study there; make one with: .venv/bin/python bench/make_study.py --size medium"
        )
    with tempfile.TemporaryDirectory() as tmp, Project.open(copy_study(args.study, Path(tmp))) as project:
        codings = sum(c.codings for c in workbench.codebook(project))
        print(
            f"{args.study.name}: {len(project.sources())} sources, {codings:,} codings; median of {args.runs}"
        )
        for name, work in cases(project).items():
            median, result = timed(args.runs, work)
            target = TARGETS_MS.get(name)
            verdict = (
                "" if target is None else (" ok" if median < target else " SLOW") + f" (< {target:.0f} ms)"
            )
            print(f"  {name:<38} {median:8.1f} ms{verdict}  [{describe(result)}]")


def describe(result: object) -> str:
    """A few words on what was computed, so a fast wrong answer shows."""
    rows = getattr(result, "rows", None)
    if rows is not None:
        return f"{len(rows)} rows × {len(result.columns)} columns"  # type: ignore[attr-defined]
    pairs = getattr(result, "pairs", ())
    return f"{len(pairs)} pairs, top {pairs[0].passages} passages" if pairs else "no pairs"


if __name__ == "__main__":
    main()
