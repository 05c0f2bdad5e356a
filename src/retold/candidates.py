"""Candidate pairs, recall first: LSH banding of MinHash signatures and vector k-NN.

Each function returns pairs tagged with the channel that proposed them; verification
(``relate``) decides. Nothing here looks at text.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import faiss
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

LEXICAL = "lexical"
SKELETON = "skeleton"
DOC_KNN = "doc_knn"
SENTENCE_KNN = "sentence_knn"

# Above this many rows an exact flat index costs more than an inverted-file one loses.
FLAT_INDEX_MAX_ROWS = 50_000
# Cells an IVF index of sentence vectors probes per query (see build_vector_index).
SENTENCE_NPROBE = 4
# Above this many sentence rows, build_sentence_index switches to small cells found through
# an HNSW graph: the flat coarse quantizer's cost per query grows with sqrt(rows).
HNSW_SENTENCE_MIN_ROWS = 500_000


@dataclass(slots=True)
class Candidate:
    """An unordered pair (``a < b``) and the channels that proposed it."""

    a: str
    b: str
    channels: set[str] = field(default_factory=set)


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows minimising false positives plus false negatives around ``threshold``.

    The same criterion as datasketch's ``_optimal_param``: the probability that a pair with
    Jaccard s shares a band is 1 - (1 - s^r)^b; we weigh the area above the threshold that is
    missed and the area below it that is proposed equally. Lower thresholds give more bands
    of fewer rows: more candidates (time) for fewer misses (recall). Pure, so memoised.
    """
    grid_lo = (np.arange(200) + 0.5) / 200 * threshold
    grid_hi = threshold + (np.arange(200) + 0.5) / 200 * (1.0 - threshold)
    best, best_cost = (1, num_perm), math.inf
    for b in range(1, num_perm + 1):
        r = num_perm // b
        if r == 0:
            break
        fp = float(np.mean(1.0 - (1.0 - grid_lo**r) ** b)) * threshold
        fn = float(np.mean((1.0 - grid_hi**r) ** b)) * (1.0 - threshold)
        if fp + fn < best_cost:
            best, best_cost = (b, r), fp + fn
    return best


def band_keys(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 63-bit key per band: a hash of the band's rows mixed with the band's index, so
    equal values in different bands never collide."""
    sig = np.asarray(signature[: bands * rows], dtype=np.uint64).reshape(bands, rows)
    # FNV-1a style mixing over the rows; vectorised across bands.
    h = np.full(bands, 0xCBF29CE484222325, dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    with np.errstate(over="ignore"):
        for j in range(rows):
            h = (h ^ sig[:, j]) * prime
        h = (h ^ np.arange(bands, dtype=np.uint64)) * prime
    return (h & np.uint64(0x7FFF_FFFF_FFFF_FFFF)).astype(np.int64)


def pairs_from_buckets(buckets: Iterable[Sequence[str]], channel: str) -> list[Candidate]:
    """Every pair of ids that share a bucket (buckets of one id give nothing).

    A bucket of more than ``MAX_BUCKET_ALL_PAIRS`` ids gives only the chain of neighbours
    in id order: one band value shared by hundreds of documents is a template or a common
    skeleton, not reuse between each two of them, and all its pairs grow with the square
    of the corpus (at 100,000 generated documents, buckets over 50 made 509k of 1.2M
    pairs). Copies in such a bucket stay connected through the chain and the other
    channels.
    """
    seen: dict[tuple[str, str], Candidate] = {}
    for ids in buckets:
        uniq = sorted(set(ids))
        if len(uniq) > MAX_BUCKET_ALL_PAIRS:
            for a, b in pairwise(uniq):
                seen.setdefault((a, b), Candidate(a, b, {channel}))
            continue
        for i, a in enumerate(uniq):
            for b in uniq[i + 1 :]:
                seen.setdefault((a, b), Candidate(a, b, {channel}))
    return list(seen.values())


MAX_BUCKET_ALL_PAIRS = 50


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norm == 0, 1.0, norm)).astype(np.float32)


def build_vector_index(vectors: np.ndarray, nprobe: int = 8) -> faiss.Index:
    """Inner-product index over L2-normalised rows: exact when small, IVF when large.

    ``vectors`` may be float16; they are converted in blocks, so a large matrix is never
    held twice. ``nprobe`` cells are searched per query in an IVF index: 8 for neighbours
    down to cosine 0.6 (documents); near-duplicates (sentences, cosine >= 0.86) fall in
    their own cell or the next one, and 4 cells find them (10,000 generated articles:
    11 of 8,703 sentence-hit candidates lost, none a reuse pair only that channel found;
    search 13.8 s -> 8.2 s).
    """
    n, dim = vectors.shape
    if n <= FLAT_INDEX_MAX_ROWS:
        index = faiss.IndexFlatIP(dim)
    else:
        # Cells of ~sqrt(n)/2 rows, trained on 40 rows per cell (faiss asks for 39): k-means
        # stays a few seconds at a million rows.
        nlist = int(2 * math.sqrt(n))
        quantizer = faiss.IndexFlatIP(dim)
        # Rows stored as float16: half the memory and twice the search speed of float32
        # (191k sentence rows: 8.8 s against 17 s), and the same sentence-hit candidates but
        # one pair in 8,700 at the scan's cosine thresholds.
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist,
                                              faiss.ScalarQuantizer.QT_fp16,
                                              faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        index.nprobe = nprobe
    for start in range(0, n, _ADD_BLOCK):
        index.add(np.ascontiguousarray(vectors[start : start + _ADD_BLOCK], dtype=np.float32))
    return index


_ADD_BLOCK = 65_536
# Rows per cell, cells probed and graph breadth of the large sentence index: on the sentence
# vectors of 100,000 generated articles (1.9M rows) these keep 98% of the flat-quantizer
# index's sentence-hit candidates (all but 17 of its reuse pairs that no other channel found,
# and 1,459 new ones) in 147 s of build and search against 251 s.
_HNSW_CELL_ROWS = 64
_HNSW_NPROBE = 8
_HNSW_EF_SEARCH = 32
_HNSW_EF_ADD = 16
_MAX_SAMPLE = 1_000_000


def build_sentence_index(blocks: Callable[[], Iterable[np.ndarray]], n: int) -> faiss.Index:
    """The index the sentence channel searches for near-identical sentences, over the ``n``
    rows that ``blocks()`` yields (L2-normalised, float16 or float32, the same order on
    every call).

    Up to ``HNSW_SENTENCE_MIN_ROWS`` rows this is :func:`build_vector_index`. Beyond, the
    cost per query of its ~2*sqrt(n) cells (every centroid compared, then four cells of
    sqrt(n)/2 rows scanned) makes the whole channel grow as n^1.5. There the cells hold
    ~64 rows each, and an HNSW graph over the centroids finds the eight nearest, so a
    query costs about the same at any size; rows are stored in 8 bits per dimension.
    Centroids come from faiss's two-level k-means (sqrt(cells) coarse clusters, each split
    further): one flat k-means over tens of thousands of centroids would cost as much as
    the searches it saves. The rows are read twice, for the training sample and to be
    added, and never held together.
    """
    if n <= HNSW_SENTENCE_MIN_ROWS:
        return build_vector_index(np.vstack(list(blocks())), SENTENCE_NPROBE)
    from faiss.contrib.clustering import two_level_clustering

    nlist = n // _HNSW_CELL_ROWS
    # Eight rows per centroid: a rough centroid only moves a near-duplicate's cell to a
    # neighbouring one, which the eight probed cells cover. At most a million rows (1 GB).
    picks = np.sort(np.random.default_rng(0).choice(n, size=min(8 * nlist, _MAX_SAMPLE),
                                                    replace=False))
    parts, start = [], 0
    for block in blocks():
        lo, hi = np.searchsorted(picks, [start, start + len(block)])
        parts.append(np.asarray(block[picks[lo:hi] - start], dtype=np.float32))
        start += len(block)
    sample = np.vstack(parts)
    del parts
    dim = sample.shape[1]
    centroids, _ = two_level_clustering(sample, int(math.sqrt(nlist)), nlist,
                                        clustering_niter=10, spherical=True,
                                        min_points_per_centroid=1)
    quantizer = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    quantizer.add(np.ascontiguousarray(centroids, dtype=np.float32))
    # Rows as 8-bit codes (of their offset from the cell's centroid): half the memory of
    # float16, and at 100,000 articles a faster search (106 s against 130 s) that changed
    # 220 of 85,600 sentence-hit candidates.
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    # The quantizer is complete, so this only fits the 8-bit ranges, on rows from the whole
    # corpus (the sample is in corpus order).
    index.train(sample[:: max(1, len(sample) // 65_536)])
    del sample
    quantizer.hnsw.efSearch = _HNSW_EF_ADD
    for block in blocks():
        index.add(np.ascontiguousarray(block, dtype=np.float32))
    quantizer.hnsw.efSearch = _HNSW_EF_SEARCH
    index.nprobe = _HNSW_NPROBE
    return index


def knn_candidates(
    query_ids: Sequence[str],
    query_vectors: np.ndarray,
    index: faiss.Index,
    index_ids: Sequence[str],
    k: int,
    min_cosine: float,
) -> list[Candidate]:
    """Pairs (query, neighbour) with cosine at least ``min_cosine`` among the k nearest."""
    if len(query_ids) == 0 or index.ntotal == 0:
        return []
    kk = min(k + 1, index.ntotal)
    sims, idx = index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), kk)
    out: dict[tuple[str, str], Candidate] = {}
    for qi, qid in enumerate(query_ids):
        for sim, j in zip(sims[qi], idx[qi], strict=True):
            if j < 0 or sim < min_cosine:
                continue
            other = index_ids[j]
            if other == qid:
                continue
            a, b = (qid, other) if qid < other else (other, qid)
            out.setdefault((a, b), Candidate(a, b, {DOC_KNN}))
    return list(out.values())


@dataclass(frozen=True, slots=True)
class RowDocs:
    """The document of each indexed sentence row, as integer codes into ``names``."""

    names: list[str]
    codes: np.ndarray  # int64, one per row
    code_of: dict[str, int]

    @classmethod
    def of(cls, doc_of_row: Sequence[str]) -> RowDocs:
        return cls([], np.zeros(0, np.int64), {}).extended(doc_of_row)

    def extended(self, doc_of_row: Sequence[str]) -> RowDocs:
        """A copy with rows appended (this one is left as it is: searches may be using it)."""
        code_of = dict(self.code_of)
        new = np.fromiter((code_of.setdefault(d, len(code_of)) for d in doc_of_row),
                          dtype=np.int64, count=len(doc_of_row))
        return RowDocs(list(code_of), np.concatenate([self.codes, new]), code_of)


def sentence_hit_candidates(
    query_doc_of_row: Sequence[str],
    query_vectors: np.ndarray,
    index: faiss.Index,
    index_docs: RowDocs,
    k: int,
    min_cosine: float,
    min_hits: int,
) -> list[Candidate]:
    """Documents sharing at least ``min_hits`` near-identical sentences (partial reuse).

    A hit is counted once per query sentence and target document, so one sentence repeated
    in a target cannot make a candidate on its own.
    """
    hits = SentenceHits(index_docs)
    sentence_hits(query_doc_of_row, query_vectors, index, hits, k, min_cosine)
    return hits.candidates(min_hits)


# Document codes are below this, so a (query, target) pair is one int64.
_PAIR = 1 << 31
# Hit entries gathered (16 bytes each) before equal pairs are summed; at least as many as
# were left by the last summing, so each entry is summed a logarithmic number of times.
_COMPACT_AT = 4_000_000


class SentenceHits:
    """Near-identical sentence counts per (query document, indexed document).

    Kept as arrays of pair codes and counts, not a dict of id pairs: a scan of 100,000
    articles gathers millions of pairs, and a dict entry costs ten times an array's 16
    bytes. Documents are coded as in ``index_docs``; queried documents that are not
    indexed (a ``check``) get codes after them.
    """

    def __init__(self, index_docs: RowDocs) -> None:
        self.index_docs = index_docs
        self._extra: dict[str, int] = {}
        self._extra_names: list[str] = []
        self._keys: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._gathered = 0  # entries added since the last summing
        self._summed = 0  # entries it left

    def _code(self, doc: str) -> int:
        code = self.index_docs.code_of.get(doc)
        if code is None:
            code = self._extra.get(doc)
        if code is None:
            code = self._extra[doc] = len(self.index_docs.names) + len(self._extra_names)
            self._extra_names.append(doc)
        return code

    def _name(self, code: int) -> str:
        names = self.index_docs.names
        return names[code] if code < len(names) else self._extra_names[code - len(names)]

    def add(self, query_doc_of_row: Sequence[str], sims: np.ndarray, idx: np.ndarray,
            min_cosine: float) -> None:
        """Count the neighbours ``idx`` (with similarities ``sims``) of each query row."""
        queries = RowDocs.of(query_doc_of_row)
        code = np.array([self._code(d) for d in queries.names], np.int64)
        kk = idx.shape[1]
        q_code = code[np.repeat(queries.codes, kk)]
        target = self.index_docs.codes[np.maximum(idx, 0)].ravel()
        # A document's own sentences are not hits.
        keep = (idx.ravel() >= 0) & (sims.ravel() >= min_cosine) & (target != q_code)
        n_docs = len(self.index_docs.names)
        rows = np.repeat(np.arange(len(query_doc_of_row), dtype=np.int64), kk)[keep]
        # One hit per query row and target document, however many of its sentences matched.
        rows, targets = np.divmod(np.unique(rows * n_docs + target[keep]), n_docs)
        keys, counts = np.unique(code[queries.codes[rows]] * _PAIR + targets,
                                 return_counts=True)
        self._keys.append(keys)
        self._counts.append(counts)
        self._gathered += len(keys)
        if self._gathered > max(_COMPACT_AT, self._summed):
            self._compact()

    def _compact(self) -> None:
        if len(self._keys) > 1:
            keys, inverse = np.unique(np.concatenate(self._keys), return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate(self._counts))
            self._keys, self._counts = [keys], [counts.astype(np.int64)]
        self._gathered = 0
        self._summed = len(self._keys[0]) if self._keys else 0

    def counts(self) -> dict[tuple[str, str], int]:
        """Hits per (query document, indexed document)."""
        self._compact()
        if not self._keys:
            return {}
        q, t = np.divmod(self._keys[0], _PAIR)
        return {(self._name(a), self._name(b)): n for a, b, n
                in zip(q.tolist(), t.tolist(), self._counts[0].tolist(), strict=True)}

    def candidates(self, min_hits: int) -> list[Candidate]:
        """Pairs with at least ``min_hits`` hits. Hits are counted per direction and
        combined with max, so a pair gets the same verdict whether one or both of its
        documents were queried."""
        self._compact()
        if not self._keys or not len(self._keys[0]):
            return []
        q, t = np.divmod(self._keys[0], _PAIR)
        pair = np.minimum(q, t) * _PAIR + np.maximum(q, t)
        order = np.argsort(pair, kind="stable")
        pair, counts = pair[order], self._counts[0][order]
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        best = np.maximum.reduceat(counts, starts)
        out = []
        for key in pair[starts[best >= min_hits]].tolist():
            a, b = sorted((self._name(key // _PAIR), self._name(key % _PAIR)))
            out.append(Candidate(a, b, {SENTENCE_KNN}))
        return out


def sentence_hits(
    query_doc_of_row: Sequence[str],
    query_vectors: np.ndarray,
    index: faiss.Index,
    hits: SentenceHits,
    k: int,
    min_cosine: float,
) -> SentenceHits:
    """Near-identical sentences per (query document, indexed document), added to ``hits``
    (whose documents are ``index``'s rows). Each query row counts on its own, so queries
    can go in batches of any rows and the query matrix of a large scan is never built
    whole."""
    if len(query_doc_of_row) == 0 or index.ntotal == 0 or k <= 0:
        return hits
    kk = min(k + 1, index.ntotal)
    sims, idx = index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), kk)
    hits.add(query_doc_of_row, sims, idx, min_cosine)
    return hits


def merge(*groups: Iterable[Candidate]) -> list[Candidate]:
    """Union of candidate lists, channels merged per pair, in a deterministic order."""
    out: dict[tuple[str, str], Candidate] = {}
    for group in groups:
        for c in group:
            key = (c.a, c.b)
            if key in out:
                out[key].channels |= c.channels
            else:
                out[key] = Candidate(c.a, c.b, set(c.channels))
    return [out[k] for k in sorted(out)]


def locality_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The pairs ordered so that pairs sharing documents come close together.

    Documents are numbered by reverse Cuthill-McKee over the candidate graph (a breadth-
    first order that keeps neighbours' numbers close), and pairs sorted by their two
    numbers. Verification reads and tokenises each side of a pair; in this order a chunk
    of pairs touches about a third fewer documents than in id order (10,000 generated
    articles: 19.6k sides for 24k pairs against 28.3k), and recently read sides are reused.
    """
    if len(candidates) < 2:
        return list(candidates)
    ids = sorted({c.a for c in candidates} | {c.b for c in candidates})
    index = {d: i for i, d in enumerate(ids)}
    rows = np.fromiter((index[c.a] for c in candidates), np.int64, len(candidates))
    cols = np.fromiter((index[c.b] for c in candidates), np.int64, len(candidates))
    graph = sp.coo_matrix((np.ones(len(rows), np.int8), (rows, cols)),
                          shape=(len(ids), len(ids))).tocsr()
    perm = reverse_cuthill_mckee(graph + graph.T, symmetric_mode=True)
    rank = np.empty(len(ids), np.int64)
    rank[perm] = np.arange(len(ids))
    lo, hi = np.minimum(rank[rows], rank[cols]), np.maximum(rank[rows], rank[cols])
    return [candidates[i] for i in np.lexsort((hi, lo))]
