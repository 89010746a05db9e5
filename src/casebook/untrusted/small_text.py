"""Read a small UTF-8 file the researcher wrote (manifest, study file, codebook) safely."""

from __future__ import annotations

from pathlib import Path

from casebook.errors import FileProblem


def read_small_text(path: Path, what: str, limit: int, error: type[FileProblem] = FileProblem) -> str:
    """The file's text, or ``error`` naming the file: missing, too large, not UTF-8."""
    if not path.is_file():
        raise error(path, f"no such {what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(path, f"cannot read the {what} ({exc.strerror})") from None
    if len(data) > limit:
        raise error(path, f"the {what} is too large (limit {limit // 2**20} MiB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(path, f"the {what} is not UTF-8 text (save it as UTF-8)") from None
