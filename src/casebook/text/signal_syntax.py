"""Signals: the words and phrases that suggest a code.

A signal is a lemma (``møteplass``), a phrase of base forms (``ikke vårt bord``), a word
with a trailing ``*`` for "starts with" (``ansvarsgruppe*``) or a leading ``*`` for
"ends with", i.e. the head of a compound (``*koordinator`` matches ``barnekoordinator``),
or a regular expression written ``re:...``. A signal that starts with ``!`` is the
opposite, the code's *not when* in patterns: a passage where it matches is never
suggested for the code (``!mistillit`` on a code about trust between services).
Matching belongs to the text layer; this module only decides whether a signal is
well-formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"^\*?[\w][\w\-'’./]*\*?$")


@dataclass(frozen=True, slots=True)
class Signal:
    """A parsed signal: its kind and the words or pattern to look for."""

    kind: str  # "word", "phrase", "prefix", "suffix" or "regex"
    words: tuple[str, ...]
    pattern: str = ""
    exclude: bool = False
    written: tuple[str, ...] = ()
    """The words as written (capitals kept): a word with a capital letter (``IP``,
    ``Teams``, ``NAV``) is matched as written, not by its lemma."""


def parse_signal(raw: str) -> Signal:
    """Parse one signal (``!`` first for an exclusion) or raise ValueError saying what is
    wrong with it."""
    text = raw.strip()
    if text.startswith("!"):
        rest = text[1:].strip()
        if not rest:
            raise ValueError(f"signal {raw!r}: ! must be followed by a word, phrase or re:pattern")
        signal = _parse(rest, raw)
        return Signal(signal.kind, signal.words, signal.pattern, True, signal.written)
    return _parse(text, raw)


def _parse(text: str, raw: str) -> Signal:
    if not text:
        raise ValueError("empty signal")
    if text.startswith("re:"):
        try:
            re.compile(text[3:])
        except re.error as exc:
            raise ValueError(f"signal {raw!r} is not a valid regular expression ({exc})") from None
        if re.compile(text[3:]).match("") is not None:
            raise ValueError(f"signal {raw!r} matches empty text")
        return Signal("regex", (), text[3:])
    words = tuple(text.split())
    for word in words:
        if not _WORD.match(word) or word.strip("*") == "" or "**" in word:
            raise ValueError(f"signal {raw!r}: {word!r} is not a word (letters, digits, - and a * at an end)")
        if "*" in word.strip("*"):
            raise ValueError(f"signal {raw!r}: * may only stand at the start or end of a word")
    if len(words) > 1:
        if any("*" in w for w in words):
            raise ValueError(f"signal {raw!r}: * works on single words, not in phrases")
        return Signal("phrase", tuple(w.lower() for w in words), written=words)
    word = words[0]
    if word.endswith("*") and word.startswith("*"):
        raise ValueError(f"signal {raw!r}: use * at one end only")
    if word.endswith("*"):
        return Signal("prefix", (word[:-1].lower(),), written=words)
    if word.startswith("*"):
        return Signal("suffix", (word[1:].lower(),), written=words)
    return Signal("word", (word.lower(),), written=words)
