"""Where the bundled default codebook and sample study are: the source tree (editable
installs, development) or ``<prefix>/share/casebook`` (regular installs)."""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parents[3]


def bundled(relative: str) -> Path:
    """The first existing copy of a bundled file or folder (the source tree's if none exists)."""
    for base in (_SOURCE_TREE, Path(sys.prefix) / "share" / "casebook"):
        candidate = base / relative
        if candidate.exists():
            return candidate
    return _SOURCE_TREE / relative
