"""Case events: service decisions and caveats, each dated and tied to a reporting round."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casebook.errors import InvalidValue, NotFound
from casebook.model.events import CaseEvent, EventKind, ServiceStatus
from casebook.storage.connection import ProjectDB, utc_now

_COLUMNS = (
    "e.id, e.guid, c.key, e.kind, e.date, r.key, e.note, e.service, e.status, e.child,"
    " s.name, e.coding_guid, e.origin"
)
_FROM = (
    " FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN rounds r ON r.id = e.round_id"
    " LEFT JOIN sources s ON s.id = e.source_id"
)
_ORDER = (
    " ORDER BY c.key, e.date IS NULL, e.date, r.position IS NULL, r.position,"
    " e.kind != 'service', e.service, e.id"
)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event resolved to row ids, ready to insert."""

    case_id: int
    kind: EventKind
    date: str | None
    round_id: int | None
    note: str
    service: str
    status: ServiceStatus | None
    child: str
    source_id: int | None
    coding_guid: str | None
    origin: str

    def key(self) -> tuple[Any, ...]:
        """What makes two events the same event (used to keep study-file events in step)."""
        status = self.status.value if self.status is not None else None
        return (
            self.case_id,
            self.kind.value,
            self.date,
            self.round_id,
            self.note,
            self.service,
            status,
            self.child,
            self.source_id,
            self.coding_guid,
        )


def _event(row: Any) -> CaseEvent:
    return CaseEvent(
        id=int(row[0]),
        guid=str(row[1]),
        case=str(row[2]),
        kind=EventKind(row[3]),
        date=row[4],
        round=row[5],
        note=str(row[6]),
        service=str(row[7]),
        status=ServiceStatus(row[8]) if row[8] is not None else None,
        child=str(row[9]),
        source=row[10],
        coding=row[11],
        origin=str(row[12]),
    )


def insert_event(pdb: ProjectDB, event: StoredEvent) -> CaseEvent:
    """Store one event; returns it with its id and GUID."""
    cur = pdb.db.execute(
        "INSERT INTO case_events (case_id, kind, date, round_id, note, service, status, child,"
        " source_id, coding_guid, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            event.case_id,
            event.kind.value,
            event.date,
            event.round_id,
            event.note,
            event.service,
            event.status.value if event.status is not None else None,
            event.child,
            event.source_id,
            event.coding_guid,
            event.origin,
            utc_now(),
        ],
    )
    row = pdb.db.execute(f"SELECT {_COLUMNS}{_FROM} WHERE e.id = ?", [cur.lastrowid]).fetchone()
    return _event(row)


def list_events(pdb: ProjectDB, case_id: int | None = None) -> list[CaseEvent]:
    """Events of one case (or all), by case, date (undated last), round and kind."""
    rows = pdb.db.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE ? IS NULL OR e.case_id = ?{_ORDER}", [case_id, case_id]
    )
    return [_event(r) for r in rows]


def find_event(pdb: ProjectDB, ref: str) -> CaseEvent:
    """An event by GUID, or by the first 8 or more characters of it when only one matches."""
    wanted = ref.strip().lower()
    if len(wanted) < 8:
        raise InvalidValue(f"{ref!r} is too short to name an event", "give at least 8 characters of its GUID")
    rows = pdb.db.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE e.guid = ? OR e.guid LIKE ? ESCAPE '\\'",
        [wanted, wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"],
    ).fetchall()
    exact = [r for r in rows if r[1] == wanted]
    if exact or len(rows) == 1:
        return _event((exact or rows)[0])
    if not rows:
        raise NotFound(f"no event {ref!r} in this project", "list events with: casebook event list")
    raise InvalidValue(f"{ref!r} names {len(rows)} events", "give more characters of the GUID")


def delete_events(pdb: ProjectDB, ids: Iterable[int]) -> None:
    """Remove events by row id."""
    pdb.db.conn.executemany("DELETE FROM case_events WHERE id = ?", [(i,) for i in ids])


def study_event_keys(pdb: ProjectDB, case_ids: Iterable[int]) -> dict[tuple[Any, ...], int]:
    """The events loaded from a study file for these cases: each one's identity → row id."""
    chosen = sorted(set(case_ids))
    if not chosen:
        return {}
    rows = pdb.db.execute(
        "SELECT id, case_id, kind, date, round_id, note, service, status, child, source_id, coding_guid"
        f" FROM case_events WHERE origin = 'study' AND case_id IN ({','.join('?' * len(chosen))})",
        chosen,
    )
    return {tuple(r[1:]): int(r[0]) for r in rows}
