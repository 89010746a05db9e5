"""The transcript: speaker turns, coded spans in their colours, cursor and selection.

Suggested spans (the suggester's proposals, not codings) are drawn apart: italic text in
the ``transcript--suggested`` style, never a code's background, with ``?`` in the margin.

Built on Textual's Line API (``ScrollView.render_line``) with its own line table, so
opening, scrolling and repainting stay fast on long transcripts with many codings.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from casebook.model.sources import Turn
from casebook.tui.strings import shown
from casebook.tui.widgets.layout import DisplayLine, LineIndex, wrap

GUTTER = 13  # speaker labels; 7 on narrow terminals
MARGIN = 16  # code markers and names; 5 (markers only) on narrow terminals
NARROW = 72


class TextUnits(Protocol):
    """Words, sentences and paragraphs of the shown text, as offsets (given by the screen)."""

    def next_word(self, offset: int) -> int: ...
    def prev_word(self, offset: int) -> int: ...
    def word_end(self, offset: int) -> int: ...
    def snap_to_words(self, start: int, end: int) -> tuple[int, int]: ...
    def sentence_at(self, offset: int, lo: int, hi: int) -> tuple[int, int]: ...
    def next_sentence(self, offset: int, hi: int) -> int: ...
    def prev_sentence(self, offset: int, lo: int) -> int: ...
    def paragraph_at(self, offset: int, lo: int, hi: int) -> tuple[int, int]: ...
    def trim(self, start: int, end: int) -> tuple[int, int]: ...


def _screen_text(text: str) -> str:
    """Transcript text as drawn: one cell per character, no control character reaches the terminal."""
    return shown(text.replace("\t", " "), one_line=True)


@dataclass(frozen=True, slots=True)
class Span:
    """A coded span to draw: where, which code, and how."""

    id: int
    start: int
    end: int
    code: str
    label: str
    color: str
    mine: bool = True  # another coder's span is drawn fainter, with a hollow margin mark


@dataclass(frozen=True, slots=True)
class SuggestedSpan:
    """A span the suggester proposes for a code: drawn as a proposal, never as a coding."""

    start: int
    end: int
    label: str


class TranscriptView(ScrollView, can_focus=True):
    """A keyboard-first reader for one transcript."""

    DEFAULT_CSS = """
    TranscriptView { background: $surface; }
    TranscriptView:focus { background-tint: $foreground 3%; }
    TranscriptView > .transcript--suggested { color: $text-warning; text-style: italic; }
    """
    COMPONENT_CLASSES = {"transcript--suggested"}
    BINDINGS = [
        Binding("up", "move_line(-1)", "Up", show=False, id="transcript.up"),
        Binding("down", "move_line(1)", "Down", show=False, id="transcript.down"),
        Binding("left", "move_char(-1)", "Left", show=False, id="transcript.left"),
        Binding("right", "move_char(1)", "Right", show=False, id="transcript.right"),
        Binding("shift+up", "extend_line(-1)", "Extend up", show=False, id="transcript.extend_up"),
        Binding("shift+down", "extend_line(1)", "Extend down", show=False, id="transcript.extend_down"),
        Binding("shift+left", "extend_char(-1)", "Extend left", show=False, id="transcript.extend_left"),
        Binding("shift+right", "extend_char(1)", "Extend right", show=False, id="transcript.extend_right"),
        Binding("w", "word(1)", "Next word", show=False, id="transcript.word_next"),
        Binding("b", "word(-1)", "Previous word", show=False, id="transcript.word_prev"),
        Binding(
            "right_parenthesis", "sentence(1)", "Next sentence", show=False, id="transcript.sentence_next"
        ),
        Binding(
            "left_parenthesis", "sentence(-1)", "Previous sentence", show=False, id="transcript.sentence_prev"
        ),
        Binding("pageup", "page(-1)", "Page up", show=False, id="transcript.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="transcript.page_down"),
        Binding("home,g", "edge(-1)", "Top", show=False, id="transcript.top"),
        Binding("end,G", "edge(1)", "Bottom", show=False, id="transcript.bottom"),
        Binding("t", "select_turn", "Turn", id="transcript.select_turn", tooltip="Select the speaker turn"),
        Binding(
            "s", "select_sentence", "Sentence", id="transcript.select_sentence", tooltip="Select the sentence"
        ),
        Binding("p", "select_paragraph", "Paragraph", show=False, id="transcript.select_paragraph"),
        Binding("v", "toggle_select", "Mark", id="transcript.mark", tooltip="Start or end a free selection"),
        Binding("escape", "clear_selection", "Clear", show=False, id="transcript.clear"),
    ]

    class SelectionChanged(Message):
        """The cursor or selection moved; ``selection`` is None when nothing is selected."""

        def __init__(self, cursor: int, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.cursor = cursor
            self.selection = selection

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.units: TextUnits | None = None
        self.turns: list[Turn] = []
        self.speaker_styles: dict[str, Style] = {}
        self.spans: list[Span] = []
        self.hits: list[tuple[int, int]] = []
        self.suggested: list[SuggestedSpan] = []
        self.cursor = 0
        self.select_from: int | None = None
        self._marking = False
        self._dragging = False
        self._index = LineIndex([])
        self._by_line: list[list[int]] = []
        self._suggested_by_line: list[list[int]] = []
        self._base = self._suggested_style = Style()
        self._gutter_w, self._margin_w = GUTTER, MARGIN
        self._layout_width = 0

    # ---- data in -------------------------------------------------------------------
    def load(self, text: str, turns: Sequence[Turn], spans: Sequence[Span], units: TextUnits) -> None:
        """Show a new transcript (cursor at the top, nothing selected); ``units`` are its words
        and sentences, for moving and selecting."""
        self.text, self.turns, self.units = text, list(turns), units
        self.cursor, self.select_from, self._marking = (turns[0].body_start if turns else 0), None, False
        self.spans = list(spans)
        self._layout_width = 0
        self._index = LineIndex([])
        if self.size.width:  # otherwise the first resize lays it out, at the real width
            self._relayout()

    def set_spans(self, spans: Sequence[Span]) -> None:
        """Replace the coded spans (after coding, undo, filtering) and repaint."""
        self.spans = list(spans)
        self._by_line = self._index.spans_by_line([(s.start, s.end) for s in self.spans])
        self.refresh()

    def add_span(self, span: Span) -> None:
        """Draw one more coded span, indexing only the lines it touches."""
        self.spans.append(span)
        for number in self._index.lines_touched(span.start, span.end):
            self._by_line[number].append(len(self.spans) - 1)
        self.refresh()

    def set_suggested(self, spans: Sequence[SuggestedSpan]) -> None:
        """Replace the suggested spans (proposals under review) and repaint."""
        self.suggested = list(spans)
        self._suggested_by_line = self._index.spans_by_line([(s.start, s.end) for s in self.suggested])
        self.refresh()

    def set_hits(self, hits: Sequence[tuple[int, int]]) -> None:
        """Mark search hits."""
        self.hits = list(hits)
        self.refresh()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span snapped to whole words, or None."""
        if self.units is None or self.select_from is None or self.select_from == self.cursor:
            return None
        start, end = self.units.snap_to_words(self.select_from, self.cursor)
        return (start, end) if end > start else None

    def turn_at(self, offset: int) -> int:
        """Index of the turn holding ``offset``."""
        for index, turn in enumerate(self.turns):
            if turn.start <= offset < turn.end:
                return index
        return max(0, len(self.turns) - 1)

    def visible_range(self) -> tuple[int, int]:
        """Offsets of the first and last character on screen."""
        lines = self._index.lines
        if not lines:
            return 0, 0
        top = int(self.scroll_offset.y)
        bottom = min(len(lines) - 1, top + self.size.height - 1)
        return lines[min(top, len(lines) - 1)].start, lines[bottom].end

    # ---- layout ----------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def _text_width(self) -> int:
        narrow = self.size.width < NARROW
        self._gutter_w, self._margin_w = (7, 5) if narrow else (GUTTER, MARGIN)
        return max(20, self.size.width - self._gutter_w - self._margin_w - 2)

    def _relayout(self) -> None:
        width = self._text_width()
        if width == self._layout_width and self._index.lines:
            return
        self._layout_width = width
        self._index = LineIndex(wrap(self.text, self.turns, width))
        self._by_line = self._index.spans_by_line([(s.start, s.end) for s in self.spans])
        self._suggested_by_line = self._index.spans_by_line([(s.start, s.end) for s in self.suggested])
        self.virtual_size = Size(self.size.width, len(self._index.lines))
        self.refresh()

    # ---- painting ----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        self._base = self.rich_style  # computed once per line: it walks the CSS
        self._suggested_style = self.get_component_rich_style("transcript--suggested", partial=True)
        number = y + int(self.scroll_offset.y)
        width = self.size.width
        if number >= len(self._index.lines):
            return Strip.blank(width, self._base)
        line = self._index.lines[number]
        segments = self._gutter(line) + self._body(line, number) + self._margin(number)
        return Strip(segments).adjust_cell_length(width, self._base)

    def _gutter(self, line: DisplayLine) -> list[Segment]:
        if not line.first or line.blank or not self.turns:
            return [Segment(" " * self._gutter_w, self._base)]
        turn = self.turns[line.turn]
        label = _screen_text(turn.speaker or "")[: self._gutter_w - 2]
        style = self.speaker_styles.get(turn.speaker or "", Style(bold=True))
        return [Segment(f"{label:>{self._gutter_w - 2}}  ", self._base + style)]

    def _body(self, line: DisplayLine, number: int) -> list[Segment]:
        width = self._layout_width
        if line.blank:
            return [Segment(" " * width, self._base)]
        covering = [self.spans[i] for i in self._by_line[number]] if number < len(self._by_line) else []
        suggested = [self.suggested[i] for i in self._suggested_at(number)]
        selection = self._raw_selection()
        cuts = {line.start, line.end}
        for span in covering:
            cuts.update((span.start, span.end))
        for proposed in suggested:
            cuts.update((proposed.start, proposed.end))
        for a, b in self.hits:
            if a < line.end and b > line.start:
                cuts.update((a, b))
        if selection:
            cuts.update(selection)
        if line.start <= self.cursor <= line.end:
            cuts.update((self.cursor, self.cursor + 1))
        points = sorted(c for c in cuts if line.start <= c <= line.end)
        segments = []
        for a, b in itertools.pairwise(points):
            style = self._style_at(a, covering, selection, suggested)
            segments.append(Segment(_screen_text(self.text[a:b]), style))
        if self.cursor == line.end and self.has_focus and (not self.text[line.end : line.end + 1].strip()):
            segments.append(Segment(" ", self._base + Style(reverse=True)))
        used = sum(len(s.text) for s in segments)
        segments.append(Segment(" " * max(0, width - used), self._base))
        return segments

    def _suggested_at(self, number: int) -> list[int]:
        return self._suggested_by_line[number] if number < len(self._suggested_by_line) else []

    def _style_at(
        self,
        offset: int,
        covering: list[Span],
        selection: tuple[int, int] | None,
        suggested: Sequence[SuggestedSpan] = (),
    ) -> Style:
        style = self._base
        over = [s for s in covering if s.start <= offset < s.end]
        if over:
            span = min(over, key=lambda s: s.end - s.start)
            background = self._blend(span.color, 0.55 if span.mine else 0.25)
            style += Style(bgcolor=background.rich_color, color=background.get_contrast_text(0.95).rich_color)
            if len(over) > 1:
                style += Style(underline=True)
        if any(s.start <= offset < s.end for s in suggested):  # a proposal: never a code's colour
            style += Style(italic=True) if over else self._suggested_style
        if any(a <= offset < b for a, b in self.hits):
            style += Style(bgcolor="yellow", color="black")
        if selection and selection[0] <= offset < selection[1]:
            style += Style(bgcolor="#3a6ea5", color="white")
        if offset == self.cursor and self.has_focus:
            style += Style(reverse=True)
        return style

    def _blend(self, color: str, strength: float = 0.55) -> Color:
        base = self.styles.background if self.styles.background.a > 0 else Color(30, 30, 30)
        try:
            return base.blend(Color.parse(color), strength)
        except Exception:  # an unparsable colour must not break painting
            return base

    def _margin(self, number: int) -> list[Segment]:
        coded = self._by_line[number] if number < len(self._by_line) else []
        suggested = [self.suggested[i] for i in self._suggested_at(number)]
        if not coded and not suggested:
            return [Segment(" " * self._margin_w, self._base)]
        line = self._index.lines[number]
        seen: dict[tuple[str, bool], Span] = {}
        for index in coded:
            span = self.spans[index]
            seen.setdefault((span.code, span.mine), span)
        marks = [Segment(" ", self._base)]
        starting: Span | SuggestedSpan | None = None
        for span in seen.values():
            begins = line.start <= span.start < max(line.end, line.start + 1)
            mark = ("■" if begins else "┃") if span.mine else ("□" if begins else "╎")
            marks.append(Segment(mark, self._base + Style(color=_rich(span.color))))
            starting = starting or (span if begins else None)
        label_style = self._base + Style(dim=True)
        if suggested:  # one mark for every proposal on the line: ? where one begins
            begun = [s for s in suggested if line.start <= s.start < max(line.end, line.start + 1)]
            marks.append(Segment("?" if begun else "┊", self._base + self._suggested_style))
            if starting is None and begun:
                starting, label_style = begun[0], self._base + self._suggested_style
        room = self._margin_w - len(marks) - 1
        if starting is not None and room > 2:
            label = _screen_text(starting.label)[: room - 1]
            marks.append(Segment(" " + label, label_style))
        return marks

    # ---- cursor and selection ---------------------------------------------------------
    def _raw_selection(self) -> tuple[int, int] | None:
        if self.select_from is None or self.select_from == self.cursor:
            return None
        return min(self.select_from, self.cursor), max(self.select_from, self.cursor)

    def _move_to(self, offset: int, extend: bool = False) -> None:
        offset = max(0, min(offset, len(self.text)))
        if extend and self.select_from is None:
            self.select_from = self.cursor
        elif not extend and not self._marking:
            self.select_from = None
        self.cursor = offset
        self._reveal()
        self.refresh()
        self.post_message(self.SelectionChanged(self.cursor, self.selection))

    def _reveal(self) -> None:
        line = self._index.line_of(self.cursor)
        self.scroll_to_region(Region(0, line, 1, 1), animate=False)

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` with the cursor at its end."""
        self.select_from, self._marking = start, False
        self.cursor = end
        self._reveal()
        self.refresh()
        self.post_message(self.SelectionChanged(self.cursor, self.selection))

    def go_to(self, offset: int) -> None:
        """Put the cursor at ``offset`` and clear the selection."""
        self.select_from, self._marking = None, False
        self._move_to(offset)

    def _column_move(self, delta: int, extend: bool) -> None:
        lines = self._index.lines
        if not lines:
            return
        current = self._index.line_of(self.cursor)
        column = self.cursor - lines[current].start
        target = current + delta
        while 0 <= target < len(lines) and lines[target].blank:
            target += 1 if delta > 0 else -1
        target = max(0, min(target, len(lines) - 1))
        line = lines[target]
        self._move_to(min(line.start + column, line.end), extend)

    def action_move_line(self, delta: int) -> None:
        self._column_move(delta, False)

    def action_extend_line(self, delta: int) -> None:
        self._column_move(delta, True)

    def action_move_char(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_extend_char(self, delta: int) -> None:
        self._move_to(self.cursor + delta, True)

    def action_word(self, direction: int) -> None:
        units = self.units
        if units is None:
            return
        target = units.next_word(self.cursor) if direction > 0 else units.prev_word(self.cursor)
        if direction > 0 and (self._marking or self.select_from is not None):
            target = units.word_end(
                self.cursor if not self.text[self.cursor : self.cursor + 1].isspace() else target
            )
        self._move_to(target, self.select_from is not None)

    def _turn_bounds(self) -> tuple[int, int]:
        """Where the speech of the turn under the cursor starts and ends (or the whole text)."""
        turn = self.turns[self.turn_at(self.cursor)] if self.turns else None
        return (turn.body_start, turn.end) if turn else (0, len(self.text))

    def action_sentence(self, direction: int) -> None:
        if self.units is None:
            return
        lo, hi = self._turn_bounds()
        if direction > 0:
            target = self.units.next_sentence(self.cursor, hi)
        else:
            target = self.units.prev_sentence(self.cursor, lo)
        self._move_to(target, self.select_from is not None)

    def action_page(self, direction: int) -> None:
        self._column_move(
            direction * max(1, self.size.height - 2), self.select_from is not None and self._marking
        )

    def action_edge(self, direction: int) -> None:
        self._move_to(0 if direction < 0 else len(self.text))

    def action_select_turn(self) -> None:
        if not self.turns or self.units is None:
            return
        turn = self.turns[self.turn_at(self.cursor)]
        start, end = self.units.trim(turn.body_start, turn.end)
        if end > start:
            self.select(start, end)

    def action_select_sentence(self) -> None:
        if self.units is None:
            return
        start, end = self.units.sentence_at(self.cursor, *self._turn_bounds())
        if end > start:
            self.select(start, end)

    def action_select_paragraph(self) -> None:
        if self.units is None:
            return
        start, end = self.units.paragraph_at(self.cursor, *self._turn_bounds())
        if end > start:
            self.select(start, end)

    def action_toggle_select(self) -> None:
        if self._marking:
            self._marking = False
        else:
            self._marking, self.select_from = True, self.cursor
        self.refresh()
        self.post_message(self.SelectionChanged(self.cursor, self.selection))

    def action_clear_selection(self) -> None:
        if self.select_from is None and not self._marking:
            raise SkipAction()  # nothing to clear: let escape mean "back"
        self.clear_selection()

    def clear_selection(self) -> None:
        """Forget the selection (and stop marking); the cursor stays."""
        self.select_from, self._marking = None, False
        self.refresh()
        self.post_message(self.SelectionChanged(self.cursor, None))

    # ---- mouse ----------------------------------------------------------------------
    def _offset_at(self, x: int, y: int) -> int:
        lines = self._index.lines
        if not lines:
            return 0
        number = max(0, min(int(y + self.scroll_offset.y), len(lines) - 1))
        line = lines[number]
        return max(line.start, min(line.start + x - self._gutter_w, line.end))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        self._dragging = True
        self.capture_mouse()
        offset = self._offset_at(event.x, event.y)
        self.select_from, self.cursor, self._marking = offset, offset, False
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.cursor = self._offset_at(event.x, event.y)
            self.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            self.cursor = self._offset_at(event.x, event.y)
            if self.select_from == self.cursor:
                self.select_from = None
            self.refresh()
            self.post_message(self.SelectionChanged(self.cursor, self.selection))


def _rich(color: str) -> RichColor:
    """A code colour for rich, grey when it cannot be parsed."""
    try:
        return Color.parse(color).rich_color
    except Exception:  # a bad colour must not break painting
        return Color(128, 128, 128).rich_color
