"""The workbench driven through Textual's Pilot in a fresh process (run by ``ops_tui.py``).

Two modes, each printing one JSON line on stdout:

- ``cold PROJECT``: what ``casebook tui`` does (the CLI's imports, a check that the
  project opens, the app), headless at 160×45, until the overview is mounted and
  painted; prints the time since the launcher spawned it (``BENCH_SPAWNED_AT``, see
  ``measure.py``) and the memory.
- ``session PROJECT --source ID --code KEY --query Q --filter F``: one session on the
  overview; times the segments screen, paging, opening a transcript, applying a code via
  the picker, going back, and typing in the overview filter. Keys are posted as events
  (``pilot.press`` sleeps ≥ 40 ms per key, more than the targets being measured).

"Painted" means: every pending message of the app and the screen's widgets handled, no
worker running, then the screen's update run (layout and the compositor rendering every
dirty widget to strips; headless, only the terminal write is skipped). See ``painted``.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SIZE = (160, 45)
Samples = dict[str, list[float]]


def rss_mib() -> tuple[float, float]:
    """Resident memory now and at the peak (VmRSS, VmHWM), in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _busy(app: Any) -> bool:
    """Anything left to do before the screen shows the result: a worker, a message, a repaint."""
    if any(not worker.is_finished for worker in app.workers):
        return True
    screen = app.screen
    nodes = [app, screen, *screen.walk_children()]
    # Private, but the only way to know that no message is pending (bench code only).
    return any(not node._message_queue.empty() for node in nodes) or bool(screen._dirty_widgets)


async def painted(pilot: Any, rounds: int = 20) -> None:
    """Wait until the current screen has handled everything and painted it."""
    for _ in range(rounds):
        await pilot.pause(0)
        if not _busy(pilot.app):
            return
        await pilot.app.workers.wait_for_complete()


async def timed_paint(pilot: Any, action: Callable[[], object] | None = None) -> float:
    """Milliseconds from ``action`` (a push, a pop, a key) until the screen is painted."""
    start = time.perf_counter()
    if action is not None:
        result = action()
        if inspect.isawaitable(result):
            await result
    await painted(pilot)
    return (time.perf_counter() - start) * 1000


def key_event(key: str) -> Any:
    """The event Textual's own ``press`` would send for ``key``."""
    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def press(pilot: Any, key: str) -> float:
    """Post one key and time it until painted."""
    event = key_event(key)
    event.set_sender(pilot.app)
    return await timed_paint(pilot, lambda: pilot.app.post_message(event))


async def segments(pilot: Any, code: str, repeats: int, pages: int, out: Samples) -> None:
    """Open the segments screen of ``code`` and page down through it, ``repeats`` times."""
    from casebook.tui.screens.segments import SegmentsScreen

    app = pilot.app
    for i in range(repeats):
        out["segments_open"].append(
            await timed_paint(pilot, lambda: app.push_screen(SegmentsScreen(app.bench, code)))
        )
        if i == 0:
            now, peak = rss_mib()
            out["memory_segments"], out["memory_segments_peak"] = [now], [peak]
        for _ in range(pages):
            out["segments_page"].append(await press(pilot, "pagedown"))
        focused = app.screen.focused
        out["segments_scrolled"] = [float(focused.scroll_offset.y if focused else 0)]
        await timed_paint(pilot, app.pop_screen)


async def coding(pilot: Any, source_id: int, query: str, repeats: int, out: Samples) -> None:
    """Open the transcript and go back; then apply a code via the picker on new sentences."""
    from casebook.tui.screens.coding import CodingScreen
    from casebook.tui.widgets.transcript import TranscriptView

    app = pilot.app
    for _ in range(repeats):
        out["open_source"].append(
            await timed_paint(pilot, lambda: app.push_screen(CodingScreen(app.bench, source_id)))
        )
        out["back_overview"].append(await timed_paint(pilot, app.pop_screen))
    await timed_paint(pilot, lambda: app.push_screen(CodingScreen(app.bench, source_id)))
    view = app.screen.query_one(TranscriptView)
    for i in range(repeats):
        view.go_to(len(view.text) * (i + 1) // (repeats + 2))
        view.action_select_sentence()
        await painted(pilot)
        before = len(view.spans)
        opened = await press(pilot, "a")
        typed = [await press(pilot, char) for char in query]
        chosen = await press(pilot, "enter")
        if len(view.spans) != before + 1:
            raise RuntimeError(f"the picker applied nothing (query {query!r})")
        out["picker_open"].append(opened)
        out["picker_key"] += typed
        out["picker_enter"].append(chosen)
        out["apply_picker"].append(opened + sum(typed) + chosen)
    out["back_overview"].append(await timed_paint(pilot, app.pop_screen))


async def overview_filter(pilot: Any, text: str, repeats: int, out: Samples) -> None:
    """Type ``text`` into the overview filter and delete it again, one key at a time."""
    await press(pilot, "slash")
    for _ in range(repeats):
        for char in text:
            out["filter_key"].append(await press(pilot, char))
        for _ in text:
            out["filter_key"].append(await press(pilot, "backspace"))


async def session(args: argparse.Namespace) -> Samples:
    """One workbench session on the overview; the samples by operation."""
    from casebook.tui.app import create_app
    from casebook.tui.config import Config
    from casebook.tui.screens.overview import OverviewScreen

    app = create_app(args.project, "bench", Config())
    out: Samples = defaultdict(list)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, OverviewScreen):
            await pilot.pause(0)
        await painted(pilot)
        out["floor"] = [await timed_paint(pilot) for _ in range(5)]
        await segments(pilot, args.code, args.repeats, args.pages, out)
        await coding(pilot, args.source, args.query, args.repeats, out)
        await overview_filter(pilot, args.filter, args.repeats, out)
    return out


def cold(project: Path) -> dict[str, float]:
    """Start like ``casebook tui`` does and report when the overview is painted."""
    launched = float(os.environ.get("BENCH_SPAWNED_AT", time.time()))
    import casebook.cli.main  # noqa: F401  (the console script imports the CLI first)
    from casebook.services.project import Project
    from casebook.tui.app import create_app
    from casebook.tui.config import Config
    from casebook.tui.screens.overview import OverviewScreen

    Project.open(project).close()
    app = create_app(project, "bench", Config())
    seen: dict[str, float] = {}

    async def ready(pilot: Any) -> None:
        while not isinstance(app.screen, OverviewScreen):
            await pilot.pause(0)
        await painted(pilot)
        seen["ms"] = (time.time() - launched) * 1000
        seen["rss_mib"], seen["peak_mib"] = rss_mib()
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=ready)
    return seen


def main() -> None:
    """Parse the mode and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    modes = parser.add_subparsers(dest="mode", required=True)
    cold_mode = modes.add_parser("cold")
    cold_mode.add_argument("project", type=Path)
    run = modes.add_parser("session")
    run.add_argument("project", type=Path)
    run.add_argument("--source", type=int, required=True)
    run.add_argument("--code", required=True)
    run.add_argument("--query", required=True, help="what to type in the code picker")
    run.add_argument("--filter", required=True, help="what to type in the overview filter")
    run.add_argument("--repeats", type=int, default=5)
    run.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    result = cold(args.project) if args.mode == "cold" else asyncio.run(session(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
