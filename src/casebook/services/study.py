"""Load a study file into a project: rounds, cases, persons, attributes, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import Conflict, ImportProblem, InvalidValue
from casebook.importing.studyfile import StudySpec, read_study
from casebook.model.attributes import Attribute, AttributeScope, AttributeType, canonical_value, infer_type
from casebook.model.sources import Source
from casebook.services.events import apply_study_events
from casebook.services.project import Project
from casebook.services.pseudonyms import store_list
from casebook.storage import attribute_store, source_store, study_store
from casebook.storage.connection import ProjectDB


@dataclass(frozen=True)
class StudyReport:
    """Counts of what a study file declared."""

    rounds: int
    cases: int
    persons: int
    attributes: int
    pseudonyms: int = 0


def load_study(project: Project, path: Path) -> StudyReport:
    """Read ``path`` and upsert its contents; nothing is written if anything is wrong."""
    spec = read_study(path)
    try:
        with project.pdb.atomic():
            apply_study(project.pdb, spec)
    except (Conflict, InvalidValue) as exc:
        raise ImportProblem(path, exc.message) from None
    return StudyReport(
        len(spec.rounds), len(spec.cases), len(spec.persons), len(spec.attributes), len(spec.pseudonyms)
    )


def apply_study(pdb: ProjectDB, spec: StudySpec) -> None:
    """Write a parsed study inside the caller's transaction."""
    for attribute in spec.attributes:
        attribute_store.declare(pdb, attribute)
    existing = {r.key for r in study_store.list_rounds(pdb)}
    for round_spec in spec.rounds:
        study_store.upsert_round(
            pdb, round_spec.key, round_spec.label, round_spec.window, round_spec.baseline
        )
        existing.add(round_spec.key)
    for case in spec.cases:
        case_id = study_store.upsert_case(pdb, case.key, case.kind, case.label)
        _set_values(pdb, AttributeScope.CASE, case_id, case.attributes)
    for person in spec.persons:
        if person.case:
            study_store.ensure_unique_code(pdb, person.code, person.case)
        person_id = study_store.upsert_person(pdb, person.code, person.role, person.profession, person.label)
        if person.case:
            study_store.link_person(pdb, study_store.case_id(pdb, person.case), person_id, "member")
        for case_key in person.works_with:
            study_store.link_person(pdb, study_store.case_id(pdb, case_key), person_id, "professional")
        _set_values(pdb, AttributeScope.PERSON, person_id, person.attributes)
    if spec.pseudonyms:
        store_list(pdb, spec.pseudonyms)
    apply_study_events(pdb, spec)


def _set_values(pdb: ProjectDB, scope: AttributeScope, entity: int, values: dict[str, object]) -> None:
    for name, raw in values.items():
        set_attribute(pdb, scope, entity, name, raw, None)


def set_attribute(
    pdb: ProjectDB, scope: AttributeScope, entity: int, name: str, raw: object, round_id: int | None
) -> None:
    """Store one value, declaring the attribute from the value's type if undeclared."""
    attribute = attribute_store.find(pdb, scope, name) or Attribute(name, scope, infer_type(raw))
    attribute_id = attribute_store.declare(pdb, attribute)
    try:
        value = canonical_value(attribute.type, raw)
    except InvalidValue as exc:
        raise InvalidValue(f"{scope.value} attribute {name!r}: {exc.message}") from None
    attribute_store.set_value(pdb, attribute_id, entity, round_id, value)


def set_source_meta(
    project: Project,
    ref: str,
    changes: Mapping[str, str | None],
    informants: tuple[str, ...] | None = None,
) -> Source:
    """Re-assign an interview: case, round, date, mode, place, interviewer, informants.

    ``changes`` holds only what is to change (a None or empty date clears it); the text and
    its codings stay exactly as they are. All of it is written, or none."""
    pdb = project.pdb
    with pdb.atomic():
        source = source_store.get_source(pdb, ref)
        fields: dict[str, object] = {}
        for name, value in changes.items():
            if name == "case":
                fields["case_id"] = study_store.case_id(pdb, value or "")
            elif name == "round":
                fields["round_id"] = study_store.round_id(pdb, value) if value else None
            elif name == "date":
                fields["date"] = canonical_value(AttributeType.DATE, value) if value else None
            else:
                fields[name] = value or ""
        persons = None if informants is None else tuple(study_store.person_id(pdb, c) for c in informants)
        source_store.update_interview(pdb, source.id, fields, persons)
        return source_store.get_source(pdb, str(source.id))
