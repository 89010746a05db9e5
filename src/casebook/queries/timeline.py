"""A case's timeline: rounds with interviews, attribute changes, service paths, caveats.

Attribute values are taken as of each round by the rule every view uses (the value set
for the latest round at or before it, else the value not tied to a round). A case's
municipality (``kommune``, or any attribute naming a municipality case) is left out
unless asked for. Events are placed among the rounds by date: an event falls after the
last round whose first interview came before it; an event without a date falls just
before the round it was reported in, and is ordered as if dated on that interview.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

from casebook.model.attributes import AttributeScope, AttributeValue
from casebook.model.events import CaseEvent, EventKind
from casebook.model.study import Round
from casebook.model.timeline import (
    AttributeChange,
    InterviewEntry,
    PlacedEvent,
    RoundEntry,
    ServiceHistory,
    Timeline,
)
from casebook.queries.matrix import municipality_attributes
from casebook.storage import attribute_store, event_store, longitudinal_store, study_store
from casebook.storage.connection import ProjectDB


def build_timeline(pdb: ProjectDB, case_key: str, with_municipality: bool = False) -> Timeline:
    """The timeline of one case (NotFound for an unknown case)."""
    case_id = study_store.case_id(pdb, case_key)
    label = next((c.label for c in study_store.list_cases(pdb) if c.key == case_key), "")
    rounds = study_store.list_rounds(pdb)
    entries = _round_entries(pdb, case_id, rounds)
    hidden = frozenset() if with_municipality else municipality_attributes(pdb)
    values = [
        v
        for v in attribute_store.list_values(pdb, AttributeScope.CASE, case_key)
        if v.attribute not in hidden
    ]
    table = values_by_round(values, rounds)
    considered = [r.key for r in entries if r.interviews or any(v.round == r.key for v in values)]
    placed = sorted(place_events(event_store.list_events(pdb, case_id), entries), key=_when(entries))
    return Timeline(
        case=case_key,
        label=label,
        rounds=tuple(entries),
        values=tuple((name, tuple(per_round)) for name, per_round in table.items()),
        changes=tuple(attribute_changes(table, [r.key for r in rounds], considered)),
        services=tuple(service_histories(p for p in placed if p.event.kind is EventKind.SERVICE)),
        caveats=tuple(p for p in placed if p.event.kind is not EventKind.SERVICE),
    )


def _round_entries(pdb: ProjectDB, case_id: int, rounds: list[Round]) -> list[RoundEntry]:
    interviews = longitudinal_store.case_interviews(pdb, case_id)
    return [
        RoundEntry(
            r.key,
            r.label,
            r.position,
            tuple(
                InterviewEntry(i.name, i.date, i.mode, i.place, i.participants)
                for i in interviews
                if i.round == r.key
            ),
        )
        for r in rounds
    ]


def values_by_round(values: Iterable[AttributeValue], rounds: Sequence[Round]) -> dict[str, list[str | None]]:
    """Each attribute's value as of each round (None: no value), attributes by name."""
    position = {r.key: r.position for r in rounds}
    by_name: dict[str, list[AttributeValue]] = {}
    for value in values:
        by_name.setdefault(value.attribute, []).append(value)
    table: dict[str, list[str | None]] = {}
    for name in sorted(by_name):
        found = by_name[name]
        plain = next((v.value for v in found if v.round is None), None)
        per_round: list[str | None] = []
        for round_ in rounds:
            earlier = [v for v in found if v.round in position and position[v.round] <= round_.position]
            latest = max(earlier, key=lambda v: position[v.round or ""], default=None)
            per_round.append(latest.value if latest is not None else plain)
        table[name] = per_round
    return table


def attribute_changes(
    table: dict[str, list[str | None]], keys: Sequence[str], considered: Sequence[str]
) -> list[AttributeChange]:
    """Changes between consecutive considered rounds, round pair by round pair."""
    out: list[AttributeChange] = []
    index = {k: i for i, k in enumerate(keys)}
    for before, after in pairwise(considered):
        for name, per_round in table.items():
            old, new = per_round[index[before]], per_round[index[after]]
            if old != new:
                out.append(AttributeChange(name, before, after, old, new))
    return out


def place_events(events: Iterable[CaseEvent], rounds: Sequence[RoundEntry]) -> list[PlacedEvent]:
    """Each event with the round it follows (see the module docstring), in date order."""
    dated = [(r.key, r.first_date) for r in rounds if r.interviews]
    keys = [r.key for r in rounds]
    out = []
    for event in events:
        after: str | None = None
        if event.date is not None:
            for key, first in dated:
                if first is not None and _before(first, event.date, reported_here=event.round == key):
                    after = key
        elif event.round in keys:
            earlier = [k for k, _ in dated if keys.index(k) < keys.index(event.round)]
            after = earlier[-1] if earlier else None
        out.append(PlacedEvent(event, after))
    return out


def _when(rounds: Sequence[RoundEntry]) -> Callable[[PlacedEvent], tuple[str, int]]:
    """Sort key of placed events: the date, or for an undated event the date of the
    interview it was told in (it happened before that); undated and unplaced ones last."""
    told = {r.key: r.first_date for r in rounds}

    def key(placed: PlacedEvent) -> tuple[str, int]:
        if placed.event.date is not None:
            return placed.event.date, 1
        return told.get(placed.event.round or "") or "9999", 0

    return key


def _before(interview: str, event: str, reported_here: bool) -> bool:
    """Whether an interview on ``interview`` came before an event on ``event`` (dates as
    precise as known; a tie within the same month or year goes by where it was reported:
    an event reported in that round's interview happened before it)."""
    if interview.startswith(event):  # the same day, or a month or year that holds the interview
        return not reported_here
    return interview < event


def service_histories(placed: Iterable[PlacedEvent]) -> list[ServiceHistory]:
    """Service events grouped per service and child, in order of each one's first event."""
    groups: dict[tuple[str, str], list[PlacedEvent]] = {}
    names: dict[tuple[str, str], str] = {}
    for item in placed:
        key = (item.event.service.casefold(), item.event.child.casefold())
        groups.setdefault(key, []).append(item)
        names.setdefault(key, item.event.service)
    return [ServiceHistory(names[key], group[0].event.child, tuple(group)) for key, group in groups.items()]


def period(after: str | None, rounds: Sequence[str]) -> str:
    """Where an event falls: "før R1", "R1–R2", "etter R3" (``rounds``: the case's rounds
    with interviews, in order)."""
    if not rounds:
        return ""
    if after is None:
        return f"før {rounds[0]}"
    if after not in rounds or after == rounds[-1]:
        return f"etter {after}"
    return f"{after}–{rounds[rounds.index(after) + 1]}"
