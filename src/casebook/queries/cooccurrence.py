"""Co-occurrence of codes by a sweep over spans sorted by (source, start).

Never pairwise over all codings: per source, each code's spans are merged into their
union in one pass, then one sweep over the unions (sorted by start) pairs each stretch
with the stretches still open when it starts. Turn mode drops each span into the turns
it overlaps (binary search over the turn starts) and pairs the codes of each turn. The
counting rules are stated in ``casebook.model.cooccurrence``; counts and drill-down
run through the same generator, so a pair's passages are exactly what was counted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import accumulate, groupby
from operator import itemgetter

from casebook.errors import InvalidValue
from casebook.model.cooccurrence import (
    CodePair,
    Cooccurrence,
    CooccurrenceMode,
    CooccurrenceSpec,
    PairPassage,
)
from casebook.queries.scope import CodeTree, code_tree, coder_id, sources_in_scope
from casebook.storage import matrix_store, source_store
from casebook.storage.connection import ProjectDB

Span = tuple[int, int, int, int, int]  # coding id, source id, start, end, code id
Member = tuple[int, int, int]  # coding id, start, end
Passage = tuple[int, int, int, int, list[Member], list[Member]]  # code a, code b, start, end, members


def build(pdb: ProjectDB, spec: CooccurrenceSpec) -> Cooccurrence:
    """Every pair of codes that occurs together in ``spec``'s scope, most passages first."""
    tree = code_tree(pdb)
    scope = {s.id: s for s in sources_in_scope(pdb, spec.kind, spec.round, need_case=False)}
    level = _level(tree, spec.roots_only)
    passages: Counter[tuple[int, int]] = Counter()
    sources: dict[tuple[int, int], set[int]] = defaultdict(set)
    cases: dict[tuple[int, int], set[str]] = defaultdict(set)
    spans = matrix_store.spans(pdb, coder_id(pdb, spec.coder))
    for source_id, group in groupby(spans, key=itemgetter(1)):
        if source_id not in scope:
            continue
        case = scope[source_id].case
        for a, b, *_rest in _source_passages(pdb, spec.mode, source_id, group, level, tree):
            passages[(a, b)] += 1
            sources[(a, b)].add(source_id)
            if case is not None:
                cases[(a, b)].add(case)
    pairs = [
        CodePair(
            tree.by_id[a].key,
            tree.by_id[a].name,
            tree.by_id[b].key,
            tree.by_id[b].name,
            n,
            len(sources[(a, b)]),
            len(cases[(a, b)]),
        )
        for (a, b), n in passages.items()
        if n >= spec.min_passages
    ]
    order = {n.key: i for i, n in enumerate(tree.order)}
    pairs.sort(key=lambda p: (-p.passages, order[p.a], order[p.b]))
    all_cases = {s.case for s in scope.values() if s.case is not None}
    return Cooccurrence(spec, tuple(pairs), len(all_cases), len(scope))


def pair_passages(pdb: ProjectDB, spec: CooccurrenceSpec, a: str, b: str) -> list[PairPassage]:
    """The passages where codes ``a`` and ``b`` occur together (in source and text order):
    as many as ``build`` counted for the pair."""
    tree = code_tree(pdb)
    level = _level(tree, spec.roots_only)
    code_a, code_b = level[tree.node(a).id], level[tree.node(b).id]
    wanted = {code_a, code_b}
    if len(wanted) < 2:
        raise InvalidValue(f"{a!r} and {b!r} are the same code here: a code never co-occurs with itself")
    scope = {s.id: s for s in sources_in_scope(pdb, spec.kind, spec.round, need_case=False)}
    code_ids = [code for code, stands_for in level.items() if stands_for in wanted]
    spans = matrix_store.spans(pdb, coder_id(pdb, spec.coder), code_ids)
    out: list[PairPassage] = []
    for source_id, group in groupby(spans, key=itemgetter(1)):
        if source_id not in scope:
            continue
        found = list(_source_passages(pdb, spec.mode, source_id, group, level, tree))
        if not found:
            continue
        source = scope[source_id]
        text = source_store.source_text(pdb, source_id)
        for x, _y, start, end, members_x, members_y in sorted(found, key=itemgetter(2, 3)):
            first, second = (members_x, members_y) if x == code_a else (members_y, members_x)
            out.append(
                PairPassage(
                    source_id,
                    source.name,
                    source.case,
                    source.round,
                    start,
                    end,
                    text[start:end],
                    _overlapping(first, start, end),
                    _overlapping(second, start, end),
                )
            )
    return out


def _level(tree: CodeTree, roots_only: bool) -> dict[int, int]:
    """What each code stands for: itself, or its root code."""
    return {code: (tree.root_of[code] if roots_only else code) for code in tree.depth}


def _overlapping(members: list[Member], start: int, end: int) -> tuple[int, ...]:
    return tuple(sorted(i for i, s, e in members if s < end and e > start))


def _source_passages(
    pdb: ProjectDB,
    mode: CooccurrenceMode,
    source_id: int,
    spans: Iterable[Span],
    level: dict[int, int],
    tree: CodeTree,
) -> Iterator[Passage]:
    """The co-occurrence passages of one source, each pair as (earlier code, later code)."""
    if mode is CooccurrenceMode.OVERLAP:
        found = _overlaps(
            (start, end, level[code], (coding, start, end)) for coding, _s, start, end, code in spans
        )
    else:
        found = _turns(spans, matrix_store.turns(pdb, [source_id]).get(source_id, []), level)
    position = tree.position
    for x, y, start, end, members_x, members_y in found:
        if position[x] <= position[y]:
            yield x, y, start, end, members_x, members_y
        else:
            yield y, x, start, end, members_y, members_x


class _Stretch:
    """A code's spans merged while the sweep reads them: [start, end) and its codings."""

    __slots__ = ("code", "end", "members", "start")

    def __init__(self, code: int, start: int, end: int, member: Member) -> None:
        self.code = code
        self.start = start
        self.end = end
        self.members = [member]


def _overlaps(stretches_in: Iterable[tuple[int, int, int, Member]]) -> Iterator[Passage]:
    """Merge each code's spans ((start, end, code, coding) sorted by start) into stretches,
    then sweep the stretches by start, pairing each with those still open."""
    open_: dict[int, _Stretch] = {}
    stretches: list[_Stretch] = []
    for start, end, code, member in stretches_in:
        current = open_.get(code)
        if current is not None and start <= current.end:  # overlapping or touching: one stretch
            current.end = max(current.end, end)
            current.members.append(member)
            continue
        if current is not None:
            stretches.append(current)
        open_[code] = _Stretch(code, start, end, member)
    stretches.extend(open_.values())
    stretches.sort(key=lambda s: (s.start, s.end))
    active: list[_Stretch] = []
    for stretch in stretches:
        active = [other for other in active if other.end > stretch.start]  # ends are exclusive
        for other in active:
            if other.code != stretch.code:
                end = min(stretch.end, other.end)
                yield other.code, stretch.code, stretch.start, end, other.members, stretch.members
        active.append(stretch)


def _turns(spans: Iterable[Span], turns: list[tuple[int, int]], level: dict[int, int]) -> Iterator[Passage]:
    """The same sweep with each span as the run of turns it overlaps (turn numbers instead
    of offsets): two codes share every turn in the overlap of their runs. One passage per
    shared turn; the codings of each code are filtered to the turn by ``pair_passages``."""
    starts = [t[0] for t in turns]
    reach = list(accumulate((t[1] for t in turns), max))  # how far the turns up to i reach
    runs = []
    for coding, _source, start, end, code in spans:
        first, last = bisect_right(reach, start), bisect_left(starts, end)
        if first < last:
            runs.append((first, last, level[code], (coding, start, end)))
    for x, y, first, last, members_x, members_y in _overlaps(runs):
        for index in range(first, last):
            yield x, y, turns[index][0], turns[index][1], members_x, members_y
