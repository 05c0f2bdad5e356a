"""Tests for bench/provenance_bench.py: gold lineage and the scoring of edges and families."""

from __future__ import annotations

import json
from pathlib import Path

from bench.provenance_bench import (
    Tally,
    gold_lineage,
    score_edges,
    score_families,
    undated_copy,
)

GOLD = [
    {"a": "o1", "b": "r1", "kind": "spin"},
    {"a": "r1", "b": "r2", "kind": "light"},
    {"a": "o1", "b": "r2", "kind": "spin", "via": "r1"},
    {"a": "o2", "b": "r3", "kind": "copy"},
]


def test_gold_lineage_keeps_ancestors_through_intermediates() -> None:
    ancestry, originals = gold_lineage(GOLD)
    assert ("o1", "r2") in ancestry and ("r1", "r2") in ancestry
    assert originals == {"o1", "o2"}


def test_edges_are_scored_in_either_stored_order() -> None:
    ancestry, _ = gold_lineage(GOLD)
    pairs = [
        ("o1", "r1", "o1"),    # right
        ("r2", "o1", "r2"),    # stored the other way round, wrong source
        ("r1", "r2", None),    # undecided
        ("o1", "o2", "o1"),    # not a gold lineage: not scored
    ]
    assert score_edges(pairs, ancestry) == Tally(total=3, decided=2, right=1)


def test_families_need_exactly_one_original() -> None:
    _, originals = gold_lineage(GOLD)
    families = [
        ("o1", ["o1", "r1", "r2"]),   # right
        ("r3", ["o2", "r3"]),         # wrong
        (None, ["o1", "o2", "r3"]),   # two originals merged: not scored
        (None, ["r1", "r2"]),         # original missing: not scored
    ]
    assert score_families(families, originals) == Tally(total=2, decided=2, right=1)
    assert "0.500" in score_families(families, originals).line("families")


def test_undated_copy_drops_only_the_publication_time(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    rows = [{"id": "a", "text": "Body.", "published": "2024-01-01T00:00:00+00:00"},
            {"id": "b", "text": "Other."}]
    (src / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = undated_copy(src, tmp_path / "out")
    got = [json.loads(line) for line in out.read_text().splitlines()]
    assert got == [{"id": "a", "text": "Body."}, {"id": "b", "text": "Other."}]
