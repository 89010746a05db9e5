"""The researcher's directions (``direction set|clear|history``) and the ``rollup`` across cases."""

from __future__ import annotations

from typing import Any

import click

from casebook.cli.main import CliState
from casebook.cli.options import coder_option, json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.model.changes import Direction, DirectionRecord
from casebook.model.study import CaseKind
from casebook.services import longitudinal
from casebook.services.project import Project


def _record_json(record: DirectionRecord) -> dict[str, Any]:
    return {
        "guid": record.guid,
        "case": record.case,
        "theme": record.theme,
        "code_exists": record.code_exists,
        "from": record.from_round,
        "to": record.to_round,
        "direction": record.direction.value if record.direction is not None else None,
        "reason": record.reason,
        "evidence": list(record.evidence),
        "set_by": record.coder,
        "set_at": record.created_at,
    }


@click.group()
def direction() -> None:
    """The researcher's direction for a theme between two rounds (with its history)."""


def _listed(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@direction.command(name="set")
@click.argument("case")
@click.argument("theme")
@click.argument("value", metavar="DIRECTION", type=click.Choice([d.value for d in Direction]))
@click.option("--from", "from_round", required=True, help="The earlier round, e.g. R1.")
@click.option("--to", "to_round", required=True, help="The later round, e.g. R2.")
@click.option("--reason", "--because", "reason", required=True, help="Why: what in the material shows it.")
@click.option(
    "--evidence", multiple=True, help="GUID of a coding that shows it (repeat, or separate with commas)."
)
@coder_option
@click.pass_obj
def direction_set(
    state: CliState,
    case: str,
    theme: str,
    value: str,
    from_round: str,
    to_round: str,
    reason: str,
    evidence: tuple[str, ...],
    coder: str,
) -> None:
    """Set the direction of THEME (a code) for CASE between two rounds: improved,
    unchanged, worse, mixed or unclear. The earlier direction stays in the history."""
    with Project.open(state.project_path()) as project:
        record = longitudinal.set_direction(
            project, case, theme, (from_round, to_round), Direction(value), reason, coder, _listed(evidence)
        )
    cited = f", {len(record.evidence)} evidence codings" if record.evidence else ""
    stdout.print(f"{case} {theme} {from_round} → {to_round}: {value} (set by {record.coder}{cited})")


@direction.command(name="clear")
@click.argument("case")
@click.argument("theme")
@click.option("--from", "from_round", required=True, help="The earlier round.")
@click.option("--to", "to_round", required=True, help="The later round.")
@coder_option
@click.pass_obj
def direction_clear(
    state: CliState, case: str, theme: str, from_round: str, to_round: str, coder: str
) -> None:
    """Withdraw a direction: the suggestion shows again; the history keeps what was set."""
    with Project.open(state.project_path()) as project:
        longitudinal.clear_direction(project, case, theme, (from_round, to_round), coder)
    stdout.print(f"{case} {theme} {from_round} → {to_round}: withdrawn (the suggestion shows again)")


@direction.command(name="history")
@click.argument("case", required=False)
@click.option("--theme", help="Only this code.")
@json_option
@click.pass_obj
def direction_history(state: CliState, case: str | None, theme: str | None, as_json: bool) -> None:
    """Every direction set, oldest first (a withdrawn one shows as 'withdrawn')."""
    with Project.open_for_reading(state.project_path()) as project:
        records = longitudinal.direction_history(project, case, theme)
    if as_json:
        emit_json([_record_json(r) for r in records])
        return
    table(
        "Directions",
        ["set at", "by", "case", "theme", "rounds", "direction", "reason"],
        [
            (
                r.created_at,
                r.coder,
                r.case,
                r.theme + ("" if r.code_exists else " (code gone)"),
                f"{r.from_round} → {r.to_round}",
                r.direction.value if r.direction is not None else "withdrawn",
                r.reason,
            )
            for r in records
        ],
    )


def _rollup_json(found: longitudinal.Rollup, exact: bool) -> dict[str, Any]:
    units = {CaseKind.FAMILY: "families", CaseKind.MUNICIPALITY: "municipalities"}
    unit = units.get(found.kind, "cases") if found.kind is not None else "cases"
    return {
        "from": found.from_round,
        "to": found.to_round,
        "kind": found.kind.value if found.kind is not None else None,
        "counted": "researcher" if found.researcher_only else "researcher, else suggested",
        "left_out": found.left_out,
        "themes": [
            {
                "theme": row.theme,
                "name": row.name,
                "whole": {"count": row.whole, "unit": unit},
                "directions": {
                    d.value: {
                        "count": row.count(d),
                        "phrase": longitudinal.rollup_phrase(found, row, d, exact),
                        "cases": list(row.cases.get(d, ())),
                        "researcher": row.researcher.get(d, 0),
                        "suggested": row.count(d) - row.researcher.get(d, 0),
                    }
                    for d in Direction
                    if row.count(d)
                },
            }
            for row in found.rows
        ],
    }


@click.command()
@click.option("--from", "from_round", help="The earlier round (default: the first).")
@click.option("--to", "to_round", help="The later round (default: the last).")
@click.option("--theme", "themes", multiple=True, help="A code to roll up (repeat); default: the root codes.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in CaseKind]),
    default="family",
    show_default=True,
    help="Which cases to roll up.",
)
@click.option("--set-only", is_flag=True, help="Count only directions researchers set, not suggestions.")
@click.option(
    "--vague", is_flag=True, help="Phrases like «de fleste av de tolv familiene» instead of numbers."
)
@json_option
@click.pass_obj
def rollup(
    state: CliState,
    from_round: str | None,
    to_round: str | None,
    themes: tuple[str, ...],
    kind: str,
    set_only: bool,
    vague: bool,
    as_json: bool,
) -> None:
    """Across cases, per theme: how many improved, stayed, worsened … between two rounds
    ("R1 → R3: improved in 3 of 4 families"), and which cases (drill-down)."""
    if (from_round is None) != (to_round is None):
        raise click.UsageError("give both --from and --to, or neither (first and last round)")
    pair = (from_round, to_round) if from_round and to_round else None
    with Project.open_for_reading(state.project_path()) as project:
        found = longitudinal.rollup(project, pair, themes, CaseKind(kind), set_only)
    if as_json:
        emit_json(_rollup_json(found, not vague))
        return
    rows = []
    for row in found.rows:
        for d in Direction:
            if row.count(d):
                set_here = row.researcher.get(d, 0)
                rows.append(
                    (
                        row.theme,
                        d.value,
                        f"{row.count(d)} of {row.whole}",
                        longitudinal.rollup_phrase(found, row, d, not vague),
                        ", ".join(row.cases[d]),
                        f"{set_here} set, {row.count(d) - set_here} suggested",
                    )
                )
    table(
        f"{found.from_round} → {found.to_round}",
        ["theme", "direction", "cases", "phrase", "which", "source"],
        rows,
    )
    whole = found.rows[0].whole if found.rows else 0
    stdout.print(
        f"Whole: {whole} {kind} cases interviewed in both {found.from_round} and {found.to_round};"
        f" {found.left_out} interviewed in only one of them left out."
    )


COMMANDS = [direction, rollup]
