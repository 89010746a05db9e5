"""Benchmark: following cases across rounds on the generated 600-transcript study.

Targets (issue #10): a summary of a case with 3 rounds and about 500 codings < 1 s;
``changes`` for every case of a 200-family study < 2 s; the rollup < 1 s. Works on a
private copy of bench/study-medium.casebook (made with ``.venv/bin/python
bench/make_study.py --size medium`` when missing), so the shared file is never migrated.

Run: .venv/bin/python bench/bench_longitudinal.py [--study PATH]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.model.changes import ChangeGrid  # noqa: E402
from casebook.model.study import CaseKind  # noqa: E402
from casebook.services import longitudinal, summaries  # noqa: E402
from casebook.services.project import Project  # noqa: E402
from casebook.services.reports import ReportFormat  # noqa: E402

DEFAULT_STUDY = ROOT / "bench" / "study-medium.casebook"


def _timed(label: str, target: float, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    took = time.perf_counter() - start
    verdict = "ok" if took < target else "SLOW"
    print(f"{label:<58} {took:6.2f} s  (target < {target:.0f} s) {verdict}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=DEFAULT_STUDY)
    args = parser.parse_args()
    if not args.study.exists():
        sys.exit(f"{args.study} is missing: make it with bench/make_study.py --size medium")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "study.casebook"
        shutil.copy(args.study, copy)
        with Project.open(copy) as project:  # applies 0006_longitudinal to the copy
            families = [c.key for c in project.cases() if c.kind is CaseKind.FAMILY]
            per_case = Counter(s.case for s in project.sources())
            print(f"{len(families)} families, {sum(per_case.values())} sources")
            grids: list[ChangeGrid] = []
            _timed(
                f"changes for every family ({len(families)}), with words",
                2,
                lambda: grids.extend(longitudinal.change_grids(project)),
            )
            codings = {g.case: sum(g.round_segments) for g in grids}
            case = min(codings, key=lambda k: abs(codings[k] - 500))
            print(f"summary case {case}: {codings[case]} codings in {per_case[case]} sources")
            _timed("changes for one family", 1, lambda: longitudinal.change_grid(project, case))
            _timed("rollup R1 → R3, root codes", 1, lambda: longitudinal.rollup(project))
            out = Path(folder) / "summary.docx"
            _timed(
                f"summary of {case} as .docx",
                1,
                lambda: summaries.export(project, case, out, ReportFormat.DOCX),
            )
            _timed(
                f"summary of {case} as .md",
                1,
                lambda: summaries.export(project, case, out.with_suffix(".md"), ReportFormat.MD),
            )


if __name__ == "__main__":
    main()
