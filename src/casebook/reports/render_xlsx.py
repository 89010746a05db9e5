"""Excel (.xlsx) with XlsxWriter: an "all" sheet and one sheet per chapter (root code),
one row per excerpt, typed cells (whole numbers, numbers, dates, yes/no), a frozen and
filterable header row. Text is always written as text, never as a formula or link.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import xlsxwriter

from casebook.reports.model import Chapter, Excerpt, Report
from casebook.reports.rows import header, typed_row, xml_safe
from casebook.reports.stable_zip import stable_zip

_FIXED_TIME = dt.datetime(2000, 1, 1)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_WIDTHS = {"text": 80, "memo": 40, "participant_label": 18, "code": 28, "source": 24}
ALL_SHEET = "all"


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("_", wanted).strip("'")[:31] or "sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _excerpts(chapter: Chapter) -> list[Excerpt]:
    return list(chapter.excerpts) + [e for s in chapter.sections for e in s.excerpts]


class _Sheets:
    """Writes sheets of the same columns into one workbook."""

    def __init__(self, book: Any, report: Report) -> None:
        self.book = book
        self.report = report
        self.columns = header(report)
        self.bold = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def write(self, name: str, excerpts: list[Excerpt]) -> None:
        sheet = self.book.add_worksheet(name)
        for col, title in enumerate(self.columns):
            sheet.write_string(0, col, title, self.bold)
            sheet.set_column(col, col, _WIDTHS.get(title, 12))
        for row, excerpt in enumerate(excerpts, start=1):
            for col, value in enumerate(typed_row(self.report, excerpt)):
                self.cell(sheet, row, col, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(excerpts)), len(self.columns) - 1)

    def cell(self, sheet: Any, row: int, col: int, value: object) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), self.date)
        else:
            text = xml_safe(str(value))
            sheet.write_string(row, col, text, self.wrap if "\n" in text else None)


def render_xlsx(report: Report) -> bytes:
    """The report's excerpts as .xlsx bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": xml_safe(report.title), "author": "casebook", "created": _FIXED_TIME})
    sheets = _Sheets(book, report)
    taken: set[str] = set()
    sheets.write(_sheet_name(ALL_SHEET, taken), [e for _c, _s, e in report.excerpts()])
    for chapter in report.chapters:
        sheets.write(_sheet_name(chapter.code or chapter.title, taken), _excerpts(chapter))
    book.close()
    return stable_zip(out.getvalue())
