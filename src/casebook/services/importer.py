"""Import transcripts with their interview metadata: all of a batch, or nothing.

Files are read and split into turns first (no database work); then one transaction
resolves cases, rounds and informants and stores every source. Identical text is a
no-op; changed text under an existing name becomes a new version beside the old one,
whose codings stay where they are.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from casebook.errors import CasebookError, Conflict, ImportProblem, NotFound
from casebook.importing.manifest import parse_speakers, read_manifest
from casebook.importing.readers import read_file
from casebook.importing.studyfile import StudySpec, read_study
from casebook.model.attributes import AttributeScope
from casebook.model.sources import ParsedDocument
from casebook.model.study import InterviewMeta, Person
from casebook.services.project import Project
from casebook.services.study import apply_study, set_attribute
from casebook.storage import source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.source_store import NewInterview, NewSource
from casebook.text.normalize import sha256_of
from casebook.text.turns import compile_speaker_pattern

Progress = Callable[[str, int, int], None]
Status = Literal["new", "version", "unchanged"]


@dataclass(frozen=True)
class ImportItem:
    """One file to import and what is known about its interview."""

    path: Path
    meta: InterviewMeta
    case_attributes: dict[str, str] = field(default_factory=dict)
    source_attributes: dict[str, str] = field(default_factory=dict)
    origin: str = ""


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file."""

    path: Path
    name: str
    status: Status
    source_id: int
    version: int
    chars: int
    turns: int
    note: str = ""


@dataclass
class ImportReport:
    """Every file's outcome, in input order."""

    outcomes: list[ImportOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many files ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass(frozen=True)
class Batch:
    """What a manifest asks for: the files with their interview metadata, and the study."""

    items: list[ImportItem]
    study: StudySpec | None


def manifest_batch(manifest: Path, study: Path | None = None) -> Batch:
    """The rows of ``manifest.csv`` as import items (the one place rows become items), with
    ``study`` or else the ``study.toml`` beside the manifest."""
    rows = read_manifest(manifest)
    items = [
        ImportItem(
            r.path,
            r.meta,
            r.case_attributes,
            r.source_attributes,
            f"{manifest}: line {r.line}: {r.path.name}",
        )
        for r in rows
    ]
    beside = manifest.parent / "study.toml"
    chosen = study or (beside if beside.is_file() else None)
    return Batch(items, read_study(chosen) if chosen else None)


def study_spec(path: Path) -> StudySpec:
    """Read and check a study file (rounds, cases, persons, attributes)."""
    return read_study(path)


def speaker_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """A researcher's speaker-tag regex, checked (None: detect the usual tags)."""
    return compile_speaker_pattern(pattern) if pattern else None


def speaker_map(specs: Sequence[str]) -> dict[str, str]:
    """``--speaker LABEL=CODE`` options as a mapping from label to participant code."""
    return parse_speakers(";".join(specs))


def import_files(
    project: Project,
    items: Sequence[ImportItem],
    speaker_pattern: re.Pattern[str] | None = None,
    progress: Progress | None = None,
    study: StudySpec | None = None,
) -> ImportReport:
    """Import ``items`` (and apply ``study`` first) in one transaction."""
    _check_names(items)
    documents = []
    for index, item in enumerate(items, 1):
        try:
            documents.append(read_file(item.path, speaker_pattern))
        except ImportProblem as exc:
            if not item.origin:
                raise
            raise ImportProblem(item.origin, exc.problem, exc.hint) from None
        if progress:
            progress("reading", index, len(items))
    report = ImportReport()
    pdb = project.pdb
    with pdb.atomic():
        if study is not None:
            try:
                apply_study(pdb, study)
            except CasebookError as exc:
                raise ImportProblem(study.origin or "study file", exc.message, exc.hint) from None
        for index, (item, doc) in enumerate(zip(items, documents, strict=True), 1):
            try:
                report.outcomes.append(_store(pdb, item, doc))
            except CasebookError as exc:
                raise ImportProblem(item.origin or item.path, exc.message, exc.hint) from None
            if progress:
                progress("storing", index, len(items))
    return report


def _check_names(items: Sequence[ImportItem]) -> None:
    seen: dict[str, ImportItem] = {}
    for item in items:
        name = item.meta.name or item.path.stem
        if name in seen and seen[name].path != item.path:
            raise ImportProblem(
                item.origin or item.path,
                f"would become source {name!r}, like {seen[name].path.name}",
                "give one of them another name",
            )
        seen[name] = item


def _store(pdb: ProjectDB, item: ImportItem, doc: ParsedDocument) -> ImportOutcome:
    meta = item.meta
    name = meta.name or item.path.stem
    turns = doc.turns or ()
    sha = sha256_of(doc.text)
    interview = _interview(pdb, meta)
    same = source_store.find_by_sha(pdb, sha)
    if same is not None:
        _set_attributes(pdb, item, same.id, interview.round_id)
        return ImportOutcome(
            item.path,
            same.name,
            "unchanged",
            same.id,
            same.version,
            same.chars,
            same.turns,
            f"same text as source {same.id} {same.name!r}",
        )
    previous = source_store.latest_version(pdb, name)
    persons = _persons_for_speakers(pdb, interview)
    mapping = _speaker_map(meta, persons)
    new = NewSource(
        name=name,
        text=doc.text,
        sha256=sha,
        original_name=item.path.name,
        format=doc.format,
        encoding=doc.encoding,
        turns=turns,
        turn_persons=tuple(mapping(t.speaker) for t in turns),
    )
    if not interview.person_ids:
        spoke = tuple(sorted({p for p in new.turn_persons if p is not None}))
        interview = dataclasses.replace(interview, person_ids=spoke)
    source_id = source_store.insert_source(pdb, new, interview, previous)
    _set_attributes(pdb, item, source_id, interview.round_id)
    if previous is None:
        return ImportOutcome(item.path, name, "new", source_id, 1, len(doc.text), len(turns))
    kept = source_store.coding_count(pdb, previous.id)
    return ImportOutcome(
        item.path,
        name,
        "version",
        source_id,
        previous.version + 1,
        len(doc.text),
        len(turns),
        f"text changed; version {previous.version} keeps its {kept} codings",
    )


def _interview(pdb: ProjectDB, meta: InterviewMeta) -> NewInterview:
    case_id = study_store.case_id(pdb, meta.case)
    round_id = study_store.round_id(pdb, meta.round) if meta.round else None
    person_ids = tuple(_informant(pdb, meta.case, case_id, spec) for spec in meta.informants)
    if len(set(person_ids)) != len(person_ids):
        raise Conflict("an informant is listed twice")
    return NewInterview(case_id, round_id, meta.date, meta.mode, meta.place, meta.interviewer, person_ids)


def _informant(pdb: ProjectDB, case_key: str, case_id: int, spec: str) -> int:
    """``code`` of a declared person, or ``code=role`` to declare a case member."""
    code, _, role = (part.strip() for part in spec.partition("="))
    try:
        return study_store.person_id(pdb, code)
    except NotFound:
        if not role:
            raise
    study_store.ensure_unique_code(pdb, code, case_key)
    person = study_store.upsert_person(pdb, code, role)
    study_store.link_person(pdb, case_id, person, "member")
    return person


def _persons_for_speakers(pdb: ProjectDB, interview: NewInterview) -> list[Person]:
    if interview.person_ids:
        chosen = set(interview.person_ids)
        return [p for p in study_store.list_persons(pdb) if p.id in chosen]
    return study_store.persons_of_case(pdb, interview.case_id)


def _speaker_map(meta: InterviewMeta, persons: list[Person]) -> Callable[[str | None], int | None]:
    """Resolve a speaker label to a person: explicit mapping, code, last word, unique role."""
    by_code = {p.code.casefold(): p.id for p in persons}
    by_role: dict[str, set[int]] = {}
    for person in persons:
        for word in (person.role, person.profession, person.label):
            if word:
                by_role.setdefault(word.casefold(), set()).add(person.id)
    explicit: dict[str, int] = {}
    for label, code in meta.speakers.items():
        if code.casefold() not in by_code:
            raise NotFound(f"speaker mapping {label}={code}: {code!r} is not an informant of this interview")
        explicit[label] = by_code[code.casefold()]

    def resolve(label: str | None) -> int | None:
        if not label:
            return None
        if label in explicit:
            return explicit[label]
        low = label.casefold()
        for word in (low, low.split()[-1]):
            if word in by_code:
                return by_code[word]
        roles = by_role.get(low, set())
        return next(iter(roles)) if len(roles) == 1 else None

    return resolve


def _set_attributes(pdb: ProjectDB, item: ImportItem, source_id: int, round_id: int | None) -> None:
    if item.case_attributes:
        case_id = study_store.case_id(pdb, item.meta.case)
        for attr, value in item.case_attributes.items():
            set_attribute(pdb, AttributeScope.CASE, case_id, attr, value, round_id)
    for attr, value in item.source_attributes.items():
        set_attribute(pdb, AttributeScope.SOURCE, source_id, attr, value, None)
