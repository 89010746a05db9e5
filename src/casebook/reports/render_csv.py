"""CSV: one row per excerpt, UTF-8 (no byte-order mark), a header row, ``\\n`` line ends.

Ready for ``read.csv(..., encoding = "UTF-8")`` in R and ``pandas.read_csv``; fields with
commas, quotes or line breaks are quoted. The same report gives the same bytes.
"""

from __future__ import annotations

import csv
import io

from casebook.reports.model import Report
from casebook.reports.rows import header, rows, text_row


def render_csv(report: Report) -> bytes:
    """The report's excerpts as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(report))
    for excerpt in rows(report):
        writer.writerow(text_row(report, excerpt))
    return out.getvalue().encode("utf-8")
