"""RESULTS.md from the results files: one table per size, the typical-tool ratios, the SQL
each service operation sends, and the scaling curve over the sizes present."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

SIZES = ("small", "medium", "large")
GROUPS = {
    "service": "Service (in process)",
    "cli": "CLI (a fresh process each run)",
    "workbench": "Workbench (Textual Pilot, painted, 160×45)",
}
WORSE_THAN_LINEAR = 1.15
"""Growth exponent above which an operation is flagged (1.0 is linear in the study's size)."""
NOISE_MS = 5.0
"""Times below this at the larger size are not flagged: too small to say anything."""

INTRO = """\
# Scale benchmark results

Written by `bench/run.py` on studies built by `bench/make_study.py` (small / medium /
large = 60 / 600 / 3,000 transcripts, ~10,000 / 100,000 / 500,000 codings). Every run
works on a private copy of the study. Figures are medians over the repeats with the
min–max; "(n=…)" marks fewer runs than the repeats (per-keystroke and per-page figures
have more; an operation stops repeating after 30 s, the typical tool's after 3 runs).
Memory is resident memory (RSS) in MiB. Targets are those of issue #8, set for the
medium study and applied at every size; pass means the median is below the target.

- **Service**: the services the front ends call, timed in the runner's process.
- **CLI**: the installed `casebook` command, a fresh process per run, launch to exit;
  "peak MiB" is that process's own peak RSS (`wait4`).
- **Workbench**: the Textual app in a fresh process (`tui_child.py`), headless at 160×45,
  driven with Pilot; keys are posted as key events. A time runs until the screen is
  *painted*: every pending message handled, no worker running, then the screen's update
  (layout, every dirty widget rendered to strips by the compositor; only the terminal
  write is skipped headless). The measuring floor (an idle screen) is given in a note.
- **Typical tool**: the same operations done the way QualCoder-like tools do them (see
  the end of this file); the ratio is their time divided by ours (above 1: we are faster).
"""

TYPICAL_NOTE = """\
## How the typical-tool baseline works

It models the pattern, not any tool's code. The study is copied (not timed) into a
temporary SQLite file shaped like QualCoder's tables: `source(id, name, fulltext)`,
`code_name(cid, name)`, `code_text(ctid, cid, fid, pos0, pos1, owner, memo)` whose only
index is its `UNIQUE(cid, fid, pos0, pos1, owner)`, so a look-up by code uses an index
and a look-up by file (`fid`) scans the whole table. Then:

- **open a transcript**: its text by id, its codings with `WHERE fid = ?` (a scan);
- **segments of a code**: every file's text and every coding loaded into Python and
  filtered by code in a loop (QualCoder itself keeps the coded text in `seltext` and asks
  SQL for one code, which would be closer to us; tools that hold the project in memory
  work this way);
- **co-occurrence**: per file, every coding of one code tested against every coding of
  the other (pairwise, quadratic within a file); ours: two indexed queries through the
  codings service and a sorted count per source (the co-occurrence service of issue 9
  counts merged passages, a different answer, so it is not the one compared here);
- **coverage**: a loop over files, a `WHERE fid = ?` scan for each, the union in Python;
  ours: the study grid, which computes every transcript's coverage;
- **search**: every text lower-cased and scanned with `str.find`; ours: the search
  service on every transcript, which also finds other word forms (no study-wide search
  service or index yet), so it does more work than the baseline.

"same answer" checks that both ways found the same number of codings, pairs or
characters (not applicable to search).
"""


def number(value: float, unit: str = "ms") -> str:
    """A figure as shown: ms with one decimal, MiB whole."""
    return f"{value:,.0f}" if unit == "MiB" else f"{value:,.1f}"


def verdict(result: dict[str, Any]) -> str:
    """pass / **FAIL** / blank (no target)."""
    return "" if result["pass"] is None else "pass" if result["pass"] else "**FAIL**"


def size_section(size: str, run: dict[str, Any]) -> list[str]:
    """The tables of one size."""
    lines = [
        "",
        f"## {size}: {run['sources']:,} transcripts, {run['codings']:,} codings, {run['file_mib']} MiB",
        "",
        f"{run['repeats']} repeats, run {run['started']} on {run.get('commit', 'unknown')}"
        f" in {run['run_s']:,.0f} s;"
        f" find_coding plan: `{run['find_coding_plan']}`.",
    ]
    for group, title in GROUPS.items():
        rows = [r for r in run["results"] if r["group"] == group]
        lines += ["", f"### {title}", "", "| operation | median | min–max | target | | peak MiB | note |"]
        lines.append("|---|---:|---:|---|---|---:|---|")
        for r in rows:
            unit = r["unit"]
            spread = f"{number(r['min'], unit)}–{number(r['max'], unit)}"
            if r["samples"] != run["repeats"]:
                spread += f" (n={r['samples']})"
            peak = "" if r["peak_mib"] is None else f"{r['peak_mib']:,.0f}"
            median = f"{number(r['median'], unit)} {unit}"
            target = r["target"] or ""
            lines.append(
                f"| {r['label']} | {median} | {spread} | {target} | {verdict(r)} | {peak} | {r['note']} |"
            )
    return lines + typical_section(run) + sql_section(run)


def ratio_text(ratio: float) -> str:
    """``12.3×`` (we are faster) or ``0.41×`` (the typical way is faster)."""
    return f"{ratio:,.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def typical_section(run: dict[str, Any]) -> list[str]:
    """Ours against the typical tool's way."""
    lines = [
        "",
        "### Against the typical QDA tool",
        "",
        f"Look-up by file in the typical tables: `{run['typical_fid_plan']}`.",
        "",
        "| operation | ours ms | typical ms | ratio | same answer |",
        "|---|---:|---:|---:|---|",
    ]
    for c in run["typical"]:
        same = "" if c["same_answer"] is None else "yes" if c["same_answer"] else "**no**"
        ratio = ratio_text(c["ratio"])
        lines.append(f"| {c['label']} | {c['ours_ms']:,.1f} | {c['typical_ms']:,.1f} | {ratio} | {same} |")
    return lines


def sql_section(run: dict[str, Any]) -> list[str]:
    """The statements each service operation sends, the most repeated, the scans."""
    lines = [
        "",
        "### SQL sent by each service operation (one run, traced)",
        "",
        "| operation | statements | distinct | most repeated | full scans of tables ≥ 1,000 rows |",
        "|---|---:|---:|---|---|",
    ]
    labels = {r["id"]: r["label"] for r in run["results"]}
    for op_id, p in run["sql"].items():
        top = p["most_repeated"]
        repeated = f"{top['times']:,}× `{top['sql'][:70]}`" if top["times"] > 1 else ""
        scans = "<br>".join(f"`{s}`" for s in p["scans"][:4])
        lines.append(
            f"| {labels.get(op_id, op_id)} | {p['statements']:,} | {p['distinct']} | {repeated} | {scans} |"
        )
    return lines


def growth(smaller: float, larger: float, factor: float) -> tuple[str, bool]:
    """``×8.1 (k 0.91)``: the growth and its exponent over a step of ``factor`` in size,
    and whether it is worse than linear (and big enough to matter)."""
    if smaller <= 0:
        return "", False
    ratio = larger / smaller
    exponent = math.log(ratio) / math.log(factor) if ratio > 0 else 0.0
    worse = exponent > WORSE_THAN_LINEAR and larger >= NOISE_MS
    return f"×{ratio:,.1f} (k {exponent:.2f}){' **worse than linear**' if worse else ''}", worse


def scaling_section(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Each operation's median at every size present, and its growth per step."""
    sizes = [s for s in SIZES if s in runs]
    if len(sizes) < 2:
        return []
    medians = {s: {r["id"]: r for r in runs[s]["results"]} for s in sizes}
    counts = [runs[s]["sources"] for s in sizes]
    steps = [f"{a:,}→{b:,} (×{b / a:.0f})" for a, b in pairwise(counts)]
    head = " | ".join(f"{s} ({n:,})" for s, n in zip(sizes, counts, strict=True))
    lines = [
        "",
        "## Scaling: the same operations at every size",
        "",
        f"Growth per step; k is the exponent (1 linear, 2 quadratic); flagged above {WORSE_THAN_LINEAR}"
        f" when the larger time is at least {NOISE_MS:.0f} ms. Memory in MiB. Small transcripts are"
        " 20,000 characters, medium and large ones 120,000: from small to medium the text grows"
        " 60× (turns and characters too), from medium to large 5× like everything else.",
        "",
        f"| operation | {head} | {' | '.join(steps)} |",
        "|---|" + "---:|" * len(sizes) + "---|" * len(steps),
    ]
    measured = {f"{runs[s].get('started', '?')} on {runs[s].get('commit', 'unknown')}" for s in sizes}
    if len({runs[s].get("commit") for s in sizes}) > 1:
        warning = (
            f"**The sizes were measured on different checkouts** ({'; '.join(sorted(measured))}):"
            " a step across them mixes code changes with growth."
        )
        lines[4:4] = ["", warning]
    for op_id, first in medians[sizes[-1]].items():
        row = [medians[s].get(op_id) for s in sizes]
        cells = ["" if r is None else number(r["median"], r["unit"]) for r in row]
        grow = []
        for (a, b), (n, m) in zip(pairwise(row), pairwise(counts), strict=True):
            grow.append(growth(a["median"], b["median"], m / n)[0] if a and b else "")
        label = ("typical tool: " if first["group"] == "typical" else "") + first["label"]
        lines.append(f"| {label} | {' | '.join(cells)} | {' | '.join(grow)} |")
    return lines + ratio_scaling(runs, sizes)


def ratio_scaling(runs: dict[str, dict[str, Any]], sizes: list[str]) -> list[str]:
    """The typical tool's time divided by ours, at every size."""
    ratios = {s: {c["id"]: c for c in runs[s]["typical"]} for s in sizes}
    lines = [
        "",
        "Against the typical tool (its time ÷ ours) at every size:",
        "",
        f"| operation | {' | '.join(sizes)} |",
        "|---|" + "---:|" * len(sizes),
    ]
    for op_id, last in ratios[sizes[-1]].items():
        cells = [ratio_text(ratios[s][op_id]["ratio"]) if op_id in ratios[s] else "" for s in sizes]
        lines.append(f"| {last['label']} | {' | '.join(cells)} |")
    return lines


def misses(runs: dict[str, dict[str, Any]]) -> list[str]:
    """The targets missed at medium (the size the issue sets them for)."""
    run = runs.get("medium")
    if run is None:
        return []
    failed = [r for r in run["results"] if r["pass"] is False]
    lines = ["", f"## Targets missed at medium: {len(failed)}", ""]
    lines += [
        f"- {r['label']}: {number(r['median'], r['unit'])} {r['unit']} (target {r['target']})" for r in failed
    ]
    return lines


def render(runs: dict[str, dict[str, Any]]) -> str:
    """RESULTS.md."""
    lines = [INTRO.rstrip()]
    lines += misses(runs)
    for size in SIZES:
        if size in runs:
            lines += size_section(size, runs[size])
    lines += scaling_section(runs)
    lines += ["", TYPICAL_NOTE.rstrip()]
    return "\n".join(lines) + "\n"
