"""The vector indexes a server keeps between checks follow the index as it grows."""

from __future__ import annotations

import itertools
import shutil

from conftest import EXAMPLES

from retold import vectors
from retold.api import Index
from retold.documents import Document
from retold.pipeline import index_records
from retold.relate import REUSE
from retold.store import Store
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


def test_add_through_the_cache_finds_the_same_reuse_pairs_as_fresh_indexes(tmp_path,
                                                                          static_encoder):
    plain, cached = tmp_path / "plain.db", tmp_path / "cached.db"
    with Index(plain, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        source = index.document(index.pairs(["copy", "rewrite"])[0]["a"])
    shutil.copy(plain, cached)
    assert source is not None
    late = [Document(id="late-edit", text=source.text.replace(" the ", " this ", 3),
                     title=source.title)]

    def pairs(store: Store) -> list[tuple[str, str, str]]:
        # Reuse pairs only: among exactly repeated sentences (the demo's boilerplate) the
        # k nearest are a tie that the two searches may break differently, which can add
        # or drop a `related` pair, never a reuse one here.
        return sorted((p.a, p.b, p.relation) for p in store.pairs(REUSE))

    with Store(plain) as store:  # no cache: indexes built from every stored vector
        index_records(late, store, static_encoder, workers=1)
        want = pairs(store)
    with Index(cached, encoder=static_encoder, workers=1) as index:
        index.vectors.get(index.store)  # loaded before the add, then brought up to date
        index.add(late)
        got = pairs(index.store)
        assert index.vectors.current.doc_ids[-1] == "late-edit"
    assert got == want
    assert any("late-edit" in (a, b) and rel in {"copy", "rewrite"} for a, b, rel in want)


def test_vector_indexes_are_saved_and_loaded_by_the_next_process(tmp_path, static_encoder,
                                                                 monkeypatch):
    db = tmp_path / "saved.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        built = index.vectors.get(index.store)
    assert built is not None and (tmp_path / "saved.db.vectors" / "meta.json").is_file()

    def no_build(*_args: object) -> None:
        raise AssertionError("rebuilt instead of loading the saved indexes")

    with Index(db, encoder=static_encoder, workers=1) as index:
        with monkeypatch.context() as mp:
            mp.setattr(vectors, "_build_vectors", no_build)
            loaded = index.vectors.get(index.store)
            index.add([Document(id="one-more", text="A short note. It has two sentences.")])
        assert loaded.doc_ids == built.doc_ids and loaded.built_docs == built.built_docs
        assert loaded.sentence_docs.codes.tolist() == built.sentence_docs.codes.tolist()
        assert index.vectors.current.doc_ids[-1] == "one-more"


def test_a_large_scan_lets_the_vector_indexes_go_and_a_small_add_keeps_them(tmp_path,
                                                                           static_encoder):
    """After the candidates of a scan that brings a tenth of the corpus or more, the
    indexes are saved and dropped from memory; the next search loads them back. A small
    add keeps them, and without a file to save to they are kept."""
    with Index(tmp_path / "release.db", encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        assert index.vectors.current is None
        source = index.document(index.pairs(["copy", "rewrite"])[0]["a"])
        assert source is not None
        index.add([Document(id="late-copy", text=source.text)])
        kept = index.vectors.current
        assert kept is not None and kept.doc_ids[-1] == "late-copy"
        got = index.check(Document(id="query", text=source.text))
        assert "late-copy" in {m["doc_id"] for m in got["matches"]}
        assert index.vectors.current is kept
    with Index(":memory:", encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        assert index.vectors.current is not None


def test_saved_vector_indexes_that_do_not_match_are_rebuilt(tmp_path, static_encoder):
    db = tmp_path / "stale.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        n_docs = len(index.vectors.get(index.store).doc_ids)
    saved = tmp_path / "stale.db.vectors"
    (saved / "sentences.faiss").write_bytes(b"not a faiss index")
    with Index(db, encoder=static_encoder, workers=1) as index:
        assert len(index.vectors.get(index.store).doc_ids) == n_docs  # built afresh
    # Another index's saved vectors next to this file are not taken for its own.
    other = tmp_path / "other.db"
    with Index(other, encoder=static_encoder, workers=1) as index:
        index.add([Document(id="lonely", text="Only one document here. Nothing else.")])
    shutil.rmtree(tmp_path / "other.db.vectors")
    shutil.copytree(saved, tmp_path / "other.db.vectors")
    with Index(other, encoder=static_encoder, workers=1) as index:
        assert index.vectors.get(index.store).doc_ids == ["lonely"]


def test_a_new_index_file_at_the_same_path_does_not_take_the_old_vectors(tmp_path,
                                                                        static_encoder,
                                                                        monkeypatch):
    db = tmp_path / "again.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
    db.unlink()  # the same documents scanned again into a new file, old vectors left behind
    builds = []
    real = vectors._build_vectors
    monkeypatch.setattr(vectors, "_build_vectors",
                        lambda *args: builds.append(1) or real(*args))
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
    assert builds == [1]


def test_a_graph_quantized_sentence_index_is_extended_saved_and_loaded(tmp_path, static_encoder,
                                                                       monkeypatch):
    """The large-corpus sentence index (cells found through an HNSW graph) goes through the
    cache's life like the small one: extended in copies, saved, loaded, searched."""
    import faiss

    import retold.candidates as cand

    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", 0)
    db = tmp_path / "graph.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        source = index.document(index.pairs(["copy", "rewrite"])[0]["a"])
        built = index.vectors.get(index.store)
    assert source is not None and built is not None
    quantizer = faiss.downcast_index(faiss.extract_index_ivf(built.sentence_index).quantizer)
    assert isinstance(quantizer, faiss.IndexHNSWFlat)

    late = Document(id="late-edit", text=source.text.replace(" the ", " this ", 3))
    with Index(db, encoder=static_encoder, workers=1) as index:
        loaded = index.vectors.get(index.store)
        assert loaded.built_docs == built.built_docs  # loaded, not rebuilt
        index.vectors.shared = True
        index.add([late])
        after = index.vectors.current
        assert after.sentence_index.ntotal == len(after.sentence_docs.codes)
        assert loaded.sentence_index.ntotal == len(loaded.sentence_docs.codes)  # untouched
        got = index.check(Document(id="query", text=source.text))
        assert "late-edit" in {m["doc_id"] for m in got["matches"]}
        assert any("late-edit" in (p.a, p.b) for p in index.store.pairs(REUSE))


def test_sentence_vector_blocks_hold_whole_documents_and_add_up_to_all_rows(tmp_path,
                                                                            static_encoder):
    import numpy as np

    with Index(tmp_path / "blocks.db", encoder=static_encoder, workers=1) as index:
        index.scan([str(EXAMPLES / "corpus")])
        ids, whole = index.store.sentence_vectors()
        blocks = list(index.store.sentence_vector_blocks(rows=50))
    assert len(blocks) > 2
    assert [d for b_ids, _ in blocks for d in b_ids] == ids
    assert np.array_equal(np.vstack([b for _, b in blocks]), whole)
    for (b_ids, block), (next_ids, _) in itertools.pairwise(blocks):
        assert len(block) >= 50 and b_ids[-1] != next_ids[0]  # no document split


def test_a_fresh_scan_adds_its_sentence_rows_as_it_queries_them(tmp_path, static_encoder,
                                                                monkeypatch):
    """Where the sentence index has cells, a scan of only new documents plans them once
    (``CellPlan``) and adds each batch's rows before querying it: the same reuse pairs as a
    scan of the finished index, and the finished index is what the cache saves for the
    next process (loaded, never built again)."""
    import retold.candidates as cand
    import retold.pipeline as pipeline_mod

    monkeypatch.setattr(pipeline_mod, "_QUERY_DOCS", 7)  # several batches
    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", 0)
    monkeypatch.setattr(cand, "FLAT_INDEX_MAX_ROWS", 0)
    calls: list[str] = []
    real_plan, real_build = vectors.CellPlan, vectors._build_vectors

    def plan_spy(*args):
        calls.append("plan")
        return real_plan(*args)

    def build_spy(*args):
        calls.append("build")
        return real_build(*args)

    monkeypatch.setattr(vectors, "CellPlan", plan_spy)
    monkeypatch.setattr(vectors, "_build_vectors", build_spy)

    def scan(db: str, plan: bool) -> list[tuple[str, str, str]]:
        monkeypatch.setattr(vectors, "FLAT_INDEX_MAX_ROWS", 0 if plan else 10**9)
        calls.clear()
        with Index(tmp_path / db, encoder=static_encoder, workers=1) as index:
            index.scan([str(EXAMPLES / "corpus")])
            got = sorted((p.a, p.b, p.relation) for p in index.store.pairs(REUSE))
            snapshot = index.vectors.get(index.store)
            assert snapshot.sentence_index.ntotal == len(snapshot.sentence_docs.codes) > 0
        assert calls == (["plan"] if plan else ["build"])
        return got

    planned = scan("planned.db", plan=True)
    built = scan("built.db", plan=False)
    assert planned and planned == built


def test_a_scan_that_doubles_the_corpus_plans_with_the_older_rows_in_first(tmp_path,
                                                                          static_encoder,
                                                                          monkeypatch):
    """A scan whose new documents double the corpus rebuilds the indexes: the older
    documents' rows go in before the new ones are queried, and the pairs are those of the
    same two scans through whole builds."""
    import retold.candidates as cand
    import retold.pipeline as pipeline_mod

    monkeypatch.setattr(pipeline_mod, "_QUERY_DOCS", 5)
    monkeypatch.setattr(cand, "HNSW_SENTENCE_MIN_ROWS", 0)
    monkeypatch.setattr(cand, "FLAT_INDEX_MAX_ROWS", 0)
    files = sorted((EXAMPLES / "corpus").iterdir())
    first = tmp_path / "first"
    first.mkdir()
    for f in files[:8]:
        shutil.copy(f, first / f.name)
    plans: list[int] = []
    real_plan = vectors.CellPlan

    def plan_spy(*args):
        plans.append(args[0].ntotal)  # rows in the index when planned: none yet
        return real_plan(*args)

    monkeypatch.setattr(vectors, "CellPlan", plan_spy)

    def two_scans(db: str, plan: bool) -> list[tuple[str, str, str]]:
        monkeypatch.setattr(vectors, "FLAT_INDEX_MAX_ROWS", 0 if plan else 10**9)
        plans.clear()
        with Index(tmp_path / db, encoder=static_encoder, workers=1) as index:
            index.scan([str(first)])
        with Index(tmp_path / db, encoder=static_encoder, workers=1) as index:
            index.scan([str(EXAMPLES / "corpus")])
            snapshot = index.vectors.get(index.store)
            assert snapshot.sentence_index.ntotal == len(snapshot.sentence_docs.codes)
            assert len(snapshot.doc_ids) == index.store.count_documents()
            got = sorted((p.a, p.b, p.relation) for p in index.store.pairs(REUSE))
        assert plans == ([0, 0] if plan else [])
        return got

    planned = two_scans("planned.db", plan=True)
    built = two_scans("built.db", plan=False)
    assert planned and planned == built
