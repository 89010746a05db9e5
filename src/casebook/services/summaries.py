"""Per-case summaries: gather a case's dossier, fill a template, render Markdown or Word,
pseudonymise and check like every export, and write owner-only and atomically.

The excerpts come from the report builder (``services.reports.build`` for the one case),
so quote labels ("Forelder 1a, runde 2") and the municipality rule are exactly those of
every report. A family's municipality appears only with ``with_municipality``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from casebook.errors import InvalidValue
from casebook.model.events import EventKind
from casebook.model.matrix import ColumnAxis, MatrixSpec, Measure
from casebook.model.names import nfc
from casebook.model.study import CaseKind
from casebook.model.timeline import PlacedEvent
from casebook.queries.changes import StudyContext, build_grid
from casebook.queries.timeline import build_timeline, service_histories
from casebook.reports.case_dossier import CaseDossier
from casebook.reports.model import Report, ReportFormat
from casebook.reports.privacy import check_file_name, check_rendered, check_report, pseudonymise_report
from casebook.reports.spec import ReportSpec
from casebook.reports.summary import build_summary
from casebook.reports.summary_template import SummaryTemplate, read_template
from casebook.reports.writing import write_private
from casebook.services import analysis, pseudonyms, reports, workbench
from casebook.services.project import Project
from casebook.services.resources import bundled
from casebook.storage import direction_store, event_store, longitudinal_store, study_store
from casebook.text.count_phrases import CASE, FAMILY, MUNICIPALITY, Noun
from casebook.text.pseudonymise import Pseudonymiser

DEFAULT_TEMPLATE = bundled("templates/case_summary.toml")
SUMMARY_FORMATS = (ReportFormat.MD, ReportFormat.DOCX)
_NOUNS: dict[CaseKind, Noun] = {CaseKind.FAMILY: FAMILY, CaseKind.MUNICIPALITY: MUNICIPALITY}


@dataclass(frozen=True)
class SummaryResult:
    """What a summary export wrote."""

    case: str
    path: Path
    format: ReportFormat
    excerpts: int
    pseudonymised: bool


def template(path: Path | None = None) -> SummaryTemplate:
    """A summary template (the bundled default when ``path`` is None)."""
    return read_template(path or DEFAULT_TEMPLATE)


def _check_codes(project: Project, chosen: SummaryTemplate) -> None:
    known = {c.key for c in workbench.codebook(project)}
    for section in chosen.sections:
        for code in section.codes:
            if code not in known:
                raise InvalidValue(
                    f"the template's section {section.title!r} names code {code!r},"
                    " which is not in the codebook",
                    "list codes with: casebook codebook show",
                )


def dossier(project: Project, case: str, with_municipality: bool = False) -> CaseDossier:
    """Everything a summary of ``case`` is made from (a case screen can show it too)."""
    pdb = project.pdb
    case = nfc(case)  # stored keys are NFC; the researcher may have typed another form
    case_id = study_store.case_id(pdb, case)
    kind = next(c.kind for c in project.cases() if c.key == case)
    context = StudyContext.load(pdb, with_municipality)
    excerpt_report = reports.build(
        project, ReportSpec(cases=(case,), chart=False, memos=True, with_municipality=with_municipality)
    )
    excerpts = tuple(e for _chapter, _section, e in excerpt_report.excerpts())
    peers = analysis.matrix(project, MatrixSpec(columns=ColumnAxis.CASES, measure=Measure.CASES, kind=kind))
    members = {m.case for column in peers.columns for m in column.sources}
    return CaseDossier(
        project=project.name,
        timeline=build_timeline(pdb, case, with_municipality),
        grid=build_grid(pdb, case, context, words=False),
        codes=tuple(workbench.codebook(project)),
        excerpts=excerpts,
        memo=workbench.memo(project, "case", case_id),
        peers=peers.total.cases,
        peers_with_code={
            row.code: peers.row_totals[row.code].cases for row in peers.rows if row.code in peers.row_totals
        },
        peers_with_strafferunde=_strafferunder(project, members),
        noun=_NOUNS.get(kind, CASE),
        evidence=frozenset(g for r in direction_store.current(pdb, case_id) for g in r.evidence),
        coding_guids=longitudinal_store.coding_guids(pdb, (e.coding_id for e in excerpts)),
    )


def _strafferunder(project: Project, cases: set[str]) -> int:
    """How many of ``cases`` have a service refused and then appealed or applied for again."""
    by_case: dict[str, list[PlacedEvent]] = defaultdict(list)
    for event in event_store.list_events(project.pdb):
        if event.kind is EventKind.SERVICE and event.case in cases:
            by_case[event.case].append(PlacedEvent(event, None))
    return sum(1 for placed in by_case.values() if any(h.strafferunde for h in service_histories(placed)))


def build(
    project: Project,
    case: str,
    chosen: SummaryTemplate | None = None,
    pseudonymise: bool = False,
    with_municipality: bool = False,
) -> Report:
    """The summary of one case as a report tree (pseudonymised and checked when asked)."""
    chosen = chosen or template()
    _check_codes(project, chosen)
    names = _names(project, pseudonymise)
    gathered = dossier(project, case, with_municipality)
    if pseudonymise:
        gathered = replace(gathered, pseudonymised=True)
    summary = build_summary(chosen, gathered)
    if pseudonymise:
        summary = pseudonymise_report(summary, names)
        check_report(summary, names)
    return summary


def _names(project: Project, pseudonymise: bool) -> Pseudonymiser:
    if not pseudonymise:
        return Pseudonymiser(())
    names = pseudonyms.pseudonymiser(project)
    if not names:
        raise InvalidValue(
            "--pseudonymise was asked for, but no names are listed",
            "add them with: casebook pseudonyms add NAME REPLACEMENT (or load a list)",
        )
    return names


def _format(path: Path, fmt: ReportFormat | None) -> ReportFormat:
    chosen = fmt or (ReportFormat.DOCX if path.suffix.lower() == ".docx" else ReportFormat.MD)
    if chosen not in SUMMARY_FORMATS:
        raise InvalidValue(f"a case summary is written as md or docx, not {chosen.value}")
    return chosen


def export(
    project: Project,
    case: str,
    output: Path,
    fmt: ReportFormat | None = None,
    chosen: SummaryTemplate | None = None,
    pseudonymise: bool = False,
    with_municipality: bool = False,
) -> SummaryResult:
    """Build, render, check and write one case's summary; nothing is written on failure."""
    fmt = _format(output, fmt)
    names = _names(project, pseudonymise)
    if pseudonymise:
        check_file_name(output, names)
    summary = build(project, case, chosen, pseudonymise, with_municipality)
    data = reports.render(summary, fmt)
    if pseudonymise:
        check_rendered(data, fmt, names)
    write_private(output, data)
    return SummaryResult(case, output, fmt, summary.count(), pseudonymise)


def export_all(
    project: Project,
    folder: Path,
    fmt: ReportFormat,
    chosen: SummaryTemplate | None = None,
    pseudonymise: bool = False,
    with_municipality: bool = False,
    kind: CaseKind = CaseKind.FAMILY,
) -> list[SummaryResult]:
    """A summary of every case of ``kind`` that has an interview, one file per case
    (``F01.md``), in ``folder`` (which must exist)."""
    if not folder.is_dir():
        raise InvalidValue(f"{folder}: is not a folder", "create it first, or give -o FOLDER that exists")
    chosen = chosen or template()
    interviewed = {s.case for s in project.sources() if s.case}
    cases = [c.key for c in project.cases() if c.kind is kind and c.key in interviewed]
    suffix = "docx" if fmt is ReportFormat.DOCX else "md"
    return [
        export(project, case, folder / f"{case}.{suffix}", fmt, chosen, pseudonymise, with_municipality)
        for case in cases
    ]
