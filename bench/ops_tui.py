"""The workbench, painted: cold starts and one Pilot session, each in a fresh process.

The child (``tui_child.py``) does the driving; this side launches it, reads its JSON
line and turns the samples into results. A fresh process keeps the memory figure the
workbench's own (not the benchmark's) and the cold start honest.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from measure import Result, run_process
from ops_service import Targets

CHILD = Path(__file__).resolve().parent / "tui_child.py"
PAGES = 10

LABELS = {
    "segments_open": "segments screen of {code} ({count:,}), first screen painted",
    "segments_page": "page down in that segments screen, painted",
    "memory_segments": "TUI memory (RSS) after the segments screen",
    "open_source": "open the most-coded transcript, painted",
    "back_overview": "back to the overview (refreshed), painted",
    "picker_open": "code picker opens (a), painted",
    "picker_key": "typing in the code picker, per keystroke",
    "picker_enter": "choose in the picker (enter): applied, repainted",
    "apply_picker": "apply one code via the picker (a, {query_len} keys, enter), machine time",
    "filter_key": "overview filter, per keystroke, painted",
}


def measure_cold(path: Path, repeats: int) -> list[Result]:
    """Launch to the painted overview, ``repeats`` fresh processes."""
    runs = []
    for _ in range(repeats):
        run = run_process([sys.executable, str(CHILD), "cold", str(path)])
        runs.append(json.loads(run.stdout.strip().splitlines()[-1]) | {"wait4_peak": run.peak_mib})
    return [
        Result(
            "workbench.cold_start",
            "cold start to the overview, painted (new process)",
            [r["ms"] for r in runs],
            peak_mib=max(r["wait4_peak"] for r in runs),
        )
    ]


def session_query(t: Targets) -> tuple[str, str]:
    """What to type in the code picker (part of a code's name) and in the overview filter."""
    picker = t.mid_code.rsplit(".", 1)[-1][:4]
    overview = t.case[:3] if len(t.case) > 3 else t.case
    return picker, overview


def measure_session(path: Path, t: Targets, repeats: int) -> list[Result]:
    """One Pilot session: segments, paging, transcript, picker, overview filter."""
    picker, overview = session_query(t)
    argv = [sys.executable, str(CHILD), "session", str(path), "--source", str(t.source_id)]
    argv += ["--code", t.code, "--query", picker, "--filter", overview]
    argv += ["--repeats", str(repeats), "--pages", str(PAGES)]
    run = run_process(argv)
    samples: dict[str, list[float]] = json.loads(run.stdout.strip().splitlines()[-1])
    floor = statistics.median(samples["floor"])
    words = {"code": t.code, "count": t.code_codings, "query_len": len(picker)}
    results = []
    for name, template in LABELS.items():
        unit = "MiB" if name.startswith("memory") else "ms"
        result = Result(f"workbench.{name}", template.format(**words), samples[name], unit=unit)
        if name == "memory_segments":
            result.note = f"peak so far {samples['memory_segments_peak'][0]:.0f} MiB"
        elif name == "segments_page":
            result.note = f"{PAGES} pages per visit; scrolled to row {samples['segments_scrolled'][0]:.0f}"
        elif name == "filter_key":
            result.note = f"typing {overview!r} and deleting it"
        results.append(result)
    results[
        0
    ].note = f"measuring floor (paint of an idle screen) {floor:.1f} ms; session peak {run.peak_mib:.0f} MiB"
    return results
