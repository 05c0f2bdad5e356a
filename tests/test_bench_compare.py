"""Tests for the baselines in bench/compare_bench.py (numpy paraphrase mining, MinHash LSH)."""

from __future__ import annotations

import json
import subprocess
from itertools import combinations

import numpy as np
import pytest

from bench.compare_bench import (
    best_threshold,
    datasketch_pairs,
    paraphrase_mining_embeddings,
    read_pairs,
    run_worker,
)


def _emb(n: int = 12, dim: int = 8, seed: int = 0) -> np.ndarray:
    # Deliberately not unit length: the function must normalise, as cos_sim does.
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32) * 3


def _cos(e: np.ndarray) -> np.ndarray:
    u = e / np.linalg.norm(e, axis=1, keepdims=True)
    return u @ u.T


def test_mining_matches_brute_force_all_pairs_across_chunks() -> None:
    e = _emb()
    c = _cos(e)
    got = paraphrase_mining_embeddings(e, query_chunk_size=5, corpus_chunk_size=4, top_k=50)
    want = sorted(((float(c[i, j]), i, j) for i, j in combinations(range(len(e)), 2)),
                  reverse=True)
    assert [(i, j) for _, i, j in got] == [(i, j) for _, i, j in want]
    np.testing.assert_allclose([s for s, _, _ in got], [s for s, _, _ in want], atol=1e-6)


def test_mining_keeps_each_rows_top_k() -> None:
    e = _emb()
    c = _cos(e)
    np.fill_diagonal(c, -np.inf)
    got = paraphrase_mining_embeddings(e, top_k=2)
    want = {tuple(sorted((i, int(j)))) for i in range(len(e)) for j in np.argsort(-c[i])[:2]}
    assert {(i, j) for _, i, j in got} == want
    scores = [s for s, _, _ in got]
    assert scores == sorted(scores, reverse=True)


def test_mining_max_pairs_keeps_the_best() -> None:
    e = _emb()
    c = _cos(e)
    best = sorted(((float(c[i, j]), i, j) for i, j in combinations(range(len(e)), 2)),
                  reverse=True)
    # max_pairs - 1 = 4 directed entries survive: both directions of the 2 best pairs.
    got = paraphrase_mining_embeddings(e, max_pairs=5)
    assert [(i, j) for _, i, j in got] == [(i, j) for _, i, j in best[:2]]


def test_datasketch_finds_an_exact_copy() -> None:
    story = ("The county fire department said crews contained the blaze near the river on"
             " Monday after strong winds pushed flames toward several farms and homes.")
    other = ("Shares of the regional bank rose sharply after quarterly earnings beat analyst"
             " forecasts, the company said in a statement released on Tuesday morning.")
    docs = [("a", story), ("b", other), ("c", story.upper())]
    assert datasketch_pairs(docs) == {("a", "c")}


def test_best_threshold_picks_the_f1_optimum() -> None:
    gold = {("a", "b"), ("c", "d")}
    kinds = {("a", "b"): "copy", ("c", "d"): "spin"}
    scored = [(0.95, "a", "b"), (0.9, "a", "x"), (0.8, "c", "d"), (0.5, "e", "f")]
    t, s = best_threshold(scored, gold, kinds)
    assert t == 0.8
    assert (s["precision"], s["recall"]) == (2 / 3, 1.0)


def test_minilm_pairs_of_an_earlier_run_are_scored_not_mined_again(tmp_path, capsys) -> None:
    """``--minilm-pairs`` scores a worker's mined pairs against the corpus's gold with the
    given cut-off, and the report says where the pairs and the timings came from."""
    from bench.compare_bench import main
    from bench.run_bench import gold_pairs

    work = tmp_path / "work"
    work.mkdir()
    assert main(["--docs", "60", "--seed", "5", "--work", str(work), "--systems",
                 "datasketch", "--no-write"]) == 0  # generates the corpus
    capsys.readouterr()
    (corpus,) = work.glob("synth-60-s5")
    gold, _ = gold_pairs(corpus)
    right = sorted(gold)[:4]
    mined = tmp_path / "mined.tsv"
    mined.write_text("".join(f"0.95\t{a}\t{b}\n" for a, b in right)
                     + "0.99\tn0000000\tn0000001\n0.10\tx\ty\n", encoding="utf-8")
    assert main(["--docs", "60", "--seed", "5", "--work", str(work), "--systems", "minilm",
                 "--minilm-pairs", str(mined), "--minilm-wall", "12.5", "--minilm-rss", "300",
                 "--minilm-threshold", "0.5", "--no-write"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| MiniLM"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    correct = 4 + (("n0000000", "n0000001") in gold)
    assert cells[1:5] == ["12.5", "4.8", "300", "5"]
    assert float(cells[5]) == round(correct / 5, 3)
    assert f"pairs mined by an earlier run of the same corpus (`{mined}`)" in out
    assert not (work / "compare-minilm-60-s5.tsv").exists()


def test_a_worker_replaces_its_pairs_only_when_it_finishes(tmp_path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = ("The county fire department said crews contained the blaze near the river on"
            " Monday after strong winds pushed flames toward several farms and homes.")
    (corpus / "corpus.jsonl").write_text("".join(
        json.dumps({"id": i, "title": "t", "text": text}) + "\n" for i in ("a", "b")),
        encoding="utf-8")
    out = tmp_path / "pairs.tsv"
    out.write_text("0.5\tx\ty\n", encoding="utf-8")  # an earlier run's pairs
    with pytest.raises(subprocess.CalledProcessError):
        run_worker("datasketch", tmp_path / "missing", out)
    assert read_pairs(out) == [(0.5, "x", "y")]
    run_worker("datasketch", corpus, out)
    assert [(a, b) for _, a, b in read_pairs(out)] == [("a", "b")]
