"""Time ``retold spark`` (local[2] by default) on a generated corpus and score its pairs.

    python bench/spark_bench.py --docs 100000
    python bench/spark_bench.py --docs 100000 --output out/ --wall 2100 --rss 7000
                                            # score a finished run of the same corpus

The job runs in its own process (``retold spark corpus.jsonl OUT``); wall time is measured
around it. Peak RSS is what Linux reports for the children waited for: the largest Python
process (driver or worker). The driver JVM, which PySpark does not wait for, is not in it
(its heap is capped by ``RETOLD_SPARK_DRIVER_MEMORY``, 6 GB by default).
Pairs called copy, rewrite or partial are scored by ``run_bench.score_pairs`` against the
generator's gold, as for ``retold scan``. Writes the "spark-{docs}" section of
bench/RESULTS.md unless ``--no-write``; the local scan's numbers for the same corpus are
in the "scan" and "compare" sections.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run_bench import (
    ROOT,
    ensure_corpus,
    gold_pairs,
    machine,
    score_pairs,
    write_section,
)

REUSE = ("copy", "rewrite", "partial")


def run_job(corpus: Path, out: Path, master: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest Python process) of one ``retold spark`` run."""
    shutil.rmtree(out, ignore_errors=True)
    exe = Path(sys.executable).with_name("retold")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "spark", str(corpus / "corpus.jsonl"), str(out),
                    "--master", master], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def spark_pairs(out: Path) -> set[tuple[str, str]]:
    import pyarrow.parquet as pq

    table = pq.read_table(out / "pairs", columns=["a", "b", "relation"]).to_pydict()
    return {(a, b) if a < b else (b, a)
            for a, b, rel in zip(table["a"], table["b"], table["relation"], strict=True)
            if rel in REUSE}


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "not measured"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "corpora")
    ap.add_argument("--output", type=Path, help="score this finished job output instead")
    ap.add_argument("--wall", type=float, help="wall seconds of that finished run")
    ap.add_argument("--rss", type=float, help="peak RSS MiB of that finished run")
    ap.add_argument("--note", action="append", default=[], help="a line for the notes")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    corpus = ensure_corpus(args.docs, args.seed, args.work)
    gold, kinds = gold_pairs(corpus)
    if args.output:
        out, wall, peak = args.output, args.wall, args.rss
    else:
        out = args.work / f"spark-{args.docs}-s{args.seed}"
        wall, peak = run_job(corpus, out, args.master)
    settings = json.loads((out / "retold.json").read_text(encoding="utf-8"))
    counts = settings["counts"]
    if counts["documents"] != args.docs:
        raise SystemExit(f"{out} holds {counts['documents']} documents, the corpus {args.docs}")
    s = score_pairs(spark_pairs(out), gold, kinds)
    stages = settings.get("seconds", {})
    text = (
        f"## Spark: `retold spark` on {args.master}, {args.docs} documents\n\n"
        f"- command: `python bench/spark_bench.py --docs {args.docs} --seed {args.seed}"
        f" --master '{args.master}'`"
        + (f" (scoring `{out}`, a finished run; wall and RSS as given)" if args.output else "")
        + "\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- corpus: {args.docs} documents from `bench/generate.py` (rewrite rate 0.2,"
        f" seed {args.seed}), {len(gold)} gold reuse pairs\n\n"
        "| wall s | docs/s | peak RSS MiB (largest Python process; JVM not counted) |"
        " candidates | pairs | pairs P | pairs R | pairs F1 | families |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        f"| {_fmt(wall, '.1f')} | {_fmt(args.docs / wall if wall else None, '.1f')} |"
        f" {_fmt(peak, '.0f')} | {counts['candidates']} | {s['predicted']} |"
        f" {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {counts['families']} |\n\n"
        "Job stages (seconds, from `retold.json`): "
        + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        + ". The job has no stories stage.\n\n"
        f"Recall by rewrite kind: {', '.join(f'{k} {v}' for k, v in s['recall_by_kind'].items())}."
        "\n"
        + "".join(f"\n- {note}" for note in args.note) + ("\n" if args.note else "")
    )
    print(text)
    if not args.no_write:
        write_section(text, f"spark-{args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
