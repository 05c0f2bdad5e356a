"""The candidates stage alone, on an index a scan has already filled.

    python bench/candidates_bench.py --db bench/corpora/scan-300000.db

Runs ``find_candidates`` for every document of the index, as a first scan of the whole
corpus would, with the vector indexes built afresh (the ones saved beside the index are not
used) and nothing written. Separating the stage from ingest lets its growth be measured, and
profiled (``py-spy record -- python bench/candidates_bench.py ...``), at 100,000 and 300,000
documents without re-reading the corpus; the hand-written growth notes in bench/RESULTS.md
cite it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retold.pipeline import find_candidates  # noqa: E402
from retold.store import Store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="an index file a scan made")
    args = ap.parse_args(argv)
    if not args.db.is_file():
        print(f"{args.db}: no such index file", file=sys.stderr)
        return 2
    store = Store(args.db, readonly=True)
    try:
        _, ids = store.seq_ids()
        t0 = time.perf_counter()
        cands = find_candidates(store, sorted(ids), store.config, None)
        wall = time.perf_counter() - t0
    finally:
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(ids)} documents: {len(cands)} candidate pairs in {wall:.1f} s,"
          f" peak RSS {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
