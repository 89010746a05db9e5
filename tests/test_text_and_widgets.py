"""Pure pieces of the workbench: selection units, word-form search, layout, picker, undo."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.model.codes import Code
from casebook.text import inflection, segmenting
from casebook.text.normalize import normalize
from casebook.text.turns import split_turns
from casebook.tui.dialogs.code_picker import rank
from casebook.tui.undo import History, Step
from casebook.tui.widgets.layout import LineIndex, wrap

TEXT = (
    "Mor: Det er bedre nå. Vi har fått en barnekoordinator, og hun ringer skolen for oss!\n"
    "Men BUP vil fortsatt ikke snakke med skolen.\n\nFar: Og møteplassene er få.\n"
)


def test_sentence_and_turn_units_stay_inside_the_turn() -> None:
    turns = split_turns(TEXT)
    mother = turns[0]
    start, end = segmenting.sentence_at(TEXT, TEXT.index("barnekoordinator"), mother.body_start, mother.end)
    assert TEXT[start:end] == "Vi har fått en barnekoordinator, og hun ringer skolen for oss!"
    first = segmenting.sentence_at(TEXT, mother.body_start, mother.body_start, mother.end)
    assert TEXT[slice(*first)] == "Det er bedre nå."


def test_free_selections_snap_to_whole_words() -> None:
    inside = TEXT.index("koordinator") + 3
    start, end = segmenting.snap_to_words(TEXT, inside, inside + 4)
    assert TEXT[start:end] == "barnekoordinator"
    start, end = segmenting.snap_to_words(TEXT, TEXT.index(" Vi"), TEXT.index("fått") + 2)
    assert TEXT[start:end] == "Vi har fått"


def test_word_form_search_keeps_aeoeaa_apart() -> None:
    text = "Får far møteplass? Møteplassene og barnekoordinatoren, koordinatorer."
    found = {text[a:b] for a, b in inflection.find_inflected(text, "møteplass")}
    assert found == {"møteplass", "Møteplassene"}
    assert {text[a:b] for a, b in inflection.find_inflected(text, "koordinator")} >= {
        "barnekoordinatoren",
        "koordinatorer",
    }
    assert {text[a:b] for a, b in segmenting.find_all(text, "far")} == {"far"}  # not "Får"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcæøå .,\n", max_size=400), st.integers(min_value=8, max_value=60))
def test_layout_shows_every_character_of_every_turn(raw: str, width: int) -> None:
    text = normalize("Mor: " + raw)
    turns = split_turns(text)
    lines = wrap(text, turns, width)
    shown = set()
    for line in lines:
        assert line.end - line.start <= width
        shown.update(range(line.start, line.end))
    for turn in turns:
        body = text[turn.body_start : turn.end].rstrip("\n \t")
        for offset, char in enumerate(body, turn.body_start):
            if char not in " \n":
                assert offset in shown
    index = LineIndex(lines)
    for number, line in enumerate(lines):
        if not line.blank and line.end > line.start:
            assert index.line_of(line.start) == number


def test_spans_are_indexed_on_every_line_they_touch() -> None:
    text = "Mor: " + " ".join(["ord"] * 60)
    turns = split_turns(text)
    lines = wrap(text, turns, 20)
    index = LineIndex(lines)
    table = index.spans_by_line([(5, len(text)), (10, 12)])
    assert all(0 in row for row in table)
    assert [n for n, row in enumerate(table) if 1 in row] == [0]


def test_picker_ranks_names_ids_and_aliases_with_recent_first() -> None:
    codes = [
        Code("broer.koordinator", "Koordinator"),
        Code("broer.barnekoordinator", "Barnekoordinator", aliases=("BK",)),
        Code("strukturell.taushetsplikt", "Taushetsplikt", aliases=("teieplikt",)),
    ]
    assert next(c.key for c in rank(codes, "koord", [])) == "broer.koordinator"  # a name's start wins
    assert next(c.key for c in rank(codes, "", ["strukturell.taushetsplikt"])) == "strukturell.taushetsplikt"
    assert [c.key for c in rank(codes, "koordinator", ["broer.barnekoordinator"])] == [
        "broer.koordinator",
        "broer.barnekoordinator",
    ]
    assert [c.key for c in rank(codes, "teie", [])] == ["strukturell.taushetsplikt"]
    assert (
        next(c.key for c in rank(codes, "bk", [])) == "broer.barnekoordinator"
    )  # alias beats scattered letters
    assert rank(codes, "xyzzy", []) == []


def test_history_undoes_and_redoes_in_order() -> None:
    state: list[str] = []
    history = History()
    for word in ("a", "b"):
        state.append(word)
        history.push(Step(word, lambda: state.pop(), lambda w=word: state.append(w)))
    assert history.undo() == "b" and state == ["a"]
    assert history.redo() == "b" and state == ["a", "b"]
    assert history.undo() == "b" and history.undo() == "a" and state == []
    assert history.undo() is None
    state.append("c")
    history.push(Step("c", lambda: state.pop(), lambda: state.append("c")))
    assert history.redo() is None  # a new change clears the redo side
