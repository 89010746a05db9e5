"""Scale benchmark: time service-level operations on a generated study (issue #8).

Build the study first (``bench/make_study.py --size SIZE``), then:

    .venv/bin/python bench/run.py --size small|medium|large [--repeats 5]

Each operation runs ``--repeats`` times on a private copy of the study; the median and
the min–max are printed and written to ``bench/results-SIZE.json``; ``bench/RESULTS.md``
is rebuilt from every results file present.

TODO (not measured yet):
- the workbench through Textual Pilot: cold start with the big study, the overview's
  first paint with 200+ cases, opening the coding screen on the most-coded transcript
  and painting it, scrolling, apply + repaint, the segments screen of the most-used code;
- search across the whole study (the search service is per transcript today);
- codebook edits at scale: rename / move / merge / split a code with 10,000+ codings,
  and the history; delete refused with counts;
- exports and reports at scale (REFI-QDA project, codebook, docx/md report, matrices);
- inter-coder agreement over the paired codings (no service yet);
- importing one more transcript into the big study; re-import of a changed version;
- ``casebook codings --json`` / ``sources --json`` over the whole study (CLI output cost);
- the large size in CI-like conditions (cold OS cache).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.services import coding, search, workbench  # noqa: E402
from casebook.services.project import Project  # noqa: E402

BENCH = ROOT / "bench"
FIND_CODING = (
    'EXPLAIN QUERY PLAN SELECT id FROM codings WHERE source_id = ? AND start = ? AND "end" = ?'
    " AND code_id = ? AND coder_id = ?"
)  # the query of coding_store.find_coding


@dataclass(frozen=True)
class Targets:
    """What the operations work on: the most-coded transcript and the most-used code."""

    source_id: int
    source_name: str
    source_chars: int
    source_codings: int
    code: str
    code_codings: int
    root: str


def find_targets(project: Project) -> Targets:
    """The most-coded current source and the most-used code (one pass over all codings)."""
    codings = coding.codings(project)
    current = {s.id: s for s in project.sources()}
    by_source = Counter(c.source_id for c in codings if c.source_id in current)
    by_code = Counter(c.code for c in codings)
    source_id, count = by_source.most_common(1)[0]
    code, code_count = by_code.most_common(1)[0]
    source = current[source_id]
    return Targets(source_id, source.name, source.chars, count, code, code_count, code.split(".")[0])


def timed(operation: Callable[[], object], repeats: int) -> dict[str, float]:
    """Median, min and max wall time in milliseconds over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        operation()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}


def operations(project: Project, path: Path, targets: Targets) -> dict[str, Callable[[], object]]:
    """The operations to time, by the name they are reported under."""
    text = workbench.open_source(project, targets.source_id).text
    spans = iter(range(100, targets.source_chars - 200, 997))

    def apply_one() -> None:
        start = next(spans)
        workbench.apply(project, targets.source_id, start, start + 120, "familie.los", "bench")

    def check() -> None:
        with Project.open_readonly(path) as readonly:
            assert readonly.check().ok

    def cli_check() -> None:
        cli = [sys.executable, "-m", "casebook", "--project", str(path), "check", "--json"]
        subprocess.run(cli, check=True, capture_output=True)

    search.prepare()
    source_id, code, root = targets.source_id, targets.code, targets.root
    return {
        "list sources": project.sources,
        f"open most-coded transcript ({targets.source_codings:,} codings)": lambda: workbench.open_source(
            project, source_id
        ),
        "codings of that transcript": lambda: workbench.codings_of(project, source_id),
        "search it for 'koordinator'": lambda: search.search_source(text, "koordinator"),
        f"segments of {code} ({targets.code_codings:,})": lambda: workbench.code_segments(project, code),
        f"segments of {root} (with sub-codes)": lambda: workbench.code_segments(project, root),
        "codebook tree with counts": lambda: workbench.codebook(project),
        "study grid (cases × rounds)": lambda: workbench.grid(project),
        "apply one coding": apply_one,
        "check (service, read-only open)": check,
        "casebook check --json (new process)": cli_check,
    }


def query_plan(path: Path) -> str:
    """How SQLite finds an identical coding (it should use the codings_one index)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(str(row[3]) for row in conn.execute(FIND_CODING, [1, 2, 3, 4, 5]))
    finally:
        conn.close()


def measure(study: Path, repeats: int) -> dict[str, object]:
    """Time every operation on a private copy of ``study``."""
    with tempfile.TemporaryDirectory(prefix="casebook-run-") as tmp:
        path = Path(tmp) / study.name
        shutil.copy(study, path)
        with Project.open(path) as project:
            started = time.perf_counter()
            targets = find_targets(project)
            setup_s = time.perf_counter() - started
            results = {name: timed(op, repeats) for name, op in operations(project, path, targets).items()}
            sources = len(project.sources())
        return {
            "study": str(study),
            "file_mib": round(study.stat().st_size / 2**20, 1),
            "sources": sources,
            "targets": targets.__dict__,
            "setup_s": round(setup_s, 2),
            "repeats": repeats,
            "operations": results,
            "find_coding_plan": query_plan(path),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }


def render(results: dict[str, dict[str, object]]) -> str:
    """RESULTS.md from every size's results."""
    lines = [
        "# Scale benchmark results",
        "",
        "Written by `bench/run.py` (service level, no UI); the study comes from `bench/make_study.py`.",
        "Times in ms: median (min–max) over the repeats, on a private copy of the study.",
    ]
    for size, result in results.items():
        ops = result["operations"]
        assert isinstance(ops, dict)
        lines += [
            "",
            f"## {size}: {result['sources']} sources, {result['file_mib']} MiB",
            "",
            f"Peak memory of the benchmark process {result['peak_rss_mib']} MiB;"
            f" find_coding plan: `{result['find_coding_plan']}`.",
            "",
            "| operation | median ms | min–max ms |",
            "|---|---:|---:|",
        ]
        for name, t in ops.items():
            lines.append(f"| {name} | {t['median_ms']:,.1f} | {t['min_ms']:,.1f}–{t['max_ms']:,.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the operations on the built study of ``--size`` and write the results."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--size", choices=("small", "medium", "large"), default="small")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--study", type=Path, help="project file (default: bench/study-SIZE.casebook)")
    args = parser.parse_args()
    study = args.study or BENCH / f"study-{args.size}.casebook"
    if not study.exists():
        parser.error(f"{study} does not exist; build it with: bench/make_study.py --size {args.size}")
    result = measure(study, args.repeats)
    (BENCH / f"results-{args.size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    everything = {
        size: json.loads((BENCH / f"results-{size}.json").read_text())
        for size in ("small", "medium", "large")
        if (BENCH / f"results-{size}.json").exists()
    }
    (BENCH / "RESULTS.md").write_text(render(everything), encoding="utf-8")
    print(render({args.size: result}))


if __name__ == "__main__":
    main()
