"""Time adding documents one at a time to a large index (what the web API's ingest does).

    python bench/add_bench.py --db bench/corpora/compare-scan-100000-s1.db \\
        --corpus bench/corpora/synth-101000-s2/corpus.jsonl --adds 3

The index is copied first (the original is left as it is); the last ``--adds`` records of
``--corpus`` are added one call of ``Index.add`` each, and each call's wall time and stage
seconds are written to the "add" section of bench/RESULTS.md unless ``--no-write``. The
first call after a scan made by older code also rebuilds families once (no mark that they
are fresh); the calls after it show the steady state. As in the server, the index's
``VectorCache`` serves every add and a ``check`` of the added document after each; the
first check, before any add, loads the vector indexes saved beside ``--db`` (copied too)
or builds them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run_bench import machine, write_section
from retold.api import Index
from retold.documents import Document


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--adds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    lines = args.corpus.read_text(encoding="utf-8").splitlines()[-args.adds :]
    rows = []
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        db = Path(tmp) / "copy.db"
        shutil.copy(args.db, db)
        saved = Path(f"{args.db}.vectors")
        if saved.is_dir():
            shutil.copytree(saved, Path(f"{db}.vectors"))
        with Index(db) as index:
            n_docs = index.store.count_documents()
            # As in the server: readers may search while an ingest extends the indexes.
            index.vectors.shared = True
            docs = []
            for line in lines:
                rec = json.loads(line)
                docs.append(Document(id="add-" + rec["id"], text=rec["text"],
                                     title=rec.get("title")))
            t0 = time.perf_counter()
            index.check(docs[0])
            first_check = time.perf_counter() - t0
            for doc in docs:
                t0 = time.perf_counter()
                report = index.add([doc])
                t1 = time.perf_counter()
                index.check(doc)
                rows.append((t1 - t0, report.stage_seconds, time.perf_counter() - t1))
    how = "loads the saved vector indexes" if saved.is_dir() else "builds the vector indexes"
    text = (
        f"## Add: one document at a time to an index of {n_docs} documents\n\n"
        f"- command: `python bench/add_bench.py --db {args.db} --corpus {args.corpus}"
        f" --adds {args.adds}`\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- first check, before any add ({how}): {first_check:.1f} s\n\n"
        "| call | add wall s | add stage seconds | then check s |\n|---|---|---|---|\n"
        + "".join(f"| {i + 1} | {wall:.1f} | "
                  + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
                  + f" | {check:.2f} |\n"
                  for i, (wall, stages, check) in enumerate(rows))
    )
    print(text)
    if not args.no_write:
        write_section(text, "add")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
