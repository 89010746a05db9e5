"""The suggestion bar: two lines about the suggestion under review on the coding screen.

Line one says where you are (``suggestion 3 of 17``), which code is proposed, how sure the
suggester is and what proposed it; line two gives its evidence and the keys. Hidden when
the transcript has no open suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from casebook.model.codes import Code
from casebook.model.suggestions import Suggestion
from casebook.tui import strings
from casebook.tui.strings import shown


def _lines(*lines: Text) -> Text:
    """Lines that are cut short (…) rather than wrapped."""
    text = Text("\n").join(lines)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class SuggestionBar(Static):
    """Describes the current suggestion (or how many are open), never reading data as markup."""

    def show_count(self, total: int) -> None:
        """No suggestion chosen yet: how many are open, and how to start."""
        self.display = total > 0
        head = Text(" ◇ ", style="bold")
        head.append(strings.BAR_OPEN.format(n=total, noun="suggestion" if total == 1 else "suggestions"))
        head.append(" · " + strings.BAR_PROPOSED, style="dim italic")
        self.update(_lines(head, Text(" " + strings.BAR_START, style="dim")))

    def show_suggestion(
        self,
        suggestion: Suggestion,
        code: Code | None,
        position: int,
        total: int,
        also: Sequence[str] = (),
        edited: bool = False,
    ) -> None:
        """Suggestion ``position`` of ``total``: its code, score, origin and evidence;
        ``also`` names the other codes proposed for the same passage."""
        self.display = True
        head = Text(" ◇ ", style="bold")
        head.append(strings.BAR_POSITION.format(position=position, total=total), style="bold")
        head.append("  ")
        head.append("■ ", style=code.color if code else "")
        head.append(shown(code.name if code else suggestion.code, one_line=True), style="bold italic")
        head.append("  " + strings.BAR_SCORE.format(score=suggestion.score))
        head.append(f" {suggestion.origin}", style="dim")
        head.append(f"  ({shown(suggestion.code, one_line=True)})", style="dim")
        head.append(" · " + strings.BAR_PROPOSED, style="dim italic")
        if also:
            head.append("  " + strings.BAR_ALSO, style="dim")
            head.append(shown(", ".join(also), one_line=True))
        keys = strings.BAR_KEYS_EDITED if edited else strings.BAR_KEYS
        evidence = Text(" ")
        if suggestion.evidence:
            evidence.append(strings.BAR_EVIDENCE, style="dim")
            evidence.append(shown("; ".join(suggestion.evidence), one_line=True))
            evidence.append("   ")
        evidence.append(keys, style="bold" if edited else "dim")
        self.update(_lines(head, evidence))

    def hide(self) -> None:
        """Nothing to review."""
        self.display = False
        self.update("")
