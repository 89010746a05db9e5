"""Report recipes: a report (or a query) as a small TOML file beside the project.

    title = "Foreldre som koordinatorer"
    codes = ["familie", "broer.koordinator"]     # with their sub-codes; none: all codes
    format = "docx"                              # docx, md, csv or xlsx (optional)
    output = "rapport.docx"                      # relative to the recipe (optional)

    [filters]                                    # each a value or a list of values
    case = ["F01", "F02"]
    round = "R2"
    coder = "ida"
    kind = "family"                              # family, municipality or other

    [[sections]]                                 # optional chapters of your own
    title = "Veien til hjelp"
    codes = ["familie.informasjon", "familie.los"]

    [options]
    memos = true
    matrix = "cases"                             # cases, rounds or false
    chart = true
    pseudonymise = true
    with_municipality = false
    dated = false                                # today's date on the title page

Every problem names the file and the key. Re-running a recipe gives the same output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casebook.errors import FileProblem
from casebook.model.study import CaseKind
from casebook.reports.model import ReportFormat
from casebook.reports.spec import MATRIX_KINDS, ReportSpec, SectionSpec
from casebook.untrusted.small_text import read_small_toml

MAX_RECIPE_BYTES = 256 * 1024
_TOP = {"title", "codes", "format", "output", "filters", "sections", "options"}
_FILTERS = {"case", "round", "coder", "kind"}
_OPTIONS = {"memos", "matrix", "chart", "pseudonymise", "with_municipality", "dated"}


class RecipeProblem(FileProblem):
    """A recipe file cannot be used; the message names the file and the key."""

    title = "Recipe problem"


class _Bad(Exception):
    """A wrong value at ``key``."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"key {key!r}: {problem}")


def read_recipe(path: Path) -> ReportSpec:
    """Parse a recipe into a report spec, or raise RecipeProblem naming file and key."""
    doc, _ = read_small_toml(path, "recipe", MAX_RECIPE_BYTES, RecipeProblem)
    try:
        return _spec(doc, path.parent)
    except _Bad as exc:
        raise RecipeProblem(path, str(exc)) from None


def _known(table: dict[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise _Bad(f"{prefix}{key}", f"unknown key (use one of {', '.join(sorted(allowed))})")


def _table(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise _Bad(key, "must be a table, like [" + key + "]")
    return value


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(key, "must be a non-empty text in quotes")
    return value.strip()


def _texts(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _Bad(key, "must be a text or a list of texts")
    return tuple(_text(v, key) for v in value)


def _flag(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise _Bad(key, "must be true or false")
    return value


def _spec(doc: dict[str, Any], folder: Path) -> ReportSpec:
    _known(doc, _TOP, "")
    filters, options = _table(doc, "filters"), _table(doc, "options")
    _known(filters, _FILTERS, "filters.")
    _known(options, _OPTIONS, "options.")
    fmt = None
    if "format" in doc:
        try:
            fmt = ReportFormat(_text(doc["format"], "format").lower())
        except ValueError:
            raise _Bad("format", "must be docx, md, csv or xlsx") from None
    kinds: list[CaseKind] = []
    for kind in _texts(filters.get("kind", []), "filters.kind"):
        try:
            kinds.append(CaseKind(kind))
        except ValueError:
            raise _Bad("filters.kind", "must be family, municipality or other") from None
    output = folder / _text(doc["output"], "output") if "output" in doc else None
    return ReportSpec(
        title=_text(doc.get("title", "Rapport"), "title"),
        codes=_texts(doc.get("codes", []), "codes"),
        cases=_texts(filters.get("case", []), "filters.case"),
        rounds=_texts(filters.get("round", []), "filters.round"),
        coders=_texts(filters.get("coder", []), "filters.coder"),
        kinds=tuple(kinds),
        sections=_sections(doc.get("sections", [])),
        memos=_flag(options.get("memos", False), "options.memos"),
        matrix=_matrix(options.get("matrix", False)),
        chart=_flag(options.get("chart", True), "options.chart"),
        pseudonymise=_flag(options.get("pseudonymise", False), "options.pseudonymise"),
        with_municipality=_flag(options.get("with_municipality", False), "options.with_municipality"),
        dated=_flag(options.get("dated", False), "options.dated"),
        format=fmt,
        output=output,
    )


def _matrix(value: object) -> str | None:
    if value is False:
        return None
    if value not in MATRIX_KINDS:
        raise _Bad("options.matrix", 'must be "cases", "rounds" or false')
    return str(value)


def _sections(value: object) -> tuple[SectionSpec, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad("sections", "must be [[sections]] tables with a title and codes")
    out = []
    for number, entry in enumerate(value, start=1):
        prefix = f"sections[{number}]."
        _known(entry, {"title", "codes"}, prefix)
        codes = _texts(entry.get("codes", []), prefix + "codes")
        if not codes:
            raise _Bad(prefix + "codes", "list at least one code")
        out.append(SectionSpec(_text(entry.get("title", ""), prefix + "title"), codes))
    return tuple(out)
