"""Case summary templates: which sections a per-case summary has, and what fills each.

    title = "Casesammendrag: {case}"      # {case} is the case's label ("Familie 1")
    excerpts = 2                           # excerpts per code, most relevant first

    [[sections]]
    title = "Familien i korthet"
    fill = "profile"                       # what fills the section (see FILLS)
    text = "Fritekst før innholdet."       # optional, shown first

    [[sections]]
    title = "Koordinering"
    fill = "codes"
    codes = ["broer.koordinator", "familie.foreldre_som_koordinator"]
    excerpts = 3                           # this section's own number

The default template ships in ``templates/case_summary.toml``. Every problem names the
file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.errors import FileProblem
from casebook.untrusted.small_text import read_small_toml

MAX_TEMPLATE_BYTES = 256 * 1024
MAX_EXCERPTS = 50

FILLS: dict[str, str] = {
    "profile": "the case's attributes round by round, its interviews, and the case memo",
    "services": "each service's path in date order (strafferunder marked)",
    "codes": "per code: segments per round with count phrases, and the most relevant excerpts",
    "distances": "barriers grouped by the four distances and resources, per round, with excerpts",
    "changes": "change since the previous round: attributes, directions, events in between",
    "questions": "open questions: unset or unclear directions, services still waiting",
    "text": "only the section's own text",
}
_TOP = {"title", "excerpts", "sections"}
_SECTION = {"title", "fill", "codes", "excerpts", "text"}


class TemplateProblem(FileProblem):
    """A summary template cannot be used; the message names the file and the key."""

    title = "Template problem"


@dataclass(frozen=True, slots=True)
class SummarySection:
    """One section of a case summary."""

    title: str
    fill: str
    codes: tuple[str, ...] = ()
    excerpts: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class SummaryTemplate:
    """A whole template: the title pattern, excerpts per code, and the sections in order."""

    title: str
    excerpts: int
    sections: tuple[SummarySection, ...]


class _Bad(Exception):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"key {key!r}: {problem}")


def read_template(path: Path) -> SummaryTemplate:
    """Parse a summary template, or raise TemplateProblem naming the file and the key."""
    doc, _ = read_small_toml(path, "summary template", MAX_TEMPLATE_BYTES, TemplateProblem)
    try:
        return _template(doc)
    except _Bad as exc:
        raise TemplateProblem(path, str(exc)) from None


def _known(table: dict[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise _Bad(f"{prefix}{key}", f"unknown key (use one of {', '.join(sorted(allowed))})")


def _text(value: object, key: str, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Bad(key, "must be a non-empty text in quotes" if required else "must be a text in quotes")
    return value.strip()


def _count(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EXCERPTS:
        raise _Bad(key, f"must be a whole number from 0 to {MAX_EXCERPTS}")
    return value


def _template(doc: dict[str, Any]) -> SummaryTemplate:
    _known(doc, _TOP, "")
    entries = doc.get("sections", [])
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise _Bad("sections", "list at least one [[sections]] table with a title and a fill")
    return SummaryTemplate(
        title=_text(doc.get("title", "Casesammendrag: {case}"), "title"),
        excerpts=_count(doc.get("excerpts", 2), "excerpts"),
        sections=tuple(_section(number, entry) for number, entry in enumerate(entries, start=1)),
    )


def _section(number: int, entry: dict[str, Any]) -> SummarySection:
    prefix = f"sections[{number}]."
    _known(entry, _SECTION, prefix)
    fill = _text(entry.get("fill", "text"), prefix + "fill")
    if fill not in FILLS:
        raise _Bad(prefix + "fill", f"must be one of {', '.join(FILLS)}")
    codes = entry.get("codes", [])
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list):
        raise _Bad(prefix + "codes", "must be a list of code ids")
    if fill == "codes" and not codes:
        raise _Bad(prefix + "codes", 'a section filled with "codes" lists at least one code')
    return SummarySection(
        title=_text(entry.get("title", ""), prefix + "title"),
        fill=fill,
        codes=tuple(_text(c, prefix + "codes") for c in codes),
        excerpts=_count(entry["excerpts"], prefix + "excerpts") if "excerpts" in entry else None,
        text=_text(entry.get("text", ""), prefix + "text", required=False),
    )
