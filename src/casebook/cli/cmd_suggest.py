"""Code suggestions: ``suggest`` runs the suggester; ``suggest list|accept|reject|train|evaluate``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import click
from rich.text import Text

from casebook.cli.main import CliState
from casebook.cli.options import coder_option, json_option
from casebook.cli.output import CliError, emit_json, emit_json_array, progress_bar, stdout, table
from casebook.model.suggestions import Evaluation, Scores, Status, Suggestion
from casebook.services.project import Project


def _json(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.id,
        "source": s.source,
        "source_id": s.source_id,
        "start": s.start,
        "end": s.end,
        "code": s.code,
        "score": s.score,
        "origin": str(s.origin),
        "evidence": list(s.evidence),
        "status": str(s.status),
        "decided_by": s.decided_by or None,
        "coding_id": s.coding_id,
        "text": s.text,
    }


def _print(found: Iterable[Suggestion], title: str) -> int:
    """Two lines a suggestion, readable at 80 columns: what and where, then the passage
    and the evidence; printed as they come. Returns how many."""
    count = 0
    for s in found:
        if not count:
            stdout.print(Text(title, style="bold"))
        count += 1
        head = Text(f"#{s.id} ", style="bold")
        head.append(f"{s.code}  {s.score:.2f} {s.origin}  ", style="cyan")
        head.append(f"{s.source} {s.start}-{s.end}")
        if s.status != Status.OPEN:
            head.append(f"  {s.status} by {s.decided_by}", style="dim")
        stdout.print(head)
        flat = " ".join(s.text.split())
        body = Text("    «" + (flat if len(flat) <= 100 else flat[:99] + "…") + "»")
        if s.evidence:
            body.append("  " + "; ".join(s.evidence), style="dim")
        stdout.print(body)
    if not count:
        stdout.print(Text(f"{title}: none", style="dim"))
    return count


def _show(found: Iterable[Suggestion], as_json: bool, title: str) -> int:
    """Suggestions as a JSON array or for people, streamed either way; how many."""
    if not as_json:
        return _print(found, title)
    count = [0]

    def counted() -> Iterator[dict[str, Any]]:
        for s in found:
            count[0] += 1
            yield _json(s)

    emit_json_array(counted())
    return count[0]


@click.group(invoke_without_command=True)
@click.option(
    "--source", "sources", multiple=True, help="A source (id or name) to suggest codes for; repeatable."
)
@click.option("--all", "all_sources", is_flag=True, help="Suggest codes for every current source.")
@click.option("--no-model", is_flag=True, help="Signals only: do not use the model learnt from codings.")
@click.option(
    "--min-score", type=click.FloatRange(0, 1), default=0.0, help="List only suggestions this sure."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to run sources in (default: the machine's cores, at most 4).",
)
@json_option
@click.pass_context
def suggest(
    ctx: click.Context,
    sources: tuple[str, ...],
    all_sources: bool,
    no_model: bool,
    min_score: float,
    quiet: bool,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Propose codes for passages from the codebook's signals and the team's codings.

    Suggestions are kept apart from codings, under the pseudo-coder "suggester", until a
    coder accepts them (suggest accept ID) or rejects them (suggest reject ID; never
    proposed again). Nothing leaves this machine. A source whose text, codebook and
    model are unchanged since its last run is not run again."""
    if ctx.invoked_subcommand is not None:
        return
    if not sources and not all_sources:
        raise CliError("say which sources: --source ID (repeatable) or --all")
    state: CliState = ctx.obj
    from casebook.services import suggest_pool
    from casebook.services import suggestions as service

    workers = jobs or suggest_pool.default_jobs()
    with Project.open(state.project_path()) as project:
        with progress_bar(quiet or as_json) as progress:
            report = service.run(
                project, list(sources) or None, not no_model, progress, workers, list_open=False
            )
        listed = (
            (s for ref in sources for s in service.iter_listing(project, ref))
            if sources
            else service.iter_listing(project)
        )
        shown = _show((s for s in listed if s.score >= min_score), as_json, "Suggestions")
    if not as_json:
        stdout.print(
            Text(
                f"{shown} open suggestions; {report.sources_run} sources run, "
                f"{report.sources_unchanged} unchanged since their last run ({report.seconds:.1f} s)",
                style="dim",
            )
        )


@suggest.command(name="list")
@click.option("--source", help="Only suggestions of this source (id or name).")
@click.option(
    "--status",
    type=click.Choice(["open", "accepted", "rejected", "all"]),
    default="open",
    show_default=True,
    help="Which suggestions.",
)
@json_option
@click.pass_obj
def list_(state: CliState, source: str | None, status: str, as_json: bool) -> None:
    """List stored suggestions without running the suggester."""
    from casebook.services import suggestions as service

    with Project.open_for_reading(state.project_path()) as project:
        found = service.iter_listing(project, source, None if status == "all" else Status(status))
        _show(found, as_json, f"Suggestions ({status})")


def _ids(values: tuple[str, ...]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise CliError(f"suggestion ids are numbers: {' '.join(values)}") from None


@suggest.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--start", type=int, help="Code from here instead (one suggestion: edit its span).")
@click.option("--end", type=int, help="Code up to here instead (exclusive).")
@click.option("--turn", is_flag=True, help="Accept every open suggestion in the same turn as ID.")
@coder_option
@json_option
@click.pass_obj
def accept(
    state: CliState,
    ids: tuple[str, ...],
    start: int | None,
    end: int | None,
    turn: bool,
    coder: str,
    as_json: bool,
) -> None:
    """Accept suggestions: each becomes your coding, with the suggestion as its origin."""
    from casebook.services import suggestions as service

    numbers = _ids(ids)
    with Project.open(state.project_path()) as project:
        if turn:
            numbers = [s.id for n in numbers for s in service.in_same_turn(project, n)]
        made = service.accept(project, numbers, coder, start, end)
    if as_json:
        emit_json([{"suggestion": s, "coding": c} for s, c in zip(numbers, made, strict=True)])
        return
    stdout.print(f"Accepted {len(made)} suggestion(s) as codings by {coder}: {', '.join(map(str, made))}")


@suggest.command()
@click.argument("ids", nargs=-1, required=True)
@coder_option
@click.pass_obj
def reject(state: CliState, ids: tuple[str, ...], coder: str) -> None:
    """Reject suggestions: they are kept as rejected and never proposed again."""
    from casebook.services import suggestions as service

    with Project.open(state.project_path()) as project:
        n = service.reject(project, _ids(ids), coder)
    stdout.print(f"Rejected {n} suggestion(s)")


@suggest.command()
@json_option
@click.pass_obj
def train(state: CliState, as_json: bool) -> None:
    """Let the model learn again from every coding and the codebook's examples."""
    from casebook.services import suggestions as service

    with Project.open(state.project_path()) as project:
        _, info = service.train(project, force=True)
    if as_json:
        emit_json(
            {
                "passages": info.passages,
                "codings": info.codings,
                "codes": list(info.codes),
                "seconds": info.seconds,
            }
        )
        return
    stdout.print(
        f"Learnt from {info.codings} codings over {info.passages} passages in {info.seconds:.1f} s; "
        f"it can propose {len(info.codes)} codes"
    )


def _rows(scores: tuple[Scores, ...] | list[Scores]) -> list[tuple[object, ...]]:
    return [
        (s.code, s.support, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}")
        for s in scores
        if s.support
    ]


def _method_rows(evaluation: Evaluation, root: bool) -> list[tuple[object, ...]]:
    micro = evaluation.micro_root if root else evaluation.micro
    return [
        (m, micro[m].support, f"{micro[m].precision:.2f}", f"{micro[m].recall:.2f}", f"{micro[m].f1:.2f}")
        for m in micro
    ]


@suggest.command()
@click.option("--coder", required=True, help="Whose codings to compare the suggestions with.")
@click.option("--folds", type=click.IntRange(2, 50), default=5, show_default=True, help="Folds (by source).")
@click.option("--per-code", is_flag=True, help="Also list every code, not only root codes.")
@json_option
@click.pass_obj
def evaluate(state: CliState, coder: str, folds: int, per_code: bool, as_json: bool) -> None:
    """Compare suggestions with a coder's codings: precision, recall, F1 per code and
    root code, for the substring baseline, the signals, the model (cross-validated by
    source) and both combined. Stores nothing."""
    from casebook.services import suggestion_evaluation as service

    with Project.open_for_reading(state.project_path()) as project:
        result = service.evaluate(project, coder, folds)
    if as_json:
        emit_json(
            {
                "coder": result.coder,
                "folds": result.folds,
                "passages": result.passages,
                "sources": result.sources,
                "codings": result.codings,
                "micro": {m: service.scores_json([s])[0] for m, s in result.micro.items()},
                "micro_root": {m: service.scores_json([s])[0] for m, s in result.micro_root.items()},
                "roots": {m: service.scores_json(s) for m, s in result.by_root.items()},
                "codes": {m: service.scores_json(s) for m, s in result.by_method.items()},
            }
        )
        return
    stdout.print(
        f"{result.coder}: {result.codings} codings, {result.passages} passages in {result.sources} sources; "
        f"model cross-validated in {result.folds} folds by source"
    )
    columns = ["method", "coded passages", "precision", "recall", "F1"]
    table("All codes (micro average)", columns, _method_rows(result, root=False))
    table("Root codes (micro average)", columns, _method_rows(result, root=True))
    for method in ("baseline", "combined"):
        table(
            f"Root codes: {method}",
            ["code", "coded passages", "precision", "recall", "F1"],
            _rows(result.by_root[method]),
        )
    if per_code:
        for method in ("baseline", "combined"):
            table(
                f"Codes: {method}",
                ["code", "coded passages", "precision", "recall", "F1"],
                _rows(result.by_method[method]),
            )


COMMANDS = [suggest]
