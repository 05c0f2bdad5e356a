"""Time ``retold scan`` on a generated corpus and score its pairs against the generator's gold.

    python bench/run_bench.py --docs 10000          # what `make bench` runs

Writes the "Scan" section of bench/RESULTS.md (other sections are left as they are): the
command, the machine, the date, docs/s for the whole scan, peak memory of the scan process,
and pair precision/recall/F1. A predicted reuse pair counts as correct when both documents
belong to one gold reuse family (two rewrites of one source are related through it, so
linking them is right); recall is over the generator's gold pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
REUSE = ("copy", "rewrite", "partial")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    py = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {platform.machine()}, Python {py}"


def ensure_corpus(n: int, seed: int, root: Path) -> Path:
    out = root / f"synth-{n}-s{seed}"
    if not (out / "gold.jsonl").exists():
        out.mkdir(parents=True, exist_ok=True)
        write_corpus(out, n, seed, 0.2)
    return out


def gold_pairs(corpus: Path) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
    pairs: set[tuple[str, str]] = set()
    kinds: dict[tuple[str, str], str] = {}
    with open(corpus / "gold.jsonl", encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            key = (min(g["a"], g["b"]), max(g["a"], g["b"]))
            pairs.add(key)
            kinds[key] = g["kind"]
    return pairs, kinds


def components(pairs: set[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    return {x: find(x) for x in parent}


def reuse_pairs(db: Path) -> set[tuple[str, str]]:
    """The (a, b) pairs a retold index calls copy, rewrite or partial."""
    con = sqlite3.connect(db)
    try:
        return {(a, b) for a, b in con.execute(
            f"SELECT a, b FROM pairs WHERE relation IN ({','.join('?' * len(REUSE))})", REUSE)}
    finally:
        con.close()


def score_pairs(predicted: set[tuple[str, str]], gold: set[tuple[str, str]],
                kinds: dict[tuple[str, str], str]) -> dict[str, object]:
    """Pair precision/recall/F1 of ``predicted`` against ``gold`` (from :func:`gold_pairs`).

    Pure, so any system's pair set (retold's or a baseline's) is scored the same way.
    """
    comp = components(gold)
    correct = sum(1 for a, b in predicted if a in comp and comp.get(a) == comp.get(b))
    found = gold & predicted
    p = correct / len(predicted) if predicted else 0.0
    r = len(found) / len(gold) if gold else 0.0
    by_kind = Counter(kinds[k] for k in found)
    totals = Counter(kinds.values())
    return {
        "predicted": len(predicted),
        "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "recall_by_kind": {k: f"{by_kind[k]}/{totals[k]}" for k in sorted(totals)},
    }


def score(db: Path, corpus: Path) -> dict[str, object]:
    gold, kinds = gold_pairs(corpus)
    predicted = reuse_pairs(db)
    con = sqlite3.connect(db)
    n_docs = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    n_fam = con.execute("SELECT COUNT(*) FROM families").fetchone()[0]
    con.close()
    return {"documents": n_docs, "families": n_fam, **score_pairs(predicted, gold, kinds)}


def run_scan(corpus: Path, db: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and the stage-times line of one ``retold scan``."""
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.rmtree(str(db) + ".vectors", ignore_errors=True)
    exe = Path(sys.executable).with_name("retold")
    t0 = time.perf_counter()
    proc = subprocess.run([str(exe), "scan", str(corpus / "corpus.jsonl"), "--db", str(db)],
                          check=True, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})
    wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    stages = next((ln.strip() for ln in proc.stdout.splitlines() if ln.startswith("stages:")),
                  "")
    return wall, peak_kib / 1024, stages


def write_section(text: str, name: str = "scan") -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if start in old and end in old:
        new = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, old,
                     flags=re.S)
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(new, encoding="utf-8")


def corpus_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options of a benchmark on one generated corpus: --docs, --seed, --work and
    --no-write; the description is the first paragraph of ``doc``."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "corpora")
    ap.add_argument("--no-write", action="store_true", help="print only")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = corpus_parser(__doc__).parse_args(argv)
    corpus = ensure_corpus(args.docs, args.seed, args.work)
    db = args.work / f"scan-{args.docs}.db"
    wall, peak, stages = run_scan(corpus, db)
    s = score(db, corpus)
    text = (
        "## Scan: `retold scan` on a generated corpus\n\n"
        f"- command: `python bench/run_bench.py --docs {args.docs} --seed {args.seed}`"
        " (`make bench`)\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- corpus: {s['documents']} documents from `bench/generate.py` (rewrite rate 0.2)\n\n"
        "| docs/s (whole scan) | wall s | peak RSS MiB | pairs P | pairs R | pairs F1 |"
        " families |\n|---|---|---|---|---|---|---|\n"
        f"| {args.docs / wall:.1f} | {wall:.1f} | {peak:.0f} | {s['precision']:.3f} |"
        f" {s['recall']:.3f} | {s['f1']:.3f} | {s['families']} |\n\n"
        f"Recall by rewrite kind: {', '.join(f'{k} {v}' for k, v in s['recall_by_kind'].items())}."
        f"\n\nScan {stages}\n"
    )
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
