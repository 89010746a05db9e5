"""Workbench benchmark (issue #4 targets).

- cold start to the first interactive screen < 1.0 s (a fresh Python process);
- opening a 120,000-character transcript with 1,000 codings < 300 ms;
- applying a code and repainting < 50 ms;
- scrolling: time to page down and paint a screenful.

Run: .venv/bin/python bench/bench_tui.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import transcript  # noqa: E402
from casebook.model.study import CaseKind, InterviewMeta  # noqa: E402
from casebook.services import workbench  # noqa: E402
from casebook.services.codebook import DEFAULT_CODEBOOK  # noqa: E402
from casebook.services.importer import ImportItem, import_files  # noqa: E402
from casebook.services.setup import create_project  # noqa: E402
from casebook.text.segmenting import snap_to_words  # noqa: E402

COLD = """
import sys, time
sys.path.insert(0, {src!r})
LAUNCHED = float(sys.argv[1])
from casebook.tui.app import create_app
from casebook.tui.config import Config
from pathlib import Path
async def ready(pilot):
    await pilot.pause()
    print(time.time() - LAUNCHED)
    pilot.app.exit()
app = create_app(Path({path!r}), "bench", Config())
app.run(headless=True, size=(120, 36), auto_pilot=ready)
"""


def build(folder: Path) -> tuple[Path, int]:
    path = folder / "bench.casebook"
    text_file = folder / "lang.txt"
    text_file.write_text(transcript(120_000, 1), encoding="utf-8")
    with create_project(path, "bench", DEFAULT_CODEBOOK, "bench") as project:
        project.add_case("F01", CaseKind.FAMILY)
        project.add_round("R1")
        import_files(project, [ImportItem(text_file, InterviewMeta(case="F01", round="R1"))])
        source = project.sources()[0]
        text = project.source_text(source)
        codes = [c.key for c in workbench.codebook(project) if c.parent]
        rng = random.Random(7)
        made = 0
        with project.pdb.atomic():
            while made < 1000:
                start = rng.randrange(0, len(text) - 400)
                span = snap_to_words(text, start, start + rng.randrange(30, 400))
                try:
                    workbench.apply(project, source.id, *span, rng.choice(codes), rng.choice(["ida", "ola"]))
                    made += 1
                except Exception:
                    continue
        return path, source.id


async def interactive(path: Path, source_id: int) -> None:
    from casebook.tui.app import create_app
    from casebook.tui.config import Config
    from casebook.tui.screens.coding import CodingScreen
    from casebook.tui.widgets.transcript import TranscriptView

    app = create_app(path, "bench", Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        opens = []
        for _ in range(5):
            start = time.perf_counter()
            screen = CodingScreen(app.bench, source_id)  # type: ignore[arg-type]
            await app.push_screen(screen)
            view = screen.query_one(TranscriptView)
            for y in range(view.size.height):
                view.render_line(y)
            opens.append(time.perf_counter() - start)
            if _ < 4:
                app.pop_screen()
                await pilot.pause()
        print(
            f"open 120,000-char transcript with 1,000 codings:"
            f" median {statistics.median(opens) * 1000:.0f} ms"
            f" (target < 300 ms)"
        )
        applies = []
        for i in range(20):
            view.go_to(2000 + i * 3000)
            view.action_select_sentence()
            start = time.perf_counter()
            screen.apply_code("familie.venting")
            for y in range(view.size.height):
                view.render_line(y)
            applies.append(time.perf_counter() - start)
        print(
            f"apply a code and repaint: median {statistics.median(applies) * 1000:.1f} ms,"
            f" worst {max(applies) * 1000:.1f} ms (target < 50 ms)"
        )
        view.go_to(0)
        pages = []
        for _ in range(100):
            start = time.perf_counter()
            view.action_page(1)
            for y in range(view.size.height):
                view.render_line(y)
            pages.append(time.perf_counter() - start)
        print(
            f"page down and paint a screen: median {statistics.median(pages) * 1000:.1f} ms,"
            f" worst {max(pages) * 1000:.1f} ms (a frame at 60 Hz is 16.7 ms)"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, source_id = build(Path(tmp))
        runs = []
        script = COLD.format(src=str(ROOT / "src"), path=str(path))
        for _ in range(7):
            launched = str(time.time())
            done = subprocess.run(
                [sys.executable, "-c", script, launched], check=True, capture_output=True, text=True
            )
            runs.append(float(done.stdout.strip().splitlines()[-1]))
        print(
            f"cold start, process launch to first interactive screen: median {statistics.median(runs):.2f} s,"
            f" worst {max(runs):.2f} s (target < 1.0 s)"
        )
        asyncio.run(interactive(path, source_id))


if __name__ == "__main__":
    main()
