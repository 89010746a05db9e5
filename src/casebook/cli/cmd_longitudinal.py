"""Following a case across rounds: ``timeline`` and ``changes`` (the change grid)."""

from __future__ import annotations

from typing import Any

import click

from casebook.cli.cmd_events import event_json
from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.model.changes import Assessment, ChangeGrid, Direction, DirectionSource
from casebook.model.timeline import Timeline
from casebook.services import longitudinal
from casebook.services.project import Project

_MUNICIPALITY = click.option(
    "--with-municipality",
    is_flag=True,
    help="Also show the case's municipality (kommune); off by default.",
)


def _timeline_json(timeline: Timeline) -> dict[str, Any]:
    return {
        "case": timeline.case,
        "label": timeline.label,
        "rounds": [
            {
                "round": r.key,
                "label": r.label,
                "interviews": [
                    {
                        "source": i.source,
                        "date": i.date,
                        "mode": i.mode,
                        "place": i.place,
                        "participants": list(i.participants),
                    }
                    for i in r.interviews
                ],
            }
            for r in timeline.rounds
        ],
        "attributes": {
            name: dict(zip([r.key for r in timeline.rounds], values, strict=True))
            for name, values in timeline.values
        },
        "attribute_changes": [
            {
                "attribute": c.attribute,
                "from": c.from_round,
                "to": c.to_round,
                "before": c.before,
                "after": c.after,
            }
            for c in timeline.changes
        ],
        "services": [
            {
                "service": h.service,
                "child": h.child or None,
                "path": [s.value for s in h.statuses],
                "strafferunde": h.strafferunde,
                "open": h.open,
                "events": [
                    {**event_json(p.event), "period": longitudinal.event_period(timeline, p)}
                    for p in h.events
                ],
            }
            for h in timeline.services
        ],
        "caveats": [
            {**event_json(p.event), "period": longitudinal.event_period(timeline, p)}
            for p in timeline.caveats
        ],
    }


@click.command()
@click.argument("case")
@_MUNICIPALITY
@json_option
@click.pass_obj
def timeline(state: CliState, case: str, with_municipality: bool, as_json: bool) -> None:
    """A case over time: rounds and interviews, attribute changes, each service's path
    (applied → rejected → appealed → granted), and caveats, in date order."""
    with Project.open_for_reading(state.project_path()) as project:
        found = longitudinal.timeline(project, case, with_municipality)
    if as_json:
        emit_json(_timeline_json(found))
        return
    stdout.print(f"{found.label or found.case} ({found.case})")
    table(
        "Rounds",
        ["round", "date", "mode", "participants", "source"],
        [
            (r.key, i.date or "–", i.mode, ", ".join(i.participants), i.source)
            for r in found.rounds
            for i in (r.interviews or ())
        ],
    )
    table(
        "Attribute changes",
        ["rounds", "change"],
        [(f"{c.from_round} → {c.to_round}", str(c)) for c in found.changes],
    )
    rows = []
    for history in found.services:
        name = history.service + (f" ({history.child})" if history.child else "")
        mark = "  [strafferunde]" if history.strafferunde else ""
        rows.append((name, "", "", "", f"{history.path}{mark}"))
        rows += [
            (
                "",
                p.event.date or "no date",
                p.event.status.value if p.event.status is not None else "",
                longitudinal.event_period(found, p),
                p.event.note,
            )
            for p in history.events
        ]
    table("Services", ["service", "date", "status", "period", "path / note"], rows)
    table(
        "Caveats",
        ["date", "period", "event", "note"],
        [
            (p.event.date or "no date", longitudinal.event_period(found, p), p.event.label, p.event.note)
            for p in found.caveats
        ],
    )


def _assessment_json(found: Assessment) -> dict[str, Any]:
    return {
        "from": found.from_round,
        "to": found.to_round,
        "direction": found.direction.value,
        "source": found.source.value,
        "reason": found.reason,
        "evidence": [
            {
                "guid": e.guid,
                "found": e.found,
                "source": e.source or None,
                "start": e.start,
                "end": e.end,
                "code": e.code or None,
            }
            for e in found.evidence
        ],
        "set_by": found.set_by or None,
        "set_at": found.set_at or None,
    }


def _grid_json(grid: ChangeGrid) -> dict[str, Any]:
    by_theme: dict[str, list[Assessment]] = {}
    for found in grid.assessments:
        by_theme.setdefault(found.theme, []).append(found)
    return {
        "case": grid.case,
        "label": grid.label,
        "rounds": [
            {"round": k, "segments": n} for k, n in zip(grid.rounds, grid.round_segments, strict=True)
        ],
        "attribute_changes": [
            {
                "attribute": c.attribute,
                "from": c.from_round,
                "to": c.to_round,
                "before": c.before,
                "after": c.after,
            }
            for c in grid.changes
        ],
        "codes": [
            {
                "code": row.code,
                "name": row.name,
                "parent": row.parent,
                "depth": row.depth,
                "rounds": {
                    c.round: {"segments": c.segments, "words": c.words, "coders": list(c.coders)}
                    for c in row.rounds
                },
                "first": row.first,
                "last": row.last,
                "directions": [_assessment_json(a) for a in by_theme.get(row.code, [])],
            }
            for row in grid.rows
        ],
    }


_ARROWS = {
    Direction.IMPROVED: "↑",
    Direction.UNCHANGED: "=",
    Direction.WORSE: "↓",
    Direction.MIXED: "↕",
    Direction.UNCLEAR: "?",
}


def _shown(found: Assessment | None) -> str:
    """↑ = ↓ ↕ ? for the researcher's direction; in parentheses for a suggestion."""
    if found is None:
        return ""
    arrow = _ARROWS[found.direction]
    return arrow if found.source is DirectionSource.RESEARCHER else f"({arrow})"


@click.command()
@click.argument("case")
@click.option("--all-codes", is_flag=True, help="Every code, not only root codes and codes with segments.")
@click.option(
    "--words/--no-words", default=True, help="Count words under the segments (reads the transcripts)."
)
@_MUNICIPALITY
@json_option
@click.pass_obj
def changes(
    state: CliState, case: str, all_codes: bool, words: bool, with_municipality: bool, as_json: bool
) -> None:
    """The change grid of a case: per code and root code, segments (words, coders) in each
    round, first and last appearance, and a direction per pair of rounds — the
    researcher's, or casebook's suggestion (marked ?) until one is set."""
    with Project.open_for_reading(state.project_path()) as project:
        grid = longitudinal.change_grid(project, case, with_municipality, words)
    if as_json:
        emit_json(_grid_json(grid))
        return
    pairs = list(grid.pairs)
    rows = []
    for row in grid.rows:
        if not (all_codes or row.depth == 0 or row.segments):
            continue
        cells = [f"{c.segments}" + (f" ({c.words})" if words and c.segments else "") for c in row.rounds]
        shown = [_shown(grid.assessment(row.code, *pair)) for pair in pairs]
        rows.append(("  " * row.depth + row.code, *cells, row.first or "–", row.last or "–", *shown))
    totals = ", ".join(f"{k}: {n}" for k, n in zip(grid.rounds, grid.round_segments, strict=True))
    stdout.print(f"{grid.label or grid.case} ({grid.case}); segments per round: {totals or 'none'}")
    table(
        "Change grid",
        ["code", *grid.rounds, "first", "last", *(f"{a}→{b}" for a, b in pairs)],
        rows,
    )
    table(
        "Attribute changes",
        ["rounds", "change"],
        [(f"{c.from_round} → {c.to_round}", str(c)) for c in grid.changes],
    )
    stdout.print(
        "Rounds: segments (words). Directions: ↑ improved, = unchanged, ↓ worse, ↕ mixed, ? unclear;"
        " (in parentheses) = suggested from the counts and attribute changes, not yet set by a"
        " researcher (--json gives the basis). Set one with: casebook direction set CASE CODE"
        " DIRECTION --from R1 --to R2 --reason TEXT"
    )


COMMANDS = [timeline, changes]
