"""A small linear model that learns which codes passages get, from the team's own codings.

Features are the keys of a passage's content words, their compound heads and pairs of
neighbouring keys (``casebook.text.lexicon``); one logistic regression per code (one
versus the rest), trained by full-batch gradient descent with Adam over a sparse
feature matrix in NumPy (which spaCy already brings). Positive passages are rare, so
each code's positives weigh as much as its negatives up to ``MAX_POSITIVE_WEIGHT``.
Training is deterministic: the same codings give the same model, byte for byte.

Everything stays in memory and in the project file: nothing is downloaded or sent.
"""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Span

MIN_FEATURE_COUNT = 2
"""A feature must occur in this many training passages to be kept."""
MIN_POSITIVES = 2
"""A code needs this many positive passages before the model proposes it."""
MAX_POSITIVE_WEIGHT = 10.0
L2 = 1e-3
EPOCHS = 120
LEARNING_RATE = 0.1


def features(span: Span) -> list[str]:
    """The features of one passage: content-word keys, heads and key pairs (distinct)."""
    keys = [t.lemma_ for t in span if t.is_alpha and not t.is_stop and len(t) > 1]
    found = set(keys)
    found.update("h:" + t.norm_ for t in span if t.is_alpha and not t.is_stop and t.norm_ != t.lemma_)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(keys))
    return sorted(found)


@dataclass
class _Matrix:
    """A sparse 0/1 matrix in compressed rows and compressed columns."""

    rows: int
    cols: int
    row_ptr: Any
    row_idx: Any  # column of each entry, by row
    col_order: Any  # entries sorted by column
    col_ptr: Any
    col_rows: Any  # row of each entry, by column

    @classmethod
    def build(cls, rows: Sequence[Sequence[int]], cols: int) -> _Matrix:
        import numpy as np

        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        row_ptr = np.concatenate([[0], np.cumsum(lengths)])
        row_idx = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(row_ptr[-1]))
        entry_rows = np.repeat(np.arange(len(rows)), lengths)
        order = np.argsort(row_idx, kind="stable")
        col_ptr = np.concatenate([[0], np.cumsum(np.bincount(row_idx, minlength=cols))])
        return cls(len(rows), cols, row_ptr, row_idx, order, col_ptr, entry_rows[order])

    def dot(self, weights: Any) -> Any:
        """``X @ W`` for dense ``W`` (cols × k)."""
        return _segment_sum(weights[self.row_idx], self.row_ptr, self.rows)

    def tdot(self, values: Any) -> Any:
        """``X.T @ V`` for dense ``V`` (rows × k)."""
        return _segment_sum(values[self.col_rows], self.col_ptr, self.cols)


def _segment_sum(values: Any, ptr: Any, n: int) -> Any:
    """Sums of consecutive runs of ``values`` bounded by ``ptr`` (empty runs give 0)."""
    import numpy as np

    out = np.zeros((n, values.shape[1]), dtype=values.dtype)
    filled = ptr[1:] > ptr[:-1]
    if values.shape[0]:
        out[filled] = np.add.reduceat(values, ptr[:-1][filled], axis=0)
    return out


class CodeModel:
    """One-versus-rest logistic regression over passage features."""

    def __init__(self, vocabulary: dict[str, int], codes: list[str], weights: Any, bias: Any) -> None:
        self.vocabulary = vocabulary
        self.codes = codes
        self.weights = weights
        self.bias = bias

    @classmethod
    def train(cls, passages: Sequence[Sequence[str]], labels: Sequence[Iterable[str]]) -> CodeModel:
        """Learn from passages' features and the codes each passage has (maybe none)."""
        import numpy as np

        counts = Counter(f for p in passages for f in set(p))
        vocabulary = {
            f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT))
        }
        code_counts = Counter(c for ls in labels for c in set(ls))
        codes = sorted(c for c, n in code_counts.items() if n >= MIN_POSITIVES)
        if not codes or not vocabulary:
            return cls(vocabulary, [], np.zeros((len(vocabulary), 0)), np.zeros(0))
        column = {c: i for i, c in enumerate(codes)}
        x = _Matrix.build([[vocabulary[f] for f in p if f in vocabulary] for p in passages], len(vocabulary))
        y = np.zeros((len(passages), len(codes)), dtype=np.float32)
        for row, ls in enumerate(labels):
            for c in ls:
                if c in column:
                    y[row, column[c]] = 1.0
        positives = y.sum(axis=0)
        pos_weight = np.minimum(MAX_POSITIVE_WEIGHT, (len(passages) - positives) / np.maximum(positives, 1))
        sample_weight = (1.0 + y * (pos_weight - 1.0)).astype(np.float32)
        weights, bias = _fit(x, y, sample_weight)
        return cls(vocabulary, codes, weights, bias)

    def predict(self, passages: Sequence[Sequence[str]]) -> Any:
        """Probabilities, one row per passage and one column per code of ``self.codes``."""
        import numpy as np

        if not self.codes or not passages:
            return np.zeros((len(passages), len(self.codes)))
        vocabulary = self.vocabulary
        x = _Matrix.build([[vocabulary[f] for f in p if f in vocabulary] for p in passages], len(vocabulary))
        return _sigmoid(x.dot(self.weights) + self.bias)

    def to_bytes(self) -> bytes:
        """The model as bytes, for keeping it in the project."""
        import numpy as np

        buffer = io.BytesIO()
        header = json.dumps(
            {"codes": self.codes, "vocabulary": sorted(self.vocabulary, key=lambda f: self.vocabulary[f])}
        )
        np.savez_compressed(
            buffer, header=np.frombuffer(header.encode(), dtype=np.uint8), w=self.weights, b=self.bias
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CodeModel:
        """A model stored by ``to_bytes`` (arrays only: nothing is unpickled)."""
        import numpy as np

        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            header = json.loads(arrays["header"].tobytes().decode())
            weights, bias = arrays["w"], arrays["b"]
        vocabulary = {f: i for i, f in enumerate(header["vocabulary"])}
        return cls(vocabulary, list(header["codes"]), weights, bias)


def _sigmoid(z: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _fit(x: _Matrix, y: Any, sample_weight: Any) -> tuple[Any, Any]:
    """Weighted logistic regression per column of ``y`` by full-batch Adam."""
    import numpy as np

    weights = np.zeros((x.cols, y.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    total = sample_weight.sum(axis=0)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, EPOCHS + 1):
        error = (_sigmoid(x.dot(weights) + bias) - y) * sample_weight / total
        grad_w = x.tdot(error) + L2 * weights
        grad_b = error.sum(axis=0)
        for i, (param, grad) in enumerate(((weights, grad_w), (bias, grad_b))):
            m, v = moments[2 * i], moments[2 * i + 1]
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= LEARNING_RATE * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
    return weights, bias
