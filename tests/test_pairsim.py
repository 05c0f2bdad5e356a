from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from retold.pairsim import (
    FEATURE_NAMES,
    PairModel,
    edit_distance,
    feature_matrix,
    lcs_length,
    pair_features,
    prepare,
    stem,
)
from retold.text import ngrams


def feats(a: str, b: str, cos_t: float = 0.5, cos_s: float = 0.4) -> dict[str, float]:
    row = pair_features(prepare(a), prepare(b), cos_t, cos_s)
    return dict(zip(FEATURE_NAMES, row, strict=True))


def masks(tokens: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, t in enumerate(tokens):
        out[t] = out.get(t, 0) | (1 << i)
    return out


def lcs_table(a: list[str], b: list[str]) -> int:
    t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            t[i + 1][j + 1] = t[i][j] + 1 if x == y else max(t[i][j + 1], t[i + 1][j])
    return t[-1][-1]


def levenshtein_table(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a):
        cur = [i + 1]
        for j, y in enumerate(b):
            cur.append(min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (x != y)))
        prev = cur
    return prev[-1]


SENTENCES = [
    "The company said profits rose 12% to $3.4 billion in the third quarter.",
    "Profits at the company rose 12 percent to $3.4 billion in the third quarter, it said.",
    "Police in Leeds arrested two men on Tuesday after the raid.",
    "Two men were arrested by police in Leeds on Tuesday following the raid.",
    "Two men were arrested by police in York on Tuesday following the raid.",
    "the the the the cat sat on the the mat",
    "A",
    "",
    "Ms. Smith, 45, told Reuters the U.S. deal was worth 1,200 jobs.",
]


@pytest.mark.parametrize("n_a", [0, 1, 2, 7, 63, 64, 65, 130])
def test_bit_parallel_alignment_matches_dynamic_programming(n_a: int) -> None:
    rng = random.Random(n_a)
    for _ in range(60):
        a = [rng.choice("abcde") for _ in range(n_a)]
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 80))]
        assert lcs_length(masks(a), len(a), b) == lcs_table(a, b)
        assert edit_distance(masks(a), len(a), b) == levenshtein_table(a, b)


def test_ngram_sets_count_clipped_matches_like_counters() -> None:
    rng = random.Random(7)
    vocab = ["a", "b", "c", "d"]
    for _ in range(300):
        a = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12)))
        b = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12)))
        pa, pb = prepare(a), prepare(b)
        for n in range(1, 5):
            ca, cb = Counter(ngrams(a.split(), n)), Counter(ngrams(b.split(), n))
            clipped = sum(min(c, cb[g]) for g, c in ca.items())
            assert len(pa.word_grams[n - 1] & pb.word_grams[n - 1]) == clipped
            assert len(pa.word_grams[n - 1]) == sum(ca.values())


def test_identical_sentences_get_maximal_overlap() -> None:
    s = SENTENCES[0]
    f = feats(s, s)
    for name in FEATURE_NAMES:
        if name.startswith(("word", "stem", "char", "lcs", "content_j", "content_m")):
            assert f[name] == pytest.approx(1.0), name
    assert f["bleu_min"] == pytest.approx(1.0)
    assert f["edit_word"] == 0.0
    assert f["edit_stem"] == 0.0
    assert f["numbers_unmatched"] == 0.0
    assert f["names_unmatched"] == 0.0
    assert f["len_log_ratio"] == 0.0
    assert f["content_unmatched_max"] == 0.0


def test_changed_number_is_flagged() -> None:
    same = feats("Sales rose 12% to $3.4 billion.", "Sales rose 12% to $3.4 billion last year.")
    changed = feats("Sales rose 12% to $3.4 billion.", "Sales rose 15% to $3.4 billion.")
    assert same["numbers_unmatched"] == 0.0
    assert same["numbers_jaccard"] == 1.0
    assert changed["numbers_unmatched"] > 0.0
    assert changed["numbers_jaccard"] < 1.0
    assert changed["numbers_any"] == 1.0


def test_changed_name_is_flagged_but_sentence_start_is_not_a_name() -> None:
    leeds, york = SENTENCES[3], SENTENCES[4]
    assert feats(leeds, york)["names_unmatched"] > 0.0
    # "Police" starts one sentence and is lower-case... nowhere; it must not count as a
    # name, and "Leeds" found anywhere in the other sentence counts as matched.
    assert feats(SENTENCES[2], leeds)["names_unmatched"] == 0.0


def test_features_are_symmetric() -> None:
    for a in SENTENCES:
        for b in SENTENCES:
            fa = pair_features(prepare(a), prepare(b), 0.3, 0.2)
            fb = pair_features(prepare(b), prepare(a), 0.3, 0.2)
            np.testing.assert_allclose(fa, fb, rtol=0, atol=1e-12, err_msg=f"{a!r} / {b!r}")
            assert np.all(np.isfinite(fa))


def test_feature_matrix_matches_pairwise_loop() -> None:
    rng = random.Random(3)
    pairs = [(rng.choice(SENTENCES), rng.choice(SENTENCES)) for _ in range(41)]
    cos_t = np.array([rng.random() for _ in pairs])
    cos_s = np.array([rng.random() for _ in pairs])
    got = feature_matrix([a for a, _ in pairs], [b for _, b in pairs], cos_t, cos_s)
    want = np.stack(
        [
            pair_features(prepare(a), prepare(b), t, s)
            for (a, b), t, s in zip(pairs, cos_t, cos_s, strict=True)
        ]
    )
    assert got.shape == (41, len(FEATURE_NAMES))
    np.testing.assert_array_equal(got, want)
    assert feature_matrix([], [], [], []).shape == (0, len(FEATURE_NAMES))
    with pytest.raises(ValueError):
        feature_matrix(["a"], ["b", "c"], [0.1], [0.1])


def test_stem_groups_inflections() -> None:
    assert stem("rising") == stem("rises") == stem("rise")
    assert stem("arrested") == stem("arrests") == stem("arrest")
    assert stem("class") == "class"
    assert stem("1,200") == "1,200"


def random_model(width: int, hidden: int | None, seed: int = 0) -> PairModel:
    rng = np.random.default_rng(seed)
    sizes = [width, 1] if hidden is None else [width, hidden, 1]
    layers = tuple(
        (rng.normal(size=(i, o)), rng.normal(size=o)) for i, o in itertools.pairwise(sizes)
    )
    return PairModel(
        FEATURE_NAMES, rng.normal(size=width), rng.uniform(0.5, 2, size=width), layers, 0.4
    )


@pytest.mark.parametrize("hidden", [None, 5])
def test_pair_model_matches_reference_and_round_trips(tmp_path: Path, hidden: int | None) -> None:
    model = random_model(len(FEATURE_NAMES), hidden)
    x = np.random.default_rng(1).normal(size=(13, len(FEATURE_NAMES))) * 3
    h = (x - model.mean) / model.scale
    for i, (w, b) in enumerate(model.layers):
        h = h @ w + b
        if i < len(model.layers) - 1:
            h = np.where(h > 0, h, 0.0)
    want = 1 / (1 + np.exp(-h[:, 0]))
    np.testing.assert_allclose(model.predict_proba(x), want, rtol=1e-12)
    path = tmp_path / "m.json"
    model.save(path)
    again = PairModel.load(path)
    np.testing.assert_allclose(again.predict_proba(x), want, rtol=1e-12)
    assert again.threshold == 0.4
    np.testing.assert_array_equal(again.predict(x), want >= 0.4)


def test_pair_model_rejects_other_feature_layouts(tmp_path: Path) -> None:
    data = random_model(len(FEATURE_NAMES), None).to_json()
    data["feature_names"] = data["feature_names"][::-1]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="different features"):
        PairModel.load(path)


def test_shipped_model_loads_and_ranks_a_rewrite_above_an_unrelated_pair() -> None:
    model = PairModel.load()
    assert 0.0 < model.threshold < 1.0
    x = feature_matrix(
        [SENTENCES[2], SENTENCES[2]], [SENTENCES[3], SENTENCES[0]], [0.9, 0.1], [0.9, 0.1]
    )
    p = model.predict_proba(x)
    assert p[0] > model.threshold > p[1]
