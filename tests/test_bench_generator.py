"""The scale benchmark's study generator (bench/make_study.py) builds a well-formed study.

A shrunken "small" study (12 transcripts) is built through the services and checked
through the CLI: counts match, ``check`` is clean, two coders with paired codings, and the
same seed gives the same transcripts. Also the bulk coding service it writes through.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from casebook.errors import Conflict, InvalidValue, NotFound
from casebook.services import coding
from casebook.services.project import Project

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def make_study() -> ModuleType:
    """The generator script, imported as a module."""
    sys.path.insert(0, str(BENCH))
    return importlib.import_module("make_study")


def _json(run_cli: Any, *args: str) -> Any:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_small_study_is_well_formed(make_study: ModuleType, project_path: Path, run_cli: Any) -> None:
    stats = make_study.build_study(project_path, "small", seed=1, transcripts=12)
    sources = _json(run_cli, "sources")
    codings = _json(run_cli, "codings")
    check = _json(run_cli, "check")
    assert check["ok"], check["problems"]
    assert len(sources) == stats.transcripts == 12
    assert sum(s["chars"] for s in sources) == stats.characters
    assert len({s["sha256"] for s in sources}) == len(sources)
    assert {s["round"] for s in sources} == {"R1", "R2", "R3"}
    assert Counter(c["coder"] for c in codings) == stats.codings
    assert set(stats.codings) == {"ida", "ola"}
    assert len(codings) == sum(stats.codings.values()) == 2_000
    assert 0.35 < stats.paired_share < 0.5
    assert _paired(codings) >= stats.paired * 0.9
    lengths = [c["end"] - c["start"] for c in codings]
    assert min(lengths) >= 10 and max(lengths) <= 1_000
    assert len({c["code"] for c in codings}) >= 30


def _paired(codings: list[dict[str, Any]]) -> int:
    """ida's codings with an ola coding of the same code in the same source, ends near."""
    ola: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for c in codings:
        if c["coder"] == "ola":
            ola.setdefault((c["source"], c["code"]), []).append((c["start"], c["end"]))
    return sum(
        any(
            abs(s - c["start"]) <= 60 and abs(e - c["end"]) <= 60
            for s, e in ola.get((c["source"], c["code"]), [])
        )
        for c in codings
        if c["coder"] == "ida"
    )


def test_same_seed_same_transcripts(make_study: ModuleType, tmp_path: Path) -> None:
    hashes = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        path = tmp_path / f"{name}.casebook"
        make_study.build_study(path, "small", seed=seed, transcripts=6, chars=5_000, codings=200)
        with Project.open_readonly(path) as project:
            hashes.append({s.name: s.sha256 for s in project.sources()})
            texts = [project.source_text(s) for s in project.sources()]
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]
    assert all(ch in "".join(texts) for ch in "æøå")


def test_apply_codes_is_all_or_nothing(make_study: ModuleType, project_path: Path) -> None:
    make_study.build_study(project_path, "small", seed=2, transcripts=6, chars=3_000, codings=0)
    with Project.open(project_path) as project:
        source = project.sources()[0]
        item = coding.CodingItem(str(source.id), 10, 40, "familie.venting")
        assert (
            coding.apply_codes(project, [item, coding.CodingItem(source.name, 10, 40, "broer.team")], "ida")
            == 2
        )
        refused = [
            ([coding.CodingItem(str(source.id), 50, 90, "broer.team"), item], Conflict),
            ([coding.CodingItem(str(source.id), 50, 90, "familie.los")] * 2, Conflict),
            ([coding.CodingItem(str(source.id), 0, source.chars + 1, "broer.team")], InvalidValue),
            ([coding.CodingItem(str(source.id), 0, 5, "ingen.slik")], NotFound),
        ]
        for items, error in refused:
            with pytest.raises(error):
                coding.apply_codes(project, items, "ida")
        assert len(coding.codings(project, coder="ida")) == 2
