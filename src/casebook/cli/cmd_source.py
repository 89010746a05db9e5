"""``source set``: correct the interview record of an imported source."""

from __future__ import annotations

import click

from casebook.cli.main import CliState
from casebook.cli.output import stdout
from casebook.services.project import Project
from casebook.services.study import set_source_meta


@click.group()
def source() -> None:
    """Correct what is recorded about an imported source."""


@source.command(name="set")
@click.argument("ref", metavar="SOURCE")
@click.option("--case", help="The case the interview belongs to.")
@click.option("--round", "round_key", help="The interview round ('' to clear).")
@click.option("--date", help="Interview date, YYYY-MM-DD ('' to clear).")
@click.option("--informant", "informants", multiple=True, help="Participant code present (repeat; replaces).")
@click.option("--mode", help="How the interview was held (hjemme, kontor, digitalt, telefon...).")
@click.option("--place", help="Where it was held.")
@click.option("--interviewer", help="Who interviewed.")
@click.pass_obj
def set_(
    state: CliState,
    ref: str,
    case: str | None,
    round_key: str | None,
    date: str | None,
    informants: tuple[str, ...],
    mode: str | None,
    place: str | None,
    interviewer: str | None,
) -> None:
    """Re-assign SOURCE (id or name) to another case, round, date or informants.

    Only the options you give change; the text and every coding stay as they are.
    """
    given = {"case": case, "round": round_key, "date": date, "mode": mode, "place": place}
    given["interviewer"] = interviewer
    changes = {name: value for name, value in given.items() if value is not None}
    if not changes and not informants:
        raise click.UsageError("say what to change, e.g. --round R2 or --date 2024-03-12")
    with Project.open(state.project_path()) as project:
        updated = set_source_meta(project, ref, changes, informants or None)
    where = f"case {updated.case}, round {updated.round or '-'}, date {updated.date or '-'}"
    stdout.print(f"Source {updated.name}: {where}")


COMMANDS = [source]
