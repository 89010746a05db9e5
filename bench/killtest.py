"""Kill test: SIGKILL casebook at random moments and check that exactly the committed work
is in the project.

Each trial copies a small project (built once with ``casebook init``, ``case add`` and
``casebook import``), starts a child Python process that does one kind of work, and
kills it with SIGKILL after a random (seeded) delay. The child reports each unit of work
on stdout, flushed, only after its transaction committed. Then:

- ``PRAGMA integrity_check`` must say ``ok`` and ``casebook check --json`` must be ok
  (otherwise the trial counts as *corrupt*);
- every unit the child reported is present (otherwise *lost*);
- nothing is half-present: a batch import is all of its files or none, a merge moved all
  of a code's codings or none, a suggestion run stored all of its suggestions or none, an
  accepted suggestion has its coding, and at most the one unit in flight when the kill
  came is present unreported (otherwise *partial*).

Usage: ``python bench/killtest.py --trials 200 --seed 1``. Prints totals and the time
taken; exits 1 if any trial was corrupt, lost or partial.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CASEBOOK = [sys.executable, "-m", "casebook"]
OPERATIONS = ("import", "coding", "codebook", "suggest")
BATCHES = 40
BATCH_FILES = 4
CODINGS = 20000
MERGES = (
    ("kognitiv.ansvarsavgrensning", "kognitiv.innarbeidet_praksis"),
    ("strukturell.regelverk", "strukturell.rutiner"),
    ("makt.dominans", "makt.graasoner"),
)
RENAMED = "kognitiv.forventninger"
RENAMES = 5000
MERGE_STEPS = {40: 0, 120: 1, 250: 2}  # step -> index into MERGES
WORDS = [
    "skolen",
    "barnekoordinator",
    "samarbeid",
    "ventetid",
    "taushetsplikt",
    "møte",
    "søknad",
    "kommunen",
    "BUP",
    "helsesykepleier",
    "vedtak",
    "ansvar",
    "tjenestene",
    "familien",
    "tid",
    "hjelp",
]


# --------------------------------------------------------------------------- child


def _child(operation: str, project_path: Path, folder: Path) -> None:
    """Do ``operation`` on the project, printing each committed unit (runs in the child)."""
    from casebook.model.study import InterviewMeta
    from casebook.services import codebook, coding, importer, suggestions
    from casebook.services.project import Project

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    with Project.open(project_path) as project:
        say("ready")
        if operation == "import":
            for batch in range(BATCHES):
                files = sorted(folder.glob(f"b{batch}_*.txt"))
                items = [importer.ImportItem(p, InterviewMeta(case="F01")) for p in files]
                importer.import_files(project, items)
                say(f"batch {batch}")
        elif operation == "suggest":
            report = suggestions.run(project, ["base"], use_model=False)
            say(f"run {suggestions.counts(project).get('open', 0)}")
            for n, found in enumerate(report.suggestions):
                if n % 3 == 2:
                    suggestions.reject(project, [found.id], "killtest")
                    say(f"reject {found.id}")
                else:
                    (coding_id,) = suggestions.accept(project, [found.id], "killtest")
                    say(f"accept {found.id} {coding_id}")
        elif operation == "coding":
            for start, end, code in coding_plan():
                coding.apply_code(project, "base", start, end, code, "killtest")
                say(f"coding base {start} {end} {code}")
        else:
            for step in range(RENAMES):
                if step in MERGE_STEPS:
                    key, into = MERGES[MERGE_STEPS[step]]
                    codebook.merge(project, key, into, "killtest")
                    say(f"merge {key} {into}")
                else:
                    codebook.rename(project, RENAMED, f"Navn {step}", "killtest")
                    say(f"rename {step}")


def coding_plan() -> list[tuple[int, int, str]]:
    """The codings the coding child applies, in order (distinct spans and codes)."""
    codes = [pair[0] for pair in MERGES] + [pair[1] for pair in MERGES]
    return [(i, i + 5 + i % 7, codes[i % len(codes)]) for i in range(CODINGS)]


# --------------------------------------------------------------------------- project


def _transcript(rng: random.Random, paragraphs: int) -> str:
    lines = []
    for n in range(paragraphs):
        speaker = "I" if n % 2 == 0 else rng.choice(("Mor", "Far"))
        lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + ".")
    return "\n\n".join(lines) + "\n"


def build_master(folder: Path, seed: int) -> Path:
    """The project every trial starts from, and the transcripts the import child reads."""
    rng = random.Random(seed)
    project = folder / "master.casebook"
    (folder / "base.txt").write_text(_transcript(rng, 400), encoding="utf-8")
    for batch in range(BATCHES):
        for n in range(BATCH_FILES):
            (folder / f"b{batch}_{n}.txt").write_text(_transcript(rng, 150), encoding="utf-8")
    for args in (
        ["init", "--name", "killtest"],
        ["case", "add", "F01"],
        ["import", str(folder / "base.txt"), "--case", "F01"],
    ):
        subprocess.run([*CASEBOOK, "--project", str(project), *args], check=True, capture_output=True)
    _seed_codings(project)
    return project


def _seed_codings(project: Path) -> None:
    """A few codings on the codes that get merged, so a merge has something to move."""
    from casebook.services.coding import CodingItem, apply_codes
    from casebook.services.project import Project

    with Project.open(project) as opened:
        items = [
            CodingItem("base", 20000 + 10 * i, 20005 + 10 * i, code)
            for i, code in enumerate(code for pair in MERGES for code in pair for _ in range(3))
        ]
        apply_codes(opened, items, "seed")


# --------------------------------------------------------------------------- checks


@dataclass
class Verdict:
    """What one trial found."""

    corrupt: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def check_project(path: Path, verdict: Verdict) -> bool:
    """Integrity of the file and ``casebook check --json``; False if damaged."""
    try:
        result = _rows(path, "PRAGMA integrity_check")
    except sqlite3.DatabaseError as exc:
        verdict.corrupt.append(f"cannot open: {exc}")
        return False
    if result != [("ok",)]:
        verdict.corrupt.append(f"integrity_check: {result[:3]}")
        return False
    from click.testing import CliRunner

    from casebook.cli.main import cli

    run = CliRunner().invoke(cli, ["--project", str(path), "check", "--json"])
    try:
        ok = run.exit_code == 0 and json.loads(run.stdout)["ok"]
    except (ValueError, KeyError):
        ok = False
    if not ok:
        verdict.corrupt.append(f"check --json: {run.output[:300]}")
    return bool(ok)


def check_import(path: Path, reported: list[str], verdict: Verdict) -> None:
    names = {str(r[0]) for r in _rows(path, "SELECT name FROM sources")}
    done = {int(line.split()[1]) for line in reported}
    for batch in range(BATCHES):
        present = sum(f"b{batch}_{n}" in names for n in range(BATCH_FILES))
        if present not in (0, BATCH_FILES):
            verdict.partial.append(f"batch {batch}: {present} of {BATCH_FILES} files")
        if batch in done and present != BATCH_FILES:
            verdict.lost.append(f"batch {batch} reported but {present} files present")
    unreported = [b for b in range(BATCHES) if b not in done and f"b{b}_0" in names]
    if len(unreported) > 1 or (unreported and unreported[0] != len(done)):
        verdict.partial.append(f"unreported batches present: {unreported}")


def check_coding(path: Path, reported: list[str], verdict: Verdict) -> None:
    rows = _rows(
        path,
        'SELECT c.start, c."end", k.key FROM codings c JOIN codes k ON k.id = c.code_id'
        " JOIN coders d ON d.id = c.coder_id WHERE d.name = 'killtest'",
    )
    present = {(int(str(s)), int(str(e)), str(k)) for s, e, k in rows}
    said = [(int(p[2]), int(p[3]), p[4]) for p in (line.split() for line in reported)]
    missing = [s for s in said if s not in present]
    if missing:
        verdict.lost.append(f"{len(missing)} reported codings missing, first {missing[0]}")
    plan = coding_plan()
    allowed = set(said) | ({plan[len(said)]} if len(said) < len(plan) else set())
    extra = present - allowed
    if extra:
        verdict.partial.append(f"{len(extra)} codings present that were never committed")


def check_codebook(path: Path, master: dict[str, int], reported: list[str], verdict: Verdict) -> None:
    counts = {
        str(k): int(str(n))
        for k, n in _rows(
            path,
            "SELECT k.key, count(c.id) FROM codes k LEFT JOIN codings c ON c.code_id = k.id GROUP BY k.id",
        )
    }
    merged = {line.split()[1] for line in reported if line.startswith("merge")}
    for key, into in MERGES:
        before = master[key] + master[into]
        if key in counts:
            if key in merged:
                verdict.lost.append(f"merge of {key} reported but {key} still exists")
            if (counts[key], counts[into]) != (master[key], master[into]):
                verdict.partial.append(f"{key} exists but codings moved: {counts[key]}, {counts[into]}")
        elif counts.get(into) != before:
            verdict.partial.append(f"{key} merged but {into} has {counts.get(into)} of {before} codings")
    renames = [int(line.split()[1]) for line in reported if line.startswith("rename")]
    name = str(_rows(path, f"SELECT name FROM codes WHERE key = '{RENAMED}'")[0][0])
    last = renames[-1] if renames else None
    expected = {f"Navn {last}"} if last is not None else {MASTER_NAME[0]}
    nxt = last + 1 if last is not None else 0
    nxt += 1 if nxt in MERGE_STEPS else 0
    if name not in expected | {f"Navn {nxt}"}:
        target = verdict.lost if last is not None else verdict.partial
        target.append(f"{RENAMED} is named {name!r}, last reported rename {last}")


def check_suggest(path: Path, reported: list[str], verdict: Verdict) -> None:
    stored = _rows(
        path,
        'SELECT s.id, s.status, s.coding_id, s.start, s."end", s.code_id, g.start, g."end", g.code_id'
        " FROM suggestions s LEFT JOIN codings g ON g.id = s.coding_id",
    )
    if len(stored) not in (0, MASTER_SUGGESTIONS[0]):
        verdict.partial.append(f"{len(stored)} of {MASTER_SUGGESTIONS[0]} suggestions stored")
    runs = [int(line.split()[1]) for line in reported if line.startswith("run")]
    if runs and len(stored) != runs[0]:
        verdict.lost.append(f"run of {runs[0]} suggestions reported, {len(stored)} stored")
    status = {int(str(r[0])): r for r in stored}
    said = {int(line.split()[1]): line.split()[0] for line in reported if not line.startswith("run")}
    for sid, what in said.items():
        row = status.get(sid)
        if row is None or row[1] != ("accepted" if what == "accept" else "rejected"):
            verdict.lost.append(f"{what} of suggestion {sid} reported, stored as {row and row[1]}")
    for row in stored:
        if row[1] == "accepted" and (row[2] is None or row[3:6] != row[6:9]):
            verdict.partial.append(f"suggestion {row[0]} accepted without its coding: {row}")
    unreported = [r[0] for r in stored if r[1] != "open" and int(str(r[0])) not in said]
    if len(unreported) > 1:
        verdict.partial.append(f"{len(unreported)} decisions present that were never reported")


# --------------------------------------------------------------------------- trials


def run_trial(operation: str, master: Path, folder: Path, delay: float, verdict: Verdict) -> int:
    """One trial; returns how many units the child reported before the kill."""
    trial = folder / "trial"
    shutil.rmtree(trial, ignore_errors=True)
    trial.mkdir()
    project = trial / "p.casebook"
    shutil.copy(master, project)
    out, err = trial / "child.out", trial / "child.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", operation, str(project), str(folder)],
            stdout=stdout,
            stderr=stderr,
        )
    limit = time.monotonic() + 30
    while not out.read_text().startswith("ready\n"):
        if child.poll() is not None or time.monotonic() > limit:
            child.kill()
            raise RuntimeError(f"child did not start: {err.read_text()}")
        time.sleep(0.002)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reported = [line for line in out.read_text().splitlines()[1:] if line.strip()]
    errors = err.read_text()
    if child.returncode != -signal.SIGKILL and errors.strip():
        verdict.corrupt.append(f"child failed: {errors.strip().splitlines()[-1]}")
    if not check_project(project, verdict):
        return len(reported)
    if operation == "import":
        check_import(project, reported, verdict)
    elif operation == "coding":
        check_coding(project, reported, verdict)
    elif operation == "suggest":
        check_suggest(project, reported, verdict)
    else:
        check_codebook(project, MASTER_COUNTS, reported, verdict)
    return len(reported)


MASTER_COUNTS: dict[str, int] = {}
"""Codings per code key in the master project (filled by ``prepare``)."""
MASTER_NAME: list[str] = [""]
"""The renamed code's name in the master project."""
MASTER_SUGGESTIONS: list[int] = [0]
"""How many suggestions a run over the master project's source stores."""


def prepare(folder: Path, seed: int) -> Path:
    """Build the master project in ``folder`` and remember what the checks compare with."""
    master = build_master(folder, seed)
    MASTER_NAME[0] = str(_rows(master, f"SELECT name FROM codes WHERE key = '{RENAMED}'")[0][0])
    probe = folder / "probe.casebook"
    shutil.copy(master, probe)
    subprocess.run(
        [*CASEBOOK, "--project", str(probe), "suggest", "--source", "base", "--no-model", "-q", "--json"],
        check=True,
        capture_output=True,
    )
    MASTER_SUGGESTIONS[0] = len(_rows(probe, "SELECT id FROM suggestions"))
    MASTER_COUNTS.clear()
    MASTER_COUNTS.update(
        (str(k), int(str(n)))
        for k, n in _rows(
            master,
            "SELECT k.key, count(c.id) FROM codes k LEFT JOIN codings c ON c.code_id = k.id GROUP BY k.id",
        )
    )
    return master


# Kill windows per operation (seconds after "ready"): long enough to land mid-work.
WINDOWS = {"import": 0.7, "coding": 0.6, "codebook": 0.4, "suggest": 3.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    rng = random.Random(args.seed)
    started = time.perf_counter()
    totals = {"trials": 0, "corrupt": 0, "lost": 0, "partial": 0, "units_reported": 0}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="casebook-killtest-") as tmp:
        folder = Path(tmp)
        master = prepare(folder, args.seed)
        for n in range(args.trials):
            operation = OPERATIONS[n % len(OPERATIONS)]
            delay = rng.uniform(0.0, WINDOWS[operation])
            verdict = Verdict()
            totals["units_reported"] += run_trial(operation, master, folder, delay, verdict)
            totals["trials"] += 1
            for kind in ("corrupt", "lost", "partial"):
                found = getattr(verdict, kind)
                totals[kind] += bool(found)
                problems += [f"trial {n} ({operation}, {delay:.3f} s): {kind}: {p}" for p in found]
    totals["seconds"] = round(time.perf_counter() - started, 1)  # type: ignore[assignment]
    for line in problems:
        print(line)
    if args.json:
        print(json.dumps(totals))
    else:
        print(
            f"trials {totals['trials']}  corrupt {totals['corrupt']}  lost {totals['lost']}"
            f"  partial {totals['partial']}  units committed {totals['units_reported']}"
            f"  time {totals['seconds']} s"
        )
    return 1 if totals["corrupt"] or totals["lost"] or totals["partial"] else 0


if __name__ == "__main__":
    sys.exit(main())
