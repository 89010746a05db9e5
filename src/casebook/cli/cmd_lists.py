"""List commands: ``cases``, ``rounds``, ``persons``, ``sources``, ``attrs`` (all take --json)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.services.project import Project


@click.command()
@json_option
@click.pass_obj
def cases(state: CliState, as_json: bool) -> None:
    """List cases with their kind, persons and number of sources."""
    with Project.open_for_reading(state.project_path()) as project:
        counts: dict[str, int] = defaultdict(int)
        for source in project.sources():
            counts[source.case or ""] += 1
        members: dict[str, list[str]] = defaultdict(list)
        for person in project.persons():
            for case in person.cases:
                members[case].append(person.code)
        rows: list[dict[str, Any]] = [
            {
                "id": c.key,
                "kind": c.kind.value,
                "label": c.label,
                "persons": members[c.key],
                "sources": counts[c.key],
            }
            for c in project.cases()
        ]
    if as_json:
        emit_json(rows)
    else:
        table(
            "Cases",
            ["case", "kind", "label", "persons", "sources"],
            [(r["id"], r["kind"], r["label"], ", ".join(r["persons"]), r["sources"]) for r in rows],
        )


@click.command()
@json_option
@click.pass_obj
def rounds(state: CliState, as_json: bool) -> None:
    """List interview rounds in study order."""
    with Project.open_for_reading(state.project_path()) as project:
        counts: dict[str, int] = defaultdict(int)
        for source in project.sources():
            counts[source.round or ""] += 1
        rows: list[dict[str, Any]] = [
            {
                "id": r.key,
                "label": r.label,
                "position": r.position,
                "window_start": r.window_start,
                "window_end": r.window_end,
                "baseline": r.baseline,
                "sources": counts[r.key],
            }
            for r in project.rounds()
        ]
    if as_json:
        emit_json(rows)
    else:
        table(
            "Rounds",
            ["round", "label", "window", "baseline", "sources"],
            [
                (
                    r["id"],
                    r["label"],
                    f"{r['window_start'] or ''} – {r['window_end'] or ''}",
                    "yes" if r["baseline"] else "",
                    r["sources"],
                )
                for r in rows
            ],
        )


@click.command()
@json_option
@click.pass_obj
def persons(state: CliState, as_json: bool) -> None:
    """List persons by participant code, with role and cases."""
    with Project.open_for_reading(state.project_path()) as project:
        rows: list[dict[str, Any]] = [
            {
                "code": p.code,
                "role": p.role,
                "profession": p.profession,
                "label": p.label,
                "cases": list(p.cases),
            }
            for p in project.persons()
        ]
    if as_json:
        emit_json(rows)
    else:
        table(
            "Persons",
            ["code", "role", "profession", "cases"],
            [(r["code"], r["role"], r["profession"], ", ".join(r["cases"])) for r in rows],
        )


@click.command()
@json_option
@click.option("--all-versions", is_flag=True, help="Include older versions of re-imported sources.")
@click.pass_obj
def sources(state: CliState, as_json: bool, all_versions: bool) -> None:
    """List sources with case, round, size and speaker turns."""
    with Project.open_for_reading(state.project_path()) as project:
        present = project.persons_by_source()
        rows: list[dict[str, Any]] = [
            {
                "id": s.id,
                "name": s.name,
                "case": s.case,
                "round": s.round,
                "date": s.date,
                "chars": s.chars,
                "turns": s.turns,
                "version": s.version,
                "current": s.current,
                "format": s.format,
                "original_name": s.original_name,
                "sha256": s.sha256,
                "imported_at": s.imported_at,
                "persons": present.get(s.id, []),
                "mode": s.mode,
                "place": s.place,
                "interviewer": s.interviewer,
                "guid": s.guid,
            }
            for s in project.sources(all_versions)
        ]
    if as_json:
        emit_json(rows)
    else:
        versions = any(r["version"] > 1 for r in rows)
        # where and by whom: on wide terminals (always in --json), so 80 columns stay readable
        wide = stdout.width >= 110
        where = [c for c in ("mode", "place", "interviewer") if wide and any(r[c] for r in rows)]
        columns = ["id", "name", "case", "round", "persons", "date", "chars", "turns"]
        columns += (["v"] if versions else []) + where
        table(
            "Sources",
            columns,
            [
                (
                    r["id"],
                    r["name"],
                    r["case"],
                    r["round"],
                    ", ".join(r["persons"]),
                    r["date"],
                    r["chars"],
                    r["turns"],
                    *([r["version"]] if versions else []),
                    *(r[c] for c in where),
                )
                for r in rows
            ],
        )


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["project", "case", "round", "source", "code", "coding"]),
    help="Only memos on this kind of target.",
)
@json_option
@click.pass_obj
def memos(state: CliState, kind: str | None, as_json: bool) -> None:
    """List memos by what they are written on (project, case, round, source, code, coding)."""
    from casebook.services import workbench

    with Project.open_for_reading(state.project_path()) as project:
        found = workbench.memos(project, kind)
    if as_json:
        emit_json([dataclasses.asdict(m) for m in found])
        return
    table(
        "Memos",
        ["on", "target", "by", "memo"],
        [(m.kind, m.target if m.target is not None else "(gone)", m.author, m.text) for m in found],
    )


@click.command()
@json_option
@click.pass_obj
def attrs(state: CliState, as_json: bool) -> None:
    """List attribute values per case, person and source, with their history by round."""
    with Project.open_for_reading(state.project_path()) as project:
        values = project.attribute_values()
    if as_json:
        emit_json(
            [
                {
                    "scope": v.scope.value,
                    "entity": v.entity,
                    "name": v.attribute,
                    "type": v.type.value,
                    "value": v.value,
                    "round": v.round,
                }
                for v in values
            ]
        )
        return
    history: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for v in values:
        history[(v.scope.value, v.entity, v.attribute)].append(
            f"{v.round}: {v.value}" if v.round else v.value
        )
    table(
        "Attributes",
        ["scope", "entity", "attribute", "value (by round)"],
        [(*key, " → ".join(steps)) for key, steps in history.items()],
    )


COMMANDS = [cases, rounds, persons, sources, memos, attrs]
