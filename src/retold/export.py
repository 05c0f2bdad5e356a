"""Serialise an index: the ``--json`` document, and JSONL / CSV / Parquet tables."""

from __future__ import annotations

from typing import Any

from retold.changes import pair_drift
from retold.relate import REUSE
from retold.store import Store


def index_json(store: Store, with_drift: bool = True) -> dict[str, Any]:
    """``{"documents", "pairs", "families", "stories"}`` as documented in DESIGN.md.

    A document's ``family`` is null when it takes part in no reuse relation; its ``role`` is
    ``source``, ``copy``, ``rewrite``, ``partial`` or ``independent``.
    """
    fam_of = store.family_of()
    story_of = store.story_of()
    docs = store.documents()
    documents = [
        {"id": d.id, "path": d.path, "url": d.url, "domain": d.domain, "title": d.title,
         "published": d.published.isoformat() if d.published else None,
         "family": fam_of[d.id][0] if d.id in fam_of else None,
         "story": story_of.get(d.id),
         "role": fam_of[d.id][1] if d.id in fam_of else "independent"}
        for d in docs
    ]
    rows = store.pairs()
    texts = store.texts(sorted({r.a for r in rows if r.relation in REUSE}
                               | {r.b for r in rows if r.relation in REUSE}))
    pairs = []
    for r in rows:
        drift: list[dict[str, Any]] = []
        if with_drift and r.relation in REUSE:
            drift = pair_drift(texts[r.a], texts[r.b], r.alignment, store.config.max_sentences)
        pairs.append({"a": r.a, "b": r.b, "relation": r.relation, "source": r.source,
                      "confidence": r.confidence, "scores": r.scores,
                      "alignment": [{"a_span": s["a_span"], "b_span": s["b_span"],
                                     "level": s["level"]}
                                    for s in r.alignment.get("spans", [])],
                      "drift": drift})
    families = [
        {"id": f["id"], "source": f["source"], "source_reason": f["source_reason"],
         "size": f["size"], "members": f["members"], "tree": f["tree"]}
        for f in store.families()
    ]
    return {"documents": documents, "pairs": pairs, "families": families,
            "stories": store.stories()}
