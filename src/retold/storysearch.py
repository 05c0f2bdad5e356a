"""Candidate stories for new documents: a time-windowed search plus an archive.

A dated document can only join a story whose first report is within ``window_days`` of it
unless the two are "very similar" (``window_override``). Searching every story's sketch for
every document is quadratic in the corpus (the story stage took 58.9 s at 100,000 generated
articles and 1,144.8 s at a million), so dated documents search only the stories whose first
report comes within the window of theirs, and the very-similar exception is served by
:class:`StoryArchive`: an approximate (HNSW) index over the sketches of stories that have
left the window of a batch. Undated documents, which no window constrains, still search
every story.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

# Neighbours read from the archive per document, and the graph's search breadth.
ARCHIVE_K = 8
_ARCHIVE_EF = 32
_ARCHIVE_M = 16


def knn(q: np.ndarray, base: np.ndarray, k: int) -> np.ndarray:
    """Row indices of the ``k`` rows of ``base`` with the largest inner product with each
    row of ``q`` (exact; ``-1`` where ``base`` has fewer rows)."""
    k = min(k, base.shape[0])
    if k == 0 or q.shape[0] == 0:
        return np.full((q.shape[0], 0), -1, dtype=np.int64)
    import faiss

    _, idx = faiss.knn(q, np.ascontiguousarray(base), k, metric=faiss.METRIC_INNER_PRODUCT)
    return idx


def time_chunks(times: np.ndarray, window: float) -> list[slice]:
    """Split ascending ``times`` into runs that each span at most ``window``: the stories
    within the window of a run are one search for all of its documents."""
    out: list[slice] = []
    start = 0
    for i in range(1, len(times) + 1):
        if i == len(times) or times[i] - times[start] > window:
            out.append(slice(start, i))
            start = i
    return out


def near_in_time(t_min: np.ndarray, lo: float, hi: float, window: float) -> np.ndarray:
    """Stories whose first report (``t_min``) some time in ``[lo, hi]`` is within
    ``window`` of, and stories without a time, which no window excludes."""
    undated = np.isnan(t_min)
    return np.flatnonzero(undated | ((t_min >= lo - window) & (t_min <= hi + window)))


class StoryArchive:
    """Sketches of stories as they were when they left a batch's time window.

    A story that grows after it was archived is archived again, and its older entries
    stay: every entry still names the right story, and the exact score of a candidate
    never reads the sketch. Insertion runs on one thread so that the graph, and with it the
    stories, do not depend on thread timing.
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.entry_story = np.zeros(0, dtype=np.int64)
        self.archived_size = np.zeros(0, dtype=np.int64)  # 0: not archived
        self._index: Any = None  # a faiss IndexHNSWSQ once a story is archived

    def __len__(self) -> int:
        return len(self.entry_story)

    def _graph(self) -> Any:
        if self._index is None:
            import faiss

            self._index = faiss.IndexHNSWSQ(self.dim, faiss.ScalarQuantizer.QT_fp16,
                                            _ARCHIVE_M, faiss.METRIC_INNER_PRODUCT)
        return self._index

    def update(self, out_of_window: np.ndarray, sizes: np.ndarray,
               sketches: np.ndarray) -> None:
        """Archive the stories of ``out_of_window`` not archived at their current size."""
        n = len(sizes)
        if len(self.archived_size) < n:
            self.archived_size = np.concatenate(
                [self.archived_size, np.zeros(n - len(self.archived_size), np.int64)])
        new = out_of_window[self.archived_size[out_of_window] != sizes[out_of_window]]
        if len(new) == 0:
            return
        import faiss

        graph = self._graph()
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            graph.add(np.ascontiguousarray(sketches[new], dtype=np.float32))
        finally:
            faiss.omp_set_num_threads(threads)
        self.entry_story = np.concatenate([self.entry_story, new])
        self.archived_size[new] = sizes[new]

    def search(self, q: np.ndarray, floor: float) -> list[np.ndarray]:
        """Per row of ``q``, the archived stories whose sketch scores at least ``floor``."""
        if len(self) == 0:
            return [np.zeros(0, dtype=np.int64) for _ in range(q.shape[0])]
        graph = self._graph()
        graph.hnsw.efSearch = _ARCHIVE_EF
        scores, idx = graph.search(np.ascontiguousarray(q, dtype=np.float32),
                                   min(ARCHIVE_K, len(self)))
        keep = (idx >= 0) & (scores >= floor)
        return [self.entry_story[idx[r][keep[r]]] for r in range(q.shape[0])]

    def iter_arrays(self) -> Iterator[tuple[str, np.ndarray | SerializedIndex]]:
        """The archive's arrays, the graph as a stream: serialised whole, it is built in
        faiss's buffer and copied out (450 MB at a million articles)."""
        graph = (SerializedIndex(self._index) if self._index is not None
                 else np.zeros(0, np.uint8))
        yield "archive_graph", graph
        yield "archive_entry_story", self.entry_story
        yield "archive_size", self.archived_size

    @classmethod
    def from_arrays(cls, dim: int, arrays: Mapping[str, np.ndarray]) -> StoryArchive:
        """Inverse of :meth:`iter_arrays`; a state saved before the archive existed gives an
        empty one, which the next batch fills with every story out of its window."""
        self = cls(dim)
        if "archive_entry_story" not in arrays:
            return self
        self.entry_story = np.asarray(arrays["archive_entry_story"], dtype=np.int64).copy()
        self.archived_size = np.asarray(arrays["archive_size"], dtype=np.int64).copy()
        graph = np.asarray(arrays["archive_graph"], dtype=np.uint8)
        if len(graph):
            import faiss

            self._index = faiss.deserialize_index(graph)
        return self


@dataclass(frozen=True, slots=True)
class SerializedIndex:
    """A faiss index as the bytes ``faiss.serialize_index`` gives, written as it is
    serialised; its length costs one serialisation that keeps nothing (a .npy header comes
    before the bytes)."""

    index: Any

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.uint8)

    def __len__(self) -> int:
        import faiss

        count = [0]

        def add(b: bytes) -> int:
            count[0] += len(b)
            return len(b)

        faiss.write_index(self.index, faiss.PyCallbackIOWriter(add))
        return count[0]

    def write_to(self, f: BinaryIO) -> None:
        import faiss

        faiss.write_index(self.index, faiss.PyCallbackIOWriter(f.write))

    def whole(self) -> np.ndarray:
        import faiss

        return faiss.serialize_index(self.index)
