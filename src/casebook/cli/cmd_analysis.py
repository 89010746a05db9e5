"""Analysis commands: ``matrix`` (codes × cases, rounds or attribute values) and ``cooccur``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import CliError, emit_json, table
from casebook.cli.terminal import VisibleStream
from casebook.model.cooccurrence import Cooccurrence, CooccurrenceMode, CooccurrenceSpec, PairPassage
from casebook.model.matrix import ColumnAxis, Matrix, MatrixColumn, MatrixSpec, Measure, case_unit
from casebook.model.study import CaseKind
from casebook.services import analysis
from casebook.services.project import Project

KINDS = ["family", "municipality", "other", "all"]
csv_option = click.option(
    "--csv", "as_csv", is_flag=True, help="Print CSV (one line per cell, pair or passage)."
)
analysis_coder = click.option("--coder", default=None, help="Only this coder's codings (default: all).")
round_option = click.option("--round", "round_key", metavar="ROUND", help="Only interviews of this round.")


def _kind(value: str) -> CaseKind | None:
    return None if value == "all" else CaseKind(value)


def _axis(cols: str) -> tuple[ColumnAxis, str | None]:
    if cols in ("cases", "rounds"):
        return ColumnAxis(cols), None
    if cols.startswith("attr:") and cols[5:].strip():
        return ColumnAxis.ATTRIBUTE, cols[5:].strip()
    raise click.BadParameter("use cases, rounds or attr:NAME (e.g. attr:barn_alder)", param_hint="--cols")


def _write_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    writer = csv.writer(VisibleStream(), lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)


@click.command()
@click.option(
    "--rows",
    type=click.Choice(["codes"]),
    default="codes",
    show_default=True,
    help="Rows: codes, each counting the codes below it.",
)
@click.option("--root", metavar="CODE", help="Only this code and the codes below it.")
@click.option("--roots", "roots_only", is_flag=True, help="Only the top-level codes.")
@click.option(
    "--cols",
    default="cases",
    show_default=True,
    metavar="cases|rounds|attr:NAME",
    help="Columns: cases, rounds, or the values of a case or source attribute as of each interview's round.",
)
@click.option(
    "--measure",
    type=click.Choice([m.value for m in Measure]),
    default="segments",
    show_default=True,
    help="Count segments (codings), distinct cases, or words of the coded text.",
)
@click.option("--percent", is_flag=True, help="Show percentages of each column's denominator (n).")
@analysis_coder
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="family",
    show_default=True,
    help="Which cases: families by default, so that n counts families.",
)
@round_option
@click.option(
    "--with-municipality",
    is_flag=True,
    help="Allow columns that show families with their municipality (internal analysis only).",
)
@json_option
@csv_option
@click.pass_obj
def matrix(
    state: CliState,
    rows: str,
    root: str | None,
    roots_only: bool,
    cols: str,
    measure: str,
    percent: bool,
    coder: str | None,
    kind: str,
    round_key: str | None,
    with_municipality: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Count codes per case, round or attribute value, with drill-down-ready denominators.

    Each code's row includes the codes below it. Percentages are shares of the column's
    denominator: its cases (--measure cases), all its segments, or all its words."""
    axis, attribute = _axis(cols)
    if as_json and as_csv:
        raise CliError("choose --json or --csv, not both")
    spec = MatrixSpec(
        axis, attribute, Measure(measure), root, roots_only, _kind(kind), coder, round_key, with_municipality
    )
    with Project.open_for_reading(state.project_path()) as project:
        built = analysis.matrix(project, spec)
    if as_json:
        emit_json(_matrix_json(built))
    elif as_csv:
        _matrix_csv(built)
    else:
        _matrix_table(built, percent)


def _column_json(built: Matrix, column: MatrixColumn) -> dict[str, Any]:
    denominator = built.denominator(column)
    return {
        "key": column.key,
        "label": column.label,
        "cases": column.cases,
        "segments": column.segments,
        "words": column.words,
        "sources": len(column.sources),
        "denominator": {"count": denominator.count, "unit": denominator.unit},
    }


def _cell_json(built: Matrix, code: str, column: MatrixColumn) -> dict[str, Any]:
    cell = built.cell(code, column)
    share = built.percent(code, column)
    return {
        "column": column.key,
        "segments": cell.segments,
        "cases": cell.cases,
        "words": cell.words,
        "value": built.value(code, column),
        "percent": None if share is None else round(share, 2),
    }


def _matrix_json(built: Matrix) -> dict[str, Any]:
    spec = built.spec
    return {
        "spec": {
            "rows": "codes",
            "columns": spec.columns.value,
            "attribute": spec.attribute,
            "measure": spec.measure.value,
            "root": spec.root,
            "roots_only": spec.roots_only,
            "kind": spec.kind.value if spec.kind else "all",
            "coder": spec.coder,
            "round": spec.round,
        },
        "columns": [_column_json(built, c) for c in built.columns],
        "total": _column_json(built, built.total),
        "rows": [
            {
                "code": row.code,
                "name": row.name,
                "parent": row.parent,
                "depth": row.depth,
                "cells": [_cell_json(built, row.code, c) for c in built.columns],
                "total": _cell_json(built, row.code, built.total),
            }
            for row in built.rows
        ],
    }


def _matrix_csv(built: Matrix) -> None:
    header = ["code", "name", "parent", "depth", "column", "column_label", "is_total"]
    header += ["segments", "cases", "words", "value", "percent", "denominator", "unit"]
    lines: list[list[object]] = []
    for row in built.rows:
        for column in [*built.columns, built.total]:
            cell = _cell_json(built, row.code, column)
            denominator = built.denominator(column)
            lines.append(
                [
                    *(row.code, row.name, row.parent, row.depth, column.key, column.label, int(column.total)),
                    *(cell["segments"], cell["cases"], cell["words"], cell["value"], cell["percent"]),
                    *(denominator.count, denominator.unit),
                ]
            )
    _write_csv(header, lines)


def _matrix_table(built: Matrix, percent: bool) -> None:
    spec = built.spec
    columns = [*built.columns, built.total]
    lines: list[list[object]] = []
    for row in built.rows:
        cells: list[object] = []
        for column in columns:
            share = built.percent(row.code, column)
            if percent:
                cells.append("–" if share is None else f"{share:.0f}%")
            else:
                cells.append(built.value(row.code, column))
        lines.append(["  " * row.depth + row.name, *cells])
    if lines:
        unit = built.denominator(built.total).unit
        lines.append([f"n ({unit})", *(built.denominator(c).count for c in columns)])
    what = spec.attribute if spec.columns is ColumnAxis.ATTRIBUTE else spec.columns.value.removesuffix("s")
    scope = case_unit(spec.kind) if spec.kind else "all kinds of case"
    details = ", ".join(x for x in (scope, spec.coder, spec.round, "% of n" if percent else None) if x)
    title = f"{spec.measure.value.capitalize()} per code × {what} ({details})"
    headers = [c.key or c.label for c in built.columns]
    table(title, ["code", *headers, "total"], lines)


@click.command()
@click.option(
    "--mode",
    type=click.Choice([m.value for m in CooccurrenceMode]),
    default="overlap",
    show_default=True,
    help="overlap: spans of the two codes overlap; turn: both codes in the same speaker turn.",
)
@click.option(
    "--min",
    "min_passages",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only pairs with at least this many passages.",
)
@analysis_coder
@round_option
@click.option("--kind", type=click.Choice(KINDS), default="all", show_default=True, help="Which cases.")
@click.option("--roots", "roots_only", is_flag=True, help="Count each code as its top-level code.")
@click.option("--pair", nargs=2, metavar="CODE CODE", help="List the passages of one pair instead.")
@json_option
@csv_option
@click.pass_obj
def cooccur(
    state: CliState,
    mode: str,
    min_passages: int,
    coder: str | None,
    round_key: str | None,
    kind: str,
    roots_only: bool,
    pair: tuple[str, str] | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Which codes occur on the same passages, with passages, sources and cases per pair.

    A passage is a stretch where both codes' spans overlap (ends exclusive: touching
    spans do not overlap), or a speaker turn holding both codes (--mode turn); double
    coding by several coders counts once."""
    if as_json and as_csv:
        raise CliError("choose --json or --csv, not both")
    spec = CooccurrenceSpec(CooccurrenceMode(mode), coder, round_key, _kind(kind), roots_only, min_passages)
    with Project.open_for_reading(state.project_path()) as project:
        if pair:
            _show_passages(analysis.pair_passages(project, spec, *pair), pair, as_json, as_csv)
            return
        found = analysis.cooccurrence(project, spec)
    _show_pairs(found, as_json, as_csv)


def _show_pairs(found: Cooccurrence, as_json: bool, as_csv: bool) -> None:
    keys = ["a", "a_name", "b", "b_name", "passages", "sources", "cases"]
    rows = [[getattr(p, k) for k in keys] for p in found.pairs]
    if as_json:
        spec = found.spec
        emit_json(
            {
                "mode": spec.mode.value,
                "coder": spec.coder,
                "round": spec.round,
                "kind": spec.kind.value if spec.kind else "all",
                "roots_only": spec.roots_only,
                "min": spec.min_passages,
                "cases": found.cases,
                "sources": found.sources,
                "pairs": [dict(zip(keys, r, strict=True)) for r in rows],
            }
        )
    elif as_csv:
        _write_csv(keys, rows)
    else:
        title = f"Codes together ({found.spec.mode.value}; {found.cases} cases, {found.sources} sources)"
        header = ["passages", "sources", "cases", "code", "with code"]
        table(title, header, [[*r[4:], r[1], r[3]] for r in rows])


def _show_passages(found: list[PairPassage], pair: tuple[str, str], as_json: bool, as_csv: bool) -> None:
    where = [[p.source, p.case, p.round, p.start, p.end] for p in found]
    if as_json:
        keys = ["source", "case", "round", "start", "end"]
        emit_json(
            [
                dict(zip(keys, w, strict=True))
                | {"codings_a": list(p.codings_a), "codings_b": list(p.codings_b), "text": p.text}
                for w, p in zip(where, found, strict=True)
            ]
        )
    elif as_csv:
        _write_csv(
            ["source", "case", "round", "start", "end", "codings_a", "codings_b", "text"],
            [
                [*w, " ".join(map(str, p.codings_a)), " ".join(map(str, p.codings_b)), p.text]
                for w, p in zip(where, found, strict=True)
            ],
        )
    else:
        table(
            f"Passages with {pair[0]} and {pair[1]}",
            ["source", "case", "round", "start", "end", "text"],
            [[*w, p.text] for w, p in zip(where, found, strict=True)],
        )


COMMANDS = [matrix, cooccur]
