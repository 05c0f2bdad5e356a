"""Score retold's provenance on a generated corpus with the publication times taken away.

    python bench/provenance_bench.py --docs 10000

Real spun copies often come without a usable date (the seed articles have none), and then
the direction of each reuse edge and the source of each family rest on the text alone:
which side has sentences nobody else has, boilerplate, and details the other side lost.
This writes an undated copy of the generator's corpus (``published`` removed), scans it,
and scores against the generator's gold:

* **edges**: reuse pairs that join a gold ancestor to its descendant (directly or through
  an intermediate rewrite); decided when retold names a source, right when it is the
  ancestor;
* **families**: families that contain exactly one gold original; decided when retold names
  a family source, right when it is that original.

Writes the "provenance" section of bench/RESULTS.md unless ``--no-write``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make "bench" importable
    sys.path.insert(0, str(ROOT))

from bench.run_bench import (  # noqa: E402
    REUSE,
    corpus_parser,
    ensure_corpus,
    machine,
    run_scan,
    write_section,
)


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    decided: int
    right: int

    def line(self, what: str) -> str:
        share = self.decided / self.total if self.total else 0.0
        acc = self.right / self.decided if self.decided else 0.0
        return (f"| {what} | {self.total} | {self.decided} ({share:.1%}) | {self.right} |"
                f" {acc:.3f} |")


def undated_copy(corpus: Path, out: Path) -> Path:
    """``corpus/corpus.jsonl`` without ``published``, written to ``out/corpus.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "corpus.jsonl"
    with (corpus / "corpus.jsonl").open(encoding="utf-8") as src, \
            target.open("w", encoding="utf-8") as dst:
        for line in src:
            row = json.loads(line)
            row.pop("published", None)
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
    return target


def gold_lineage(lines: Iterable[Mapping[str, str]]) -> tuple[set[tuple[str, str]], set[str]]:
    """(ancestor, descendant) pairs of the gold file, and the originals (never rewrites)."""
    ancestry = {(g["a"], g["b"]) for g in lines}
    rewrites = {b for _, b in ancestry}
    return ancestry, {a for a, _ in ancestry} - rewrites


def score_edges(
    pairs: Iterable[tuple[str, str, str | None]], ancestry: set[tuple[str, str]]
) -> Tally:
    """``pairs`` are (a, b, named source or None) of retold's reuse pairs."""
    total = decided = right = 0
    for a, b, source in pairs:
        if (a, b) in ancestry:
            truth = a
        elif (b, a) in ancestry:
            truth = b
        else:
            continue
        total += 1
        if source is not None:
            decided += 1
            right += source == truth
    return Tally(total, decided, right)


def score_families(
    families: Iterable[tuple[str | None, Iterable[str]]], originals: set[str]
) -> Tally:
    """``families`` are (named source or None, members) of retold's families."""
    total = decided = right = 0
    for source, members in families:
        held = originals.intersection(members)
        if len(held) != 1:
            continue
        total += 1
        if source is not None:
            decided += 1
            right += source in held
    return Tally(total, decided, right)


def read_index(db: Path) -> tuple[list[tuple[str, str, str | None]],
                                  list[tuple[str | None, list[str]]]]:
    with closing(sqlite3.connect(db)) as con:
        pairs = con.execute(
            f"SELECT a, b, source FROM pairs WHERE relation IN ({','.join('?' * len(REUSE))})",
            REUSE).fetchall()
        members: dict[int, list[str]] = {}
        for fid, doc in con.execute("SELECT family_id, doc_id FROM family_members"):
            members.setdefault(fid, []).append(doc)
        families = [(source, members.get(fid, []))
                    for fid, source in con.execute("SELECT id, source FROM families")]
    return pairs, families


def main(argv: list[str] | None = None) -> int:
    args = corpus_parser(__doc__).parse_args(argv)
    corpus = ensure_corpus(args.docs, args.seed, args.work)
    undated = args.work / f"undated-{args.docs}-s{args.seed}"
    undated_copy(corpus, undated)
    db = args.work / f"undated-scan-{args.docs}.db"
    t0 = time.perf_counter()
    wall, _, _ = run_scan(undated, db)
    with (corpus / "gold.jsonl").open(encoding="utf-8") as fh:
        ancestry, originals = gold_lineage(json.loads(line) for line in fh)
    pairs, families = read_index(db)
    edges = score_edges(pairs, ancestry)
    fams = score_families(families, originals)
    text = (
        "## Provenance without publication times\n\n"
        f"- command: `python bench/provenance_bench.py --docs {args.docs} --seed {args.seed}`\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- corpus: the generator's {args.docs} documents with `published` removed; scan"
        f" {wall:.1f} s ({time.perf_counter() - t0:.1f} s with scoring)\n\n"
        "| what | gold-scored | decided | right | accuracy of decided |\n"
        "|---|---|---|---|---|\n"
        f"{edges.line('reuse edges joining an ancestor and its descendant')}\n"
        f"{fams.line('families holding exactly one gold original')}\n"
    )
    print(text)
    if not args.no_write:
        write_section(text, "provenance")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
