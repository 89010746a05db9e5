"""Count phrases in Norwegian report language: the whole is always stated."""

from __future__ import annotations

import re

import pytest

from casebook.text.count_phrases import (
    CHILD,
    FAMILY,
    ROUND,
    count_phrase,
    number_word,
    sentence_start,
)

WORDS = ["null", "én", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"]
VAGUE_ORDER = ["ingen", "én", "et par", "flere", "halvparten", "de fleste", "alle unntatt én", "alle"]


def _whole(n: int) -> str:
    """How the whole must appear in a phrase about ``n`` families."""
    if n == 1:
        return "familie"
    if n == 2:
        return "de to familiene"
    return f"de {WORDS[n]} familiene"


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("whole", range(1, 13))
def test_every_phrase_states_the_whole(whole: int, exact: bool) -> None:
    for count in range(whole + 1):
        phrase = count_phrase(count, whole, FAMILY, exact)
        assert _whole(whole) in phrase or (whole == 1 and phrase == "den ene familien"), (
            count,
            whole,
            phrase,
        )
        # never a bare quantity: the phrase ends with the noun (or names the one family)
        assert re.search(r"famili(ene|en|e\))$", phrase), phrase


@pytest.mark.parametrize("whole", range(3, 13))
def test_exact_phrases_give_the_number(whole: int) -> None:
    assert count_phrase(0, whole) == f"ingen av de {WORDS[whole]} familiene"
    assert count_phrase(whole, whole) == f"alle de {WORDS[whole]} familiene"
    for count in range(1, whole):
        assert count_phrase(count, whole) == f"{WORDS[count]} av de {WORDS[whole]} familiene"


def test_the_phrases_the_reports_use() -> None:
    assert count_phrase(3, 4) == "tre av de fire familiene"
    assert count_phrase(0, 4) == "ingen av de fire familiene"
    assert count_phrase(1, 4) == "én av de fire familiene"
    assert count_phrase(2, 4) == "to av de fire familiene"
    assert count_phrase(4, 4) == "alle de fire familiene"
    assert count_phrase(2, 2) == "begge de to familiene"
    assert count_phrase(1, 1) == "den ene familien"
    assert count_phrase(0, 1) == "ingen (av én familie)"
    assert count_phrase(2, 3, ROUND) == "to av de tre rundene"
    assert count_phrase(3, 3, ROUND) == "alle de tre rundene"


def test_vague_phrases_for_larger_groups() -> None:
    assert count_phrase(2, 7, exact=False) == "et par av de sju familiene"
    assert count_phrase(3, 12, exact=False) == "flere av de tolv familiene"
    assert count_phrase(6, 12, exact=False) == "halvparten av de tolv familiene"
    assert count_phrase(9, 12, exact=False) == "de fleste av de tolv familiene"
    assert count_phrase(11, 12, exact=False) == "alle unntatt én av de tolv familiene"
    assert count_phrase(3, 4, exact=False) == "alle unntatt én av de fire familiene"
    assert count_phrase(12, 12, exact=False) == "alle de tolv familiene"
    assert count_phrase(0, 12, exact=False) == "ingen av de tolv familiene"
    # below four a vague word says nothing more than the number
    assert count_phrase(2, 3, exact=False) == "to av de tre familiene"


def _rank(phrase: str) -> int:
    for index, word in reversed(list(enumerate(VAGUE_ORDER))):
        if phrase.startswith(word + " ") or phrase.startswith(word + " av"):
            return index
    raise AssertionError(phrase)


@pytest.mark.parametrize("whole", range(4, 13))
def test_vague_phrases_never_shrink_as_the_count_grows(whole: int) -> None:
    ranks = [_rank(count_phrase(count, whole, exact=False)) for count in range(whole + 1)]
    assert ranks == sorted(ranks)
    assert ranks[0] == 0 and ranks[-1] == len(VAGUE_ORDER) - 1
    for count in range(2, whole - 1):  # no exact number gives a family away
        assert not count_phrase(count, whole, exact=False).startswith(WORDS[count] + " ")


def test_neuter_nouns_and_sentence_starts() -> None:
    assert count_phrase(1, 3, CHILD) == "ett av de tre barna"
    assert count_phrase(3, 3, CHILD) == "alle de tre barna"
    assert count_phrase(1, 1, CHILD) == "det ene barnet"
    assert sentence_start(count_phrase(1, 4)) == "Én av de fire familiene"
    assert sentence_start(count_phrase(3, 4)) == "Tre av de fire familiene"


def test_number_words_up_to_twenty_then_digits() -> None:
    assert [number_word(n) for n in (0, 1, 7, 13, 20)] == ["null", "én", "sju", "tretten", "tjue"]
    assert number_word(1, CHILD) == "ett"
    assert number_word(21) == "21"
    assert count_phrase(21, 35) == "21 av de 35 familiene"
    assert count_phrase(20, 20) == "alle de tjue familiene"


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        count_phrase(5, 4)
    with pytest.raises(ValueError):
        count_phrase(-1, 4)
    assert count_phrase(0, 0) == "ingen familier"
