"""Split a transcript into speaker turns that tile its text.

Recognises the tags transcribers use: ``I:``, ``Intervjuer:``, ``Mor:``, ``F1:``,
``Forelder 2:``, ``Forelder 4a:``, a role with a participant code (``Mor (11a):``), a
timestamp before the tag (``[00:12:03] Far:``, ``00:12:03 Far:``) and, for short labels
only, a dash instead of the colon (``F1 - ...``, ``F1 – ...``). A label is accepted when
it is a known interview role or occurs as a tag at least twice (a dash tag also needs a
short label, a role or a code, in a transcript that uses dash tags for at least two
labels), so a one-off header such as ``Merknad: ...`` does not start a turn. Labels the
researcher maps to a participant are always accepted. Text without any tags is split
into paragraphs. A researcher's own regex (named group ``speaker``, optional ``ts``)
overrides detection.

The patterns here are anchored at line starts and have no nested unbounded repetition,
so parsing stays linear in the length of the text (a test holds this).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from casebook.errors import InvalidValue
from casebook.model.sources import Turn

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_STAMP = rf"[ \t]*(?:\[(?P<ts>{_TS})\][ \t]*|(?P<ts2>\d{{1,2}}:\d{{2}}:\d{{2}})[ \t]+)?"
_PAREN_CODE = r"[ \t]*\([^\W_][\w.\-]{0,11}\)"  # a participant code in parentheses: (11a)
_AFTER_TAG = r"(?:[ \t]+|(?=\n)|$)"
DEFAULT_TAG = re.compile(
    rf"^{_STAMP}"
    rf"(?P<speaker>[^\W\d_][\w.\-]{{0,39}}(?:[ \t][\w.\-]{{1,40}}){{0,3}}?(?:{_PAREN_CODE})?)"
    rf"(?:[ \t]*:|[ \t]+(?P<dash>[-–])){_AFTER_TAG}",
    re.MULTILINE,
)
_ROLES = (
    r"i|int|intervjuer|intervjuar|interviewer|forsker|forskar|moderator|mor|far|"
    r"mamma|pappa|foresatt|forelder|barn|søster|bror|deltaker|deltakar|informant|respondent"
)
_KNOWN = re.compile(rf"(?:{_ROLES}|[a-zæøå])(?:[ \t]*\d\w{{0,3}}|[ \t]+[\w\-]{{1,4}})?", re.IGNORECASE)
# Labels short enough to be tags before a dash: a role (with a number) or a code like F1.
_SHORT = re.compile(rf"(?:{_ROLES})(?:[ \t]*\d\w{{0,3}})?|[^\W\d_]{{1,3}}\d{{1,3}}[^\W\d_]?", re.IGNORECASE)
# What a researcher would take for a tag: a capitalised label of one or two words (the
# second capitalised or a number), perhaps with a code, then ``:`` or `` - ``.
_LOOKS_LIKE_TAG = re.compile(
    rf"^{_STAMP}"
    rf"(?P<label>[^\W\d_][\w.\-]{{0,23}}(?:[ \t][\w.\-]{{1,12}})?(?:{_PAREN_CODE})?)"
    rf"(?P<sep>[ \t]*:|[ \t]+[-–]){_AFTER_TAG}",
    re.MULTILINE,
)
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass(frozen=True, slots=True)
class LabelLine:
    """A line that starts like a speaker tag but did not start a turn."""

    line: int  # 1-based line number in the text
    offset: int  # where the line starts (code points)
    label: str  # the tag as written, e.g. ``Merknad:`` or ``F3 -``


def label_parts(label: str) -> tuple[str, str | None]:
    """A speaker label as its role and the participant code in parentheses, if any:
    ``Mor (11a)`` is ``("Mor", "11a")``, ``F1`` is ``("F1", None)``."""
    text = label.strip()
    role, paren, code = text.rpartition("(")
    if not paren or not text.endswith(")") or not role.strip() or not code[:-1].strip():
        return text, None
    return role.strip(), code[:-1].strip()


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


def split_turns(
    text: str, pattern: re.Pattern[str] | None = None, labels: Collection[str] = ()
) -> tuple[Turn, ...]:
    """Return turns tiling ``text`` (empty text has no turns). ``labels`` are speaker
    labels the researcher mapped to participants: they start turns even when used once."""
    if not text:
        return ()
    matches = _tag_matches(text, pattern, labels)
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


def unrecognised_labels(text: str, turns: Sequence[Turn]) -> tuple[LabelLine, ...]:
    """Lines that look like speaker tags but start no speaker turn, in text order.

    A line looks like a tag when it starts with a capitalised label of one or two words
    (the second capitalised or a number, e.g. ``Tolk``, ``Saksbehandler NAV``,
    ``Forelder 3``), perhaps a code in parentheses, then ``:``; or a short code-like label
    then `` - ``. One-off headers (``Merknad:``) and tags used once are what it finds."""
    starts = {turn.start for turn in turns if turn.speaker is not None}
    found: list[LabelLine] = []
    line, counted = 1, 0
    for match in _LOOKS_LIKE_TAG.finditer(text):
        pos = match.start()
        if pos in starts or not _at_line_start(text, pos) or not _looks_like_label(match):
            continue
        line += text.count("\n", counted, pos)
        counted = pos
        found.append(LabelLine(line, pos, text[match.start("label") : match.end("sep")]))
    return tuple(found)


def _looks_like_label(match: re.Match[str]) -> bool:
    role, _ = label_parts(match["label"])
    words = role.split()
    if not words or not words[0][0].isupper():
        return False
    if len(words) > 1 and not (words[1][0].isupper() or words[1][0].isdigit()):
        return False
    return match["sep"].strip() == ":" or _SHORT.fullmatch(role) is not None


def _tag_matches(text: str, pattern: re.Pattern[str] | None, labels: Collection[str]) -> list[re.Match[str]]:
    """Tag matches that start a line, filtered by the acceptance rule for the default."""
    regex = pattern or DEFAULT_TAG
    found = [m for m in regex.finditer(text) if _at_line_start(text, m.start()) and m.end() > m.start()]
    if pattern is not None:
        return found
    counts = Counter(_speaker(m) for m in found)
    dashes = len({_speaker(m) for m in found if m["dash"] and _SHORT.fullmatch(label_parts(_speaker(m))[0])})
    mapped = set(labels)
    return [m for m in found if _accepted(m, counts, dashes, mapped)]


def _speaker(match: re.Match[str]) -> str:
    return match.group("speaker").strip()


def _at_line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _accepted(match: re.Match[str], counts: Counter[str], dashes: int, mapped: set[str]) -> bool:
    """Mapped labels always; a known role or a label used twice; dash tags only when the
    label is short and the transcript uses dash tags for at least two labels (``dashes``),
    so ``Far – han sa ...`` in a transcript tagged with colons stays text."""
    label = _speaker(match)
    if label in mapped:
        return True
    role, _ = label_parts(label)
    if match["dash"] and (dashes < 2 or _SHORT.fullmatch(role) is None):
        return False
    return counts[label] >= 2 or _KNOWN.fullmatch(role) is not None


def _paragraph_turns(text: str) -> tuple[Turn, ...]:
    starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if m.end() < len(text)]
    ends = [*starts[1:], len(text)]
    return tuple(Turn(s, e, s) for s, e in zip(starts, ends, strict=True))
