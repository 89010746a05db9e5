"""Load a study file into a project: rounds, cases, persons, attributes, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casebook.errors import Conflict, ImportProblem, InvalidValue
from casebook.importing.studyfile import StudySpec, read_study
from casebook.model.attributes import Attribute, AttributeScope, canonical_value, infer_type
from casebook.services.project import Project
from casebook.storage import attribute_store, study_store
from casebook.storage.connection import ProjectDB


@dataclass(frozen=True)
class StudyReport:
    """Counts of what a study file declared."""

    rounds: int
    cases: int
    persons: int
    attributes: int


def load_study(project: Project, path: Path) -> StudyReport:
    """Read ``path`` and upsert its contents; nothing is written if anything is wrong."""
    spec = read_study(path)
    try:
        with project.pdb.atomic():
            apply_study(project.pdb, spec)
    except (Conflict, InvalidValue) as exc:
        raise ImportProblem(path, exc.message) from None
    return StudyReport(len(spec.rounds), len(spec.cases), len(spec.persons), len(spec.attributes))


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
