"""Tests for bench/orphans_bench.py: orphan groups from the gold lineage and their scoring."""

from __future__ import annotations

import json
from pathlib import Path

from bench.orphans_bench import lineage, orphan_groups, score_orphans, without

GOLD = [
    {"a": "o1", "b": "r1", "kind": "spin"},
    {"a": "r1", "b": "r2", "kind": "light"},
    {"a": "o1", "b": "r2", "kind": "spin", "via": "r1"},
    {"a": "o1", "b": "r3", "kind": "paraphrase"},
    {"a": "o2", "b": "r4", "kind": "copy"},
]


def test_orphans_are_the_derived_documents_of_originals_with_two_or_more() -> None:
    origin, kind = lineage(GOLD)
    assert origin == {"r1": "o1", "r2": "o1", "r3": "o1", "r4": "o2"}
    assert kind["r2"] == "light"  # the direct edge's kind, not the "via" one's
    assert orphan_groups(origin) == {"o1": ["r1", "r2", "r3"]}  # o2 has one copy only


def test_without_drops_the_originals(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    rows = [{"id": i, "text": "x"} for i in ("o1", "r1", "r2", "u1")]
    (tmp_path / "c" / "corpus.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert without(tmp_path / "c", {"o1"}, tmp_path / "out") == 3
    kept = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["r1", "r2", "u1"]


def test_score_counts_whole_groups_sibling_pairs_and_mixed_families() -> None:
    origin, kind = lineage(GOLD)
    groups = orphan_groups(origin)
    # r1 and r2 together, r3 alone; r4 joined to an unrelated document u1.
    family = {"r1": 1, "r2": 1, "r3": None, "r4": 2, "u1": 2, "u2": None}
    s = score_orphans(family, groups, kind, origin)
    assert (s.groups, s.whole, s.pairs, s.pairs_grouped) == (1, 0, 3, 1)
    assert s.by_kinds == {"light+spin": (1, 1), "paraphrase+spin": (0, 1),
                          "light+paraphrase": (0, 1)}
    assert s.mixed_families == 1  # family 2: o2's copy and u1
    family["r3"] = 1
    s = score_orphans(family, groups, kind, origin)
    assert (s.whole, s.pairs_grouped) == (1, 3)
