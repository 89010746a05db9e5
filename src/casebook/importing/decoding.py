"""Decode text files whose encoding nobody wrote down, keeping æ, ø and å intact.

Order: byte-order marks, UTF-16 without BOM, strict UTF-8, then charset-normalizer
limited to the encodings Norwegian transcripts are really saved in. Control characters
in the result mean the guess was wrong, and the file is refused rather than garbled.
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
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
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_WESTERN).best()
    if best is None:
        raise ImportProblem(path, "cannot decode the text (not UTF-8, UTF-16 or Windows-1252)")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise ImportProblem(path, f"cannot decode the text as {best.encoding}") from None
