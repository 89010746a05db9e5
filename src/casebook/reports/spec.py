"""What to put in a report: codes, filters, sections and options (from the CLI or a recipe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casebook.model.study import CaseKind
from casebook.reports.model import ReportFormat

MATRIX_KINDS = ("cases", "rounds")


@dataclass(frozen=True)
class SectionSpec:
    """A chapter of a recipe's own: a title and the codes (with their sub-codes) under it."""

    title: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class ReportSpec:
    """A report request. Empty filters do not restrict; no codes means the whole codebook.

    ``matrix`` is "cases", "rounds" or None; ``dated`` puts today's date on the title page
    (off by default, so that re-running a recipe gives the same file)."""

    title: str = "Rapport"
    codes: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    rounds: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    kinds: tuple[CaseKind, ...] = ()
    sections: tuple[SectionSpec, ...] = ()
    memos: bool = False
    matrix: str | None = None
    chart: bool = True
    pseudonymise: bool = False
    with_municipality: bool = False
    dated: bool = False
    format: ReportFormat | None = None
    output: Path | None = None


def format_for(path: Path, wanted: ReportFormat | None) -> ReportFormat:
    """The format asked for, else the one the output file's suffix names (else docx)."""
    if wanted is not None:
        return wanted
    try:
        return ReportFormat(path.suffix.lower().lstrip("."))
    except ValueError:
        return ReportFormat.DOCX
