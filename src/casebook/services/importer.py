"""Import transcripts with their interview metadata: all of a batch, or nothing.

Files are read and split into turns first (no database work); then one transaction
resolves cases, rounds and informants and stores every source. Identical text is a
no-op; identical text with other metadata (case, round, date, informants ...) is not
imported either, but reported with the ``source set`` command that would change it.
Changed text under an existing name becomes a new version beside the old one, whose
codings stay where they are. Lines that look like speaker labels but start no turn are
reported as warnings.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from casebook.errors import (
    CasebookError,
    Conflict,
    DiskFull,
    ImportProblem,
    InvalidValue,
    NotFound,
    ProjectError,
)
from casebook.importing.manifest import parse_speakers, read_manifest
from casebook.importing.readers import read_file
from casebook.importing.studyfile import StudySpec, read_study
from casebook.model.attributes import AttributeScope
from casebook.model.names import checked_key, checked_source_name
from casebook.model.sources import ParsedDocument, Source
from casebook.model.study import InterviewMeta, Person
from casebook.services.project import Project
from casebook.services.study import apply_study, set_attribute
from casebook.storage import source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.source_store import NewInterview, NewSource
from casebook.text.normalize import sha256_of
from casebook.text.turns import LabelLine, compile_speaker_pattern, label_parts, unrecognised_labels

Progress = Callable[[str, int, int], None]
Status = Literal["new", "version", "unchanged", "metadata differs"]
_LABELS_SHOWN = 5


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
    warnings: tuple[str, ...] = ()
    """Sentences for the researcher (each names its file or source), shown apart."""
    unrecognised: tuple[LabelLine, ...] = ()
    """Lines of the stored text that look like speaker labels but start no turn."""
    fix: str = ""
    """The command that does what the import could not (``casebook source set ...``)."""


@dataclass
class ImportReport:
    """Every file's outcome, in input order."""

    outcomes: list[ImportOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many files ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def warnings(self) -> list[str]:
        """Everything the researcher should look at, one sentence each, in input order."""
        return [warning for outcome in self.outcomes for warning in outcome.warnings]

    def summary(self) -> str:
        """One line counting the outcomes."""
        return (
            f"{self.count('new')} new, {self.count('version')} new version(s),"
            f" {self.count('unchanged')} unchanged,"
            f" {self.count('metadata differs')} with other metadata (not imported)"
        )


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
    """Import ``items`` (and apply ``study`` first) in one transaction, all or none.

    Files are read and stored one at a time, so memory holds one parsed document, not the
    whole batch; a file that cannot be read undoes the batch like any other failure."""
    _check_names(items)
    report = ImportReport()
    pdb = project.pdb
    try:
        with pdb.atomic():
            if study is not None:
                try:
                    apply_study(pdb, study)
                except ProjectError:
                    raise
                except CasebookError as exc:
                    raise ImportProblem(study.origin or "study file", exc.message, exc.hint) from None
            for index, item in enumerate(items, 1):
                _import_one(pdb, item, speaker_pattern, report)
                if progress:
                    progress("importing", index, len(items))
    except DiskFull:
        at = min(len(report.outcomes), len(items) - 1)  # the file being stored, or the last
        where = f" while importing {items[at].path.name}" if items else ""
        where += f" (file {at + 1} of {len(items)})" if len(items) > 1 else ""
        raise DiskFull(
            f"{pdb.path}: the disk is full{where}: nothing of this import was saved;"
            " the project is as it was before it",
            "free some space and import again",
        ) from None
    return report


def _import_one(
    pdb: ProjectDB, item: ImportItem, speaker_pattern: re.Pattern[str] | None, report: ImportReport
) -> None:
    """Read and store one file inside the batch; a problem names the file (and its
    manifest line), a problem of the project file itself is passed on as it is."""
    try:
        doc = read_file(item.path, speaker_pattern, tuple(item.meta.speakers))
        report.outcomes.append(_store(pdb, item, doc))
    except ProjectError:
        raise
    except CasebookError as exc:
        if isinstance(exc, ImportProblem) and not item.origin:
            raise
        raise ImportProblem(item.origin or item.path, _problem(exc), exc.hint) from None


def _problem(exc: CasebookError) -> str:
    """What went wrong, without the file name an ImportProblem already carries."""
    return exc.problem if isinstance(exc, ImportProblem) else exc.message


def _source_name(item: ImportItem) -> str:
    """The name the item's source gets: ``--name`` (or the manifest's) or the file name
    without suffix, NFC-normalised, printable and not only digits."""
    try:
        return checked_source_name(item.meta.name or item.path.stem)
    except InvalidValue as exc:
        raise ImportProblem(item.origin or item.path, exc.message, exc.hint) from None


def _check_names(items: Sequence[ImportItem]) -> None:
    seen: dict[str, ImportItem] = {}
    for item in items:
        name = _source_name(item)
        if name in seen and seen[name].path != item.path:
            raise ImportProblem(
                item.origin or item.path,
                f"would become source {name!r}, like {seen[name].path.name}",
                "give one of them another name",
            )
        seen[name] = item


def _store(pdb: ProjectDB, item: ImportItem, doc: ParsedDocument) -> ImportOutcome:
    meta = item.meta
    name = _source_name(item)
    turns = doc.turns or ()
    sha = sha256_of(doc.text)
    same = source_store.find_by_sha(pdb, sha)
    if same is not None:
        return _same_text(pdb, item, same)
    interview = _interview(pdb, meta)
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
    lines = unrecognised_labels(doc.text, turns)
    warnings = (_label_warning(item, lines),) if lines else ()
    if previous is None:
        return ImportOutcome(
            item.path, name, "new", source_id, 1, len(doc.text), len(turns), "", warnings, lines
        )
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
        warnings,
        lines,
    )


def _label_warning(item: ImportItem, lines: tuple[LabelLine, ...]) -> str:
    """``12 lines look like speaker labels but were not recognised: "Merknad:" (line 3) ...``"""
    first: dict[str, int] = {}
    for entry in lines:
        first.setdefault(entry.label, entry.line)
    shown = ", ".join(f'"{label}" (line {line})' for label, line in list(first.items())[:_LABELS_SHOWN])
    more = " …" if len(first) > _LABELS_SHOWN else ""
    if len(lines) == 1:
        what = "1 line looks like a speaker label but was not recognised"
    else:
        what = f"{len(lines)} lines look like speaker labels but were not recognised"
    mapping = "a speakers column LABEL=CODE in the manifest" if item.origin else "--speaker LABEL=CODE"
    return f"{item.path.name}: {what}: {shown}{more} (use --speaker-pattern or {mapping})"


def _same_text(pdb: ProjectDB, item: ImportItem, same: Source) -> ImportOutcome:
    """Text already stored: unchanged when the metadata agrees; otherwise nothing is
    written and the outcome says what differs and which command would change it."""
    differences = _differences(pdb, item.meta, same)
    if not differences:
        interview = _interview(pdb, item.meta)
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
    name = _source_name(item)
    stored = [_describe("case", same.case or "")]
    stored += [_describe(what, old) for what, old, _, _ in differences if what != "case"]
    given = [_describe(what, new) for what, _, new, _ in differences]
    which = "stored" if name == same.name else f"stored source {same.name}"
    note = (
        f"same text as {which}, but the stored interview has {', '.join(stored)}"
        f" (you gave {', '.join(given)}); nothing imported"
    )
    fix = _fix_command(same, differences)
    return ImportOutcome(
        item.path,
        same.name,
        "metadata differs",
        same.id,
        same.version,
        same.chars,
        same.turns,
        note,
        (f"{name}: {note}. To change its metadata: {fix}",),
        fix=fix,
    )


# what, stored value, given value ("" for none), and the ``source set`` options that set it
_Difference = tuple[str, str, str, list[str]]


def _differences(pdb: ProjectDB, meta: InterviewMeta, same: Source) -> list[_Difference]:
    """What ``meta`` says that the stored interview of ``same`` does not (read-only: unknown
    cases, rounds and participant codes fail as they would on import)."""
    study_store.case_id(pdb, meta.case)
    if meta.round:
        study_store.round_id(pdb, meta.round)
    stored = {
        "case": same.case or "",
        "round": same.round or "",
        "date": same.date or "",
        "mode": same.mode,
        "place": same.place,
        "interviewer": same.interviewer,
    }
    given = {
        "case": meta.case,
        "round": meta.round or "",
        "date": meta.date or "",
        "mode": meta.mode,
        "place": meta.place,
        "interviewer": meta.interviewer,
    }
    found = [
        (what, stored[what], value, [f"--{what}", value])
        for what, value in given.items()
        if value and value != stored[what]
    ]
    codes = _informant_codes(pdb, meta)
    if codes:
        present = source_store.persons_by_source(pdb).get(same.id, [])
        if sorted(codes) != sorted(present):
            options = [word for code in codes for word in ("--informant", code)]
            found.append(("informants", ", ".join(present), ", ".join(codes), options))
    return found


def _informant_codes(pdb: ProjectDB, meta: InterviewMeta) -> list[str]:
    """The participant codes of ``--informant`` (``code`` or ``code=role``); a bare code
    must name a declared person."""
    codes = []
    for spec in meta.informants:
        code, _, role = (part.strip() for part in spec.partition("="))
        if not role:
            study_store.person_id(pdb, code)
        codes.append(code)
    if len(set(codes)) != len(codes):
        raise Conflict("an informant is listed twice")
    return codes


def _describe(what: str, value: str) -> str:
    if not value:
        return f"no {what}"
    return f'{what} "{value}"' if what in ("mode", "place", "interviewer") else f"{what} {value}"


def _fix_command(same: Source, differences: list[_Difference]) -> str:
    """``casebook source set NAME --round R2 ...`` for what differs (by id for an older
    version or a name that reads as an id)."""
    ref = same.name if same.current and not same.name.isdigit() else str(same.id)
    words = ["casebook", "source", "set", ref, *(word for *_, options in differences for word in options)]
    return " ".join(shlex.quote(word) for word in words)


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
    code = checked_key(code, "participant code")
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
    """Resolve a speaker label to a person: explicit mapping, code in parentheses, code,
    last word, unique role."""
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
        role, code = label_parts(low)  # "mor (11a)": the code in parentheses comes first
        words = role.split()
        for word in (code, low, words[-1] if words else None):
            if word and word in by_code:
                return by_code[word]
        roles = by_role.get(role, set())
        return next(iter(roles)) if len(roles) == 1 else None

    return resolve


def _set_attributes(pdb: ProjectDB, item: ImportItem, source_id: int, round_id: int | None) -> None:
    if item.case_attributes:
        case_id = study_store.case_id(pdb, item.meta.case)
        for attr, value in item.case_attributes.items():
            set_attribute(pdb, AttributeScope.CASE, case_id, attr, value, round_id)
    for attr, value in item.source_attributes.items():
        set_attribute(pdb, AttributeScope.SOURCE, source_id, attr, value, None)
