"""Story clustering on tiny hand-made corpora."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from retold.documents import Document
from retold.stories import (
    StoryIndex,
    StoryParams,
    cluster_stories,
    featurize,
    story_summaries,
)

T0 = datetime(2024, 3, 1, 12, tzinfo=UTC)

LOHAN = [
    "Lindsay Lohan checks into Betty Ford clinic\n"
    "Actress Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage on Thursday "
    "to begin a 90-day court-ordered rehab stay, her lawyer Shawn Holley said.",
    "Lohan enters rehab at Betty Ford\n"
    "Lindsay Lohan arrived at the Betty Ford Center in Rancho Mirage, California, on Thursday, "
    "starting the 90-day rehab sentence a Los Angeles judge ordered, lawyer Shawn Holley "
    "confirmed.",
    "Lindsay Lohan begins 90-day Betty Ford stay\n"
    "Troubled star Lindsay Lohan is now at the Betty Ford Center in Rancho Mirage. Her "
    "attorney Shawn Holley said the 90-day rehab stay began Thursday as the judge ordered.",
]
REID = [
    "Tara Reid enters Promises rehab in Malibu\n"
    "Actress Tara Reid has checked into Promises Treatment Center in Malibu, her publicist "
    "Jack Ketsoyan told People magazine on Monday.",
    "Tara Reid checks into Promises\n"
    "Tara Reid entered the Promises Treatment Center in Malibu on Monday, publicist Jack "
    "Ketsoyan confirmed to People magazine.",
]


def _docs(texts: list[str], prefix: str, start: datetime | None = T0) -> list[Document]:
    return [
        Document(
            id=f"{prefix}{i}",
            text=t,
            published=None if start is None else start + timedelta(hours=6 * i),
        )
        for i, t in enumerate(texts)
    ]


def _same_partition(a: np.ndarray | list[int], b: np.ndarray | list[int]) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return bool(np.all((a[:, None] == a[None, :]) == (b[:, None] == b[None, :])))


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
def test_same_type_events_kept_apart_and_rewordings_grouped(method: str) -> None:
    docs = _docs(LOHAN, "lohan") + _docs(REID, "reid")
    labels = cluster_stories(featurize(docs), method=method)  # type: ignore[arg-type]
    assert len(set(labels[:3].tolist())) == 1, "rewordings of the Lohan story split"
    assert len(set(labels[3:].tolist())) == 1, "rewordings of the Reid story split"
    assert labels[0] != labels[3], "two rehab events merged into one story"


ANNUAL = (
    "Harbour lantern festival opens\n"
    "The harbour lantern festival opened in Portmere on Friday with a parade of paper "
    "lanterns, food stalls along the quay and a fireworks show, organiser Jane Okafor said."
)
ANNUAL_LATER = (
    "Portmere lantern festival begins\n"
    "Portmere's harbour lantern festival began on Saturday with a lantern parade, stalls on "
    "the quay and fireworks over the water, said organiser Jane Okafor."
)
FILLER = [
    "Council approves new bus depot\nThe city council voted to build a bus depot on Mill Road.",
    "Storm closes mountain pass\nHeavy snow closed the northern pass to traffic overnight.",
    "Bakery wins national prize\nA family bakery in Elton won the national bread award.",
]


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
@pytest.mark.parametrize(("gap_days", "together"), [(2, True), (60, False)])
def test_time_window(method: str, gap_days: int, together: bool) -> None:
    # The two reports are alike (cosine ~0.6) but not "very similar" by this bar.
    params = StoryParams(window_days=7.0, window_override=0.8)
    docs = [
        Document("a", ANNUAL, published=T0),
        Document("b", ANNUAL_LATER, published=T0 + timedelta(days=gap_days)),
        *_docs(FILLER, "f", start=T0 - timedelta(days=300)),
    ]
    feats = featurize(docs, params)
    labels = cluster_stories(feats, params, method=method)  # type: ignore[arg-type]
    assert bool(labels[0] == labels[1]) == together


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
@pytest.mark.parametrize(("bar", "together"), [(0.8, False), (0.5, True)])
def test_an_undated_report_joins_a_dated_one_only_from_its_own_bar(
    method: str, bar: float, together: bool
) -> None:
    # Alike (cosine ~0.6), but the undated one may be next year's edition of the event.
    params = StoryParams(window_days=7.0, window_override=0.9, undated_threshold=bar)
    docs = [Document("a", ANNUAL, published=T0), Document("b", ANNUAL_LATER), *_docs(FILLER, "f")]
    labels = cluster_stories(featurize(docs, params), params, method=method)  # type: ignore[arg-type]
    assert bool(labels[0] == labels[1]) == together


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
def test_two_undated_reports_are_not_constrained(method: str) -> None:
    params = StoryParams(window_days=7.0, window_override=0.9, undated_threshold=0.8)
    docs = [Document("a", ANNUAL), Document("b", ANNUAL_LATER), *_docs(FILLER, "f")]
    labels = cluster_stories(featurize(docs, params), params, method=method)  # type: ignore[arg-type]
    assert labels[0] == labels[1]


def test_incremental_matches_batch_and_is_split_invariant() -> None:
    docs = (
        _docs(LOHAN, "lohan")
        + _docs(REID, "reid", T0 + timedelta(days=1))
        + _docs(FILLER, "f", T0 + timedelta(days=2))
    )
    feats = featurize(docs)
    batch = cluster_stories(feats, method="agglomerative")
    one_go = cluster_stories(feats, method="incremental")
    assert _same_partition(batch, one_go)

    # Adding in two calls gives the same stories as one call: nothing is re-clustered.
    index = StoryIndex()
    first = index.add(feats.subset(range(4)))
    second = index.add(feats.subset(range(4, len(docs))))
    assert _same_partition(first + second, one_go)
    assert len(index) == len(set(one_go.tolist()))


def test_serialisation_round_trip(tmp_path: pytest.TempPathFactory) -> None:
    docs = _docs(LOHAN, "lohan") + _docs(REID, "reid") + _docs(FILLER, "f")
    feats = featurize(docs)
    index = StoryIndex()
    index.add(feats.subset(range(5)))
    path = tmp_path / "index.npz"  # type: ignore[operator]
    np.savez(path, **index.to_arrays())
    with np.load(path) as z:
        restored = StoryIndex.from_arrays({k: z[k] for k in z.files})
    assert restored.params == index.params
    assert restored.doc_ids == index.doc_ids
    assert restored.summaries() == index.summaries()
    rest = feats.subset(range(5, len(docs)))
    assert restored.add(rest) == index.add(rest)
    for key, value in index.to_arrays().items():
        nan = value.dtype.kind == "f"  # an unknown time or dateline is NaN on both sides
        assert np.array_equal(value, restored.to_arrays()[key], equal_nan=nan), key


def test_labels_and_time_spans() -> None:
    docs = _docs(LOHAN, "lohan") + _docs(REID, "reid", T0 + timedelta(days=1))
    feats = featurize(docs)
    labels = cluster_stories(feats)
    summaries = story_summaries(feats, labels)
    lohan = summaries[int(labels[0])]
    assert lohan.size == 3
    assert lohan.label in {d.text.split("\n")[0] for d in docs[:3]}
    assert lohan.first == T0 and lohan.last == T0 + timedelta(hours=12)

    index = StoryIndex()
    ids = index.add(feats)
    by_id = {s.story_id: s for s in index.summaries()}
    reid = by_id[ids[3]]
    assert reid.size == 2
    assert reid.first == T0 + timedelta(days=1)
    assert reid.last == T0 + timedelta(days=1, hours=6)
    assert reid.label.startswith("Tara Reid")
    assert index.members(ids[3]) == ["reid0", "reid1"]


def test_empty_and_singleton() -> None:
    assert cluster_stories(featurize([])).tolist() == []
    assert cluster_stories(featurize([Document("x", "Just one story here.")])).tolist() == [0]
    assert StoryIndex().add(featurize([])) == []


def _timed(doc_id: str, text: str, days: float) -> Document:
    return Document(doc_id, text, published=T0 + timedelta(days=days))


def test_very_similar_report_joins_a_story_that_left_the_window(
    tmp_path: pytest.TempPathFactory,
) -> None:
    # Dated documents search only the stories within their window; a story that left it
    # is still reachable through the archive when a report is "very similar" to it.
    params = StoryParams(window_days=7.0, window_override=0.8)
    index = StoryIndex(params)
    first = featurize([_timed("a", ANNUAL, 0), *_docs(FILLER, "f", T0 - timedelta(days=1))],
                      params)
    story_a = index.add(first)[0]
    # A later batch moves the festival story out of the window, into the archive.
    index.add(featurize(_docs(FILLER[::-1], "g", T0 + timedelta(days=30)), params))
    assert len(index._archive) > 0

    path = tmp_path / "index.npz"  # type: ignore[operator]
    np.savez(path, **index.to_arrays())
    with np.load(path) as z:
        restored = StoryIndex.from_arrays({k: z[k] for k in z.files})

    reprint = ANNUAL.replace("on Friday", "on Friday evening")
    # (The near-copy comes last: once it joins, the story is back in the window.)
    late = featurize([_timed("next", ANNUAL_LATER, 60), _timed("copy", reprint, 61)], params)
    got = index.add(late)
    assert got[0] != story_a, "a merely similar report crossed the time window"
    assert got[1] == story_a, "a near-copy two months on lost its story"
    assert restored.add(late) == got
    for key, value in index.to_arrays().items():
        nan = value.dtype.kind == "f"  # an unknown time or dateline is NaN on both sides
        assert np.array_equal(value, restored.to_arrays()[key], equal_nan=nan), key


def test_window_search_ignores_the_distant_past() -> None:
    # Forty festivals of past years, each closer to the new report than this week's story
    # is, must not crowd that story out of the candidates: a dated document searches only
    # the stories within its window.
    params = StoryParams(window_days=7.0, window_override=1.01, k_candidates=2)
    index = StoryIndex(params)
    for i in range(40):
        index.add(featurize([_timed(f"old{i}", ANNUAL, -800 + 10 * i)], params))
    assert len(index) == 40
    current = index.add(featurize([_timed("now", ANNUAL_LATER, 0)], params))[0]
    follow = index.add(featurize([_timed("then", ANNUAL, 1)], params))[0]
    assert follow == current


def test_time_chunks_span_at_most_the_window() -> None:
    from retold.storysearch import near_in_time, time_chunks

    times = np.array([0.0, 1.0, 6.9, 7.5, 30.0, 30.1])
    assert time_chunks(times, 7.0) == [slice(0, 3), slice(3, 4), slice(4, 6)]
    assert time_chunks(np.zeros(0), 7.0) == []
    t_min = np.array([0.0, 20.0, np.nan, 40.0, 24.0])
    assert near_in_time(t_min, 30.0, 31.0, 7.0).tolist() == [2, 4]


def test_state_saved_before_the_archive_still_loads() -> None:
    # An index state saved by older code has no archive arrays: it loads with an empty
    # archive, which the next dated batch fills with the stories outside its window.
    params = StoryParams(window_days=7.0)
    index = StoryIndex(params)
    index.add(featurize([_timed("a", ANNUAL, 0)], params))
    old = {k: v for k, v in index.to_arrays().items() if not k.startswith("archive_")}
    restored = StoryIndex.from_arrays(old)
    assert len(restored._archive) == 0
    restored.add(featurize([_timed("b", FILLER[0], 30)], params))
    assert len(restored._archive) == 1


def test_story_state_is_kept_in_parts(tmp_path, monkeypatch):
    """SQLite refuses a value over a billion bytes, which the story state of a million
    articles passes: the state is stored in parts, and read back whole."""
    import io

    import retold.store as store_mod
    from retold.store import Store
    from retold.storyline import STATE_KEY, load_story_index, save_story_index

    monkeypatch.setattr(store_mod, "_STATE_PART", 1000)
    index = StoryIndex(StoryParams(n_features=2**12, sketch_dim=16))
    index.add(featurize([Document(id=f"d{i}", text=f"Storm {i} hits Coastville. Ferries stop.")
                         for i in range(30)], StoryParams(n_features=2**12, sketch_dim=16)))
    with Store(tmp_path / "s.db") as store:
        def state() -> bytes | None:
            buf = io.BytesIO()
            return buf.getvalue() if store.get_state_file(STATE_KEY, buf) else None

        store.set_state(STATE_KEY, b"an old whole blob")  # as an index of before parts
        assert state() == b"an old whole blob"
        save_story_index(store, index)
        parts = store.db.execute("SELECT COUNT(*) FROM state WHERE key LIKE ?",
                                 (STATE_KEY + "#%",)).fetchone()[0]
        assert parts > 2 and store.get_state(STATE_KEY) is None
        restored = load_story_index(store)
        assert restored.doc_ids == index.doc_ids and restored.doc_story == index.doc_story
        store.set_state_file(STATE_KEY, io.BytesIO(b"x" * 1500))  # fewer parts replace more
        assert state() == b"x" * 1500
        store.delete_state(STATE_KEY)
        assert state() is None


def test_saved_state_holds_every_array_as_built(tmp_path):
    """The stories' term lists are written a block at a time, never joined in memory; what
    is read back is what ``to_arrays`` joins."""
    from retold.store import Store
    from retold.stories import Pieces
    from retold.storyline import load_story_index, save_story_index

    params = StoryParams(n_features=2**12, sketch_dim=16)
    index = StoryIndex(params)
    index.add(featurize([Document(id=f"d{i}", text=f"Storm {i} hits Coastville. Ferries "
                                  f"stop in Harwick {i % 3}.") for i in range(40)], params))
    with Store(tmp_path / "s.db") as store:
        save_story_index(store, index)
        restored = load_story_index(store)
    expected = index.to_arrays()
    assert len(expected["centroid_terms"]) > 40
    for key, value in restored.to_arrays().items():
        assert np.array_equal(value, expected[key], equal_nan=value.dtype.kind == "f"), key
    parts = [np.arange(3), np.arange(5), np.arange(0), np.arange(2)]
    pieces = Pieces(parts, np.dtype(np.int32))
    blocks = list(pieces.blocks(rows=4))
    assert [len(b) for b in blocks] == [3, 5, 2]
    assert np.array_equal(np.concatenate(blocks), pieces.whole()) and len(pieces) == 10


def test_archive_graph_is_streamed_into_the_saved_state():
    """The archive's graph is written through faiss's writer as it is serialised, into the
    same .npy the whole serialisation made."""
    import io
    import zipfile

    from retold.storyline import _write_streamed
    from retold.storysearch import StoryArchive

    rng = np.random.default_rng(3)
    archive = StoryArchive(16)
    sketches = rng.standard_normal((50, 16)).astype(np.float32)
    archive.update(np.arange(50), np.ones(50, np.int64), sketches)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, arr in archive.iter_arrays():
            with zf.open(f"{name}.npy", "w") as f:
                if isinstance(arr, np.ndarray):
                    np.lib.format.write_array(f, arr)
                else:
                    _write_streamed(f, arr)
    buf.seek(0)
    with np.load(buf) as npz:
        assert np.array_equal(npz["archive_graph"],
                              dict(archive.iter_arrays())["archive_graph"].whole())
        restored = StoryArchive.from_arrays(16, npz)
    assert [list(r) for r in restored.search(sketches[:3], 0.5)] == [
        list(r) for r in archive.search(sketches[:3], 0.5)]


ELECTION = (
    "Mayor Elena Varga won re-election in Dunmore on Sunday with 12,480 votes, or 54 percent,"
    " against 9,310 for challenger Piotr Hale. Turnout was 61 percent.")
ELECTION_TOO = (
    "Elena Varga kept the Dunmore mayoralty on Sunday. She took 54 percent (12,480 votes),"
    " and Piotr Hale had 9,310. About 61 percent of voters took part.")
EARLIER_ELECTION = (
    "Elena Varga first won the Dunmore mayoralty in 2019, beating Piotr Hale by 2,150 votes"
    " with 48 percent. Turnout then was 44 percent.")


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
@pytest.mark.parametrize("min_figures", [3, 99])
def test_undated_reports_that_share_no_figure_are_other_events(
    method: str, min_figures: int
) -> None:
    """Without times, reports of one event repeat its figures; a report of another event
    about the same people gives its own. Low bars, so that likeness alone joins all three."""
    params = StoryParams(threshold=0.05, assign_threshold=0.05, undated_threshold=0.99,
                         min_figures=min_figures)
    docs = [Document("a", ELECTION), Document("b", ELECTION_TOO),
            Document("c", EARLIER_ELECTION), *_docs(FILLER, "f", None)]
    labels = cluster_stories(featurize(docs, params), params, method=method)  # type: ignore[arg-type]
    assert labels[0] == labels[1]
    assert (labels[2] == labels[0]) == (min_figures == 99)


def test_a_dated_report_is_not_held_to_the_figures() -> None:
    params = StoryParams(threshold=0.05, assign_threshold=0.05, undated_threshold=0.99,
                         min_figures=3)
    docs = [Document("a", ELECTION, published=T0),
            Document("c", EARLIER_ELECTION, published=T0 + timedelta(days=1))]
    labels = cluster_stories(featurize(docs, params), params, method="incremental")
    assert labels[0] == labels[1]


def test_state_saved_before_figures_still_loads() -> None:
    # Stories of an older state have no figures: the rule stays off for them.
    params = StoryParams(assign_threshold=0.05, undated_threshold=0.99, min_figures=3)
    index = StoryIndex(params)
    index.add(featurize([Document("a", ELECTION)], params))
    old = {k: v for k, v in index.to_arrays().items() if not k.startswith("figures")}
    restored = StoryIndex.from_arrays(old)
    [story] = restored.add(featurize([Document("c", EARLIER_ELECTION)], params))
    assert story == 0
    fresh = StoryIndex.from_arrays(index.to_arrays())
    assert fresh.add(featurize([Document("c", EARLIER_ELECTION)], params)) == [1]


@pytest.mark.parametrize("method", ["agglomerative", "incremental"])
@pytest.mark.parametrize(("line_a", "line_b", "together"), [
    ("OSLO, March 3 - ", "OSLO, May 20 - ", False),
    ("OSLO, March 3 - ", "OSLO, 5 March - ", True),
    ("OSLO, Dec 30 - ", "OSLO, Jan 2 - ", True),  # round the turn of the year
    ("OSLO, March 3 - ", "", True),  # one dateline alone says nothing
])
def test_undated_reports_whose_datelines_are_apart_are_other_days(
    method: str, line_a: str, line_b: str, together: bool
) -> None:
    """An agency dateline gives the report's day where no publication time does: two
    undated reports further apart than the window are another day's news."""
    params = StoryParams(window_days=7.0, window_override=0.9, undated_threshold=0.8)
    docs = [Document("a", line_a + ANNUAL), Document("b", line_b + ANNUAL_LATER),
            *_docs(FILLER, "f")]
    labels = cluster_stories(featurize(docs, params), params, method=method)  # type: ignore[arg-type]
    assert bool(labels[0] == labels[1]) == together


def test_dateline_day() -> None:
    from retold.stories import dateline_day

    assert dateline_day("MARLOW BRIDGE, Sept 18 - About 200 homes were flooded.") == 261
    assert dateline_day("DRASNY, 14 March (CWS) - The court ruled.") == 73
    assert np.isnan(dateline_day("LONDON (Reuters) - The court ruled."))
    assert np.isnan(dateline_day("The court ruled on 14 March."))  # no dateline


def test_state_saved_before_datelines_still_loads() -> None:
    params = StoryParams(window_days=7.0, window_override=0.9, undated_threshold=0.8)
    index = StoryIndex(params)
    index.add(featurize([Document("a", "OSLO, March 3 - " + ANNUAL), *_docs(FILLER, "f")],
                        params))
    story_a = index.doc_story[index.doc_ids.index("a")]
    old = {k: v for k, v in index.to_arrays().items() if k != "dateline"}
    late = featurize([Document("b", "OSLO, May 20 - " + ANNUAL_LATER)], params)
    assert StoryIndex.from_arrays(old).add(late) == [story_a]  # no dateline known: joins
    assert StoryIndex.from_arrays(index.to_arrays()).add(late) != [story_a]
