"""The document-level reuse model and the decision built on it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from retold.config import Config
from retold.docmodel import (
    FEATURE_NAMES,
    DocModel,
    default_synthetic_path,
    feature_rows,
    features,
    fit,
    group_weights,
    shipped_model,
)
from retold.evaluate.documents import CloughPair, score_clough
from retold.relate import COPY, PARTIAL, RELATED, REWRITE, SAME_STORY, decide


def _scores(**kw: float) -> dict[str, float]:
    base = {
        "n_a": 10.0, "n_b": 10.0, "aligned": 0.0, "strong": 0.0, "coverage_a": 0.0,
        "coverage_b": 0.0, "mean_similarity": 0.0, "wording": 0.0, "identity": 0.0,
        "longest_run": 0.0, "anchored": 0.0, "order": 0.0, "containment3": 0.0,
        "containment5": 0.0, "content1": 0.0, "content2": 0.0, "doc_cosine": 0.0,
        "name_overlap": 0.0,
    }
    base.update(kw)
    return base


COPIED = _scores(strong=10, coverage_a=1.0, coverage_b=1.0, wording=0.99, identity=1.0,
                 longest_run=10, anchored=1.0, order=1.0, containment3=0.98, containment5=0.97,
                 content1=1.0, content2=0.98, doc_cosine=1.0, name_overlap=1.0)
# An independent report of the same event: same names, close topic, a few sentences that
# restate shared facts, but in words of its own.
INDEPENDENT = _scores(strong=3, coverage_a=0.3, coverage_b=0.3, wording=0.2, identity=0.0,
                      longest_run=1, anchored=0.7, order=1.0, containment3=0.02,
                      content1=0.35, content2=0.04, doc_cosine=0.9, name_overlap=0.8)


def _constant(p: float) -> DocModel:
    n = len(FEATURE_NAMES)
    logit = float(np.log(p / (1 - p)))
    return DocModel(np.zeros(n), np.ones(n), np.zeros(n), logit)


def test_features_layout_and_ranges():
    x = features(COPIED)
    assert x.shape == (len(FEATURE_NAMES),)
    assert np.all((x >= 0) & (x <= 1))
    assert x[FEATURE_NAMES.index("sqrt_containment3")] == pytest.approx(0.98**0.5)
    assert features({}).tolist() == [0.0] * len(FEATURE_NAMES)
    assert feature_rows([]).shape == (0, len(FEATURE_NAMES))


def test_json_round_trip_and_guards(tmp_path):
    m = shipped_model()
    path = tmp_path / "m.json"
    m.save(path)
    again = DocModel.load(path)
    assert again.probability(COPIED) == pytest.approx(m.probability(COPIED), abs=1e-6)
    data = json.loads(path.read_text())
    with pytest.raises(ValueError):
        DocModel.from_json({**data, "format": "other"})
    with pytest.raises(ValueError):
        DocModel.from_json({**data, "feature_names": data["feature_names"][::-1]})


def test_shipped_model_separates_copy_from_independent_report():
    m = shipped_model()
    assert m.probability(COPIED) > 0.99
    assert m.probability(INDEPENDENT) < 0.2
    # More shared wording never lowers the probability of reuse.
    lo = m.probability(_scores(**{**INDEPENDENT, "content2": 0.05, "containment3": 0.02}))
    hi = m.probability(_scores(**{**INDEPENDENT, "content2": 0.4, "containment3": 0.3}))
    assert hi > lo


def test_fit_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    x = rng.random((200, len(FEATURE_NAMES)))
    y = x[:, 0] + x[:, 3] > 1.0
    m = fit(x, y, group_weights(["g"] * 200))
    assert ((m.predict_proba(x) >= 0.5) == y).mean() > 0.9
    with pytest.raises(ValueError):
        fit(x, np.zeros(200, bool))


def test_group_weights_balance_groups():
    w = group_weights(["a"] * 3 + ["b"])
    assert w[:3].sum() == pytest.approx(w[3])
    assert w.mean() == pytest.approx(1.0)


def test_decide_kind_follows_coverage_when_model_says_reuse():
    cfg = Config()
    yes, no = _constant(0.9), _constant(0.1)
    assert decide(COPIED, cfg, yes) == COPY
    reworded = {**COPIED, "identity": 0.2}
    assert decide(reworded, cfg, yes) == REWRITE
    part = {**COPIED, "coverage_a": 0.2, "strong": 3}
    assert decide(part, cfg, yes) == PARTIAL
    # Not reuse: story or topic from the document cosine and shared names.
    assert decide(COPIED, cfg, no) == SAME_STORY
    assert decide({**COPIED, "name_overlap": 0.0}, cfg, no) == RELATED
    # No strong sentence match at all is never reuse, whatever the model says.
    assert decide({**COPIED, "strong": 0.0}, cfg, yes) == SAME_STORY


def test_decide_threshold_is_the_configs():
    m = _constant(0.6)
    assert decide(COPIED, Config(), m) == COPY
    assert decide(COPIED, Config().with_(reuse_probability=0.7), m) == SAME_STORY


def test_clough_scoring_uses_the_model_of_the_answers_task():
    pairs = [
        CloughPair("x1", "a", "cut", "a", dict(COPIED)),
        CloughPair("x1", "a", "cut", "b", dict(INDEPENDENT)),
        CloughPair("x2", "b", "non", "a", dict(INDEPENDENT)),
        CloughPair("x2", "b", "non", "b", dict(COPIED)),
    ]
    asked = []

    def model_for(task: str) -> DocModel:
        asked.append(task)
        return shipped_model() if task == "a" else _constant(0.01)

    res = score_clough(pairs, Config(), model_for, "test")
    assert sorted(set(asked)) == ["a", "b"]
    assert res.n == 2 and res.n_reused == 1
    assert res.source_accuracy == 1.0
    assert res.precision == 1.0 and res.recall == 1.0


def test_synthetic_rows_are_numbers_only():
    data = json.loads(default_synthetic_path().read_text())
    assert tuple(data["feature_names"]) == FEATURE_NAMES
    assert len(data["x"]) == len(data["y"]) > 1000
    assert set(data["y"]) == {0, 1}
    assert all(isinstance(v, (int, float)) for v in data["x"][0])


def test_reworded_throughout_and_half_covered_is_no_reuse() -> None:
    """Two reports of one event share half their facts in their own words; a paraphrase
    rewrites (most of) a whole article. Kept wording or most of one side covered is reuse."""
    cfg = Config()
    yes = _constant(0.9)
    half = {**COPIED, "wording": 0.45, "coverage_a": 0.55, "coverage_b": 0.6, "identity": 0.0}
    assert decide(half, cfg, yes) == SAME_STORY
    assert decide({**half, "coverage_a": 0.8, "coverage_b": 0.75}, cfg, yes) == REWRITE
    assert decide({**half, "wording": 0.7}, cfg, yes) == REWRITE
    # A partial copy of a few paragraphs keeps its words.
    assert decide({**half, "wording": 0.7, "coverage_a": 0.3}, cfg, yes) == PARTIAL
