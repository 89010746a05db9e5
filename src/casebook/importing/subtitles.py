"""WebVTT and SubRip transcripts: cues become speaker turns that keep their timestamps.

Speakers come from voice tags (``<v Mor>``) or a ``Name:`` prefix in the cue text.
Consecutive cues of one speaker merge into one turn stamped with the first cue's start.
The stored text is ``Speaker: words`` per turn, turns separated by a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import ImportProblem
from casebook.model.sources import ParsedDocument, Turn
from casebook.text.normalize import normalize
from casebook.text.turns import parse_timestamp

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{1,3})\s+-->\s+(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{1,3}"
)
# A tag never holds "<": "[^<>]" keeps a file of unclosed "<v " linear, where "[^>]"
# scanned to the end of the cue from every "<" (quadratic).
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?[ \t]+([^<>]+)>")
_TAG = re.compile(r"</?[^<>]+>")
_PREFIX = re.compile(r"^(?P<speaker>[^\W\d_][\w.\-]*(?:[ \t][\w.\-]+){0,3}?)[ \t]*:[ \t]+")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": "\u00a0", "&lrm;": "", "&rlm;": ""}


@dataclass
class _Cue:
    start_ms: int | None
    speaker: str | None
    words: str


def read_subtitles(raw: str, path: Path, fmt: str) -> ParsedDocument:
    """Parse decoded VTT/SRT text into normalised text and turns."""
    text = normalize(raw)
    if fmt == "vtt" and not text.lstrip().startswith("WEBVTT"):
        raise ImportProblem(path, "is not a WebVTT file (first line must be WEBVTT)")
    cues = [cue for block in re.split(r"\n[ \t]*\n", text) if (cue := _cue(block))]
    if not cues:
        raise ImportProblem(path, f"has no cues with timings; is it really {fmt.upper()}?")
    return _assemble(_merge(cues), fmt)


def _cue(block: str) -> _Cue | None:
    lines = block.strip("\n").split("\n")
    for index, line in enumerate(lines):
        match = _TIMING.match(line)
        if match:
            return _parse_cue_text("\n".join(lines[index + 1 :]), parse_timestamp(match["start"]))
    return None


def _parse_cue_text(body: str, start_ms: int | None) -> _Cue | None:
    voice = _VOICE.search(body)
    speaker = voice.group(1).strip() if voice else None
    words = _TAG.sub("", body)
    for entity, char in _ENTITIES.items():
        words = words.replace(entity, char)
    words = " ".join(part.strip() for part in words.split("\n") if part.strip())
    if speaker is None:
        prefix = _PREFIX.match(words)
        if prefix:
            speaker, words = prefix["speaker"], words[prefix.end() :]
    if not words:
        return None
    return _Cue(start_ms, speaker, words)


def _merge(cues: list[_Cue]) -> list[_Cue]:
    merged: list[_Cue] = []
    for cue in cues:
        if merged and cue.speaker == merged[-1].speaker and cue.speaker is not None:
            merged[-1].words += " " + cue.words
        else:
            merged.append(_Cue(cue.start_ms, cue.speaker, cue.words))
    return merged


def _assemble(cues: list[_Cue], fmt: str) -> ParsedDocument:
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for index, cue in enumerate(cues):
        label = f"{cue.speaker}: " if cue.speaker else ""
        piece = normalize(label + cue.words) + ("\n\n" if index + 1 < len(cues) else "\n")
        turns.append(Turn(pos, pos + len(piece), pos + len(label), cue.speaker, cue.start_ms))
        parts.append(piece)
        pos += len(piece)
    return ParsedDocument(text="".join(parts), format=fmt, turns=tuple(turns))
