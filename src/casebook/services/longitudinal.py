"""Following cases across rounds: timelines, change grids, directions and the rollup.

The API the CLI calls and a case screen in the workbench can call: ``timeline`` (rounds,
interviews, attribute changes, service paths, caveats), ``change_grid`` (themes × rounds
with a direction per pair of rounds), ``cell_segments`` (the passages behind a grid
cell), ``set_direction`` / ``clear_direction`` / ``direction_history``, and ``rollup``
across cases with its drill-down. Reads are plain; every write is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casebook.errors import InvalidValue, NotFound
from casebook.model.changes import ChangeGrid, Direction, DirectionRecord, RollupRow
from casebook.model.segments import Segment, SegmentFilter
from casebook.model.study import CaseKind
from casebook.model.timeline import PlacedEvent, Timeline
from casebook.queries import segments as retrieval
from casebook.queries.changes import StudyContext, build_grid, check_pair
from casebook.queries.rollup import build_rollup, default_themes
from casebook.queries.timeline import build_timeline, period
from casebook.services.project import Project
from casebook.storage import code_store, coding_store, direction_store, study_store
from casebook.text.count_phrases import CASE, FAMILY, MUNICIPALITY, count_phrase

_NOUNS = {CaseKind.FAMILY: FAMILY, CaseKind.MUNICIPALITY: MUNICIPALITY}


@dataclass(frozen=True)
class Rollup:
    """Directions per theme over one pair of rounds across cases of one kind.

    ``left_out``: cases of the kind interviewed in only one of the two rounds."""

    from_round: str
    to_round: str
    kind: CaseKind | None
    rows: tuple[RollupRow, ...]
    left_out: int
    researcher_only: bool = False


def timeline(project: Project, case: str, with_municipality: bool = False) -> Timeline:
    """The case's rounds, interviews, attribute changes, service paths and caveats; its
    municipality only with ``with_municipality``."""
    return build_timeline(project.pdb, case, with_municipality)


def change_grid(
    project: Project, case: str, with_municipality: bool = False, words: bool = True
) -> ChangeGrid:
    """Themes × the case's rounds, with the researcher's direction or a suggestion per
    theme and pair of rounds."""
    return build_grid(project.pdb, case, StudyContext.load(project.pdb, with_municipality), words)


def change_grids(
    project: Project, kind: CaseKind | None = CaseKind.FAMILY, words: bool = True
) -> list[ChangeGrid]:
    """The change grid of every case of ``kind`` (all kinds when None), by case key."""
    context = StudyContext.load(project.pdb)
    return [
        build_grid(project.pdb, c.key, context, words)
        for c in project.cases()
        if kind is None or c.kind is kind
    ]


def cell_segments(project: Project, case: str, theme: str, round_key: str) -> list[Segment]:
    """The passages a grid cell counts: the theme and its sub-codes in the case's round."""
    return retrieval.page(project.pdb, SegmentFilter(code=theme, case=case, round=round_key))


def set_direction(
    project: Project,
    case: str,
    theme: str,
    rounds: tuple[str, str],
    direction: Direction | None,
    reason: str,
    coder: str,
    evidence: Sequence[str] = (),
) -> DirectionRecord:
    """Record the researcher's direction for a theme between two rounds (None withdraws
    it). A direction needs a reason; evidence codings (GUIDs) must belong to the case."""
    pdb = project.pdb
    if direction is not None and not reason.strip():
        raise InvalidValue("a direction needs a reason", 'say why with --reason "..."')
    guids = [g.strip().lower() for g in evidence if g.strip()]
    with pdb.atomic():
        case_id = study_store.case_id(pdb, case)
        code_id = code_store.code_id(pdb, theme)
        check_pair(StudyContext.load(pdb), *rounds)
        found = direction_store.codings_by_guid(pdb, guids)
        for guid in guids:
            if guid not in found:
                raise NotFound(f"no coding with GUID {guid!r}", "list codings with: casebook codings --json")
            if found[guid][6] != case:
                raise InvalidValue(f"coding {guid} belongs to case {found[guid][6] or '(none)'}, not {case}")
        ids = (study_store.round_id(pdb, rounds[0]), study_store.round_id(pdb, rounds[1]))
        guid = direction_store.add_direction(
            pdb,
            case_id,
            code_id,
            theme,
            ids,
            direction,
            reason.strip(),
            coding_store.coder_id(pdb, coder),
            guids,
        )
        history = direction_store.history(pdb, case_id, code_id)
    return next(r for r in history if r.guid == guid)


def clear_direction(
    project: Project, case: str, theme: str, rounds: tuple[str, str], coder: str
) -> DirectionRecord:
    """Withdraw the researcher's direction (the suggestion shows again; history keeps it)."""
    return set_direction(project, case, theme, rounds, None, "", coder)


def direction_history(
    project: Project, case: str | None = None, theme: str | None = None
) -> list[DirectionRecord]:
    """Every direction set (of one case, of one theme), oldest first."""
    pdb = project.pdb
    case_id = study_store.case_id(pdb, case) if case is not None else None
    code_id = code_store.code_id(pdb, theme) if theme is not None else None
    return direction_store.history(pdb, case_id, code_id)


def rollup(
    project: Project,
    rounds: tuple[str, str] | None = None,
    themes: Sequence[str] = (),
    kind: CaseKind | None = CaseKind.FAMILY,
    researcher_only: bool = False,
) -> Rollup:
    """Per theme, how many cases improved, stayed, worsened … between two rounds (default:
    the study's first and last rounds; themes default to the root codes and any code with
    a direction set for the pair). Each row names its cases per direction (drill-down)."""
    pdb = project.pdb
    context = StudyContext.load(pdb)
    if rounds is None:
        if len(context.rounds) < 2:
            raise InvalidValue("the rollup needs two rounds", "declare rounds in the study file")
        rounds = (context.rounds[0].key, context.rounds[-1].key)
    check_pair(context, *rounds)
    chosen = list(themes) or default_themes(context, pdb, rounds)
    rows, left_out = build_rollup(pdb, chosen, rounds, kind, researcher_only, context)
    return Rollup(rounds[0], rounds[1], kind, tuple(rows), left_out, researcher_only)


def event_period(timeline: Timeline, placed: PlacedEvent) -> str:
    """Where an event falls among the case's rounds: "før R1", "R1–R2", "etter R3"."""
    return period(placed.after, [r.key for r in timeline.interviewed()])


def rollup_phrase(rollup: Rollup, row: RollupRow, direction: Direction, exact: bool = True) -> str:
    """ "tre av de fire familiene": how many cases of the rollup's whole have ``direction``
    (``exact`` False: "de fleste av de tolv familiene" and the like)."""
    noun = _NOUNS.get(rollup.kind, CASE) if rollup.kind is not None else CASE
    return count_phrase(row.count(direction), row.whole, noun, exact)
