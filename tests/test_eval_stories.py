"""Story clustering quality on ECB+ (event level) and WikiRef220 (topic level).

Floors sit just below the measured numbers (see the commit message / report), so a change
that costs more than about a point of BCubed F1 fails here.
"""

from __future__ import annotations

import pytest

from retold.evaluate.ecbplus import ecbplus_dir, evaluate_ecbplus
from retold.evaluate.wikiref import evaluate_wikiref, wikiref_dir

pytestmark = pytest.mark.shared


@pytest.mark.skipif(ecbplus_dir() is None, reason="ECB+ not found (set RETOLD_SHARED)")
@pytest.mark.parametrize(("method", "floor"), [("agglomerative", 0.92), ("incremental", 0.91)])
def test_ecbplus_test_topics(method: str, floor: float) -> None:
    scores = evaluate_ecbplus("test", method=method, verbose=False)
    assert scores is not None
    assert scores[2] >= floor, scores


@pytest.mark.skipif(wikiref_dir() is None, reason="WikiRef220 not found (set RETOLD_SHARED)")
def test_wikiref() -> None:
    # Event-level stories split WikiRef's year-spanning topics (Michelle Obama, Premier
    # League), so recall is low by design; precision is what must hold. F1 0.392 until
    # 2026-12-03, 0.354 (P 1.000) since undated reports that give different figures are
    # other events (StoryParams.min_figures): more of a topic's events kept apart.
    scores = evaluate_wikiref(verbose=False)
    assert scores is not None
    precision, _, f1 = scores
    assert precision >= 0.98, scores
    assert f1 >= 0.34, scores
