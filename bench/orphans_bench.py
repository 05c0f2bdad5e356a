"""Score retold on copies whose original is not in the index.

    python bench/orphans_bench.py --docs 10000

The seed articles are three spins of a source nobody collected, and a crawl of content
farms often holds the copies without the wire story they came from. Then nothing joins
them but their likeness to each other: two spins of one text each replaced their own
share of its words. This writes a copy of the generator's corpus without every original
that has two or more derived documents, scans it, and scores the derived documents of
each such original (the "orphans") against the families retold forms:

* **groups whole**: orphan groups whose members all sit in one family;
* **sibling pairs**: pairs of orphans of one original in one family, also by the kinds of
  the two rewrites (a partial copy may share no paragraph with another partial copy of
  the same source, so those pairs are not always reachable);
* **mixed families**: families holding documents descended from different originals.

Writes the "orphans" section of bench/RESULTS.md unless ``--no-write``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make "bench" importable
    sys.path.insert(0, str(ROOT))

from bench.run_bench import (  # noqa: E402
    corpus_parser,
    ensure_corpus,
    machine,
    run_scan,
    write_section,
)
from retold.evaluate.metrics import groups_kept  # noqa: E402


def lineage(lines: Iterable[Mapping[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """From the gold lineage: each derived document -> its original (through intermediate
    rewrites), and each derived document's kind of rewrite."""
    parent: dict[str, str] = {}
    kind: dict[str, str] = {}
    for g in lines:
        if "via" not in g:  # direct edges only: a "via" edge repeats an ancestry
            parent[g["b"]] = g["a"]
            kind[g["b"]] = g["kind"]

    def original(d: str) -> str:
        while d in parent:
            d = parent[d]
        return d

    return {d: original(d) for d in parent}, kind


def orphan_groups(origin: Mapping[str, str]) -> dict[str, list[str]]:
    """Each original with two or more derived documents -> those documents."""
    groups: dict[str, list[str]] = defaultdict(list)
    for d, o in origin.items():
        groups[o].append(d)
    return {o: ds for o, ds in groups.items() if len(ds) >= 2}


def without(corpus: Path, drop: set[str], out: Path) -> int:
    """``corpus/corpus.jsonl`` without the documents in ``drop``, written to
    ``out/corpus.jsonl``; the number of documents written."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (corpus / "corpus.jsonl").open(encoding="utf-8") as src, \
            (out / "corpus.jsonl").open("w", encoding="utf-8") as dst:
        for line in src:
            if json.loads(line)["id"] not in drop:
                dst.write(line)
                n += 1
    return n


@dataclass(frozen=True, slots=True)
class OrphanScore:
    groups: int
    whole: int
    pairs: int
    pairs_grouped: int
    by_kinds: dict[str, tuple[int, int]]  # "paraphrase+spin" -> (grouped, pairs)
    mixed_families: int


def score_orphans(family: Mapping[str, int | None], groups: Mapping[str, list[str]],
                  kind: Mapping[str, str], origin: Mapping[str, str]) -> OrphanScore:
    """``family``: document -> retold's family (None outside any); ``origin``: every
    derived document -> its original, for telling mixed families."""
    whole, pairs = groups_kept(family, groups.values())
    tally: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for x, y, same in pairs:
        key = "+".join(sorted((kind[x], kind[y])))
        tally[key] += 1
        hits[key] += same
    members: dict[int, set[str]] = defaultdict(set)
    for d, f in family.items():
        if f is not None:
            members[f].add(origin.get(d, d))
    mixed = sum(1 for origins in members.values() if len(origins) > 1)
    return OrphanScore(len(groups), whole, len(pairs), sum(same for *_, same in pairs),
                       {k: (hits[k], tally[k]) for k in sorted(tally)}, mixed)


def read_families(db: Path) -> dict[str, int | None]:
    with closing(sqlite3.connect(db)) as con:
        fam: dict[str, int | None] = {d: None for (d,) in con.execute("SELECT id FROM documents")}
        fam.update(dict(con.execute("SELECT doc_id, family_id FROM family_members").fetchall()))
    return fam


def main(argv: list[str] | None = None) -> int:
    args = corpus_parser(__doc__).parse_args(argv)
    corpus = ensure_corpus(args.docs, args.seed, args.work)
    with (corpus / "gold.jsonl").open(encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh]
    origin, kind = lineage(lines)
    groups = orphan_groups(origin)
    orphans = args.work / f"orphans-{args.docs}-s{args.seed}"
    n = without(corpus, set(groups), orphans)
    db = args.work / f"orphans-scan-{args.docs}.db"
    t0 = time.perf_counter()
    wall, _, _ = run_scan(orphans, db)
    s = score_orphans(read_families(db), groups, kind, origin)
    rows = "\n".join(f"| {k} | {g} / {p} |" for k, (g, p) in s.by_kinds.items())
    text = (
        "## Copies without their original\n\n"
        f"- command: `python bench/orphans_bench.py --docs {args.docs} --seed {args.seed}`\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- corpus: the generator's {args.docs} documents without the {len(groups)} originals"
        f" that have two or more derived documents ({n} left); scan {wall:.1f} s"
        f" ({time.perf_counter() - t0:.1f} s with scoring)\n\n"
        f"- orphan groups whole in one family: **{s.whole} / {s.groups}**\n"
        f"- sibling pairs in one family: **{s.pairs_grouped} / {s.pairs}**\n"
        f"- families mixing descendants of different originals: {s.mixed_families}\n\n"
        "| kinds of the two rewrites | pairs in one family |\n|---|---|\n"
        f"{rows}\n"
    )
    print(text)
    if not args.no_write:
        write_section(text, "orphans")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
