"""Per-case summaries: a template's sections filled from the case's dossier (pure).

The dossier holds what the services gathered: the timeline, the change grid, the case's
labelled excerpts (built by the report builder, so quote labels and the municipality
rule are the ones every report uses), how many families share each theme, and the
researcher's memo on the case. The result is an ordinary report tree (``compact``), so
the Markdown and Word renderers and the pseudonymisation apply unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from casebook.reports.case_dossier import CaseDossier
from casebook.reports.model import Block, Chapter, Paragraph, Report
from casebook.reports.summary_sections import SECTION_FILLERS
from casebook.reports.summary_template import SummaryTemplate


def _facts(dossier: CaseDossier) -> tuple[str, ...]:
    timeline = dossier.timeline
    rounds = [r.label or r.key for r in timeline.interviewed()]
    lines = [dossier.project] if dossier.project else []
    lines.append(f"Sak: {timeline.case}" + (f" ({timeline.label})" if timeline.label else ""))
    lines.append("Runder med intervju: " + (", ".join(rounds) if rounds else "ingen"))
    lines.append(
        "Retninger merket «forslag» er beregnet av casebook ut fra kodingen og attributtene,"
        " ikke vurdert av en forsker."
    )
    if dossier.pseudonymised:
        lines.append("Pseudonymisert: navn og steder er erstattet med [klammer] eller deltakerkoder.")
    return tuple(lines)


def build_summary(template: SummaryTemplate, dossier: CaseDossier) -> Report:
    """The summary of one case as a compact report tree (the same dossier always gives
    the same summary: which passages are already quoted starts afresh)."""
    dossier = replace(dossier, quoted=set())
    chapters = []
    for section in template.sections:
        limit = section.excerpts if section.excerpts is not None else template.excerpts
        intro: tuple[Block, ...] = (Paragraph(section.text),) if section.text else ()
        body, excerpts, sections = SECTION_FILLERS[section.fill](dossier, section, limit)
        chapters.append(Chapter("", section.title, "", "", excerpts, sections, (*intro, *body)))
    label = dossier.timeline.label or dossier.timeline.case
    return Report(
        title=template.title.replace("{case}", label),
        facts=_facts(dossier),
        chapters=tuple(chapters),
        memos=True,
        chart=None,
        compact=True,
    )
