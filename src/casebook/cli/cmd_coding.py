"""Scripted coding: ``code``, ``uncode`` and ``codings``."""

from __future__ import annotations

import dataclasses

import click

from casebook.cli.main import CliState
from casebook.cli.options import coder_option, json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.model.codes import Coding
from casebook.services import coding as service
from casebook.services.coding import Segment
from casebook.services.project import Project


@click.command(name="code")
@click.argument("source")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("code")
@click.option("--memo", default="", help="A memo on this coding.")
@coder_option
@click.pass_obj
def code_(state: CliState, source: str, start: int, end: int, code: str, memo: str, coder: str) -> None:
    """Apply CODE to SOURCE (id or name) from START to END (code points, END exclusive)."""
    with Project.open(state.project_path()) as project:
        coding_id = service.apply_code(project, source, start, end, code, coder, memo)
        text = project.source_text(project.source(source))[start:end]
    excerpt = text if len(text) <= 70 else text[:67] + "..."
    stdout.print(f"Coding {coding_id}: {code} on «{excerpt}»")


@click.command()
@click.argument("source")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("code")
@coder_option
@click.pass_obj
def uncode(state: CliState, source: str, start: int, end: int, code: str, coder: str) -> None:
    """Remove CODE from exactly START-END of SOURCE (your own coding)."""
    with Project.open(state.project_path()) as project:
        service.remove_code(project, source, start, end, code, coder)
    stdout.print(f"Removed {code} from {start}-{end}")


@click.command()
@click.option("--source", help="Only codings of this source (id or name).")
@click.option("--code", help="Only codings of this code id.")
@click.option("--coder", help="Only codings by this coder.")
@json_option
@click.pass_obj
def codings(state: CliState, source: str | None, code: str | None, coder: str | None, as_json: bool) -> None:
    """List codings with their spans."""
    with Project.open_for_reading(state.project_path()) as project:
        found = service.codings(project, source, code, coder)
        if as_json:
            from casebook.services.suggestions import origins

            by_id = {g.id: g for g in found}
            suggested = origins(project, list(by_id))
            emit_json(
                [
                    _passage_json(p, by_id[p.coding_id], suggested.get(p.coding_id))
                    for p in service.passages(project, source, None, coder)
                    if p.coding_id in by_id
                ]
            )
            return
    table(
        "Codings",
        ["id", "source", "start", "end", "code", "coder", "memo"],
        [(c.id, c.source_id, c.start, c.end, c.code, c.coder, c.memo) for c in found],
    )


def _passage_json(passage: Segment, coding: Coding, suggestion: int | None) -> dict[str, object]:
    """One coding for scripts: where it is, who made it, what it says, and the suggestion
    it was accepted from (None: coded by hand)."""
    source = passage.source
    return {
        **dataclasses.asdict(coding),
        "source": source.name,
        "source_version": source.version,
        "current": source.current,
        "case": source.case,
        "round": source.round,
        "speaker": passage.speaker,
        "text": passage.text,
        "suggestion": suggestion,
    }


COMMANDS = [code_, uncode, codings]
