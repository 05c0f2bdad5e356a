"""Table exports: the same rows in JSONL, CSV and Parquet, consistent with the index."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from retold.api import Index
from retold.cli import app
from retold.export import TABLES, export_tables, table_rows

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, static_encoder) -> Path:
    db = tmp_path_factory.mktemp("export") / "demo.db"
    with Index(db, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
    return db


def test_cli_writes_every_table_in_every_format(demo_db: Path, tmp_path: Path) -> None:
    with Index(demo_db, readonly=True) as index:
        n_docs = index.store.count_documents()
        n_pairs = len(index.pairs())
        fams = index.families()
        n_members = sum(len(f["members"]) for f in fams)
        n_story_members = sum(len(s["members"]) for s in index.stories())
    counts: dict[str, dict[str, int]] = {}
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / fmt
        res = runner.invoke(app, ["export", "--format", fmt, "--db", str(demo_db),
                                  "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
        counts[fmt] = {t: _count(out / f"{t}.{fmt}", fmt) for t in TABLES}
    expected = {"documents": n_docs, "pairs": n_pairs, "families": n_members,
                "stories": n_story_members}
    assert all(c == expected for c in counts.values()), counts
    assert n_members > 0 and n_pairs > 0


def test_rows_agree_across_formats(demo_db: Path, tmp_path: Path) -> None:
    with Index(demo_db, readonly=True) as index:
        for fmt in ("jsonl", "csv", "parquet"):
            export_tables(index.store, fmt, tmp_path)
        members = table_rows(index.store, "families")
    jsonl = [json.loads(line) for line in (tmp_path / "families.jsonl").open()]
    parquet = pq.read_table(tmp_path / "families.parquet").to_pylist()
    with (tmp_path / "families.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert jsonl == parquet == members
    assert [r["doc_id"] for r in rows] == [m["doc_id"] for m in members]
    # Roles are the family roles only (independent documents are in no family).
    roles = {m["role"] for m in members}
    assert roles <= {"source", "copy", "rewrite", "partial"} and "source" in roles
    # Nested columns: objects in JSONL, JSON text in Parquet and CSV.
    pj = [json.loads(line) for line in (tmp_path / "pairs.jsonl").open()]
    pp = pq.read_table(tmp_path / "pairs.parquet").to_pylist()
    assert isinstance(pj[0]["scores"], dict)
    assert json.loads(pp[0]["scores"]) == pj[0]["scores"]
    assert json.loads(pp[0]["spans"]) == pj[0]["spans"]
    docs = pq.read_table(tmp_path / "documents.parquet")
    assert docs.schema.field("family").type == "int64"
    assert all(t for t in docs.column("text").to_pylist())


def test_empty_index_exports_typed_empty_tables(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Index(db).close()
    res = runner.invoke(app, ["export", "--format", "parquet", "--db", str(db),
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    table = pq.read_table(tmp_path / "out" / "pairs.parquet")
    assert table.num_rows == 0 and "confidence" in table.schema.names


def test_unknown_format_is_refused(demo_db: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["export", "--format", "xml", "--db", str(demo_db),
                              "--out", str(tmp_path)])
    assert res.exit_code == 2


def _count(path: Path, fmt: str) -> int:
    if fmt == "parquet":
        return pq.read_table(path).num_rows
    with path.open(encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            return sum(1 for _ in csv.DictReader(fh))
        return sum(1 for line in fh if line.strip())
