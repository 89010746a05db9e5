"""Read zip-based documents (.docx, .odt) without trusting them.

Guards: not-a-zip and truncated archives, password-protected documents, too many
entries, unsafe member names (path traversal), zip bombs (declared and actual sizes,
compression ratio), XML entity bombs or external entities (defusedxml, DTDs forbidden),
and elements nested deeper than the readers follow (``MAX_DEPTH``).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from casebook.errors import ImportProblem

MAX_ENTRIES = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 150
MAX_DEPTH = 100
"""Deepest nesting of elements a reader follows (Word and OpenDocument use about ten levels)."""
_CHUNK = 1 << 16
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROTECTED = "is password-protected (or an old binary Office file); save it again without a password"


def too_deep(path: Path, member: str) -> ImportProblem:
    """The refusal of a document nested deeper than ``MAX_DEPTH`` levels."""
    return ImportProblem(path, f"{member} is nested too deeply (over {MAX_DEPTH} levels); refusing")


def open_archive(path: Path, what: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip and vet its directory; ``what`` names the expected format."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(_OLE_MAGIC)) == _OLE_MAGIC:  # an encrypted Office document
                raise ImportProblem(path, _PROTECTED)
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportProblem(path, f"is not a valid {what} (not a zip archive, or truncated)") from None
    except OSError as exc:
        raise ImportProblem(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        _vet(archive, path)
    except ImportProblem:
        archive.close()
        raise
    return archive


def _vet(archive: zipfile.ZipFile, path: Path) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportProblem(path, f"archive has {len(infos)} entries; refusing (zip bomb?)")
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise ImportProblem(path, f"archive member {name!r} has an unsafe path; refusing")
        if info.flag_bits & 0x1:
            raise ImportProblem(path, _PROTECTED)
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise ImportProblem(path, "archive unpacks to too much data; refusing (zip bomb?)")
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1 << 20
        ):
            raise ImportProblem(path, "archive is compressed suspiciously well; refusing (zip bomb?)")


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """Read one member, stopping at the size limit whatever its header claims."""
    try:
        with archive.open(name) as handle:
            chunks: list[bytes] = []
            size = 0
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > MAX_MEMBER_BYTES:
                    raise ImportProblem(path, f"{name} unpacks to too much data; refusing (zip bomb?)")
                chunks.append(chunk)
    except KeyError:
        raise ImportProblem(path, f"is missing {name}") from None
    except RuntimeError:  # zipfile's "password required"
        raise ImportProblem(path, _PROTECTED) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ImportProblem(path, f"is damaged: cannot unpack {name} ({exc})") from None
    return b"".join(chunks)


def parse_xml(data: bytes, path: Path, member: str) -> Element:
    """Parse untrusted XML: no DTDs, no entities, no external references."""
    try:
        root: Element = fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException as exc:
        raise ImportProblem(
            path, f"{member} declares a DTD or entities; refusing ({type(exc).__name__})"
        ) from None
    except ParseError as exc:
        raise ImportProblem(path, f"{member} is not well-formed XML ({exc})") from None
