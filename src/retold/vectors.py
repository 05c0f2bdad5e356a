"""The document and sentence vector indexes of a store, kept between searches.

A server answers many checks between writes and ingests a few documents at a time, and a
scan of a few new files into a large index would otherwise train its indexes over every stored
vector again, so ``VectorCache`` keeps the two faiss indexes, adds new documents to them as the
store grows (documents are never deleted, so the newest insertion number is a generation
number), and saves them next to the index file (``<index>.vectors/``) for the next process.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from retold.candidates import (
    FLAT_INDEX_MAX_ROWS,
    CellPlan,
    RowDocs,
    build_sentence_index,
    build_vector_index,
    centre_units_in_place,
    train_sentence_index,
    unit_rows,
)
from retold.store import Store

log = logging.getLogger(__name__)

_FORMAT = "retold-vectors/1"
# Saved again when this share of the snapshot's documents arrived since the last save (the
# saved sentence index of 100,000 documents is 1 GB: not something to write after every add).
_RESAVE_SHARE = 0.1


def cache_dir(store: Store) -> Path | None:
    """Where the vector indexes of an index file are saved (None for an in-memory store)."""
    return Path(f"{store.path}.vectors") if store.on_disk else None


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

    Documents added since the last look are added to the indexes (a server that ingests
    and checks in turn would otherwise rebuild them after every ingest: 30 s at 100,000
    documents); when the corpus has doubled since the last full build, they are rebuilt,
    so IVF cells and the centring mean follow the corpus. Thread-safe: one update at a
    time; with ``shared``, updates go into copies, so readers can keep searching whichever
    complete snapshot they hold (faiss indexes allow concurrent searches).
    """

    def __init__(self, directory: str | Path | None = None, shared: bool = True) -> None:
        self.directory = Path(directory) if directory is not None else None
        # Whether other threads may be searching a snapshot while it is extended: then new
        # documents go into copies of the indexes (twice their memory for a moment), else
        # into the indexes themselves.
        self.shared = shared
        self._lock = threading.Lock()
        self._current: Vectors | None = None
        self._saved: tuple[int, int, int] | None = None  # seq, built_docs, documents on disk
        self._index_id: str | None = None  # of the store the snapshot came from

    @property
    def current(self) -> Vectors | None:
        """The latest snapshot, without looking at the store (None before the first get)."""
        return self._current

    def get(self, store: Store) -> Vectors:
        return self.get_for_scan(store, None)[0]

    def get_for_scan(
        self, store: Store, first_pending: int | None
    ) -> tuple[Vectors, CellPlan | None]:
        """``get``, for a scan whose pending documents are those from insertion number
        ``first_pending`` on (None: any others). When that takes a full build of an IVF
        sentence index, the snapshot comes back unpublished with the index trained and
        holding only the rows before ``first_pending``, and the ``CellPlan`` through which
        the scan adds the rest as it queries them; it hands the snapshot over with
        ``adopt`` when done."""
        seq = store.last_seq()
        current = self._current
        if current is not None and current.seq == seq:
            return current, None
        with self._lock:
            current = self._current
            if current is None:
                self._index_id = store.index_id
            if current is None and self.directory is not None:
                current = self._current = _load(self.directory, store)
                if current is not None:
                    self._saved = (current.seq, current.built_docs, len(current.doc_ids))
            if current is not None and current.seq == seq:
                return current, None
            extended = (_extend_vectors(store, current, seq, self.shared)
                        if current is not None else None)
            if extended is None and first_pending is not None:
                planned = _plan_vectors(store, seq, first_pending)
                if planned is not None:
                    return planned
            self._current = extended or _build_vectors(store, seq)
            return self._current, None

    def adopt(self, vectors: Vectors) -> None:
        """Publish a snapshot completed by its caller (see ``get_for_scan``)."""
        with self._lock:
            if self._current is None or self._current.seq <= vectors.seq:
                self._current = vectors

    def save(self) -> bool:
        """Write the current snapshot to ``directory`` if it was never saved, was rebuilt
        since, or grew by a tenth; returns whether it wrote. A snapshot loaded later is
        brought up to date with what came after it. Files are replaced one by one with the
        description written last, so a crash leaves either a consistent set or none that
        loads."""
        with self._lock:
            current = self._current
            if self.directory is None or current is None:
                return False
            if self._saved is not None:
                seq, built, n_docs = self._saved
                grown = len(current.doc_ids) - n_docs
                if current.seq == seq or (built == current.built_docs
                                          and grown < _RESAVE_SHARE * len(current.doc_ids)):
                    return False
            try:
                _save(self.directory, current, self._index_id)
            except OSError as exc:
                log.warning("could not save the vector indexes to %s: %s", self.directory, exc)
                return False
            self._saved = (current.seq, current.built_docs, len(current.doc_ids))
            return True

    def release(self) -> bool:
        """Forget the snapshot if the saved one is as recent, so its memory goes back; the
        next ``get`` loads it from ``directory``. Returns whether it was released (not
        without a directory, nor when saving failed or was not due)."""
        self.save()
        with self._lock:
            current = self._current
            if current is None or self._saved is None or self._saved[0] != current.seq:
                return False
            self._current = None
        del current
        _give_back_freed_memory()
        return True


def _give_back_freed_memory() -> None:
    """Return the heap's free pages to the system. An index's cells are thousands of small
    allocations among the Python objects made while it was searched, so glibc keeps the
    pages they free: at 100,000 articles dropping the loaded indexes gave back 43 of 381
    MB, and trimming the rest. Elsewhere than glibc this does nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _save(directory: Path, v: Vectors, index_id: str | None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    meta_path = directory / "meta.json"
    if meta_path.exists():
        meta_path.unlink()
    names = {"docs.faiss": v.doc_index, "sentences.faiss": v.sentence_index}
    for name, index in names.items():
        path = directory / name
        if index is None:
            path.unlink(missing_ok=True)
            continue
        tmp = directory / (name + ".tmp")
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)
    meta = {
        "format": _FORMAT, "index_id": index_id, "seq": v.seq, "built_docs": v.built_docs,
        "n_docs": len(v.doc_ids), "first_id": v.doc_ids[0] if v.doc_ids else None,
        "last_id": v.doc_ids[-1] if v.doc_ids else None,
        "n_rows": len(v.sentence_docs.codes),
        "mean": None if v.mean is None else [float(x) for x in v.mean],
        "docs": v.doc_index is not None, "sentences": v.sentence_index is not None,
    }
    tmp = directory / "meta.json.tmp"
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, meta_path)


def _load(directory: Path, store: Store) -> Vectors | None:
    """The snapshot saved in ``directory`` if it matches ``store`` (same documents up to its
    seq, same row counts), else None: the caller builds afresh."""
    meta_path = directory / "meta.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if (meta.get("format") != _FORMAT or meta.get("index_id") is None
                or meta["index_id"] != store.index_id or int(meta["seq"]) > store.last_seq()):
            return None
        doc_ids, rows = store.vector_rows(upto=int(meta["seq"]))
        if (len(doc_ids) != meta["n_docs"] or sum(rows) != meta["n_rows"]
                or (doc_ids and (doc_ids[0], doc_ids[-1]) != (meta["first_id"],
                                                               meta["last_id"]))):
            return None
        doc_index = faiss.read_index(str(directory / "docs.faiss")) if meta["docs"] else None
        sentence_index = (faiss.read_index(str(directory / "sentences.faiss"))
                          if meta["sentences"] else None)
        if ((doc_index.ntotal if doc_index is not None else 0) != (len(doc_ids)
                                                                   if meta["docs"] else 0)
                or (sentence_index.ntotal if sentence_index is not None else 0)
                != (sum(rows) if meta["sentences"] else 0)):
            return None
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        log.warning("ignoring the saved vector indexes in %s: %s", directory, exc)
        return None
    mean = None if meta["mean"] is None else np.asarray(meta["mean"], dtype=np.float32)
    return Vectors(int(meta["seq"]), doc_ids, mean, doc_index, RowDocs.from_counts(doc_ids, rows),
                   sentence_index, int(meta["built_docs"]))


def _doc_index(
    store: Store, seq: int, vector_rows: tuple[list[str], list[int]] | None = None
) -> tuple[list[str], np.ndarray | None, faiss.Index | None, RowDocs]:
    """The documents up to ``seq``: ids, mean vector, document index, sentence rows
    (from ``vector_rows`` when the caller read them already)."""
    ids, mat = store.doc_vectors(upto=seq)
    mean = doc_index = None
    if len(ids):
        # News articles share a strong common direction in embedding space (genre,
        # register); removing the corpus mean leaves what tells one article from another,
        # where it would otherwise make every document a neighbour of every other.
        mean = mat.mean(axis=0)
        centre_units_in_place(mat, mean)
        doc_index = build_vector_index(mat)
        del mat
    row_ids, rows = vector_rows or store.vector_rows(upto=seq)
    # The same documents in the same order: share ``ids``' strings (a million at a million
    # articles) rather than hold a second copy of each.
    return ids, mean, doc_index, RowDocs.from_counts(ids if row_ids == ids else row_ids, rows)


def _plan_vectors(store: Store, seq: int, first_pending: int) -> tuple[Vectors, CellPlan] | None:
    """``_build_vectors``'s snapshot with the sentence rows from ``first_pending`` on left
    for the scan to add (``VectorCache.get_for_scan``), or None where the sentence index
    would be exact (no cells to plan)."""
    vector_rows = store.vector_rows(upto=seq)
    if sum(vector_rows[1]) <= FLAT_INDEX_MAX_ROWS:
        return None
    ids, mean, doc_index, row_docs = _doc_index(store, seq, vector_rows)
    n_rows = len(row_docs.codes)

    def blocks() -> Iterator[np.ndarray]:
        return (block for _, block in store.sentence_vector_blocks(upto=seq))

    index = train_sentence_index(blocks, n_rows)
    plan = CellPlan(index, blocks, n_rows)
    for _, block in store.sentence_vector_blocks(upto=first_pending - 1):
        plan.add(block)
    _give_back_freed_memory()
    return Vectors(seq, ids, mean, doc_index, row_docs, index, len(ids)), plan


def _build_vectors(store: Store, seq: int) -> Vectors:
    ids, mean, doc_index, row_docs = _doc_index(store, seq)
    n_rows = len(row_docs.codes)
    # Read in blocks (three times when large) rather than whole: 1.9 million rows are 1 GB.
    sentence_index = (build_sentence_index(
        lambda: (block for _, block in store.sentence_vector_blocks(upto=seq)), n_rows)
        if n_rows else None)
    # The build's sample, k-means and cell assignments were freed among the cells' small
    # allocations, and glibc keeps such pages: at 100,000 articles trimming gave back 111
    # of the 552 MB held after the build.
    _give_back_freed_memory()
    return Vectors(seq, ids, mean, doc_index, row_docs, sentence_index, len(ids))


def _extend_vectors(store: Store, current: Vectors, seq: int, copy: bool) -> Vectors | None:
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
    doc_index = faiss.clone_index(current.doc_index) if copy else current.doc_index
    sentence_index = (faiss.clone_index(current.sentence_index) if copy
                      else current.sentence_index)
    if len(ids):
        doc_index.add(unit_rows(mat - current.mean))
    if len(row_ids):
        sentence_index.add(np.ascontiguousarray(svecs, dtype=np.float32))
    return Vectors(seq, current.doc_ids + ids, current.mean, doc_index,
                    current.sentence_docs.extended(row_ids), sentence_index, current.built_docs)
