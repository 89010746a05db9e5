"""Segments: coded passages with their source, speaker and text, a page at a time.

Filtering, ordering and paging happen in SQL (``storage.segment_store``). What SQL cannot
decide alone is worked out here first and handed down as a ``Narrowing``: attribute
conditions as of each interview's round (a few hundred values, compared with their
types in Python), the persons a speaker filter names, and code logic (a sweep over the
two codes' sorted spans, ``queries.code_logic``). Then this module cuts each passage
from its source's text, reading every source a page touches once.
"""

from __future__ import annotations

import dataclasses

from casebook.errors import InvalidValue, NotFound
from casebook.model.attributes import AttributeScope
from casebook.model.segments import LogicOp, Segment, SegmentFilter
from casebook.model.study import CaseKind
from casebook.queries import code_logic
from casebook.queries.conditions import CheckedCondition, check_condition
from casebook.storage import attribute_store, round_values, segment_store, source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.segment_store import Narrowing


def count(pdb: ProjectDB, wanted: SegmentFilter) -> int:
    """How many segments match ``wanted``."""
    plain, narrowing = prepare(pdb, wanted)
    if narrowing.coding_ids is not None and wanted.logic is not None:
        return len(narrowing.coding_ids)
    return segment_store.count_segments(pdb, plain, narrowing)


def page(pdb: ProjectDB, wanted: SegmentFilter, offset: int = 0, limit: int | None = None) -> list[Segment]:
    """Matching segments from ``offset`` on (``limit`` of them, or all), in case, round,
    source and text order."""
    plain, narrowing = prepare(pdb, wanted)
    rows = segment_store.segment_rows(pdb, plain, offset, limit, narrowing)
    sources = source_store.sources_by_id(pdb, {r.source_id for r in rows})
    return [
        Segment(
            r.coding_id,
            sources[r.source_id],
            r.start,
            r.end,
            r.code,
            r.coder,
            r.speaker,
            r.excerpt,
            r.memo,
            r.participant,
            r.participant_code,
            r.role,
        )
        for r in rows
    ]


def segments(
    pdb: ProjectDB,
    code: str | None,
    case: str | None = None,
    round_key: str | None = None,
    coder: str | None = None,
    source_id: int | None = None,
    all_versions: bool = False,
) -> list[Segment]:
    """Every segment of ``code`` and the codes below it (every code if None), filtered."""
    return page(pdb, SegmentFilter(code, case, round_key, coder, source_id, all_versions))


def prepare(pdb: ProjectDB, wanted: SegmentFilter) -> tuple[SegmentFilter, Narrowing]:
    """Check the filter's names and values, and work out what SQL needs besides them.
    Returns the filter for SQL (code logic resolved into coding ids) and the narrowing."""
    _check_names(pdb, wanted)
    checked = [check_condition(c, attribute_store.list_attributes(pdb)) for c in wanted.where]
    narrowing = Narrowing(
        source_ids=_sources_meeting(
            pdb, [c for c in checked if c.attribute.scope is not AttributeScope.PERSON]
        ),
        person_rounds=_persons_meeting(
            pdb, [c for c in checked if c.attribute.scope is AttributeScope.PERSON]
        ),
    )
    if wanted.speaker is not None:
        narrowing = dataclasses.replace(
            narrowing,
            speaker_persons=_speaker_persons(pdb, wanted.speaker),
            speaker_tags=_tags(wanted.speaker),
        )
    if wanted.logic is None:
        return wanted, narrowing
    logic = wanted.logic
    if wanted.code is not None and wanted.code != logic.left:
        raise InvalidValue(f"give either a code ({wanted.code}) or code logic ({logic}), not both")
    left = dataclasses.replace(wanted, code=logic.left, logic=None)
    right = dataclasses.replace(left, code=logic.right, speaker=None, where=())
    right_narrowing = Narrowing(source_ids=narrowing.source_ids)
    with_turns = logic.op is LogicOp.SAME_TURN
    kept = code_logic.select(
        logic,
        segment_store.span_rows(pdb, left, narrowing, with_turns),
        segment_store.span_rows(pdb, right, right_narrowing, with_turns),
    )
    return left, dataclasses.replace(narrowing, coding_ids=frozenset(kept))


def _check_names(pdb: ProjectDB, wanted: SegmentFilter) -> None:
    """Unknown cases, rounds, coders and kinds are errors, not empty results."""
    if wanted.kind is not None and wanted.kind not in {k.value for k in CaseKind}:
        kinds = ", ".join(k.value for k in CaseKind)
        raise InvalidValue(f"no kind of case {wanted.kind!r} (kinds: {kinds})")
    if wanted.case is not None:
        study_store.case_id(pdb, wanted.case)
    if wanted.round is not None:
        study_store.round_id(pdb, wanted.round)
    if wanted.coder is not None and not segment_store.coder_exists(pdb, wanted.coder):
        raise NotFound(f"no coder {wanted.coder!r} in this project")


def _sources_meeting(pdb: ProjectDB, checked: list[CheckedCondition]) -> frozenset[int] | None:
    """Sources whose case and source attributes meet every condition (None: no conditions)."""
    kept: set[int] | None = None
    for condition in checked:
        values = round_values.source_values(pdb, condition.attribute.scope, condition.attribute.name)
        meeting = {source for source, value in values.items() if condition.holds(value)}
        kept = meeting if kept is None else kept & meeting
    return None if kept is None else frozenset(kept)


def _persons_meeting(pdb: ProjectDB, checked: list[CheckedCondition]) -> frozenset[str] | None:
    """``person:round`` pairs whose person attributes meet every condition (None: none asked)."""
    kept: set[tuple[int, int]] | None = None
    for condition in checked:
        values = round_values.person_values(pdb, condition.attribute.name)
        meeting = {pair for pair, value in values.items() if condition.holds(value)}
        kept = meeting if kept is None else kept & meeting
    return None if kept is None else frozenset(f"{person}:{round_id}" for person, round_id in kept)


def _speaker_persons(pdb: ProjectDB, speaker: str) -> frozenset[int]:
    """Persons whose participant code, role, profession or label is ``speaker`` (any case)."""
    wanted = speaker.strip().casefold()
    return frozenset(
        p.id
        for p in study_store.list_persons(pdb)
        if wanted in {p.code.casefold(), p.role.casefold(), p.profession.casefold(), p.label.casefold()}
    )


def _tags(speaker: str) -> frozenset[str]:
    """Spellings of a speaker tag to look for (SQLite ignores case for ASCII letters only)."""
    tag = speaker.strip()
    return frozenset({tag, tag.lower(), tag.upper(), tag.capitalize(), tag.title()})
