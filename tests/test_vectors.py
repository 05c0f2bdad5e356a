"""The vector indexes a server keeps between checks follow the index as it grows."""

from __future__ import annotations

import shutil

from conftest import EXAMPLES

from retold.api import Index
from retold.documents import Document
from retold.relate import REUSE
from retold.vectors import VectorCache


def _matches(result: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(m["doc_id"], m["relation"], tuple(m["channels"])) for m in result["matches"]]


def test_vector_cache_adds_new_documents_and_finds_them_like_a_rebuild(tmp_path, static_encoder):
    with Index(tmp_path / "grow.db", encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        cache = VectorCache()
        before = cache.get(index.store)
        source = index.document(before.doc_ids[0])
        assert source is not None
        index.add([Document(id="late-copy", text=source.text, title=source.title)])

        after = cache.get(index.store)
        assert after.built_docs == before.built_docs  # extended, not rebuilt
        assert after.doc_ids == [*before.doc_ids, "late-copy"]
        assert after.sentence_index.ntotal == len(after.sentence_docs.codes)
        # The snapshot other threads may be searching is left as it was.
        assert before.doc_index.ntotal == len(before.doc_ids)
        assert before.sentence_index.ntotal == len(before.sentence_docs.codes)

        query = Document(id="query", text=source.text)
        got = index.check(query, cache=cache)
        assert "late-copy" in {m["doc_id"] for m in got["matches"]}
        assert _matches(got) == _matches(index.check(query, cache=VectorCache()))


def test_vector_cache_rebuilds_once_the_corpus_doubles(tmp_path, static_encoder):
    with Index(tmp_path / "double.db", encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        cache = VectorCache()
        before = cache.get(index.store)
        n = len(before.doc_ids)
        index.add([Document(id=f"filler-{i}", text=f"Filler report number {i} about the "
                            f"harbour of town {i}. It rained on day {i} of the fair.")
                   for i in range(n + 1)])
        after = cache.get(index.store)
        assert after.built_docs == len(after.doc_ids) == 2 * n + 1
        assert after.seq == index.store.last_seq()


def test_add_through_a_cache_finds_the_same_pairs_as_without(tmp_path, static_encoder):
    plain, cached = tmp_path / "plain.db", tmp_path / "cached.db"
    with Index(plain, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
    shutil.copy(plain, cached)
    source = Index(plain, encoder=static_encoder).document(
        Index(plain, encoder=static_encoder).pairs(["copy", "rewrite"])[0]["a"])
    assert source is not None
    edited = source.text.replace(" the ", " this ", 3)
    late = [Document(id="late-edit", text=edited, title=source.title)]

    def pairs(index: Index) -> list[tuple[str, str, str]]:
        # Reuse pairs only: among exactly repeated sentences (the demo's boilerplate) the
        # k nearest are a tie that the two searches may break differently, which can add
        # or drop a `related` pair, never a reuse one here.
        return sorted((p["a"], p["b"], p["relation"]) for p in index.pairs(REUSE))

    with Index(plain, encoder=static_encoder, workers=1) as index:
        index.add(late)
        want = pairs(index)
    with Index(cached, encoder=static_encoder, workers=1) as index:
        cache = VectorCache()
        cache.get(index.store)
        index.add(late, cache=cache)
        got = pairs(index)
        assert cache.get(index.store).doc_ids[-1] == "late-edit"
    assert got == want
    assert any("late-edit" in (a, b) and rel in {"copy", "rewrite"} for a, b, rel in want)
