"""A case's timeline: its rounds and interviews, how its attributes changed between
rounds, each service's path in date order, and the caveats a comparison must mention."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.model.events import OPEN_STATUSES, STATUS_LABELS, CaseEvent, ServiceStatus


@dataclass(frozen=True, slots=True)
class InterviewEntry:
    """One interview (current source version) of the case: when, how, who took part.

    ``participants`` are participant labels ("Forelder 1a", "Fagperson 1"), never names."""

    source: str
    date: str | None
    mode: str
    place: str
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoundEntry:
    """A round of the study and the case's interviews in it (none: the case missed it)."""

    key: str
    label: str
    position: int
    interviews: tuple[InterviewEntry, ...]

    @property
    def first_date(self) -> str | None:
        """The date of the round's first dated interview."""
        dates = sorted(i.date for i in self.interviews if i.date)
        return dates[0] if dates else None


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """A case attribute whose value differs between two rounds (None: no value)."""

    attribute: str
    from_round: str
    to_round: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        return f"{self.attribute}: {self.before or '–'} → {self.after or '–'}"


@dataclass(frozen=True, slots=True)
class PlacedEvent:
    """An event and where it falls among the case's rounds: ``after`` is the key of the
    last round whose interviews came before it (None: before the first round)."""

    event: CaseEvent
    after: str | None


@dataclass(frozen=True, slots=True)
class ServiceHistory:
    """One service (for one child) and its events in date order."""

    service: str
    child: str
    events: tuple[PlacedEvent, ...]

    @property
    def statuses(self) -> tuple[ServiceStatus, ...]:
        """The statuses in date order."""
        return tuple(p.event.status for p in self.events if p.event.status is not None)

    @property
    def path(self) -> str:
        """ "søkt → avslag → klaget → innvilget"."""
        return " → ".join(STATUS_LABELS[s] for s in self.statuses)

    @property
    def rejections(self) -> int:
        """How many times the service was refused."""
        return sum(1 for s in self.statuses if s is ServiceStatus.REJECTED)

    @property
    def strafferunde(self) -> bool:
        """A refusal followed by an appeal or a new application: the family had to go round again."""
        seen_rejection = False
        for status in self.statuses:
            if status is ServiceStatus.REJECTED:
                seen_rejection = True
            elif seen_rejection and status in (ServiceStatus.APPEALED, ServiceStatus.APPLIED):
                return True
        return False

    @property
    def open(self) -> bool:
        """Whether the latest event still waits for something (applied, appealed, waiting,
        granted but not delivered)."""
        return bool(self.statuses) and self.statuses[-1] in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything known about one case over time, rounds in study order."""

    case: str
    label: str
    rounds: tuple[RoundEntry, ...]
    values: tuple[tuple[str, tuple[str | None, ...]], ...]
    """Each shown case attribute with its value as of each round (same order as ``rounds``)."""
    changes: tuple[AttributeChange, ...]
    services: tuple[ServiceHistory, ...]
    caveats: tuple[PlacedEvent, ...]

    def interviewed(self) -> tuple[RoundEntry, ...]:
        """The rounds in which the case has at least one interview."""
        return tuple(r for r in self.rounds if r.interviews)
