"""Long work off the event loop: batch imports and exports run in thread workers.

Each job opens its own connection to the project file (SQLite in WAL mode lets the
screen keep reading meanwhile) and reports progress and the outcome as notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.worker import get_current_worker

from casebook.errors import CasebookError
from casebook.model.segments import SegmentFilter
from casebook.services import codebook as codebook_service
from casebook.services import views
from casebook.services.importer import import_files, manifest_batch
from casebook.services.project import Project
from casebook.tui import strings
from casebook.tui.strings import shown


def import_manifest(app: App[Any], project_path: Path, manifest: Path, done: Any) -> None:
    """Import a manifest (and the study.toml beside it) in a worker; ``done()`` runs after."""

    def work() -> str:
        batch = manifest_batch(manifest)
        worker = get_current_worker()

        def progress(phase: str, count: int, total: int) -> None:
            if not worker.is_cancelled and (count == total or count % 10 == 0):
                app.call_from_thread(app.notify, f"{phase} {count}/{total}", timeout=2, markup=False)

        with Project.open(project_path) as project:
            report = import_files(project, batch.items, progress=progress, study=batch.study)
        for warning in report.warnings:  # label-like lines, metadata that differs: act on them
            app.call_from_thread(app.notify, shown(warning), severity="warning", timeout=15, markup=False)
        return f"Imported {manifest.name}: {report.summary()}"

    _run(app, work, done, "import")


def export_codebook(app: App[Any], project_path: Path, target: Path) -> None:
    """Write the codebook (.qdc or .toml by suffix) in a worker."""

    def work() -> str:
        fmt = "qdc" if target.suffix.lower() == ".qdc" else "toml"
        with Project.open(project_path) as project:
            data = codebook_service.export(project, fmt)
        target.write_bytes(data)
        return f"Wrote the codebook to {target}"

    _run(app, work, lambda: None, "export")


def _run(app: App[Any], work: Any, done: Any, name: str) -> None:
    def say(message: str, error: bool = False) -> None:  # file names and errors shown verbatim
        severity = "error" if error else "information"
        app.call_from_thread(
            app.notify, shown(message), severity=severity, timeout=10 if error else 5, markup=False
        )

    def job() -> None:
        try:
            message = work()
        except CasebookError as exc:
            say(str(exc), error=True)
            return
        except OSError as exc:
            say(f"{name} failed: {exc}", error=True)
            return
        say(message)
        app.call_from_thread(done)

    app.run_worker(job, thread=True, name=name, group=name, exclusive=True)


def export_segments(
    app: App[Any],
    project: Project,
    filters: Sequence[SegmentFilter],
    target: Path,
    title: str,
    pseudonymise: bool,
) -> None:
    """Write the segments ``filters`` select as a report (format by suffix) in a worker.

    The export only reads, through the workbench's own connection (SQLite serialises the
    calls): opening the project file again in this process would drop SQLite's locks on
    it (POSIX locks are per process), and another casebook could then delete the
    write-ahead log the workbench is writing to."""

    def work() -> str:
        worker = get_current_worker()

        def progress(phase: str, done: int, total: int) -> None:
            if phase == "render" and done == 0 and not worker.is_cancelled:
                app.call_from_thread(app.notify, shown(f"Writing {target.name} …"), timeout=2, markup=False)

        result = views.export_segments(project, filters, target, title, pseudonymise, progress)
        how = "pseudonymised" if result.pseudonymised else "NOT pseudonymised: real names"
        return f"Wrote {strings.count(result.excerpts, 'excerpt')} to {result.path} ({how})"

    _run(app, work, lambda: None, "export")
