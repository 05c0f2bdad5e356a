"""bench/add_bench.py runs end to end on a small index (it is not run by CI otherwise)."""

from __future__ import annotations

import json

from conftest import EXAMPLES

from bench import add_bench
from retold.api import Index


def test_add_bench_times_adds_and_checks_on_a_small_index(tmp_path, capsys, static_encoder):
    db = tmp_path / "small.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
    corpus = tmp_path / "more.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": f"n{i}", "title": f"Note {i}",
                    "text": f"The council met on day {i}. It agreed to repair bridge {i}."})
        + "\n" for i in range(2)), encoding="utf-8")
    assert add_bench.main(["--db", str(db), "--corpus", str(corpus), "--adds", "2",
                           "--no-write"]) == 0
    out = capsys.readouterr().out
    assert "first check, before any add (loads the saved vector indexes)" in out
    assert out.count("| ingest ") == 2  # one row per add, each with its stage seconds
