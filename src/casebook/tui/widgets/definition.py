"""How a code's definition reads on screen: short beside the transcript, full in the codebook."""

from __future__ import annotations

import re

from rich.text import Text

from casebook.model.codes import Code
from casebook.model.counts import CodeCount
from casebook.tui import strings
from casebook.tui.strings import shown

_LEAD = re.compile(r"^(?:bruk når|ikke når|ikkje når)\s*[:,]?\s*", re.IGNORECASE)


def _rule(text: str) -> str:
    """Drop a leading "Bruk når"/"Ikke når" the definition repeats after its label."""
    rest = _LEAD.sub("", text.strip(), count=1)
    return rest[:1].upper() + rest[1:] if rest else rest


def whose(count: CodeCount, coder: str) -> str:
    """``12 codings (ida 8 · 4 others)``: how many, and how many of them are the coder's."""
    if not count.total:
        return "no codings"
    mine = f"{shown(coder, one_line=True)} {count.mine}"
    return f"{strings.count(count.total, 'coding')} ({mine} · {count.others} others)"


def describe(code: Code, full: bool = True, counts: str | None = None) -> Text:
    """Name, id, valence and distance, definition, when to use it and when not (all user
    text shown verbatim). ``counts`` replaces the plain number of codings of the full view."""
    gap = "\n\n" if full else "\n"
    text = Text()
    text.append(shown(code.name, one_line=True), style=f"bold {code.color}" if full else "bold")
    text.append("\n" if full else " ")
    meta = f"{code.key} · {code.valence.value} · distance: {code.distance.value}"
    if full:
        meta += "\n" + (counts or strings.count(code.codings, "coding"))
    text.append(meta + gap, style="dim")
    if code.description:
        text.append(shown(code.description) + gap)
    if code.use_when:
        text.append(strings.USE_WHEN, style="bold green")
        text.append(shown(_rule(code.use_when)) + gap)
    if code.not_when:
        text.append(strings.NOT_WHEN, style="bold red")
        text.append(shown(_rule(code.not_when)) + (gap if full else ""))
    if full:
        for example in code.examples:
            text.append(f"  «{shown(example)}»\n", style="italic")
        if code.signals:
            text.append("\n" + strings.SIGNALS, style="bold")
            text.append(shown(", ".join(code.signals)))
    return text
