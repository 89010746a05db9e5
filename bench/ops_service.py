"""Service-level operations: what the front ends call, timed in this process.

``find_targets`` picks what the operations work on (the most-coded transcript, the
most-used code, a code with ~2.5 % of all codings: 2,500 of the medium study's 100,000),
chosen the same way at every size so the scaling table compares like with like.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.model.segments import Segment, SegmentFilter  # noqa: E402
from casebook.services import coding, search, workbench  # noqa: E402
from casebook.services.project import Project  # noqa: E402
from measure import Result, timed  # noqa: E402
from sql_profile import profile  # noqa: E402

SEARCH_WORD = "koordinator"
PAGE = 200
"""Rows per page, as the segments screen loads them."""
MID_SHARE = 0.025


@dataclass(frozen=True)
class Targets:
    """What the operations work on, found once per run."""

    source_id: int
    source_name: str
    source_chars: int
    source_round: str
    source_codings: int
    code: str
    code_codings: int
    mid_code: str
    mid_codings: int
    second_code: str
    root: str
    case: str
    codings: int

    def as_json(self) -> dict[str, Any]:
        """For the results file."""
        return asdict(self)


def find_targets(project: Project) -> Targets:
    """The most-coded current source, the most-used code and the ~2.5 % code (one pass)."""
    codings = coding.codings(project)
    current = {s.id: s for s in project.sources()}
    by_source = Counter(c.source_id for c in codings if c.source_id in current)
    by_code = Counter(c.code for c in codings)
    (source_id, count), ((code, code_count), (second, _)) = (
        by_source.most_common(1)[0],
        by_code.most_common(2),
    )
    mid, mid_count = min(by_code.items(), key=lambda kv: (abs(kv[1] - MID_SHARE * len(codings)), kv[0]))
    source = current[source_id]
    return Targets(
        source_id,
        source.name,
        source.chars,
        source.round or "",
        count,
        code,
        code_count,
        mid,
        mid_count,
        second,
        code.split(".")[0],
        source.case or "",
        len(codings),
    )


def first_page(project: Project, code: str) -> list[Segment]:
    """What the segments screen asks for first: how many, and the first page with text."""
    wanted = SegmentFilter(code)
    workbench.segment_count(project, wanted)
    return workbench.segment_page(project, wanted, 0, PAGE)


def operations(project: Project, path: Path, t: Targets) -> dict[tuple[str, str], Callable[[], object]]:
    """The service operations by (result id, label)."""
    text = workbench.open_source(project, t.source_id).text
    spans = iter(range(100, max(200, t.source_chars - 200), 997))

    def apply_one() -> None:
        start = next(spans)
        workbench.apply(project, t.source_id, start, start + 120, "familie.los", "bench")

    def check() -> None:
        with Project.open_readonly(path) as readonly:
            assert readonly.check().ok

    search.prepare()
    return {
        ("service.sources", "list sources"): project.sources,
        ("service.open_source", f"open the most-coded transcript ({t.source_codings:,} codings)"): (
            lambda: workbench.open_source(project, t.source_id)
        ),
        ("service.codings_of", "codings of that transcript"): lambda: workbench.codings_of(
            project, t.source_id
        ),
        ("service.search_one", f"search it for {SEARCH_WORD!r}"): lambda: search.search_source(
            text, SEARCH_WORD
        ),
        (
            "service.segments_top",
            f"segments of {t.code} ({t.code_codings:,}): count + first page of {PAGE}",
        ): (lambda: first_page(project, t.code)),
        ("service.segments_deep", f"segments of {t.code}: a page of {PAGE} at the middle"): (
            lambda: workbench.segment_page(project, SegmentFilter(t.code), t.code_codings // 2, PAGE)
        ),
        ("service.segments_all", f"segments of {t.code}: the whole list"): (
            lambda: workbench.code_segments(project, t.code)
        ),
        ("service.segments_2500", f"segments of {t.mid_code} ({t.mid_codings:,}): the whole list"): (
            lambda: workbench.code_segments(project, t.mid_code)
        ),
        ("service.segments_root", f"segments of {t.root} (with sub-codes)"): (
            lambda: workbench.code_segments(project, t.root)
        ),
        ("service.codebook", "codebook tree with counts"): lambda: workbench.codebook(project),
        ("service.grid", "study grid (cases × rounds, coverage)"): lambda: workbench.grid(project),
        ("service.apply", "apply one coding"): apply_one,
        ("service.check", "check (read-only open)"): check,
    }


def measure_service(
    project: Project, path: Path, targets: Targets, repeats: int
) -> tuple[list[Result], dict[str, Any]]:
    """Time every service operation ``repeats`` times (``apply`` writes to the private copy),
    after one traced run that records the SQL it sends (and warms the caches)."""
    results, sql = [], {}
    for (op_id, label), op in operations(project, path, targets).items():
        traced = profile(project.pdb.db.conn, op)
        if traced["statements"]:
            sql[op_id] = traced
        results.append(Result(op_id, label, timed(op, repeats)))
    return results, sql
