"""Exports of exactly what a workbench view lists: a filtered segment list or the passages
of a matrix cell, written as a report (.docx, .md, .csv, .xlsx by the file's suffix).

The filters are the view's own (attribute conditions, code logic, speaker, one source per
cell of a matrix), so the file holds the rows the researcher saw. Everything else is the
report pipeline of ``services.reports``: the same quote labels, the same pseudonymisation
and leak checks, nothing written if a step fails, the file owner-only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from casebook.errors import InvalidValue
from casebook.model.segments import SegmentFilter
from casebook.reports.build import Passage, build_report
from casebook.reports.model import ReportFormat
from casebook.reports.privacy import check_file_name, check_rendered, check_report, pseudonymise_report
from casebook.reports.spec import ReportSpec
from casebook.reports.writing import write_private
from casebook.services import reports
from casebook.services.project import Project
from casebook.text.pseudonymise import Pseudonymiser

Progress = Callable[[str, int, int], None]
PAGE = 1000
FORMATS = tuple(f".{f.value}" for f in ReportFormat)
"""The suffixes an export understands."""


def _quiet(phase: str, done: int, total: int) -> None:
    """Progress that goes nowhere."""


def export_format(path: Path) -> ReportFormat:
    """The format a file name asks for; InvalidValue for any other suffix (never a guess)."""
    try:
        return ReportFormat(path.suffix.lower().lstrip("."))
    except ValueError:
        raise InvalidValue(
            f"cannot tell the format of {path.name!r}", f"end the file name in {', '.join(FORMATS)}"
        ) from None


def _codes(filters: Sequence[SegmentFilter]) -> tuple[str, ...]:
    """The codes the filters list (each with its sub-codes); () when any lists every code."""
    keys = [f.logic.left if f.logic else f.code for f in filters]
    if any(key is None for key in keys):
        return ()
    return tuple(dict.fromkeys(key for key in keys if key is not None))


def export_segments(
    project: Project,
    filters: Sequence[SegmentFilter],
    output: Path,
    title: str,
    pseudonymise: bool = True,
    progress: Progress | None = None,
) -> reports.ExportResult:
    """Write the segments ``filters`` select (in their order) as a report to ``output``.

    With ``pseudonymise`` every listed name is replaced and the result checked, as in
    ``reports.export``; the report's title is checked, never rewritten."""
    report_progress = progress or _quiet
    fmt = export_format(output)
    spec = ReportSpec(title=title, codes=_codes(filters), chart=False, pseudonymise=pseudonymise, format=fmt)
    # The report pipeline's own facts and name list (one rule for what an export shows).
    names = reports.names_for(project, spec) if pseudonymise else Pseudonymiser(())
    if pseudonymise:
        check_file_name(output, names)
    facts = reports.study_facts(project)
    passages = [
        Passage(s, s.participant_code) for s in reports.paged_segments(project, filters, report_progress)
    ]
    report = build_report(spec, facts, passages)
    if pseudonymise:
        report = pseudonymise_report(report, names)
        check_report(report, names)
    report_progress("render", 0, 1)
    data = reports.render(report, fmt)
    report_progress("render", 1, 1)
    if pseudonymise:
        check_rendered(data, fmt, names)
    write_private(output, data)
    return reports.ExportResult(output, fmt, report.count(), pseudonymise)
