"""Import benchmark: one 120,000-character transcript, then 600 of them in one batch.

Targets (issue #2): one transcript read, turn-split and indexed in < 0.3 s; 600 in < 120 s.
Run: .venv/bin/python bench/bench_import.py [--files 600] [--chars 120000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.model.study import CaseKind, InterviewMeta  # noqa: E402
from casebook.services.importer import ImportItem, import_files  # noqa: E402
from casebook.services.project import Project  # noqa: E402


def transcript(chars: int, seed: int) -> str:
    """Realistic Norwegian talk made from the sample study's own transcripts."""
    base = (ROOT / "sample_transcripts" / "familier" / "F01_R1_foreldre.txt").read_text("utf-8")
    body = base.split("\n\n", 1)[1]
    parts = [f"Intervju nr. {seed} (syntetisk, for ytelsestest).\n\n"]
    size = len(parts[0])
    while size < chars:
        parts.append(body)
        size += len(body)
    return "".join(parts)[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--chars", type=int, default=120_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(args.files + 5):
            path = folder / f"t{i:04d}.txt"
            path.write_text(transcript(args.chars, i), encoding="utf-8")
            paths.append(path)
        with Project.create(folder / "bench.casebook", "bench") as project:
            project.add_case("F01", CaseKind.FAMILY)
            project.add_round("R1")
            singles = []
            for path in paths[:5]:
                start = time.perf_counter()
                report = import_files(project, [ImportItem(path, InterviewMeta(case="F01", round="R1"))])
                singles.append(time.perf_counter() - start)
            turns = report.outcomes[0].turns
            print(
                f"one transcript: {args.chars:,} chars, {turns} turns:"
                f" median {statistics.median(singles) * 1000:.0f} ms, worst {max(singles) * 1000:.0f} ms"
                f" (target < 300 ms)"
            )
            items = [ImportItem(p, InterviewMeta(case="F01", round="R1")) for p in paths[5:]]
            start = time.perf_counter()
            import_files(project, items)
            total = time.perf_counter() - start
            size = (folder / "bench.casebook").stat().st_size + (folder / "bench.casebook-wal").stat().st_size
            print(
                f"batch: {args.files} transcripts ({args.files * args.chars / 1e6:.0f} M chars)"
                f" in {total:.1f} s"
                f" = {total / args.files * 1000:.0f} ms each (target < 120 s); project {size / 2**20:.0f} MiB"
            )


if __name__ == "__main__":
    main()
