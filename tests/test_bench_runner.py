"""The scale benchmark's runner (bench/run.py) runs end to end and writes well-formed results.

A tiny study (6 transcripts) is built with the generator, then the runner measures it
once (``--repeats 1``) into a temporary folder: services, CLI processes, the workbench
through Pilot and the typical-tool comparisons. The test checks the shape of
``results-small.json`` and ``RESULTS.md`` (every operation has a median, every target of
the issue is present with a pass/fail), never how fast anything is.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench_modules() -> dict[str, ModuleType]:
    """The runner's modules, imported as the runner imports them."""
    sys.path.insert(0, str(BENCH))
    return {name: importlib.import_module(name) for name in ("make_study", "report", "targets")}


@pytest.fixture(scope="module")
def results(bench_modules: dict[str, ModuleType], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one tiny run of generator and runner."""
    folder = tmp_path_factory.mktemp("bench")
    study = folder / "tiny.casebook"
    bench_modules["make_study"].build_study(study, "small", seed=3, transcripts=6, chars=4_000, codings=400)
    out = folder / "out"
    command = [sys.executable, str(BENCH / "run.py"), "--size", "small", "--study", str(study)]
    done = subprocess.run(
        [*command, "--repeats", "1", "--output", str(out)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _run(results: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((results / "results-small.json").read_text(encoding="utf-8"))
    return data


def test_every_operation_has_a_median_and_a_verdict_where_a_target_is_set(
    results: Path, bench_modules: dict[str, ModuleType]
) -> None:
    run = _run(results)
    assert run["sources"] >= 6 and run["codings"] == 400 and run["repeats"] == 1
    by_id = {r["id"]: r for r in run["results"]}
    assert len(by_id) == len(run["results"]), "result ids are unique"
    assert {r["group"] for r in run["results"]} == {"service", "cli", "workbench", "typical"}
    for result in run["results"]:
        assert result["median"] >= 0 and result["min"] <= result["median"] <= result["max"], result
        assert result["unit"] in ("ms", "MiB") and result["label"]
        assert (result["target"] is None) == (result["pass"] is None) == (result["limit"] is None), result
    for target_id, target in bench_modules["targets"].TARGETS.items():
        assert target_id in by_id, f"the issue's target {target_id} is measured"
        assert by_id[target_id]["target"] == target.text
        assert isinstance(by_id[target_id]["pass"], bool)


def test_the_typical_tool_comparison_finds_the_same_answers(results: Path) -> None:
    run = _run(results)
    assert {c["id"] for c in run["typical"]} == {
        "typical.open_source",
        "typical.segments",
        "typical.cooccurrence",
        "typical.coverage",
        "typical.search",
    }
    for comparison in run["typical"]:
        assert comparison["ours_ms"] > 0 and comparison["typical_ms"] > 0
        assert comparison["ratio"] == pytest.approx(
            comparison["typical_ms"] / comparison["ours_ms"], rel=0.05
        )
        assert comparison["same_answer"] in (True, None), comparison
    assert "SCAN code_text" in run["typical_fid_plan"]


def test_results_md_has_the_tables(results: Path) -> None:
    text = (results / "RESULTS.md").read_text(encoding="utf-8")
    assert "## small: " in text
    for heading in ("### Service", "### CLI", "### Workbench", "### Against the typical QDA tool"):
        assert heading in text
    assert "| operation | median | min–max | target | | peak MiB | note |" in text
    assert "pass" in text or "**FAIL**" in text
    tables: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    tables = [t for t in tables if t]
    assert len(tables) >= 5
    for table in tables:
        assert all(row.endswith("|") and row.count("|") == table[0].count("|") for row in table), table


def test_the_scaling_table_flags_worse_than_linear(bench_modules: dict[str, ModuleType]) -> None:
    report = bench_modules["report"]

    def run(sources: int, median: float) -> dict[str, Any]:
        result = {"id": "service.x", "group": "service", "label": "x", "unit": "ms", "median": median}
        return {"sources": sources, "results": [result], "typical": []}

    lines = report.scaling_section(
        {"small": run(60, 10.0), "medium": run(600, 1000.0), "large": run(3000, 5000.0)}
    )
    row = next(line for line in lines if line.startswith("| x |"))
    assert "×100.0 (k 2.00) **worse than linear**" in row
    assert "×5.0 (k 1.00)" in row and row.count("worse than linear") == 1
