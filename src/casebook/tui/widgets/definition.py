"""How a code's definition reads on screen: short beside the transcript, full in the codebook."""

from __future__ import annotations

import re

from rich.text import Text

from casebook.model.codes import Code

_LEAD = re.compile(r"^(?:bruk når|ikke når|ikkje når)\s*[:,]?\s*", re.IGNORECASE)


def _rule(text: str) -> str:
    """Drop a leading "Bruk når"/"Ikke når" the definition repeats after its label."""
    rest = _LEAD.sub("", text.strip(), count=1)
    return rest[:1].upper() + rest[1:] if rest else rest


def describe(code: Code, full: bool = True) -> Text:
    """Name, id, valence and distance, definition, when to use it and when not."""
    gap = "\n\n" if full else "\n"
    text = Text()
    text.append(f"{code.name}", style=f"bold {code.color}" if full else "bold")
    text.append("\n" if full else " ")
    meta = f"{code.key} · {code.valence.value} · distance: {code.distance.value}"
    text.append(meta + (f" · {code.codings} codings" if full else "") + gap, style="dim")
    if code.description:
        text.append(code.description + gap)
    if code.use_when:
        text.append("Bruk når: ", style="bold green")
        text.append(_rule(code.use_when) + gap)
    if code.not_when:
        text.append("Ikke når: ", style="bold red")
        text.append(_rule(code.not_when) + (gap if full else ""))
    if full:
        for example in code.examples:
            text.append(f"  «{example}»\n", style="italic")
        if code.signals:
            text.append("\nSignaler: ", style="bold")
            text.append(", ".join(code.signals))
    return text
