"""Attribute values as of an interview's round, for attribute conditions on segments.

The value set for the latest round at or before the interview's round wins; a value not
tied to a round applies when no round-specific one does (the rule matrices and reports
use too). An interview without a round sees only values not tied to a round.
"""

from __future__ import annotations

from casebook.model.attributes import AttributeScope
from casebook.storage.connection import ProjectDB

_AS_OF = (
    "(SELECT av.value FROM attribute_values av LEFT JOIN rounds vr ON vr.id = av.round_id"
    " WHERE av.attribute_id = :attribute AND av.entity_id = {entity}"
    " AND (av.round_id IS NULL OR vr.position <= r.position)"
    " ORDER BY av.round_id IS NULL, vr.position DESC LIMIT 1)"
)


def _attribute_id(pdb: ProjectDB, scope: AttributeScope, name: str) -> int | None:
    row = pdb.db.execute(
        "SELECT id FROM attributes WHERE scope = ? AND name = ?", [scope.value, name]
    ).fetchone()
    return None if row is None else int(row[0])


def source_values(pdb: ProjectDB, scope: AttributeScope, name: str) -> dict[int, str]:
    """Each source's value of a case or source attribute as of its interview's round
    (sources without a value are left out)."""
    attribute = _attribute_id(pdb, scope, name)
    if attribute is None or scope is AttributeScope.PERSON:
        return {}
    entity = "i.case_id" if scope is AttributeScope.CASE else "s.id"
    rows = pdb.db.execute(
        f"SELECT s.id, {_AS_OF.format(entity=entity)} FROM sources s"
        " LEFT JOIN interviews i ON i.source_id = s.id LEFT JOIN rounds r ON r.id = i.round_id",
        {"attribute": attribute},
    )
    return {int(r[0]): str(r[1]) for r in rows if r[1] is not None}


def person_values(pdb: ProjectDB, name: str) -> dict[tuple[int, int], str]:
    """Each person's value of a person attribute as of every round, by (person id, round
    id); round id 0 stands for interviews without a round."""
    attribute = _attribute_id(pdb, AttributeScope.PERSON, name)
    if attribute is None:
        return {}
    rows = pdb.db.execute(
        f"SELECT p.id, coalesce(r.id, 0), {_AS_OF.format(entity='p.id')} FROM persons p"
        " CROSS JOIN (SELECT id, position FROM rounds UNION ALL SELECT NULL, NULL) r"
        " WHERE p.id IN (SELECT entity_id FROM attribute_values WHERE attribute_id = :attribute)",
        {"attribute": attribute},
    )
    return {(int(r[0]), int(r[1])): str(r[2]) for r in rows if r[2] is not None}
