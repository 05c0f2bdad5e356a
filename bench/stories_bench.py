"""Incremental story clustering at scale: a full run over N documents, then one more batch.

    python bench/stories_bench.py --docs 100000 --add 1000     # part of `make bench`

The full run feeds the ``StoryIndex`` the first N generated documents in batches of
``--batch`` (as successive scans would); then ``--add`` new documents are added to that
index. Adding must cost a small fraction of the full run (nothing is re-clustered). Writes the
"Stories" section of bench/RESULTS.md with the times, the ratio, and BCubed F1 against the
generator's events.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import ensure_corpus, machine, write_section  # noqa: E402
from retold.documents import Document, parse_published  # noqa: E402
from retold.evaluate.metrics import bcubed  # noqa: E402
from retold.stories import StoryIndex, featurize  # noqa: E402


def documents(corpus: Path) -> list[Document]:
    out = []
    with open(corpus / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append(Document(id=r["id"], text=r["text"], title=r.get("title"),
                                published=parse_published(r.get("published"))))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--add", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "corpora")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    corpus = ensure_corpus(args.docs + args.add, args.seed, args.work)
    docs = documents(corpus)
    index = StoryIndex()
    t0 = time.perf_counter()
    clustering = 0.0  # of which StoryIndex.add: featurizing is linear, clustering need not be
    for start in range(0, args.docs, args.batch):
        feats = featurize(docs[start : min(start + args.batch, args.docs)], index.params)
        t_add = time.perf_counter()
        index.add(feats)
        clustering += time.perf_counter() - t_add
    full = time.perf_counter() - t0
    t1 = time.perf_counter()
    index.add(featurize(docs[args.docs : args.docs + args.add], index.params))
    added = time.perf_counter() - t1
    gold = {}
    with open(corpus / "events.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            gold[r["id"]] = r["event"]
    pred = dict(zip(index.doc_ids, index.doc_story, strict=True))
    score = bcubed({d: gold[d] for d in pred}, pred)
    text = (
        "## Stories: incremental clustering at scale\n\n"
        f"- command: `python bench/stories_bench.py --docs {args.docs} --add {args.add}`"
        " (`make bench`)\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n\n"
        "| full run (docs) | full run s | of which clustering s | then add (docs) | add s |"
        " add / full | stories | BCubed P / R / F1 vs generator events |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| {args.docs} | {full:.1f} | {clustering:.1f} | {args.add} | {added:.2f} |"
        f" {added / full:.2%} | {len(index)} |"
        f" {score.precision:.3f} / {score.recall:.3f} / {score.f1:.3f} |\n"
    )
    print(text)
    if not args.no_write:
        write_section(text, "stories")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
