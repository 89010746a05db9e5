"""Norwegian-like transcripts for the generated study, made from the sample study's turns.

The sample transcripts (families, municipalities, professionals) are read with casebook's
own readers and split into speaker turns; a generated transcript is a header followed by
question/answer turns drawn from that pool, with words swapped from a small vocabulary,
fillers and markers added, speaker tags and timestamps varied. Every transcript names its
case and round in its header, so no two are identical; æ, ø and å are everywhere.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from casebook.importing.readers import read_file  # noqa: E402

SAMPLES = ROOT / "sample_transcripts"
_ASKING = re.compile(r"^(i|int|intervjuer|forsker( \d)?)$", re.IGNORECASE)

# Words that are swapped, each for another of its group (same part of speech, roughly).
SWAPS: tuple[tuple[str, ...], ...] = (
    ("skolen", "barnehagen", "kommunen", "bydelen", "helsestasjonen", "PPT", "BUP", "NAV"),
    ("møte", "samarbeidsmøte", "ansvarsgruppemøte", "oppfølgingsmøte", "møtet"),
    ("koordinator", "barnekoordinator", "kontaktperson", "saksbehandler"),
    ("søknad", "klage", "henvisning", "bekymringsmelding", "søknaden"),
    ("vedtak", "avslag", "svar", "tilbud"),
    ("vanskelig", "tungt", "krevende", "slitsomt", "frustrerende", "håpløst"),
    ("bra", "fint", "greit", "nyttig", "gull verdt"),
    ("rektor", "kontaktlæreren", "spesialpedagogen", "fastlegen", "helsesykepleieren", "fysioterapeuten"),
    ("høsten", "våren", "sommeren", "vinteren", "januar", "februar", "mars", "august"),
    ("plan", "individuell plan", "IOP", "handlingsplan", "tiltaksplan"),
    ("ventet", "måtte vente", "stod på venteliste", "ventet og ventet"),
    ("barnet", "gutten", "jenta", "sønnen vår", "dattera vår", "[barnet]"),
)
FILLERS = ("Ja, ", "Altså, ", "Ehm, ", "Nei, ", "Jo, ", "Ja, nei, ", "Hm. ", "Sånn sett, ", "Vet du, ")
MARKERS = (" [pause]", " [latter]", " (uklart)", " […]", " [sukker]", "")
EXTRA = (
    " Det er nok sånn det er, på godt og vondt.",
    " Og det må jeg si, det var ikke lett å få øye på før i år.",
    " Vi fikk høre om det fra andre foreldre, på Facebook, faktisk.",
    " Hun som var der før, hun sluttet jo i fjor høst.",
    " Det står sikkert i et skriv et sted, men ingen har sagt det til oss.",
    " Så vi står på, dag for dag, og håper det blir bedre til våren.",
    " Og så gikk det et halvt år før noen ringte tilbake.",
    " Men nå føler vi at noen faktisk ser oss, og det betyr mye.",
)


@dataclass(frozen=True)
class TurnPool:
    """Question and answer bodies, for family and municipal interviews."""

    family_questions: tuple[str, ...]
    family_answers: tuple[str, ...]
    municipal_questions: tuple[str, ...]
    municipal_answers: tuple[str, ...]


@dataclass(frozen=True)
class Speakers:
    """The tags of one transcript: who asks, who answers, and whether turns carry timestamps."""

    asking: str
    answering: tuple[str, ...]
    timestamps: bool


def _turns_of(folder: str) -> tuple[list[str], list[str]]:
    """(questions, answers) of every .txt and .docx transcript in a sample folder."""
    questions: list[str] = []
    answers: list[str] = []
    for path in sorted((SAMPLES / folder).iterdir()):
        if path.suffix not in (".txt", ".docx"):
            continue
        doc = read_file(path)
        for turn in doc.turns or ():
            if not turn.speaker:
                continue
            body = doc.text[turn.body_start : turn.end].strip()
            if body:
                (questions if _ASKING.match(turn.speaker) else answers).append(body)
    return questions, answers


def load_pool() -> TurnPool:
    """Read the sample study once: the raw material of every generated transcript."""
    fq, fa = _turns_of("familier")
    kq, ka = _turns_of("kommuner")
    pq, pa = _turns_of("fagpersoner")
    return TurnPool(tuple(fq), tuple(fa), tuple(kq + pq), tuple(ka + pa))


_SWAP_TO_GROUP = {word: group for group in SWAPS for word in group}
_SWAP_WORDS = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_SWAP_TO_GROUP, key=len, reverse=True)) + r")\b"
)


def vary(body: str, rng: Random) -> str:
    """One turn reworded: about a third of the swappable words swapped, a filler, a marker."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        return rng.choice(_SWAP_TO_GROUP[word]) if rng.random() < 0.35 else word

    text = _SWAP_WORDS.sub(swap, body)
    if rng.random() < 0.3:
        text = rng.choice(FILLERS) + text[:1].lower() + text[1:]
    if rng.random() < 0.25:
        text += rng.choice(EXTRA)
    return text + rng.choice(MARKERS) if rng.random() < 0.3 else text


def _stamp(seconds: int) -> str:
    return f"[{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}] "


def dialogue(
    header: str,
    questions: tuple[str, ...],
    answers: tuple[str, ...],
    speakers: Speakers,
    chars: int,
    rng: Random,
) -> str:
    """A header, then question and answer turns until the text is about ``chars`` long."""
    parts = [header]
    size = len(header)
    seconds = rng.randrange(5, 60)
    while size < chars:
        turns = [(speakers.asking, rng.choice(questions))]
        turns += [(rng.choice(speakers.answering), rng.choice(answers)) for _ in range(rng.randint(1, 3))]
        for tag, body in turns:
            stamp = _stamp(seconds) if speakers.timestamps else ""
            turn = f"{stamp}{tag}: {vary(body, rng)}\n\n"
            parts.append(turn)
            size += len(turn)
            seconds += len(turn) // 14 + rng.randrange(0, 4)
    return "".join(parts).rstrip() + "\n"


def family_speakers(number: int, roles: tuple[str, ...], rng: Random) -> Speakers:
    """Tags for a family interview: ``Mor:``/``Far:`` or ``Forelder 4a:``, ``I:`` or ``Intervjuer:``.

    ``roles`` are the informants' roles in participant-code order (a, b, c)."""
    by_code = rng.random() < 0.5
    tags = []
    for letter, role in zip("abc", roles, strict=False):
        if role == "barn":
            tags.append("Barn")  # a child says less: one answer in three or four
        elif by_code:
            tags += [f"Forelder {number}{letter}"] * 3
        else:
            tags += [role.capitalize()] * 3
    return Speakers(rng.choice(("I", "Intervjuer")), tuple(tags), rng.random() < 0.3)


def municipal_speakers(rng: Random) -> Speakers:
    """Tags for a municipal interview: two researchers ask, three staff answer."""
    return Speakers(
        rng.choice(("Forsker 1", "Forsker 2")), ("Kommunalsjef", "Leder KE", "Rådgiver"), rng.random() < 0.2
    )
