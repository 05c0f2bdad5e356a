"""The stories stage of the local pipeline: feed new documents to the persisted StoryIndex.

The index state lives in the store as one npz blob; each run adds only documents it has not
seen, so adding documents never re-clusters the corpus. A reuse family always sits inside
one story: members the story index put elsewhere follow the family's majority story.
"""

from __future__ import annotations

import io
from collections import Counter

import numpy as np

from retold.fingerprints import Encoder
from retold.store import Store
from retold.stories import StoryIndex, StoryParams, featurize

STATE_KEY = "story_index"


def load_story_index(store: Store, params: StoryParams | None = None) -> StoryIndex:
    blob = store.get_state(STATE_KEY)
    if blob is None:
        return StoryIndex(params)
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        return StoryIndex.from_arrays({k: npz[k] for k in npz.files})


def save_story_index(store: Store, index: StoryIndex) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, **index.to_arrays())
    store.set_state(STATE_KEY, buf.getvalue())


def update_stories(store: Store, encoder: Encoder | None = None, batch: int = 1000) -> None:
    """Assign documents not yet in a story, then persist stories with the family rule.

    ``batch`` bounds how many document texts are held in memory at once.
    """
    index = load_story_index(store)
    seen = set(index.doc_ids)
    rows = [d for d in store.documents() if d.id not in seen]
    for start in range(0, len(rows), batch):
        docs = [store.document(r.id) for r in rows[start : start + batch]]
        index.add(featurize([d for d in docs if d is not None], index.params, encoder))
    if rows:
        save_story_index(store, index)
    assignment = dict(zip(index.doc_ids, index.doc_story, strict=True))
    for fam in store.families():
        members = [m["doc_id"] for m in fam["members"]]  # type: ignore[index]
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
