"""The CLI in a fresh process each time, as a researcher or a script runs it.

Every run is a new ``casebook`` process (the installed console script), timed from
launch to exit, with its own peak RSS (``wait4``). Imports write to the private copy of
the study; the batch import goes into a new project with the study's cases and rounds.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from casebook.services.project import Project
from measure import Result, processes, run_process
from ops_service import Targets


def casebook() -> list[str]:
    """The ``casebook`` command of this interpreter's environment."""
    script = Path(sys.executable).parent / "casebook"
    return [str(script)] if script.exists() else [sys.executable, "-m", "casebook"]


def measure_cli(path: Path, t: Targets, repeats: int, scratch: Path) -> list[Result]:
    """``--help``, ``sources``, ``codings``, ``check`` and ``import`` of one new file."""
    cmd = [*casebook(), "--project", str(path)]
    new_text = _new_transcript(path, t)

    def import_one(i: int) -> list[str]:
        file = scratch / f"bench_ny_{i}.txt"
        file.write_text(new_text + f"\n\nI: Takk for praten (opptak {i}).\n", encoding="utf-8")
        where = ["--case", t.case] + (["--round", t.source_round] if t.source_round else [])
        return [*cmd, "import", str(file), *where, "--name", f"bench_ny_{i}", "--json"]

    runs = [
        ("cli.help", "casebook --help (cold start)", lambda i: [*casebook(), "--help"]),
        ("cli.sources", "casebook sources --json", lambda i: [*cmd, "sources", "--json"]),
        (
            "cli.codings",
            f"casebook codings --code {t.code} --json ({t.code_codings:,})",
            lambda i: [*cmd, "codings", "--code", t.code, "--json"],
        ),
        ("cli.check", "casebook check --json", lambda i: [*cmd, "check", "--json"]),
        ("cli.import_one", f"casebook import of one new file ({len(new_text):,} chars)", import_one),
    ]
    return [processes(op_id, label, argv, repeats) for op_id, label, argv in runs]


def _new_transcript(path: Path, t: Targets) -> str:
    """The text of the most-coded transcript: a realistic size and shape for a new import."""
    with Project.open_readonly(path) as project:
        return project.source_text(project.source(str(t.source_id)))


def measure_batch_import(path: Path, scratch: Path) -> list[Result]:
    """``casebook import --manifest`` of every transcript of the study into a new project:
    its time and its peak memory (the issue's "batch import of 600 files, memory")."""
    folder = scratch / "batch"
    folder.mkdir()
    count = _export_study(path, folder)
    target = folder / "batch.casebook"
    run_process([*casebook(), "--project", str(target), "init", "--no-codebook"])
    run = run_process(
        [*casebook(), "--project", str(target), "import", "--manifest", str(folder / "manifest.csv")]
    )
    label = f"casebook import --manifest ({count:,} transcripts, new project)"
    return [
        Result("cli.import_batch", label, [run.ms], peak_mib=run.peak_mib),
        Result("cli.import_batch_memory", f"{label}: peak memory", [run.peak_mib], unit="MiB"),
    ]


def _export_study(path: Path, folder: Path) -> int:
    """Every current transcript as a .txt file, a manifest and a study.toml with the
    study's cases and rounds (no persons: the import's memory is in the documents)."""
    with Project.open_readonly(path) as project:
        rows = []
        for source in project.sources():
            file = folder / f"{source.name}.txt"
            file.write_text(project.source_text(source), encoding="utf-8")
            rows.append([file.name, source.case or "", source.round or "", source.name])
        (folder / "study.toml").write_text(_study_toml(project), encoding="utf-8")
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["file", "case", "round", "name"], *rows])
    return len(rows)


def _study_toml(project: Project) -> str:
    """The rounds and cases of ``project`` as a study file."""
    lines: list[str] = []
    for round_ in project.rounds():
        lines += [
            "[[rounds]]",
            f"key = {_quoted(round_.key)}",
            f"baseline = {str(round_.baseline).lower()}",
            "",
        ]
    for case in project.cases():
        lines += ["[[cases]]", f"key = {_quoted(case.key)}", f"kind = {_quoted(case.kind.value)}", ""]
    return "\n".join(lines)


def _quoted(value: str) -> str:
    """A TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
