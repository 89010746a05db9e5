"""How good are the suggestions? Compared with one coder's codings, passage by passage.

Four methods on the same passages (every sentence of the sources the coder has coded,
interviewer turns left out): the **baseline** (signals found as plain substrings, what
literal autocoding does), the **signals** (lemmas, compounds, negation), the **model**
and the two **combined**. The model is cross-validated: sources are dealt into ``folds``
and each fold is predicted by a model that learnt from the other folds only (and from
the codebook's examples), so no passage is scored by a model that saw its coding. No
threshold or weight is chosen on the passages scored here: they are fixed in
``casebook.coding.suggesting``.
"""

from __future__ import annotations

from collections.abc import Sequence

from casebook.coding import evaluation
from casebook.coding.suggesting import (
    THRESHOLD,
    Passage,
    Suggester,
    combined,
    most_specific,
    passages,
    training_labels,
)
from casebook.errors import NotFound
from casebook.model.codes import Code
from casebook.model.suggestions import Evaluation, Scores
from casebook.services.project import Project
from casebook.services.suggestions import code_signals, example_passages
from casebook.storage import code_store, source_store, suggestion_store
from casebook.text.classifier import CodeModel, features

METHODS = ("baseline", "signals", "model", "combined")


def _roots(codes: Sequence[Code]) -> dict[str, str]:
    parent = {c.key: c.parent for c in codes}
    root: dict[str, str] = {}
    for key in parent:
        top = key
        while parent.get(top):
            top = parent[top] or top
        root[key] = top
    return root


def evaluate(project: Project, coder: str, folds: int = 5) -> Evaluation:
    """Precision, recall and F1 per code and root code of each method against ``coder``."""
    pdb = project.pdb
    codes = code_store.list_codes(pdb)
    known = {c.key for c in codes}
    spans = suggestion_store.coded_spans(pdb, coder=coder)
    if not spans:
        raise NotFound(f"{coder} has no codings to compare suggestions with")
    found: list[Passage] = []
    gold: list[set[str]] = []
    source_of: list[int] = []
    for source_id in sorted(spans):
        parts = passages(source_store.source_text(pdb, source_id), source_store.source_turns(pdb, source_id))
        found.extend(parts)
        gold.extend({c for c in ls if c in known} for ls in training_labels(parts, spans[source_id]))
        source_of.extend([source_id] * len(parts))
    suggester = Suggester(code_signals(codes))
    parent = {c.key: c.parent for c in codes}
    rules = evaluation.baseline_rules({c.key: c.signals for c in codes})
    said: dict[str, list[set[str]]] = {m: [] for m in METHODS}
    signal_scores = []
    for passage in found:
        scores = {k: v.score for k, v in suggester.signal_scores(passage).items()}
        signal_scores.append(scores)
        said["baseline"].append(evaluation.baseline(passage.span.text, rules))
        said["signals"].append(most_specific({k for k, s in scores.items() if s >= THRESHOLD}, parent))
    probabilities = _cross_validated(found, gold, source_of, codes, max(2, folds))
    for scores, learnt in zip(signal_scores, probabilities, strict=True):
        said["model"].append(most_specific({k for k, p in learnt.items() if p >= THRESHOLD}, parent))
        said["combined"].append(most_specific(_combined(scores, learnt), parent))
    roots = _roots(codes)
    gold_roots = evaluation.to_roots(gold, roots)
    by_method = {m: evaluation.score(gold, said[m]) for m in METHODS}
    by_root = {m: evaluation.score(gold_roots, evaluation.to_roots(said[m], roots)) for m in METHODS}
    return Evaluation(
        coder=coder,
        folds=len(evaluation.folds_of(sorted(spans), folds)),
        passages=len(found),
        sources=len(spans),
        codings=sum(len(v) for v in spans.values()),
        by_method=by_method,
        by_root=by_root,
        micro={m: evaluation.micro(by_method[m]) for m in METHODS},
        micro_root={m: evaluation.micro(by_root[m]) for m in METHODS},
    )


def _combined(signals: dict[str, float], learnt: dict[str, float]) -> set[str]:
    """The codes the suggester proposes from both: the rule of ``suggesting._combine``."""
    codes = set(signals) | set(learnt)
    return {c for c in codes if combined(signals.get(c, 0.0), learnt.get(c, 0.0))[0] >= THRESHOLD}


def _cross_validated(
    found: Sequence[Passage],
    gold: Sequence[set[str]],
    source_of: Sequence[int],
    codes: Sequence[Code],
    k: int,
) -> list[dict[str, float]]:
    """Each passage's code probabilities from a model that never saw its source."""
    feats = [features(p.span) for p in found]
    example_features, example_labels = example_passages(codes)
    learnt: list[dict[str, float]] = [{} for _ in found]
    for fold in evaluation.folds_of(sorted(set(source_of)), k):
        train = [i for i, s in enumerate(source_of) if s not in fold]
        test = [i for i, s in enumerate(source_of) if s in fold]
        model = CodeModel.train(
            [feats[i] for i in train] + example_features,
            [gold[i] for i in train] + example_labels,
        )
        if not model.codes or not test:
            continue
        probabilities = model.predict([feats[i] for i in test])
        for row, i in enumerate(test):
            learnt[i] = {c: float(probabilities[row, j]) for j, c in enumerate(model.codes)}
    return learnt


def scores_json(scores: Sequence[Scores]) -> list[dict[str, object]]:
    """Scores for ``--json``."""
    return [
        {
            "code": s.code,
            "support": s.support,
            "precision": round(s.precision, 3),
            "recall": round(s.recall, 3),
            "f1": round(s.f1, 3),
            "tp": s.true_positives,
            "fp": s.false_positives,
            "fn": s.false_negatives,
        }
        for s in scores
    ]
