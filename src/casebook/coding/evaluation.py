"""Scoring suggestions against a coder's codings, passage by passage.

A passage counts as coded with a code when the coder's coding covers at least half of
it or lies inside it (``casebook.coding.suggesting.training_labels``). Per code:
true positives are passages proposed and coded so, false positives proposed but not
coded so, false negatives coded but not proposed. At root level a passage has a root
when it has any code under it. Micro averages pool the counts over all codes.

The **baseline** is what literal autocoding in other tools does: a signal found as a
plain substring of the passage (lower case), with no lemmas, no word boundaries and no
negation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from casebook.model.suggestions import Scores
from casebook.text.signal_syntax import parse_signal


def baseline_rules(signals: Mapping[str, Sequence[str]]) -> list[tuple[str, str | re.Pattern[str]]]:
    """(code, lower-case substring or compiled regex) for every signal but exclusions."""
    rules: list[tuple[str, str | re.Pattern[str]]] = []
    for code, raws in signals.items():
        for raw in raws:
            signal = parse_signal(raw)
            if signal.exclude:
                continue
            if signal.kind == "regex":
                rules.append((code, re.compile(signal.pattern, re.IGNORECASE)))
            else:
                rules.append((code, " ".join(signal.words)))
    return rules


def baseline(text: str, rules: Sequence[tuple[str, str | re.Pattern[str]]]) -> set[str]:
    """Codes whose signal occurs in ``text`` as a plain substring (or regex)."""
    lower = text.lower()
    found: set[str] = set()
    for code, rule in rules:
        if code in found:
            continue
        if (rule in lower) if isinstance(rule, str) else rule.search(text):
            found.add(code)
    return found


def score(gold: Sequence[set[str]], proposed: Sequence[set[str]]) -> tuple[Scores, ...]:
    """Per-code scores over passages, codes sorted by key; every code that is coded or
    proposed somewhere is listed."""
    codes = sorted(set().union(*gold, *proposed)) if gold else []
    table = {c: [0, 0, 0, 0] for c in codes}  # support, tp, fp, fn
    for has, said in zip(gold, proposed, strict=True):
        for c in has:
            table[c][0] += 1
            table[c][1 if c in said else 3] += 1
        for c in said - has:
            table[c][2] += 1
    return tuple(Scores(c, *table[c]) for c in codes)


def micro(scores: Sequence[Scores], name: str = "all") -> Scores:
    """Counts pooled over codes."""
    return Scores(
        name,
        sum(s.support for s in scores),
        sum(s.true_positives for s in scores),
        sum(s.false_positives for s in scores),
        sum(s.false_negatives for s in scores),
    )


def to_roots(labels: Sequence[set[str]], root_of: Mapping[str, str]) -> list[set[str]]:
    """Each passage's codes replaced by their root codes."""
    return [{root_of.get(c, c) for c in codes} for codes in labels]


def folds_of(sources: Sequence[int], k: int) -> list[set[int]]:
    """Sources dealt round-robin into ``k`` folds (in id order: the same folds every run)."""
    k = max(2, min(k, len(sources)))
    folds: list[set[int]] = [set() for _ in range(k)]
    for i, source in enumerate(sorted(sources)):
        folds[i % k].add(source)
    return folds
