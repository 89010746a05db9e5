"""The demo study: the bundled sample transcripts, codebook and example codings by two coders."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import CasebookError, ImportProblem
from casebook.reports.writing import private_folder
from casebook.services import codebook, coding
from casebook.services.importer import import_files, manifest_batch
from casebook.services.project import Project
from casebook.services.resources import bundled
from casebook.services.setup import create_project
from casebook.text.normalize import normalize

SAMPLES = bundled("sample_transcripts")


@dataclass(frozen=True)
class DemoReport:
    """What the demo project holds."""

    path: Path
    sources: int
    codings: int


def default_demo_path() -> Path:
    """``$XDG_DATA_HOME/casebook/demo.casebook`` (``~/.local/share`` by default)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "casebook" / "demo.casebook"


def build_demo(path: Path, samples: Path = SAMPLES, coder: str = "demo") -> DemoReport:
    """Create the demo project at ``path`` from the sample study (replacing an old demo)."""
    if not (samples / "manifest.csv").is_file():
        raise CasebookError(
            f"{samples}: the sample study is missing", "run casebook from its source checkout"
        )
    private_folder(path.parent)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with create_project(path, "Samordningsstudien (demo)", codebook.DEFAULT_CODEBOOK, coder) as project:
        batch = manifest_batch(samples / "manifest.csv", samples / "study.toml")
        import_files(project, batch.items, study=batch.study)
        count = load_example_codings(project, samples / "codings.csv")
        return DemoReport(path, len(project.sources()), count)


def load_example_codings(project: Project, path: Path) -> int:
    """Apply ``source,code,coder,quote,memo`` rows; each quote is found in its source's text."""
    if not path.is_file():
        return 0
    texts: dict[str, tuple[str, str]] = {}
    count = 0
    with path.open(encoding="utf-8", newline="") as handle, project.pdb.atomic():
        for line, row in enumerate(csv.DictReader(handle), start=2):
            name = row["source"]
            if name not in texts:
                source = project.source(name)
                texts[name] = (str(source.id), project.source_text(source))
            source_id, text = texts[name]
            quote = normalize(row["quote"])
            start = text.find(quote)
            if start < 0 or not quote:
                raise ImportProblem(path, f"line {line}: quote not found in {name}: {quote[:40]!r}")
            try:
                coding.apply_code(
                    project,
                    source_id,
                    start,
                    start + len(quote),
                    row["code"],
                    row["coder"],
                    row.get("memo") or "",
                )
            except CasebookError as exc:
                raise ImportProblem(path, f"line {line}: {exc.message}") from None
            count += 1
    return count
