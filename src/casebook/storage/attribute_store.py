"""Typed attributes on cases, persons and sources, with a value history per round."""

from __future__ import annotations

from casebook.errors import Conflict
from casebook.model.attributes import Attribute, AttributeScope, AttributeType, AttributeValue
from casebook.storage.connection import ProjectDB, utc_now

_ENTITY_KEY = {
    AttributeScope.CASE: "SELECT key FROM cases WHERE id = av.entity_id",
    AttributeScope.PERSON: "SELECT code FROM persons WHERE id = av.entity_id",
    AttributeScope.SOURCE: "SELECT name || ' v' || version FROM sources WHERE id = av.entity_id",
}


def declare(pdb: ProjectDB, attribute: Attribute) -> int:
    """Declare an attribute; re-declaring with the same type is allowed, another type not."""
    row = pdb.db.execute(
        "SELECT id, type FROM attributes WHERE scope = ? AND name = ?",
        [attribute.scope.value, attribute.name],
    ).fetchone()
    if row:
        if row[1] != attribute.type.value:
            raise Conflict(
                f"{attribute.scope.value} attribute {attribute.name!r} is already declared"
                f" as {row[1]}, not {attribute.type.value}"
            )
        if attribute.description:
            pdb.db.execute(
                "UPDATE attributes SET description = ? WHERE id = ?", [attribute.description, row[0]]
            )
        return int(row[0])
    cur = pdb.db.execute(
        "INSERT INTO attributes (name, scope, type, description) VALUES (?, ?, ?, ?)",
        [attribute.name, attribute.scope.value, attribute.type.value, attribute.description],
    )
    return int(cur.lastrowid or 0)


def find(pdb: ProjectDB, scope: AttributeScope, name: str) -> Attribute | None:
    """A declared attribute, or None."""
    row = pdb.db.execute(
        "SELECT name, scope, type, description FROM attributes WHERE scope = ? AND name = ?",
        [scope.value, name],
    ).fetchone()
    if row is None:
        return None
    return Attribute(row[0], AttributeScope(row[1]), AttributeType(row[2]), row[3])


def set_value(pdb: ProjectDB, attribute_id: int, entity_id: int, round_id: int | None, value: str) -> None:
    """Set a value (already canonical for the type) from ``round_id`` on."""
    pdb.db.execute(
        "INSERT INTO attribute_values (attribute_id, entity_id, round_id, value, set_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value,"
        " set_at = excluded.set_at WHERE value IS NOT excluded.value",
        [attribute_id, entity_id, round_id, value, utc_now()],
    )


def list_attributes(pdb: ProjectDB) -> list[Attribute]:
    """Declared attributes by scope and name."""
    rows = pdb.db.execute("SELECT name, scope, type, description FROM attributes ORDER BY scope, name")
    return [Attribute(r[0], AttributeScope(r[1]), AttributeType(r[2]), r[3]) for r in rows]


def list_values(
    pdb: ProjectDB, scope: AttributeScope | None = None, entity: str | None = None
) -> list[AttributeValue]:
    """Stored values with entity key and round (None: not tied to a round), optionally of one entity."""
    out: list[AttributeValue] = []
    for one_scope in [scope] if scope else list(AttributeScope):
        rows = pdb.db.execute(
            f"SELECT * FROM (SELECT a.name, ({_ENTITY_KEY[one_scope]}) AS entity, av.value, a.type, r.key,"
            " coalesce(r.position, 0) AS position"
            " FROM attribute_values av JOIN attributes a ON a.id = av.attribute_id"
            " LEFT JOIN rounds r ON r.id = av.round_id WHERE a.scope = ?)"
            " WHERE ? IS NULL OR entity = ? ORDER BY entity, name, position",
            [one_scope.value, entity, entity],
        )
        out.extend(AttributeValue(r[0], one_scope, r[1], r[2], AttributeType(r[3]), r[4]) for r in rows)
    return out
