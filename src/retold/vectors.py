"""The document and sentence vector indexes of a store, kept between searches.

A scan builds its vector indexes once per batch; a server answers many checks between writes
and ingests a few documents at a time, so ``VectorCache`` keeps the two faiss indexes and
adds new documents to them as the store grows (documents are never deleted, so the newest
insertion number is a generation number).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import faiss
import numpy as np

from retold.candidates import (
    FLAT_INDEX_MAX_ROWS,
    SENTENCE_NPROBE,
    RowDocs,
    build_vector_index,
    unit_rows,
)
from retold.store import Store


@dataclass(frozen=True, slots=True)
class Vectors:
    seq: int
    """The newest document included (``Store.last_seq`` when built or extended)."""
    doc_ids: list[str]
    mean: np.ndarray | None
    doc_index: faiss.Index | None
    sentence_docs: RowDocs
    sentence_index: faiss.Index | None
    built_docs: int
    """Documents at the last full build; the indexes are rebuilt when the corpus doubles."""


class VectorCache:
    """Document and sentence vector indexes of a store, kept in step with it as it grows.

    Documents added since the last look are added to copies of the indexes (a server that
    ingests and checks in turn would otherwise rebuild them after every ingest: 30 s at
    100,000 documents); when the corpus has doubled since the last full build, they are
    rebuilt, so IVF cells and the centring mean follow the corpus. Thread-safe: one update
    at a time; readers use whichever complete snapshot is current (faiss indexes allow
    concurrent searches, and a snapshot's indexes are never modified).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: Vectors | None = None

    @property
    def current(self) -> Vectors | None:
        """The latest snapshot, without looking at the store (None before the first get)."""
        return self._current

    def get(self, store: Store) -> Vectors:
        seq = store.last_seq()
        current = self._current
        if current is not None and current.seq == seq:
            return current
        with self._lock:
            current = self._current
            if current is None or current.seq != seq:
                current = (_extend_vectors(store, current, seq) if current is not None
                           else None) or _build_vectors(store, seq)
                self._current = current
            return current


def _build_vectors(store: Store, seq: int) -> Vectors:
    ids, mat = store.doc_vectors(upto=seq)
    mean = doc_index = None
    if len(ids):
        # Centred as in pipeline.find_candidates: the common "news article" direction would
        # otherwise make every document a neighbour of every other.
        mean = mat.mean(axis=0)
        doc_index = build_vector_index(unit_rows(mat - mean))
    row_ids, svecs = store.sentence_vectors(upto=seq)
    sentence_index = build_vector_index(svecs, SENTENCE_NPROBE) if len(row_ids) else None
    return Vectors(seq, ids, mean, doc_index, RowDocs.of(row_ids), sentence_index, len(ids))


def _extend_vectors(store: Store, current: Vectors, seq: int) -> Vectors | None:
    """``current`` with the documents up to ``seq`` added, or None when a full build is due
    (the corpus doubled, an index is missing, or a flat index outgrew its size)."""
    ids, mat = store.doc_vectors(after=current.seq, upto=seq)
    if (current.doc_index is None or current.mean is None or current.sentence_index is None
            or len(current.doc_ids) + len(ids) > 2 * current.built_docs):
        return None
    row_ids, svecs = store.sentence_vectors(after=current.seq, upto=seq)
    for index, added in ((current.doc_index, len(ids)), (current.sentence_index, len(row_ids))):
        if isinstance(index, faiss.IndexFlat) and index.ntotal + added > FLAT_INDEX_MAX_ROWS:
            return None
    doc_index = faiss.clone_index(current.doc_index)
    sentence_index = faiss.clone_index(current.sentence_index)
    if len(ids):
        doc_index.add(unit_rows(mat - current.mean))
    if len(row_ids):
        sentence_index.add(np.ascontiguousarray(svecs, dtype=np.float32))
    return Vectors(seq, current.doc_ids + ids, current.mean, doc_index,
                    current.sentence_docs.extended(row_ids), sentence_index, current.built_docs)
