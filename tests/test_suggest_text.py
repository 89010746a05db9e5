"""The Norwegian pipeline behind code suggestions: word keys, compounds, signals, negation."""

from __future__ import annotations

import pytest

from casebook.coding.evaluation import baseline, baseline_rules
from casebook.coding.suggesting import CodeSignals, Suggester, passages
from casebook.model.sources import Turn
from casebook.text import lexicon, nlp
from casebook.text.classifier import CodeModel, features
from casebook.text.signal_matcher import Rule, SignalMatcher
from casebook.text.signal_syntax import parse_signal


def matched(signals: list[str], text: str) -> list[tuple[str, str]]:
    """(signal, words matched) for every hit of ``signals`` in ``text``."""
    matcher = SignalMatcher([Rule("x", raw, parse_signal(raw)) for raw in signals])
    doc = nlp.parse(text)
    return sorted((h.rule.raw, text[h.chars[0] : h.chars[1]]) for h in matcher.hits(doc))


@pytest.mark.parametrize(
    ("word", "key", "head"),
    [
        ("møteplassene", "møteplass", "plass"),
        ("ansvarsgruppemøtet", "ansvarsgruppemøte", "møte"),
        ("barnekoordinatoren", "barnekoordinator", "koordinator"),
        ("teieplikta", "teieplikt", "plikt"),
        ("taushetsplikten", "taushetsplikt", "plikt"),
        ("samarbeidet", "samarbeid", "samarbeid"),
        ("hinder", "hinder", "hinder"),
    ],
)
def test_inflected_and_compound_words_get_the_key_of_their_base_form(word: str, key: str, head: str) -> None:
    assert lexicon.analyse(word) == (key, head)


def test_short_words_keep_apart_and_aeoeaa_are_never_folded() -> None:
    assert lexicon.key("fare") != lexicon.key("far")
    assert lexicon.key("får") != lexicon.key("far")
    assert lexicon.key("mistillit") != lexicon.key("tillit")  # a prefix, not a compound part


def test_signals_find_inflected_forms_compounds_and_nynorsk() -> None:
    text = (
        "Møteplassene forsvant. Barnekoordinatoren kom på ansvarsgruppemøtet. "
        "Teieplikta var eit problem. Taushetsplikten også."
    )
    hits = matched(["møteplass", "koordinator", "møte", "teieplikt", "taushetsplikt", "ansvarsgruppe*"], text)
    assert ("møteplass", "Møteplassene") in hits
    assert ("koordinator", "Barnekoordinatoren") in hits
    assert ("møte", "ansvarsgruppemøtet") in hits
    assert ("teieplikt", "Teieplikta") in hits
    assert ("taushetsplikt", "Taushetsplikten") in hits
    assert ("ansvarsgruppe*", "ansvarsgruppemøtet") in hits


def test_signals_do_not_match_inside_other_words() -> None:
    text = "Møteplassen var fin. Navnet hans er Per, og ikke far. Det var farlig. Tips fra skolen."
    hits = matched(["møte", "far", "IP", "NAV", "KE"], text)
    assert ("møte", "Møteplassen") not in hits  # møteplass is no kind of møte
    assert hits == [("far", "far")]
    # the plain substring baseline over-matches all of them
    found = baseline(text, baseline_rules({"a": ["IP"], "b": ["NAV"], "c": ["KE"], "d": ["møte"]}))
    assert found == {"a", "b", "c", "d"}


def test_phrases_match_in_any_inflection_and_acronyms_as_written() -> None:
    text = "De hadde ulik forventning. Vi snakka på Teams om IP-en. Ip er noe annet. Det er ikkje vårt bord."
    hits = matched(["ulike forventninger", "på Teams", "IP", "ikkje vårt bord"], text)
    assert ("ulike forventninger", "ulik forventning") in hits
    assert ("på Teams", "på Teams") in hits
    assert ("IP", "IP-en") in hits
    assert ("IP", "Ip") not in hits
    assert ("ikkje vårt bord", "ikkje vårt bord") in hits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taushetsplikten var ikke noe problem.", "denied"),
        ("Teieplikta var ikkje til hinder for samarbeidet.", "denied"),
        ("Det var ingen kasteball.", "negated"),
        ("Taushetsplikten var et problem.", ""),
        ("Det er ikke mitt ansvar.", ""),  # the negator is part of the signal
        ("Det var ikke lett, men taushetsplikten var et problem.", ""),  # another clause
    ],
)
def test_negation_scope(text: str, expected: str) -> None:
    doc = nlp.parse(text)
    matcher = SignalMatcher(
        [
            Rule("x", raw, parse_signal(raw))
            for raw in ("taushetsplikt", "teieplikt", "kasteball", "ikke mitt ansvar")
        ]
    )
    (hit,) = matcher.hits(doc)
    assert nlp.negation(doc, hit.start, hit.end) == expected


def suggest(text: str, codes: list[CodeSignals]) -> dict[str, list[str]]:
    """Code → passages proposed, for a one-turn source."""
    turn = Turn(0, len(text), 5, "Mor")
    found = passages(text, [turn])
    return {
        code: [text[p.start : p.end] for p in Suggester(codes).propose(1, found) if p.code == code]
        for code in {c.key for c in codes}
    }


def test_a_denied_barrier_is_not_proposed_but_an_enabler_is_kept_at_half_weight() -> None:
    codes = [
        CodeSignals("strukturell.taushetsplikt", "hindrer", ("taushetsplikt",)),
        CodeSignals("broer.koordinator", "fremmer", ("koordinator fungerer",)),
    ]
    text = "Mor: Taushetsplikten var ikke noe problem. Taushetsplikten stoppet alt."
    found = suggest(text, codes)
    assert found["strukturell.taushetsplikt"] == ["Taushetsplikten stoppet alt."]


def test_an_exclusion_signal_keeps_its_code_out_of_the_passage() -> None:
    codes = [CodeSignals("kognitiv.tillit", "hindrer", ("tillit", "!mistillit"))]
    text = "Mor: Tillit tar tid. Det er mistillit og lite tillit mellom dem."
    assert suggest(text, codes)["kognitiv.tillit"] == ["Tillit tar tid."]


def test_passages_are_sentences_of_turns_and_leave_out_the_interviewer() -> None:
    text = "I: Hvordan gikk det med koordinatoren?\nMor: Det gikk bra. Koordinatoren ringte.\n"
    turns = [Turn(0, 39, 3, "I"), Turn(39, len(text), 44, "Mor")]
    found = passages(text, turns)
    assert [text[p.start : p.end] for p in found] == ["Det gikk bra.", "Koordinatoren ringte."]


def test_a_bracket_the_splitter_leaves_on_one_sentence_opens_the_next() -> None:
    text = "Mor: Han kom på møtet. [latter] Hun ringte skolen. «Ja,» sa hun. (pause) Så bra."
    found = passages(text, [Turn(0, len(text), 5, "Mor")])
    assert [text[p.start : p.end] for p in found] == [
        "Han kom på møtet.",
        "[latter] Hun ringte skolen.",
        "«Ja,» sa hun.",
        "(pause) Så bra.",
    ]


def test_the_model_learns_codes_from_passages_and_is_stored_without_pickle() -> None:
    docs = [
        nlp.parse(t)
        for t in (
            "Koordinatoren ringte oss.",
            "Vi fikk en koordinator.",
            "Skolen var fin.",
            "Været var fint.",
        )
    ]
    labels = [{"koordinator"}, {"koordinator"}, set(), set()]
    model = CodeModel.train([features(d[:]) for d in docs], labels)
    again = CodeModel.from_bytes(model.to_bytes())
    probabilities = again.predict(
        [features(nlp.parse("Koordinatoren kom.")[:]), features(nlp.parse("Fint vær.")[:])]
    )
    assert again.codes == ["koordinator"]
    assert probabilities[0, 0] > 0.5 > probabilities[1, 0]
    assert (
        model.to_bytes() == CodeModel.train([features(d[:]) for d in docs], labels).to_bytes()
    )  # deterministic


def test_signal_syntax_accepts_exclusions_and_refuses_a_bare_bang() -> None:
    assert parse_signal("!mistillit").exclude
    with pytest.raises(ValueError, match="must be followed"):
        parse_signal("!")
