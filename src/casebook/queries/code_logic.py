"""Code logic on spans: ``A AND B``, ``A SAME_TURN B``, ``A NOT B``, ``A FOLLOWED_BY B WITHIN N``.

Both codes' spans arrive sorted by (source, start); each source's B spans are prepared
once (prefix maxima of their ends, their starts, the turns holding them) and every A span
is then answered by a binary search, so the work grows with n log n, never with the
number of (A, B) pairs in the study. A coding never pairs with itself (a code and its
own sub-code can both be in play).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence

from casebook.errors import InvalidValue
from casebook.model.segments import CodeLogic, LogicOp
from casebook.storage.segment_store import SpanRow

_HINT = "write A AND B, A SAME_TURN B, A NOT B or A FOLLOWED_BY B WITHIN N (N characters), with code ids"
_WORDS = {op.value: op for op in LogicOp}


def parse_logic(text: str) -> CodeLogic:
    """Read ``"broer.koordinator AND familie.venting"`` (keywords in any case)."""
    words = text.split()
    ops = [_WORDS.get(w.upper().replace("-", "_")) for w in words]
    if len(words) in (3, 5) and ops[1] is not None and ops[0] is None and ops[2] is None:
        left, op, right = words[0], ops[1], words[2]
        if op is LogicOp.FOLLOWED_BY:
            if len(words) != 5 or words[3].upper() != "WITHIN":
                raise InvalidValue(f"{text!r}: say how near B must follow: WITHIN N characters", _HINT)
            if not words[4].isdigit():
                raise InvalidValue(f"{text!r}: WITHIN takes a whole number of characters, not {words[4]!r}")
            return CodeLogic(left, op, right, int(words[4]))
        if len(words) == 3:
            return CodeLogic(left, op, right)
    raise InvalidValue(f"cannot read the code logic {text!r}", _HINT)


def select(logic: CodeLogic, left: Sequence[SpanRow], right: Sequence[SpanRow]) -> set[int]:
    """Coding ids of the ``left`` spans that ``logic`` keeps, given the ``right`` spans.
    Both sequences are sorted by (source, start)."""
    by_source = {source: list(spans) for source, spans in itertools.groupby(right, key=_source)}
    kept: set[int] = set()
    for source, group in itertools.groupby(left, key=_source):
        spans = list(group)
        others = by_source.get(source, [])
        if logic.op is LogicOp.SAME_TURN:
            kept.update(_same_turn(spans, others))
        elif logic.op is LogicOp.FOLLOWED_BY:
            kept.update(_followed(spans, others, logic.within or 0))
        else:
            overlapped = _overlapped(spans, others)
            kept.update(overlapped if logic.op is LogicOp.AND else {s.coding_id for s in spans} - overlapped)
    return kept


def _source(span: SpanRow) -> int:
    return span.source_id


def _overlapped(spans: Iterable[SpanRow], others: list[SpanRow]) -> set[int]:
    """The spans that some other span overlaps: among the others starting before a span's
    end, the largest end (from another coding) must lie beyond the span's start."""
    starts = [o.start for o in others]
    best: list[tuple[int, int]] = []  # prefix maximum of ends, with the coding holding it
    second: list[int] = []  # prefix maximum of ends of the other codings
    top, top_id, runner = -1, -1, -1
    for other in others:
        if other.end > top:
            top, top_id, runner = other.end, other.coding_id, top
        elif other.end > runner:
            runner = other.end
        best.append((top, top_id))
        second.append(runner)
    out: set[int] = set()
    for span in spans:
        k = bisect.bisect_left(starts, span.end)
        if k:
            end, holder = best[k - 1]
            reach = second[k - 1] if holder == span.coding_id else end
            if reach > span.start:
                out.add(span.coding_id)
    return out


def _same_turn(spans: Iterable[SpanRow], others: list[SpanRow]) -> list[int]:
    """Spans inside one turn that also holds a whole span of another coding."""
    in_turn: dict[int, list[int]] = {}
    for other in others:
        turn = _turn(other)
        if turn is not None and len(in_turn.setdefault(turn, [])) < 2:
            in_turn[turn].append(other.coding_id)
    return [
        s.coding_id
        for s in spans
        if (turn := _turn(s)) is not None and any(i != s.coding_id for i in in_turn.get(turn, ()))
    ]


def _turn(span: SpanRow) -> int | None:
    """The turn a span lies wholly within, or None (outside turns, or across two)."""
    return span.first_turn if span.first_turn is not None and span.first_turn == span.last_turn else None


def _followed(spans: Iterable[SpanRow], others: list[SpanRow], within: int) -> list[int]:
    """Spans after whose end another span starts, at most ``within`` characters later."""
    starts = [o.start for o in others]
    out: list[int] = []
    for span in spans:
        k = bisect.bisect_left(starts, span.end)
        if k < len(starts) and starts[k] <= span.end + within:
            out.append(span.coding_id)
    return out
