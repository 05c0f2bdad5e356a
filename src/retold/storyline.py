"""The stories stage of the local pipeline: feed new documents to the persisted StoryIndex.

The index state lives in the store as one npz blob; each run adds only documents it has not
seen, so adding documents never re-clusters the corpus. A reuse family always sits inside
one story: members the story index put elsewhere follow the family's majority story.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections import Counter, deque
from itertools import islice
from typing import BinaryIO

import numpy as np

from retold.fingerprints import Encoder
from retold.pool import die_with_parent, fork_pool
from retold.store import Store
from retold.stories import Pieces, StoryFeatures, StoryIndex, StoryParams, featurize
from retold.storysearch import SerializedIndex

STATE_KEY = "story_index"


def _features(
    store: Store, ids: list[str], params: StoryParams, encoder: Encoder | None
) -> StoryFeatures:
    docs = [store.document(i) for i in ids]
    return featurize([d for d in docs if d is not None], params, encoder)


_worker: tuple[Store, Encoder | None] | None = None


def _init_story_worker(path: str, encoder: Encoder | None) -> None:
    global _worker
    die_with_parent()
    # A connection of its own: SQLite connections must not be used across a fork.
    _worker = (Store(path, readonly=True), encoder)


def _features_in_worker(ids: list[str], params: StoryParams) -> StoryFeatures:
    assert _worker is not None, "pool started without _init_story_worker"
    return _features(_worker[0], ids, params, _worker[1])


def load_story_index(store: Store, params: StoryParams | None = None) -> StoryIndex:
    """The saved state, read through a temporary file so that each array is inflated only
    when the index takes it (a million articles' state held whole, then inflated whole,
    took 6.2 GB to load)."""
    with tempfile.TemporaryFile() as tmp:
        if not store.get_state_file(STATE_KEY, tmp):
            return StoryIndex(params)
        tmp.seek(0)
        with np.load(tmp, allow_pickle=False) as npz:
            return StoryIndex.from_arrays(npz)


def save_story_index(store: Store, index: StoryIndex) -> None:
    """The index state as an npz, deflated at level 1 (the default level took 1.9 s of each
    save at 100,000 documents, half of a one-document add, for a blob 6% smaller).

    It is written to a temporary file one array at a time and stored in parts: at a million
    articles the state passes SQLite's billion-byte limit on one value, and building it in
    memory cost 3.5 GB on top of the index."""
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, arr in index.iter_arrays():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as f:
                    if isinstance(arr, np.ndarray):
                        np.lib.format.write_array(f, arr, allow_pickle=False)
                    else:
                        _write_streamed(f, arr)
                del arr  # before the next array is made
        tmp.seek(0)
        store.set_state_file(STATE_KEY, tmp)


def _write_streamed(f: BinaryIO, arr: Pieces | SerializedIndex) -> None:
    """An .npy of a one-dimensional array that is written as it is made."""
    np.lib.format.write_array_header_1_0(f, {
        "descr": np.lib.format.dtype_to_descr(arr.dtype), "fortran_order": False,
        "shape": (len(arr),)})
    arr.write_to(f)


class StoryState:
    """A store's story index kept in memory between updates (an ``Index`` holds one).

    Loading and saving the index state costs about 1.4 s at 100,000 documents, most of a
    one-document add, so it is loaded once and saved when it has grown by a tenth since
    the last save, on ``save``, and each time one long update has doubled it. Documents
    the saved state lacks (after a crash) are simply assigned again by the next update,
    which takes every document not in it."""

    def __init__(self) -> None:
        self.index: StoryIndex | None = None
        self._saved_docs = 0  # documents in the saved state; the index only gains some

    def load(self, store: Store) -> StoryIndex:
        if self.index is None:
            self.index = load_story_index(store)
            self._saved_docs = len(self.index.doc_ids)
        return self.index

    def changed(self, store: Store) -> None:
        """Documents were added to the index: save it if it grew by a tenth."""
        assert self.index is not None
        if len(self.index.doc_ids) - self._saved_docs >= _RESAVE_SHARE * len(self.index.doc_ids):
            self.save(store)

    def checkpoint(self, store: Store) -> None:
        """Within one long update: save when the index has doubled since the last save
        (and gained ``_CHECKPOINT_MIN_DOCS``), so a stopped update resumes from at most
        half way back. At a tenth, as ``changed`` does, the saves of a million-document
        update would cost about ten times the final one; at doublings, about twice."""
        assert self.index is not None
        grown = len(self.index.doc_ids) - self._saved_docs
        if grown >= max(self._saved_docs, _CHECKPOINT_MIN_DOCS):
            self.save(store)

    def save(self, store: Store) -> None:
        if self.index is not None and len(self.index.doc_ids) > self._saved_docs:
            save_story_index(store, self.index)
            self._saved_docs = len(self.index.doc_ids)


# Share of new documents since the last save at which the story state is saved again.
_RESAVE_SHARE = 0.1
# Fewest documents an update adds before it saves the state part way (a save at 100,000
# documents takes about a second).
_CHECKPOINT_MIN_DOCS = 100_000


def update_stories(
    store: Store, encoder: Encoder | None = None, batch: int = 1000, workers: int = 1,
    state: StoryState | None = None,
) -> None:
    """Assign documents not yet in a story, then persist stories with the family rule.

    ``batch`` bounds how many document texts are held in memory at once. With ``workers``
    above 1 and an index on disk, later batches are read and featurized in a pool while
    this process clusters the earlier ones (clustering is sequential: each batch sees the
    stories of those before it); the stories do not depend on ``workers``. ``state`` keeps
    the story index between calls; without one it is loaded and saved by this call.
    """
    own = state is None
    state = state or StoryState()
    index = state.load(store)
    seen = set(index.doc_ids)
    rows = [d for d in store.ids() if d not in seen]
    parts = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    if workers > 1 and len(parts) > 1 and store.on_disk:
        with fork_pool(workers, _init_story_worker, (store.path, encoder)) as pool:
            todo = iter(parts)
            futures = deque(pool.submit(_features_in_worker, part, index.params)
                            for part in islice(todo, workers + 1))
            while futures:
                feats = futures.popleft().result()
                if (nxt := next(todo, None)) is not None:
                    futures.append(pool.submit(_features_in_worker, nxt, index.params))
                index.add(feats)
                state.checkpoint(store)
    else:
        for part in parts:
            index.add(_features(store, part, index.params, encoder))
            state.checkpoint(store)
    if rows:
        state.changed(store)
        if own:
            state.save(store)
    assignment = dict(zip(index.doc_ids, index.doc_story, strict=True))
    members_of_family: dict[int, list[str]] = {}
    for doc_id, (family, _role) in store.family_of().items():
        members_of_family.setdefault(family, []).append(doc_id)
    for members in members_of_family.values():
        votes = Counter(assignment[m] for m in members if m in assignment)
        if votes:
            story = min(votes, key=lambda s: (-votes[s], s))
            for m in members:
                assignment[m] = story
    members_of: dict[int, list[str]] = {}
    for doc_id, story in assignment.items():
        members_of.setdefault(story, []).append(doc_id)
    summaries = {s.story_id: s for s in index.summaries()}
    stories = []
    for sid, members in sorted(members_of.items()):
        summ = summaries[sid]
        stories.append({
            "id": sid + 1,
            "label": summ.label,
            "first": summ.first.isoformat() if summ.first else None,
            "last": summ.last.isoformat() if summ.last else None,
            "members": members,
        })
    store.replace_stories(stories)
