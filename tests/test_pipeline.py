"""End-to-end: scan folders into an index, then read the index back through the API."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, gold_key

from retold.api import Index, compare
from retold.comparison import comparison_json
from retold.config import Config
from retold.relate import REUSE
from retold.store import Store, StoreError

REUSE_ROLES = {"copy", "rewrite", "partial", "source"}


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory, static_encoder):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Index(db, encoder=static_encoder) as index:
        report = index.scan([str(EXAMPLES / "corpus")])
        data = index.to_json()
    return db, report, data


def _families_by_gold(data, gold):
    fams = defaultdict(set)
    for d in data["documents"]:
        if d["family"] is not None:
            fams[d["family"]].add(gold_key(d["path"], d["id"]))
    return sorted(sorted(m) for m in fams.values())


def test_demo_families_are_exactly_the_gold_families(demo_index, gold):
    _, report, data = demo_index
    assert not report.errors
    want = defaultdict(set)
    for key, g in gold["documents"].items():
        if g["family"]:
            want[g["family"]].add(key)
    assert _families_by_gold(data, gold) == sorted(sorted(m) for m in want.values())


def test_demo_independent_reports_stay_outside_families(demo_index, gold):
    _, _, data = demo_index
    for d in data["documents"]:
        g = gold["documents"][gold_key(d["path"], d["id"])]
        if g["role"] in ("independent", "unrelated"):
            assert d["family"] is None, d["path"]
            assert d["role"] == "independent"


def test_demo_stories_match_gold_and_contain_families(demo_index, gold):
    _, _, data = demo_index
    story_of = {gold_key(d["path"], d["id"]): d["story"] for d in data["documents"]}
    by_gold = defaultdict(set)
    for key, g in gold["documents"].items():
        by_gold[g["story"]].add(story_of[key])
    assert all(len(s) == 1 for s in by_gold.values()), by_gold
    assert len({next(iter(s)) for s in by_gold.values()}) == len(by_gold)
    fam_story = defaultdict(set)
    for d in data["documents"]:
        if d["family"] is not None:
            fam_story[d["family"]].add(d["story"])
    assert all(len(s) == 1 for s in fam_story.values())


def test_json_contract(demo_index):
    _, _, data = demo_index
    assert set(data) >= {"documents", "pairs", "families", "stories"}
    doc = data["documents"][0]
    assert set(doc) >= {"id", "path", "url", "domain", "title", "family", "story", "role"}
    reuse = [p for p in data["pairs"] if p["relation"] in ("copy", "rewrite", "partial")]
    assert reuse
    for p in reuse:
        assert set(p) >= {"a", "b", "relation", "source", "scores", "alignment", "drift"}
        for span in p["alignment"]:
            assert span["level"] in ("identical", "minor", "paraphrase")
            assert span["a_span"][0] < span["a_span"][1]
    json.dumps(data)


def test_rescan_adds_nothing_and_new_files_extend(tmp_path, static_encoder):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES / "corpus", corpus)
    later = [p for p in sorted(corpus.iterdir()) if "ferrandi" in p.name]
    hold = tmp_path / "later"
    hold.mkdir()
    for p in later:
        p.rename(hold / p.name)
    db = tmp_path / "inc.db"
    with Index(db, encoder=static_encoder) as index:
        first = index.scan([str(corpus)])
        again = index.scan([str(corpus)])
        assert again.added == [] and again.skipped == len(first.added)
        n_pairs = len(index.pairs())
        assert index.scan([str(corpus)]).added == []
        assert len(index.pairs()) == n_pairs
        index.scan([str(hold)])
        incremental = sorted(sorted(m["doc_id"] for m in f["members"]) for f in index.families())
    with Index(tmp_path / "full.db", encoder=static_encoder) as index:
        index.scan([str(corpus), str(hold)])
        full = sorted(sorted(m["doc_id"] for m in f["members"]) for f in index.families())
    assert incremental == full


def test_bad_file_is_reported_and_the_rest_indexed(tmp_path, static_encoder):
    (tmp_path / "good.txt").write_text("A fine headline\n\nThe council met on Monday to vote.\n")
    (tmp_path / "bad.jsonl").write_text('{"text": "ok line"}\n{broken\n{"title": "no text"}\n')
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    with Index(tmp_path / "x.db", encoder=static_encoder) as index:
        report = index.scan([str(tmp_path)])
        assert len(report.added) == 2
        reasons = " | ".join(str(e) for e in report.errors)
        assert "bad.jsonl:2" in reasons and "bad.jsonl:3" in reasons and "bin.txt" in reasons
        assert index.check_integrity() == []


def test_index_refuses_other_settings(tmp_path):
    Store(tmp_path / "a.db", Config()).close()
    with pytest.raises(StoreError, match="other settings"):
        Store(tmp_path / "a.db", Config(num_perm=64))
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a retold index"):
        Store(tmp_path / "junk.db")


def test_seeds_grouping(shared, tmp_path, static_encoder):
    with Index(tmp_path / "seeds.db", encoder=static_encoder) as index:
        index.scan([str(shared / "seeds")])
        data = index.to_json()
    fam = {Path(d["path"]).name[:3]: d["family"] for d in data["documents"]}
    story = {Path(d["path"]).name[:3]: d["story"] for d in data["documents"]}
    assert fam["000"] is not None and fam["000"] == fam["001"] == fam["002"]
    assert fam["003"] != fam["000"] and fam["004"] != fam["000"]
    assert story["000"] == story["001"] == story["002"] == story["004"]
    assert story["003"] != story["000"]


def test_shared_band_rows_are_the_keyed_rows_of_shared_buckets(demo_index):
    db, _, _ = demo_index
    with Store(db, readonly=True) as store:
        rows = store.db.execute("SELECT key, doc_seq FROM bands").fetchall()
        count: dict[int, int] = {}
        for k, _ in rows:
            count[k] = count.get(k, 0) + 1
        want = sorted((k, s) for k, s in rows if count[k] > 1)
        assert want, "the demo corpus shares LSH buckets"
        got = store.shared_band_rows()
        assert sorted(zip(*(x.tolist() for x in got), strict=True)) == want
        some = sorted(count)[::3]
        got = store.band_rows(some)
        assert sorted(zip(*(x.tolist() for x in got), strict=True)) == sorted(
            (k, s) for k, s in rows if k in set(some))


def test_candidates_do_not_depend_on_how_buckets_are_read(demo_index, monkeypatch):
    """A few pending documents ask for their own buckets, many read every shared bucket:
    the same candidates either way."""
    import retold.pipeline as pipeline_mod

    db, _, _ = demo_index
    with Store(db, readonly=True) as store:
        everything = [d.id for d in store.documents()]
        some = everything[::4]
        for pending in (everything, some):
            monkeypatch.setattr(pipeline_mod, "_BULK_BUCKET_SHARE", 2.0)
            keyed = list(pipeline_mod.find_candidates(store, pending, store.config))
            monkeypatch.setattr(pipeline_mod, "_BULK_BUCKET_SHARE", 0.0)
            bulk = list(pipeline_mod.find_candidates(store, pending, store.config))
            assert keyed and keyed == bulk
            assert {"lexical", "skeleton"} & {ch for c in keyed for ch in c.channels}


def test_index_does_not_depend_on_worker_count(tmp_path, static_encoder):
    """Fingerprinting in a pool (batches stored in input order) gives the same index."""
    from retold.pipeline import Progress, ScanReport, detect, ingest
    from retold.readers import read_paths

    out = {}
    for workers in (1, 2):
        store = Store(tmp_path / f"w{workers}.db")
        report = ScanReport()
        # batches of 4 make several batches, so the pool really runs
        ingest(read_paths([EXAMPLES / "corpus"]), store, static_encoder, report, Progress(),
               batch_size=4, workers=workers)
        detect(store, report, Progress(), workers)
        out[workers] = (
            store.db.execute("SELECT seq, id, text_hash FROM documents ORDER BY seq").fetchall(),
            store.db.execute("SELECT a, b, relation FROM pairs ORDER BY a, b").fetchall(),
            sorted(report.added),
        )
        store.close()
    assert out[1] == out[2]
    assert len(out[1][0]) == len(out[1][2]) > 20


def _indexes(store: Store) -> set[str]:
    return {n for (n,) in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}


def test_a_large_load_builds_the_lookup_indexes_once_and_finds_the_same_pairs(
        tmp_path, static_encoder, monkeypatch):
    """Past its first writes a large ingest drops the band-key and sentence-hash indexes and
    builds them at the end: the same index and pairs as writing through them."""
    from retold.pipeline import Progress, ScanReport, detect, ingest
    from retold.readers import read_paths

    out = {}
    for store_docs in (4, 10**6):
        store = Store(tmp_path / f"load{store_docs}.db")
        drops: list[set[str]] = []
        real = store.defer_indexes
        monkeypatch.setattr(store, "defer_indexes",
                            lambda real=real, store=store, drops=drops: (
                                real(), drops.append(_indexes(store))))
        report = ScanReport()
        ingest(read_paths([EXAMPLES / "corpus"]), store, static_encoder, report, Progress(),
               batch_size=4, workers=1, store_docs=store_docs)
        assert {"bands_key", "sentences_hash"} <= _indexes(store)
        detect(store, report, Progress(), 1)
        out[store_docs] = (
            drops,
            store.db.execute("SELECT key, doc_seq FROM bands ORDER BY key, doc_seq").fetchall(),
            store.db.execute("SELECT a, b, relation FROM pairs ORDER BY a, b").fetchall(),
        )
        store.close()
    deferred, direct = out[4], out[10**6]
    assert len(deferred[0]) == 1 and not {"bands_key", "sentences_hash"} & deferred[0][0]
    assert direct[0] == []
    assert deferred[1:] == direct[1:] and direct[2]


def test_lookup_indexes_a_crash_left_dropped_are_built_on_the_next_open(tmp_path):
    with Store(tmp_path / "crash.db") as store:
        store.defer_indexes()
        assert not {"bands_key", "sentences_hash"} & _indexes(store)
    with Store(tmp_path / "crash.db") as store:
        assert {"bands_key", "sentences_hash"} <= _indexes(store)


def test_pairs_written_as_verified_match_one_write_and_done_comes_last(tmp_path,
                                                                      static_encoder,
                                                                      monkeypatch):
    """detect writes verified pairs in batches as they come; the stored pairs are those of
    one write, and documents are marked done only with the last batch (a scan stopped in
    between verifies them again)."""
    import functools

    import retold.pipeline as pipeline_mod
    from retold.pipeline import Progress, ScanReport, detect, ingest
    from retold.readers import read_paths

    def scan(name: str) -> tuple[list, list]:
        store = Store(tmp_path / name)
        ingest(read_paths([EXAMPLES / "corpus"]), store, static_encoder, ScanReport(),
               Progress(), workers=1)
        detect(store, ScanReport(), Progress(), 1)
        got = (store.db.execute("SELECT a, b, relation, scores FROM pairs ORDER BY a, b")
               .fetchall(), store.pending_ids())
        store.close()
        return got

    whole = scan("whole.db")
    saves: list[tuple[int, int]] = []
    save_pairs = Store.save_pairs

    def spy(self: Store, rows: list, done: list, families_stale: bool = True) -> None:
        saves.append((len(rows), len(done)))
        save_pairs(self, rows, done, families_stale)

    monkeypatch.setattr(pipeline_mod, "_SAVE_PAIRS", 5)
    monkeypatch.setattr(pipeline_mod, "verify",
                        functools.partial(pipeline_mod.verify, chunk=7))
    monkeypatch.setattr(Store, "save_pairs", spy)
    assert scan("batches.db") == whole and whole[0] and not whole[1]
    assert len(saves) > 3 and all(done == 0 for _, done in saves[:-1]) and saves[-1][1] > 20


def test_a_scan_stopped_while_verifying_keeps_the_pairs_it_saved(tmp_path, static_encoder,
                                                                  monkeypatch):
    """Pairs an earlier scan saved for documents it had not marked done are not verified
    again; a pair it had not saved is, and the index ends as one uninterrupted scan's."""
    import retold.pipeline as pipeline_mod
    from retold.pipeline import Progress, ScanReport, detect, ingest
    from retold.readers import read_paths

    store = Store(tmp_path / "stopped.db")
    ingest(read_paths([EXAMPLES / "corpus"]), store, static_encoder, ScanReport(), Progress(),
           workers=1)
    detect(store, ScanReport(), Progress(), 1)
    whole = store.db.execute("SELECT a, b, relation, scores FROM pairs ORDER BY a, b").fetchall()
    assert len(whole) > 10
    # The state a scan stopped mid-verification leaves: documents pending, some pairs saved.
    lost = whole[::3]
    with store.db:
        store.db.execute("UPDATE documents SET status='pending'")
        store.db.executemany("DELETE FROM pairs WHERE a=? AND b=?", [r[:2] for r in lost])
    asked: list[tuple[str, str]] = []
    verify = pipeline_mod.verify

    def spy(store: Store, cands, *args, **kw):
        asked.extend((c.a, c.b) for c in cands)
        yield from verify(store, cands, *args, **kw)

    monkeypatch.setattr(pipeline_mod, "verify", spy)
    report = ScanReport()
    detect(store, report, Progress(), 1)
    kept = {r[:2] for r in whole} - {r[:2] for r in lost}
    assert not kept & set(asked)
    assert {r[:2] for r in lost} <= set(asked)
    assert report.verified == len(asked) < report.candidates
    assert store.db.execute(
        "SELECT a, b, relation, scores FROM pairs ORDER BY a, b").fetchall() == whole
    assert not store.pending_ids()
    store.close()


def test_verification_does_not_depend_on_workers_or_chunks(demo_index):
    """Pool workers read their chunks from the index file themselves; every pair, score
    and alignment is what one process reading everything gets."""
    from retold.pipeline import Progress, find_candidates, pair_row, verify

    with Store(demo_index[0]) as store:
        ids = [d.id for d in store.documents()]
        cands = find_candidates(store, ids, store.config)
        assert len(cands) > 20
        def rows(**kw: int) -> list:
            return sorted((pair_row(r) for part in verify(store, cands, Progress(), **kw)
                           for r in part), key=lambda r: (r.a, r.b))

        one = rows(workers=1)
        assert one
        for chunk, workers in ((7, 2), (1, 3)):
            assert rows(chunk=chunk, workers=workers) == one


def test_candidates_do_not_depend_on_query_batches(demo_index, monkeypatch):
    """find_candidates reads and queries pending documents in batches; the batch size
    changes memory, not the candidates."""
    import retold.pipeline as pipeline_mod

    db, _, _ = demo_index
    with Store(db, readonly=True) as store:
        everything = [d.id for d in store.documents()]
        whole = pipeline_mod.find_candidates(store, everything, store.config)
        monkeypatch.setattr(pipeline_mod, "_QUERY_DOCS", 3)
        batched = pipeline_mod.find_candidates(store, everything, store.config)
    assert whole and [(c.a, c.b, c.channels) for c in whole] == [
        (c.a, c.b, c.channels) for c in batched]


def test_stories_do_not_depend_on_workers(demo_index, tmp_path, static_encoder):
    """Batches featurized in a pool (each worker reading the index itself) are clustered in
    the same order as in one process, so the stories are the same."""
    import shutil

    from retold.storyline import STATE_KEY, update_stories

    got = {}
    for workers in (1, 2):
        db = tmp_path / f"s{workers}.db"
        shutil.copy(demo_index[0], db)
        with Store(db) as store:
            store.delete_state(STATE_KEY)
            update_stories(store, static_encoder, batch=4, workers=workers)
            got[workers] = store.stories()
    assert got[1] == got[2]
    assert len(got[1]) > 4


def test_stopped_story_update_resumes_from_its_checkpoint(demo_index, tmp_path,
                                                          static_encoder, monkeypatch):
    """A long stories update saves its state each time it has doubled, so an update
    stopped part way resumes from the last save, and ends with the stories of an update
    that was never stopped."""
    import shutil

    import retold.storyline as storyline_mod
    from retold.stories import StoryIndex
    from retold.storyline import STATE_KEY, load_story_index, update_stories

    monkeypatch.setattr(storyline_mod, "_CHECKPOINT_MIN_DOCS", 4)
    whole, stopped = tmp_path / "whole.db", tmp_path / "stopped.db"
    for db in (whole, stopped):
        shutil.copy(demo_index[0], db)
        with Store(db) as store:
            store.delete_state(STATE_KEY)
            store.replace_stories([])
    with Store(whole) as store:
        update_stories(store, static_encoder, batch=4)
        expected = store.stories()
        n_docs = store.count_documents()

    real_add = StoryIndex.add
    calls = []

    def add_then_stop(self, feats):
        if len(calls) == 5:  # saved after 4, 8 and 16 documents (each a doubling)
            raise KeyboardInterrupt
        calls.append(len(feats))
        return real_add(self, feats)

    monkeypatch.setattr(StoryIndex, "add", add_then_stop)
    with Store(stopped) as store, pytest.raises(KeyboardInterrupt):
        update_stories(store, static_encoder, batch=4)
    with Store(stopped) as store:
        assert len(load_story_index(store).doc_ids) == 16
        assert store.stories() == []
    resumed_adds = []
    monkeypatch.setattr(StoryIndex, "add", lambda self, feats: (
        resumed_adds.append(len(feats)), real_add(self, feats))[1])
    with Store(stopped) as store:
        update_stories(store, static_encoder, batch=4)
        assert sum(resumed_adds) == n_docs - 16
        assert store.stories() == expected


def test_scan_reports_the_time_of_each_stage(demo_index):
    report = demo_index[1]
    assert list(report.stage_seconds) == ["ingest", "candidates", "verify", "families",
                                          "stories"]
    assert all(v >= 0 for v in report.stage_seconds.values())
    assert sum(report.stage_seconds.values()) <= report.seconds + 0.01


def test_family_and_story_lookups_by_id_match_the_full_maps(demo_index):
    with Store(demo_index[0], readonly=True) as store:
        fam, story = store.family_of(), store.story_of()
        some = [*sorted(story)[::3], "no-such-document"]
        assert store.story_of(some) == {d: story[d] for d in some if d in story}
        assert store.family_of(some) == {d: fam[d] for d in some if d in fam}
        assert fam and len(story) == store.count_documents()


def test_families_rebuilt_only_after_new_reuse_pairs(demo_index, tmp_path, static_encoder,
                                                     monkeypatch):
    import retold.pipeline as pipeline_mod
    from retold.documents import Document

    db = tmp_path / "copy.db"
    shutil.copy(demo_index[0], db)
    calls = []
    real = pipeline_mod.rebuild_families
    monkeypatch.setattr(pipeline_mod, "rebuild_families",
                        lambda store, touched=None: (calls.append(1), real(store, touched)))
    with Index(db, encoder=static_encoder) as index:
        before = index.families()
        index.scan([str(EXAMPLES / "corpus")])  # nothing new
        index.add([Document(id="unrelated-1", text=(
            "The regional orchestra announced a new season of twelve concerts. "
            "Tickets go on sale in March at the box office and online. "
            "The programme includes three premieres by local composers."))])
        assert calls == [] and index.families() == before
        member = before[0]["members"][0]["doc_id"]
        index.add([Document(id="verbatim-copy", text=index.document(member).text)])
        assert calls == [1]
        assert any(m["doc_id"] == "verbatim-copy" for f in index.families()
                   for m in f["members"])
        # A scan killed between saving pairs and rebuilding families leaves no mark.
        index.store.db.execute("DELETE FROM state WHERE key='families_fresh'")
        index.store.db.commit()
        index.scan([str(EXAMPLES / "corpus")])
        assert calls == [1, 1] and index.store.families_fresh()


def test_families_of_new_documents_only_match_a_full_rebuild(tmp_path, static_encoder,
                                                            monkeypatch):
    import retold.pipeline as pipeline_mod
    from retold.documents import Document
    from retold.pipeline import rebuild_families
    from retold.readers import read_paths

    docs = [d for d in read_paths([str(EXAMPLES / "corpus")]) if isinstance(d, Document)]
    with Index(tmp_path / "full.db", encoder=static_encoder, workers=1) as index:
        index.add(docs)
        late = index.families()[0]["members"][-1]["doc_id"]
    touched_sets = []
    real = pipeline_mod.rebuild_families
    monkeypatch.setattr(pipeline_mod, "rebuild_families",
                        lambda store, touched=None: (touched_sets.append(touched),
                                                     real(store, touched)))
    with Index(tmp_path / "late.db", encoder=static_encoder, workers=1) as index:
        index.add([d for d in docs if d.id != late])
        before = index.families()
        index.add([d for d in docs if d.id == late])
        assert touched_sets[0] is None and touched_sets[-1] == [late]
        incremental = index.families()
        directions = [(p["a"], p["b"], p["source"], p["confidence"]) for p in index.pairs()]
        # The families the late document did not join came through as they were.
        untouched = [f for f in incremental
                     if all(m["doc_id"] != late for m in f["members"])]
        assert len(untouched) == len(incremental) - 1 >= 1
        assert all(any(f["members"] == b["members"] and f["tree"] == b["tree"] for b in before)
                   for f in untouched)
        rebuild_families(index.store)
        assert index.families() == incremental
        assert [(p["a"], p["b"], p["source"], p["confidence"])
                for p in index.pairs()] == directions


def test_families_do_not_depend_on_how_many_are_worked_out_together(demo_index, tmp_path,
                                                                   monkeypatch):
    """rebuild_families reads whole families a batch at a time; batches of one family
    each give the families and directions of one batch holding them all."""
    import retold.pipeline as pipeline_mod

    db = tmp_path / "batches.db"
    shutil.copy(demo_index[0], db)
    got = []
    counted: list[int] = []
    with Store(db) as store:
        real = store.sentence_frequency

        def counting(hashes):
            hashes = list(hashes)
            counted.extend(hashes)
            return real(hashes)

        monkeypatch.setattr(store, "sentence_frequency", counting)
        for size in (10**9, 1):
            monkeypatch.setattr(pipeline_mod, "_FAMILY_BATCH_DOCS", size)
            store.db.execute("UPDATE pairs SET source=NULL, confidence=NULL")
            counted.clear()
            pipeline_mod.rebuild_families(store, workers=1)
            got.append((store.families(), [(p.a, p.b, p.source, p.confidence)
                                           for p in store.pairs(REUSE)]))
        # A template line shared by several families is counted once, not once per batch
        # (in one process: each worker of a pool keeps its own counts).
        assert counted and len(counted) == len(set(counted))
        # Batches worked out by two processes, each reading the index itself.
        store.db.execute("UPDATE pairs SET source=NULL, confidence=NULL")
        store.db.commit()
        pipeline_mod.rebuild_families(store, workers=2)
        got.append((store.families(), [(p.a, p.b, p.source, p.confidence)
                                       for p in store.pairs(REUSE)]))
    assert len(got[0][0]) > 2 and any(src for *_, src, _ in got[0][1])
    assert got[0] == got[1] == got[2]
    batches = list(pipeline_mod._family_batches([("a", "b"), ("c", "d"), ("b", "e")], 3))
    assert batches == [["a", "b", "e"], ["c", "d"]]


def test_story_state_is_kept_between_adds_and_recovered_after_a_crash(tmp_path,
                                                                      static_encoder):
    from retold.documents import Document
    from retold.readers import read_paths
    from retold.storyline import load_story_index

    docs = [d for d in read_paths([str(EXAMPLES / "corpus")]) if isinstance(d, Document)]
    db = tmp_path / "stories.db"
    index = Index(db, encoder=static_encoder, workers=1)
    index.add(docs[:-3])
    for doc in docs[-3:]:  # each under a tenth of the index: the state is not saved yet
        index.add([doc])
    assert len(load_story_index(index.store).doc_ids) == len(docs) - 3
    in_story = {m for s in index.stories() for m in s["members"]}
    assert in_story == {d.id for d in docs}  # the stories table is written every time
    index.store.close()  # a crash: the index is never closed, the state never saved

    with Index(db, encoder=static_encoder, workers=1) as again:
        again.add([])  # nothing new; the documents the saved state lacks are assigned
        assert {m for s in again.stories() for m in s["members"]} == in_story
    with Store(db) as store:
        assert len(load_story_index(store).doc_ids) == len(docs)  # saved on close


def test_template_lines_do_not_propose_pairs_through_the_sentence_channel(tmp_path,
                                                                          static_encoder,
                                                                          monkeypatch):
    """Two farm lines pasted into unrelated articles are boilerplate (``boilerplate_mask``):
    they do not query the sentence index, so they make no sentence-channel candidates,
    while sentences one article really took from another still do."""
    import retold.pipeline as pipeline_mod
    from retold.candidates import SENTENCE_KNN
    from retold.documents import Document

    names = ["calloway_fire_independent.txt", "central_bank_independent.txt",
             "ferrandi_transfer_independent.md", "politics_independent.txt",
             "unrelated_museum.md", "unrelated_scooter_recall.txt",
             "unrelated_space_launch.txt"]
    ask = "Did you find this article useful? Tell us what you think in the comments below."
    sign = "Sign up for our morning newsletter to get the top stories of the day in your inbox."
    docs = []
    for name in names:
        paras = (EXAMPLES / "corpus" / name).read_text(encoding="utf-8").strip().split("\n\n")
        docs.append(Document(id=name, text="\n\n".join([paras[0], ask, *paras[1:], sign])))
    launch = docs[-1].text.split("\n\n")
    taken = " ".join(p for p in launch[2:5] if p not in (ask, sign))
    docs.append(Document(id="partial-copy", text="\n\n".join([
        "A regional broadcaster ran a short item on Thursday evening about the launch.",
        taken, ask,
        "Our newsroom could not reach the agency for further comment before publication.",
        sign])))
    with Index(tmp_path / "t.db", encoder=static_encoder) as index:
        index.add(docs)
        store, config = index.store, index.config
        ids = [d.id for d in docs]

        def sentence_pairs() -> set[tuple[str, str]]:
            cands = pipeline_mod.find_candidates(store, ids, config)
            return {(c.a, c.b) for c in cands if SENTENCE_KNN in c.channels}

        got = sentence_pairs()
        assert got == {("partial-copy", "unrelated_space_launch.txt")}
        everything = lambda store, prints, config: [np.ones(len(p.vectors), bool)  # noqa: E731
                                                    for p in prints]
        monkeypatch.setattr(pipeline_mod, "evidence_rows", everything)
        assert len(sentence_pairs() - got) >= 3  # what the template lines proposed


def test_pairs_sharing_a_bucket_by_chance_are_not_candidates(tmp_path, static_encoder, gold,
                                                             monkeypatch):
    """With 64 bands of two values, many unrelated demo articles share a bucket. Such a
    pair stays a candidate of that channel only when its signatures' estimated Jaccard
    reaches half the channel's threshold, and no pair of a gold reuse family is lost."""
    import retold.pipeline as pipeline_mod
    from retold.candidates import LEXICAL, SKELETON, estimated_jaccard, low_bytes

    config = Config(lsh_bands=64)
    with Index(tmp_path / "t.db", config=config, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
        store = index.store
        docs = {d.id: gold["documents"][gold_key(d.path, d.id)] for d in store.documents()}
        ids = sorted(docs)

        def lsh_pairs() -> dict[tuple[str, str], set[str]]:
            cands = pipeline_mod.find_candidates(store, ids, config)
            return {(c.a, c.b): c.channels & {LEXICAL, SKELETON} for c in cands}

        kept = lsh_pairs()
        monkeypatch.setattr(pipeline_mod, "LSH_MIN_SHARE", 0.0)
        every = lsh_pairs()
        sigs = store.signatures(ids)
        dropped = 0
        for pair, channels in every.items():
            for ch in channels:
                x, y = (low_bytes(sigs[d][0 if ch == LEXICAL else 1]) for d in pair)
                floor = 0.5 * (config.lexical_threshold if ch == LEXICAL
                               else config.skeleton_threshold)
                similar = estimated_jaccard(x, y)[0] >= floor
                assert (ch in kept.get(pair, set())) == similar
                dropped += not similar
        assert dropped >= 3
        reuse = {(a, b) for a in ids for b in ids if a < b and docs[a]["family"]
                 and docs[a]["family"] == docs[b]["family"]}
        assert reuse and reuse <= set(kept)


def test_document_neighbours_need_a_near_identical_sentence(tmp_path, static_encoder, gold):
    """A document neighbour is a candidate only when it shares a near-identical sentence
    (not boilerplate) with the document: every neighbour kept has one, every one dropped
    has none, some are dropped, and every pair of a gold reuse family is still proposed."""
    import retold.pipeline as pipeline_mod
    from retold.candidates import DOC_KNN

    config = Config()
    with Index(tmp_path / "t.db", config=config, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
        store = index.store
        docs = {d.id: gold["documents"][gold_key(d.path, d.id)] for d in store.documents()}
        ids = sorted(docs)

        def neighbours(cfg: Config) -> set[tuple[str, str]]:
            return {(c.a, c.b) for c in pipeline_mod.find_candidates(store, ids, cfg)
                    if DOC_KNN in c.channels}

        kept = neighbours(config)
        every = neighbours(config.with_(knn_min_sentence_hits=0))
        prints = store.prints(ids)
        evidence = dict(zip(ids, pipeline_mod.evidence_rows(store, [prints[d] for d in ids],
                                                            config), strict=True))

        def shares_a_sentence(q: str, t: str) -> bool:
            qv = prints[q].vectors[evidence[q]].astype(np.float32)
            cos = qv @ prints[t].vectors.astype(np.float32).T
            return bool((cos >= config.sentence_knn_min_cosine).any())

        assert kept <= every
        for a, b in every:
            assert ((a, b) in kept) == (shares_a_sentence(a, b) or shares_a_sentence(b, a))
        assert len(every - kept) >= 3
        cands = {(c.a, c.b) for c in pipeline_mod.find_candidates(store, ids, config)}
        reuse = {(a, b) for a in ids for b in ids if a < b and docs[a]["family"]
                 and docs[a]["family"] == docs[b]["family"]}
        assert reuse and reuse <= cands


def test_check_keeps_the_neighbours_that_share_a_sentence(demo_index):
    """``check`` applies the scan's rule: a document neighbour of the query is a candidate
    only when one of the query's sentences is near-identical to one of its own."""
    from retold.candidates import DOC_KNN
    from retold.check import candidate_ids
    from retold.pipeline import evidence_rows

    store = Store(demo_index[0], readonly=True)
    config = store.config
    ids = sorted(d.id for d in store.documents())
    prints = store.prints(ids)
    dropped = 0
    for q in ids:
        pr = prints[q]
        (keep,) = evidence_rows(store, [pr], config)
        qv = pr.vectors[keep].astype(np.float32)
        kept = {d for d, ch in candidate_ids(store, pr, config).items() if DOC_KNN in ch}
        every = {d for d, ch in candidate_ids(store, pr, config.with_(knn_min_sentence_hits=0))
                 .items() if DOC_KNN in ch}
        assert kept <= every
        for d in every:
            shares = bool((qv @ prints[d].vectors.astype(np.float32).T
                           >= config.sentence_knn_min_cosine).any())
            assert (d in kept) == shares
        dropped += len(every - kept)
    store.close()
    assert dropped >= 3


# Gold drift items of the demo that are changes of common nouns ("surveillance drones" ->
# "monitoring equipment"), which drift does not look for: it compares names, offices,
# numbers, dates, quotes and markers.
_COMMON_NOUN_CHANGES = {
    ("entity", "border surveillance drones"),
    ("entity", "makes packaging for food producers"),
}


def test_demo_gold_drift_items_are_reported(demo_index, gold, static_encoder):
    db, _, data = demo_index
    id_of = {gold_key(d["path"], d["id"]): d["id"] for d in data["documents"]}
    store = Store(db, Config())
    found: dict[tuple[str, str], list[dict]] = {}
    missed = set()
    try:
        for item in gold["drift"]:
            pair = (id_of[item["original"]], id_of[item["rewrite"]])
            if pair not in found:
                a, b = (store.document(x) for x in pair)
                assert a is not None and b is not None
                found[pair] = comparison_json(compare(a, b, encoder=static_encoder))["drift"]
            want_a, want_b = item["original_text"], item["rewrite_text"]
            if not any(d["type"] == item["type"]
                       and ((d["a_text"] and (d["a_text"] in want_a or want_a in d["a_text"]))
                            or (d["b_text"] and (d["b_text"] in want_b or want_b in d["b_text"])))
                       for d in found[pair]):
                missed.add((item["type"], want_a))
    finally:
        store.close()
    assert missed <= _COMMON_NOUN_CHANGES, missed


def test_a_lone_reworded_link_to_a_summary_is_no_family_link() -> None:
    """An independent report covers all of a condensed rewrite's facts (the event's) and
    shows no reuse of the rewrite's own source: its one link is not derivation."""
    from retold.config import Config
    from retold.pipeline import lone_links

    config = Config()
    family = [("orig", "summary", 0.45, 0.5, 0.9), ("spin", "summary", 0.45, 0.9, 0.9)]
    report = ("report", "summary", 0.4, 0.55, 0.8)  # covers 0.55 of the report
    checked = [("orig", "report"), ("report", "spin")]  # verified: same story, no reuse
    assert lone_links([*family, report], checked, config) == {("report", "summary")}
    # Not checked against the summary's other partners: no evidence either way, kept.
    assert lone_links([*family, report], checked[:1], config) == set()
    # Mostly made of the summary (a spin of it): kept.
    spin = ("report", "summary", 0.4, 0.9, 0.8)
    assert lone_links([*family, spin], checked, config) == set()
    # Its words kept (a copy of part of it), or a second reuse link: kept.
    copied = ("report", "summary", 0.7, 0.55, 0.8)
    assert lone_links([*family, copied], checked, config) == set()
    other = ("report", "elsewhere", 0.8, 0.9, 0.9)
    assert lone_links([*family, report, other], checked, config) == set()
    # An original, its summary and a report alone: either could be the source, kept.
    assert lone_links([family[0], report], checked, config) == set()
