"""What a Norwegian word is: its lemma, its match key and the head of a compound.

One analysis shared by the workbench search and the code suggester, from two offline
sources loaded lazily once per process (about half a second):

- simplemma's Bokmål and Nynorsk dictionaries (``møteplassene → møteplass``,
  ``teieplikta → teieplikt``, ``fikk → få``);
- the Snowball Norwegian stemmer (PyStemmer), for words neither dictionary knows.

A word's **key** is what two forms of one word have in common: its dictionary lemma
(Bokmål first, then Nynorsk; a word that is its own lemma in either keeps itself, so
``hinder`` stays ``hinder``), stemmed when the stem keeps at least five letters so that
verb and noun forms meet (``samarbeide``/``samarbeid``). A word neither dictionary
knows is split as a compound when its end is a known word and its start a known word,
with or without a joining *s* or *e* (``barnekoordinatoren`` = ``barn·e·koordinatoren``
→ key ``barnekoordinator``, head ``koordinator``). Otherwise its stem is its key.

Words are compared in lower case only: æ, ø and å are letters of their own and never
folded, so ``får`` is never ``far``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

LANGUAGES = ("nb", "nn")
MIN_KEY_STEM = 5
"""A stem shorter than this is too ambiguous to be a key (``fare`` → ``far``)."""
MIN_HEAD = 4
"""The shortest compound head (``møte``)."""
MIN_MODIFIER = 3
"""The shortest first part of a compound (``barn``)."""
JOINTS = ("", "s", "e")
"""The joining letters Norwegian puts between compound parts."""
BOUND_PREFIXES = frozenset({"mis", "van", "sam", "for", "bi", "u"})
"""Prefixes that are words of their own elsewhere but never a compound's first part here
(``mistillit`` is no kind of ``tillit``)."""

_lookups: list[Callable[[str, str], str | None]] = []
_loading = threading.Lock()


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("norwegian")


def _lemma_lookup() -> Callable[[str, str], str | None]:
    """simplemma's dictionary lookup, its dictionaries loaded once even when two threads ask."""
    with _loading:
        if not _lookups:
            from simplemma.strategies import DictionaryLookupStrategy

            strategy = DictionaryLookupStrategy()
            for lang in LANGUAGES:
                strategy.get_lemma("barna", lang)  # loads that language's dictionary
            _lookups.append(strategy.get_lemma)
        return _lookups[0]


def load() -> None:
    """Load the dictionaries and the stemmer now rather than on first use."""
    _lemma_lookup()
    _stemmer()


def stem(word: str) -> str:
    """The Snowball stem of one lower-case word."""
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=400_000)
def lemmas(word: str) -> tuple[str | None, str | None]:
    """The Bokmål and the Nynorsk dictionary lemma of a lower-case word (None: unknown)."""
    lookup = _lemma_lookup()
    nb, nn = lookup(word, "nb"), lookup(word, "nn")
    return (nb.lower() if nb else None, nn.lower() if nn else None)


def is_known(word: str) -> bool:
    """Does either dictionary know this lower-case word form?"""
    nb, nn = lemmas(word)
    return nb is not None or nn is not None


def dictionary_lemma(word: str) -> str | None:
    """The lemma a dictionary gives; a word that is its own lemma in either keeps itself."""
    nb, nn = lemmas(word)
    if word in (nb, nn):
        return word
    return nb or nn


def _stemmed(lemma: str) -> str:
    stemmed = stem(lemma)
    return stemmed if len(stemmed) >= MIN_KEY_STEM else lemma


def split_compound(word: str) -> tuple[str, str] | None:
    """``(modifier, head)`` of a compound whose parts are known words, the longest head
    first; None when the word is no such compound. The head is returned as written."""
    for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        head = word[cut:]
        if not head[0].isalpha() or not is_known(head):
            continue
        first = word[:cut].rstrip("-")
        for joint in JOINTS:
            if joint and not first.endswith(joint):
                continue
            modifier = first[: len(first) - len(joint)] if joint else first
            if len(modifier) >= MIN_MODIFIER and modifier not in BOUND_PREFIXES and is_known(modifier):
                return modifier, head
    return None


@lru_cache(maxsize=400_000)
def analyse(word: str) -> tuple[str, str]:
    """``(key, head)`` of one lower-case word: its match key and the key of its last
    compound part (the key itself when it is no compound). A compound's key is its first
    part as written followed by the key of its head, so that ``ansvarsgruppemøtet`` and
    ``ansvarsgruppemøte`` share a key that ends in ``møte``'s."""
    lemma = dictionary_lemma(word)
    base = lemma or word
    parts = split_compound(base)
    if parts is None:
        key = _stemmed(base)
        return key, key
    head_key, innermost = analyse(parts[1])
    return base[: len(base) - len(parts[1])] + head_key, innermost


def key(word: str) -> str:
    """The match key of one word (any case)."""
    return analyse(word.lower())[0]


def ends_compound(word_key: str, part_key: str) -> bool:
    """Is ``part_key`` the key of a word that ``word_key``'s compound ends in?
    (``barnekoordinator`` ends in ``koordinator``; ``koordinator`` never ends in ``tor``.)"""
    if len(part_key) < MIN_HEAD or not word_key.endswith(part_key) or word_key == part_key:
        return False
    first = word_key[: len(word_key) - len(part_key)].rstrip("-")
    for joint in JOINTS:
        if joint and not first.endswith(joint):
            continue
        modifier = first[: len(first) - len(joint)] if joint else first
        if len(modifier) < MIN_MODIFIER or modifier in BOUND_PREFIXES:
            continue
        if is_known(modifier) or split_compound(modifier):
            return True
    return False
