"""Scale benchmark (issue #8): every user-facing operation on a generated study.

    .venv/bin/python bench/run.py --size small|medium|large [--repeats 5]
    .venv/bin/python bench/run.py --sizes small,medium,large [--repeats 3]

Each size's study (``bench/study-SIZE.casebook``) is built with ``make_study.py`` when
missing. On a private copy of it the runner times, with median and min–max over the
repeats: the services in process (``ops_service``), the CLI in fresh processes with their
peak memory (``ops_cli``), the workbench through Textual Pilot until painted, in fresh
processes (``ops_tui``), and the same operations the typical-QDA-tool way (``ops_typical``).
It writes ``results-SIZE.json`` and rebuilds ``RESULTS.md`` (targets, pass/fail, ratios,
the SQL per operation and the scaling curve over every size present) in ``--output``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))

from casebook.services.project import Project  # noqa: E402
from measure import Result  # noqa: E402
from ops_cli import measure_batch_import, measure_cli  # noqa: E402
from ops_service import find_targets, measure_service  # noqa: E402
from ops_tui import measure_cold, measure_session  # noqa: E402
from ops_typical import measure_typical  # noqa: E402
from report import SIZES, render, size_section  # noqa: E402

FIND_CODING = (
    'EXPLAIN QUERY PLAN SELECT id FROM codings WHERE source_id = ? AND start = ? AND "end" = ?'
    " AND code_id = ? AND coder_id = ?"
)  # the query of coding_store.find_coding
TYPICAL_REPEATS = 3


def query_plan(path: Path) -> str:
    """How SQLite finds an identical coding (it should use the codings_one index)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(str(row[3]) for row in conn.execute(FIND_CODING, [1, 2, 3, 4, 5]))
    finally:
        conn.close()


def commit() -> str:
    """The checkout measured: HEAD's short hash, ``+changes`` when the tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=BENCH,
        )
    except OSError:
        return "unknown"
    return (
        head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
        if head.returncode == 0
        else "unknown"
    )


def measure(study: Path, size: str, repeats: int) -> dict[str, Any]:
    """Every group of operations on a private copy of ``study``."""
    started, clock = dt.datetime.now().strftime("%Y-%m-%d %H:%M"), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="casebook-run-") as tmp:
        scratch = Path(tmp)
        path = scratch / study.name
        shutil.copy(study, path)
        Project.open(path).close()  # pending migrations applied to the copy and checkpointed, untimed
        with Project.open(path) as project:
            targets = find_targets(project)
            print(f"{size}: timing the services", file=sys.stderr)
            service, sql = measure_service(project, path, targets, repeats)
            print(f"{size}: the typical-tool way", file=sys.stderr)
            typical, ratios, fid_plan = measure_typical(
                project, targets, min(repeats, TYPICAL_REPEATS), scratch
            )
            sources = len(project.sources())
        print(f"{size}: the workbench (Pilot)", file=sys.stderr)
        workbench = measure_cold(path, repeats) + measure_session(path, targets, repeats)
        print(f"{size}: the CLI", file=sys.stderr)
        cli = measure_cli(path, targets, repeats, scratch) + measure_batch_import(path, scratch)
        plan = query_plan(path)
    results: list[Result] = service + cli + workbench + typical
    return {
        "size": size,
        "study": str(study),
        "file_mib": round(study.stat().st_size / 2**20, 1),
        "sources": sources,
        "codings": targets.codings,
        "targets": targets.as_json(),
        "repeats": repeats,
        "started": started,
        "commit": commit(),
        "run_s": round(time.perf_counter() - clock, 1),
        "results": [r.as_json() for r in results],
        "typical": ratios,
        "typical_fid_plan": fid_plan,
        "sql": sql,
        "find_coding_plan": plan,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def ensure_study(size: str, study: Path | None) -> Path:
    """The study to measure; the size's default study is built when missing."""
    if study is not None:
        if not study.exists():
            raise SystemExit(f"{study} does not exist")
        return study
    path = BENCH / f"study-{size}.casebook"
    if not path.exists():
        from make_study import build_study, summary

        print(f"building {path} (make_study.py --size {size})", file=sys.stderr)
        print(summary(build_study(path, size)), file=sys.stderr)
    return path


def load_results(folder: Path) -> dict[str, dict[str, Any]]:
    """Every size's results in ``folder`` written by this runner (older formats are skipped)."""
    found = {}
    for size in SIZES:
        file = folder / f"results-{size}.json"
        if file.exists():
            data = json.loads(file.read_text(encoding="utf-8"))
            if "results" in data:
                found[size] = data
    return found


def main() -> None:
    """Parse the command line, measure each size, write the results and RESULTS.md."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, help="one size (default small)")
    parser.add_argument("--sizes", help="several sizes, e.g. small,medium,large (the scaling curve)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--study", type=Path, help="project file to measure (one size only)")
    parser.add_argument("--output", type=Path, default=BENCH, help="folder for results-*.json and RESULTS.md")
    args = parser.parse_args()
    sizes = args.sizes.split(",") if args.sizes else [args.size or "small"]
    if unknown := [s for s in sizes if s not in SIZES]:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    if args.study and len(sizes) > 1:
        parser.error("--study measures one size")
    args.output.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        result = measure(ensure_study(size, args.study), size, args.repeats)
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        (args.output / f"results-{size}.json").write_text(text, encoding="utf-8")
        everything = load_results(args.output)
        (args.output / "RESULTS.md").write_text(render(everything), encoding="utf-8")
        print("\n".join(size_section(size, result)))


if __name__ == "__main__":
    main()
