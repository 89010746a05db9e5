"""Export what a segment list shows: ask for a file (its suffix names the format), then
whether to pseudonymise (yes unless the researcher says no), then write it in a worker.

Escape at either question cancels: it never means "export with real names".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App

from casebook.errors import CasebookError
from casebook.model.segments import SegmentFilter
from casebook.services import views
from casebook.tui import strings
from casebook.tui.callbacks import if_text
from casebook.tui.context import Workbench
from casebook.tui.dialogs.simple import Choice, Prompt
from casebook.tui.strings import shown

_UNSAFE = re.compile(r"[^\w.-]+")


def default_target(bench: Workbench, *names: str) -> Path:
    """``segments-familie.strafferunder.docx`` beside the project file."""
    stem = "-".join(_UNSAFE.sub("_", name).strip("_") for name in names if name)[:80] or "all"
    return bench.project.path.parent / f"segments-{stem}.docx"


def ask_export(
    app: App[Any],
    bench: Workbench,
    filters: Sequence[SegmentFilter],
    title: str,
    count: int,
    target: Path,
) -> None:
    """Ask where to write the ``count`` segments that ``filters`` select, and how."""
    question = strings.EXPORT_PROMPT.format(what=strings.count(count, "segment"))
    app.push_screen(
        Prompt(question, str(target)),
        if_text(lambda path: _ask_pseudonymise(app, bench, filters, title, Path(path.strip()).expanduser())),
    )


def _ask_pseudonymise(
    app: App[Any], bench: Workbench, filters: Sequence[SegmentFilter], title: str, target: Path
) -> None:
    try:
        views.export_format(target)
    except CasebookError as exc:
        app.notify(shown(str(exc)), severity="error", markup=False)
        return

    def answered(choice: str | None) -> None:
        if choice is None:
            app.notify(strings.EXPORT_CANCELLED, markup=False)
            return
        from casebook.tui.screens import jobs

        app.notify(shown(strings.EXPORT_STARTED.format(path=target)), timeout=3, markup=False)
        jobs.export_segments(app, bench.project, filters, target, title, choice == "yes")

    app.push_screen(Choice(strings.EXPORT_PSEUDONYMISE, strings.EXPORT_CHOICES), answered)
