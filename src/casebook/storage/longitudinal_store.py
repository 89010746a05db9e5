"""Reads behind timelines and change grids: a case's interviews with who took part, its
codings with their coders, and the attribute scales declared in the study file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from casebook.model.changes import AttributeScale
from casebook.storage.connection import ProjectDB

_CURRENT = "NOT EXISTS (SELECT 1 FROM sources n WHERE n.previous_id = s.id)"


@dataclass(frozen=True, slots=True)
class InterviewRow:
    """A current source version of a case, with its interview record and participants."""

    source_id: int
    name: str
    round: str | None
    date: str | None
    mode: str
    place: str
    participants: tuple[str, ...]


def case_interviews(pdb: ProjectDB, case_id: int) -> list[InterviewRow]:
    """The case's interviews (current versions) by round, date and name; participants as
    their labels (the participant code when a person has no label)."""
    rows = pdb.db.execute(
        "SELECT s.id, s.name, r.key, i.date, i.mode, i.place,"
        " (SELECT group_concat(lbl, char(31)) FROM (SELECT CASE WHEN p.label != '' THEN p.label"
        "  ELSE p.code END AS lbl FROM interview_persons ip JOIN persons p ON p.id = ip.person_id"
        "  WHERE ip.interview_id = i.id ORDER BY p.code))"
        " FROM interviews i JOIN sources s ON s.id = i.source_id LEFT JOIN rounds r ON r.id = i.round_id"
        f" WHERE i.case_id = ? AND {_CURRENT} ORDER BY r.position IS NULL, r.position, i.date, s.name",
        [case_id],
    )
    return [
        InterviewRow(
            int(r[0]), str(r[1]), r[2], r[3], str(r[4]), str(r[5]), tuple(r[6].split("\x1f")) if r[6] else ()
        )
        for r in rows
    ]


def codings_of_sources(pdb: ProjectDB, source_ids: Iterable[int]) -> Iterator[tuple[int, int, str, int, int]]:
    """(code id, source id, coder name, start, end) of the given sources, in (source,
    start) order."""
    chosen = sorted(set(source_ids))
    for first in range(0, len(chosen), 500):
        chunk = chosen[first : first + 500]
        rows = pdb.db.execute(
            'SELECT g.code_id, g.source_id, k.name, g.start, g."end" FROM codings g'
            f" JOIN coders k ON k.id = g.coder_id WHERE g.source_id IN ({','.join('?' * len(chunk))})"
            ' ORDER BY g.source_id, g.start, g."end"',
            chunk,
        )
        for r in rows:
            yield int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4])


def set_scale(pdb: ProjectDB, attribute: str, values: Iterable[str], themes: Iterable[str]) -> None:
    """Declare (or replace) the worse-to-better scale of a (declared) case attribute and the
    themes it bears on."""
    pdb.db.execute(
        "INSERT INTO attribute_scales (attribute_id, scale, themes)"
        " SELECT id, ?, ? FROM attributes WHERE scope = 'case' AND name = ?"
        " ON CONFLICT (attribute_id) DO UPDATE SET scale = excluded.scale, themes = excluded.themes",
        [
            json.dumps(list(values), ensure_ascii=False),
            json.dumps(list(themes), ensure_ascii=False),
            attribute,
        ],
    )


def list_scales(pdb: ProjectDB) -> list[AttributeScale]:
    """The declared scales of case attributes, by attribute name."""
    rows = pdb.db.execute(
        "SELECT a.name, s.scale, s.themes FROM attribute_scales s JOIN attributes a ON a.id = s.attribute_id"
        " WHERE a.scope = 'case' ORDER BY a.name"
    )
    return [AttributeScale(str(r[0]), tuple(json.loads(r[1])), tuple(json.loads(r[2]))) for r in rows]


def code_valences(pdb: ProjectDB) -> dict[int, str]:
    """Each code's valence (hindrer, fremmer, nøytral) by row id."""
    return {int(r[0]): str(r[1]) for r in pdb.db.execute("SELECT id, valence FROM codes")}


def coding_guids(pdb: ProjectDB, ids: Iterable[int]) -> dict[int, str]:
    """The GUIDs of the given codings, by row id."""
    chosen = sorted(set(ids))
    out: dict[int, str] = {}
    for first in range(0, len(chosen), 500):
        chunk = chosen[first : first + 500]
        rows = pdb.db.execute(
            f"SELECT id, guid FROM codings WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        out.update((int(r[0]), str(r[1])) for r in rows)
    return out
