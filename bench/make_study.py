"""Generate a whole study for the scale benchmarks (issue #8), through casebook's own services.

Sizes: small / medium / large = 60 / 600 / 3,000 transcripts (families × 3 rounds plus
municipal interviews), ~10,000 / 100,000 / 500,000 codings by two coders. The study file,
the transcripts and the codings are all written the way a researcher's would be
(``create_project``, ``load_study``, ``import_files``, the coding service), so the
benchmark measures the real code paths. Deterministic for a seed.

Run: .venv/bin/python bench/make_study.py --size medium [--seed 7] [-o study.casebook]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from casebook.model.study import InterviewMeta  # noqa: E402
from casebook.services import coding, workbench  # noqa: E402
from casebook.services.codebook import DEFAULT_CODEBOOK  # noqa: E402
from casebook.services.importer import ImportItem, import_files  # noqa: E402
from casebook.services.project import Project  # noqa: E402
from casebook.services.setup import create_project  # noqa: E402
from casebook.services.study import load_study  # noqa: E402
from study_codings import CodingPlanner, PlannedCoding, SourceCodings, allot  # noqa: E402
from study_plan import InterviewPlan, plan_study, study_toml  # noqa: E402
from study_text import TurnPool, dialogue, family_speakers, load_pool, municipal_speakers  # noqa: E402


@dataclass(frozen=True)
class Size:
    """A named study size: transcripts, characters per transcript, codings."""

    transcripts: int
    chars: int
    codings: int


SIZES = {
    "small": Size(60, 20_000, 10_000),
    "medium": Size(600, 120_000, 100_000),
    "large": Size(3_000, 120_000, 500_000),
}
IMPORT_BATCH = 50
CODING_BATCH = 5_000


@dataclass
class StudyStats:
    """What was built and how long each phase took (seconds)."""

    path: Path
    size: str
    seed: int
    families: int = 0
    transcripts: int = 0
    characters: int = 0
    codings: dict[str, int] = field(default_factory=dict)
    paired: int = 0
    file_bytes: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    per_1000_ms: list[tuple[int, float]] = field(default_factory=list)
    peak_rss_mib: float = 0.0

    @property
    def paired_share(self) -> float:
        """Share of ida's codings that have an ola partner coding."""
        return self.paired / max(1, self.codings.get("ida", 0))


@contextmanager
def phase(stats: StudyStats, name: str) -> Iterator[None]:
    """Add the block's wall time to ``stats.phases[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        stats.phases[name] = stats.phases.get(name, 0.0) + time.perf_counter() - start


def transcript_text(interview: InterviewPlan, pool: TurnPool, chars: int, seed: int) -> str:
    """The transcript of one interview, from its own seeded random stream."""
    rng = Random(f"{seed}:{interview.name}")
    case = interview.case
    round_no = interview.round[1:]
    if case.kind == "municipality":
        title = ("Oppstartsmøte", "Oppfølgingssamtale", "Gruppeintervju med koordinerende enhet")
        header = (
            f"{title[int(round_no) - 1]} i {case.label} – runde {round_no} ({interview.date}),"
            f" møterom på {interview.place}.\nTil stede fra kommunen er kommunalsjef, leder for"
            " koordinerende enhet og rådgiver, i tillegg to forskere.\n\n"
        )
        speakers = municipal_speakers(rng)
        return dialogue(header, pool.municipal_questions, pool.municipal_answers, speakers, chars, rng)
    present = " og ".join(f"{p.role} ({p.code})" for p in interview.informants)
    header = (
        f"Intervju med foreldre i familie {case.number} – runde {round_no} ({interview.date}),"
        f" {interview.place}.\nTil stede er {present}. Intervjuer: {interview.interviewer}.\n\n"
    )
    speakers = family_speakers(case.number, tuple(p.role for p in interview.informants), rng)
    return dialogue(header, pool.family_questions, pool.family_answers, speakers, chars, rng)


def import_item(interview: InterviewPlan, path: Path) -> ImportItem:
    """The import item of one written transcript, with its interview metadata."""
    meta = InterviewMeta(
        case=interview.case.key,
        round=interview.round,
        date=interview.date,
        mode=interview.mode,
        place=interview.place,
        interviewer=interview.interviewer,
        informants=tuple(p.code for p in interview.informants),
        name=interview.name,
    )
    return ImportItem(path, meta, dict(interview.case_attributes), dict(interview.source_attributes))


def import_transcripts(
    project: Project, interviews: list[InterviewPlan], chars: int, seed: int, stats: StudyStats
) -> None:
    """Write the transcripts to a temp folder and import them in batches of ``IMPORT_BATCH``."""
    pool = load_pool()
    with tempfile.TemporaryDirectory(prefix="casebook-study-") as tmp:
        for first in range(0, len(interviews), IMPORT_BATCH):
            items = []
            with phase(stats, "write transcripts"):
                for interview in interviews[first : first + IMPORT_BATCH]:
                    path = Path(tmp) / f"{interview.name}.txt"
                    path.write_text(transcript_text(interview, pool, chars, seed), encoding="utf-8")
                    items.append(import_item(interview, path))
            with phase(stats, "import"):
                report = import_files(project, items)
            for item in items:
                item.path.unlink()
            stats.transcripts += report.count("new")
            stats.characters += sum(o.chars for o in report.outcomes)


Writer = Callable[[Project, list[PlannedCoding], str], int]


def write_in_bulk(project: Project, planned: list[PlannedCoding], coder: str) -> int:
    """All of one coder's planned codings in one transaction (``coding.apply_codes``)."""
    items = [coding.CodingItem(p.source, p.start, p.end, p.code) for p in planned]
    return coding.apply_codes(project, items, coder)


def write_one_by_one(project: Project, planned: list[PlannedCoding], coder: str) -> int:
    """Each coding in its own transaction (``coding.apply_code``), as the workbench does."""
    for p in planned:
        coding.apply_code(project, p.source, p.start, p.end, p.code, coder)
    return len(planned)


def code_sources(project: Project, total: int, seed: int, stats: StudyStats, writer: Writer) -> None:
    """Plan and apply about ``total`` codings, source by source, flushing every ``CODING_BATCH``."""
    rng = Random(f"{seed}:codings")
    codes = sorted(c.key for c in workbench.codebook(project) if c.parent)
    planner = CodingPlanner(codes, rng)
    sources = project.sources()
    pending = SourceCodings()
    for source, count in zip(sources, allot(total, len(sources), rng), strict=True):
        planned = planner.plan(str(source.id), project.source_text(source), count)
        pending.ida += planned.ida
        pending.ola += planned.ola
        pending.paired += planned.paired
        if len(pending.ida) + len(pending.ola) >= CODING_BATCH or source is sources[-1]:
            _flush(project, pending, stats, writer)
            pending = SourceCodings()


def _flush(project: Project, pending: SourceCodings, stats: StudyStats, writer: Writer) -> None:
    start = time.perf_counter()
    for coder, planned in (("ida", pending.ida), ("ola", pending.ola)):
        stats.codings[coder] = stats.codings.get(coder, 0) + writer(project, planned, coder)
    elapsed = time.perf_counter() - start
    stats.paired += pending.paired
    written = len(pending.ida) + len(pending.ola)
    stats.per_1000_ms.append((sum(stats.codings.values()), elapsed / max(1, written) * 1e6))


def build_study(
    path: Path,
    size: str,
    seed: int = 7,
    transcripts: int | None = None,
    chars: int | None = None,
    codings: int | None = None,
    one_by_one: bool = False,
) -> StudyStats:
    """Build a study of ``size`` at ``path`` (which must not exist); the overrides shrink it."""
    spec = SIZES[size]
    count = transcripts or spec.transcripts
    total = codings if codings is not None else spec.codings * count // spec.transcripts
    municipalities = max(1, round(count / 120))
    stats = StudyStats(path, size, seed, families=(count - 3 * municipalities) // 3)
    with phase(stats, "plan"):
        plan = plan_study(stats.families, municipalities, Random(f"{seed}:plan"))
    with phase(stats, "project + study file"), tempfile.TemporaryDirectory() as tmp:
        study_file = Path(tmp) / "study.toml"
        study_file.write_text(study_toml(plan), encoding="utf-8")
        project = create_project(path, plan.name, DEFAULT_CODEBOOK, "ida")
        load_study(project, study_file)
    try:
        import_transcripts(project, list(plan.interviews), chars or spec.chars, seed, stats)
        with phase(stats, "codings"):
            code_sources(project, total, seed, stats, write_one_by_one if one_by_one else write_in_bulk)
    finally:
        with phase(stats, "close"):
            project.close()
    stats.file_bytes = path.stat().st_size
    stats.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return stats


def summary(stats: StudyStats) -> str:
    """What was built, as lines for the terminal."""
    rates = stats.per_1000_ms
    lines = [
        f"study: {stats.path} ({stats.size}, seed {stats.seed})",
        f"transcripts: {stats.transcripts:,} ({stats.families:,} families × 3 rounds + municipal),"
        f" {stats.characters:,} characters",
        "codings: "
        + ", ".join(f"{coder} {n:,}" for coder, n in sorted(stats.codings.items()))
        + f"; {stats.paired:,} of ida's paired with ola's ({stats.paired_share:.0%})",
        f"file: {stats.file_bytes / 2**20:,.1f} MiB; peak memory {stats.peak_rss_mib:,.0f} MiB",
    ]
    if rates:
        lines.append(
            f"coding time per 1,000: {rates[0][1]:.0f} ms in the first batch (to {rates[0][0]:,}),"
            f" {rates[-1][1]:.0f} ms in the last (to {rates[-1][0]:,})"
        )
    lines += [f"  {name:<22} {seconds:8.1f} s" for name, seconds in stats.phases.items()]
    lines.append(f"  {'total':<22} {sum(stats.phases.values()):8.1f} s")
    return "\n".join(lines)


def main() -> None:
    """Parse the command line, build the study, print the summary."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, help="project file (default: bench/study-SIZE.casebook)")
    parser.add_argument("--transcripts", type=int, help="override the size's number of transcripts")
    parser.add_argument("--chars", type=int, help="override the characters per transcript")
    parser.add_argument("--codings", type=int, help="override the number of codings")
    parser.add_argument("--one-by-one", action="store_true", help="apply codings one call at a time")
    parser.add_argument("--force", action="store_true", help="replace an existing project file")
    args = parser.parse_args()
    path = args.output or ROOT / "bench" / f"study-{args.size}.casebook"
    if path.exists():
        if not args.force:
            parser.error(f"{path} exists (use --force to replace it)")
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    stats = build_study(
        path, args.size, args.seed, args.transcripts, args.chars, args.codings, args.one_by_one
    )
    print(summary(stats))


if __name__ == "__main__":
    main()
