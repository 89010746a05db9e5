"""Measuring: wall time over repeats, fresh processes with their peak memory, and results.

A ``Result`` is one reported line: an operation's samples (ms or MiB), its target from
issue #8 (see ``targets.py``) and whether the median meets it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from targets import TARGETS


@dataclass
class Result:
    """One measured operation: its samples and what the issue asks of it."""

    id: str
    """Stable across sizes (for the scaling table): ``group.name``."""
    label: str
    samples: list[float]
    unit: str = "ms"
    peak_mib: float | None = None
    """Peak resident memory of the process that ran it, when that process was fresh."""
    note: str = ""

    @property
    def group(self) -> str:
        """service, cli, workbench or typical."""
        return self.id.split(".", 1)[0]

    def as_json(self) -> dict[str, Any]:
        """Median, min–max, target and pass/fail (None when the issue sets no target)."""
        median = statistics.median(self.samples)
        target = TARGETS.get(self.id)
        return {
            "id": self.id,
            "group": self.group,
            "label": self.label,
            "unit": self.unit,
            "median": round(median, 3),
            "min": round(min(self.samples), 3),
            "max": round(max(self.samples), 3),
            "samples": len(self.samples),
            "peak_mib": None if self.peak_mib is None else round(self.peak_mib, 1),
            "target": target.text if target else None,
            "limit": target.limit if target else None,
            "pass": target.met(median) if target else None,
            "note": self.note,
        }


BUDGET_MS = 30_000
"""Repeats stop early once an operation has used this much time (it always runs once):
the typical tool's per-file loops take minutes on the large study."""


def timed(operation: Callable[[], object], repeats: int, budget_ms: float = BUDGET_MS) -> list[float]:
    """Wall time of up to ``repeats`` runs of ``operation``, in milliseconds."""
    times: list[float] = []
    while len(times) < repeats and sum(times) < budget_ms:
        start = time.perf_counter()
        operation()
        times.append((time.perf_counter() - start) * 1000)
    return times


@dataclass
class Run:
    """A finished child process: wall time, peak memory, what it printed."""

    ms: float
    peak_mib: float
    stdout: str
    stderr: str = field(repr=False, default="")


# A small launcher between the runner and the measured process: the peak RSS that
# ``wait4`` reports for a child includes the memory of the process it was forked from
# (Linux keeps the pre-exec high-water mark), so the runner (hundreds of MiB) would be
# the floor of every figure. The launcher is a few MiB; it times the child from spawn to
# exit and tells it when it was spawned (``BENCH_SPAWNED_AT``, for the cold start).
LAUNCHER = """
import json, os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
env = dict(os.environ, BENCH_SPAWNED_AT=repr(time.time()))
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, env)
_, status, usage = os.wait4(pid, 0)
ms = (time.perf_counter() - start) * 1000
with open(report, "w") as out:
    json.dump({"ms": ms, "maxrss_kib": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, out)
"""


def run_process(argv: Sequence[str], cwd: Path | None = None) -> Run:
    """Run ``argv`` to the end: its wall time from spawn to exit and its own peak RSS.
    A non-zero exit raises with the child's stderr."""
    with tempfile.TemporaryDirectory(prefix="casebook-launch-") as tmp:
        report = Path(tmp) / "report.json"
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *argv]
            subprocess.run(
                launcher, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=cwd, check=True
            )
        done = json.loads(report.read_text())
        run = Run(done["ms"], done["maxrss_kib"] / 1024, out.read_text(), err.read_text())
    if done["code"] != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {done['code']}:\n{run.stderr[-2000:]}")
    return run


def processes(label_id: str, label: str, argv: Callable[[int], Sequence[str]], repeats: int) -> Result:
    """Time ``repeats`` fresh processes (``argv(i)`` for the i-th); the peak RSS is the largest."""
    runs: list[Run] = []
    while len(runs) < repeats and sum(r.ms for r in runs) < BUDGET_MS:
        runs.append(run_process(argv(len(runs))))
    return Result(label_id, label, [r.ms for r in runs], peak_mib=max(r.peak_mib for r in runs))


def rss_mib() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)
