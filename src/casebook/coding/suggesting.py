"""Proposing codes for passages: the codebook's signals and a model learnt from codings.

A **passage** is a sentence of a speaker's turn (the interviewer's questions are left
out): the unit suggestions are made at, learnt from and evaluated on.

Signals (``casebook.text.signal_matcher``) give a score by how specific the match is,
a phrase more than a single word, a word more than a compound head or a prefix; several
signals of one code in a passage add up (``1 - Π(1 - s)``). A signal of a barrier
(valence *hindrer*) that is negated in its clause (``ikke noe problem med
taushetsplikten``) proposes nothing; a negated signal of another code counts half. A
code's exclusion signal (``!…``) in the passage proposes nothing of that code.

The model (``casebook.text.classifier``) gives a probability per code, learnt from the
codes coders chose; a code is proposed when signals and model together reach
``THRESHOLD``, and of a code and its ancestor proposed for one passage only the more
specific one is kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casebook.model.sources import Turn
from casebook.model.suggestions import Origin, Proposal
from casebook.text import nlp
from casebook.text.classifier import CodeModel, features
from casebook.text.signal_matcher import Hit, Rule, SignalMatcher
from casebook.text.signal_syntax import parse_signal

if TYPE_CHECKING:
    from spacy.tokens import Span

THRESHOLD = 0.5
"""The score a proposal must reach."""
WEIGHTS = {
    "phrase": 0.8,
    "as written": 0.75,
    "word": 0.7,
    "regex": 0.7,
    "compound": 0.6,
    "prefix": 0.6,
    "suffix": 0.55,
}
"""The score of one signal hit, by how it matched."""
INTERVIEWERS = frozenset(
    {"i", "int", "intervjuer", "intervjuar", "interviewer", "forsker", "forskar", "moderator"}
)
"""Speaker labels whose turns are questions, not data."""
MAX_EVIDENCE = 4
OPENING = '[(«"“‘'
"""Characters that open the next sentence even when the splitter leaves them on this one."""


@dataclass(frozen=True, slots=True)
class CodeSignals:
    """What the suggester needs to know of a code."""

    key: str
    valence: str = "nøytral"
    signals: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of a turn: ``text[start:end]`` of its source, and its parsed words."""

    start: int
    end: int
    span: Span


def passages(text: str, turns: Sequence[Turn]) -> list[Passage]:
    """The passages of a source: each sentence of each turn but the interviewer's."""
    pieces = [(t.body_start, t.end) for t in turns if (t.speaker or "").strip().lower() not in INTERVIEWERS]
    if not turns:
        pieces = [(0, len(text))]
    found: list[Passage] = []
    for (offset, _), doc in zip(pieces, nlp.parse_many(text[a:b] for a, b in pieces), strict=True):
        carried: int | None = None  # where an opening bracket left on the sentence before starts
        for sent in doc.sents:
            words = sent.text
            start = offset + sent.start_char + (len(words) - len(words.lstrip()))
            if carried is not None:
                start, carried = carried, None
            body = words.strip()
            kept = body.rstrip(OPENING).rstrip()  # "bra. [latter] Hun": the [ opens the next one
            if len(kept) < len(body):
                carried = offset + sent.start_char + words.index(body) + len(kept)
                carried += len(body[len(kept) :]) - len(body[len(kept) :].lstrip())
            end = offset + sent.start_char + words.index(body) + len(kept) if kept else start
            if any(ch.isalpha() for ch in text[start:end]):
                found.append(Passage(start, end, sent))
    return found


@dataclass
class _Score:
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def add(self, weight: float, note: str) -> None:
        self.score = 1 - (1 - self.score) * (1 - weight)
        if note not in self.evidence:
            self.evidence.append(note)


class Suggester:
    """Proposes codes for passages from a codebook's signals and, if given, a model."""

    def __init__(self, codes: Sequence[CodeSignals], model: CodeModel | None = None) -> None:
        self.valence = {c.key: c.valence for c in codes}
        self.parent = {c.key: c.parent for c in codes}
        rules = [Rule(c.key, raw, parse_signal(raw)) for c in codes for raw in c.signals]
        self.matcher = SignalMatcher(rules)
        self.model = model if model is not None and model.codes else None

    def signal_scores(
        self, passage: Passage, cache: dict[int, tuple[Any, list[Hit]]] | None = None
    ) -> dict[str, _Score]:
        """Codes the signals propose for one passage, with their evidence (``cache``
        keeps each turn's hits while its passages are scored)."""
        span = passage.span
        doc = span.doc
        cache = {} if cache is None else cache
        if id(doc) not in cache:
            cache[id(doc)] = (doc, self.matcher.hits(doc))
        hits = [h for h in cache[id(doc)][1] if h.start >= span.start and h.end <= span.end]
        excluded = {h.rule.code for h in hits if h.rule.signal.exclude}
        scores: dict[str, _Score] = {}
        for hit in hits:
            code = hit.rule.code
            if hit.rule.signal.exclude or code in excluded:
                continue
            weight, note = _weigh(hit, doc, self.valence.get(code, "nøytral"))
            if weight:
                scores.setdefault(code, _Score()).add(weight, note)
        return scores

    def propose(self, source_id: int, found: Sequence[Passage]) -> list[Proposal]:
        """Proposals for the passages of one source, best first within each passage."""
        probabilities = self.model.predict([features(p.span) for p in found]) if self.model else None
        proposals: list[Proposal] = []
        cache: dict[int, tuple[Any, list[Hit]]] = {}
        for row, passage in enumerate(found):
            scores = self.signal_scores(passage, cache)
            learnt = self._learnt(probabilities, row, passage) if probabilities is not None else {}
            here = [
                proposal
                for code in sorted(set(scores) | set(learnt))
                if (proposal := _combine(source_id, passage, code, scores.get(code), learnt.get(code)))
            ]
            chosen = most_specific({p.code for p in here}, self.parent)
            proposals.extend(p for p in here if p.code in chosen)
        return proposals

    def _learnt(self, probabilities: Any, row: int, passage: Passage) -> dict[str, tuple[float, str]]:
        assert self.model is not None
        found: dict[str, tuple[float, str]] = {}
        for column, code in enumerate(self.model.codes):
            p = float(probabilities[row, column])
            if p >= THRESHOLD / 2:
                found[code] = (p, self._why(passage, column, p))
        return found

    def _why(self, passage: Passage, column: int, p: float) -> str:
        """The model's evidence: its probability and the passage's strongest features."""
        assert self.model is not None
        vocabulary, weights = self.model.vocabulary, self.model.weights
        present = [
            (float(weights[vocabulary[f], column]), f) for f in features(passage.span) if f in vocabulary
        ]
        best = [f.removeprefix("h:") for w, f in sorted(present, reverse=True)[:3] if w > 0]
        return f"model {p:.2f}" + (f": {', '.join(best)}" if best else "")


def _weigh(hit: Hit, doc: Any, valence: str) -> tuple[float, str]:
    """A hit's weight and its evidence line. A barrier whose clause denies a problem
    (``ikke noe problem``) weighs nothing; a negated signal weighs half, since a negator
    can deny a barrier (``ikke byråkratisk``) or name one (``ikke kapasitet``)."""
    words = doc[hit.start : hit.end].text
    note = f"{hit.rule.raw} ({hit.how}): {words}" if hit.how != "word" else f"{hit.rule.raw}: {words}"
    weight = WEIGHTS[hit.how]
    negation = nlp.negation(doc, hit.start, hit.end)
    if negation == "denied" and valence == "hindrer":
        return 0.0, ""
    if negation:
        return weight / 2, note + " (negated)"
    return weight, note


def combined(s: float, p: float) -> tuple[float, Origin]:
    """One score from the signals' ``s`` and the model's probability ``p``: both add up
    when the model is at least half sure, else the larger counts."""
    if s and p >= THRESHOLD / 2:
        return 1 - (1 - s) * (1 - p), Origin.BOTH
    if s >= p:
        return s, Origin.SIGNALS
    return p, Origin.MODEL


def most_specific(codes: set[str], parent: Mapping[str, str | None]) -> set[str]:
    """The codes without those that are an ancestor of another one: a passage proposed
    for *familie* and *familie.venting* is proposed for *familie.venting*."""
    ancestors: set[str] = set()
    for code in codes:
        up = parent.get(code)
        while up:
            ancestors.add(up)
            up = parent.get(up)
    return codes - ancestors


def _combine(
    source_id: int, passage: Passage, code: str, signals: _Score | None, learnt: tuple[float, str] | None
) -> Proposal | None:
    s = signals.score if signals else 0.0
    p = learnt[0] if learnt else 0.0
    score, origin = combined(s, p)
    if score < THRESHOLD:
        return None
    evidence = (signals.evidence[:MAX_EVIDENCE] if signals else []) + (
        [learnt[1]] if learnt and p >= THRESHOLD / 2 else []
    )
    return Proposal(source_id, passage.start, passage.end, code, round(score, 3), origin, tuple(evidence))


def training_labels(found: Sequence[Passage], codings: Iterable[tuple[int, int, str]]) -> list[set[str]]:
    """The codes each passage has: a coding that covers at least half of it, or lies
    inside it (a short coding within a sentence)."""
    labels: list[set[str]] = [set() for _ in found]
    spans = sorted(codings)
    starts = [p.start for p in found]
    for start, end, code in spans:
        first = max(0, bisect.bisect_right(starts, start) - 1)
        for i in range(first, len(found)):
            p = found[i]
            if p.start >= end:
                break
            overlap = min(end, p.end) - max(start, p.start)
            if overlap > 0 and (2 * overlap >= p.end - p.start or (start >= p.start and end <= p.end)):
                labels[i].add(code)
    return labels
