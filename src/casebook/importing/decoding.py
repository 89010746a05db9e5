"""Decode text files whose encoding nobody wrote down, keeping æ, ø and å intact.

Order: byte-order marks, UTF-16 without BOM, strict UTF-8, then charset-normalizer
limited to the encodings Norwegian transcripts are really saved in. Text is what the file
says or nothing: a file that is UTF-8 but for some damaged bytes is refused, naming their
byte offsets, instead of being read as Windows-1252 mojibake (``pÃ¥``); control
characters in the result mean the guess was wrong, and the file is refused rather than
garbled. U+0085 (NEXT LINE) is a line break, not a control character.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from casebook.errors import ImportProblem

MAX_TEXT_BYTES = 32 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN = ["cp1252", "iso8859_15", "latin_1", "mac_roman", "cp865", "cp850"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
# A UTF-8 sequence of two to four bytes: a file holding one is UTF-8, whatever else it holds.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Windows-1252 "Ã" and "Â": in a legacy Norwegian file practically never, but they are
# the lead bytes of UTF-8's æ, ø, å, é and NBSP (C3 xx, C2 xx) when a continuation is lost.
_UTF8_LEADS = re.compile(rb"[\xc2\xc3]")
_SHOWN_OFFSETS = 5
_MAGIC = {
    b"%PDF": "is a PDF; save the transcript as .txt, .docx or .odt",
    b"PK\x03\x04": "is a zip archive (a .docx or .odt with the wrong suffix?)",
    b"{\\rtf": "is an RTF document; save it as .docx or .txt",
    b"\xd0\xcf\x11\xe0": "is an old binary Word (.doc) file; save it as .docx",
}


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding name) or raise ImportProblem naming ``path``."""
    if len(data) > MAX_TEXT_BYTES:
        raise ImportProblem(path, f"file is too large ({len(data) // 2**20} MiB; limit 32 MiB)")
    for magic, problem in _MAGIC.items():
        if data.startswith(magic):
            raise ImportProblem(path, problem)
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding is None and b"\x00" in data:
        raise ImportProblem(path, "looks like a binary file, not text")
    text, encoding = _decode(data, encoding, path)
    bad = _CONTROL.search(text)
    if bad and encoding.startswith("utf"):
        line = text.count("\n", 0, bad.start()) + 1
        raise ImportProblem(
            path,
            f"cannot decode the text: it contains the control character U+{ord(bad.group()):04X}"
            f" at character {bad.start()} (line {line}); transcripts hold text only",
            "remove it in a text editor and import again",
        )
    if bad:
        raise ImportProblem(
            path,
            f"cannot decode the text: control character U+{ord(bad.group()):04X} at"
            f" character {bad.start()} (not UTF-8, UTF-16 or a Western European encoding)",
        )
    if not text.strip():
        raise ImportProblem(path, "the file is empty")
    return text, encoding


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Detect UTF-16 text without a BOM: nearly every other byte is zero."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, encoding: str | None, path: Path) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise ImportProblem(path, f"is not valid {encoding} (byte {exc.start})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data) or _UTF8_LEADS.search(data):
        offsets, count = invalid_utf8(data)
        shown = ", ".join(str(o) for o in offsets)
        more = f" and {count - len(offsets)} more" if count > len(offsets) else ""
        raise ImportProblem(
            path,
            f"is UTF-8 text with {count} damaged byte sequence(s), at byte offset(s) {shown}{more};"
            " nothing was imported",
            "repair those bytes or save the file again as UTF-8",
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_WESTERN).best()
    if best is None:
        raise ImportProblem(path, "cannot decode the text (not UTF-8, UTF-16 or Windows-1252)")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise ImportProblem(path, f"cannot decode the text as {best.encoding}") from None


def invalid_utf8(data: bytes, shown: int = _SHOWN_OFFSETS) -> tuple[list[int], int]:
    """The byte offsets of the first ``shown`` damaged UTF-8 sequences in ``data``, and
    how many there are in all (linear time: each search resumes after the last one)."""
    offsets: list[int] = []
    position = 0
    while len(offsets) < shown:
        try:
            data[position:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            offsets.append(position + exc.start)
            position += exc.end
    replaced = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
    return offsets, max(replaced, len(offsets))
