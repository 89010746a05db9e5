"""Case events: record, list and remove service decisions and caveats; keep the study
file's events in step with the file when it is (re-)loaded. Every write is one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from casebook.errors import InvalidValue, NotFound
from casebook.importing.studyfile import StudySpec
from casebook.model.changes import AttributeScale
from casebook.model.events import CaseEvent, EventSpec
from casebook.services.project import Project
from casebook.storage import (
    code_store,
    direction_store,
    event_store,
    longitudinal_store,
    source_store,
    study_store,
)
from casebook.storage.connection import ProjectDB
from casebook.storage.event_store import StoredEvent


def _stored(pdb: ProjectDB, spec: EventSpec, origin: str) -> StoredEvent:
    """The event with its case, round, source and coding resolved (NotFound for unknown ones)."""
    source_id = None
    if spec.source:
        source = source_store.get_source(pdb, spec.source)
        if source.case != spec.case:
            raise InvalidValue(
                f"source {source.name} belongs to case {source.case or '(none)'}, not {spec.case}"
            )
        source_id = source.id
    coding = spec.coding.strip().lower() if spec.coding else None
    if coding is not None:
        found = direction_store.codings_by_guid(pdb, [coding]).get(coding)
        if found is None:
            raise NotFound(f"no coding with GUID {coding!r}", "list codings with: casebook codings --json")
        if found[6] != spec.case:
            raise InvalidValue(f"coding {coding} belongs to case {found[6] or '(none)'}, not {spec.case}")
        if source_id is not None and source_id != found[1]:
            raise InvalidValue(f"coding {coding} is in source {found[0]}, not in {spec.source}")
        source_id = found[1]
    return StoredEvent(
        case_id=study_store.case_id(pdb, spec.case),
        kind=spec.kind,
        date=spec.date,
        round_id=study_store.round_id(pdb, spec.round) if spec.round else None,
        note=spec.note.strip(),
        service=spec.service.strip(),
        status=spec.status,
        child=spec.child.strip(),
        source_id=source_id,
        coding_guid=coding,
        origin=origin,
    )


def add_event(project: Project, spec: EventSpec) -> CaseEvent:
    """Record one event (from ``casebook event add`` or a front end)."""
    with project.pdb.atomic():
        return event_store.insert_event(project.pdb, _stored(project.pdb, spec, "cli"))


def events(project: Project, case: str | None = None) -> list[CaseEvent]:
    """Events of one case (or all), by case, then date (undated last), round and kind."""
    case_id = study_store.case_id(project.pdb, case) if case is not None else None
    return event_store.list_events(project.pdb, case_id)


def remove_event(project: Project, ref: str) -> CaseEvent:
    """Remove an event named by its GUID (or a unique first part of it, 8+ characters)."""
    with project.pdb.atomic():
        found = event_store.find_event(project.pdb, ref)
        event_store.delete_events(project.pdb, [found.id])
    return found


def apply_study_events(pdb: ProjectDB, spec: StudySpec) -> None:
    """Inside the study load's transaction: make the file's events the project's
    study-file events for the cases the file declares (unchanged ones keep their GUIDs;
    events added with ``casebook event add`` are never touched), and store its scales."""
    _apply_scales(pdb, spec.scales)
    if spec.events is None:
        return
    case_ids = [study_store.case_id(pdb, c.key) for c in spec.cases]
    kept = event_store.study_event_keys(pdb, case_ids)
    for event in spec.events:
        stored = _stored(pdb, event, "study")
        if kept.pop(stored.key(), None) is None:
            event_store.insert_event(pdb, stored)
    event_store.delete_events(pdb, kept.values())


def _apply_scales(pdb: ProjectDB, scales: Iterable[AttributeScale]) -> None:
    for scale in scales:
        for theme in scale.themes:
            try:
                code_store.code_id(pdb, theme)
            except NotFound:
                raise InvalidValue(
                    f"attributes.case.{scale.attribute}.themes: no code {theme!r} in the codebook"
                ) from None
        longitudinal_store.set_scale(pdb, scale.attribute, scale.values, scale.themes)


def scales(project: Project) -> list[AttributeScale]:
    """The attribute scales the study file declared."""
    return longitudinal_store.list_scales(project.pdb)
