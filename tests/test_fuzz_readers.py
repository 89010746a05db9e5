"""Fuzzing every reader through the CLI: random bytes, flipped bytes in a real .docx, text
in many encodings, random TOML and CSV. Every outcome is success or one line
``casebook: error: ...``, never a traceback, and a refused input leaves the project as it
was. Each test is bounded to a few seconds; a longer run: ``CASEBOOK_FUZZ_EXAMPLES=500``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, fingerprint

FUZZ = settings(
    max_examples=int(os.environ.get("CASEBOOK_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DOCX = (SAMPLES / "familier" / "F01_R2_foreldre.docx").read_bytes()
ENCODINGS = (
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "cp1252",
    "latin-1",
    "iso-8859-15",
    "cp865",
    "mac_roman",
)
TOML_ATOMS = st.sampled_from(
    [
        "[[rounds]]",
        "[[cases]]",
        "[[persons]]",
        "[attributes.case.x]",
        "[[codes]]",
        "[codebook]",
        'key = "R1"',
        'key = "F01"',
        "key = 5",
        "key = {a = 1}",
        'name = "x"',
        "name = {x = 1}",
        'kind = "family"',
        'parent = "a"',
        'id = "a"',
        'id = "a.b"',
        "baseline = true",
        "codebook = 5",
        'type = "Boolean"',
        'case = "F01"',
        'code = "1a"',
        "a = [[[[[[1]]]]]]",
        "x = " + "[" * 600,
        "[" * 300,
        '"\\u0000" = 1',
        'key = "\x1b[2J"',
        "= =",
        "\u202e = 1",
        "",
    ]
)


def _outcome_is_clean(result: Any) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("casebook: error:"), result.stderr


def _run_on(run_cli: Any, project_path: Path, *args: str) -> None:
    """Run ``args``; clean outcome, and a refusal changes nothing."""
    before = fingerprint(project_path)
    result = run_cli(*args)
    _outcome_is_clean(result)
    if result.exit_code != 0:
        assert fingerprint(project_path) == before


@pytest.fixture
def ready(run_cli: Any, project_path: Path) -> Path:
    assert run_cli("init").exit_code == 0
    assert run_cli("case", "add", "F01").exit_code == 0
    return project_path


def _flipped(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in flips:
        buffer[position % len(buffer)] = value
    return bytes(buffer)


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".md", ".docx", ".odt", ".vtt", ".srt"]),
    data=st.binary(max_size=2000),
)
def test_random_bytes_as_a_transcript(
    run_cli: Any, ready: Path, tmp_path: Path, suffix: str, data: bytes
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _run_on(run_cli, ready, "import", str(path), "--case", "F01")


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)), min_size=1, max_size=12))
def test_a_docx_with_flipped_bytes(
    run_cli: Any, ready: Path, tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    path = tmp_path / "flipped.docx"
    path.write_bytes(_flipped(DOCX, flips))
    _run_on(run_cli, ready, "import", str(path), "--case", "F01")


@FUZZ
@given(
    text=st.text(max_size=400),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".txt", ".vtt", ".srt"]),
)
def test_random_text_in_many_encodings(
    run_cli: Any, ready: Path, tmp_path: Path, text: str, encoding: str, suffix: str
) -> None:
    path = tmp_path / f"text{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _run_on(run_cli, ready, "import", str(path), "--case", "F01")


@FUZZ
@given(lines=st.lists(st.one_of(TOML_ATOMS, st.text(max_size=30)), max_size=25))
def test_random_study_files(run_cli: Any, ready: Path, tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "study.toml"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    _run_on(run_cli, ready, "study", "load", str(path))


@FUZZ
@given(lines=st.lists(st.one_of(TOML_ATOMS, st.text(max_size=30)), max_size=25))
def test_random_codebooks(run_cli: Any, ready: Path, tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "codebook.toml"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    _run_on(run_cli, ready, "codebook", "load", str(path))


CELLS = st.one_of(
    st.sampled_from(
        ["file", "case", "round", "date", "informants", "t.txt", "F01", "R1", "2024-01-01", "1a;1b", "case.x"]
    ),
    st.text(max_size=20),
)


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=6), quote=st.booleans())
def test_random_manifests(
    run_cli: Any, ready: Path, tmp_path: Path, rows: list[list[str]], quote: bool
) -> None:
    (tmp_path / "t.txt").write_text("I: Hei.\n\nMor: Hei.\n", encoding="utf-8")
    mark = '"' if quote else ""
    body = "\n".join(",".join(f"{mark}{cell}{mark}" for cell in row) for row in rows)
    path = tmp_path / "manifest.csv"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    _run_on(run_cli, ready, "import", "--manifest", str(path))
