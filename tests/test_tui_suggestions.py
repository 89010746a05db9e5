"""Reviewing code suggestions on the coding screen, as a researcher does it (Pilot): the
suggester runs in a worker and never codes; > moves, y accepts (over an edited selection
too), Y accepts a whole turn, r rejects for good; user text stays verbatim."""

from __future__ import annotations

from pathlib import Path

from casebook.model.suggestions import SUGGESTER, Status, Suggestion
from casebook.services import codebook as codebook_service
from casebook.services import suggestions
from casebook.services.project import Project
from casebook.tui.app import create_app
from casebook.tui.config import Config
from casebook.tui.screens.coding import CodingScreen
from casebook.tui.screens.help import HelpScreen
from casebook.tui.widgets.suggestion_bar import SuggestionBar
from casebook.tui.widgets.transcript import TranscriptView
from tests.test_tui import codings_by
from tests.test_tui_coding_fixes import new_project, open_source, screen_text, status

SIZE = (140, 40)
CODER = "tester"
TALK = (
    "I: Hvordan var det i fjor?\n\n"
    "Mor: Barnekoordinatoren kom på ansvarsgruppemøtet. [latter] Hun ringte skolen for oss. "
    "Men BUP vil ikke snakke med skolen uten samtykke. Vi har ventet i sju måneder på venteliste.\n\n"
    "I: Og etterpå?\n\n"
    "Far: Vi må kjempe for alt, både søknader og møter. Taushetsplikten stopper alt.\n"
)
MARKUP_NAME = "[b]Barne[/b]koordinator [latter]"


def seeded(folder: Path) -> tuple[Path, int]:
    """The small project with the suggester already run on its transcript."""
    path, source_id = new_project(folder, TALK)
    with Project.open(path) as project:
        assert suggestions.run(project, [str(source_id)]).suggestions
    return path, source_id


def stored(path: Path, *ids: int) -> dict[int, Suggestion]:
    """Suggestions as the project file has them, whatever their status."""
    with Project.open(path) as project:
        return {s.id: s for s in suggestions.listing(project, status=None, ids=list(ids))}


def open_ones(path: Path) -> list[Suggestion]:
    with Project.open(path) as project:
        return suggestions.listing(project)


async def test_the_suggest_key_proposes_codes_in_a_worker_and_never_codes(tmp_path: Path) -> None:
    path, source_id = new_project(tmp_path, TALK)
    app = create_app(path, CODER, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        await pilot.pause()
        bar = screen.query_one(SuggestionBar)
        assert not bar.display and not screen.open_suggestions
        assert "Accept" not in screen_text(app)  # the review keys show only with suggestions
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [s.id for s in screen.open_suggestions] == [s.id for s in open_ones(path)]
        assert screen.open_suggestions and bar.display
        view = screen.query_one(TranscriptView)
        drawn = {(s.start, s.end) for s in view.suggested}
        assert drawn == {(s.start, s.end) for s in screen.open_suggestions}
        assert view.spans == [] and codings_by(path, CODER) == [] and codings_by(path, SUGGESTER) == []
        text = screen_text(app)
        assert "y Accept" in text and "r Reject" in text
        assert f"{len(screen.open_suggestions)} open suggestions" in text
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"coding.suggest", "coding.suggestion_accept", "coding.suggestion_reject"} <= ids
        assert {"coding.suggestion_next", "coding.suggestion_prev", "coding.suggestion_accept_turn"} <= ids


async def test_accept_then_reject_and_a_rejection_is_never_proposed_again(tmp_path: Path) -> None:
    path, source_id = seeded(tmp_path)
    app = create_app(path, CODER, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        await pilot.pause()
        first = screen.open_suggestions[0]
        await pilot.press("greater_than_sign")
        view = screen.query_one(TranscriptView)
        assert screen.current_suggestion == first.id and view.selection == (first.start, first.end)
        assert "suggestion 1 of" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        coding = stored(path, first.id)[first.id]
        assert coding.status is Status.ACCEPTED and coding.decided_by == CODER and coding.coding_id
        assert (source_id, first.start, first.end, first.code, "") in codings_by(path, CODER)
        assert any((s.start, s.end, s.code) == (first.start, first.end, first.code) for s in view.spans)
        second = screen._current()  # moved on to the next suggestion by itself
        assert second is not None and second.id != first.id and view.selection == (second.start, second.end)
        await pilot.press("r")
        await pilot.pause()
        assert stored(path, second.id)[second.id].status is Status.REJECTED
        assert second.id not in {s.id for s in screen.open_suggestions}
        await pilot.press("P")  # run again: the rejection stays rejected
        await app.workers.wait_for_complete()
        await pilot.pause()
        again = {(s.start, s.end, s.code) for s in open_ones(path)}
        assert (second.start, second.end, second.code) not in again
        assert (first.start, first.end, first.code) not in again
        assert len(codings_by(path, CODER)) == 1


async def test_a_changed_selection_is_accepted_as_the_edited_span(tmp_path: Path) -> None:
    path, source_id = seeded(tmp_path)
    app = create_app(path, CODER, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        await pilot.pause()
        await pilot.press("greater_than_sign", "b")  # b: the selection ends a word earlier
        first = screen._current()
        selection = screen.query_one(TranscriptView).selection
        assert first is not None and selection is not None
        assert selection[0] == first.start and selection[1] < first.end
        assert "Edited span" in status(screen)
        await pilot.press("y")
        await pilot.pause()
        assert [(r[1], r[2], r[3]) for r in codings_by(path, CODER)] == [(*selection, first.code)]
        assert stored(path, first.id)[first.id].status is Status.ACCEPTED


async def test_accept_all_in_a_turn_and_undo_it(tmp_path: Path) -> None:
    path, source_id = seeded(tmp_path)
    far = TALK.index("Vi må kjempe")
    with Project.open(path) as project:
        anchor = next(s for s in suggestions.listing(project) if s.start >= far)
        turn = {s.id for s in suggestions.in_same_turn(project, anchor.id)}
    assert len(turn) > 1
    app = create_app(path, CODER, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, source_id)
        screen.query_one(TranscriptView).go_to(far)
        await pilot.press("Y")
        await pilot.pause()
        assert {s.status for s in stored(path, *turn).values()} == {Status.ACCEPTED}
        assert len(codings_by(path, CODER)) == len(turn)
        assert not {s.id for s in screen.open_suggestions} & turn
        assert all(s.start < far for s in screen.open_suggestions)  # the other turn's stay open
        await pilot.press("u")
        await pilot.pause()
        assert codings_by(path, CODER) == [] and screen.spans == []


async def test_names_and_text_that_look_like_markup_are_shown_verbatim(tmp_path: Path) -> None:
    path, source_id = seeded(tmp_path)
    with Project.open(path) as project:
        codebook_service.rename(project, "broer.barnekoordinator", MARKUP_NAME, CODER)
    app = create_app(path, CODER, Config())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_source(app, pilot, source_id)
        await pilot.pause()
        await pilot.press("greater_than_sign")
        current = screen._current()
        assert current is not None and current.code == "broer.barnekoordinator"
        text = screen_text(app)
        assert f"■ {MARKUP_NAME}  score" in text and "(broer.barnekoordinator)" in text  # the bar
        assert "ansvarsgruppemøtet.[latter]" in text  # the transcript (spaces between segments drop out)
        await pilot.press("y")
        await pilot.pause()
        assert f"Accepted {MARKUP_NAME} as your coding" in screen_text(app)
        assert isinstance(app.screen, CodingScreen)
