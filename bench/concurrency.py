"""Concurrency test: several writers and readers on one project at the same time.

Writers are child processes that apply codings through the real CLI (``casebook code``):
most run the click command in-process in a loop (many writes a second), one starts a
``casebook`` process per write. Readers list sources, codings, segments and the
codebook in a loop. Afterwards:

- every write that reported success is in the project, and nothing else was written
  (*lost* / *extra*);
- every failure was one line, ``casebook: error: ...`` (a busy project says so), never a
  traceback (*bad*);
- ``casebook check --json`` is ok.

Usage: ``python bench/concurrency.py --seconds 5 --writers 3 --readers 2``; exits 1 on
any lost, extra or bad outcome.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

CASEBOOK = [sys.executable, "-m", "casebook"]
CODES = ("kognitiv.forventninger", "strukturell.regelverk", "makt.dominans", "fysisk")
READS = (["sources"], ["codings"], ["segments"], ["codebook", "show"], ["cases"])


def _outcome(exit_code: int, stderr: str) -> str:
    """``ok``, ``refused`` (one clean line) or ``bad`` (traceback, several lines, no prefix)."""
    if exit_code == 0:
        return "ok"
    lines = stderr.strip().splitlines()
    if "Traceback" in stderr or len(lines) != 1 or not lines[0].startswith("casebook: error:"):
        return "bad"
    return "refused"


def _invoke(project: Path, args: list[str], separate_process: bool) -> tuple[str, str]:
    """Run one casebook command; (outcome, first line of stderr)."""
    if separate_process:
        run = subprocess.run([*CASEBOOK, "--project", str(project), *args], capture_output=True, text=True)
        return _outcome(run.returncode, run.stderr), run.stderr.strip()[:300]
    from click.testing import CliRunner

    from casebook.cli.main import cli

    try:
        result = CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)
    except SystemExit as exc:  # pragma: no cover - click exits through here only on bugs
        return "bad", f"SystemExit {exc.code}"
    except Exception:
        return "bad", traceback.format_exc()[-300:]
    return _outcome(result.exit_code, result.stderr), result.stderr.strip()[:300]


def _writer(project: Path, number: int, until: float, chars: int, separate_process: bool) -> None:
    """Apply distinct codings until ``until``; print each success and each failure."""
    i = 0
    while time.time() < until:
        start = (i * 37 + number * 11) % (chars - 30)
        end, code = start + 5 + i % 20, CODES[i % len(CODES)]
        args = ["code", "base", str(start), str(end), code, "--coder", f"writer{number}"]
        outcome, message = _invoke(project, args, separate_process)
        if outcome == "ok":
            print(f"ok {start} {end} {code}", flush=True)
        else:
            print(f"{outcome} {json.dumps(message)}", flush=True)
        i += 1


def _reader(project: Path, until: float) -> None:
    """List things until ``until``; print each outcome."""
    i = 0
    while time.time() < until:
        outcome, message = _invoke(project, READS[i % len(READS)], False)
        print(outcome if outcome == "ok" else f"{outcome} {json.dumps(message)}", flush=True)
        i += 1


def build(folder: Path) -> tuple[Path, int]:
    """A project with one long transcript ``base``; returns it and the text's length."""
    project = folder / "concurrency.casebook"
    text = "\n\n".join(
        f"{'I' if n % 2 else 'Mor'}: Det er bra med skolen nå, tror jeg. {n}" for n in range(2000)
    )
    (folder / "base.txt").write_text(text + "\n", encoding="utf-8")
    for args in (["init"], ["case", "add", "F01"], ["import", str(folder / "base.txt"), "--case", "F01"]):
        subprocess.run([*CASEBOOK, "--project", str(project), *args], check=True, capture_output=True)
    conn = sqlite3.connect(project)
    chars = int(conn.execute("SELECT chars FROM sources WHERE name = 'base'").fetchone()[0])
    conn.close()
    return project, chars


def run(seconds: float, writers: int, readers: int) -> dict[str, object]:
    """Run the writers and readers and check the project; the figures as a dict."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="casebook-concurrency-") as tmp:
        project, chars = build(Path(tmp))
        until = time.time() + 1.0 + seconds  # children start together, after imports
        children = []
        for n in range(writers):
            role = ["--writer", str(n), "--separate-process" if n == writers - 1 and writers > 1 else ""]
            children.append(("w", n, _spawn(project, until, chars, [a for a in role if a])))
        for n in range(readers):
            children.append(("r", n, _spawn(project, until, chars, ["--reader"])))
        outputs = [(kind, n, child.communicate(timeout=seconds + 120)) for kind, n, child in children]
        figures = _tally(project, outputs)
        from click.testing import CliRunner

        from casebook.cli.main import cli

        check = CliRunner().invoke(cli, ["--project", str(project), "check", "--json"])
        figures["check_ok"] = check.exit_code == 0 and bool(json.loads(check.stdout)["ok"])
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _spawn(project: Path, until: float, chars: int, role: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", str(project), str(until), str(chars), *role],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _tally(project: Path, outputs: list[tuple[str, int, tuple[str, str]]]) -> dict[str, object]:
    counts: Counter[str] = Counter()
    bad: list[str] = []
    reported: set[tuple[str, int, int, str]] = set()
    for kind, n, (stdout, stderr) in outputs:
        if stderr.strip():
            counts[f"{kind}_bad"] += 1
            bad.append(f"{kind}{n} stderr: {stderr.strip()[-300:]}")
        for line in stdout.splitlines():
            word, _, rest = line.partition(" ")
            counts[f"{kind}_{word}"] += 1
            if word == "bad":
                bad.append(f"{kind}{n}: {json.loads(rest)}")
            elif word == "refused" and "busy" in rest:
                counts[f"{kind}_busy"] += 1
            elif word == "ok" and kind == "w":
                start, end, code = rest.split()
                reported.add((f"writer{n}", int(start), int(end), code))
    conn = sqlite3.connect(project)
    present = {
        (str(d), int(s), int(e), str(k))
        for d, s, e, k in conn.execute(
            'SELECT d.name, c.start, c."end", k.key FROM codings c JOIN codes k ON k.id = c.code_id'
            " JOIN coders d ON d.id = c.coder_id"
        )
    }
    conn.close()
    return {
        "writes_ok": counts["w_ok"],
        "writes_refused": counts["w_refused"],
        "writes_busy": counts["w_busy"],
        "reads_ok": counts["r_ok"],
        "reads_refused": counts["r_refused"],
        "bad": counts["w_bad"] + counts["r_bad"],
        "lost": len(reported - present),
        "extra": len(present - reported),
        "problems": bad[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reader", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--separate-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        project, until, chars = Path(args.child[0]), float(args.child[1]), int(args.child[2])
        import casebook.cli.main  # noqa: F401 - load before the clock starts

        if args.reader:
            _reader(project, until)
        else:
            _writer(project, args.writer, until, chars, args.separate_process)
        return 0
    figures = run(args.seconds, args.writers, args.readers)
    if args.json:
        print(json.dumps(figures))
    else:
        for line in figures.pop("problems"):  # type: ignore[attr-defined]
            print(line)
        print("  ".join(f"{key} {value}" for key, value in figures.items()))
    failed = figures["bad"] or figures["lost"] or figures["extra"] or not figures["check_ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
