"""Count phrases for Norwegian report language, the denominator always stated.

Qualitative reports describe families in aggregate: "tre av de fire familiene",
"ingen av de fire familiene", "alle de fire familiene", and for larger groups, where an
exact number could help identify a family, the vaguer "et par", "flere", "halvparten",
"de fleste", "alle unntatt én" — always over the stated whole ("de fleste av de tolv
familiene"), never a bare "de fleste". Bokmål only. Numbers are written as words up to
twenty and as digits above ("21 av de 35 familiene").

Pure: no I/O, no project. ``count_phrase(3, 4)`` → "tre av de fire familiene".
"""

from __future__ import annotations

from dataclasses import dataclass

_WORDS = (
    "null",
    "én",
    "to",
    "tre",
    "fire",
    "fem",
    "seks",
    "sju",
    "åtte",
    "ni",
    "ti",
    "elleve",
    "tolv",
    "tretten",
    "fjorten",
    "femten",
    "seksten",
    "sytten",
    "atten",
    "nitten",
    "tjue",
)


@dataclass(frozen=True, slots=True)
class Noun:
    """What is counted, in the forms a count phrase needs (``neuter``: "ett", "det")."""

    singular: str
    definite: str
    plural: str
    plural_definite: str
    neuter: bool = False


FAMILY = Noun("familie", "familien", "familier", "familiene")
ROUND = Noun("runde", "runden", "runder", "rundene")
CHILD = Noun("barn", "barnet", "barn", "barna", neuter=True)
MUNICIPALITY = Noun("kommune", "kommunen", "kommuner", "kommunene")
CASE = Noun("sak", "saken", "saker", "sakene")
INTERVIEW = Noun("intervju", "intervjuet", "intervjuer", "intervjuene", neuter=True)


def number_word(n: int, noun: Noun | None = None) -> str:
    """``n`` in words up to twenty ("én", or "ett" before a neuter noun), digits above."""
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if n == 1 and noun is not None and noun.neuter:
        return "ett"
    return _WORDS[n] if n < len(_WORDS) else str(n)


def _whole(n: int, noun: Noun) -> str:
    """The stated whole: "de fire familiene"."""
    return f"de {number_word(n)} {noun.plural_definite}"


def _all(n: int, noun: Noun) -> str:
    if n == 1:
        return f"{'det' if noun.neuter else 'den'} ene {noun.definite}"
    if n == 2:
        return f"begge de to {noun.plural_definite}"
    return f"alle {_whole(n, noun)}"


def count_phrase(count: int, whole: int, noun: Noun = FAMILY, exact: bool = True) -> str:
    """``count`` of ``whole`` things in report language, the whole always stated.

    Exact: "ingen av de fire familiene", "én av de fire familiene", "tre av de fire
    familiene", "alle de fire familiene" ("begge de to …", "den ene familien").
    Not exact (for larger groups): "et par", "flere", "halvparten", "de fleste" and
    "alle unntatt én" of the whole; below four the numbers stay exact, since a vague
    word says nothing more there."""
    if whole < 0 or not 0 <= count <= whole:
        raise ValueError(f"cannot phrase {count} of {whole}")
    if whole == 0:
        return f"ingen {noun.plural}"
    if count == whole:
        return _all(whole, noun)
    if whole == 1:
        return f"ingen (av {number_word(1, noun)} {noun.singular})"
    if count == 0:
        return f"ingen av {_whole(whole, noun)}"
    if count == 1:
        return f"{number_word(1, noun)} av {_whole(whole, noun)}"
    if exact or whole < 4:
        return f"{number_word(count)} av {_whole(whole, noun)}"
    return f"{_vague(count, whole)} av {_whole(whole, noun)}"


def _vague(count: int, whole: int) -> str:
    """The vague quantity word for 2 ≤ ``count`` < ``whole``, ``whole`` ≥ 4."""
    if count == whole - 1:
        return "alle unntatt én"
    if 2 * count == whole:
        return "halvparten"
    if count == 2:
        return "et par"
    if 2 * count > whole:
        return "de fleste"
    return "flere"


def sentence_start(phrase: str) -> str:
    """A phrase opening a sentence: "Tre av de fire familiene", "Én av …"."""
    return phrase[:1].upper() + phrase[1:]
