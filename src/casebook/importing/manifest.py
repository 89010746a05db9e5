"""Batch-import manifests: one CSV row per transcript with who, when and which family.

Columns (header names, any order): ``file`` and ``case`` are required; ``round``,
``date``, ``informants`` (participant codes separated by ``;``), ``speakers``
(``Label=code;...``), ``interviewer``, ``mode``, ``place``, ``name`` are optional.
Columns ``case.NAME`` and ``source.NAME`` set attributes (the case value from that
row's round on). Comma, semicolon or tab separated; UTF-8 with or without BOM.
Relative file paths are relative to the manifest's folder.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from casebook.errors import ImportProblem, InvalidValue
from casebook.model.attributes import AttributeType, canonical_value
from casebook.model.study import InterviewMeta
from casebook.untrusted.small_text import read_small_text

MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_KNOWN = {"file", "case", "round", "date", "informants", "speakers", "interviewer", "mode", "place", "name"}


@dataclass(frozen=True)
class ManifestRow:
    """One transcript to import, with the manifest line it came from."""

    line: int
    path: Path
    meta: InterviewMeta
    case_attributes: dict[str, str] = field(default_factory=dict)
    source_attributes: dict[str, str] = field(default_factory=dict)


def read_manifest(path: Path) -> list[ManifestRow]:
    """Parse a manifest; problems name the manifest and the line."""
    text = read_small_text(path, "manifest file", MAX_MANIFEST_BYTES, ImportProblem)
    if not text.strip():
        raise ImportProblem(path, "manifest is empty")
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    done = 0  # lines read by the rows parsed so far: a row that fails starts on the next one
    try:
        _check_header(path, [h.strip() for h in reader.fieldnames or []])
        done = reader.line_num
        rows = []
        for raw in reader:
            line = done = reader.line_num
            cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            if not any(cells.values()):
                continue
            try:
                rows.append(_row(cells, path.parent, line))
            except InvalidValue as exc:
                raise ImportProblem(path, f"line {line}: {exc.message}") from None
    except csv.Error as exc:
        raise ImportProblem(path, f"line {done + 1}: {_csv_problem(exc)}") from None
    if not rows:
        raise ImportProblem(path, "manifest has no rows")
    return rows


def _check_header(path: Path, header: list[str]) -> None:
    """The required columns are there; every column is known and given once."""
    missing = {"file", "case"} - set(header)
    if missing:
        raise ImportProblem(path, f"manifest lacks column(s) {', '.join(sorted(missing))}")
    unknown = [h for h in header if h not in _KNOWN and not h.startswith(("case.", "source."))]
    if unknown:
        raise ImportProblem(path, f"manifest has unknown column(s) {', '.join(unknown)}")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ImportProblem(
            path, f"manifest gives column(s) {', '.join(twice)} twice", "keep one of each column"
        )


def _csv_problem(exc: csv.Error) -> str:
    """Python's CSV error in the researcher's words."""
    if "field limit" in str(exc):
        return f"a cell is longer than {csv.field_size_limit():,} characters; refusing"
    return f"not valid CSV ({exc})"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _row(cells: dict[str, str], base: Path, line: int) -> ManifestRow:
    if not cells.get("file"):
        raise InvalidValue("the file column is empty")
    if not cells.get("case"):
        raise InvalidValue("the case column is empty")
    informants = tuple(code.strip() for code in cells.get("informants", "").split(";") if code.strip())
    if len(set(informants)) != len(informants):
        raise InvalidValue(f"an informant is listed twice ({'; '.join(informants)})")
    date = cells.get("date") or None
    if date:
        date = canonical_value(AttributeType.DATE, date)
    meta = InterviewMeta(
        case=cells["case"],
        round=cells.get("round") or None,
        date=date,
        mode=cells.get("mode", ""),
        place=cells.get("place", ""),
        interviewer=cells.get("interviewer", ""),
        informants=informants,
        speakers=parse_speakers(cells.get("speakers", "")),
        name=cells.get("name") or None,
    )
    file_path = Path(cells["file"])
    return ManifestRow(
        line=line,
        path=file_path if file_path.is_absolute() else base / file_path,
        meta=meta,
        case_attributes=_prefixed(cells, "case."),
        source_attributes=_prefixed(cells, "source."),
    )


def _prefixed(cells: dict[str, str], prefix: str) -> dict[str, str]:
    return {k[len(prefix) :]: v for k, v in cells.items() if k.startswith(prefix) and v}


def parse_speakers(spec: str) -> dict[str, str]:
    """``"F1=3a; F2=3b"`` as a mapping from speaker label to participant code."""
    mapping: dict[str, str] = {}
    for part in spec.split(";"):
        if not part.strip():
            continue
        label, sep, code = part.partition("=")
        if not sep or not label.strip() or not code.strip():
            raise InvalidValue(f"speaker mapping {part.strip()!r} must look like Label=code")
        mapping[label.strip()] = code.strip()
    return mapping
