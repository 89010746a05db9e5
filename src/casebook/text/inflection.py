"""Inflection-aware word search for Norwegian: ``møteplass`` finds ``møteplassene``.

Two offline sources of word forms, both loaded lazily on first use through
``casebook.text.lexicon``, the word analysis the code suggester uses too (``warm_up``
loads them ahead of time, e.g. in a thread while the researcher types a query):

- simplemma's Bokmål and Nynorsk lemma dictionaries, for irregular forms whose stems
  differ (*engel → englene*, *mann → menn*, *bok → bøkene*);
- the Snowball Norwegian stemmer (PyStemmer), for words the dictionaries lack and for
  compounds that end in the word (*barnekoordinatoren* for *koordinator*).

Words are compared in lower case only: æ, ø and å are letters of their own and never
folded, so ``får`` never matches ``far``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from casebook.text import lexicon

_WORD = re.compile(r"\w+")
MIN_STEM = 4  # shorter stems are too ambiguous (``far``/``fare``): lemmas decide there
MIN_HEAD = 5  # a compound must end in at least this much of the word (``…koordinator``)


def warm_up(text: str = "") -> None:
    """Load the stemmer and the lemma dictionaries (about half a second, once), and analyse
    the words of ``text`` ahead of a search in it."""
    _analyse("barna")
    for word in _words(text)[1]:
        _analyse(word)


def stem(word: str) -> str:
    """The Norwegian stem of one word (lower case)."""
    return lexicon.stem(word.lower())


@lru_cache(maxsize=200_000)
def _analyse(word: str) -> tuple[str, frozenset[str]]:
    """Stem and lemmas of one lower-case word: the Bokmål and Nynorsk dictionary lemmas
    and its key in the suggester's pipeline (``casebook.text.lexicon``), so the search
    and the suggestions agree on what counts as a form of a word."""
    lemmas = {lemma for lemma in lexicon.lemmas(word) if lemma}
    lemmas.add(lexicon.analyse(word)[0])
    return lexicon.stem(word), frozenset(lemmas)


@lru_cache(maxsize=4)
def _words(text: str) -> tuple[tuple[tuple[int, int, str], ...], frozenset[str]]:
    """Every word of ``text`` with its offsets (lower case), and the distinct words."""
    words = tuple((m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text))
    return words, frozenset(w for _, _, w in words)


def is_form_of(word: str, query: str) -> bool:
    """Is ``word`` an inflected form of ``query``, or a compound ending in it? (Both lower case.)"""
    if word == query:
        return True
    q_stem, q_lemmas = _analyse(query)
    w_stem, w_lemmas = _analyse(word)
    if q_lemmas & w_lemmas:
        return True
    if len(q_stem) >= MIN_STEM and w_stem == q_stem:
        return True
    if len(q_stem) >= MIN_HEAD and w_stem.endswith(q_stem):
        return True
    heads = [q for q in q_lemmas if len(q) >= MIN_HEAD]
    return any(w.endswith(q) for w in w_lemmas for q in heads)


def find_inflected(text: str, query: str) -> list[tuple[int, int]]:
    """Words of ``text`` that are forms of the one-word ``query`` (or compounds ending in it)."""
    words = query.split()
    if len(words) != 1 or not _WORD.fullmatch(words[0]):
        return []
    target = words[0].lower()
    tokens, distinct = _words(text)
    matching = {word for word in distinct if is_form_of(word, target)}
    return [(start, end) for start, end, word in tokens if word in matching]
