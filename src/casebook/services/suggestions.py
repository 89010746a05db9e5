"""Code suggestions: run the suggester, review its proposals, keep what a coder accepts.

Suggestions belong to the pseudo-coder ``suggester`` and live apart from codings: the
suggester never codes. A coder accepts one (it becomes that coder's coding, with the
suggestion recorded as its origin), edits its span first, or rejects it (kept, and never
proposed again). The model learns from every human coding in the project, and from the
codebook's examples; it is kept in the project and learns again when codings change.

A run is remembered per source (``suggestion_runs``): a source whose text, codebook
signals and model are as they were is not run again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from casebook.coding.spans import check_span
from casebook.coding.suggesting import CodeSignals, Suggester, passages, training_labels
from casebook.errors import Conflict, NotFound
from casebook.model.codes import Code
from casebook.model.sources import Source
from casebook.model.suggestions import Status, Suggestion
from casebook.services import suggest_pool
from casebook.services.coding import refuse_pseudo_coder
from casebook.services.project import Project
from casebook.storage import code_store, coding_store, source_store, suggestion_store
from casebook.text.classifier import CodeModel, features

SUGGESTER_VERSION = "1"
"""Bumped when the suggester's rules change, so every source is run again."""

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The learnt model: how much it learnt from and which codes it can propose."""

    passages: int
    codings: int
    codes: tuple[str, ...]
    trained: bool
    seconds: float
    stamp: str = ""


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a suggestion run did."""

    suggestions: list[Suggestion]
    sources_run: int
    sources_unchanged: int
    tokens: int
    seconds: float
    model: ModelInfo | None


def code_signals(codes: Sequence[Code]) -> list[CodeSignals]:
    return [CodeSignals(c.key, str(c.valence), c.signals, c.parent) for c in codes]


def _stamp(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def _signals_stamp(codes: Sequence[Code]) -> str:
    return _stamp([(c.key, str(c.valence), list(c.signals)) for c in codes])


MAX_TRAINING_PASSAGES = 30_000
"""Beyond this many passages the model learns from an even sample of them (every k-th, the
same each time): learning stays within seconds in a whole study."""
MAX_TRAINING_CHARACTERS = 4_000_000
"""Beyond this much coded text the model learns from an even sample of the coded sources
(every k-th by id), so that reading them stays within seconds too."""


def _training_sources(project: Project, spans: dict[int, list[tuple[int, int, str]]]) -> list[int]:
    """The coded sources to learn from: all of them, or an even sample of at most
    ``MAX_TRAINING_CHARACTERS`` of text."""
    ids = sorted(spans)
    sizes = source_store.sources_by_id(project.pdb, set(ids))
    total = sum(sizes[i].chars for i in ids)
    if total <= MAX_TRAINING_CHARACTERS:
        return ids
    step = total / MAX_TRAINING_CHARACTERS
    return [ids[int(k * step)] for k in range(int(len(ids) / step))] or ids[:1]


def _training_set(project: Project) -> tuple[list[list[str]], list[set[str]], int, int]:
    """Features and codes of the passages of the sources with human codings (an even
    sample of them in a large study), at most ``MAX_TRAINING_PASSAGES``; with how many
    passages and codings they hold."""
    pdb = project.pdb
    spans = suggestion_store.coded_spans(pdb)
    chosen = _training_sources(project, spans)
    found: list[list[str]] = []
    labels: list[set[str]] = []
    for source_id in chosen:
        parts = passages(source_store.source_text(pdb, source_id), source_store.source_turns(pdb, source_id))
        found.extend(features(p.span) for p in parts)  # words only: the parsed text is let go
        labels.extend(training_labels(parts, spans[source_id]))
    total = len(found)
    if total > MAX_TRAINING_PASSAGES:
        step = total / MAX_TRAINING_PASSAGES
        keep = [int(i * step) for i in range(MAX_TRAINING_PASSAGES)]
        found, labels = [found[i] for i in keep], [labels[i] for i in keep]
    return found, labels, total, sum(len(spans[i]) for i in chosen)


def example_passages(codes: Sequence[Code]) -> tuple[list[list[str]], list[set[str]]]:
    """The codebook's examples as passages of their code (a new project learns from these)."""
    from casebook.text import nlp

    texts = [(example, code.key) for code in codes for example in code.examples if example.strip()]
    docs = nlp.parse_many(text for text, _ in texts)
    return [features(doc[:]) for doc in docs], [{key} for _, key in texts]


def train(project: Project, force: bool = False) -> tuple[CodeModel, ModelInfo]:
    """The model learnt from the project's codings (and the codebook's examples), learnt
    again only when codings or the codebook changed since it was stored."""
    pdb = project.pdb
    codes = code_store.list_codes(pdb)
    stamp = _stamp(
        SUGGESTER_VERSION, suggestion_store.codings_stamp(pdb), [(c.key, c.examples) for c in codes]
    )
    stored = suggestion_store.load_model(pdb)
    if stored is not None and stored[0] == stamp and not force:
        model = CodeModel.from_bytes(stored[1])
        return model, ModelInfo(stored[2], stored[3], tuple(model.codes), False, 0.0, stamp)
    began = time.perf_counter()
    found, labels, total, n_codings = _training_set(project)
    example_features, example_labels = example_passages(codes)
    known = {c.key for c in codes}
    model = CodeModel.train(
        found + example_features,
        [ls & known for ls in labels + example_labels],
    )
    with pdb.atomic():
        suggestion_store.save_model(pdb, stamp, model.to_bytes(), total, n_codings)
    seconds = time.perf_counter() - began
    return model, ModelInfo(total, n_codings, tuple(model.codes), True, seconds, stamp)


def _sources(project: Project, refs: Sequence[str] | None) -> list[Source]:
    if refs:
        return [project.source(ref) for ref in refs]
    return project.sources()


def run(
    project: Project,
    sources: Sequence[str] | None = None,
    use_model: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
    list_open: bool = True,
) -> RunReport:
    """Propose codes for the given sources (all current ones when None) and store the
    proposals as open suggestions; returns the open suggestions of those sources (unless
    ``list_open`` is False: the caller lists them itself, e.g. as a stream). With
    ``jobs`` > 1 the sources are run in that many forked processes (command line only)."""
    began = time.perf_counter()
    pdb = project.pdb
    targets = _sources(project, sources)
    codes = code_store.list_codes(pdb)
    model, info = train(project) if use_model else (None, None)
    code_ids = {c.key: code_store.code_id(pdb, c.key) for c in codes}
    base = _stamp(SUGGESTER_VERSION, _signals_stamp(codes), info.stamp if info else "")
    fingerprints = {t.id: _stamp(base, t.sha256) for t in targets}
    todo = [t for t in targets if suggestion_store.run_fingerprint(pdb, t.id) != fingerprints[t.id]]
    tokens = 0
    if todo:
        suggester = Suggester(code_signals(codes), model)
        tasks = ((t.id, project.source_text(t), project.turns(t)) for t in todo)
        results = suggest_pool.propose_all(suggester, tasks, jobs)
        for done, (source_id, count, proposals) in enumerate(results):
            if progress:
                progress("suggest", done, len(todo))
            tokens += count
            rejected = suggestion_store.rejected_spans(pdb, source_id)
            rows = [
                (p.start, p.end, code_ids[p.code], p.score, str(p.origin), list(p.evidence))
                for p in proposals
                if not _overlaps(p.start, p.end, p.code, rejected)
            ]
            with pdb.atomic():
                suggestion_store.replace_open(pdb, source_id, rows, fingerprints[source_id])
    if progress:
        progress("suggest", len(todo), len(todo))
    if not list_open:
        listed = []
    elif sources is None:
        listed = listing(project)
    else:
        listed = [s for t in targets for s in listing(project, str(t.id))]
    seconds = time.perf_counter() - began
    return RunReport(listed, len(todo), len(targets) - len(todo), tokens, seconds, info)


def _overlaps(start: int, end: int, code: str, spans: Sequence[tuple[int, int, str]]) -> bool:
    """Does a span of the same code overlap at least half of ``start:end``?"""
    return any(k == code and 2 * (min(end, b) - max(start, a)) >= end - start for a, b, k in spans)


def listing(
    project: Project,
    source: str | None = None,
    status: Status | None = Status.OPEN,
    ids: Sequence[int] | None = None,
) -> list[Suggestion]:
    """Suggestions in source order; open ones that a coder has since coded so are left out."""
    return list(iter_listing(project, source, status, ids))


def iter_listing(
    project: Project,
    source: str | None = None,
    status: Status | None = Status.OPEN,
    ids: Sequence[int] | None = None,
) -> Iterator[Suggestion]:
    """``listing`` one suggestion at a time (for printing a whole study's as they come)."""
    pdb = project.pdb
    source_id = source_store.get_source(pdb, source).id if source else None
    found = suggestion_store.iter_suggestions(pdb, source_id, status, ids)
    if status != Status.OPEN:
        yield from found
        return
    coded: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
    for sid, spans in suggestion_store.coded_spans(pdb, source_id).items():
        for span in spans:
            coded.setdefault((sid, span[2]), []).append(span)
    for s in found:
        if not _overlaps(s.start, s.end, s.code, coded.get((s.source_id, s.code), ())):
            yield s


def counts(project: Project) -> dict[str, int]:
    """Open, accepted and rejected suggestions in the project."""
    return suggestion_store.counts_by_status(project.pdb)


def _open(project: Project, ids: Sequence[int]) -> list[Suggestion]:
    found = {s.id: s for s in suggestion_store.list_suggestions(project.pdb, None, None, ids)}
    for i in ids:
        if i not in found:
            raise NotFound(f"no suggestion {i}")
        if found[i].status != Status.OPEN:
            raise Conflict(
                f"suggestion {i} was already {found[i].status} by {found[i].decided_by or 'someone'}"
            )
    return [found[i] for i in ids]


def accept(
    project: Project, ids: Sequence[int], coder: str, start: int | None = None, end: int | None = None
) -> list[int]:
    """Accept suggestions: each becomes a coding by ``coder`` (over ``start:end`` when the
    span was edited; one suggestion only then), recorded as its origin. All or none."""
    refuse_pseudo_coder(coder)
    pdb = project.pdb
    if (start is not None or end is not None) and len(ids) != 1:
        raise Conflict("a span can be edited for one suggestion at a time")
    made: list[int] = []
    with pdb.atomic():
        who = coding_store.coder_id(pdb, coder)
        for s in _open(project, ids):
            a = s.start if start is None else start
            b = s.end if end is None else end
            check_span(a, b, project.source(str(s.source_id)).chars)
            code_id = code_store.code_id(pdb, s.code)
            coding = coding_store.find_coding(pdb, s.source_id, a, b, code_id, who)
            if coding is None:
                coding = coding_store.insert_coding(pdb, s.source_id, a, b, code_id, who, "")
            suggestion_store.mark(pdb, s.id, Status.ACCEPTED, coder, coding)
            made.append(coding)
    return made


def reject(project: Project, ids: Sequence[int], coder: str) -> int:
    """Reject suggestions; they are kept and never proposed again. All or none."""
    pdb = project.pdb
    with pdb.atomic():
        for s in _open(project, ids):
            suggestion_store.mark(pdb, s.id, Status.REJECTED, coder)
    return len(ids)


def reopen(project: Project, ids: Sequence[int], coder: str) -> int:
    """Take decisions back (undo): accepted or rejected suggestions are open again, and
    the codings accepted ones became are removed (only ``coder``'s own). All or none."""
    pdb = project.pdb
    with pdb.atomic():
        found = {s.id: s for s in suggestion_store.list_suggestions(pdb, None, None, ids)}
        for i in ids:
            s = found.get(i)
            if s is None:
                raise NotFound(f"no suggestion {i}")
            if s.status == Status.OPEN:
                continue
            if s.decided_by != coder:
                raise Conflict(f"suggestion {i} was {s.status} by {s.decided_by}, not by {coder}")
            if s.coding_id is not None:
                coding_store.delete_coding(pdb, s.coding_id)
            suggestion_store.reopen(pdb, i)
    return len(ids)


def in_same_turn(project: Project, suggestion_id: int) -> list[Suggestion]:
    """The open suggestions in the turn of ``suggestion_id`` (it included)."""
    (s,) = _open(project, [suggestion_id])
    turns = source_store.source_turns(project.pdb, s.source_id)
    turn = next((t for t in turns if t.start <= s.start < t.end), None)
    lo, hi = (turn.start, turn.end) if turn else (0, project.source(str(s.source_id)).chars)
    return [x for x in listing(project, str(s.source_id)) if lo <= x.start and x.end <= hi]


def origins(project: Project, coding_ids: Sequence[int]) -> dict[int, int]:
    """The suggestion each coding came from, where one did."""
    return suggestion_store.origins(project.pdb, coding_ids)
