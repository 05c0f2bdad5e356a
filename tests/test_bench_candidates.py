"""bench/candidates_bench.py runs end to end on a small index (CI runs no benchmark)."""

from __future__ import annotations

import re

from conftest import EXAMPLES

from bench import candidates_bench
from retold.api import Index


def test_candidates_bench_finds_every_pair_the_scan_verified(tmp_path, capsys, static_encoder):
    db = tmp_path / "small.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        stored = len(index.pairs())
        n_docs = index.store.count_documents()
    assert candidates_bench.main(["--db", str(db)]) == 0
    m = re.search(r"(\d+) documents: (\d+) candidate pairs", capsys.readouterr().out)
    assert m is not None
    # Unrelated pairs are verified but not stored, so the stage finds at least the stored.
    assert int(m.group(1)) == n_docs and int(m.group(2)) >= stored > 0


def test_candidates_bench_names_a_missing_index(tmp_path, capsys):
    assert candidates_bench.main(["--db", str(tmp_path / "none.db")]) == 2
    assert "none.db: no such index file" in capsys.readouterr().err
