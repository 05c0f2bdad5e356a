"""Check one document against an index without adding it: its candidates, their relations.

The same cascade as a scan (LSH buckets of both MinHash channels, mean-centred document k-NN,
sentence hits; then ``relate`` on every candidate), but nothing is written: the query's
fingerprint lives only in memory, so a check can run on a read-only connection while another
thread ingests. The vector indexes come from a ``retold.vectors.VectorCache``, which a
server keeps between checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retold.candidates import (
    DOC_KNN,
    LEXICAL,
    SENTENCE_KNN,
    SKELETON,
    SentenceHits,
    corroborated,
    directed_keys,
    estimated_jaccard,
    knn_pairs,
    low_bytes,
    lsh_params,
    sentence_hits,
    unit_rows,
)
from retold.changes import pair_drift
from retold.config import Config
from retold.documents import Document, content_id
from retold.fingerprints import DocPrint, Encoder, fingerprint_documents
from retold.pipeline import band_keys_for, evidence_rows, lsh_min_jaccard, pair_row, prepare
from retold.relate import REUSE, boilerplate_mask, relate, text_features
from retold.store import Store
from retold.vectors import VectorCache

# The query's id inside the cascade: never a stored id (a NUL cannot come from a reader), so a
# query that repeats an indexed document is compared with it rather than skipped as "itself".
QUERY_ID = "\x00query"
# Candidates verified per check: relate() costs milliseconds per pair, and a check must stay
# interactive even when a boilerplate-heavy text lands in many LSH buckets.
MAX_CANDIDATES = 64
RELATION_RANK = {"copy": 0, "rewrite": 1, "partial": 2, "same_story": 3, "related": 4}


def candidate_ids(
    store: Store, pr: DocPrint, config: Config, cache: VectorCache | None = None
) -> dict[str, set[str]]:
    """Stored documents the cascade proposes for the query print, with their channels."""
    found: dict[str, set[str]] = {}
    keys = band_keys_for(pr, config)
    # band_keys_for puts the lexical channel's keys first, then the skeleton channel's.
    n_lex = config.lsh_bands or lsh_params(config.lexical_threshold, config.num_perm)[0]
    buckets = store.band_buckets([int(k) for k in keys])
    shared: dict[str, set[str]] = {}
    for i, k in enumerate(keys):
        channel = LEXICAL if i < n_lex else SKELETON
        for did in buckets.get(int(k), []):
            shared.setdefault(did, set()).add(channel)
    # As in a scan, a shared bucket counts only with signatures similar enough.
    own = {LEXICAL: low_bytes(pr.lexical), SKELETON: low_bytes(pr.skeleton)}
    for did, (lexical, skeleton) in store.signatures(list(shared)).items():
        theirs = {LEXICAL: low_bytes(lexical), SKELETON: low_bytes(skeleton)}
        kept = {ch for ch in shared[did] if estimated_jaccard(own[ch], theirs[ch])[0]
                >= lsh_min_jaccard(config, ch)}
        if kept:
            found.setdefault(did, set()).update(kept)
    vecs = (cache or VectorCache()).get(store)
    neighbours: list[str] = []
    if vecs.doc_index is not None and vecs.mean is not None and pr.doc_vector.size:
        q = unit_rows((pr.doc_vector - vecs.mean)[None, :])
        _, found_at = knn_pairs(np.zeros(1, np.int64), q, vecs.doc_index,
                                np.arange(1, len(vecs.doc_ids) + 1), config.knn_k,
                                config.knn_min_cosine)
        neighbours = [vecs.doc_ids[i - 1] for i in found_at.tolist()]
    if (config.sentence_knn_k > 0 and vecs.sentence_index is not None
            and len(pr.vectors) and pr.vectors.ndim == 2):
        (keep,) = evidence_rows(store, [pr], config)
        hits = SentenceHits(vecs.sentence_docs, config.sentence_knn_min_hits)
        # The neighbours' keys are watched: they count with fewer hits (``corroborated``).
        corroborate = config.knn_min_sentence_hits > 0
        query = np.full(len(neighbours), hits.code(QUERY_ID))
        targets = np.array([hits.code(d) for d in neighbours], np.int64)
        sentence_hits([QUERY_ID] * int(keep.sum()), pr.vectors[keep], vecs.sentence_index,
                      hits, config.sentence_knn_k, config.sentence_knn_min_cosine,
                      directed_keys(query, targets) if corroborate else None)
        for c in hits.candidates():
            found.setdefault(c.b if c.a == QUERY_ID else c.a, set()).add(SENTENCE_KNN)
        if corroborate:
            ok = corroborated(hits, query, targets, config.knn_min_sentence_hits)
            neighbours = [d for d, k in zip(neighbours, ok.tolist(), strict=True) if k]
    for d in neighbours:
        found.setdefault(d, set()).add(DOC_KNN)
    found.pop(QUERY_ID, None)
    return found


def check_document(
    store: Store,
    doc: Document,
    encoder: Encoder,
    limit: int = 10,
    cache: VectorCache | None = None,
    drift: int = 0,
) -> dict[str, Any]:
    """What the index knows about ``doc``: related stored documents with scores, their
    families and sources. Nothing is stored.

    Each match is oriented stored document (``a``) → query (``b``), so its drift reads as
    "what this text changed from the indexed one". Drift is computed for the first ``drift``
    reuse matches only: entity extraction costs several times the alignment itself.
    """
    config = store.config
    query = prepare(doc)
    text_hash = content_id(query.text)
    probe = Document(id=QUERY_ID, text=query.text)
    (pr,) = fingerprint_documents([probe], encoder, config)
    # A text without a sentence has nothing to align (and no vector to search with).
    found = candidate_ids(store, pr, config, cache) if pr.sentences else {}
    # Most channels first, then closest document vector: what a truncation keeps. Only the
    # kept candidates are read in full (a crowded LSH bucket can propose hundreds).
    doc_vecs = store.doc_vector_of(found)
    ranked = sorted(
        doc_vecs,
        key=lambda d: (-len(found[d]), -float(doc_vecs[d] @ pr.doc_vector), d),
    )[:MAX_CANDIDATES]
    prints = store.prints(ranked)
    ranked = [d for d in ranked if d in prints]
    texts = store.texts(ranked)
    hashes = [int(h) for d in ranked for h in prints[d].sentence_hashes]
    freq = store.sentence_frequency(hashes + [int(h) for h in pr.sentence_hashes])
    q_mask = boilerplate_mask(pr.sentence_hashes, freq, config)
    q_feats = text_features(query.text, pr)
    rows = {r.id: r for r in store.documents(ranked)}
    family_of = store.family_of(ranked)
    matches = []
    for did in ranked:
        cp = prints[did]
        res = relate(texts[did], query.text, cp, pr, config,
                     boilerplate_mask(cp.sentence_hashes, freq, config), q_mask,
                     text_features(texts[did], cp), q_feats, describe_all=False)
        if res.relation is None:
            continue
        alignment = pair_row(res).alignment
        meta = rows.get(did)
        fam = family_of.get(did)
        earlier = None
        if meta is not None and meta.published is not None and query.published is not None:
            earlier = "indexed" if meta.published <= query.published else "query"
        matches.append({
            "doc_id": did,
            "title": meta.title if meta else None,
            "url": meta.url if meta else None,
            "domain": meta.domain if meta else None,
            "published": meta.published.isoformat() if meta and meta.published else None,
            "relation": res.relation,
            "scores": {k: v for k, v in res.scores.items() if isinstance(v, int | float)},
            "channels": sorted(found[did]),
            "family": fam[0] if fam else None,
            "role": fam[1] if fam else None,
            "earlier": earlier,
            "alignment": [{"a_span": list(s["a_span"]), "b_span": list(s["b_span"]),
                           "level": s["level"]} for s in alignment["spans"]],
            "drift": [],
            "_alignment": alignment,
        })
    matches.sort(key=_match_order)
    matches = matches[:limit]
    reuse = [m for m in matches if m["relation"] in REUSE]
    for m in reuse[:max(0, drift)]:
        m["drift"] = pair_drift(texts[m["doc_id"]], query.text, m["_alignment"],
                                config.max_sentences)
    for m in matches:
        del m["_alignment"]
    fam_ids = {m["family"] for m in matches
               if m["family"] is not None and m["relation"] in REUSE}
    # From the member table alone: Store.families() reads every family (one query each).
    members = store.family_roles(fam_ids)
    families = [
        {"id": fid, "source": next((d for d, r in sorted(ms) if r == "source"), None),
         "size": len(ms)}
        for fid, ms in sorted(members.items())
    ]
    return {
        "document": {"id": doc.id, "text_hash": text_hash, "n_sentences": len(pr.sentences),
                     "truncated": pr.truncated,
                     "indexed": bool(store.known_hashes([doc.id]))},
        "matches": matches,
        "families": families,
        "sources": _sources(matches, families),
    }


def _match_order(m: dict[str, Any]) -> tuple[int, float, str]:
    cov = (float(m["scores"].get("coverage_a", 0)) + float(m["scores"].get("coverage_b", 0))) / 2
    return RELATION_RANK.get(m["relation"], 9), -cov, m["doc_id"]


def _sources(matches: Sequence[dict[str, Any]], families: Sequence[dict[str, Any]]) -> list[str]:
    """Likely sources of the query: the known source of each family it reuses from, and
    reused documents outside any family; best match first, each once."""
    source_of = {f["id"]: f["source"] for f in families}
    out: list[str] = []
    for m in matches:
        if m["relation"] not in REUSE or m["earlier"] == "query":
            continue
        src = source_of.get(m["family"]) if m["family"] is not None else m["doc_id"]
        if src and src not in out:
            out.append(src)
    return out
