"""Build the report tree from the study's facts and the retrieved segments (pure: no I/O).

Chapters follow the codebook (one per root code, a section per code below it) unless a
recipe declares its own sections. Quote labels are built from the participant's label
and the round ("Forelder 1a, runde 2"), never from a name or a speaker tag. Family cases
are never shown with their municipality unless asked: the ``kommune`` attribute (and any
attribute whose values name a municipality case) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from casebook.errors import NotFound
from casebook.model.attributes import Attribute, AttributeScope, AttributeValue
from casebook.model.codes import Code
from casebook.model.segments import Segment
from casebook.model.study import Case, CaseKind, Person, Round
from casebook.reports.model import AttributeColumn, Chapter, Chart, Excerpt, Matrix, Report, Section
from casebook.reports.spec import ReportSpec

_INTERVIEWER = re.compile(r"^(i|int|intervjuer|intervjuar|forsker|forskar|moderator)\b", re.IGNORECASE)


@dataclass(frozen=True)
class StudyFacts:
    """What a report needs to know about the study besides the segments."""

    project: str
    codes: tuple[Code, ...]
    cases: dict[str, Case]
    rounds: dict[str, Round]
    persons: dict[str, Person]
    case_attributes: tuple[Attribute, ...] = ()
    case_values: dict[str, tuple[AttributeValue, ...]] = field(default_factory=dict)
    code_memos: dict[str, str] = field(default_factory=dict)
    municipality_attributes: frozenset[str] = frozenset()
    """Case attributes that would tie a family to its municipality (one rule, in queries)."""


@dataclass(frozen=True)
class Passage:
    """A retrieved segment and the participant code of the turn it starts in (if any)."""

    segment: Segment
    participant: str | None = None


def selected_codes(spec: ReportSpec, codes: Iterable[Code]) -> list[str]:
    """The codes a report covers (asked-for codes with everything below them), tree order."""
    ordered = list(codes)
    known = {c.key for c in ordered}
    asked = list(spec.codes) + [code for section in spec.sections for code in section.codes]
    for key in asked:
        if key not in known:
            raise NotFound(f"no code {key!r} in the codebook", "list codes with: casebook codebook show")
    if not asked:
        return [c.key for c in ordered]
    chosen = set(asked)
    for code in ordered:  # parents come before their children
        if code.parent in chosen:
            chosen.add(code.key)
    return [c.key for c in ordered if c.key in chosen]


def build_report(spec: ReportSpec, facts: StudyFacts, passages: Iterable[Passage], today: str = "") -> Report:
    """The report tree for ``spec`` over ``passages`` (already in case/round/source order)."""
    wanted = set(selected_codes(spec, facts.codes))
    columns = attribute_columns(facts, spec.with_municipality)
    labeller = _Labeller(facts, spec.with_municipality, columns)
    by_code: dict[str, list[Excerpt]] = {}
    for passage in passages:
        if passage.segment.code in wanted and _kept(spec, facts, passage.segment):
            by_code.setdefault(passage.segment.code, []).append(labeller.excerpt(passage))
    columns, by_code = _used_columns(columns, by_code)
    chapters = _chapters(spec, facts, wanted, by_code)
    counts = [(s.name, len(s.excerpts)) for c in chapters for s in _all_sections(c)]
    return Report(
        title=spec.title,
        facts=_facts(spec, facts, sum(n for _, n in counts), today),
        chapters=chapters,
        attribute_columns=columns,
        matrix=_matrix(spec, facts, chapters) if spec.matrix else None,
        chart=Chart("Antall utdrag per kode", tuple(counts)) if spec.chart else None,
        memos=spec.memos,
    )


def _used_columns(
    columns: tuple[AttributeColumn, ...], by_code: dict[str, list[Excerpt]]
) -> tuple[tuple[AttributeColumn, ...], dict[str, list[Excerpt]]]:
    """Only the attribute columns that have a value in at least one excerpt."""
    used = sorted({i for items in by_code.values() for e in items for i, v in enumerate(e.attributes) if v})
    if len(used) == len(columns):
        return columns, by_code
    trimmed = {
        code: [replace(e, attributes=tuple(e.attributes[i] for i in used)) for e in items]
        for code, items in by_code.items()
    }
    return tuple(columns[i] for i in used), trimmed


def _kept(spec: ReportSpec, facts: StudyFacts, segment: Segment) -> bool:
    """Whether a segment passes the filters that SQL did not apply (lists, case kind)."""
    case = segment.source.case or ""
    if spec.cases and case not in spec.cases:
        return False
    if spec.rounds and (segment.source.round or "") not in spec.rounds:
        return False
    if spec.coders and segment.coder not in spec.coders:
        return False
    return not spec.kinds or (case in facts.cases and facts.cases[case].kind in spec.kinds)


def _definition(code: Code) -> str:
    return code.description.strip()


def _section(code: Code, level: int, facts: StudyFacts, by_code: dict[str, list[Excerpt]]) -> Section:
    return Section(
        code.key,
        code.name,
        level,
        _definition(code),
        code.use_when.strip(),
        code.not_when.strip(),
        facts.code_memos.get(code.key, ""),
        tuple(by_code.get(code.key, ())),
    )


def _subtree(
    key: str, level: int, facts: StudyFacts, wanted: set[str], by_code: dict[str, list[Excerpt]]
) -> list[Section]:
    """Sections for the wanted codes below ``key``, depth first, ``level`` for its children."""
    out: list[Section] = []
    for code in facts.codes:
        if code.parent == key and code.key in wanted:
            out.append(_section(code, level, facts, by_code))
            out.extend(_subtree(code.key, level + 1, facts, wanted, by_code))
    return out


def _chapters(
    spec: ReportSpec, facts: StudyFacts, wanted: set[str], by_code: dict[str, list[Excerpt]]
) -> tuple[Chapter, ...]:
    codes = {c.key: c for c in facts.codes}
    if spec.sections:
        return tuple(
            Chapter(
                "",
                section.title,
                "",
                "",
                (),
                tuple(
                    item
                    for key in section.codes
                    for item in [
                        _section(codes[key], 2, facts, by_code),
                        *_subtree(key, 3, facts, wanted, by_code),
                    ]
                ),
            )
            for section in spec.sections
        )
    chapters = []
    for root in (c for c in facts.codes if c.parent is None):
        sections = _subtree(root.key, 2, facts, wanted, by_code)
        if root.key not in wanted and not sections:
            continue
        own = tuple(by_code.get(root.key, ())) if root.key in wanted else ()
        memo = facts.code_memos.get(root.key, "")
        chapters.append(Chapter(root.key, root.name, _definition(root), memo, own, tuple(sections)))
    return tuple(chapters)


def _all_sections(chapter: Chapter) -> list[Section]:
    """A chapter's sections, led by the excerpts coded on the chapter's own code (if any)."""
    own = []
    if chapter.code and chapter.excerpts:
        own = [
            Section(
                chapter.code, chapter.title, 1, chapter.definition, "", "", chapter.memo, chapter.excerpts
            )
        ]
    return own + list(chapter.sections)


def attribute_columns(facts: StudyFacts, with_municipality: bool) -> tuple[AttributeColumn, ...]:
    """The case attributes shown as columns, by name; municipality links only when asked."""
    hidden = frozenset() if with_municipality else facts.municipality_attributes
    types = {a.name: a.type for a in facts.case_attributes if a.scope is AttributeScope.CASE}
    for values in facts.case_values.values():
        for value in values:
            types.setdefault(value.attribute, value.type)
    return tuple(AttributeColumn(name, types[name]) for name in sorted(types) if name not in hidden)


def round_phrase(round_: Round) -> str:
    """ "runde 2" from a round labelled "Runde 2" (parentheses dropped), else the key."""
    label = re.sub(r"\s*\([^)]*\)", "", round_.label).strip()
    if not label:
        return round_.key
    return label[0].lower() + label[1:]


class _Labeller:
    """Makes excerpts: quote labels, participant labels and attributes as of the round."""

    def __init__(
        self, facts: StudyFacts, with_municipality: bool, columns: tuple[AttributeColumn, ...]
    ) -> None:
        self.facts = facts
        self.with_municipality = with_municipality
        self.columns = columns
        self._values: dict[tuple[str, str], tuple[str, ...]] = {}

    def who(self, participant: str | None, speaker: str | None) -> str:
        """The participant's label; "Intervjuer" or "Informant" when no participant is linked."""
        person = self.facts.persons.get(participant or "")
        if person is not None:
            return person.label or f"Deltaker {person.code}"
        if speaker and _INTERVIEWER.match(speaker.strip()):
            return "Intervjuer"
        return "Informant"

    def excerpt(self, passage: Passage) -> Excerpt:
        segment = passage.segment
        case_key, round_key = segment.source.case or "", segment.source.round or ""
        who = self.who(passage.participant, segment.speaker)
        parts = [who]
        case = self.facts.cases.get(case_key)
        if self.with_municipality and case is not None and case.kind is CaseKind.MUNICIPALITY:
            parts.append(case.label or case.key)
        round_ = self.facts.rounds.get(round_key)
        if round_ is not None:
            parts.append(round_phrase(round_))
        return Excerpt(
            coding_id=segment.coding_id,
            code=segment.code,
            text=segment.text,
            label=", ".join(parts),
            memo=segment.memo,
            source=segment.source.name,
            case=case_key,
            round=round_key,
            speaker=segment.speaker or "",
            participant=passage.participant or "",
            participant_label=who,
            coder=segment.coder,
            start=segment.start,
            end=segment.end,
            attributes=self.values(case_key, round_key),
        )

    def values(self, case_key: str, round_key: str) -> tuple[str, ...]:
        """Each column's value for a case as of a round: the latest value set at or before it."""
        cached = self._values.get((case_key, round_key))
        if cached is not None:
            return cached
        round_ = self.facts.rounds.get(round_key)
        position = round_.position if round_ is not None else 0
        best: dict[str, tuple[int, str]] = {}
        for value in self.facts.case_values.get(case_key, ()):
            at = self.facts.rounds[value.round].position if value.round in self.facts.rounds else 0
            if value.round is not None and (round_ is None or at > position):
                continue
            if value.attribute not in best or at >= best[value.attribute][0]:
                best[value.attribute] = (at, value.value)
        found = tuple(best.get(c.name, (0, ""))[1] for c in self.columns)
        self._values[(case_key, round_key)] = found
        return found


def _matrix(spec: ReportSpec, facts: StudyFacts, chapters: tuple[Chapter, ...]) -> Matrix:
    sections = [s for c in chapters for s in _all_sections(c)]
    if spec.matrix == "rounds":
        keys = sorted(facts.rounds, key=lambda k: facts.rounds[k].position)
        headers = [facts.rounds[k].label or k for k in keys]
        pick = "round"
        title = "Antall utdrag per kode og runde"
    else:
        present = {e.case for s in sections for e in s.excerpts}
        keys = sorted(k for k in facts.cases if k in present)
        headers = [facts.cases[k].label or k for k in keys]
        pick = "case"
        title = "Antall utdrag per kode og sak"
    rows = []
    for section in sections:
        counts = dict.fromkeys(keys, 0)
        for excerpt in section.excerpts:
            key = getattr(excerpt, pick)
            if key in counts:
                counts[key] += 1
        rows.append((section.name, tuple(counts[k] for k in keys)))
    return Matrix(title, tuple(headers), tuple(rows))


def _facts(spec: ReportSpec, facts: StudyFacts, count: int, today: str) -> tuple[str, ...]:
    lines = [facts.project] if facts.project else []
    if spec.codes:
        lines.append("Koder: " + ", ".join(spec.codes))
    for name, values in (("Saker", spec.cases), ("Runder", spec.rounds), ("Kodere", spec.coders)):
        if values:
            lines.append(f"{name}: " + ", ".join(values))
    if spec.kinds:
        lines.append("Sakstyper: " + ", ".join(k.value for k in spec.kinds))
    lines.append(f"{count} utdrag")
    if spec.pseudonymise:
        lines.append("Pseudonymisert: navn og steder er erstattet med [klammer] eller deltakerkoder.")
    if today:
        lines.append(f"Laget {today}")
    return tuple(lines)
