"""bench/spark_bench.py reads the Spark job's pairs the way run_bench reads an index."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.spark_bench import spark_pairs


def test_spark_pairs_are_the_reuse_relations_in_id_order(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "pairs").mkdir()
    table = pa.table({"a": ["d2", "d1", "d3", "d1"], "b": ["d1", "d3", "d4", "d4"],
                      "relation": ["copy", "rewrite", "same_story", "partial"]})
    pq.write_table(table, tmp_path / "pairs" / "part-0.parquet")
    assert spark_pairs(tmp_path) == {("d1", "d2"), ("d1", "d3"), ("d1", "d4")}
