"""The local orchestration: ingest -> fingerprints -> candidates -> verify -> families.

Incremental: documents already in the index are skipped, new ones are compared with
everything, and derived data (families, stories) is rebuilt from the stored pairs. All the
scoring happens in pure functions of the other modules; this module moves data between
them and the store.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from retold.candidates import (
    CHANNEL_BIT,
    DOC_KNN,
    LEXICAL,
    LSH_MIN_SHARE,
    SENTENCE_KNN,
    SKELETON,
    CandidatePairs,
    SentenceHits,
    band_keys,
    bucket_pairs,
    channel_set,
    corroborated,
    directed_keys,
    in_sorted,
    knn_pairs,
    locality_order,
    low_bytes,
    lsh_params,
    sentence_hits,
    similar_pairs,
    union_pairs,
    unit_rows,
)
from retold.config import Config
from retold.documents import Document, ReadError, content_id
from retold.entities import Knowledge, learn_from
from retold.families import (
    Edge,
    Marks,
    build_families,
    detail_keys,
    evidence_signals,
    lost_details,
    substituted,
    unsupported_sentences,
)
from retold.fingerprints import DocPrint, Encoder, fingerprint_documents
from retold.pool import die_with_parent, fork_pool, worker_count
from retold.relate import (
    REUSE,
    SAME_STORY,
    AlignedSpan,
    PairResult,
    TextFeatures,
    boilerplate_mask,
    quoted_sentences,
    relate,
    text_features,
)
from retold.store import PairRow, Store
from retold.text import looks_like_heading, normalize
from retold.vectors import VectorCache

# Channel tags mixed into band keys so the two MinHash channels share one table.
_CHANNEL_SALT = {LEXICAL: 0x1F3A_5C7E_9B2D_4E6F, SKELETON: 0x6C1B_8E4D_2A7F_3B95}


class Progress:
    """Progress callbacks; the CLI passes a Rich-backed one, the API a silent one."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts (``total`` units, or unknown)."""

    def advance(self, n: int = 1) -> None:
        """``n`` units of the current stage are done."""

    def finish(self) -> None:
        """The last stage is over."""


@dataclass(slots=True)
class ScanReport:
    """What a scan did."""

    added: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    candidates: int = 0
    verified: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)


def band_keys_for(pr: DocPrint, config: Config) -> np.ndarray:
    """LSH keys of both MinHash channels for one document."""
    keys = []
    for channel, sig, threshold in (
        (LEXICAL, pr.lexical, config.lexical_threshold),
        (SKELETON, pr.skeleton, config.skeleton_threshold),
    ):
        bands, rows = _params(config, threshold)
        k = band_keys(sig, bands, rows)
        keys.append(k ^ np.int64(_CHANNEL_SALT[channel]))
    return np.concatenate(keys)


def _params(config: Config, threshold: float) -> tuple[int, int]:
    if config.lsh_bands:
        return config.lsh_bands, config.num_perm // config.lsh_bands
    return lsh_params(threshold, config.num_perm)


def prepare(doc: Document) -> Document:
    """Normalise the text (offsets refer to the normalised text from here on)."""
    text = normalize(doc.text)
    if text == doc.text:
        return doc
    return Document(id=doc.id, text=text, url=doc.url, domain=doc.domain, title=doc.title,
                    published=doc.published, path=doc.path, meta=doc.meta)


def _batched(items: Iterable[Document | ReadError], size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest(
    records: Iterable[Document | ReadError],
    store: Store,
    encoder: Encoder,
    report: ScanReport,
    progress: Progress,
    batch_size: int = 256,
    workers: int | None = None,
    store_docs: int = 2_048,
) -> None:
    """Fingerprint and store new documents batch by batch.

    ``batch_size`` documents go to the encoder together. From the second batch on,
    fingerprinting runs in ``workers`` processes (default: every core) while this process
    reads and stores; batches are stored in input order, so the index does not depend on
    ``workers``. Documents are written about ``store_docs`` at a time, each write one
    transaction: band keys and sentence hashes land at random places of their indexes, so
    a write rewrites most index pages whatever its size, and few large writes cost less
    than many small ones (10,000 articles: 40 writes of 256 spent 12 s in SQLite).
    """
    config = store.config
    workers = worker_count(workers)
    progress.stage("reading and fingerprinting")
    stored_before = store.count_documents()
    deferred = False
    # Submitted but not yet stored: the store cannot see these when a later batch is checked.
    inflight: dict[str, str] = {}
    window: deque[tuple[list[Document], int, Future[_Printed] | None]] = deque()
    unsaved: list[tuple[Document, DocPrint, np.ndarray]] = []
    pool: ProcessPoolExecutor | None = None

    def save() -> None:
        nonlocal deferred
        if unsaved:
            if not deferred and len(report.added) >= max(store_docs,
                                                         _DEFER_SHARE * stored_before):
                store.defer_indexes()  # a large load: build them once at the end
                deferred = True
            docs, prints, bands = zip(*unsaved, strict=True)
            store.add_documents(docs, prints, bands, [inflight[d.id] for d in docs])
            report.added.extend(d.id for d in docs)
            for d in docs:
                inflight.pop(d.id, None)
            unsaved.clear()

    def collect_oldest() -> None:
        new, n_read, fut = window.popleft()
        if new:
            prints, bands = fut.result() if fut is not None else _fingerprint(
                new, encoder, config)
            for d, pr in zip(new, prints, strict=True):
                if pr.truncated:
                    report.warnings.append(
                        f"{d.path or d.id}: more than {config.max_sentences} sentences;"
                        " the rest is ignored")
            unsaved.extend(zip(new, prints, bands, strict=True))
            if len(unsaved) >= store_docs:
                save()
        progress.advance(n_read)

    try:
        for i, batch in enumerate(_batched(records, batch_size)):
            new = _new_documents(batch, store, inflight, report)
            if i == 1 and workers > 1:  # a one-batch scan never pays for the pool
                pool = fork_pool(workers, _init_fingerprint_worker, (encoder,))
            fut = pool.submit(_fingerprint_in_worker, new, config) if pool and new else None
            window.append((new, len(batch), fut))
            while window and (pool is None or len(window) > 2 * workers):
                collect_oldest()
        while window:
            collect_oldest()
        save()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if deferred:
            store.restore_indexes()


# Documents an ingest stores, as a share of those stored before it, from which it drops
# the lookup indexes until it ends (Store.defer_indexes).
_DEFER_SHARE = 0.1


_Printed = tuple[list[DocPrint], list[np.ndarray]]


def _fingerprint(docs: list[Document], encoder: Encoder, config: Config) -> _Printed:
    """Prints of ``docs`` and their LSH band keys."""
    prints = fingerprint_documents(docs, encoder, config)
    return prints, [band_keys_for(p, config) for p in prints]


def _new_documents(
    batch: list[Document | ReadError],
    store: Store,
    inflight: dict[str, str],
    report: ScanReport,
) -> list[Document]:
    """The documents of ``batch`` not yet indexed; read errors and id clashes reported."""
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for rec in batch:
        if isinstance(rec, ReadError):
            report.errors.append(rec)
            continue
        doc = prepare(rec)
        h = content_id(doc.text)
        if doc.id in seen:
            if seen[doc.id] != h:
                line = doc.meta.get("line")
                report.errors.append(ReadError(
                    doc.path or "?", f"duplicate id {doc.id!r} with different text;"
                    " first kept", line=int(line) if line and line.isdigit() else None))
            else:
                report.skipped += 1
            continue
        seen[doc.id] = h
        docs.append(doc)
    known = store.known_hashes([d.id for d in docs])
    known.update({d.id: inflight[d.id] for d in docs if d.id in inflight})
    new: list[Document] = []
    for d in docs:
        if d.id in known:
            if known[d.id] != seen[d.id]:
                report.errors.append(ReadError(
                    d.path or "?", f"id {d.id!r} is already indexed with different text;"
                    " the stored document is kept"))
            else:
                report.skipped += 1
        else:
            new.append(d)
            inflight[d.id] = seen[d.id]
    return new


_worker_encoder: Encoder | None = None


def _init_fingerprint_worker(encoder: Encoder) -> None:
    global _worker_encoder
    die_with_parent()
    _worker_encoder = encoder


def _fingerprint_in_worker(docs: list[Document], config: Config) -> _Printed:
    assert _worker_encoder is not None, "pool started without _init_fingerprint_worker"
    return _fingerprint(docs, _worker_encoder, config)


def find_candidates(
    store: Store, pending: Sequence[str], config: Config, cache: VectorCache | None = None
) -> CandidatePairs:
    """Candidate pairs involving at least one pending document, from every channel, coded
    by the documents' ids in sorted order.

    Pending documents are read and queried ``_QUERY_DOCS`` at a time: their sentence vectors
    and texts are the bulk of a large scan's memory. The vector indexes are the ``cache``'s
    (an ``Index``'s, kept between its scans, ingests and checks and saved beside the file),
    brought up to date with the pending documents; without one they are built afresh. When
    the pending documents are the newest and the sentence index must be built anyway, their
    rows go into it a batch at a time, just before the batch is queried (``CellPlan``).
    """
    seqs, ids_by_seq = store.seq_ids()
    names = sorted(ids_by_seq)
    if not pending:
        return union_pairs(names, [])
    code_of = {d: i for i, d in enumerate(names)}
    code_of_seq = np.zeros(int(seqs.max()) + 1, np.int64)
    code_of_seq[seqs] = [code_of[d] for d in ids_by_seq]
    newest = len(ids_by_seq) - len(pending)
    first_pending = (int(seqs[newest]) if config.sentence_knn_k > 0 and newest >= 0
                     and ids_by_seq[newest:] == list(pending) else None)
    del seqs, ids_by_seq
    cache = cache or VectorCache()
    vecs, plan = cache.get_for_scan(store, first_pending)
    doc_index = vecs.doc_index
    doc_codes = np.array([code_of[d] for d in vecs.doc_ids], np.int64)
    sentence_index = vecs.sentence_index if config.sentence_knn_k > 0 else None
    n_lex, _ = _params(config, config.lexical_threshold)
    # A bucket makes pairs only when two documents hold its key. A large batch reads
    # those buckets' rows first and keeps only its documents' keys among them (85 keys a
    # document: 680 MB at a million documents); a small one asks for its own keys.
    bulk = len(pending) >= _BULK_BUCKET_SHARE * len(names)
    band_rows = store.shared_band_rows() if bulk else None
    shared = np.unique(band_rows[0]) if band_rows is not None else None
    lexical_keys: list[np.ndarray] = []
    skeleton_keys: list[np.ndarray] = []
    parts: list[tuple[np.ndarray, np.ndarray, int]] = []
    hits = SentenceHits(vecs.sentence_docs, config.sentence_knn_min_hits)
    # Signatures of bucket pairs' documents, to drop pairs that share a bucket by chance:
    # pending documents' from the prints read below, others' from the store when a pair
    # needs them. Rows are allocated untouched, so only the documents read take memory
    # (256 bytes each: 256 MB at a million).
    sigs = Signatures(len(names), config.num_perm)
    # Document neighbours count only with a near-identical sentence (``corroborated``):
    # their keys are watched while the querying documents' sentence hits come in.
    hit_code = (np.array([hits.code(d) for d in names], np.int64)
                if doc_index is not None and sentence_index is not None
                and config.knn_min_sentence_hits > 0 else None)
    # The batch each pending document is queried in, for the watched keys of document
    # neighbours from its side (``corroborated`` counts both sides).
    batch_of = np.full(len(names), -1, np.int64)
    batch_of[[code_of[d] for d in pending]] = np.arange(len(pending)) // _QUERY_DOCS
    later_watch: dict[int, list[np.ndarray]] = {}
    knn_a: list[np.ndarray] = []
    knn_b: list[np.ndarray] = []
    for start in range(0, len(pending), _QUERY_DOCS):
        prints = store.prints(pending[start : start + _QUERY_DOCS])
        pend = [d for d in pending[start : start + _QUERY_DOCS] if d in prints]
        if pend:
            sigs.put(np.array([code_of[d] for d in pend], np.int64),
                     [prints[d] for d in pend])
            keys = np.vstack([band_keys_for(prints[d], config) for d in pend])
            for out, part in ((lexical_keys, keys[:, :n_lex]), (skeleton_keys, keys[:, n_lex:])):
                part = part.ravel()
                out.append(part if shared is None else part[in_sorted(shared, part)])
        watch = None
        if doc_index is not None and pend:
            q = unit_rows(np.vstack([prints[d].doc_vector for d in pend]) - vecs.mean)
            a, b = knn_pairs(np.array([code_of[d] for d in pend], np.int64), q, doc_index,
                             doc_codes, config.knn_k, config.knn_min_cosine)
            knn_a.append(a)
            knn_b.append(b)
            if hit_code is not None:
                later = batch_of[b] > start // _QUERY_DOCS
                for batch in np.unique(batch_of[b[later]]).tolist():
                    ahead = later & (batch_of[b] == batch)
                    later_watch.setdefault(batch, []).append(
                        directed_keys(hit_code[b[ahead]], hit_code[a[ahead]]))
                watch = np.unique(np.concatenate(
                    [directed_keys(hit_code[a], hit_code[b]),
                     *later_watch.pop(start // _QUERY_DOCS, [])]))
        if sentence_index is not None:
            keep = evidence_rows(store, [prints[d] for d in pend], config)
            first_row = sentence_index.ntotal  # of this batch, where the scan adds its rows
            if plan is not None:
                for i in range(0, len(pend), _ADD_DOCS):
                    plan.add(np.vstack([np.zeros((0, sentence_index.d), np.float32),
                                        *(prints[d].vectors for d in pend[i : i + _ADD_DOCS]
                                          if len(prints[d].vectors))]))
            q_rows = [d for d, k in zip(pend, keep, strict=True) for _ in range(int(k.sum()))]
            if q_rows:
                # Filled a document at a time: masked copies stacked at the end would hold
                # the batch's vectors twice (100 MB for 5,000 articles).
                qv = np.empty((len(q_rows), sentence_index.d), np.float32)
                row_of = np.empty(len(q_rows), np.int64)  # the queries' rows in the index
                at = 0
                for d, k in zip(pend, keep, strict=True):
                    n = int(k.sum())
                    if n:
                        qv[at : at + n] = prints[d].vectors[k]
                        row_of[at : at + n] = first_row + np.flatnonzero(k)
                        at += n
                    first_row += len(prints[d].vectors)
                search = plan.searcher(row_of, qv) if plan is not None else None
                sentence_hits(q_rows, qv, sentence_index, hits, config.sentence_knn_k,
                              config.sentence_knn_min_cosine, watch, search)
                del qv
        del prints
    if plan is not None:
        if sentence_index is None or sentence_index.ntotal != len(vecs.sentence_docs.codes):
            raise RuntimeError("the scan's sentence rows do not match the store's")
        plan.close()
        cache.adopt(vecs)
    if knn_a:
        a, b = np.concatenate(knn_a), np.concatenate(knn_b)
        if hit_code is not None:
            keep = corroborated(hits, hit_code[a], hit_code[b], config.knn_min_sentence_hits)
            a, b = a[keep], b[keep]
        parts.append((a, b, CHANNEL_BIT[DOC_KNN]))
    del knn_a, knn_b
    if sentence_index is not None:
        a, b = hits.pairs()
        hit_codes = np.array([code_of[d] for d in hits.names()], np.int64)
        parts.append((hit_codes[a], hit_codes[b], CHANNEL_BIT[SENTENCE_KNN]))
    del hits
    # Keys carry their channel's salt (band_keys_for), so a key is of one channel.
    lexical = np.unique(np.concatenate([np.zeros(0, np.int64), *lexical_keys]))
    skeleton = np.unique(np.concatenate([np.zeros(0, np.int64), *skeleton_keys]))
    del lexical_keys, skeleton_keys, shared
    if band_rows is None:
        band_rows = store.band_rows(np.concatenate([lexical, skeleton]).tolist())
    keys, doc_seqs = band_rows
    del band_rows
    for channel, wanted in ((LEXICAL, lexical), (SKELETON, skeleton)):
        mine = in_sorted(wanted, keys)
        a, b = bucket_pairs(keys[mine], code_of_seq[doc_seqs[mine]])
        sigs.fill(store, names, np.concatenate([a, b]))
        keep = similar_pairs(sigs.of(channel), a, b, lsh_min_jaccard(config, channel))
        parts.append((a[keep], b[keep], CHANNEL_BIT[channel]))
    del keys, doc_seqs, lexical, skeleton
    pairs = union_pairs(names, parts)
    is_pending = np.zeros(len(names), bool)
    is_pending[[code_of[d] for d in pending]] = True
    # Bucket pairs between two already-verified documents were settled by an earlier scan.
    return pairs.subset(is_pending[pairs.a] | is_pending[pairs.b])


def lsh_min_jaccard(config: Config, channel: str) -> float:
    """The estimated Jaccard a pair sharing a bucket of ``channel`` needs to stay a
    candidate (``LSH_MIN_SHARE`` of the channel's threshold)."""
    threshold = config.lexical_threshold if channel == LEXICAL else config.skeleton_threshold
    return LSH_MIN_SHARE * threshold


class Signatures:
    """Both MinHash channels' signatures of documents by code, as ``low_bytes`` rows."""

    def __init__(self, n_docs: int, num_perm: int) -> None:
        self._rows = {LEXICAL: np.zeros((n_docs, num_perm), np.uint8),
                      SKELETON: np.zeros((n_docs, num_perm), np.uint8)}
        self._known = np.zeros(n_docs, bool)

    def put(self, codes: np.ndarray, prints: Sequence[DocPrint]) -> None:
        if len(codes):
            self._rows[LEXICAL][codes] = low_bytes(np.vstack([p.lexical for p in prints]))
            self._rows[SKELETON][codes] = low_bytes(np.vstack([p.skeleton for p in prints]))
            self._known[codes] = True

    def fill(self, store: Store, names: Sequence[str], codes: np.ndarray) -> None:
        """Read the signatures of any of ``codes`` not yet known from ``store``."""
        missing = np.unique(codes[~self._known[codes]])
        if len(missing):
            got = store.signatures([names[c] for c in missing.tolist()])
            for c in missing.tolist():
                lexical, skeleton = got[names[c]]
                self._rows[LEXICAL][c] = low_bytes(lexical)
                self._rows[SKELETON][c] = low_bytes(skeleton)
            self._known[missing] = True

    def of(self, channel: str) -> np.ndarray:
        return self._rows[channel]


def evidence_rows(store: Store, prints: Sequence[DocPrint], config: Config) -> list[np.ndarray]:
    """Per print, which of its sentences may propose a candidate through the sentence
    channel: all but those verification would mask as boilerplate (``boilerplate_mask``,
    with the documents the store holds now). A template line repeated in thousands of
    articles would otherwise make a hit with whichever of them its search returns, and its
    copies, all in one cell of the sentence index, are scanned by each of their queries.
    """
    freq = store.sentence_frequency(int(h) for p in prints for h in p.sentence_hashes)
    return [~boilerplate_mask(p.sentence_hashes, freq, config) for p in prints]


# Pending documents read and queried together by find_candidates (a few hundred MB).
_QUERY_DOCS = 5_000
# Documents whose sentence rows a scan adds to its index at once (~10,000 rows, 15 MB).
_ADD_DOCS = 500
# Share of the corpus pending from which find_candidates reads every shared bucket (a scan
# of the band index, growing with the corpus) instead of asking for its documents' keys (a
# lookup each, growing with the batch). At 100,000 articles the scan took 4.8 s and a
# lookup 4.7 us: the same at 12,000 documents' keys, 12% of the corpus.
_BULK_BUCKET_SHARE = 0.1


@dataclass(slots=True)
class _Side:
    """One document as verification uses it: text, print, boilerplate mask, text features."""

    text: str
    print: DocPrint
    mask: np.ndarray
    features: TextFeatures


class _SideCache:
    """The most recently used documents' sides. A document takes part in several candidate
    pairs; with pairs in locality order (``candidates.locality_order``) most of its pairs
    come close together, so a few thousand sides cover them."""

    def __init__(self, store: Store, size: int = 2_000) -> None:
        self.store, self.size = store, size
        self.sides: OrderedDict[str, _Side] = OrderedDict()

    def get(self, ids: Sequence[str]) -> dict[str, _Side]:
        missing = sorted(set(ids) - self.sides.keys())
        if missing:
            config = self.store.config
            prints = self.store.prints(missing)
            texts = self.store.texts(missing)
            freq = self.store.sentence_frequency(
                int(h) for p in prints.values() for h in p.sentence_hashes)
            for d, p in prints.items():
                self.sides[d] = _Side(texts[d], p, boilerplate_mask(p.sentence_hashes, freq,
                                                                      config),
                                      text_features(texts[d], p))
        out = {}
        for d in ids:
            if d in self.sides:
                self.sides.move_to_end(d)
                out[d] = self.sides[d]
        while len(self.sides) > max(self.size, len(out)):
            self.sides.popitem(last=False)
        return out


def _verify_pairs(cache: _SideCache, pairs: Sequence[tuple[str, str, str]]) -> list[PairResult]:
    """Relate ``(a, b, channels)`` pairs, both sides read through ``cache``; returns the
    pairs with a relation."""
    config = cache.store.config
    sides = cache.get(sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs}))
    out = []
    for a, b, channels in pairs:
        if a not in sides or b not in sides:
            continue
        sa, sb = sides[a], sides[b]
        res = relate(sa.text, sb.text, sa.print, sb.print, config, sa.mask, sb.mask,
                     sa.features, sb.features, describe_all=False)
        res.scores["channels"] = channels  # type: ignore[assignment]
        if res.relation is not None:
            out.append(res)
    return out


_worker_cache: _SideCache | None = None


def _init_verify_worker(path: str) -> None:
    global _worker_cache
    die_with_parent()
    # A connection of its own: SQLite connections must not be used across a fork.
    _worker_cache = _SideCache(Store(path, readonly=True))


def _verify_in_worker(pairs: list[tuple[str, str, str]]) -> list[PairResult]:
    assert _worker_cache is not None, "pool started without _init_verify_worker"
    return _verify_pairs(_worker_cache, pairs)


def verify(
    store: Store,
    candidates: CandidatePairs,
    progress: Progress,
    chunk: int = 400,
    workers: int | None = None,
) -> Iterator[list[PairResult]]:
    """Align and relate every candidate pair; yields, chunk by chunk as they finish, the
    pairs with a relation (so a large scan writes them as it goes instead of holding
    them: 300,000 verified pairs hold about half a GB).

    Pairs go in locality order, ``chunk`` at a time, to ``workers`` processes (default:
    every core); each worker reads its chunks from the index file itself (reading them in
    this process and shipping them made it the bottleneck) and keeps the sides it read
    recently. Chunks are made as workers take them, a few ahead. The pairs found depend on
    neither ``chunk`` nor ``workers``.
    """
    workers = worker_count(workers)
    progress.stage("verifying candidate pairs", len(candidates))
    order = locality_order(candidates)
    names = candidates.names
    labels = {int(m): ",".join(sorted(channel_set(m))) for m in np.unique(candidates.channels)}

    def parts() -> Iterator[list[tuple[str, str, str]]]:
        for i in range(0, len(order), chunk):
            part = candidates.subset(order[i : i + chunk])
            yield [(*sorted((names[a], names[b])), labels[m]) for a, b, m in
                   zip(part.a.tolist(), part.b.tolist(), part.channels.tolist(), strict=True)]

    if workers == 1 or len(order) <= chunk or not store.on_disk:
        cache = _SideCache(store)
        for part in parts():
            yield _verify_pairs(cache, part)
            progress.advance(len(part))
        return
    with fork_pool(workers, _init_verify_worker, (store.path,)) as pool:
        todo = parts()
        running = {pool.submit(_verify_in_worker, p): len(p)
                   for p in islice(todo, 2 * workers)}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                progress.advance(running.pop(fut))
                if (p := next(todo, None)) is not None:
                    running[pool.submit(_verify_in_worker, p)] = len(p)


def pair_row(res: PairResult) -> PairRow:
    """Serialise a verified pair (alignment spans and unmatched sentences) for the store."""
    def spans(aligned: list[AlignedSpan]) -> list[dict[str, Any]]:
        if res.relation not in REUSE:
            return []
        return [{"a_span": list(s.a_span), "b_span": list(s.b_span), "level": s.level,
                 "similarity": s.similarity, "a_sentences": list(s.a_sentences),
                 "b_sentences": list(s.b_sentences), **({"gap": True} if s.gap else {})}
                for s in aligned]

    alignment = {
        "spans": spans(res.alignment),
        "moved": spans(res.moved),
        "unmatched_a": res.unmatched_a if res.relation in REUSE else [],
        "unmatched_b": res.unmatched_b if res.relation in REUSE else [],
        "boilerplate_a": res.boilerplate_a,
        "boilerplate_b": res.boilerplate_b,
    }
    return PairRow(res.a, res.b, res.relation or "", None, None, None, res.scores, alignment)


def detect(
    store: Store, report: ScanReport, progress: Progress, workers: int | None = None,
    cache: VectorCache | None = None,
) -> None:
    """Verify every pending document against the index; then mark it done."""
    pending = store.pending_ids()
    if not pending:
        return
    progress.stage("finding candidates", None)
    t0 = time.perf_counter()
    cands = find_candidates(store, pending, store.config, cache)
    # A scan stopped while verifying has saved some of these pairs without marking their
    # documents done; verification is deterministic, so they stand (at a million articles,
    # an hour of verifying is not redone). Pairs found unrelated are not stored and are
    # verified again.
    found = len(cands)
    cands = cands.without(store.pending_pairs())
    if cache is not None and len(pending) >= _RELEASE_SHARE * store.count_documents():
        # Verification and stories do not search the vector indexes, and the pool forked
        # for them would count their pages too (at a million articles, 3 GB). Loading
        # them back (2.4 s at 100,000 articles) costs about an eighth of verifying a tenth
        # of the corpus (20 s there).
        cache.release()
    t1 = time.perf_counter()
    report.candidates += found
    rows: list[PairRow] = []
    for results in verify(store, cands, progress, workers=workers):
        rows += (pair_row(r) for r in results)
        if len(rows) >= _SAVE_PAIRS:
            _save_pairs(store, rows, [])
            rows = []
    # Documents are marked done with the last pairs: a scan stopped before that verifies
    # them again, and their pairs saved so far are replaced.
    _save_pairs(store, rows, pending)
    report.verified += len(cands)
    report.stage_seconds["candidates"] = round(t1 - t0, 3)
    report.stage_seconds["verify"] = round(time.perf_counter() - t1, 3)


# Share of the corpus pending at which a scan lets the vector indexes go after the candidates
# stage (they are saved beside the index file and loaded again when next needed).
_RELEASE_SHARE = 0.1
# Verified pairs written per transaction during a scan.
_SAVE_PAIRS = 20_000


def _save_pairs(store: Store, rows: list[PairRow], done: Sequence[str]) -> None:
    store.save_pairs(rows, done, families_stale=any(r.relation in REUSE for r in rows))


def reuse_edges(store: Store) -> list[Edge]:
    """Stored reuse pairs as family edges with text evidence for their direction."""
    return provenance_evidence(store)[0]


def provenance_evidence(
    store: Store, members: Collection[str] | None = None,
    frequency: dict[int, int] | None = None,
) -> tuple[list[Edge], dict[str, Marks]]:
    """Reuse edges with their text evidence, and each member's marks of derivation, of
    every family or of the families made of ``members`` (whole families only).

    Needs every reuse pair of a family at once: whether a sentence was inserted by one side
    or dropped by the other depends on whether any third member of the family shares it.
    ``frequency`` caches the corpus-wide document counts of boilerplate sentences between
    calls on batches of families (see ``_template_lines``).
    """
    rows = store.pairs(relations=sorted(REUSE), among=members)
    ids = sorted({r.a for r in rows} | {r.b for r in rows})
    texts = store.texts(ids)
    prints = store.prints(ids)
    matched: dict[str, set[int]] = {d: set() for d in ids}
    boiler: dict[str, set[int]] = {d: set() for d in ids}
    prose = {d: [not looks_like_heading(s.text) for s in p.sentences]
             for d, p in prints.items()}
    for r in rows:
        al = r.alignment
        for sp in [*al.get("spans", []), *al.get("moved", [])]:
            matched[r.a].update(range(*sp["a_sentences"]))
            matched[r.b].update(range(*sp["b_sentences"]))
        if r.a in prose and r.b in prose:
            # A sentence reworded past alignment at a place where the other side has one
            # too was not added by either side (boilerplate is neither's own text).
            sub_a, sub_b = substituted(al.get("spans", []),
                                       _masked(prose[r.a], al.get("boilerplate_a", [])),
                                       _masked(prose[r.b], al.get("boilerplate_b", [])))
            matched[r.a].update(sub_a)
            matched[r.b].update(sub_b)
        boiler[r.a].update(al.get("boilerplate_a", []))
        boiler[r.b].update(al.get("boilerplate_b", []))
    template = _template_lines(store, rows, texts, prints, boiler,
                               {} if frequency is None else frequency)
    marks: dict[str, Marks] = {}
    inserted: dict[str, set[int]] = {}
    for d in ids:
        pr = prints.get(d)
        n = len(pr.sentences) if pr is not None else 0
        title = bool(n) and pr is not None and looks_like_heading(pr.sentences[0].text)
        inserted[d] = unsupported_sentences(n, matched[d], boiler[d], title)
        marks[d] = Marks(len(inserted[d]), len(template[d]))
    undated = {d.id for d in store.documents(ids) if d.published is None}
    keys = _sentence_details(rows, texts, prints, undated)
    whole = {d: frozenset().union(*k) for d, k in keys.items()}
    own = _own_details(rows, keys)
    edges = []
    for r in rows:
        al = r.alignment
        # A detail only the other side gives is not one this side lacks (``_own_details``).
        lost_a, lost_b = lost_details(
            [([keys[r.a][i] for i in range(*sp["a_sentences"]) if i < len(keys[r.a])],
              [keys[r.b][j] for j in range(*sp["b_sentences"]) if j < len(keys[r.b])])
             for sp in al.get("spans", []) if not sp.get("gap")],
            whole[r.a] | own.get(r.b, frozenset()), whole[r.b] | own.get(r.a, frozenset()),
        )
        signals = evidence_signals(
            # Only sentences no third member shares count as inserted (see families.py).
            inserted_a=len(inserted[r.a] & set(al.get("unmatched_a", []))),
            inserted_b=len(inserted[r.b] & set(al.get("unmatched_b", []))),
            boilerplate_a=len(template[r.a].intersection(al.get("boilerplate_a", []))),
            boilerplate_b=len(template[r.b].intersection(al.get("boilerplate_b", []))),
            lost_a=lost_a,
            lost_b=lost_b,
        )
        cov = (float(r.scores.get("coverage_a", 0)) + float(r.scores.get("coverage_b", 0))) / 2
        edges.append(Edge(r.a, r.b, r.relation, cov, sum(signals.values()), lost_a, lost_b,
                          tuple((k, v) for k, v in signals.items() if v),
                          float(r.scores.get("wording", 0.0))))
    return edges, marks


def _masked(flags: list[bool], off: Iterable[int]) -> list[bool]:
    out = list(flags)
    for i in off:
        if i < len(out):
            out[i] = False
    return out


def _template_lines(
    store: Store, rows: Sequence[PairRow], texts: dict[str, str],
    prints: dict[str, DocPrint], boiler: dict[str, set[int]], frequency: dict[int, int],
) -> dict[str, set[int]]:
    """Of each document's boilerplate sentences, those that mark it as a copy: a site's
    template (a bio, a newsletter line, a recurring heading).

    Verification keeps a sentence out of the evidence when it recurs far more than the rest
    of its document, which is also what happens to a quotation or a plain sentence that
    spinners keep word for word while rewording the rest: the original then holds it with
    its copies, and it would count against the original. A quotation is no template line,
    and neither is a sentence that no document outside the family holds.

    ``frequency`` (hash -> documents holding it) is read and filled: a site's template
    line recurs in every batch of families and is counted once.
    """
    flagged = {d: sorted(ix) for d, ix in boiler.items() if ix and d in prints}
    if not flagged:
        return boiler
    docs, label = _components([(r.a, r.b) for r in rows])
    family = dict(zip(docs, label.tolist(), strict=True))
    held: dict[tuple[int, int], int] = {}  # (family, hash) -> members holding it
    for d, pr in prints.items():
        for h in set(pr.sentence_hashes.tolist()):
            held[family[d], h] = held.get((family[d], h), 0) + 1
    hashes = {d: prints[d].sentence_hashes[ix].tolist() for d, ix in flagged.items()}
    missing = {h for hs in hashes.values() for h in hs if h not in frequency}
    if missing:
        counted = store.sentence_frequency(missing)
        frequency.update((h, counted.get(h, 0)) for h in missing)
    everywhere = frequency
    out = {d: set() for d in boiler}
    for d, ix in flagged.items():
        quoted = quoted_sentences(texts.get(d, ""), prints[d])
        out[d] = {i for i, h in zip(ix, hashes[d], strict=True)
                  if not quoted[i] and everywhere.get(h, 0) > held[family[d], h]}
    return out


def _sentence_details(
    rows: Sequence[PairRow],
    texts: dict[str, str],
    prints: dict[str, DocPrint],
    undated: set[str],
) -> dict[str, list[frozenset[str]]]:
    """Detail keys of every sentence of every reuse member; headings have none (spinners
    title-case them, which turns common words into apparent names). Acronyms are learned
    from the whole family so "LDP" and "Liberal Democratic Party" count as one detail.

    Families whose members all carry publication times are ordered by time, so their
    details are not extracted (entity extraction is the costliest step here)."""
    neighbours: dict[str, set[str]] = {}
    for r in rows:
        neighbours.setdefault(r.a, set()).add(r.b)
        neighbours.setdefault(r.b, set()).add(r.a)
    out: dict[str, list[frozenset[str]]] = {}
    seen: set[str] = set()
    for start in sorted(neighbours):
        if start in seen:
            continue
        family, stack = [], [start]
        seen.add(start)
        while stack:
            d = stack.pop()
            family.append(d)
            for n in sorted(neighbours[d] - seen):
                seen.add(n)
                stack.append(n)
        if not undated.intersection(family):
            out.update({d: [] for d in family})
            continue
        knowledge = learn_from(*(texts[d] for d in family if d in texts))
        # Copies and light edits repeat most of their source's sentences word for word.
        cache: dict[str, frozenset[str]] = {}
        for d in family:
            pr = prints.get(d)
            out[d] = [] if pr is None else [
                _details(s.text, knowledge, cache) for s in pr.sentences]
    return out


def _own_details(
    rows: Sequence[PairRow], keys: Mapping[str, Sequence[frozenset[str]]]
) -> dict[str, frozenset[str]]:
    """Details only one member of a family of three or more gives, past its first sentence:
    what it added (a sub-heading run into the next sentence of a text without line breaks
    reads as names), not what all the others lost. The first sentence is left out: an
    agency's dateline and credit ("BRESKA, 11 March (Example News Wire) - ") open the
    original, and every copy may drop them."""
    whole = {d: frozenset().union(*k) for d, k in keys.items()}
    docs, label = _components([(r.a, r.b) for r in rows])
    families: dict[int, list[str]] = {}
    for d, f in zip(docs, label.tolist(), strict=True):
        families.setdefault(f, []).append(d)
    out: dict[str, frozenset[str]] = {}
    for family in families.values():
        if len(family) < 3:
            continue
        held = Counter(k for d in family for k in whole.get(d, frozenset()))
        for d in family:
            first = keys[d][0] if keys.get(d) else frozenset()
            out[d] = frozenset(k for k in whole.get(d, frozenset())
                               if held[k] == 1 and k not in first)
    return out


def _details(sentence: str, knowledge: Knowledge, cache: dict[str, frozenset[str]]
             ) -> frozenset[str]:
    if looks_like_heading(sentence):
        return frozenset()
    if sentence not in cache:
        cache[sentence] = detail_keys(sentence, knowledge)
    return cache[sentence]


def rebuild_families(
    store: Store, touched: Collection[str] | None = None, workers: int | None = None
) -> None:
    """Recompute families and provenance from the stored reuse pairs; write each reuse
    pair's direction back to the pairs table.

    With ``touched``, only the families holding a touched document are recomputed (the
    others have the same pairs, so the same result); all are then numbered again in order
    of their first member, as a full rebuild numbers them. Families are worked out a few
    thousand documents at a time, each family whole: their pairs with alignments, texts
    and prints read together grew with the corpus (most of a GB at 100,000 articles)."""
    seq = store.last_seq()
    order = store.ids()
    reworded = store.reworded_links(sorted(REUSE))
    lone = lone_links(reworded, store.checked_links(sorted(REUSE)), store.config)
    if lone:
        store.demote_pairs(sorted(lone), SAME_STORY, LONE_LINK_NOTE)
    # The reuse pairs as read above, less the demoted ones, in the order they were read.
    links = [(a, b) for a, b, *_ in reworded if (a, b) not in lone]
    del reworded
    kept: list[dict[str, object]] = []
    if touched is not None:
        members = _families_of(links, touched)
        kept = [f for f in store.families()
                if not any(m["doc_id"] in members for m in f["members"])]  # type: ignore[attr-defined]
        links = [(a, b) for a, b in links if a in members]
    rows: list[dict[str, object]] = []
    directions: list[_Direction] = []
    rank = {d: i for i, d in enumerate(order)}
    batches = list(_family_batches(links, _FAMILY_BATCH_DOCS))
    del links
    workers = worker_count(workers)
    if workers == 1 or len(batches) < 2 or not store.on_disk:
        frequency: dict[int, int] = {}
        done: Iterable[_FamilyRows] = (_family_rows(store, b, rank, frequency) for b in batches)
        for r, d in done:
            rows += r
            directions += d
    else:
        # Batches hold whole families, so they are worked out apart; each worker reads the
        # index itself (the pairs' alignments are most of the stage: 200-260 s at 1M).
        with fork_pool(min(workers, len(batches)), _init_family_worker,
                       (store.path, rank)) as pool:
            for r, d in pool.map(_family_rows_in_worker, batches):
                rows += r
                directions += d
    rows = kept + rows
    rows.sort(key=lambda f: rank[f["members"][0]["doc_id"]])  # type: ignore[index]
    store.replace_families([{**f, "id": i} for i, f in enumerate(rows, start=1)])
    store.set_pair_directions(directions)
    store.mark_families_fresh(seq)


LONE_LINK_NOTE = ("no reuse with the other member's sources: the facts it shares with a"
                  " condensed or partial rewrite are the event's")


def lone_links(
    links: Sequence[tuple[str, str, float, float, float]],
    checked: Iterable[tuple[str, str]],
    config: Config,
) -> set[tuple[str, str]]:
    """Reuse pairs that join a document to a family on its own, reworded
    (``paraphrase_max_wording``), to a member that covers less than
    ``paraphrase_min_coverage`` of the document, where the document was also verified
    against two or more of that member's other reuse partners and found no reuse there.

    A condensed rewrite keeps the event's main facts, and an independent report of the
    event tells all of them in its own words: the pair aligns, reworded, covering most of
    the summary and half of the report. A document really made from the summary would be
    mostly covered by it, and would show reuse of the summary's own source too. (Spun set
    10: two independent reports joined families through the condensed rewrite only,
    same_story with the original and its spins.) The member must have two partners
    besides the document: with one, as in an original, its summary and a report, either
    long document could be the summary's source."""
    neighbours: dict[str, list[str]] = {}
    for a, b, *_ in links:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    suspects: list[tuple[str, str, tuple[str, str]]] = []  # (document, member, pair)
    for a, b, wording, cov_a, cov_b in links:
        if wording is None or wording >= config.paraphrase_max_wording:
            continue
        for doc, member, covered in ((a, b, cov_a), (b, a, cov_b)):
            if (len(neighbours[doc]) == 1 and len(neighbours[member]) >= 3
                    and covered is not None and covered < config.paraphrase_min_coverage):
                suspects.append((doc, member, (a, b)))
    if not suspects:
        return set()
    docs = {doc for doc, _, _ in suspects}
    seen = {frozenset(k) for k in checked if k[0] in docs or k[1] in docs}
    return {pair for doc, member, pair in suspects
            if sum(frozenset((doc, o)) in seen for o in neighbours[member] if o != doc) >= 2}


# Documents whose families rebuild_families works out together (each family whole).
_FAMILY_BATCH_DOCS = 2_000

_Direction = tuple[str, str, str | None, float, str]
_FamilyRows = tuple[list[dict[str, object]], list[_Direction]]


def _family_rows(
    store: Store, batch: list[str], rank: Mapping[str, int], frequency: dict[int, int]
) -> _FamilyRows:
    """The family rows and pair directions of one batch of whole families."""
    published = {d.id: d.published for d in store.documents(batch)}
    edges, marks = provenance_evidence(store, batch, frequency)
    # The batch in index order orders its families as the whole index would; ranking
    # every document of the index for each batch took a fifth of the stage at 1M.
    fams = build_families(sorted(batch, key=rank.__getitem__), edges, published, marks)
    rows: list[dict[str, object]] = [
        {"id": f.id, "source": f.source, "source_reason": f.source_reason, "tree": f.tree(),
         "members": [{"doc_id": m, "role": f.role.get(m, "rewrite"),
                      "parent": f.parent.get(m)} for m in f.members]}
        for f in fams
    ]
    directions = [(a, b, d.source, d.confidence, d.reason)
                  for f in fams for (a, b), d in sorted(f.directions.items())]
    return rows, directions


_family_worker: tuple[Store, Mapping[str, int], dict[int, int]] | None = None


def _init_family_worker(path: str, rank: Mapping[str, int]) -> None:
    global _family_worker
    die_with_parent()
    _family_worker = (Store(path, readonly=True), rank, {})


def _family_rows_in_worker(batch: list[str]) -> _FamilyRows:
    assert _family_worker is not None, "pool started without _init_family_worker"
    store, rank, frequency = _family_worker
    return _family_rows(store, batch, rank, frequency)


def _family_batches(links: Sequence[tuple[str, str]], size: int) -> Iterator[list[str]]:
    """The documents of the connected components of ``links``, whole components packed
    into lists of about ``size`` documents (a larger component alone), in id order."""
    docs, label = _components(links)
    if not docs:
        return
    order = np.argsort(label, kind="stable")
    batch: list[str] = []
    for group in np.split(order, np.flatnonzero(np.diff(label[order])) + 1):
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch += [docs[i] for i in group]
    if batch:
        yield batch


def _components(links: Sequence[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    """The documents of ``links`` in id order and the connected component of each,
    numbered in order of their first document."""
    docs = sorted({d for link in links for d in link})
    code = {d: i for i, d in enumerate(docs)}
    a = np.fromiter((code[x] for x, _ in links), np.int64, len(links))
    b = np.fromiter((code[y] for _, y in links), np.int64, len(links))
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(len(docs), len(docs)))
    return docs, connected_components(graph, directed=False)[1]


def _families_of(links: Sequence[tuple[str, str]], touched: Collection[str]) -> set[str]:
    """Every document connected through ``links`` to a touched one (touched included when
    linked at all)."""
    neighbours: dict[str, list[str]] = {}
    for a, b in links:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen = {d for d in touched if d in neighbours}
    stack = list(seen)
    while stack:
        for n in neighbours[stack.pop()]:
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return seen


def update_families(store: Store) -> None:
    """Bring families up to date unless no reuse pair was saved since they were last built
    (documents that joined no family change no family). Only the families of documents
    added since then are recomputed, when that point is known."""
    if store.families_fresh():
        return
    since = store.families_seq()
    rebuild_families(store, None if since is None else store.ids(after=since))


def index_records(
    records: Iterable[Document | ReadError],
    store: Store,
    encoder: Encoder,
    progress: Progress | None = None,
    after_detect: Callable[[Store], None] | None = None,
    workers: int | None = None,
    cache: VectorCache | None = None,
) -> ScanReport:
    """Index ``records`` (documents, or read errors to report) and update pairs, families
    and, through ``after_detect``, stories; the report carries each stage's seconds.
    ``cache``: vector indexes kept between calls (``find_candidates``)."""
    t0 = last = time.perf_counter()
    progress = progress or Progress()
    report = ScanReport()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        report.stage_seconds[name] = round(now - last, 3)
        last = now

    ingest(records, store, encoder, report, progress, workers=workers)
    lap("ingest")
    detect(store, report, progress, workers, cache)  # times its candidates and verify stages
    last = time.perf_counter()
    progress.stage("building families")
    update_families(store)
    lap("families")
    if after_detect is not None:
        progress.stage("grouping stories")
        after_detect(store)
        lap("stories")
    progress.finish()
    report.seconds = time.perf_counter() - t0
    return report
