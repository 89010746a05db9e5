"""Replace listed names and places in text that leaves the project, and find any left over.

Rules (one compiled pattern for the whole list):

- whole words only: ``Ida`` never matches inside ``Idar`` or ``Ida_``-less words; æ, ø
  and å are letters, so ``Ås`` never matches in ``Åsen`` and nothing is ever folded to
  a/o (``får`` stays ``får``);
- inflected and possessive forms: ``Emils``, ``Emil's``, ``Anders'``; places and schools
  also in definite forms (``Nordåsen``, ``Lysåsen skolen``, ``Lysåsen skoles``); the
  genitive -s is kept after the replacement (``[barnet]s``);
- case-aware: a term written with a capital (``Liv``, ``Tone``) matches that word
  capitalised or in capitals, never the common noun (``liv``, ``tone``); a term written
  in lower case (``somaliske``) matches in any case;
- longest terms first: ``Liv Marit`` wins over ``Liv``, ``Lysåsen skole`` over ``Lysåsen``.

The stored text never changes: this works on copies made for an export.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from casebook.errors import CasebookError, InvalidValue
from casebook.model.pseudonyms import Pseudonym, PseudonymKind

_BOUNDARY_BEFORE = r"(?<![^\W_])"
_BOUNDARY_AFTER = r"(?![^\W_])"
_POSSESSIVE = ("'s", "\u2019s", "s", "'", "\u2019")
_DEFINITE = ("ene", "en", "et", "a", "n", "t")
_DEFINITE_POSSESSIVE = tuple(f"{d}s" for d in _DEFINITE)
_DEFINITE_KINDS = {PseudonymKind.PLACE, PseudonymKind.SCHOOL}
_SEPARATOR = r"(?:\s+|-)"
_TOKEN = re.compile(r"[^\W_]+")
# Invisible characters that could hide a name from the matcher (soft hyphen, zero-width
# spaces and joiners, word joiner, byte-order mark): removed from exported text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
MAX_TERM = 200


class NameLeak(CasebookError):
    """An export would show a listed name: it is stopped and nothing is written."""

    title = "Name in export"

    def __init__(self, term: str, where: str) -> None:
        self.term = term
        self.where = where
        super().__init__(
            f"export stopped: the listed name {term!r} would appear in {where}; nothing was written",
            "pseudonymise that text, or change it in the codebook or recipe",
        )


@dataclass(frozen=True, slots=True)
class Found:
    """A listed term found in a text, at ``text[start:end]``."""

    term: str
    start: int
    end: int


def clean_term(term: str) -> str:
    """A term as stored: NFC, single spaces, no surrounding space; refused when empty."""
    cleaned = " ".join(unicodedata.normalize("NFC", term).split())
    if not any(ch.isalpha() for ch in cleaned):
        raise InvalidValue(f"{term!r} is not a name: a listed term needs at least one letter")
    if len(cleaned) > MAX_TERM:
        raise InvalidValue(f"{cleaned[:40]!r}…: a listed term can be at most {MAX_TERM} characters")
    return cleaned


def _word(word: str) -> str:
    """One word of a term: the first letter exact when it is a capital, the rest in any case."""
    if word[0].isupper():
        return re.escape(word[0]) + (f"(?i:{re.escape(word[1:])})" if len(word) > 1 else "")
    return f"(?i:{re.escape(word)})"


def _suffixes(kind: PseudonymKind) -> tuple[str, ...]:
    forms = _POSSESSIVE + ((_DEFINITE_POSSESSIVE + _DEFINITE) if kind in _DEFINITE_KINDS else ())
    return tuple(sorted(forms, key=len, reverse=True))


def _alternative(index: int, pseudonym: Pseudonym) -> str:
    body = _SEPARATOR.join(_word(w) for w in pseudonym.term.split())
    suffix = "|".join(re.escape(s) for s in _suffixes(pseudonym.kind))
    return f"(?P<t{index}>{body}(?P<s{index}>(?i:{suffix}))?){_BOUNDARY_AFTER}"


def _openings(pseudonym: Pseudonym) -> set[str]:
    """Lower-case words a match of ``pseudonym`` starts with (its first word, inflected when
    the term is one word)."""
    tokens = _TOKEN.findall(pseudonym.term.lower())
    if len(tokens) != 1 or not pseudonym.term.lower().startswith(tokens[0]):
        return {tokens[0]} if tokens else set()
    word = tokens[0]
    return {word} | {word + s for s in _suffixes(pseudonym.kind) if _TOKEN.fullmatch(s)}


def _kept_suffix(suffix: str | None) -> str:
    """The part of a matched ending written after the replacement: the genitive only."""
    if not suffix:
        return ""
    if suffix in _POSSESSIVE or suffix.lower() in _POSSESSIVE:
        return suffix
    if suffix.lower() in _DEFINITE_POSSESSIVE:
        return "s"
    return ""


class Pseudonymiser:
    """Applies a list of pseudonyms to text and finds listed names left in text."""

    def __init__(self, pseudonyms: Iterable[Pseudonym]) -> None:
        unique: dict[str, Pseudonym] = {}
        for pseudonym in pseudonyms:
            unique.setdefault(clean_term(pseudonym.term), pseudonym)
        ordered = sorted(unique.items(), key=lambda item: (-len(item[0]), item[0]))
        self.pseudonyms = tuple(
            Pseudonym(term, p.replacement, p.kind, p.person, p.guid, p.created_at) for term, p in ordered
        )
        self._pattern: re.Pattern[str] | None = None
        self._openings = frozenset(form for p in self.pseudonyms for form in _openings(p))
        if self.pseudonyms:
            alternatives = "|".join(_alternative(i, p) for i, p in enumerate(self.pseudonyms))
            self._pattern = re.compile(f"{_BOUNDARY_BEFORE}(?:{alternatives})")
        self._check_replacements()

    def __bool__(self) -> bool:
        return bool(self.pseudonyms)

    @property
    def terms(self) -> tuple[str, ...]:
        """The listed terms, longest first."""
        return tuple(p.term for p in self.pseudonyms)

    def _check_replacements(self) -> None:
        for pseudonym in self.pseudonyms:
            if not pseudonym.replacement.strip():
                raise InvalidValue(f"the listed name {pseudonym.term!r} has no replacement")
            found = self.find(pseudonym.replacement)
            if found is not None:
                raise InvalidValue(
                    f"the replacement {pseudonym.replacement!r} for {pseudonym.term!r}"
                    f" contains the listed name {found.term!r}"
                )

    def _prepared(self, text: str) -> str | None:
        """``text`` ready to match (NFC, invisibles removed), or None when no listed name can
        be in it: a match must start with a word that opens a listed term (a fast set test)."""
        if self._pattern is None or not text:
            return None
        ready = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
        if self._openings.isdisjoint(_TOKEN.findall(ready.lower())):
            return None
        return ready

    def _matches(self, ready: str) -> list[re.Match[str]]:
        """Listed names in ``ready``, left to right, not overlapping. The pattern is tried
        only where a word opens a listed term (much faster than searching everywhere)."""
        found: list[re.Match[str]] = []
        if self._pattern is None:
            return found
        reached = 0
        for token in _TOKEN.finditer(ready):
            if token.start() < reached or token.group().lower() not in self._openings:
                continue
            match = self._pattern.match(ready, token.start())
            if match is not None:
                found.append(match)
                reached = match.end()
        return found

    def apply(self, text: str) -> str:
        """``text`` with every listed name replaced (NFC in, NFC out)."""
        ready = self._prepared(text)
        if ready is None:
            return text
        parts: list[str] = []
        reached = 0
        for match in self._matches(ready):
            parts += [ready[reached : match.start()], self._replace(match)]
            reached = match.end()
        return "".join(parts) + ready[reached:] if parts else ready

    def _replace(self, match: re.Match[str]) -> str:
        index = int(str(match.lastgroup)[1:])
        return self.pseudonyms[index].replacement + _kept_suffix(match.group(f"s{index}"))

    def find(self, text: str) -> Found | None:
        """The first listed name in ``text``, or None."""
        ready = self._prepared(text)
        if ready is None:
            return None
        for match in self._matches(ready):
            index = int(str(match.lastgroup)[1:])
            return Found(self.pseudonyms[index].term, match.start(), match.end())
        return None

    def check(self, text: str, where: str) -> None:
        """Raise NameLeak naming the term and ``where`` if a listed name is in ``text``."""
        found = self.find(text)
        if found is not None:
            raise NameLeak(found.term, where)
