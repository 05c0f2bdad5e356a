"""Quality regression gate: scores on the public datasets must not drop below pinned floors,
and the data they were pinned on must not change silently (re-pin with ``--repin``-style
edits to quality_floors.json, giving the new digest and the measured numbers)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

FLOORS = json.loads((Path(__file__).parent / "data" / "quality_floors.json").read_text())

# Files each evaluation reads, relative to ../shared/data.
DATA_FILES = {
    "clough-stevenson": ["clough_stevenson_plagiarism/corpus"],
    "pan10": ["pan10_mtmetrics_paraphrase/pan-test_s1.txt",
              "pan10_mtmetrics_paraphrase/pan-test_s2.txt",
              "pan10_mtmetrics_paraphrase/pan-test.labels"],
    "mrpc": ["mrpc/msr_paraphrase_test.txt"],
    "ecbplus": ["ecbplus/ECB+_LREC2014/ECB+"],
    "wikiref220": ["wikiref220/WikiRef220"],
}


def digest(root: Path, names: list[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("dataset", sorted(DATA_FILES))
def test_data_unchanged_since_pinning(shared, dataset):
    got = digest(shared / "data", DATA_FILES[dataset])
    assert got == FLOORS[dataset]["digest"], (
        f"{dataset} data changed (digest {got}); re-run `retold eval {dataset}` and re-pin"
        " tests/data/quality_floors.json")


def test_clough_stevenson_floor(shared):
    from retold.evaluate.documents import evaluate_clough

    res = evaluate_clough()
    floor = FLOORS["clough-stevenson"]
    assert res.f1 >= floor["f1"]
    assert res.source_accuracy >= floor["source_accuracy"]
    assert res.scan.f1 >= floor["scan_f1"]


def test_seeds_grouping_gate(shared):
    from retold.evaluate.documents import evaluate_seeds

    res = evaluate_seeds()
    assert res.family_ok and res.story_ok, res.lines()


def test_drift_benchmark_floor():
    from retold.evaluate.drift import evaluate_drift

    rep = evaluate_drift()
    floor = FLOORS["drift"]
    assert rep.overall.precision >= floor["precision"]
    assert rep.overall.recall >= floor["recall"]
