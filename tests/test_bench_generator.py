"""Tests for the synthetic corpus generator (bench/generate.py) and spinner (bench/spinner.py)."""

from __future__ import annotations

import json
import random
import re
import statistics
from pathlib import Path

import pytest

from bench import generate, spinner

N = 300


def _read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("synth")
    generate.write_corpus(out, N, seed=11, rewrite_rate=0.2)
    docs = {d["id"]: d for d in _read(out / "corpus.jsonl")}
    gold = _read(out / "gold.jsonl")
    events = {e["id"]: e["event"] for e in _read(out / "events.jsonl")}
    return {"dir": out, "docs": docs, "gold": gold, "events": events}


def _grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    w = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _containment(a: str, b: str) -> float:
    """Share of a's word 5-grams that also occur in b."""
    ga = _grams(a)
    return len(ga & _grams(b)) / max(1, len(ga))


def _entities(text: str) -> set[str]:
    # Capitalised words not opening a sentence, and multi-digit numbers: names and facts.
    names = re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", text)
    return set(names) | set(re.findall(r"\d[\d,.]*\d", text))


def _originals(c: dict) -> list[str]:
    rewritten = {g["b"] for g in c["gold"]}
    return [i for i in c["docs"] if i not in rewritten]


def test_deterministic_for_a_seed(tmp_path: Path, corpus: dict) -> None:
    generate.write_corpus(tmp_path / "again", N, seed=11, rewrite_rate=0.2)
    generate.write_corpus(tmp_path / "other", N, seed=12, rewrite_rate=0.2)
    for name in ("corpus.jsonl", "gold.jsonl", "events.jsonl"):
        first = (corpus["dir"] / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == first
    assert (tmp_path / "other" / "corpus.jsonl").read_bytes() != (
        corpus["dir"] / "corpus.jsonl"
    ).read_bytes()


def test_records_have_the_documented_fields(corpus: dict) -> None:
    docs = corpus["docs"]
    assert len(docs) == N
    for d in docs.values():
        assert set(d) == {"id", "url", "title", "published", "text"}
        assert d["url"].startswith("https://")
        assert re.search(r"[+-]\d\d:\d\d$", d["published"]), "published needs an offset"
    assert set(corpus["events"]) == set(docs)


def test_gold_ids_exist_and_sources_are_older(corpus: dict) -> None:
    from datetime import datetime

    docs = corpus["docs"]
    assert corpus["gold"]
    for g in corpus["gold"]:
        assert g["a"] in docs and g["b"] in docs and g["a"] != g["b"]
        assert g["kind"] in generate.KINDS
        assert datetime.fromisoformat(docs[g["a"]]["published"]) < datetime.fromisoformat(
            docs[g["b"]]["published"]
        )
        assert corpus["events"][g["a"]] == corpus["events"][g["b"]]


def test_rewrite_fraction_near_requested_rate(corpus: dict) -> None:
    rewritten = {g["b"] for g in corpus["gold"]}
    assert abs(len(rewritten) / N - 0.2) < 0.06
    kinds = {g["kind"] for g in corpus["gold"]}
    assert kinds == set(generate.KINDS)


def test_originals_are_news_length(corpus: dict) -> None:
    lengths = [len(corpus["docs"][i]["text"].split()) for i in _originals(corpus)]
    assert min(lengths) >= 200 and max(lengths) <= 700
    assert 300 <= statistics.mean(lengths) <= 550


def test_spun_docs_change_wording_but_keep_names_and_numbers(corpus: dict) -> None:
    docs = corpus["docs"]
    pairs = [g for g in corpus["gold"] if g["kind"] == "spin" and "via" not in g]
    assert len(pairs) >= 5
    shares = [_containment(docs[g["a"]]["text"], docs[g["b"]]["text"]) for g in pairs]
    assert statistics.mean(shares) < 0.25
    assert sum(s < 0.25 for s in shares) >= 0.85 * len(shares)
    for g in pairs:
        src, rw = _entities(docs[g["a"]]["text"]), _entities(docs[g["b"]]["text"])
        assert len(src & rw) >= 0.75 * len(src)


def test_copies_and_light_edits_overlap_heavily(corpus: dict) -> None:
    docs = corpus["docs"]
    for g in corpus["gold"]:
        if g["kind"] in ("copy", "light") and "via" not in g:
            assert _containment(docs[g["a"]]["text"], docs[g["b"]]["text"]) > 0.7


def test_unrelated_docs_share_almost_no_5grams(corpus: dict) -> None:
    docs, events = corpus["docs"], corpus["events"]
    orig = _originals(corpus)
    rng = random.Random(0)
    shares = []
    while len(shares) < 300:
        a, b = rng.sample(orig, 2)
        if events[a] != events[b]:
            shares.append(_containment(docs[a]["text"], docs[b]["text"]))
    assert statistics.mean(shares) < 0.01
    assert max(shares) < 0.1


def test_same_event_docs_share_entities_not_wording(corpus: dict) -> None:
    docs, events = corpus["docs"], corpus["events"]
    orig = _originals(corpus)
    by_event: dict[str, list[str]] = {}
    for i in orig:
        by_event.setdefault(events[i], []).append(i)
    pairs = [(ids[0], ids[1]) for ids in by_event.values() if len(ids) > 1]
    shared_frac = sum(len(ids) for ids in by_event.values() if len(ids) > 1) / len(orig)
    assert 0.2 <= shared_frac <= 0.45
    assert len(pairs) >= 10
    shares = [_containment(docs[a]["text"], docs[b]["text"]) for a, b in pairs]
    assert statistics.mean(shares) < 0.1 and max(shares) < 0.25
    common = [len(_entities(docs[a]["text"]) & _entities(docs[b]["text"])) for a, b in pairs]
    assert statistics.mean(common) >= 3


HAND_WRITTEN = (
    "Mayor Ingrid Solberg said on Tuesday that the city would spend 4.5 million dollars to "
    "repair the old harbour wall, which was badly damaged during the storm in 2019. "
    "Engineers had warned for years that the structure was weak, according to a report "
    "published by the council. \"We cannot wait any longer,\" Solberg told reporters at a "
    "briefing near the port. Work is expected to begin in March and last about 18 months, "
    "officials said, and several roads near the water will be closed while crews work."
)


def test_spinner_is_reproducible_and_keeps_names_numbers() -> None:
    a = spinner.spin(HAND_WRITTEN, random.Random(3), 0.9)
    assert a == spinner.spin(HAND_WRITTEN, random.Random(3), 0.9)
    assert a != HAND_WRITTEN
    for fact in ("Ingrid Solberg", "Solberg", "4.5", "2019", "18", "Tuesday", "March"):
        assert fact in a
    assert _containment(HAND_WRITTEN, a) < 0.25


def test_spinner_fact_breaking_and_padding() -> None:
    rng = random.Random(5)
    assert "former Mayor Ingrid" in spinner.add_former(HAND_WRITTEN, rng)
    assert spinner.drop_date(HAND_WRITTEN, rng) != HAND_WRITTEN
    changed = spinner.change_number(HAND_WRITTEN, rng)
    assert changed != HAND_WRITTEN and "2019" in changed
    out = spinner.spin_article(
        HAND_WRITTEN + "\n\nMore text here.\n\nAnd more.", rng, headings=["Key Takeaways"],
        bio="About the author: someone.",
    )
    assert "Key Takeaways" in out and out.endswith("About the author: someone.")


def test_paraphrase_and_light_edit() -> None:
    rng = random.Random(9)
    para = spinner.paraphrase(HAND_WRITTEN, rng)
    assert "Solberg" in para and _containment(HAND_WRITTEN, para) < 0.3
    light = spinner.light_edit(HAND_WRITTEN, rng, n_words=2)
    assert light != HAND_WRITTEN and _containment(HAND_WRITTEN, light) > 0.5
    assert len(spinner.split_sentences(HAND_WRITTEN)) == 4
