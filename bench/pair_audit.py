"""Audit a sample of an index's stored pairs: which channels proposed them, and which the
candidate filters of the current code would no longer propose.

    python bench/pair_audit.py --db bench/corpora/scan-1000000.db --sample 5000

For each sampled pair (uniform over the pairs table's rows) it prints counts by relation and
channels, and counts of pairs that

* only LSH channels proposed, each with an estimated Jaccard below its channel's floor
  (``pipeline.lsh_min_jaccard``): dropped by the LSH filter;
* only the sentence channel proposed, sharing no exact sentence but ones found in more
  than ``--common`` documents: what boilerplate-free sentence queries (``evidence_rows``)
  mostly drop (the exact rule is per document; this is its usual case).

With ``--gold CORPUS`` (a ``bench/generate.py`` folder) it also goes through every stored
reuse pair that only LSH channels proposed and counts those the LSH filter drops by gold
status: a gold pair, a pair within one gold family, or not gold.

Read-only; for indexes made by code before those filters (to size what they remove).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retold.candidates import LEXICAL, SKELETON, estimated_jaccard, low_bytes  # noqa: E402
from retold.config import Config  # noqa: E402
from retold.pipeline import lsh_min_jaccard  # noqa: E402

REUSE = ("copy", "rewrite", "partial")


def lsh_below_floor(config: Config, channels: set[str], sig_a: dict[str, np.ndarray],
                    sig_b: dict[str, np.ndarray]) -> bool:
    return all(estimated_jaccard(sig_a[ch], sig_b[ch])[0] < lsh_min_jaccard(config, ch)
               for ch in channels)


def audit(db_path: Path, sample: int, common: int, seed: int, gold: Path | None) -> str:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    (stored,) = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone() or (None,)
    config = Config.from_json(stored) if stored else Config()
    (top,) = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM pairs").fetchone()
    rng = random.Random(seed)
    rowids = rng.sample(range(1, top + 1), min(sample, top))

    def doc(doc_id: str) -> tuple[int, dict[str, np.ndarray]]:
        seq, lexical, skeleton = db.execute(
            "SELECT d.seq, p.lexical, p.skeleton FROM documents d JOIN prints p"
            " ON p.doc_seq = d.seq WHERE d.id = ?", (doc_id,)).fetchone()
        return seq, {LEXICAL: low_bytes(np.frombuffer(lexical, np.uint32)),
                     SKELETON: low_bytes(np.frombuffer(skeleton, np.uint32))}

    def hashes(seq: int) -> set[int]:
        return {h for (h,) in db.execute("SELECT hash FROM sentences WHERE doc_seq = ?", (seq,))}

    def doc_frequency(h: int) -> int:
        return db.execute("SELECT COUNT(DISTINCT doc_seq) FROM sentences WHERE hash = ?",
                          (h,)).fetchone()[0]

    by_kind: Counter[tuple[str, str]] = Counter()
    lsh_dropped: Counter[str] = Counter()
    sentence_dropped: Counter[str] = Counter()
    n = 0
    for rowid in rowids:
        row = db.execute("SELECT a, b, relation, scores FROM pairs WHERE rowid = ?",
                         (rowid,)).fetchone()
        if row is None:
            continue
        n += 1
        a, b, relation, scores = row
        channels = set(str(json.loads(scores).get("channels", "")).split(","))
        by_kind[(relation, ",".join(sorted(channels)))] += 1
        if channels <= {LEXICAL, SKELETON}:
            if lsh_below_floor(config, channels, doc(a)[1], doc(b)[1]):
                lsh_dropped[relation] += 1
        elif channels == {"sentence_knn"}:
            shared = hashes(doc(a)[0]) & hashes(doc(b)[0])
            if shared and all(doc_frequency(h) > common for h in shared):
                sentence_dropped[relation] += 1
    lines = [f"{db_path}: {n} of {top} pairs sampled (seed {seed})", "",
             "| relation | channels | pairs |", "|---|---|---|"]
    lines += [f"| {r} | {c} | {k} |" for (r, c), k in by_kind.most_common()]
    for label, dropped in (("LSH pairs below the Jaccard floor", lsh_dropped),
                           (f"sentence-channel pairs sharing only sentences in more than"
                            f" {common} documents", sentence_dropped)):
        total = sum(dropped.values())
        reuse = sum(dropped[r] for r in REUSE)
        lines.append(f"\n{label}: {total} ({total / max(n, 1):.1%}), of them reuse {reuse};"
                     f" {dict(dropped)}")
    if gold is not None:
        from bench.run_bench import components, gold_pairs

        pairs, _ = gold_pairs(gold)
        family = components(pairs)
        status: Counter[tuple[str, str, str]] = Counter()
        for a, b, relation, scores in db.execute(
                "SELECT a, b, relation, scores FROM pairs WHERE relation IN (?, ?, ?)", REUSE):
            channels = set(str(json.loads(scores).get("channels", "")).split(","))
            if not channels <= {LEXICAL, SKELETON}:
                continue
            key = (min(a, b), max(a, b))
            kind = ("gold pair" if key in pairs else "same gold family"
                    if a in family and family.get(a) == family.get(b) else "not gold")
            verdict = ("dropped" if lsh_below_floor(config, channels, doc(a)[1], doc(b)[1])
                       else "kept")
            status[(verdict, relation, kind)] += 1
        lines += ["", f"Reuse pairs only LSH proposed, against {gold} ({len(pairs)} gold pairs):",
                  "", "| LSH filter | relation | gold | pairs |", "|---|---|---|---|"]
        lines += [f"| {v} | {r} | {k} | {c} |" for (v, r, k), c in sorted(status.items())]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--common", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold", type=Path, help="the generated corpus the index was made from")
    args = ap.parse_args()
    print(audit(args.db, args.sample, args.common, args.seed, args.gold))


if __name__ == "__main__":
    main()
