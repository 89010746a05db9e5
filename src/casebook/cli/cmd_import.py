"""``import``: transcripts one by one with metadata, or a whole manifest at once."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.cli.main import CliState
from casebook.cli.output import emit_json, progress_bar, stderr, stdout, table
from casebook.model.study import InterviewMeta
from casebook.services.importer import (
    ImportItem,
    ImportReport,
    import_files,
    manifest_batch,
    speaker_map,
    study_spec,
)
from casebook.services.importer import speaker_pattern as speaker_pattern_of
from casebook.services.project import Project


@click.command(name="import")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV with one row per transcript (file, case, round, date, informants, ...).",
)
@click.option(
    "--study",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Study file declaring rounds, cases and persons (default: study.toml beside the manifest).",
)
@click.option("--case", "case", help="Case key the files belong to (e.g. F01).")
@click.option("--round", "round_", help="Round key (e.g. R1).")
@click.option("--date", help="Interview date, YYYY-MM-DD.")
@click.option(
    "--informant",
    "informants",
    multiple=True,
    help="Participant code present (repeatable); CODE=ROLE declares a new case member.",
)
@click.option(
    "--speaker",
    "speakers",
    multiple=True,
    help="Map a speaker label to a code: LABEL=CODE (repeatable); the label then always starts a turn.",
)
@click.option("--interviewer", default="", help="Who interviewed (initials).")
@click.option("--mode", default="", help="How: hjemme, kontor, digital, telefon ...")
@click.option("--place", default="", help="Where the interview took place.")
@click.option("--name", help="Source name (default: file name without suffix); one file only.")
@click.option("--speaker-pattern", help="Regex with a (?P<speaker>...) group that marks turn starts.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome per file as JSON.")
@click.pass_obj
def import_(
    state: CliState,
    files: tuple[Path, ...],
    manifest: Path | None,
    study: Path | None,
    case: str | None,
    round_: str | None,
    date: str | None,
    informants: tuple[str, ...],
    speakers: tuple[str, ...],
    interviewer: str,
    mode: str,
    place: str,
    name: str | None,
    speaker_pattern: str | None,
    as_json: bool,
) -> None:
    """Import transcripts (.txt .md .docx .odt .vtt .srt): all of them, or none.

    Identical text is skipped; if its case, round, date or informants differ from the
    stored interview, nothing is imported and the `casebook source set` command that
    changes them is shown. Changed text under an existing name becomes a new version,
    and the old version keeps its codings.

    \b
    Speaker tags that start a turn (at the start of a line):
      I: / Intervjuer: / Mor: / Far: / F1: / Forelder 2: / Forelder 4a:
      Mor (11a):             role with a participant code (linked to 11a)
      F1 - ... / F1 – ...    dash after a short label (codes, roles)
      [00:12:03] Far: / 00:12:03 Far: / [00:01:02] F2:    timestamp first
    A label counts when it is a known role or is used at least twice, so a one-off
    "Merknad:" stays text; labels given with --speaker always count. Lines that look
    like labels but start no turn are listed as a warning.
    """
    pattern = speaker_pattern_of(speaker_pattern)
    if manifest and files:
        raise click.UsageError("give FILES or --manifest, not both")
    if manifest:
        batch = manifest_batch(manifest, study)
        items, spec = batch.items, batch.study
    elif files:
        if not case:
            raise click.UsageError("--case is required when importing files (or use --manifest)")
        if name and len(files) > 1:
            raise click.UsageError("--name works with one file only")
        meta = InterviewMeta(
            case, round_, _date(date), mode, place, interviewer, informants, speaker_map(speakers), name
        )
        items = [ImportItem(f, meta) for f in files]
        spec = study_spec(study) if study else None
    else:
        raise click.UsageError("nothing to import: give FILES or --manifest CSV")
    quiet = as_json or len(items) < 2
    with Project.open(state.project_path()) as project, progress_bar(quiet) as report_progress:
        report = import_files(project, items, pattern, report_progress, spec)
    _print(report, as_json)


def _date(value: str | None) -> str | None:
    from casebook.model.attributes import AttributeType, canonical_value

    return canonical_value(AttributeType.DATE, value) if value else None


def _print(report: ImportReport, as_json: bool) -> None:
    """The outcomes on stdout (a table and a summary, or JSON); warnings on stderr."""
    if as_json:
        emit_json(
            [
                {
                    "file": str(o.path),
                    "name": o.name,
                    "status": o.status,
                    "source_id": o.source_id,
                    "version": o.version,
                    "chars": o.chars,
                    "turns": o.turns,
                    "note": o.note,
                    "warnings": list(o.warnings),
                    "unrecognised_labels": [{"line": u.line, "label": u.label} for u in o.unrecognised],
                    "fix": o.fix or None,
                }
                for o in report.outcomes
            ]
        )
    else:
        table(
            "Imported",
            ["status", "source", "name", "v", "chars", "turns", "note"],
            [(o.status, o.source_id, o.name, o.version, o.chars, o.turns, o.note) for o in report.outcomes],
        )
        stdout.print(report.summary())
    for warning in report.warnings:
        stderr.print(f"casebook: warning: {warning}", soft_wrap=True)


COMMANDS = [import_]
