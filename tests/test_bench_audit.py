"""bench/pair_audit.py counts, in an index made without the LSH floor, the pairs the floor
would drop."""

from __future__ import annotations

import re

from conftest import EXAMPLES

from bench.pair_audit import audit
from retold.api import Index
from retold.candidates import LEXICAL, SKELETON, estimated_jaccard, low_bytes
from retold.config import Config


def test_audit_counts_the_stored_lsh_pairs_below_the_floor(tmp_path, static_encoder,
                                                           monkeypatch) -> None:
    import retold.pipeline as pipeline_mod

    config = Config(lsh_bands=64)  # many chance collisions even among 30 articles
    db = tmp_path / "old.db"
    monkeypatch.setattr(pipeline_mod, "LSH_MIN_SHARE", 0.0)  # as before the floor
    with Index(db, config=config, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
        store = index.store
        pairs = store.pairs()
        sigs = store.signatures([d.id for d in store.documents()])
    monkeypatch.undo()
    want = 0
    for p in pairs:
        channels = set(str(p.scores["channels"]).split(","))
        if channels <= {LEXICAL, SKELETON} and all(
                estimated_jaccard(*(low_bytes(sigs[d][0 if ch == LEXICAL else 1])
                                    for d in (p.a, p.b)))[0]
                < 0.5 * (config.lexical_threshold if ch == LEXICAL
                         else config.skeleton_threshold) for ch in channels):
            want += 1
    assert want >= 1
    out = audit(db, sample=10 * len(pairs), common=5, seed=0, gold=None)
    assert f"{len(pairs)} of {len(pairs)} pairs sampled" in out
    got = re.search(r"LSH pairs below the Jaccard floor: (\d+)", out)
    assert got and int(got.group(1)) == want
