"""Regression gate: the shipped pair model on the PAN-10 and MRPC test splits.

Floors sit just below the numbers measured when pairsim.json was trained (PAN accuracy
0.937, MRPC F1 0.838); retrain and re-pin together. Encodes ~9,500 sentences with the
transformer, so it takes from about half a minute to a few minutes depending on the cores.
"""

from __future__ import annotations

import pytest

from retold.evaluate.datasets import shared_dir

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(shared_dir() is None, reason="shared datasets not found (../shared)"),
]

PAN_ACCURACY_FLOOR = 0.93
MRPC_F1_FLOOR = 0.83


def test_pan10_accuracy() -> None:
    from retold.evaluate.paraphrase import evaluate_pan10

    result = evaluate_pan10("test")
    assert result.n == 3000
    assert result.accuracy >= PAN_ACCURACY_FLOOR, result.summary()


def test_mrpc_f1() -> None:
    from retold.evaluate.paraphrase import evaluate_mrpc

    result = evaluate_mrpc("test")
    assert result.n == 1725
    assert result.f1 >= MRPC_F1_FLOOR, result.summary()
