"""Words, sentences and paragraphs over stored text, as code-point offsets.

Used to select coding units: the selection a researcher makes with one key must
start and end on word boundaries, never inside ``barnekoordinatoren``.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"(?:[.!?…]+[»”\"')\]]*|\n)(?=\s|$)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words at both ends, then trim whitespace."""
    start, end = trim(text, min(start, end), max(start, end))
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and end > 0 and _is_word_char(text[end - 1]):
        end += 1
    return start, end


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def next_word(text: str, offset: int) -> int:
    """Start of the next word after ``offset`` (or the end of the text)."""
    for match in _WORD.finditer(text, offset):
        if match.start() > offset:
            return match.start()
    return len(text)


def prev_word(text: str, offset: int) -> int:
    """Start of the word before ``offset`` (or 0)."""
    best = 0
    for match in _WORD.finditer(text, max(0, offset - 400), offset):
        if match.start() < offset:
            best = match.start()
    return best


def word_end(text: str, offset: int) -> int:
    """End of the word at or after ``offset``."""
    match = _WORD.search(text, offset)
    return match.end() if match else len(text)


def sentence_at(text: str, offset: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence around ``offset``, kept within ``[lo, hi)`` (e.g. one speaker turn)."""
    hi = len(text) if hi is None else hi
    offset = min(max(offset, lo), max(lo, hi - 1))
    start = lo
    for match in _SENTENCE_END.finditer(text, lo, hi):
        if match.end() <= offset:
            start = match.end()
        else:
            return trim(text, start, match.end())
    return trim(text, start, hi)


def next_sentence(text: str, offset: int, hi: int | None = None) -> int:
    """End of the sentence that contains or follows ``offset``."""
    hi = len(text) if hi is None else hi
    for match in _SENTENCE_END.finditer(text, offset, hi):
        if match.end() > offset:
            return match.end()
    return hi


def prev_sentence(text: str, offset: int, lo: int = 0) -> int:
    """Start of the sentence before ``offset``."""
    starts = [lo] + [m.end() for m in _SENTENCE_END.finditer(text, lo, offset)]
    candidates = [trim(text, s, offset)[0] for s in starts]
    earlier = [s for s in candidates if s < offset]
    return earlier[-1] if earlier else lo


def paragraph_at(text: str, offset: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The paragraph (blank-line separated) around ``offset`` within ``[lo, hi)``."""
    hi = len(text) if hi is None else hi
    start = lo
    for match in _PARAGRAPH_BREAK.finditer(text, lo, hi):
        if match.end() <= offset:
            start = match.end()
        elif match.start() >= offset:
            return trim(text, start, match.start())
    return trim(text, start, hi)


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``query``; æ, ø and å are never folded.

    Spaces in the query match any run of whitespace, so a phrase is found across a line break."""
    parts = query.split()
    if not parts:
        return []
    pattern = re.compile(r"\s+".join(re.escape(part) for part in parts), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def words_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to the whole words it starts and ends in (no trimming)."""
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while 0 < end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    return start, end


class TextUnits:
    """The selection units of one text (words, sentences, paragraphs), bound to that text.

    Handed to the transcript widget, which moves and selects by these units without
    knowing how they are found."""

    def __init__(self, text: str) -> None:
        self.text = text

    def next_word(self, offset: int) -> int:
        """Start of the next word after ``offset``."""
        return next_word(self.text, offset)

    def prev_word(self, offset: int) -> int:
        """Start of the word before ``offset``."""
        return prev_word(self.text, offset)

    def word_end(self, offset: int) -> int:
        """End of the word at or after ``offset``."""
        return word_end(self.text, offset)

    def snap_to_words(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened to whole words and trimmed."""
        return snap_to_words(self.text, start, end)

    def sentence_at(self, offset: int, lo: int, hi: int) -> tuple[int, int]:
        """The sentence around ``offset`` within ``[lo, hi)``."""
        return sentence_at(self.text, offset, lo, hi)

    def next_sentence(self, offset: int, hi: int) -> int:
        """End of the sentence that contains or follows ``offset``."""
        return next_sentence(self.text, offset, hi)

    def prev_sentence(self, offset: int, lo: int) -> int:
        """Start of the sentence before ``offset``."""
        return prev_sentence(self.text, offset, lo)

    def paragraph_at(self, offset: int, lo: int, hi: int) -> tuple[int, int]:
        """The paragraph around ``offset`` within ``[lo, hi)``."""
        return paragraph_at(self.text, offset, lo, hi)

    def trim(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` without leading or trailing whitespace."""
        return trim(self.text, start, end)
