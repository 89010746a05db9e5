"""Code matrices: rows of codes (rolled up over their subtrees) × cases, rounds or attribute
values. The counting rules are stated in ``casebook.model.matrix``.

One grouped pass over the covering index gives codings per (code, source); everything
else (roll-up, columns, distinct cases, totals) is assembled from those few thousand
rows in memory. Only the words measure reads source texts, one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from casebook.errors import InvalidValue, NotFound
from casebook.model.attributes import AttributeScope, AttributeType
from casebook.model.matrix import (
    Cell,
    ColumnAxis,
    ColumnSource,
    Matrix,
    MatrixColumn,
    MatrixRow,
    MatrixSpec,
    Measure,
)
from casebook.model.study import CaseKind
from casebook.queries.scope import CodeTree, code_tree, coder_id, sources_in_scope
from casebook.storage import matrix_store, round_values, source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.matrix_store import ScopedSource
from casebook.text.wordcount import count_words, words_covered

# Attributes that name a family's municipality, whatever their values look like.
MUNICIPALITY_NAMES = frozenset({"kommune", "kommunenavn", "bostedskommune", "municipality"})
NO_ROUND = "(no round)"
NO_VALUE = "(no value)"


def municipality_attributes(pdb: ProjectDB) -> frozenset[str]:
    """Case attributes that would link a family to its municipality: the ones named
    ``kommune`` (or ``municipality``) and any whose values on a non-municipality case are
    the key or label of a municipality case."""
    declared = set(matrix_store.attribute_names(pdb, [AttributeScope.CASE]))
    named = {n for n in declared if n.lower() in MUNICIPALITY_NAMES}
    return frozenset(named | matrix_store.attributes_naming_municipalities(pdb))


def check_anonymity(pdb: ProjectDB, spec: MatrixSpec) -> None:
    """Refuse columns that would show families with their municipality (DOMAIN §3)."""
    if spec.columns is not ColumnAxis.ATTRIBUTE or spec.with_municipality:
        return
    if spec.kind is CaseKind.MUNICIPALITY or spec.attribute not in municipality_attributes(pdb):
        return
    raise InvalidValue(
        f"attribute {spec.attribute!r} names each family's municipality, and families are never"
        " shown with their municipality",
        "add --with-municipality for an internal analysis that will not leave the project",
    )


def build(pdb: ProjectDB, spec: MatrixSpec) -> Matrix:
    """The matrix ``spec`` asks for (see ``casebook.model.matrix`` for what is counted)."""
    check_anonymity(pdb, spec)
    tree = code_tree(pdb)
    rows = _rows(tree, spec)
    coder = coder_id(pdb, spec.coder)
    scope = sources_in_scope(pdb, spec.kind, spec.round, need_case=True)
    columns = _columns(pdb, spec, scope)
    rolled = _rolled(tree, rows)
    in_scope = {s.id for s in scope}
    per_row: dict[str, dict[int, int]] = defaultdict(dict)
    per_source: dict[int, int] = defaultdict(int)
    for code, source_id, n in matrix_store.counts_by_code_source(pdb, coder):
        if source_id not in in_scope:
            continue
        per_source[source_id] += n
        for key in rolled.get(code, []):
            counts = per_row[key]
            counts[source_id] = counts.get(source_id, 0) + n
    words = _words(pdb, scope, rolled, coder) if spec.measure is Measure.WORDS else None
    case_of = {s.id: s.case or "" for s in scope}
    every = _column("", "total", scope, per_source, words, total=True)
    built = [_column(key, label, members, per_source, words) for key, label, members in columns]
    position = {s.id: i for i, s in enumerate(scope)}
    column_of = {member.source_id: column.key for column in built for member in column.sources}
    cells: dict[tuple[str, str], Cell] = {}
    totals: dict[str, Cell] = {}
    for row in rows:
        counts = per_row.get(row.code, {})
        ordered = [(source_id, counts[source_id]) for source_id in sorted(counts, key=position.__getitem__)]
        by_column: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for item in ordered:
            by_column[column_of[item[0]]].append(item)
        row_words = words[1].get(row.code, {}) if words else None
        for key, by_source in by_column.items():
            cells[(row.code, key)] = _cell(by_source, case_of, row_words)
        totals[row.code] = _cell(ordered, case_of, row_words)
    return Matrix(spec, tuple(rows), tuple(built), every, cells, totals)


def _rolled(tree: CodeTree, rows: list[MatrixRow]) -> dict[int, list[str]]:
    """For each code id, the row keys its codings count towards: itself and its ancestors."""
    row_ids = {tree.node(r.code).id: r.code for r in rows}
    return {
        code: [row_ids[up] for up in tree.ancestors_and_self(code) if up in row_ids] for code in tree.by_id
    }


def _rows(tree: CodeTree, spec: MatrixSpec) -> list[MatrixRow]:
    if spec.root is not None:
        nodes = tree.subtree(tree.node(spec.root).id)
    elif spec.roots_only:
        nodes = [n for n in tree.order if tree.depth[n.id] == 0]
    else:
        nodes = tree.order
    top = tree.depth[nodes[0].id] if nodes else 0
    return [MatrixRow(n.key, n.name, tree.parent_key(n.id), tree.depth[n.id] - top) for n in nodes]


def _columns(
    pdb: ProjectDB, spec: MatrixSpec, scope: list[ScopedSource]
) -> list[tuple[str, str, list[ScopedSource]]]:
    """(key, label, sources) per column, in column order."""
    if spec.columns is ColumnAxis.CASES:
        return [
            (case or "", members[0].case_label or case or "", members)
            for case, group in groupby(scope, key=lambda s: s.case)
            for members in [list(group)]
        ]
    if spec.columns is ColumnAxis.ROUNDS:
        labels = {r.key: r.label or r.key for r in study_store.list_rounds(pdb)}
        keys = [*labels, ""]
        by_round: dict[str, list[ScopedSource]] = defaultdict(list)
        for source in scope:
            by_round[source.round or ""].append(source)
        return [(k, labels.get(k, NO_ROUND), by_round[k]) for k in keys if by_round[k]]
    return _attribute_columns(pdb, str(spec.attribute), scope)


def _attribute_columns(
    pdb: ProjectDB, name: str, scope: list[ScopedSource]
) -> list[tuple[str, str, list[ScopedSource]]]:
    declared = matrix_store.find_attribute(pdb, name)
    usable = [(s, t) for s, t in declared if s is not AttributeScope.PERSON]
    if not usable:
        if declared:
            raise InvalidValue(
                f"{name!r} is a person attribute: an interview can have several persons, so it"
                " cannot be a matrix column",
                "use a case or source attribute",
            )
        known = matrix_store.attribute_names(pdb, [AttributeScope.CASE, AttributeScope.SOURCE])
        raise NotFound(f"no case or source attribute {name!r} (attributes: {', '.join(known) or 'none'})")
    attr_scope, attr_type = usable[0]
    values = round_values.source_values(pdb, attr_scope, name)
    by_value: dict[str, list[ScopedSource]] = defaultdict(list)
    for source in scope:
        by_value[values.get(source.id, "")].append(source)
    keys = sorted((k for k in by_value if k), key=lambda v: _sort_key(attr_type, v))
    if "" in by_value:
        keys.append("")
    return [(k, k or NO_VALUE, by_value[k]) for k in keys]


def _sort_key(kind: AttributeType, value: str) -> tuple[float, str]:
    """Numbers in numeric order, everything else as text (dates are ISO, so that works)."""
    if kind in (AttributeType.INTEGER, AttributeType.FLOAT):
        try:
            return float(value), value
        except ValueError:
            return float("inf"), value
    return 0.0, value


def _column(
    key: str,
    label: str,
    members: list[ScopedSource],
    per_source: dict[int, int],
    words: tuple[dict[int, int], dict[str, dict[int, int]]] | None,
    total: bool = False,
) -> MatrixColumn:
    return MatrixColumn(
        key,
        label,
        tuple(ColumnSource(s.id, s.name, s.case or "", s.round) for s in members),
        len({s.case for s in members if s.case is not None}),
        sum(per_source.get(s.id, 0) for s in members),
        sum(words[0].get(s.id, 0) for s in members) if words else None,
        total,
    )


def _cell(by_source: list[tuple[int, int]], case_of: dict[int, str], words: dict[int, int] | None) -> Cell:
    """A cell from its (source, segments) pairs, in the column's source order."""
    return Cell(
        sum(n for _s, n in by_source),
        len({case_of[s] for s, _n in by_source if case_of[s]}),
        sum(words.get(s, 0) for s, _n in by_source) if words is not None else None,
        tuple(by_source),
    )


def _words(
    pdb: ProjectDB, scope: list[ScopedSource], rolled: dict[int, list[str]], coder: int | None
) -> tuple[dict[int, int], dict[str, dict[int, int]]]:
    """Words per source, and per row and source the words under the row's spans."""
    in_scope = {s.id for s in scope}
    per_source: dict[int, int] = {}
    per_row: dict[str, dict[int, int]] = defaultdict(dict)
    for source_id, group in groupby(matrix_store.spans(pdb, coder), key=lambda g: g[1]):
        if source_id not in in_scope:
            continue
        text = source_store.source_text(pdb, source_id)
        per_source[source_id] = count_words(text)
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for _id, _source, start, end, code in group:
            for row in rolled.get(code, []):
                spans[row].append((start, end))
        for row, row_spans in spans.items():
            per_row[row][source_id] = words_covered(text, row_spans)
    for source_id in in_scope - per_source.keys():
        per_source[source_id] = count_words(source_store.source_text(pdb, source_id))
    return per_source, per_row
