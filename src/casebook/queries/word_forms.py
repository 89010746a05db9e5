"""Which words of the search index are forms of a query word: the same lemma, the same
stem, or a compound ending in it (``koordinator`` → ``barnekoordinatoren``).

The rule is ``casebook.text.inflection.is_form_of``; this index answers it for a whole
vocabulary by dictionary and binary-search lookups (stems and lemmas are also kept
reversed and sorted, so "ends with" is a prefix search) instead of testing every word.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from casebook.text import inflection


class FormIndex:
    """The words of a vocabulary by lemma, by stem, and by reversed stem and lemma."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w.lower() for w in words)
        self.by_lemma: dict[str, set[str]] = {}
        self.by_stem: dict[str, set[str]] = {}
        stems: list[tuple[str, str]] = []
        lemmas: list[tuple[str, str]] = []
        for word in self.words:
            stem, word_lemmas = inflection._analyse(word)
            self.by_stem.setdefault(stem, set()).add(word)
            stems.append((stem[::-1], word))
            for lemma in word_lemmas:
                self.by_lemma.setdefault(lemma, set()).add(word)
                lemmas.append((lemma[::-1], word))
        self.reversed_stems = sorted(stems)
        self.reversed_lemmas = sorted(lemmas)

    def forms_of(self, query: str) -> set[str]:
        """The words that ``is_form_of(word, query)`` accepts (query: one word)."""
        query = query.lower()
        found = {query} & self.words
        q_stem, q_lemmas = inflection._analyse(query)
        for lemma in q_lemmas:
            found |= self.by_lemma.get(lemma, set())
        if len(q_stem) >= inflection.MIN_HEAD:
            found |= _ending_in(self.reversed_stems, q_stem)
        elif len(q_stem) >= inflection.MIN_STEM:
            found |= self.by_stem.get(q_stem, set())
        for head in q_lemmas:
            if len(head) >= inflection.MIN_HEAD:
                found |= _ending_in(self.reversed_lemmas, head)
        return found


def _ending_in(reversed_keys: list[tuple[str, str]], tail: str) -> set[str]:
    """Words whose key ends in ``tail`` (keys stored reversed and sorted)."""
    prefix = tail[::-1]
    found: set[str] = set()
    for key, word in reversed_keys[bisect.bisect_left(reversed_keys, (prefix, "")) :]:
        if not key.startswith(prefix):
            break
        found.add(word)
    return found
