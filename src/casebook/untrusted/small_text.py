"""Read a small UTF-8 file the researcher wrote (manifest, study file, codebook) safely."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from casebook.errors import FileProblem


def read_small_text(path: Path, what: str, limit: int, error: type[FileProblem] = FileProblem) -> str:
    """The file's text, or ``error`` naming the file: missing, unreadable (a folder without
    access, a name too long), too large, not UTF-8."""
    try:
        if not path.is_file():
            raise error(path, f"no such {what}")
        data = path.read_bytes()
    except OSError as exc:
        raise error(path, f"cannot read the {what} ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(path, f"the {what} is too large (limit {limit // 2**20} MiB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(path, f"the {what} is not UTF-8 text (save it as UTF-8)") from None


def read_small_toml(
    path: Path, what: str, limit: int, error: type[FileProblem] = FileProblem
) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text, or ``error`` naming the file and what is wrong."""
    text = read_small_text(path, what, limit, error)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(path, f"is not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise error(path, "is not a usable TOML file: its arrays or tables are nested too deeply") from None
