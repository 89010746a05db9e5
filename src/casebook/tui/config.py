"""User settings for the workbench: theme, coder, pinned codes and key remapping.

Read from ``$CASEBOOK_CONFIG`` or ``~/.config/casebook/config.toml``::

    theme = "textual-light"
    coder = "ida"
    pinned = ["broer.koordinator", "familie.strafferunder"]

    [keymap]            # binding id = keys (see the help screen, ?, for ids)
    "coding.apply" = "a,enter"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Config:
    """Settings with their defaults; ``problem`` says why a config file was ignored."""

    theme: str = "textual-dark"
    coder: str | None = None
    pinned: list[str] = field(default_factory=list)
    keymap: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def config_path() -> Path:
    """Where the config file is looked for."""
    if os.environ.get("CASEBOOK_CONFIG"):
        return Path(os.environ["CASEBOOK_CONFIG"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "casebook" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config; a broken file is reported, never fatal."""
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problem=f"{path}: ignored ({exc})")
    keymap = data.get("keymap", {})
    pinned = data.get("pinned", [])
    if not isinstance(keymap, dict) or not isinstance(pinned, list):
        return Config(problem=f"{path}: ignored (keymap must be a table, pinned a list)")
    return Config(
        theme=str(data.get("theme", "textual-dark")),
        coder=str(data["coder"]) if data.get("coder") else None,
        pinned=[str(p) for p in pinned],
        keymap={str(k): str(v) for k, v in keymap.items()},
    )
