"""Sentence-pair paraphrase benchmarks (PAN-10, MRPC) for the shipped pair model.

These score exactly what ships: ``retold/data/pairsim.json`` with its stored thresholds and
the package's encoders. Nothing is fitted here; thresholds came from the train splits when
the model was trained (``scripts/train_pairsim.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..pairsim import PairModel, feature_matrix
from .datasets import SentencePair, Split, load_mrpc, load_pan10
from .metrics import binary_scores


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class ParaphraseResult:
    dataset: str
    split: str
    precision: float
    recall: float
    f1: float
    accuracy: float
    n: int
    threshold: float

    def summary(self) -> str:
        return (
            f"{self.dataset} {self.split}: P {self.precision:.3f}  R {self.recall:.3f}  "
            f"F1 {self.f1:.3f}  accuracy {self.accuracy:.3f}  (n={self.n}, "
            f"threshold {self.threshold:.3f})"
        )


def pair_cosines(pairs: Sequence[SentencePair], encoder: Encoder) -> np.ndarray:
    """Cosine of each pair's embeddings; every distinct sentence is encoded once."""
    texts = sorted({p.s1 for p in pairs} | {p.s2 for p in pairs})
    row = {t: i for i, t in enumerate(texts)}
    emb = encoder.encode(texts)
    ia = np.fromiter((row[p.s1] for p in pairs), dtype=np.int64, count=len(pairs))
    ib = np.fromiter((row[p.s2] for p in pairs), dtype=np.int64, count=len(pairs))
    return np.einsum("ij,ij->i", emb[ia], emb[ib])


def score_pairs(
    pairs: Sequence[SentencePair],
    model: PairModel,
    transformer: Encoder,
    static: Encoder,
) -> np.ndarray:
    """Rewrite probability of each pair under ``model``."""
    x = feature_matrix(
        [p.s1 for p in pairs],
        [p.s2 for p in pairs],
        pair_cosines(pairs, transformer),
        pair_cosines(pairs, static),
    )
    return model.predict_proba(x)


def evaluate_pairs(
    dataset: str,
    split: str,
    pairs: Sequence[SentencePair],
    *,
    model: PairModel | None = None,
    transformer: Encoder | None = None,
    static: Encoder | None = None,
    threshold: float | None = None,
) -> ParaphraseResult:
    """Score ``pairs`` and compare with their labels.

    ``threshold`` defaults to the model's stored threshold for ``dataset`` (fitted on that
    dataset's train split), falling back to its shared one.
    """
    from ..embeddings import StaticEncoder, TransformerEncoder

    model = model if model is not None else PairModel.load()
    transformer = transformer if transformer is not None else TransformerEncoder()
    static = static if static is not None else StaticEncoder()
    if threshold is None:
        threshold = model.thresholds.get(dataset, model.threshold)
    p = score_pairs(pairs, model, transformer, static)
    s = binary_scores([q.label for q in pairs], (p >= threshold).tolist())
    return ParaphraseResult(dataset, split, s.precision, s.recall, s.f1, s.accuracy, s.n, threshold)


def evaluate_pan10(
    split: Split = "test",
    *,
    model_path: str | Path | None = None,
    transformer: Encoder | None = None,
    static: Encoder | None = None,
) -> ParaphraseResult:
    """PAN-10 MT-metrics paraphrase pairs; judged by accuracy (classes are balanced)."""
    return evaluate_pairs(
        "pan10",
        split,
        load_pan10(split),
        model=PairModel.load(model_path),
        transformer=transformer,
        static=static,
    )


def evaluate_mrpc(
    split: Split = "test",
    *,
    model_path: str | Path | None = None,
    transformer: Encoder | None = None,
    static: Encoder | None = None,
) -> ParaphraseResult:
    """Microsoft Research Paraphrase Corpus; judged by F1 of the paraphrase class."""
    return evaluate_pairs(
        "mrpc",
        split,
        load_mrpc(split),
        model=PairModel.load(model_path),
        transformer=transformer,
        static=static,
    )
