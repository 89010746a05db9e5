"""Reports and exports: gather the study and its segments, build the report tree,
pseudonymise and check it, render it, and write it owner-only and atomically.

An export that would show a listed name stops before anything is written. Renderers
(python-docx, XlsxWriter, matplotlib) are imported only for the format asked for. The
work is synchronous and reports progress through ``progress(phase, done, total)``, so a
front end can run it in a thread worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from casebook.errors import InvalidValue
from casebook.model.attributes import AttributeScope
from casebook.model.segments import Segment, SegmentFilter
from casebook.reports.build import Passage, StudyFacts, build_report, selected_codes
from casebook.reports.model import Report, ReportFormat
from casebook.reports.privacy import check_file_name, check_rendered, check_report, pseudonymise_report
from casebook.reports.recipe import read_recipe
from casebook.reports.spec import ReportSpec, format_for
from casebook.reports.writing import write_private
from casebook.services import analysis, pseudonyms, workbench
from casebook.services.project import Project
from casebook.text.pseudonymise import Pseudonymiser

__all__ = ["ExportResult", "ReportFormat", "ReportSpec", "build", "export", "recipe", "render"]

Progress = Callable[[str, int, int], None]
PAGE = 1000


def _quiet(phase: str, done: int, total: int) -> None:
    """Progress that goes nowhere."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    format: ReportFormat
    excerpts: int
    pseudonymised: bool


def recipe(path: Path) -> ReportSpec:
    """A report spec read from a recipe file (errors name the file and the key)."""
    return read_recipe(path)


def study_facts(project: Project) -> StudyFacts:
    """What a report needs to know about the study besides its segments."""
    values = workbench.case_attribute_map(project)
    return StudyFacts(
        project=project.name,
        codes=tuple(workbench.codebook(project)),
        cases={c.key: c for c in project.cases()},
        rounds={r.key: r for r in project.rounds()},
        persons={p.code: p for p in project.persons()},
        case_attributes=tuple(a for a in project.attributes() if a.scope is AttributeScope.CASE),
        case_values={case: tuple(found) for case, found in values.items()},
        code_memos={m.target: m.text for m in workbench.memos(project, "code") if m.target},
        municipality_attributes=analysis.municipality_attributes(project),
    )


def _single(values: tuple[str, ...]) -> str | None:
    """A filter SQL can apply (one value); lists are applied when the report is built."""
    return values[0] if len(values) == 1 else None


def _segments(project: Project, spec: ReportSpec, facts: StudyFacts, progress: Progress) -> Iterator[Segment]:
    """The segments of the report's codes (each code's subtree fetched once), page by page."""
    wanted = selected_codes(spec, facts.codes)
    chosen = set(wanted)
    parents = {c.key: c.parent for c in facts.codes}
    every = len(wanted) == len(facts.codes)
    tops = [None] if every else [k for k in wanted if parents.get(k) not in chosen]
    filters = [
        SegmentFilter(
            code=top,
            case=_single(spec.cases),
            round=_single(spec.rounds),
            coder=_single(spec.coders),
            kind=_single(tuple(k.value for k in spec.kinds)),
        )
        for top in tops
    ]
    yield from paged_segments(project, filters, progress)


def paged_segments(
    project: Project, filters: Sequence[SegmentFilter], progress: Progress
) -> Iterator[Segment]:
    """The segments of every filter in turn, a page at a time (memory holds one page)."""
    total = sum(workbench.segment_count(project, f) for f in filters)
    done = 0
    progress("retrieve", 0, total)
    for wanted in filters:
        offset = 0
        while True:
            page = workbench.segment_page(project, wanted, offset, PAGE)
            yield from page
            done += len(page)
            progress("retrieve", done, total)
            if len(page) < PAGE:
                break
            offset += PAGE


def _passages(segments: list[Segment]) -> list[Passage]:
    """Segments with the participant code of the turn each starts in."""
    return [Passage(segment, segment.participant_code) for segment in segments]


def names_for(project: Project, spec: ReportSpec) -> Pseudonymiser:
    """The project's list of names; refused when pseudonymising with an empty list."""
    names = pseudonyms.pseudonymiser(project)
    if spec.pseudonymise and not names:
        raise InvalidValue(
            "--pseudonymise was asked for, but no names are listed",
            "add them with: casebook pseudonyms add NAME REPLACEMENT (or load a list)",
        )
    return names


def build(project: Project, spec: ReportSpec, progress: Progress | None = None) -> Report:
    """The report tree for ``spec``; pseudonymised and checked when the spec asks for it."""
    report_progress = progress or _quiet
    facts = study_facts(project)
    names = names_for(project, spec) if spec.pseudonymise else Pseudonymiser(())
    passages = _passages(list(_segments(project, spec, facts, report_progress)))
    today = dt.date.today().isoformat() if spec.dated else ""
    report = build_report(spec, facts, passages, today)
    if spec.pseudonymise:
        report = pseudonymise_report(report, names)
        check_report(report, names)
    return report


def render(report: Report, fmt: ReportFormat) -> bytes:
    """The report in ``fmt`` (the renderer is imported only now)."""
    if fmt is ReportFormat.DOCX:
        from casebook.reports.render_docx import render_docx

        return render_docx(report)
    if fmt is ReportFormat.XLSX:
        from casebook.reports.render_xlsx import render_xlsx

        return render_xlsx(report)
    if fmt is ReportFormat.MD:
        from casebook.reports.render_md import render_md

        return render_md(report)
    from casebook.reports.render_csv import render_csv

    return render_csv(report)


def export(
    project: Project, spec: ReportSpec, output: Path | None = None, progress: Progress | None = None
) -> ExportResult:
    """Build, render, check and write a report; nothing is written if any step fails."""
    report_progress = progress or _quiet
    path = output or spec.output
    if path is None:
        raise InvalidValue("no output file given", 'use -o FILE, or output = "FILE" in the recipe')
    fmt = format_for(path, spec.format)
    spec = replace(spec, format=fmt)
    names = names_for(project, spec) if spec.pseudonymise else Pseudonymiser(())
    if spec.pseudonymise:
        check_file_name(path, names)
    report = build(project, spec, report_progress)
    report_progress("render", 0, 1)
    data = render(report, fmt)
    report_progress("render", 1, 1)
    if spec.pseudonymise:
        check_rendered(data, fmt, names)
    write_private(path, data)
    return ExportResult(path, fmt, report.count(), spec.pseudonymise)
