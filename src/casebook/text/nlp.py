"""The Norwegian text pipeline: spaCy's blank ``nb`` tokenizer with casebook's own word
keys and sentence boundaries, loaded lazily once per process.

Each token's ``lemma_`` holds its match key and its ``norm_`` the key of its last
compound part (see ``casebook.text.lexicon``): ``barnekoordinatoren`` has lemma
``barnekoordinator`` and norm ``koordinator``. spaCy has no Norwegian model on the
registry and none is downloaded: the keys come from simplemma's Bokmål and Nynorsk
dictionaries and the Snowball stemmer, cached per distinct word, so a token costs one
dictionary look-up once its word has been seen.

Negation is judged per match, not per token (``negation``): a negator (``ikke``,
``ikkje``, ``ingen``, ``aldri`` …) shortly before the match in the same clause, or a
denied problem (``ikke noe problem``, ``ikkje til hinder``) anywhere in its clause.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from casebook.text import lexicon

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

NEGATORS = frozenset({"ikke", "ikkje", "ingen", "inga", "intet", "aldri", "verken", "uten", "utan"})
"""Words that deny what follows them in their clause."""
NEGATION_WINDOW = 3
"""How many words before a match a negator may stand (``ikke så mye vedtak``)."""
PROBLEM_WORDS = frozenset(
    {"problem", "hinder", "hindring", "vanskelig", "vanskeleg", "utfordring", "utfordrende", "utfordrande"}
    | {"vanske", "trøbbel", "bry"}
)
"""Words that, denied (``ikke noe problem``, ``ikkje til hinder``), deny the barrier named
in the same clause."""
CLAUSE_BREAKS = frozenset({",", ";", ":", ".", "!", "?", "men", "mens", "selv om", "sjølv om", "–", "—"})
"""Tokens that end a clause for negation scope."""

_lock = threading.Lock()
_loaded: list[Language] = []
_words: dict[str, tuple[int, int]] = {}
"""Lower-case word → (hash of key, hash of head), filled as words are seen."""


def pipeline() -> Language:
    """The shared pipeline (about a second to load the first time)."""
    with _lock:
        if not _loaded:
            _loaded.append(_build())
        return _loaded[0]


def _build() -> Language:
    """spaCy's blank Norwegian pipeline with casebook's component; the dictionaries load
    in a thread meanwhile (their decompression does not hold the interpreter)."""
    loading = threading.Thread(target=lexicon.load, daemon=True)
    loading.start()
    import spacy
    from spacy.language import Language

    if not Language.has_factory("casebook_keys"):
        Language.component("casebook_keys", func=_set_keys)
    nlp = spacy.blank("nb")
    nlp.add_pipe("casebook_keys")
    loading.join()
    return nlp


TERMINALS = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
"""Tokens that end a sentence."""
CLOSING = frozenset({"»", "”", '"', "'", "’", ")", "]", "}"})
"""Tokens that still belong to the sentence a terminal ended (``«Ja.»``)."""


def _set_keys(doc: Doc) -> Doc:
    """Give every token its key as lemma and its compound head as norm, and mark where
    sentences start: after a full stop, question or exclamation mark (and any closing
    quote or bracket after it), and after a line break. Works on arrays of word ids, so
    a token costs a dictionary look-up of its word, once per distinct word."""
    import numpy
    from spacy.attrs import LEMMA, LOWER, NORM, SENT_START  # type: ignore[import-not-found]

    if not len(doc):
        return doc
    strings = doc.vocab.strings
    words = _words
    lowers = doc.to_array([LOWER]).tolist()
    found = []
    for lower in lowers:
        keys = words.get(lower)
        if keys is None:
            key, head = lexicon.analyse(strings[lower])
            keys = words[lower] = (strings.add(key), strings.add(head))
        found.append(keys)
    starts = _sentence_starts([strings[h] for h in lowers])
    rows = numpy.array([(k, h, st) for (k, h), st in zip(found, starts, strict=True)], dtype="uint64")
    doc.from_array([LEMMA, NORM, SENT_START], rows)  # type: ignore[arg-type]
    return doc


def _sentence_starts(texts: list[str]) -> list[int]:
    """SENT_START values (1 starts a sentence, -1 does not; as unsigned for from_array)."""
    no = 2**64 - 1  # -1 as uint64
    starts = [no] * len(texts)
    starts[0] = 1
    ended = False
    for i, text in enumerate(texts):
        if ended and text not in CLOSING and not text.isspace():
            starts[i] = 1
            ended = False
        if text in TERMINALS or ("\n" in text and text.isspace()):
            ended = True
    return starts


def parse(text: str) -> Doc:
    """One text through the pipeline."""
    return pipeline()(text)


def parse_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
    """Many texts through the pipeline, in order."""
    return pipeline().pipe(texts, batch_size=batch_size)


def keys_of(text: str) -> list[str]:
    """The keys of the words of ``text`` (tokens that are words only), e.g. for a signal."""
    return [token.lemma_ for token in parse(text) if not token.is_punct and not token.is_space]


def _clause_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range of the clause around ``doc[start:end]``, within its sentence."""
    left = start
    while left > 0 and not doc[left].is_sent_start and doc[left - 1].lower_ not in CLAUSE_BREAKS:
        left -= 1
    right = end
    while right < len(doc) and not doc[right].is_sent_start and doc[right].lower_ not in CLAUSE_BREAKS:
        right += 1
    return left, right


def negation(doc: Doc, start: int, end: int) -> str:
    """How the match ``doc[start:end]`` is negated in its clause: ``"denied"`` when the
    clause says a problem was none (``ikke noe problem``, ``ikkje til hinder``),
    ``"negated"`` when a negator stands shortly before it, ``""`` otherwise. A match that
    contains its own negator (the signal ``ikke mitt ansvar``) is not negated by it."""
    left, right = _clause_bounds(doc, start, end)
    if _denied_problem(doc, left, right):
        return "denied"
    if any(doc[i].lower_ in NEGATORS for i in range(start, end)):
        return ""
    for i in range(max(left, start - NEGATION_WINDOW), start):
        if doc[i].lower_ in NEGATORS:
            return "negated"
    return ""


def _denied_problem(doc: Doc, left: int, right: int) -> bool:
    """Does the clause say a problem was not one (``ikke noe problem``, ``ikkje til hinder``)?"""
    for i in range(left, right):
        if doc[i].lower_ not in NEGATORS:
            continue
        for j in range(i + 1, min(right, i + 4)):
            token: Any = doc[j]
            if token.lemma_ in PROBLEM_WORDS or token.norm_ in PROBLEM_WORDS:
                return True
    return False
