from __future__ import annotations

import itertools

import numpy as np
import pytest

from retold.candidates import (
    RowDocs,
    SentenceHits,
    band_keys,
    build_vector_index,
    knn_pairs,
    lsh_params,
    merge,
    pairs_from_buckets,
    sentence_hits,
)


def test_lsh_params_lower_threshold_means_more_bands():
    b_lo, r_lo = lsh_params(0.2, 128)
    b_hi, r_hi = lsh_params(0.8, 128)
    assert b_lo * r_lo <= 128 and b_hi * r_hi <= 128
    assert b_lo > b_hi and r_lo < r_hi


def test_band_keys_equal_bands_collide_only_in_same_band():
    sig = np.arange(128, dtype=np.uint32)
    other = sig.copy()
    other[5:] += 1000  # only the first band (rows 0..3) agrees
    ka, kb = band_keys(sig, 32, 4), band_keys(other, 32, 4)
    assert ka[0] == kb[0]
    assert not set(ka[1:]) & set(kb[1:])
    same = np.zeros(128, dtype=np.uint32)
    keys = band_keys(same, 32, 4)
    assert len(set(keys.tolist())) == 32  # identical rows in different bands never collide


def test_pairs_from_buckets_dedupes():
    got = pairs_from_buckets([["b", "a"], ["a", "b", "c"], ["d"]], "lexical")
    assert sorted((c.a, c.b) for c in got) == [("a", "b"), ("a", "c"), ("b", "c")]


@pytest.mark.parametrize("n", [1, 7, 33])
def test_knn_matches_brute_force(n):
    rng = np.random.default_rng(n)
    vec = rng.normal(size=(n, 16)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    ids = [f"d{i}" for i in range(n)]
    codes = np.arange(n)
    q, t = knn_pairs(codes, vec, build_vector_index(vec), codes, 3, 0.0)
    got = {tuple(sorted((ids[i], ids[j]))) for i, j in zip(q.tolist(), t.tolist(), strict=True)}
    sims = vec @ vec.T
    want = set()
    for i in range(n):
        order = [j for j in np.argsort(-sims[i]) if j != i][:3]
        order = [j for j in order if sims[i, j] >= 0.0]
        for j in order:
            a, b = sorted((ids[i], ids[j]))
            want.add((a, b))
    assert got == want


def test_knn_gives_k_neighbours_to_a_query_outside_the_index():
    """``check`` queries a document that is not indexed: it gets k neighbours, as an
    indexed document does, not the k + 1 rows searched."""
    rng = np.random.default_rng(5)
    vec = rng.normal(size=(20, 16)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    index = build_vector_index(vec)
    codes = np.arange(1, 21)
    _, t = knn_pairs(np.zeros(1, np.int64), vec[:1] + 0.01, index, codes, 3, -1.0)
    assert len(t) == 3 and t[0] == 1
    _, t_in = knn_pairs(codes[:1], vec[:1], index, codes, 3, -1.0)
    assert len(t_in) == 3 and 1 not in t_in.tolist()


def test_sentence_hits_same_whichever_side_is_queried():
    v = np.eye(4, dtype=np.float32)
    rows = ["a", "a", "b", "b"]
    index = build_vector_index(np.vstack([v[:2], v[:2]]))
    docs = RowDocs.of(rows)
    both = sentence_hits(rows, np.vstack([v[:2], v[:2]]), index, SentenceHits(docs, 2), 2,
                         0.9).candidates()
    one = sentence_hits(rows[:2], v[:2], index, SentenceHits(docs, 2), 2, 0.9).candidates()
    assert [(c.a, c.b) for c in both] == [(c.a, c.b) for c in one] == [("a", "b")]


def test_sentence_hits_reach_every_copy_of_a_sentence_past_k():
    """Twelve documents hold one sentence word for word; which k of its copies a search
    returns is the index's order, so the last documents would never be a query's hit."""
    rng = np.random.default_rng(0)
    sentence = rng.normal(size=(1, 16)).astype(np.float32)
    other = rng.normal(size=(12, 16)).astype(np.float32)
    vec = np.vstack([np.repeat(sentence, 12, axis=0), other])
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    rows = [f"d{i:02d}" for i in range(12)] * 2
    index = build_vector_index(vec)
    got = sentence_hits(["d00"], vec[:1], index, SentenceHits(RowDocs.of(rows), 1), 2,
                        0.9).counts()
    assert got == {("d00", f"d{i:02d}"): 1 for i in range(1, 12)}
    # A row whose results are not all copies is searched at k as before.
    got = sentence_hits(["d00"], vec[12:13], index, SentenceHits(RowDocs.of(rows), 1), 2,
                        -1.0).counts()
    assert len(got) == 2


@pytest.mark.parametrize("seed", range(8))
def test_sentence_hits_count_one_hit_per_query_row_and_target_document(seed):
    rng = np.random.default_rng(seed)
    n_docs, n_rows, k = int(rng.integers(2, 6)), int(rng.integers(2, 40)), 3
    # A few distinct sentences repeated across documents, so rows have several exact twins.
    base = rng.normal(size=(5, 8)).astype(np.float32)
    vec = base[rng.integers(0, 5, n_rows)] + rng.normal(scale=0.05, size=(n_rows, 8))
    vec = (vec / np.linalg.norm(vec, axis=1, keepdims=True)).astype(np.float32)
    doc_of_row = [f"d{int(i)}" for i in rng.integers(0, n_docs, n_rows)]
    queries = ["q", *doc_of_row[: n_rows // 2]]  # "q" is not indexed
    qvec = np.vstack([vec[:1], vec[: n_rows // 2]])
    index = build_vector_index(vec)
    got = sentence_hits(queries, qvec, index, SentenceHits(RowDocs.of(doc_of_row)), k,
                        0.9).counts()
    sims, idx = index.search(qvec, min(k + 1, n_rows))
    want: dict[tuple[str, str], int] = {}
    for qi, qdoc in enumerate(queries):
        for t in {doc_of_row[j] for s, j in zip(sims[qi], idx[qi], strict=True)
                  if j >= 0 and s >= 0.9 and doc_of_row[j] != qdoc}:
            want[(qdoc, t)] = want.get((qdoc, t), 0) + 1
    assert got == want


@pytest.mark.parametrize("seed", range(4))
def test_sentence_hits_add_up_over_batches_and_compactions(seed, monkeypatch):
    """Rows of one document may be split across batches and equal pairs summed at any
    point: counts and candidates are those of one batch, and a candidate needs
    ``min_hits`` in one direction (the better one)."""
    import retold.candidates as cand

    rng = np.random.default_rng(seed)
    n_rows = 60
    base = rng.normal(size=(6, 8)).astype(np.float32)
    vec = base[rng.integers(0, 6, n_rows)] + rng.normal(scale=0.05, size=(n_rows, 8))
    vec = (vec / np.linalg.norm(vec, axis=1, keepdims=True)).astype(np.float32)
    doc_of_row = sorted(f"d{int(i)}" for i in rng.integers(0, 8, n_rows))
    docs = RowDocs.of(doc_of_row)
    index = build_vector_index(vec)
    whole = sentence_hits(doc_of_row, vec, index, SentenceHits(docs), 3, 0.9)
    monkeypatch.setattr(cand, "_COMPACT_AT", 5)

    def in_batches(min_hits: int) -> SentenceHits:
        hits = SentenceHits(docs, min_hits)
        for start in range(0, n_rows, 7):  # batches that cut through documents
            sentence_hits(doc_of_row[start : start + 7], vec[start : start + 7], index, hits,
                          3, 0.9)
        return hits

    counts = whole.counts()
    assert in_batches(1).counts() == counts and counts
    for min_hits in (1, 2, 3):
        best: dict[tuple[str, str], int] = {}
        for (q, t), n in counts.items():
            key = (min(q, t), max(q, t))
            best[key] = max(best.get(key, 0), n)
        want = sorted(k for k, n in best.items() if n >= min_hits)
        # Pairs below min_hits are dropped as documents complete: fewer held, same result.
        parts = in_batches(min_hits)
        kept = parts.counts()
        assert kept.items() <= counts.items()
        assert {p: n for p, n in counts.items() if n >= min_hits}.items() <= kept.items()
        assert sorted((c.a, c.b) for c in parts.candidates()) == want
        whole.min_hits = min_hits
        assert sorted((c.a, c.b) for c in whole.candidates()) == want


def test_sentence_hits_drop_pairs_below_min_hits_once_a_document_is_complete():
    """Only the first and last query documents of a call may continue in another call;
    the pairs of those in between are final, and those below min_hits are not kept."""
    vec = np.eye(4, dtype=np.float32)
    index = build_vector_index(vec)
    docs = RowDocs.of(["x", "x", "y", "z"])
    queries, qvec = ["a", "b", "c"], vec[[0, 2, 3]]
    every = sentence_hits(queries, qvec, index, SentenceHits(docs), 1, 0.9).counts()
    assert every == {("a", "x"): 1, ("b", "y"): 1, ("c", "z"): 1}
    kept = sentence_hits(queries, qvec, index, SentenceHits(docs, 2), 1, 0.9).counts()
    assert kept == {("a", "x"): 1, ("c", "z"): 1}


def test_watched_pairs_keep_their_hits_below_min_hits():
    """A watched (query, target) key keeps its count below min_hits (for ``corroborated``,
    which takes either direction) in the direction it was counted; an unwatched one below
    it is dropped, and neither becomes a sentence candidate."""
    from retold.candidates import corroborated, directed_keys

    vec = np.eye(4, dtype=np.float32)
    index = build_vector_index(vec)
    docs = RowDocs.of(["x", "x", "y", "z"])
    queries, qvec = ["a", "b", "c", "d"], vec[[0, 1, 2, 3]]
    hits = SentenceHits(docs, 3)
    codes = {d: hits.code(d) for d in ("a", "b", "c", "d", "x", "y", "z")}
    watch = directed_keys(np.array([codes["b"], codes["x"]]), np.array([codes["x"], codes["b"]]))
    sentence_hits(queries, qvec, index, hits, 1, 0.9, watch)
    assert hits.counts() == {("a", "x"): 1, ("b", "x"): 1, ("d", "z"): 1}
    q = np.array([codes["b"], codes["x"], codes["c"], codes["a"]])
    t = np.array([codes["x"], codes["b"], codes["y"], codes["x"]])
    assert hits.directed(directed_keys(q, t)).tolist() == [1, 0, 0, 1]
    assert corroborated(hits, q, t, 1).tolist() == [True, True, False, True]
    assert not hits.candidates()


def test_merge_unions_channels():
    a = pairs_from_buckets([["x", "y"]], "lexical")
    b = pairs_from_buckets([["y", "x"]], "skeleton")
    (c,) = merge(a, b)
    assert c.channels == {"lexical", "skeleton"}


def test_large_index_finds_near_duplicates_like_the_exact_one():
    """Above FLAT_INDEX_MAX_ROWS the index is IVF over float16 rows; near-duplicate rows
    (what the sentence and document channels look for) are still found."""
    from retold.candidates import FLAT_INDEX_MAX_ROWS, SENTENCE_NPROBE, build_vector_index

    rng = np.random.default_rng(3)
    n, dim = FLAT_INDEX_MAX_ROWS + 5_000, 32
    base = rng.normal(size=(n, dim)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    picks = rng.choice(n, size=300, replace=False)
    noisy = base[picks] + 0.05 * rng.normal(size=(300, dim)).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    # Isotropic random rows are the worst case for IVF cells (real sentence vectors
    # cluster): 4 probed cells find 93% of these rows; on 10,000 generated articles they
    # lost 11 of 8,703 sentence-hit candidates and no reuse pair.
    for nprobe, floor in ((8, 0.95), (SENTENCE_NPROBE, 0.9)):
        index = build_vector_index(base, nprobe)
        assert index.ntotal == n and index.nprobe == nprobe  # IVF, not the exact index
        sims, idx = index.search(noisy, 1)
        found = float(np.mean(idx[:, 0] == picks))
        assert found >= floor, (nprobe, found)
        assert np.all(sims[idx[:, 0] == picks, 0] > 0.9)


def test_a_crowded_bucket_gives_a_chain_not_every_pair():
    from retold.candidates import MAX_BUCKET_ALL_PAIRS

    crowd = [f"d{i:04d}" for i in range(MAX_BUCKET_ALL_PAIRS * 4)]
    got = {(c.a, c.b) for c in pairs_from_buckets([list(reversed(crowd)), ["x", "y"]],
                                                  "skeleton")}
    assert ("x", "y") in got
    chain = {(crowd[i], crowd[i + 1]) for i in range(len(crowd) - 1)}
    assert got == chain | {("x", "y")}
    small = crowd[:MAX_BUCKET_ALL_PAIRS]
    assert len(pairs_from_buckets([small], "lexical")) == len(small) * (len(small) - 1) // 2


def test_locality_order_keeps_pairs_of_a_group_together() -> None:
    from itertools import combinations, pairwise

    from retold.candidates import CHANNEL_BIT, locality_order, union_pairs

    # Two families whose ids interleave: in id order their pairs alternate between them.
    names = [f"d{i:02d}" for i in range(24)]
    groups = [range(g, 24, 2) for g in (0, 1)]
    a, b = zip(*(p for grp in groups for p in combinations(grp, 2)), strict=True)
    pairs = union_pairs(names, [(np.array(a), np.array(b), CHANNEL_BIT["lexical"])])
    order = locality_order(pairs)
    assert sorted(order.tolist()) == list(range(len(pairs)))
    group_of = [int(x) % 2 for x in pairs.a[order]]
    switches = sum(1 for x, y in pairwise(group_of) if x != y)
    assert switches == 1
    assert locality_order(pairs.subset(order[:1])).tolist() == [0]


def test_union_pairs_merges_channels_and_drops_self_pairs() -> None:
    from retold.candidates import CHANNEL_BIT, Candidate, union_pairs

    lex, knn = CHANNEL_BIT["lexical"], CHANNEL_BIT["doc_knn"]
    pairs = union_pairs(["a", "b", "c"], [(np.array([1, 0, 2]), np.array([0, 1, 2]), lex),
                                          (np.array([2, 0]), np.array([1, 1]), knn)])
    assert pairs.a.tolist() == [0, 1] and pairs.b.tolist() == [1, 2]
    assert list(pairs) == [Candidate("a", "b", {"lexical", "doc_knn"}),
                           Candidate("b", "c", {"doc_knn"})]
    assert len(union_pairs(["a"], [])) == 0


def test_bucket_pairs_match_every_pair_per_bucket() -> None:
    """The vectorised offsets give each bucket's pairs, whatever order rows come in."""
    from itertools import combinations

    from retold.candidates import MAX_BUCKET_ALL_PAIRS, bucket_pairs

    rng = np.random.default_rng(5)
    sizes = [1, 2, 3, 7, MAX_BUCKET_ALL_PAIRS, MAX_BUCKET_ALL_PAIRS + 1]
    members = {k: sorted(rng.choice(1000, size=n, replace=False).tolist())
               for k, n in enumerate(sizes)}
    rows = [(k, c) for k, cs in members.items() for c in cs] + [(3, members[3][0])]
    rng.shuffle(rows)
    keys, codes = (np.array(x) for x in zip(*rows, strict=True))
    a, b = bucket_pairs(keys, codes)
    want = set()
    for cs in members.values():
        want |= (set(itertools.pairwise(cs)) if len(cs) > MAX_BUCKET_ALL_PAIRS
                 else set(combinations(cs, 2)))
    got = list(zip(a.tolist(), b.tolist(), strict=True))
    assert set(got) == want and len(got) == len(want)


def test_row_docs_extended_keeps_codes_and_leaves_the_original_alone():
    first = RowDocs.of(["a", "a", "b"])
    more = first.extended(["c", "a"])
    assert first.codes.tolist() == [0, 0, 1] and first.names == ["a", "b"]
    assert more.codes.tolist() == [0, 0, 1, 2, 0] and more.names == ["a", "b", "c"]
    assert more.code_of == {"a": 0, "b": 1, "c": 2}


def test_row_docs_from_counts_is_of_the_expanded_rows():
    ids, rows = ["d", "a", "e", "b"], [2, 0, 3, 1]
    got = RowDocs.from_counts(ids, rows)
    want = RowDocs.of([d for d, n in zip(ids, rows, strict=True) for _ in range(n)])
    assert got.codes.tolist() == want.codes.tolist() == [0, 0, 1, 1, 1, 2]
    assert got.codes.dtype == want.codes.dtype == np.int32
    assert got.names == want.names == ["d", "e", "b"] and got.code_of == want.code_of
    assert RowDocs.from_counts([], []).codes.tolist() == []
    with pytest.raises(ValueError):
        RowDocs.from_counts(["a", "a"], [1, 1])


def test_large_sentence_index_uses_small_cells_and_keeps_its_settings(monkeypatch, tmp_path):
    """Past HNSW_SENTENCE_MIN_ROWS the sentence index has ~64-row cells found through an
    HNSW graph; it finds near-duplicates, and a saved, loaded or cloned copy searches with
    the same breadth (the settings live in the index, not in the code that built it)."""
    import faiss

    import retold.candidates as cand

    rng = np.random.default_rng(5)
    n, dim = 20_000, 32
    # Sentence vectors cluster by topic; isotropic noise would be the worst case.
    topics = rng.normal(size=(200, dim)).astype(np.float32)
    base = topics[rng.integers(0, 200, n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    picks = rng.choice(n, size=300, replace=False)
    noisy = base[picks] + 0.05 * rng.normal(size=(300, dim)).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)

    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", 10_000)
    index = cand.build_sentence_index(lambda: np.array_split(base, 7), n)
    ivf = faiss.extract_index_ivf(index)
    assert isinstance(faiss.downcast_index(ivf.quantizer), faiss.IndexHNSWFlat)
    assert ivf.nlist == n // 64 and index.ntotal == n

    # Read in blocks of any size, the rows make the same index as read whole.
    whole = cand.build_sentence_index(lambda: [base], n)
    assert np.array_equal(whole.search(noisy, 3)[1], index.search(noisy, 3)[1])

    path = tmp_path / "s.faiss"
    faiss.write_index(index, str(path))
    for copy in (index, faiss.read_index(str(path)), faiss.clone_index(index)):
        copy_ivf = faiss.extract_index_ivf(copy)
        assert copy_ivf.nprobe == 8
        assert faiss.downcast_index(copy_ivf.quantizer).hnsw.efSearch == cand._HNSW_EF_SEARCH
        sims, idx = copy.search(noisy, 1)
        assert float(np.mean(idx[:, 0] == picks)) >= 0.95
        assert np.all(sims[idx[:, 0] == picks, 0] > 0.9)

    # Where eight sample rows a cell would pass the sample's cap, the cells grow instead.
    monkeypatch.setattr(cand, "_MAX_SAMPLE", 1_600)
    capped = cand.build_sentence_index(lambda: np.array_split(base, 7), n)
    assert faiss.extract_index_ivf(capped).nlist == 200 and capped.ntotal == n
    assert float(np.mean(capped.search(noisy, 1)[1][:, 0] == picks)) >= 0.95

    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", n)
    # At the threshold: build_vector_index's index (exact at this size).
    small = cand.build_sentence_index(lambda: [base], n)
    assert isinstance(faiss.downcast_index(small), faiss.IndexFlatIP)


@pytest.mark.parametrize("graph", [False, True])
def test_presized_lists_hold_what_plain_adds_hold(graph):
    """add_presized assigns rows to cells first and sizes each list once; the index holds
    the same lists and answers the same as one built by adding the rows in blocks."""
    import faiss

    from retold.candidates import add_presized

    rng = np.random.default_rng(11)
    dim, nlist = 16, 40
    rows = rng.normal(size=(3_000, dim)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)

    def empty() -> faiss.IndexIVF:
        quantizer = (faiss.IndexHNSWFlat(dim, 8, faiss.METRIC_INNER_PRODUCT) if graph
                     else faiss.IndexFlatIP(dim))
        quantizer.add(rows[:nlist])
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist,
                                              faiss.ScalarQuantizer.QT_4bit,
                                              faiss.METRIC_INNER_PRODUCT)
        index.train(rows[:500])
        return index

    def blocks():
        return (rows[s : s + 700] for s in range(0, len(rows), 700))

    plain, presized = empty(), empty()
    for block in blocks():
        plain.add(block)
    add_presized(presized, blocks)
    assert presized.ntotal == plain.ntotal == len(rows)
    a, b = (faiss.downcast_InvertedLists(i.invlists) for i in (presized, plain))
    for cell in range(nlist):
        n = a.list_size(cell)
        assert n == b.list_size(cell)
        if n:
            assert np.array_equal(faiss.rev_swig_ptr(a.get_ids(cell), n),
                                  faiss.rev_swig_ptr(b.get_ids(cell), n))
            assert np.array_equal(faiss.rev_swig_ptr(a.get_codes(cell), n * a.code_size),
                                  faiss.rev_swig_ptr(b.get_codes(cell), n * b.code_size))
    presized.nprobe = plain.nprobe = 3
    assert all(np.array_equal(x, y) for x, y in zip(presized.search(rows[:200], 5),
                                                    plain.search(rows[:200], 5), strict=True))


def test_candidate_pairs_without_known_pairs() -> None:
    from retold.candidates import union_pairs

    names = ["a", "b", "c", "d"]
    pairs = union_pairs(names, [(np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]), 1)])
    assert pairs.without([]) is pairs
    left = pairs.without([[("c", "a"), ("x", "b")], [("b", "d"), ("b", "d")]])
    assert [(c.a, c.b) for c in left] == [("a", "b"), ("c", "d")]
    assert left.without([[("a", "b"), ("c", "d")]]).a.size == 0


def test_estimated_jaccard_from_low_bytes_tracks_the_true_jaccard() -> None:
    """Signatures kept as their low bytes still estimate Jaccard: the chance agreement of
    two different values (1 in 256) is taken out, so unrelated sets estimate about 0."""
    from rensa import RMinHash

    from retold.candidates import estimated_jaccard, low_bytes

    def sig(items: list[str]) -> np.ndarray:
        m = RMinHash(128, 42)
        m.update(items)
        return low_bytes(np.asarray(m.digest(), np.uint32))

    rng = np.random.default_rng(0)
    errors = []
    for j in (0.0, 0.1, 0.25, 0.5, 0.9):
        for trial in range(20):
            shared = [f"s{trial}-{i}" for i in range(int(1000 * j))]
            a = shared + [f"a{trial}-{i}" for i in range(1000 - len(shared))]
            extra = round(len(shared) / j) - len(a) if j else 1000
            b = shared + [f"b{trial}-{i}" for i in range(extra)]
            true = len(shared) / len(set(a) | set(b))
            errors.append(float(estimated_jaccard(sig(a), sig(b))[0]) - true)
    errors = np.array(errors)
    assert abs(errors.mean()) < 0.01  # unbiased
    assert np.abs(errors).max() < 0.16  # 128 values: a standard error below 0.045
    x = rng.integers(0, 256, (5, 128), dtype=np.uint8)
    assert estimated_jaccard(x, x).tolist() == [1.0] * 5


def test_similar_pairs_keep_what_reaches_the_floor_in_any_block_size() -> None:
    from retold.candidates import estimated_jaccard, similar_pairs

    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 256, (30, 128), dtype=np.uint8)
    sigs[10:20] = sigs[0]  # ten copies of the first row ...
    sigs[10:20, :40] = rng.integers(0, 256, (10, 40), dtype=np.uint8)  # ... 69% kept
    a, b = np.divmod(np.arange(900), 30)
    want = estimated_jaccard(sigs[a], sigs[b]) >= 0.5
    assert want.sum() > 100
    for block in (1, 7, 65_536):
        assert np.array_equal(similar_pairs(sigs, a, b, 0.5, block=block), want)


@pytest.mark.parametrize("graph", [False, True])
def test_a_cell_plan_adds_rows_in_order_and_searches_only_what_was_added(graph, monkeypatch):
    """Rows go in a batch at a time, each to the nearest of the cells its query probes; a
    batch's queries see the rows added so far (its own included), and once every row is in,
    the planned search returns what the index's own search returns."""
    import faiss

    import retold.candidates as cand

    rng = np.random.default_rng(11)
    n, dim = 6_000, 24
    topics = rng.normal(size=(60, dim)).astype(np.float32)
    base = topics[rng.integers(0, 60, n)] + 0.5 * rng.normal(size=(n, dim)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    monkeypatch.setattr(cand, "FLAT_INDEX_MAX_ROWS", 1_000)
    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", 2_000 if graph else n)
    blocks = lambda: np.array_split(base, 5)  # noqa: E731
    index = cand.train_sentence_index(blocks, n)
    quantizer = faiss.downcast_index(faiss.extract_index_ivf(index).quantizer)
    assert isinstance(quantizer, faiss.IndexHNSWFlat) == graph
    plan = cand.CellPlan(index, blocks, n)
    try:
        for batch in np.array_split(np.arange(n), 4):
            plan.add(base[batch])
            assert index.ntotal == batch[-1] + 1
            _, idx = plan.searcher(batch, base[batch])(np.arange(len(batch)), 3)
            assert idx.max() <= batch[-1]
            assert float(np.mean(idx[:, 0] == batch)) >= 0.98  # each row finds itself
        every = np.arange(n)
        _, planned = plan.search(every, base, 5)
        _, own = index.search(base, 5)
        assert float(np.mean(planned == own)) >= 0.99
    finally:
        plan.close()
