"""What fills each kind of section of a case summary (``fill`` in the template).

Every count of families is a count phrase over its stated whole ("tre av de fire
familiene"); every count of rounds too ("i to av de tre rundene"). Directions casebook
suggests are always labelled «forslag», the researcher's «forsker».
"""

from __future__ import annotations

import re

from casebook.model.changes import DIRECTION_LABELS, Assessment, Direction, DirectionSource
from casebook.model.codes import Valence
from casebook.model.events import STATUS_LABELS, CaseEvent
from casebook.model.timeline import PlacedEvent, RoundEntry, ServiceHistory
from casebook.reports.case_dossier import CaseDossier, Filler, SectionContent, relevant_excerpts
from casebook.reports.model import Block, Bullets, Excerpt, Paragraph, Section, Table
from casebook.reports.summary_template import SummarySection
from casebook.text.count_phrases import INTERVIEW, ROUND, count_phrase, number_word, sentence_start

_DISTANCES = (
    ("kognitiv", "Kognitiv distanse"),
    ("strukturell", "Strukturell distanse"),
    ("makt", "Maktdistanse"),
    ("fysisk", "Fysisk distanse"),
)
_YES_NO = {"true": "ja", "false": "nei"}
_DOUBTFUL = {Direction.UNCLEAR: "Uklar", Direction.MIXED: "Blandet"}


def _round_name(entry: RoundEntry) -> str:
    """ "runde 2" from "Runde 2", "runde 1" from "Runde 1 (baseline)"."""
    label = re.sub(r"\s*\([^)]*\)", "", entry.label).strip() or entry.key
    return label[0].lower() + label[1:]


def _section(name: str, body: tuple[Block, ...], excerpts: tuple[Excerpt, ...] = ()) -> Section:
    return Section("", name, 2, "", "", "", "", excerpts, body)


def _per_round(dossier: CaseDossier, counts: dict[str, int]) -> str:
    return " · ".join(f"{k}: {counts.get(k, 0)}" for k in dossier.grid.rounds)


def _rounds_phrase(dossier: CaseDossier, counts: dict[str, int]) -> str:
    rounds = dossier.grid.rounds
    present = [k for k in rounds if counts.get(k, 0)]
    return f"i {count_phrase(len(present), len(rounds), ROUND)}"


def _peers(dossier: CaseDossier, count: int) -> str:
    return count_phrase(count, dossier.peers, dossier.noun)


def profile(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """The case in brief: interviews, attributes round by round, the case memo."""
    timeline = dossier.timeline
    interviewed = timeline.interviewed()
    total = sum(len(r.interviews) for r in interviewed)
    who = timeline.label or timeline.case
    many = "intervju" if total == 1 else "intervjuer"
    blocks: list[Block] = [
        Paragraph(
            f"{who} er intervjuet {('i ' + count_phrase(len(interviewed), len(timeline.rounds), ROUND))}"
            f" ({number_word(total, INTERVIEW)} {many})."
        )
    ]
    rows = tuple(
        (_round_name(r), i.date or "–", i.mode or "–", ", ".join(i.participants) or "–")
        for r in interviewed
        for i in r.interviews
    )
    if rows:
        blocks.append(Table("Intervjuer", ("Runde", "Dato", "Form", "Deltakere"), rows))
    keys = [r.key for r in timeline.rounds]
    shown = [keys.index(r.key) for r in interviewed]
    values = tuple(
        (name, *(_YES_NO.get(per_round[i] or "", per_round[i] or "–") for i in shown))
        for name, per_round in timeline.values
    )
    if values and shown:
        blocks.append(Table("Kjennetegn runde for runde", ("Kjennetegn", *(keys[i] for i in shown)), values))
    if dossier.memo.strip():
        blocks.append(Paragraph(f"Forskerens notat om saken: {dossier.memo.strip()}"))
    return tuple(blocks), (), ()


def _event_row(placed: PlacedEvent, periods: dict[str | None, str]) -> tuple[str, ...]:
    event = placed.event
    status = STATUS_LABELS[event.status] if event.status is not None else event.label
    return (
        event.date or "uten dato",
        status,
        periods.get(placed.after, ""),
        event.round or "–",
        event.note or "",
    )


def _periods(dossier: CaseDossier) -> dict[str | None, str]:
    rounds = [r.key for r in dossier.timeline.interviewed()]
    if not rounds:
        return {}
    out: dict[str | None, str] = {None: f"før {rounds[0]}"}
    for here, following in zip(rounds, [*rounds[1:], None], strict=True):
        out[here] = f"{here}–{following}" if following else f"etter {here}"
    return out


def _evidence_excerpts(dossier: CaseDossier, guids: set[str]) -> tuple[Excerpt, ...]:
    return tuple(e for e in dossier.excerpts if dossier.coding_guids.get(e.coding_id) in guids)


def services(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Each service's path in date order, the steps in a table, strafferunder marked."""
    histories = dossier.timeline.services
    blocks: list[Block] = []
    if dossier.peers:
        blocks.append(
            Paragraph(
                "Strafferunder (et avslag fulgt av klage eller ny søknad) er registrert hos"
                f" {_peers(dossier, dossier.peers_with_strafferunde)}."
            )
        )
    if not histories:
        blocks.append(Paragraph("Ingen tjenestehendelser er registrert for saken.", note=True))
        return tuple(blocks), (), ()
    periods = _periods(dossier)
    return tuple(blocks), (), tuple(_service(dossier, h, periods) for h in histories)


def _service(dossier: CaseDossier, history: ServiceHistory, periods: dict[str | None, str]) -> Section:
    name = history.service + (f" ({history.child})" if history.child else "")
    body: list[Block] = [Paragraph(f"Forløp: {history.path}.")]
    if history.strafferunde:
        times = number_word(history.rejections)
        body.append(Paragraph(f"Strafferunde: {times} avslag før tjenesten ble innvilget eller avsluttet."))
    if history.open:
        body.append(
            Paragraph(f"Fortsatt åpent: siste status er «{STATUS_LABELS[history.statuses[-1]]}».", note=True)
        )
    rows = tuple(_event_row(p, periods) for p in history.events)
    body.append(Table("", ("Dato", "Status", "Periode", "Fortalt i", "Merknad"), rows))
    cited = {p.event.coding for p in history.events if p.event.coding}
    return _section(name, tuple(body), _evidence_excerpts(dossier, {c for c in cited if c}))


def _own(dossier: CaseDossier, key: str) -> dict[str, int]:
    """Segments coded on ``key`` itself (not below it) per round."""
    row = dossier.row(key)
    counts = {c.round: c.segments for c in row.rounds}
    for child in (c for c in dossier.codes if c.parent == key):
        for c in dossier.row(child.key).rounds:
            counts[c.round] -= c.segments
    return counts


def _code_section(dossier: CaseDossier, key: str, limit: int) -> Section:
    row = dossier.row(key)
    counts = {c.round: c.segments for c in row.rounds}
    text = (
        f"Utdrag per runde: {_per_round(dossier, counts)}; kodet {_rounds_phrase(dossier, counts)}"
        f" (første gang i {row.first}, sist i {row.last})."
    )
    if dossier.peers:
        text += f" Temaet finnes hos {_peers(dossier, dossier.peers_with_code.get(key, 0))}."
    return _section(dossier.code(key).name, (Paragraph(text),), relevant_excerpts(dossier, [key], limit))


def codes(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Per code: segments per round with count phrases, and the most relevant excerpts."""
    coded = [k for k in section.codes if dossier.row(k).segments]
    missing = [dossier.code(k).name for k in section.codes if not dossier.row(k).segments]
    blocks: tuple[Block, ...] = ()
    if missing:
        blocks = (Paragraph(f"Ikke kodet for denne saken: {', '.join(missing)}.", note=True),)
    if not coded:
        return blocks, (), ()
    return blocks, (), tuple(_code_section(dossier, k, limit) for k in coded)


def _distance_groups(dossier: CaseDossier) -> list[tuple[str, str, list[str]]]:
    groups = [
        (
            key,
            title,
            [c.key for c in dossier.codes if c.distance.value == key and c.valence is Valence.HINDRER],
        )
        for key, title in _DISTANCES
    ]
    if any(c.key == "ressurser" for c in dossier.codes):
        groups.append(("ressurser", "Ressurser og kapasitet", sorted(dossier.below("ressurser"))))
    return [g for g in groups if g[2]]


def _direction_line(dossier: CaseDossier, theme: str) -> str:
    rounds = dossier.grid.rounds
    if len(rounds) < 2:
        return ""
    found = dossier.grid.assessment(theme, rounds[-2], rounds[-1])
    if found is None:
        return ""
    return f" Retning {rounds[-2]} → {rounds[-1]}: {_direction(found)}."


def _source(found: Assessment) -> str:
    return "forsker" if found.source is DirectionSource.RESEARCHER else "forslag"


def _direction(found: Assessment) -> str:
    return f"{DIRECTION_LABELS[found.direction]} ({_source(found)})"


def distances(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Barriers grouped by the four distances (and resources): counts per round, excerpts."""
    rows, sections = [], []
    for key, title, members in _distance_groups(dossier):
        counts: dict[str, int] = {}
        for member in members:
            for round_key, n in _own(dossier, member).items():
                counts[round_key] = counts.get(round_key, 0) + n
        rows.append((title, *(str(counts.get(k, 0)) for k in dossier.grid.rounds)))
        if not any(counts.values()):
            continue
        text = f"Kodet {_rounds_phrase(dossier, counts)}.{_direction_line(dossier, key)}"
        sections.append(_section(title, (Paragraph(text),), relevant_excerpts(dossier, members, limit)))
    table = Table("Utdrag om barrierer per runde", ("Barriere", *dossier.grid.rounds), tuple(rows))
    return (table,), (), tuple(sections)


def _pairs(dossier: CaseDossier) -> list[tuple[str, str]]:
    rounds = dossier.grid.rounds
    pairs = [(rounds[-2], rounds[-1])]
    if len(rounds) >= 3:
        pairs.append((rounds[0], rounds[-1]))
    return pairs


def _themes(dossier: CaseDossier, pair: tuple[str, str]) -> list[Assessment]:
    roots = {c.key for c in dossier.codes if c.parent is None}
    return [
        a
        for a in dossier.grid.assessments
        if (a.from_round, a.to_round) == pair and (a.theme in roots or a.source is DirectionSource.RESEARCHER)
    ]


def changes(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Change since the previous round: attributes, directions per theme, events between."""
    rounds = dossier.grid.rounds
    if len(rounds) < 2:
        return (
            (Paragraph("Saken er intervjuet i bare én runde; det er ingen endring å beskrive ennå."),),
            (),
            (),
        )
    before, after = rounds[-2], rounds[-1]
    blocks: list[Block] = [Paragraph(f"Fra {before} til {after}.")]
    moved = [str(c) for c in dossier.timeline.changes if (c.from_round, c.to_round) == (before, after)]
    blocks.append(
        Bullets(tuple(moved)) if moved else Paragraph("Ingen endringer i kjennetegnene.", note=True)
    )
    rows = tuple(
        (
            dossier.code(a.theme).name,
            f"{a.from_round} → {a.to_round}",
            DIRECTION_LABELS[a.direction],
            _source(a),
            a.reason,
        )
        for pair in _pairs(dossier)
        for a in _themes(dossier, pair)
    )
    blocks.append(Table("Retning per tema", ("Tema", "Runder", "Retning", "Kilde", "Begrunnelse"), rows))
    between = [p.event for p in (*dossier.timeline.caveats, *_service_events(dossier)) if p.after == before]
    if between:
        blocks.append(Paragraph(f"Hendelser mellom {before} og {after}:"))
        blocks.append(Bullets(tuple(_event_line(e) for e in sorted(between, key=lambda e: e.date or ""))))
    cited = {
        g.guid
        for a in dossier.grid.assessments
        for g in a.evidence
        if (a.from_round, a.to_round) == (before, after)
    }
    return tuple(blocks), _evidence_excerpts(dossier, cited), ()


def _service_events(dossier: CaseDossier) -> list[PlacedEvent]:
    return [p for h in dossier.timeline.services for p in h.events]


def _event_line(event: CaseEvent) -> str:
    note = f" – {event.note}" if event.note else ""
    return f"{event.date or 'uten dato'}: {event.label}{note}"


def questions(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Open questions: services still waiting, unclear or unset directions, undated events."""
    items = [
        f"{h.service}: siste status «{STATUS_LABELS[h.statuses[-1]]}»"
        + (f" ({h.events[-1].event.date})" if h.events[-1].event.date else "")
        for h in dossier.timeline.services
        if h.open
    ]
    rounds = dossier.grid.rounds
    if len(rounds) >= 2:
        pair = (rounds[-2], rounds[-1])
        themes = _themes(dossier, pair)
        for a in themes:
            row = dossier.row(a.theme)
            if a.direction in _DOUBTFUL and (row.count(pair[0]).segments or row.count(pair[1]).segments):
                items.append(
                    f"{_DOUBTFUL[a.direction]} retning for {dossier.code(a.theme).name}"
                    f" {pair[0]} → {pair[1]} ({_source(a)}): {a.reason}"
                )
        unset = [dossier.code(a.theme).name for a in themes if a.source is DirectionSource.SUGGESTED]
        if unset:
            items.append(f"Retning {pair[0]} → {pair[1]} ikke vurdert av forsker: {', '.join(unset)}")
    undated = [
        p.event for p in (*dossier.timeline.caveats, *_service_events(dossier)) if p.event.date is None
    ]
    items += [f"Dato mangler: {_event_line(e)}" for e in undated]
    if not items:
        return (Paragraph("Ingen åpne spørsmål er registrert."),), (), ()
    return (Bullets(tuple(sentence_start(i) for i in items)),), (), ()


def text(dossier: CaseDossier, section: SummarySection, limit: int) -> SectionContent:
    """Only the section's own text (added by the summary builder)."""
    return (), (), ()


SECTION_FILLERS: dict[str, Filler] = {
    "profile": profile,
    "services": services,
    "codes": codes,
    "distances": distances,
    "changes": changes,
    "questions": questions,
    "text": text,
}
