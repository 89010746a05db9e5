"""Benchmark: a 5,000-excerpt Word report (target < 10 s), plain and pseudonymised.

Works on a private copy of bench/study-medium.casebook (made with
``.venv/bin/python bench/make_study.py --size medium`` when missing), so the shared file
is never migrated or changed. Picks codes whose segments add up to about 5,000, loads
the sample study's list of pseudonyms into the copy, and prints the times.

Run: .venv/bin/python bench/bench_reports.py [--study PATH] [--excerpts 5000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.model.segments import SegmentFilter  # noqa: E402
from casebook.services import pseudonyms, reports, workbench  # noqa: E402
from casebook.services.project import Project  # noqa: E402
from casebook.services.reports import ReportFormat, ReportSpec  # noqa: E402

DEFAULT_STUDY = ROOT / "bench" / "study-medium.casebook"


def _codes_for(project: Project, wanted: int) -> tuple[list[str], int]:
    """Leaf codes whose segments add up to ``wanted`` or a little more (largest first)."""
    counts = []
    for code in workbench.codebook(project):
        if code.parent is not None:
            counts.append((workbench.segment_count(project, SegmentFilter(code=code.key)), code.key))
    chosen, total = [], 0
    for count, key in sorted(counts):
        if total + count <= wanted * 1.05:
            chosen.append(key)
            total += count
    return chosen, total


def _timed(label: str, project: Project, spec: ReportSpec, out: Path) -> float:
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter() - started)

    result = reports.export(project, spec, out, progress)
    took = time.perf_counter() - started
    render_at = phases.get("render", took)
    print(
        f"{label:<28} {result.excerpts:>6} excerpts  total {took:6.2f} s"
        f"  (retrieve+build {render_at:5.2f} s, render+check+write {took - render_at:5.2f} s)"
        f"  {out.stat().st_size / 1e6:5.1f} MB"
    )
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=DEFAULT_STUDY)
    parser.add_argument("--excerpts", type=int, default=5000)
    args = parser.parse_args()
    if not args.study.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_study.py"), "--size", "medium"], check=True
        )
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "study.casebook"
        shutil.copy(args.study, copy)
        with Project.open(copy) as project:
            pseudonyms.load(project, ROOT / "sample_transcripts" / "study.toml")
            codes, total = _codes_for(project, args.excerpts)
            print(f"study {args.study.name}: {len(codes)} codes with {total} segments")
            spec = ReportSpec(title="Benchmark", codes=tuple(codes), matrix="cases", memos=True)
            times = [
                _timed("docx", project, spec, Path(folder) / "report.docx"),
                _timed("docx --pseudonymise", project, _pseudonymised(spec), Path(folder) / "anon.docx"),
            ]
            for fmt in (ReportFormat.XLSX, ReportFormat.CSV, ReportFormat.MD):
                _timed(
                    f"{fmt.value} --pseudonymise", project, _pseudonymised(spec), Path(folder) / f"anon.{fmt}"
                )
    verdict = "OK" if max(times) < 10 else "TOO SLOW"
    print(f"5,000-excerpt Word report: {max(times):.2f} s (target < 10 s): {verdict}")


def _pseudonymised(spec: ReportSpec) -> ReportSpec:
    from dataclasses import replace

    return replace(spec, pseudonymise=True)


if __name__ == "__main__":
    main()
