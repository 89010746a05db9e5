"""Retrieval commands: ``segments`` (coded passages, filtered) and ``search`` (full text)."""

from __future__ import annotations

import csv

import click

from casebook.cli.main import CliState
from casebook.cli.options import json_option
from casebook.cli.output import CliError, emit_json, stdout, table
from casebook.cli.terminal import VisibleStream
from casebook.model.search import SearchHit, SearchResult
from casebook.model.segments import Segment
from casebook.services import retrieval
from casebook.services.project import Project

KINDS = ["family", "municipality", "other"]
SEGMENT_FIELDS = (
    "source",
    "source_id",
    "source_version",
    "case",
    "round",
    "speaker",
    "participant",
    "participant_code",
    "role",
    "start",
    "end",
    "code",
    "coder",
    "coding_id",
    "text",
    "memo",
)
TEXT_WIDTH = 400
"""Characters of a passage or snippet shown in a table (JSON and CSV carry all of it)."""


def segment_record(segment: Segment) -> dict[str, object]:
    """One segment for scripts (JSON objects and CSV rows share these fields)."""
    source = segment.source
    return {
        "source": source.name,
        "source_id": source.id,
        "source_version": source.version,
        "case": source.case,
        "round": source.round,
        "speaker": segment.speaker,
        "participant": segment.participant,
        "participant_code": segment.participant_code,
        "role": segment.role,
        "start": segment.start,
        "end": segment.end,
        "code": segment.code,
        "coder": segment.coder,
        "coding_id": segment.coding_id,
        "text": segment.text,
        "memo": segment.memo,
    }


def _one_line(text: str, width: int = TEXT_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command()
@click.option("--code", help="Segments of this code and the codes below it (see --no-children).")
@click.option("--no-children", is_flag=True, help="Only the code itself, not the codes below it.")
@click.option("--case", help="Only this case (e.g. F01).")
@click.option("--kind", type=click.Choice(KINDS), help="Only cases of this kind.")
@click.option("--round", "round_key", metavar="ROUND", help="Only interviews of this round (e.g. R2).")
@click.option("--coder", help="Only this coder's codings.")
@click.option(
    "--speaker",
    metavar="WHO",
    help="Who speaks where the segment starts: a participant code (1a), a role or profession"
    " (mor, barnekoordinator), or a speaker tag (I, F1).",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="EXPR",
    help="Attribute condition as of the interview's round, e.g. barn_alder>=10,"
    " koordinatorstatus=barnekoordinator, minoritetsbakgrunn=ja, diagnoser~ADHD"
    " (= != < <= > >= ~). Repeat for several; all must hold.",
)
@click.option(
    "--logic",
    metavar="EXPR",
    help='Code logic instead of --code: "A AND B" (A overlapped by B), "A SAME_TURN B",'
    ' "A NOT B", "A FOLLOWED_BY B WITHIN 200". Lists segments of A.',
)
@click.option("--limit", type=click.IntRange(min=0), help="At most this many segments.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many segments first.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row (UTF-8).")
@click.pass_obj
def segments(
    state: CliState,
    code: str | None,
    no_children: bool,
    case: str | None,
    kind: str | None,
    round_key: str | None,
    coder: str | None,
    speaker: str | None,
    where: tuple[str, ...],
    logic: str | None,
    limit: int | None,
    offset: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List coded segments with their text, filtered by code, case, round, speaker,
    attributes and code logic."""
    if as_json and as_csv:
        raise CliError("choose one of --json and --csv")
    wanted = retrieval.segment_filter(
        code, case, round_key, coder, kind, speaker, where, logic, children=not no_children
    )
    with Project.open_for_reading(state.project_path()) as project:
        found = retrieval.segments(project, wanted, offset, limit)
        total = len(found) if as_json or as_csv else retrieval.count(project, wanted)
    if as_json:
        emit_json([segment_record(s) for s in found])
    elif as_csv:
        writer = csv.DictWriter(VisibleStream(), fieldnames=SEGMENT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(segment_record(s) for s in found)
    else:
        _segment_table(found, total, offset)


def _segment_table(found: list[Segment], total: int, offset: int) -> None:
    """Two columns, so that the text keeps its room in a narrow terminal: where and who
    (case, round, source and span; speaker, code and coder), then the passage."""
    if not found:
        stdout.print(f"No segments match ({total} in all)" if total else "No segments match")
        return
    shown = f"{offset + 1}-{offset + len(found)} of {total}" if len(found) < total else str(total)
    table(
        f"Segments: {shown}",
        ["segment", "text"],
        [
            (
                "\n".join(
                    [
                        f"{s.source.case or '-'} {s.source.round or '-'} {s.source.name}",
                        f"{s.start}-{s.end} · {s.participant or s.speaker or '-'}",
                        f"{s.code} · {s.coder}",
                    ]
                ),
                _one_line(s.text, TEXT_WIDTH)
                + (f"\nmemo: {_one_line(s.memo, TEXT_WIDTH)}" if s.memo else ""),
            )
            for s in found
        ],
    )


def hit_record(hit: SearchHit) -> dict[str, object]:
    """One search hit for scripts: the turn's speech span (codable), the matches, a snippet."""
    source = hit.source
    return {
        "source": source.name,
        "source_id": source.id,
        "case": source.case,
        "round": source.round,
        "speaker": hit.speaker,
        "participant": hit.participant,
        "participant_code": hit.participant_code,
        "role": hit.role,
        "start": hit.start,
        "end": hit.end,
        "matches": [
            {"start": s, "end": e, "text": text}
            for (s, e), text in zip(hit.matches, hit.matched, strict=True)
        ],
        "snippet": hit.snippet,
    }


@click.command()
@click.argument("query")
@click.option(
    "--forms",
    is_flag=True,
    help="Also other word forms and compounds ending in each word (koordinator finds"
    " barnekoordinatoren); several words must all occur in the turn.",
)
@click.option("--case", help="Only this case.")
@click.option("--kind", type=click.Choice(KINDS), help="Only cases of this kind.")
@click.option("--round", "round_key", metavar="ROUND", help="Only interviews of this round.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=50, show_default=True, help="At most this many turns."
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many turns first.")
@json_option
@click.pass_obj
def search(
    state: CliState,
    query: str,
    forms: bool,
    case: str | None,
    kind: str | None,
    round_key: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Find QUERY in the speech of every current source (the exact words, as a phrase;
    case is ignored, æ, ø and å never are). Each hit is a speaker turn that
    ``casebook code SOURCE START END CODE`` can code."""
    with Project.open_for_reading(state.project_path()) as project:
        result = retrieval.search(project, query, forms, case, round_key, kind, offset, limit)
    if as_json:
        emit_json(
            {
                "query": result.query,
                "forms": result.forms,
                "terms": [list(group) for group in result.terms],
                "total": result.total,
                "offset": result.offset,
                "hits": [hit_record(h) for h in result.hits],
            }
        )
        return
    _search_table(result)


def _search_table(result: SearchResult) -> None:
    """Where each hit is (source, the turn's span, the first match, who speaks) and the
    text around its first match."""
    if result.forms:
        words = "; ".join(", ".join(group) or "(no form in the index)" for group in result.terms)
        stdout.print(f"Word forms searched for: {words}")
    count = len(result.hits)
    if not count:
        stdout.print(
            f"No turn matches {result.query!r}" + (f" ({result.total} in all)" if result.total else "")
        )
        return
    shown = (
        f"{result.offset + 1}-{result.offset + count} of {result.total}"
        if count < result.total
        else result.total
    )
    rows = []
    for h in result.hits:
        first = f" · match {h.matches[0][0]}-{h.matches[0][1]}" if h.matches else ""
        more = f" (+{len(h.matches) - 1})" if len(h.matches) > 1 else ""
        where = [
            f"{h.source.case or '-'} {h.source.round or '-'} {h.source.name}",
            f"turn {h.start}-{h.end}{first}{more}",
            h.participant or h.speaker or "-",
        ]
        rows.append(("\n".join(where), _one_line(h.snippet, TEXT_WIDTH)))
    table(f"Turns matching {result.query!r}: {shown}", ["hit", "text"], rows)
    if result.hits:
        stdout.print("Code a turn or a match with: casebook code SOURCE START END CODE")


COMMANDS = [segments, search]
