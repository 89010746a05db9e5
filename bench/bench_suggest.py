"""Benchmark of code suggestions (issue 11) on a whole generated study.

Prints: the pipeline's cold load (a fresh process: spaCy, the blank Norwegian pipeline,
simplemma's dictionaries and the stemmer); the suggestion run's throughput in tokens per
second once loaded (signals only, and signals with the model), through the real service
that stores the suggestions; a second run over unchanged sources; and the model's
retraining time on 2,000 codings and on the whole study's codings.

Targets: load < 1.5 s; >= 150,000 tokens/s on 2 cores (goal 300,000); retraining on
2,000 codings < 30 s.

Run: .venv/bin/python bench/bench_suggest.py [--size medium]
(the study is made by bench/make_study.py if it is missing)
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.services import suggestions  # noqa: E402
from casebook.services.project import Project  # noqa: E402

LOAD = (
    "import time; t = time.perf_counter(); from casebook.text import nlp; nlp.pipeline(); "
    "print(time.perf_counter() - t)"
)


def cold_load(runs: int = 3) -> float:
    """Median seconds to load the pipeline in a new process."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def study(size: str) -> Path:
    path = ROOT / "bench" / f"study-{size}.casebook"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_study.py"), "--size", size], check=True)
    return path


def keep_codings(path: Path, n: int) -> None:
    """Leave only the first ``n`` codings in a scratch copy (the benchmark's own set-up)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "DELETE FROM codings WHERE id > (SELECT id FROM codings ORDER BY id LIMIT 1 OFFSET ?)", [n - 1]
        )
    conn.close()


def suggestions_stamp_reset(path: Path) -> None:
    """Forget the runs, so that the next run does every source again (benchmark set-up)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM suggestion_runs")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    args = parser.parse_args()
    print(
        f"pipeline cold load (median of 3 fresh processes): {cold_load():.2f} s  (target < 1.5 s)", flush=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "study.casebook"
        shutil.copy(study(args.size), copy)
        with Project.open(copy) as project:
            sources = project.sources()
            from casebook.text import nlp

            nlp.pipeline()  # "once the pipeline is loaded"
            for jobs in (1, 2):
                began = time.perf_counter()
                report = suggestions.run(project, use_model=False, jobs=jobs)
                seconds = time.perf_counter() - began
                print(
                    f"signals only, {jobs} process(es): {len(sources)} sources, {report.tokens:,} tokens, "
                    f"{len(report.suggestions):,} open suggestions listed, in {seconds:.1f} s = "
                    f"{report.tokens / seconds:,.0f} tokens/s (stored and listed)",
                    flush=True,
                )
                if jobs == 1:
                    began = time.perf_counter()
                    again = suggestions.run(project, use_model=False)
                    print(
                        f"second run, nothing changed: {time.perf_counter() - began:.2f} s "
                        f"({again.sources_unchanged} unchanged; {len(again.suggestions):,} listed)",
                        flush=True,
                    )
                    suggestions_stamp_reset(copy)
            _, info = suggestions.train(project, force=True)
            print(
                f"model on the whole study: {info.codings:,} codings learnt from, "
                f"{info.passages:,} passages, {len(info.codes)} codes: {info.seconds:.1f} s",
                flush=True,
            )
            began = time.perf_counter()
            report = suggestions.run(project, jobs=2)
            seconds = time.perf_counter() - began
            print(
                f"signals + model, 2 processes: {report.tokens:,} tokens, {len(report.suggestions):,} open "
                f"suggestions in {seconds:.1f} s = {report.tokens / seconds:,.0f} tokens/s",
                flush=True,
            )
        small = Path(tmp) / "two-thousand.casebook"
        shutil.copy(study(args.size), small)
        keep_codings(small, 2000)
        with Project.open(small) as project:
            _, info = suggestions.train(project, force=True)
            print(
                f"retraining on {info.codings:,} codings ({info.passages:,} passages, "
                f"{len(info.codes)} codes): {info.seconds:.1f} s  (target < 30 s)"
            )


if __name__ == "__main__":
    main()
