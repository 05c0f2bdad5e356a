from __future__ import annotations

import difflib
import itertools
import random
import re

import numpy as np
import pytest

from retold.align import (
    Match,
    SentenceAlignment,
    SentenceTerms,
    adjacent_similarity,
    align_sentences,
    best_chain,
    gap_matches,
    lexical_matrix,
    match_level,
    moved_matches,
    similarity_matrix,
    word_diff,
    word_ratio,
)
from retold.relate import _per_sentence


def brute_chain(cells):
    best = 0.0
    for r in range(1, len(cells) + 1):
        for combo in itertools.combinations(range(len(cells)), r):
            seq = sorted(combo, key=lambda c: (cells[c][0], cells[c][2]))
            ok = all(
                cells[q][0] >= cells[p][1] and cells[q][2] >= cells[p][3]
                for p, q in itertools.pairwise(seq)
            )
            if ok:
                best = max(best, sum(cells[c][4] for c in seq))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_best_chain_matches_brute_force(seed):
    rng = random.Random(seed)
    m, n = rng.randint(1, 6), rng.randint(1, 6)
    cells = []
    for _ in range(rng.randint(0, 8)):
        i, j = rng.randrange(m), rng.randrange(n)
        di, dj = rng.choice([(1, 1), (1, 2), (2, 1)])
        cells.append((i, i + di, j, j + dj, round(rng.uniform(0.01, 1.0), 3)))
    chain = best_chain(cells, n + 2)
    got = sum(cells[c][4] for c in chain)
    assert got == pytest.approx(brute_chain(cells))
    for p, q in itertools.pairwise(chain):
        assert cells[q][0] >= cells[p][1] and cells[q][2] >= cells[p][3]


def test_alignment_is_monotone_and_skips_boilerplate():
    sim = np.array([
        [0.9, 0.1, 0.1, 0.95],
        [0.1, 0.85, 0.1, 0.1],
        [0.1, 0.1, 0.8, 0.1],
    ])
    al = align_sentences(sim, sim, threshold=0.5, strong=0.6, merges=False)
    assert [(m.a0, m.b0) for m in al.matches] == [(0, 0), (1, 1), (2, 2)]
    assert al.unmatched_b == [3]
    skip_b = np.array([True, False, False, False])
    al = align_sentences(sim, sim, threshold=0.5, strong=0.6, skip_b=skip_b, merges=False)
    assert (0, 0) not in [(m.a0, m.b0) for m in al.matches]


def test_merge_aligns_one_sentence_to_two():
    sim = np.array([[0.7, 0.7], [0.1, 0.1]])
    al = align_sentences(sim, sim, threshold=0.5, strong=0.6)
    assert (al.matches[0].b0, al.matches[0].b1) == (0, 2)


def test_exact_merge_norm_keeps_a_neighbour_out_of_its_match():
    # a1 shares a topic with a0 (0.55 to a0's match b0) but has its own match, b1.
    sim = np.array([
        [0.80, 0.30, 0.10],
        [0.55, 0.62, 0.30],
        [0.10, 0.30, 0.80],
    ])
    orthogonal = align_sentences(sim, sim, threshold=0.5, strong=0.6)
    first = orthogonal.matches[0]
    assert (first.a0, first.a1, first.b0, first.b1) == (0, 2, 0, 1)
    exact = align_sentences(sim, sim, threshold=0.5, strong=0.6,
                            adjacent_a=np.array([0.5, 0.4]), adjacent_b=np.array([0.4, 0.4]))
    assert [(m.a0, m.a1, m.b0, m.b1) for m in exact.matches] == [
        (0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3)]


def test_exact_merge_norm_still_merges_a_true_split():
    sim = np.array([[0.7, 0.7], [0.1, 0.1]])
    al = align_sentences(sim, sim, threshold=0.5, strong=0.6, adjacent_b=np.array([0.3]))
    assert (al.matches[0].b0, al.matches[0].b1) == (0, 2)


@pytest.mark.parametrize("seed", range(5))
def test_adjacent_similarity_is_the_diagonal_of_the_similarity_matrix(seed):
    rng = np.random.default_rng(seed)
    n = 7
    vec = rng.normal(size=(n, 16)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    words = [sorted(set(rng.integers(0, 12, size=rng.integers(0, 6)).tolist()))
             for _ in range(n)]
    offsets = np.cumsum([0] + [len(w) for w in words]).astype(np.int64)
    terms = SentenceTerms(np.array([t for w in words for t in w], dtype=np.int64), offsets)
    full = similarity_matrix(vec, vec, lexical_matrix(terms, terms))
    np.testing.assert_allclose(adjacent_similarity(vec, terms), np.diagonal(full, 1),
                               atol=1e-5)


def test_word_diff_offsets_and_levels():
    a = "The minister resigned on Monday."
    b = "The minister quit on Monday."
    ops = word_diff(a, b)
    changed = [o for o in ops if o.op != "equal"]
    assert [a[slice(*o.a_span)] for o in changed] == ["resigned"]
    assert [b[slice(*o.b_span)] for o in changed] == ["quit"]
    assert match_level(a, a) == "identical"
    assert match_level(a, b) == "minor"
    assert match_level(a, "Officials said nothing about it at all.") == "paraphrase"
    assert word_ratio("", "") == 1.0


def _terms(sets: list[frozenset[str]]) -> SentenceTerms:
    words = [w for s in sets for w in sorted(s)]
    h = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    return _per_sentence(h, [len(s) for s in sets])


@pytest.mark.parametrize("seed", range(20))
def test_lexical_matrix_is_the_cosine_of_word_sets(seed):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(rng.randint(1, 15))]

    def sentences() -> list[frozenset[str]]:
        return [frozenset(rng.sample(vocab, rng.randint(0, len(vocab))))
                for _ in range(rng.randint(1, 5))]

    a, b = sentences(), sentences()
    got = lexical_matrix(_terms(a), _terms(b))
    want = np.array([[len(x & y) / np.sqrt(len(x) * len(y)) if x and y else 0.0 for y in b]
                     for x in a])
    assert got.shape == (len(a), len(b))
    assert np.allclose(got, want, atol=1e-6)


def test_per_sentence_terms_drop_repeats_within_a_sentence_only():
    terms = _terms([frozenset({"a", "b"}), frozenset(), frozenset({"a"})])
    assert terms.offsets.tolist() == [0, 2, 2, 3]
    h = np.array([hash("a"), hash("a"), hash("b")], dtype=np.int64).view(np.uint64)
    assert _per_sentence(h, [2, 1]).offsets.tolist() == [0, 1, 2]


@pytest.mark.parametrize("seed", range(10))
def test_word_ratio_is_difflibs_ratio(seed):
    rng = random.Random(seed)
    vocab = ["the", "minister", "said", "on", "Tuesday", ",", "new", "rules", "2%", "."]
    a = " ".join(rng.choices(vocab, k=rng.randint(1, 25)))
    b = " ".join(rng.choices(vocab, k=rng.randint(1, 25)))
    tok = re.compile(r"\w+|[^\w\s]")
    ta = [t.lower() for t in tok.findall(a)]
    tb = [t.lower() for t in tok.findall(b)]
    want = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).ratio()
    assert word_ratio(a, b) == pytest.approx(want, abs=1e-12)


def _chain(matches: list[tuple[int, int]], m: int, n: int) -> SentenceAlignment:
    ms = [Match(i, i + 1, j, j + 1, 0.9, 0.9) for i, j in matches]
    return SentenceAlignment(ms, [i for i in range(m) if i not in {a for a, _ in matches}],
                             [j for j in range(n) if j not in {b for _, b in matches}], m, n,
                             len(ms))


def test_gap_matches_pair_a_reworded_gap_in_order() -> None:
    sim = np.full((5, 5), 0.05)
    np.fill_diagonal(sim, 0.9)
    sim[1, 1], sim[2, 2] = 0.45, 0.46  # under the match threshold, above its 0.6 share
    al = _chain([(0, 0), (3, 3), (4, 4)], 5, 5)
    no = np.zeros(5, bool)
    got = gap_matches(sim, sim, al, 0.5, no, no)
    assert [(g.a0, g.b0) for g in got] == [(1, 1), (2, 2)]
    # One side holds a line more: which sentence replaced which is unknown.
    assert gap_matches(sim, sim, _chain([(0, 0), (3, 4)], 5, 5), 0.5, no, no) == []
    # A skipped line (a heading, boilerplate) does not count towards the gap.
    skip = no.copy()
    skip[2] = True
    sim2 = np.full((5, 6), 0.05)
    sim2[1, 1] = 0.45
    got = gap_matches(sim2, sim2, _chain([(0, 0), (3, 2)], 5, 6), 0.5, skip, np.zeros(6, bool))
    assert [(g.a0, g.b0) for g in got] == [(1, 1)]
    # Too weak, or closer crossed than in order: left unmatched.
    sim[1, 1] = 0.2
    assert gap_matches(sim, sim, al, 0.5, no, no) == []
    sim[1, 1], sim[1, 2], sim[2, 1] = 0.45, 0.6, 0.6
    assert gap_matches(sim, sim, al, 0.5, no, no) == []
    # Before the first match and after the last are intros and footers, not gaps.
    assert gap_matches(sim, sim, _chain([(2, 2)], 5, 5), 0.5, no, no) == []


def test_moved_matches_pair_strong_matches_out_of_order() -> None:
    sim = np.full((4, 4), 0.1)
    sim[0, 1], sim[1, 2], sim[2, 3] = 0.9, 0.9, 0.9  # a chain shifted by one
    sim[3, 0] = 0.8  # the last sentence of a moved to the top of b
    sim[3, 3] = 0.2
    al = align_sentences(sim, sim, 0.5, 0.66)
    assert [(m.a0, m.b0) for m in al.matches] == [(0, 1), (1, 2), (2, 3)]
    moved = moved_matches(sim, sim, al, 0.66)
    assert [(m.a0, m.b0) for m in moved] == [(3, 0)]
    # Only strong matches: out of order no neighbour vouches for a weaker one.
    sim[3, 0] = 0.6
    assert moved_matches(sim, sim, al, 0.66) == []
    sim[3, 0] = 0.8
    assert moved_matches(sim, sim, al, 0.66, skip_b=np.array([True, False, False, False])) == []
