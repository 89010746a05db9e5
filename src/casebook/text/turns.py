"""Split a transcript into speaker turns that tile its text.

Recognises the tags transcribers use (``I:``, ``Intervjuer:``, ``Mor:``, ``F1:``,
``Forelder 4a:``, ``[00:12:03] Far:``, ``00:12:03 Far:``). A label is accepted when it is
a known interview role or occurs as a tag at least twice, so a one-off header such as
``Merknad: ...`` does not start a turn. Text without any tags is split into paragraphs.
A researcher's own regex (named group ``speaker``, optional ``ts``) overrides detection.
"""

from __future__ import annotations

import re
from collections import Counter

from casebook.errors import InvalidValue
from casebook.model.sources import Turn

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
DEFAULT_TAG = re.compile(
    rf"^[ \t]*(?:\[(?P<ts>{_TS})\][ \t]*|(?P<ts2>\d{{1,2}}:\d{{2}}:\d{{2}})[ \t]+)?"
    r"(?P<speaker>[^\W\d_][\w.\-]*(?:[ \t][\w.\-]+){0,3}?)[ \t]*:(?:[ \t]+|(?=\n)|$)",
    re.MULTILINE,
)
_KNOWN = re.compile(
    r"(?:i|int|intervjuer|intervjuar|interviewer|forsker|forskar|moderator|mor|far|"
    r"mamma|pappa|foresatt|forelder|barn|søster|bror|deltaker|deltakar|informant|"
    r"respondent|[a-zæøå])(?:[ \t]*\d\w{0,3}|[ \t]+[\w\-]{1,4})?",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")


def compile_speaker_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a researcher's tag regex, refusing ones that cannot identify a speaker."""
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise InvalidValue(f"speaker pattern {pattern!r} is not a valid regex: {exc}") from None
    if "speaker" not in compiled.groupindex:
        raise InvalidValue(
            f"speaker pattern {pattern!r} has no (?P<speaker>...) group",
            "name the group that captures the speaker label, e.g. ^(?P<speaker>\\w+):",
        )
    if compiled.match("") is not None:
        raise InvalidValue(f"speaker pattern {pattern!r} matches empty text")
    return compiled


def parse_timestamp(text: str | None) -> int | None:
    """``hh:mm:ss[.mmm]`` or ``mm:ss`` as milliseconds; None for no timestamp."""
    if not text:
        return None
    main, _, frac = text.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    millis = int((frac + "000")[:3]) if frac else 0
    return seconds * 1000 + millis


def split_turns(text: str, pattern: re.Pattern[str] | None = None) -> tuple[Turn, ...]:
    """Return turns tiling ``text`` (empty text has no turns)."""
    if not text:
        return ()
    matches = _tag_matches(text, pattern)
    if not matches:
        return _paragraph_turns(text)
    turns: list[Turn] = []
    if matches[0].start() > 0:
        turns.append(Turn(0, matches[0].start(), 0))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        stamp = match.groupdict().get("ts") or match.groupdict().get("ts2")
        turns.append(
            Turn(
                start=match.start(),
                end=end,
                body_start=min(match.end(), end),
                speaker=(match.group("speaker") or "").strip() or None,
                timestamp_ms=parse_timestamp(stamp),
            )
        )
    return tuple(turns)


def _tag_matches(text: str, pattern: re.Pattern[str] | None) -> list[re.Match[str]]:
    """Tag matches that start a line, filtered by the acceptance rule for the default."""
    regex = pattern or DEFAULT_TAG
    found = [m for m in regex.finditer(text) if _at_line_start(text, m.start()) and m.end() > m.start()]
    if pattern is not None:
        return found
    counts = Counter(m.group("speaker").strip() for m in found)
    return [m for m in found if _accepted(m.group("speaker").strip(), counts)]


def _at_line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _accepted(label: str, counts: Counter[str]) -> bool:
    return counts[label] >= 2 or _KNOWN.fullmatch(label) is not None


def _paragraph_turns(text: str) -> tuple[Turn, ...]:
    starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if m.end() < len(text)]
    ends = [*starts[1:], len(text)]
    return tuple(Turn(s, e, s) for s, e in zip(starts, ends, strict=True))
