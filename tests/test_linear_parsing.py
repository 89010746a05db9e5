"""No quadratic parsing: a hostile file costs about what a normal file of its size costs.

Each case builds a worst case for one reader and a normal file of (about) the same byte
size, imports each through the real CLI three times in a child process (a regression
that turns quadratic then fails on the child's timeout instead of hanging CI), and
asserts the ratio of the median times. A ratio, not an absolute time, so a slow CI
machine does not fail the test; the sizes are chosen so the quadratic code this guards
against was 15x to 1,000x slower than the normal file.

Measured before the fixes (this machine, median of one run):
- ``.vtt`` of ``<v `` x 80,000 (240 KB): ~70 s vs 0.04 s (``[^>]+`` in the voice and tag
  patterns scanned to the end of the cue from every ``<``).
- ``.qdc`` of 50,000 codes with one name: 7.1 s at 10,000 codes vs 0.58 s, x4 per
  doubling (``_unique`` counted up from ``_2`` for every duplicate).
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BOUND = 10.0
"""Largest accepted worst/normal ratio of median times."""
CHILD_TIMEOUT = 60

_CHILD = """
import shutil, sys, tempfile, time
from pathlib import Path
from click.testing import CliRunner
from casebook.cli.main import cli
from tests.conftest import write_study

kind, file = sys.argv[1], sys.argv[2]
runner = CliRunner()
times = []
for _ in range(3):
    folder = Path(tempfile.mkdtemp())
    project = str(folder / "p.casebook")
    assert runner.invoke(cli, ["--project", project, "init"]).exit_code == 0
    if kind == "import":
        study = str(write_study(folder))
        assert runner.invoke(cli, ["--project", project, "study", "load", study]).exit_code == 0
        args = ["import", file, "--case", "F01", "--round", "R1"]
    elif kind == "toml":
        args = ["codebook", "load", file]
    else:
        args = ["codebook", "import", file]
    start = time.perf_counter()
    result = runner.invoke(cli, ["--project", project, *args])
    times.append(time.perf_counter() - start)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    shutil.rmtree(folder)
print(sorted(times)[1], result.exit_code)
"""


def median_seconds(kind: str, path: Path) -> tuple[float, int]:
    """Median of three CLI runs on ``path`` (each in a fresh project), and the exit code."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, exit_code = done.stdout.split()
    return float(seconds), int(exit_code)


def assert_linear(kind: str, worst: Path, normal: Path, worst_exit: int = 0) -> None:
    worst_size, normal_size = worst.stat().st_size, normal.stat().st_size
    assert 0.9 < worst_size / normal_size < 1.1, (worst_size, normal_size)
    normal_time, normal_exit = median_seconds(kind, normal)
    worst_time, exit_code = median_seconds(kind, worst)
    assert normal_exit == 0
    assert exit_code == worst_exit
    # A floor of 50 ms keeps start-up noise on tiny times from deciding the ratio.
    ratio = worst_time / max(normal_time, 0.05)
    assert ratio < BOUND, f"{worst.name}: {worst_time:.2f} s vs {normal_time:.2f} s (x{ratio:.1f})"


VTT_HEAD = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"


def test_vtt_of_unclosed_voice_tags_is_linear(tmp_path: Path) -> None:
    worst = tmp_path / "worst.vtt"
    worst.write_text(VTT_HEAD + "<v " * 80_000, encoding="utf-8")
    cue = "00:00:{s:02d}.000 --> 00:00:{s:02d}.900\n<v Mor>Det går <i>bedre</i> med oss nå.\n\n"
    body = "".join(cue.format(s=i % 60) for i in range(3_500))
    normal = tmp_path / "normal.vtt"
    normal.write_text("WEBVTT\n\n" + body, encoding="utf-8")
    assert_linear("import", worst, normal)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_text_of_one_repeated_quote_mark_is_linear(tmp_path: Path, encoding: str) -> None:
    """``‹`` x 400,000: one 400,000-character line with no speaker tag or sentence end;
    in cp1252 (byte 0x8B) it also goes through the encoding guess."""
    worst = tmp_path / "worst.txt"
    worst.write_bytes(("‹" * 400_000).encode(encoding))
    line = "I: Hvordan går det? Mor: Bedre nå, «takk».\n".encode(encoding)
    normal = tmp_path / "normal.txt"
    normal.write_bytes(line * (worst.stat().st_size // len(line)))
    assert_linear("import", worst, normal)


def toml_code(key: str, parent: str | None) -> str:
    parent_line = f'parent = "{parent}"\n' if parent else ""
    return f'[[code]]\nid = "{key}"\n{parent_line}name = "Kode {key}"\n\n'


TOML_HEAD = '[codebook]\nname = "Test"\nversion = "1"\n\n'


def flat_toml(size: int) -> str:
    """Roots with one level of children, padded with a comment to ``size`` characters."""
    text, i = TOML_HEAD, 0
    while len(text) < size - 200:
        root = f"r{i}"
        codes = [toml_code(root, None)] + [toml_code(f"{root}.k{j}", root) for j in range(9)]
        text += "".join(codes)
        i += 1
    return text + "#" * (size - len(text) - 1) + "\n"


def test_codebook_tree_at_the_depth_limit_is_linear(tmp_path: Path) -> None:
    """Chains of 100 levels (the deepest accepted), children listed before parents."""
    chains = []
    for c in range(30):
        keys = [f"c{c}_{d}" for d in range(100)]
        chains += [toml_code(keys[d], keys[d - 1] if d else None) for d in reversed(range(100))]
    worst = tmp_path / "worst.toml"
    worst.write_text(TOML_HEAD + "".join(chains), encoding="utf-8")
    normal = tmp_path / "normal.toml"
    normal.write_text(flat_toml(worst.stat().st_size), encoding="utf-8")
    assert_linear("toml", worst, normal)


def test_codebook_tree_of_3000_levels_is_refused_in_linear_time(tmp_path: Path) -> None:
    keys = [f"c{d}" for d in range(3_000)]
    chain = [toml_code(keys[d], keys[d - 1] if d else None) for d in reversed(range(3_000))]
    worst = tmp_path / "worst.toml"
    worst.write_text(TOML_HEAD + "".join(chain), encoding="utf-8")
    normal = tmp_path / "normal.toml"
    normal.write_text(flat_toml(worst.stat().st_size), encoding="utf-8")
    assert_linear("toml", worst, normal, worst_exit=1)


QDC_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="t"><Codes>'
)
QDC_TAIL = "</Codes></CodeBook>"


def test_qdc_of_20000_codes_with_one_name_is_linear(tmp_path: Path) -> None:
    """Every code named alike, so each needs a numbered id; normal: distinct names."""
    count = 20_000

    def code(i: int, name: str) -> str:
        return f'<Code guid="{uuid.UUID(int=i + 1)}" name="{name}" isCodable="true"/>'

    worst = tmp_path / "worst.qdc"
    worst.write_text(QDC_HEAD + "".join(code(i, "Kode") for i in range(count)) + QDC_TAIL)
    normal = tmp_path / "normal.qdc"
    normal.write_text(QDC_HEAD + "".join(code(i, f"K{i:03d}") for i in range(count)) + QDC_TAIL)
    assert_linear("qdc", worst, normal)
