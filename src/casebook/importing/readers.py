"""Pick the reader for a file by its suffix and return a ParsedDocument."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from casebook.errors import ImportProblem
from casebook.importing.decoding import decode_text
from casebook.model.sources import ParsedDocument
from casebook.text.normalize import normalize
from casebook.text.turns import split_turns

SUPPORTED = {".txt": "txt", ".md": "md", ".docx": "docx", ".odt": "odt", ".vtt": "vtt", ".srt": "srt"}
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TEXT_CHARS = 32 * 1024 * 1024


def read_file(
    path: Path, speaker_pattern: re.Pattern[str] | None = None, labels: Collection[str] = ()
) -> ParsedDocument:
    """Read any supported transcript; the result's turns always tile its text.

    ``labels`` are speaker labels mapped to participants: they start turns even if used once."""
    fmt = SUPPORTED.get(path.suffix.lower())
    if fmt is None:
        raise ImportProblem(
            path,
            f"unsupported file type {path.suffix or '(none)'!r}",
            f"casebook reads {', '.join(sorted(SUPPORTED))}",
        )
    _check_file(path)
    if fmt in ("docx", "odt"):
        from casebook.importing.docx_reader import read_docx
        from casebook.importing.odt_reader import read_odt

        raw = read_docx(path) if fmt == "docx" else read_odt(path)
        encoding = None
        if len(raw) > MAX_TEXT_CHARS:
            raise ImportProblem(
                path, f"document text is too large ({len(raw):,} characters; limit {MAX_TEXT_CHARS:,})"
            )
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportProblem(path, f"cannot be read ({exc.strerror or exc})") from None
        raw, encoding = decode_text(data, path)
        if fmt in ("vtt", "srt"):
            from casebook.importing.subtitles import read_subtitles

            doc = read_subtitles(raw, path, fmt)
            return ParsedDocument(doc.text, fmt, encoding, doc.turns)
    text = normalize(raw)
    if not text.strip():
        raise ImportProblem(path, "contains no text")
    return ParsedDocument(text, fmt, encoding, split_turns(text, speaker_pattern, labels))


def _check_file(path: Path) -> None:
    """The file exists, is readable and of a sane size. A folder without access or a name
    too long for the file system (``OSError``) is a problem of the file, said in one line."""
    try:
        if not path.exists():
            raise ImportProblem(path, "no such file")
        if not path.is_file():
            raise ImportProblem(path, "is not a regular file")
        size = path.stat().st_size
        if not os.access(path, os.R_OK):
            raise ImportProblem(path, "cannot be read (permission denied)")
    except OSError as exc:
        raise ImportProblem(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise ImportProblem(path, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise ImportProblem(path, f"file is too large ({size // 2**20} MiB; limit 64 MiB)")
