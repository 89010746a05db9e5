"""``casebook event add|list|remove``: service decisions and caveats in a case's history."""

from __future__ import annotations

from typing import Any

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import emit_json, stdout, table
from casebook.errors import InvalidValue
from casebook.model.events import CaseEvent, EventKind, EventSpec, ServiceStatus, event_date
from casebook.services import events as event_service
from casebook.services.project import Project


def event_json(event: CaseEvent) -> dict[str, Any]:
    """An event as scripts see it."""
    return {
        "guid": event.guid,
        "case": event.case,
        "kind": event.kind.value,
        "service": event.service or None,
        "status": event.status.value if event.status is not None else None,
        "child": event.child or None,
        "date": event.date,
        "round": event.round,
        "note": event.note,
        "source": event.source,
        "coding": event.coding,
        "from": event.origin,
    }


@click.group()
def event() -> None:
    """Service decisions (applied, rejected, appealed, granted ...) and caveats (a
    reorganisation, a new coordinator, a move, a phone contact) in a case's history."""


@event.command(name="add")
@click.argument("case")
@click.option("--service", default="", help="The service: avlastning, PPT, BUP, barnekoordinator ...")
@click.option(
    "--status",
    type=click.Choice([s.value for s in ServiceStatus]),
    help="Where the service stands after this event (needs --service).",
)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in EventKind if k is not EventKind.SERVICE]),
    help="A caveat instead of a service event.",
)
@click.option("--date", "when", default="", help="When: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--round", "round_key", help="The round in which it was reported.")
@click.option("--child", default="", help="Which child, when the family has several (no names).")
@click.option("--note", default="", help="What happened, in a line.")
@click.option("--source", help="A source (name or id) that tells of it.")
@click.option("--coding", help="The GUID of a coding that tells of it.")
@click.pass_obj
def event_add(state: CliState, /, case: str, when: str, round_key: str | None, **options: Any) -> None:
    """Record an event: --service and --status, or --kind for a caveat.

    \b
    casebook event add F01 --service avlastning --status rejected --date 2023-04 --round R1
    casebook event add F01 --kind new_coordinator --date 2023-10 --note "Barnekoordinator startet"
    """
    if options["kind"] and (options["service"] or options["status"]):
        raise click.UsageError("give either --kind (a caveat) or --service with --status, not both")
    if not options["kind"] and not (options["service"] and options["status"]):
        raise click.UsageError("a service event needs --service and --status; a caveat needs --kind")
    try:
        spec = EventSpec(
            case=case,
            kind=EventKind(options["kind"]) if options["kind"] else EventKind.SERVICE,
            date=event_date(when),
            round=round_key,
            note=options["note"],
            service=options["service"],
            status=ServiceStatus(options["status"]) if options["status"] else None,
            child=options["child"],
            source=options["source"],
            coding=options["coding"],
        )
    except InvalidValue as exc:
        raise click.UsageError(exc.message) from None
    with Project.open(state.project_path()) as project:
        added = event_service.add_event(project, spec)
    stdout.print(f"Event {added.guid} added to {added.case}: {added.label} ({added.date or 'no date'})")


@event.command(name="list")
@click.argument("case", required=False)
@json_option
@click.pass_obj
def event_list(state: CliState, case: str | None, as_json: bool) -> None:
    """List events (of one case), by case and date; undated ones last."""
    with Project.open_for_reading(state.project_path()) as project:
        found = event_service.events(project, case)
    if as_json:
        emit_json([event_json(e) for e in found])
        return
    table(
        "Events",
        ["case", "date", "round", "event", "child", "guid", "note"],
        [(e.case, e.date or "–", e.round or "–", e.label, e.child, e.guid[:8], e.note) for e in found],
    )


@event.command(name="remove")
@click.argument("guid")
@click.pass_obj
def event_remove(state: CliState, guid: str) -> None:
    """Remove an event by its GUID (or its first 8 characters or more)."""
    with Project.open(state.project_path()) as project:
        removed = event_service.remove_event(project, guid)
    note = (
        " (it came from the study file: loading the file again brings it back)"
        if removed.origin == "study"
        else ""
    )
    stdout.print(f"Removed event {removed.guid} of {removed.case}: {removed.label}{note}")


COMMANDS = [event]
