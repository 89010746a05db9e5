"""The codebook's signals compiled to spaCy matchers over word keys.

- Words and phrases in lower case go to a ``PhraseMatcher`` on ``LEMMA`` (the key, see
  ``casebook.text.lexicon``): ``møteplass`` finds *møteplassene*, ``ulike forventninger``
  finds *ulik forventning*, and ``møte`` never finds *møteplass*.
- A one-word signal also finds compounds that end in it, at a compound boundary:
  ``koordinator`` finds *barnekoordinatoren*, ``møte`` finds *ansvarsgruppemøtet*.
- ``ansvarsgruppe*`` finds words that start so; ``*koordinator`` words whose key ends so.
- Words with a capital letter (``IP``, ``NAV``, ``på Teams``) go to a ``Matcher`` that
  compares those words as written and the others by key.
- ``re:`` signals are regular expressions on the text (case-insensitive).

Compounds and prefixes are open-ended, so they are compiled lazily: each word the
matcher has not seen before is checked once against the signals and, where it fits,
added to the phrase matcher as a pattern of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casebook.text import lexicon, nlp
from casebook.text.signal_syntax import Signal

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Rule:
    """One signal of one code."""

    code: str
    raw: str
    signal: Signal


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that matched tokens ``start:end`` of a doc (characters ``chars``)."""

    rule: Rule
    start: int
    end: int
    chars: tuple[int, int]
    how: str  # "word", "phrase", "compound", "prefix", "suffix", "as written", "regex"


class SignalMatcher:
    """All rules of a codebook, ready to run over docs of the shared pipeline."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = nlp.pipeline()
        vocab = self.nlp.vocab
        self.rules = list(rules)
        self._phrases = PhraseMatcher(vocab, attr="LEMMA")
        self._written = PhraseMatcher(vocab, attr="ORTH")
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._literal = Matcher(vocab)
        self._how: dict[int, tuple[int, str]] = {}
        self._heads: dict[str, list[int]] = {}
        self._prefixes: dict[str, list[int]] = {}
        self._suffixes: dict[str, list[int]] = {}
        self._acronyms: dict[str, list[int]] = {}
        self._literal_words: set[int] = set()
        """Words as written that some pattern of ``_literal`` needs: a doc without any
        of them is not run through it."""
        self._regexes: list[tuple[int, re.Pattern[str]]] = []
        self._seen_keys: set[int] = set()
        self._seen_words: set[int] = set()
        for index, rule in enumerate(self.rules):
            self._compile(index, rule)

    def _label(self, index: int, how: str) -> str:
        label = f"{index}:{how}"
        self._how[self.nlp.vocab.strings.add(label)] = (index, how)
        return label

    def _compile(self, index: int, rule: Rule) -> None:
        signal = rule.signal
        if signal.kind == "regex":
            self._regexes.append((index, re.compile(signal.pattern, re.IGNORECASE)))
        elif signal.kind == "prefix":
            self._prefixes.setdefault(signal.words[0], []).append(index)
        elif signal.kind == "suffix":
            self._suffixes.setdefault(lexicon.key(signal.words[0]), []).append(index)
        elif any(w != w.lower() for w in signal.written):
            self._compile_as_written(index, signal.written)
        else:
            doc = self.nlp(" ".join(signal.words))
            how = "phrase" if len(doc) > 1 else "word"
            self._phrases.add(self._label(index, how), [doc])
            if len(doc) == 1:
                self._heads.setdefault(doc[0].lemma_, []).append(index)

    def _compile_as_written(self, index: int, written: tuple[str, ...]) -> None:
        """Words with capitals as written, the others by key. A one-word signal also
        finds the word with a Norwegian ending after a hyphen (``IP-en``, ``NAV-kontoret``),
        compiled as such words are met."""
        tokens = list(self.nlp(" ".join(written)))
        if len(tokens) == 1:
            self._written.add(self._label(index, "as written"), [self.nlp.make_doc(tokens[0].text)])
            self._acronyms.setdefault(tokens[0].text + "-", []).append(index)
            return
        pattern = [{"ORTH": t.text} if t.text != t.lower_ else {"LEMMA": t.lemma_} for t in tokens]
        self._literal.add(self._label(index, "as written"), [pattern])
        self._literal_words.update(t.orth for t in tokens if t.text != t.lower_)

    def _learn(self, doc: Doc) -> set[int]:
        """Add patterns for the doc's new words that are compounds, prefixed forms or
        acronyms with an ending (distinct word ids first: most were seen before).
        Returns the doc's distinct words (ids)."""
        from spacy.attrs import LEMMA, ORTH  # type: ignore[import-not-found]

        strings = doc.vocab.strings
        ids = doc.to_array([LEMMA, ORTH])
        for lemma in set(ids[:, 0].tolist()) - self._seen_keys:
            self._seen_keys.add(lemma)
            self._learn_key(strings[lemma])
        orths = set(ids[:, 1].tolist())
        if self._prefixes or self._acronyms:
            for orth in orths - self._seen_words:
                self._seen_words.add(orth)
                self._learn_word(strings[orth])
        return orths

    def _learn_key(self, word_key: str) -> None:
        for cut in range(1, len(word_key) - lexicon.MIN_HEAD + 1):
            tail = word_key[cut:]
            for index in self._heads.get(tail, ()):
                if lexicon.ends_compound(word_key, tail):
                    self._add_single(index, "compound", word_key)
            for index in self._suffixes.get(tail, ()):
                self._add_single(index, "suffix", word_key)
        for index in self._suffixes.get(word_key, ()):
            self._add_single(index, "suffix", word_key)

    def _learn_word(self, word: str) -> None:
        lower = word.lower()
        for cut in range(1, len(word) + 1):
            for index in self._prefixes.get(lower[:cut], ()):
                self._lower.add(self._label(index, "prefix"), [self.nlp.make_doc(lower)])
            for index in self._acronyms.get(word[:cut], ()):
                if cut < len(word) and word[cut:].isalpha():
                    self._written.add(self._label(index, "as written"), [self.nlp.make_doc(word)])

    def _add_single(self, index: int, how: str, word_key: str) -> None:
        from spacy.tokens import Doc

        self._phrases.add(self._label(index, how), [Doc(self.nlp.vocab, words=[word_key], lemmas=[word_key])])

    def hits(self, doc: Doc) -> list[Hit]:
        """Every rule that matches in ``doc``, exclusions included."""
        if not len(doc):
            return []
        words = self._learn(doc)
        found: list[Hit] = []
        matches: list[Any] = []
        for matcher in (self._phrases, self._written, self._lower):
            if len(matcher):
                matches.extend(matcher(doc))
        if words & self._literal_words:
            matches.extend(self._literal(doc))
        for match_id, start, end in matches:
            index, how = self._how[match_id]
            span = doc[start:end]
            found.append(Hit(self.rules[index], start, end, (span.start_char, span.end_char), how))
        for index, pattern in self._regexes:
            for m in pattern.finditer(doc.text):
                covered = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if covered is not None and len(covered):
                    found.append(
                        Hit(self.rules[index], covered.start, covered.end, (m.start(), m.end()), "regex")
                    )
        return found
