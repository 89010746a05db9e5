"""Write an export file owner-only (0600) and atomically: a temporary file beside it,
flushed to disk, then renamed over the target. A failure leaves no half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from casebook.errors import FileProblem


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (replacing it) readable and writable by the owner only."""
    folder = path.parent
    if not folder.is_dir():
        raise FileProblem(path, "its folder does not exist", "create the folder first")
    if path.is_dir():
        raise FileProblem(path, "is a folder, not a file name")
    try:
        handle, name = tempfile.mkstemp(prefix=".casebook-export-", suffix=".part", dir=folder)
    except OSError as exc:
        raise FileProblem(path, f"cannot write there ({exc.strerror})") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(0o600)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FileProblem(path, f"could not be written ({exc.strerror}); nothing was changed") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    return path


def private_folder(folder: Path) -> Path:
    """Make ``folder`` and any missing folders above it owner-only (0700) whatever the
    umask, like the project file: a folder that holds study data is nobody else's."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    try:
        for level in reversed(missing):
            level.mkdir(mode=0o700, exist_ok=True)
            level.chmod(0o700)
    except OSError as exc:
        raise FileProblem(folder, f"cannot create the folder ({exc.strerror or exc})") from None
    return folder


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
