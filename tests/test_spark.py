"""The Spark job on local[2] finds the same families as the local pipeline on the demo."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from retold.api import Index
from retold.cli import app
from retold.documents import Document
from retold.readers import read_paths
from retold.spark.load import SparkOutputError, components

pytest.importorskip("pyspark", reason="pyspark missing: pip install 'retold[spark]'")
if shutil.which("java") is None:
    pytest.skip("java missing: Spark needs a JRE on PATH", allow_module_level=True)
try:
    subprocess.run(["java", "-version"], check=True, capture_output=True, timeout=30)
except (OSError, subprocess.SubprocessError):
    pytest.skip("java does not run: Spark needs a working JRE", allow_module_level=True)

pytestmark = pytest.mark.slow
runner = CliRunner()


def families_of(index: Index) -> list[tuple[str | None, list[tuple[str, str, str | None]]]]:
    return sorted(
        (f["source"], sorted((m["doc_id"], m["role"], m["parent"]) for m in f["members"]))
        for f in index.families())


@pytest.fixture(scope="module")
def demo_jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "demo.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for rec in read_paths([EXAMPLES / "corpus"]):
            assert isinstance(rec, Document), rec
            fh.write(json.dumps({
                "id": rec.id, "text": rec.text, "url": rec.url, "title": rec.title,
                "published": rec.published.isoformat() if rec.published else None}) + "\n")
    return path


@pytest.fixture(scope="module")
def local_index(tmp_path_factory, static_encoder) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.db"
    with Index(db, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
    return db


@pytest.fixture(scope="module")
def spark_output(demo_jsonl: Path) -> tuple[Path, dict]:
    from retold.spark.job import run_job, spark_session

    out = demo_jsonl.parent / "out"
    spark = spark_session("local[2]")
    try:
        result = run_job([str(demo_jsonl)], str(out), spark=spark)
    finally:
        spark.stop()
    return out, result


def test_spark_finds_the_local_families(spark_output, local_index: Path, tmp_path: Path):
    out, result = spark_output
    with Index(local_index, readonly=True) as index:
        local = families_of(index)
        local_pairs = {(p["a"], p["b"], p["relation"]) for p in index.pairs()}
        n_docs = index.store.count_documents()
    assert result["counts"]["documents"] == n_docs
    assert local, "the demo has families"
    # Connected components written by the job are the local families' member sets.
    assert components(out) == sorted((frozenset(d for d, _, _ in members)
                                      for _, members in local), key=sorted)
    # Loaded into an index, sources, roles and parents match the local scan too.
    db = tmp_path / "spark.db"
    res = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    bars = {ln.split("━")[0].strip(): ln for ln in res.output.splitlines()
            if "━" in ln and ln[:1].isalpha()}
    assert list(bars) == ["loading documents", "loading pairs", "building families",
                          "grouping stories"]
    assert f" {n_docs}/{n_docs} " in bars["loading documents"]
    with Index(db, readonly=True) as index:
        assert families_of(index) == local
        assert {(p["a"], p["b"], p["relation"]) for p in index.pairs()} == local_pairs
        assert index.stories() and index.check_integrity() == []
    assert runner.invoke(app, ["families", "--db", str(db)]).exit_code == 0
    # A second load into the same index is refused (it compared only its own documents).
    res = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert res.exit_code == 1 and "new index" in " ".join(res.output.split())


def test_import_refuses_a_folder_that_is_not_spark_output(tmp_path: Path) -> None:
    from retold.spark.load import load_output

    with Index(tmp_path / "x.db") as index, pytest.raises(SparkOutputError):
        load_output(tmp_path, index.store)


def test_spark_banding_chains_crowded_buckets_like_the_local_pipeline() -> None:
    import numpy as np

    from retold.candidates import (
        LEXICAL,
        MAX_BUCKET_ALL_PAIRS,
        SKELETON,
        estimated_jaccard,
        low_bytes,
        pairs_from_buckets,
    )
    from retold.config import Config
    from retold.pipeline import _params, lsh_min_jaccard
    from retold.spark.job import band_candidates, spark_session

    config = Config()
    n_lex, n_skel = _params(config, config.lexical_threshold)
    # Document i: its own keys except that lexical band 0 is shared by a crowd (a template),
    # skeleton band 0 by a small group, and document 3 repeats a key it already has. The
    # last ten have signatures of their own, so the crowd's pairs with them share a bucket
    # by chance and are dropped, as locally.
    crowd = [f"d{i:03d}" for i in range(MAX_BUCKET_ALL_PAIRS + 20)]
    rng = np.random.default_rng(0)
    template = rng.integers(0, 2**32, 128, dtype=np.uint32)
    sigs = {d: template if i < len(crowd) - 10 else rng.integers(0, 2**32, 128, dtype=np.uint32)
            for i, d in enumerate(crowd)}
    rows = []
    for i, d in enumerate(crowd):
        bands = [10_000_000 + 1000 * i + j for j in range(n_lex + n_skel)]
        bands[0] = 7
        if i < 5:
            bands[n_lex] = 9
        if i == 3:
            bands[1] = 7
        rows.append((d, bands, sigs[d].tobytes(), sigs[d].tobytes()))
    spark = spark_session("local[2]")
    try:
        docs = spark.createDataFrame(rows, "id string, bands array<long>, lexical binary,"
                                           " skeleton binary")
        got = sorted((r["a"], r["b"], r["channel"])
                     for r in band_candidates(docs, config).collect())
    finally:
        spark.stop()
    want = sorted(
        (c.a, c.b, ch) for c in
        pairs_from_buckets([crowd], LEXICAL) + pairs_from_buckets([crowd[:5]], SKELETON)
        for ch in c.channels
        if estimated_jaccard(low_bytes(sigs[c.a]), low_bytes(sigs[c.b]))[0]
        >= lsh_min_jaccard(config, ch))
    assert got == want
    assert len([p for p in got if p[2] == LEXICAL]) == len(crowd) - 11
