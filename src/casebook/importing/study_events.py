"""The study file's case events and attribute scales.

    [[events]]                      # a service decision
    case = "F01"
    service = "avlastning"
    status = "rejected"             # applied, rejected, appealed, granted,
                                    # granted_not_delivered, started, waiting, ended
    date = "2023-04"                # YYYY-MM-DD, YYYY-MM or YYYY
    round = "R1"                    # the round it was reported in
    child = ""                      # which child, when the family has several (no names)
    note = "Avslag: «ikke vesentlig utover det som er vanlig»"

    [[events]]                      # a caveat for comparing rounds
    case = "F01"
    kind = "new_coordinator"        # reorganisation, new_coordinator, staff_change,
                                    # move, phone_contact, other
    date = "2023-10"
    round = "R2"
    note = "Barnekoordinator startet etter fire måneders venting"

    [attributes.case.koordinatorstatus]
    type = "Text"
    scale = ["ingen", "venter", "koordinator", "barnekoordinator"]   # worse to better
    themes = ["broer.koordinator", "familie.foreldre_som_koordinator"]

Evidence (a source or a coding) is added with ``casebook event add``: a study file is
loaded before its transcripts are imported, and codings get their GUIDs in the project.
"""

from __future__ import annotations

from typing import Any

from casebook.errors import InvalidValue
from casebook.model.changes import AttributeScale
from casebook.model.events import EventKind, EventSpec, event_date, parse_kind, parse_status

_EVENT_KEYS = {"case", "kind", "service", "status", "date", "round", "child", "note"}


def study_events(doc: dict[str, Any], cases: set[str], rounds: set[str]) -> tuple[EventSpec, ...] | None:
    """The ``[[events]]`` of a study file (None: the file has none, and loading it leaves
    the project's events alone); each problem names the event by number and case."""
    if "events" not in doc:
        return None
    entries = doc["events"]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidValue("'events' must be a list of [[events]] tables")
    return tuple(_event(number, entry, cases, rounds) for number, entry in enumerate(entries, start=1))


def _event(number: int, entry: dict[str, Any], cases: set[str], rounds: set[str]) -> EventSpec:
    case = str(entry.get("case", "")).strip()
    where = f"event {number} ({case or 'no case'})"
    unknown = sorted(set(entry) - _EVENT_KEYS)
    if unknown:
        raise InvalidValue(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(sorted(_EVENT_KEYS))})")
    if case not in cases:
        raise InvalidValue(f"{where}: refers to unknown case {case!r}")
    round_key = str(entry.get("round", "")).strip() or None
    if round_key is not None and round_key not in rounds:
        raise InvalidValue(f"{where}: refers to unknown round {round_key!r}")
    service = str(entry.get("service", "")).strip()
    try:
        kind = parse_kind(str(entry["kind"])) if "kind" in entry else EventKind.SERVICE
        status = parse_status(str(entry["status"])) if "status" in entry else None
        return EventSpec(
            case=case,
            kind=kind,
            date=event_date(entry.get("date")),
            round=round_key,
            note=str(entry.get("note", "")).strip(),
            service=service,
            status=status,
            child=str(entry.get("child", "")).strip(),
        )
    except InvalidValue as exc:
        raise InvalidValue(f"{where}: {exc.message}") from None


def attribute_scales(doc: dict[str, Any]) -> tuple[AttributeScale, ...]:
    """``scale`` and ``themes`` of ``[attributes.case.NAME]`` tables that declare them."""
    table = doc.get("attributes", {})
    declared = table.get("case", {}) if isinstance(table, dict) else {}
    if not isinstance(declared, dict):
        return ()
    out = []
    for name, spec in declared.items():
        if not isinstance(spec, dict) or ("scale" not in spec and "themes" not in spec):
            continue
        values, themes = spec.get("scale", []), spec.get("themes", [])
        for key, listed in (("scale", values), ("themes", themes)):
            if not isinstance(listed, list) or not all(isinstance(v, str) and v.strip() for v in listed):
                raise InvalidValue(f"attributes.case.{name}.{key} must be a list of texts")
        if len(values) < 2:
            raise InvalidValue(f"attributes.case.{name}.scale needs at least two values, worse to better")
        out.append(
            AttributeScale(str(name), tuple(v.strip() for v in values), tuple(t.strip() for t in themes))
        )
    return tuple(out)
