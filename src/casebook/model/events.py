"""Events in a case's history between and within rounds: service decisions and caveats.

A **service event** records one step of a service for a child of the family: applied,
rejected, appealed, granted, granted but not delivered, started (delivered), waiting,
ended. A service's events in date order show its path — "søkt → avslag → klaget →
innvilget" is the *strafferunde* families describe. A **case event** is anything else a
researcher needs to know when comparing rounds: a reorganisation, a new coordinator, a
move, a phone contact between rounds. Each event has a date (as precise as known:
``2023``, ``2023-11`` or ``2023-11-05``) and the round in which it was reported.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from casebook.errors import InvalidValue


class EventKind(enum.StrEnum):
    """What kind of event: a service decision, or a caveat for comparing rounds."""

    SERVICE = "service"
    REORGANISATION = "reorganisation"
    NEW_COORDINATOR = "new_coordinator"
    STAFF_CHANGE = "staff_change"
    MOVE = "move"
    PHONE_CONTACT = "phone_contact"
    OTHER = "other"


class ServiceStatus(enum.StrEnum):
    """Where a service stands after an event."""

    APPLIED = "applied"
    REJECTED = "rejected"
    APPEALED = "appealed"
    GRANTED = "granted"
    GRANTED_NOT_DELIVERED = "granted_not_delivered"
    STARTED = "started"
    WAITING = "waiting"
    ENDED = "ended"


STATUS_LABELS: dict[ServiceStatus, str] = {
    ServiceStatus.APPLIED: "søkt",
    ServiceStatus.REJECTED: "avslag",
    ServiceStatus.APPEALED: "klaget",
    ServiceStatus.GRANTED: "innvilget",
    ServiceStatus.GRANTED_NOT_DELIVERED: "innvilget, ikke levert",
    ServiceStatus.STARTED: "startet",
    ServiceStatus.WAITING: "venter",
    ServiceStatus.ENDED: "avsluttet",
}

KIND_LABELS: dict[EventKind, str] = {
    EventKind.SERVICE: "tjeneste",
    EventKind.REORGANISATION: "omorganisering",
    EventKind.NEW_COORDINATOR: "ny koordinator",
    EventKind.STAFF_CHANGE: "bytte av fagperson",
    EventKind.MOVE: "flytting",
    EventKind.PHONE_CONTACT: "telefonkontakt",
    EventKind.OTHER: "annet",
}

OPEN_STATUSES = frozenset(
    {
        ServiceStatus.APPLIED,
        ServiceStatus.APPEALED,
        ServiceStatus.WAITING,
        ServiceStatus.GRANTED_NOT_DELIVERED,
    }
)
"""A service whose latest event has one of these is still waiting for something."""

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def event_date(raw: object) -> str | None:
    """An event date as stored: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (None when empty).

    Sorting the text sorts the dates; a month-precise date sorts before the days of
    that month."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = str(raw).strip()
    if not _PARTIAL_DATE.match(text):
        raise InvalidValue(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise InvalidValue(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return text


def parse_kind(raw: str) -> EventKind:
    """An event kind from its name, or InvalidValue listing the kinds."""
    try:
        return EventKind(raw.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise InvalidValue(f"no event kind {raw!r} (kinds: {kinds})") from None


def parse_status(raw: str) -> ServiceStatus:
    """A service status from its name, or InvalidValue listing the statuses."""
    try:
        return ServiceStatus(raw.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        statuses = ", ".join(s.value for s in ServiceStatus)
        raise InvalidValue(f"no service status {raw!r} (statuses: {statuses})") from None


@dataclass(frozen=True, slots=True)
class EventSpec:
    """An event to record: from the study file's ``[[events]]`` or ``casebook event add``.

    A service event has ``service`` and ``status``; other kinds have neither. ``child``
    says which child a service is for when a family has several ("eldste barn") — a
    description, never a name. ``source`` (a source name) and ``coding`` (a coding GUID)
    point to the evidence, both optional."""

    case: str
    kind: EventKind
    date: str | None = None
    round: str | None = None
    note: str = ""
    service: str = ""
    status: ServiceStatus | None = None
    child: str = ""
    source: str | None = None
    coding: str | None = None

    def __post_init__(self) -> None:
        if self.kind is EventKind.SERVICE:
            if not self.service.strip() or self.status is None:
                raise InvalidValue(f"case {self.case}: a service event needs a service and a status")
        elif self.service or self.status is not None or self.child:
            raise InvalidValue(
                f"case {self.case}: only service events take a service, status or child"
                f" (this one is {self.kind.value})"
            )
        elif not self.note.strip():
            raise InvalidValue(
                f"case {self.case}: a {self.kind.value} event needs a note saying what happened"
            )


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """A stored event, with its GUID and where it came from (``study`` file or ``cli``)."""

    id: int
    guid: str
    case: str
    kind: EventKind
    date: str | None
    round: str | None
    note: str
    service: str = ""
    status: ServiceStatus | None = None
    child: str = ""
    source: str | None = None
    coding: str | None = None
    origin: str = "cli"

    @property
    def label(self) -> str:
        """What happened, in report Norwegian: "avlastning: avslag", "ny koordinator"."""
        if self.status is not None:
            return f"{self.service}: {STATUS_LABELS[self.status]}"
        return KIND_LABELS[self.kind]
