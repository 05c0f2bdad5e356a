"""retold on Spark: the local pipeline's stages over a cluster, with the same core functions.

    spark-submit src/retold/spark/job.py INPUT OUTPUT
    python -m retold.spark.job INPUT OUTPUT          (local[2] unless --master is given)
    retold spark INPUT OUTPUT

INPUT is a file or folder of anything ``retold scan`` reads (JSONL, WARC, HTML, text) or of
Parquet files with a ``text`` column (and optionally ``id``, ``url``, ``title``,
``published``). Stages:

1. read: JSONL split by line across tasks; other files one task each (WARC streamed);
2. fingerprints in ``mapPartitions`` (one static encoder per partition), stored in the
   index's encoding (float16 vectors) so every later stage sees what the index would hold;
3. boilerplate: sentence document-frequencies by a group-by over sentence hashes (the
   sentence channel's queries and verification both leave boilerplate out);
4. candidates: LSH band keys (``pipeline.band_keys_for``) self-joined on the key (a bucket
   of more than 50 documents gives the chain of its neighbours, as locally), plus the
   document-vector and sentence-vector k-NN channels of the local pipeline, computed on the
   driver with the same faiss indexes over vectors streamed to it (identical to the local
   scan; this is the part that does not scale past what the driver holds: 100,000
   documents made 3 million float16 sentence rows, 1.5 GB);
5. verification: both sides' texts and fingerprints joined onto each candidate pair, then
   ``relate.relate`` in ``mapPartitions``;
6. families: connected components of reuse edges by iterative min-label propagation.

OUTPUT gets ``documents``, ``pairs``, ``families`` and ``errors`` (Parquet folders) and
``retold.json``; ``retold import OUTPUT --db INDEX`` loads them (``retold.spark.load``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from retold.candidates import (
    DOC_KNN,
    LEXICAL,
    MAX_BUCKET_ALL_PAIRS,
    SKELETON,
    Candidate,
    RowDocs,
    SentenceHits,
    build_sentence_index,
    build_vector_index,
    centre_units_in_place,
    corroborated,
    directed_keys,
    estimated_jaccard,
    knn_pairs,
    low_bytes,
    merge,
    sentence_hits,
)
from retold.config import Config
from retold.documents import Document, ReadError, content_id, domain_of, parse_published
from retold.relate import boilerplate_mask
from retold.spark.load import print_columns, print_from_columns, write_settings

# Documents per encoder call inside a partition (as ``pipeline.ingest`` batches them).
ENCODE_BATCH = 256
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Documents per Spark partition (with their fingerprints, a few tens of MB).
DOCS_PER_PARTITION = 2_000
# Label propagation stops after this many rounds even if labels still move (a chain of
# reuse longer than this is not a family anyone could read).
MAX_CC_ROUNDS = 64


def spark_session(master: str | None = None, app_name: str = "retold") -> Any:
    """A quiet SparkSession whose Python workers run this interpreter (same venv)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master or not os.environ.get("SPARK_ENV_LOADED"):
        # Under spark-submit the master comes from the command line; alone we run locally.
        builder = builder.master(master or "local[2]")
        # In local mode the executors live in the driver's JVM, whose default 1 GB heap is
        # too small for the verification join of a 100,000-document corpus.
        builder = builder.config("spark.driver.memory",
                                 os.environ.get("RETOLD_SPARK_DRIVER_MEMORY", "6g"))
    spark = (builder.config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "8")
             .config("spark.sql.adaptive.enabled", "true")
             .config("spark.python.worker.reuse", "true")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    return spark


# --- stage 1: read -----------------------------------------------------------------------

def _doc_row(ord_: int, rec: Document | ReadError) -> tuple[str, dict[str, Any]]:
    if isinstance(rec, ReadError):
        return "error", {"ord": ord_, "path": rec.path, "reason": rec.reason,
                         "line": rec.line, "offset": rec.offset}
    return "doc", {"ord": ord_, "id": rec.id, "text": rec.text, "url": rec.url,
                   "domain": rec.domain, "title": rec.title,
                   "published": rec.published.isoformat() if rec.published else None,
                   "path": rec.path}


def _read_files(items: Iterable[tuple[int, str]]) -> Iterator[tuple[str, dict[str, Any]]]:
    from retold.readers import read_file

    for file_no, name in items:
        # Records are numbered within their file; the file's place makes the global order
        # the same as ``read_paths`` gives the local scan.
        for i, rec in enumerate(read_file(Path(name), name)):
            yield _doc_row((file_no << 32) | i, rec)


def _read_jsonl_lines(
    file_no: int, name: str
) -> Any:
    def parse(items: Iterable[tuple[str, int]]) -> Iterator[tuple[str, dict[str, Any]]]:
        from retold.readers.jsonl import parse_line

        for line, idx in items:
            if line.strip():
                yield _doc_row((file_no << 32) | idx, parse_line(line.encode("utf-8"), name,
                                                                 idx + 1))
    return parse


def _parquet_rows(items: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for row in items:
        r = row.asDict()
        text = (r.get("text") or "").strip()
        name = r.get("_file") or "parquet"
        if not text:
            yield _doc_row(r["_ord"], ReadError(name, "empty text"))
            continue
        try:
            published = parse_published(r.get("published"))
        except (ValueError, OverflowError):
            published = None
        url = r.get("url")
        yield _doc_row(r["_ord"], Document(
            id=str(r["id"]) if r.get("id") is not None else content_id(text), text=text,
            url=url, domain=r.get("domain") or domain_of(url), title=r.get("title"),
            published=published, path=name))


def read_input(spark: Any, inputs: list[str]) -> Any:
    """An RDD of ``("doc" | "error", row)`` in a global input order (``row["ord"]``)."""
    from pyspark.sql import functions as F

    from retold.readers import reader_for, walk_files

    sc = spark.sparkContext
    files: list[str] = []
    for given in inputs:
        p = Path(given)
        if p.is_dir():
            files += [str(f) for f in walk_files(p) if isinstance(f, Path)
                      and (reader_for(f) is not None or f.suffix.lower() == ".parquet")]
        else:
            files.append(str(p))
    parts = []
    plain: list[tuple[int, str]] = []
    for file_no, name in enumerate(files):
        lower = name.lower()
        if lower.endswith(JSONL_SUFFIXES):
            lines = sc.textFile(name).zipWithIndex()
            parts.append(lines.mapPartitions(_read_jsonl_lines(file_no, name)))
        elif lower.endswith(".parquet"):
            df = (spark.read.parquet(name)
                  .withColumn("_ord", F.monotonically_increasing_id() + F.lit(file_no << 32))
                  .withColumn("_file", F.lit(name)))
            parts.append(df.rdd.mapPartitions(_parquet_rows))
        else:
            plain.append((file_no, name))
    if plain:
        parts.append(sc.parallelize(plain, min(len(plain), 64)).mapPartitions(_read_files))
    if not parts:
        return sc.emptyRDD()
    return sc.union(parts) if len(parts) > 1 else parts[0]


# --- stage 2: fingerprints ---------------------------------------------------------------

def _fingerprint_partition(config: Config) -> Any:
    def run(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        from retold.embeddings import StaticEncoder
        from retold.fingerprints import fingerprint_documents
        from retold.pipeline import band_keys_for, prepare

        encoder = StaticEncoder()  # once per partition: loading the model is the cost
        batch: list[dict[str, Any]] = []

        def flush() -> Iterator[dict[str, Any]]:
            docs = [prepare(Document(id=r["id"], text=r["text"])) for r in batch]
            prints = fingerprint_documents(docs, encoder, config)
            for r, d, pr in zip(batch, docs, prints, strict=True):
                yield {**r, "text": d.text, "text_hash": content_id(d.text),
                       **print_columns(pr, band_keys_for(pr, config))}

        for row in rows:
            batch.append(row)
            if len(batch) >= ENCODE_BATCH:
                yield from flush()
                batch = []
        if batch:
            yield from flush()
    return run


def _documents_schema() -> Any:
    from pyspark.sql import types as T

    return T.StructType([
        T.StructField("ord", T.LongType()), T.StructField("id", T.StringType()),
        T.StructField("text", T.StringType()), T.StructField("url", T.StringType()),
        T.StructField("domain", T.StringType()), T.StructField("title", T.StringType()),
        T.StructField("published", T.StringType()), T.StructField("path", T.StringType()),
        T.StructField("text_hash", T.StringType()),
        T.StructField("n_sentences", T.IntegerType()),
        T.StructField("truncated", T.BooleanType()),
        T.StructField("starts", T.ArrayType(T.IntegerType())),
        T.StructField("ends", T.ArrayType(T.IntegerType())),
        T.StructField("hashes", T.ArrayType(T.LongType())),
        T.StructField("lexical", T.BinaryType()), T.StructField("skeleton", T.BinaryType()),
        T.StructField("doc_vector", T.BinaryType()), T.StructField("vectors", T.BinaryType()),
        T.StructField("dim", T.IntegerType()),
        T.StructField("bands", T.ArrayType(T.LongType())),
    ])


def _errors_schema() -> Any:
    from pyspark.sql import types as T

    return T.StructType([
        T.StructField("ord", T.LongType()), T.StructField("path", T.StringType()),
        T.StructField("reason", T.StringType()), T.StructField("line", T.LongType()),
        T.StructField("offset", T.LongType()),
    ])


# --- stage 3: candidates -----------------------------------------------------------------

def band_candidates(docs: Any, config: Config) -> Any:
    """``(a, b, channel)`` for every pair sharing an LSH bucket: a self-join on band keys.

    Keys carry their channel's salt (``pipeline.band_keys_for``), so equal keys are always
    of one channel; the first ``n_lex`` keys of a document are lexical. A bucket of more
    than ``MAX_BUCKET_ALL_PAIRS`` documents gives the chain of neighbours in id order, as
    ``candidates.pairs_from_buckets`` does locally (by a window, not a self-join). Then,
    as locally, a pair stays only when its signatures' estimated Jaccard reaches
    ``pipeline.lsh_min_jaccard`` of its channel.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from retold.pipeline import _params, lsh_min_jaccard

    n_lex, _ = _params(config, config.lexical_threshold)
    keys = (docs.select("id", F.posexplode("bands").alias("pos", "key"))
            .withColumn("channel", F.when(F.col("pos") < n_lex, F.lit(LEXICAL))
                        .otherwise(F.lit(SKELETON)))
            .select("id", "key", "channel").distinct())
    sizes = keys.groupBy("key").agg(F.count("id").alias("n")).filter(F.col("n") > 1)
    keys = keys.join(sizes, "key")
    small = keys.filter(F.col("n") <= MAX_BUCKET_ALL_PAIRS)
    left, right = small.alias("l"), small.alias("r")
    all_pairs = (left.join(right, (F.col("l.key") == F.col("r.key"))
                           & (F.col("l.id") < F.col("r.id")))
                 .select(F.col("l.id").alias("a"), F.col("r.id").alias("b"),
                         F.col("l.channel").alias("channel")))
    chain = (keys.filter(F.col("n") > MAX_BUCKET_ALL_PAIRS)
             .withColumn("b", F.lead("id").over(Window.partitionBy("key").orderBy("id")))
             .filter(F.col("b").isNotNull())
             .select(F.col("id").alias("a"), "b", "channel"))
    floor = {ch: lsh_min_jaccard(config, ch) for ch in (LEXICAL, SKELETON)}

    # useArrow given: with postponed annotations the hints are strings, and Spark's attempt
    # to infer an Arrow UDF type from them failed with a warning on every job.
    @F.udf(returnType=T.BooleanType(), useArrow=False)
    def similar(channel: str, a: bytes, b: bytes) -> bool:
        x, y = (low_bytes(np.frombuffer(bytes(v), np.uint32)) for v in (a, b))
        return bool(estimated_jaccard(x, y)[0] >= floor[channel])

    sig = docs.select("id", "lexical", "skeleton")
    a_sig = sig.select(F.col("id").alias("a"), F.col("lexical").alias("a_lexical"),
                       F.col("skeleton").alias("a_skeleton"))
    b_sig = sig.select(F.col("id").alias("b"), F.col("lexical").alias("b_lexical"),
                       F.col("skeleton").alias("b_skeleton"))
    lexical = F.col("channel") == F.lit(LEXICAL)
    return (all_pairs.union(chain).distinct().join(a_sig, "a").join(b_sig, "b")
            .filter(similar("channel",
                            F.when(lexical, F.col("a_lexical")).otherwise(F.col("a_skeleton")),
                            F.when(lexical, F.col("b_lexical")).otherwise(F.col("b_skeleton"))))
            .select("a", "b", "channel"))


def vector_candidates(docs: Any, config: Config) -> list[Candidate]:
    """The doc-vector and sentence-vector k-NN channels, exactly as ``find_candidates``
    runs them when every document is pending: vectors in input order, faiss on the driver.

    Rows reach the driver one partition at a time and vectors stay float16 there (at
    100,000 documents the sentence rows are 1.5 GB as float16; a ``collect`` would first
    hold every row in the driver's JVM). ``docs`` carries each document's sentence
    frequencies (``freqs``, from :func:`sentence_frequencies`): sentences verification
    would mask as boilerplate do not query the sentence index, as in ``evidence_rows``.
    """
    # Partitions in any order (an orderBy before toLocalIterator costs a sort and one job
    # per partition); rows are put back in input order here, by reference.
    ords: list[int] = []
    ids_any: list[str] = []
    docs_any: list[np.ndarray] = []
    sents_any: list[np.ndarray] = []
    keep_any: list[np.ndarray] = []
    for r in docs.select("ord", "id", "doc_vector", "vectors", "dim", "hashes",
                         "freqs").toLocalIterator(prefetchPartitions=True):
        ords.append(r["ord"])
        ids_any.append(r["id"])
        docs_any.append(np.frombuffer(bytes(r["doc_vector"]), np.float16))
        dim = r["dim"] if config.sentence_knn_k > 0 else 0
        sents_any.append(np.frombuffer(bytes(r["vectors"]), np.float16).reshape(-1, dim)
                         if dim else np.zeros((0, 0), np.float16))
        hashes = np.asarray(r["hashes"] if dim else [], np.int64)
        freq = dict(zip(hashes.tolist(), r["freqs"] or [], strict=False))
        keep_any.append(~boilerplate_mask(hashes, freq, config))
    order = sorted(range(len(ords)), key=ords.__getitem__)
    ids = [ids_any[i] for i in order]
    doc_rows = [docs_any[i] for i in order]
    blocks = [sents_any[i] for i in order if len(sents_any[i])]
    row_ids = [ids_any[i] for i in order for _ in range(len(sents_any[i]))]
    queries = np.flatnonzero(np.concatenate([np.zeros(0, bool),
                                             *(keep_any[i] for i in order)]))
    del docs_any, sents_any, keep_any
    groups: list[list[Candidate]] = []
    # Document neighbours as (query, neighbour) positions in ``ids``.
    knn_q, knn_t = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(ids) > 1:
        mat = np.vstack(doc_rows).astype(np.float32)
        centre_units_in_place(mat, mat.mean(axis=0))
        at = np.arange(len(ids), dtype=np.int64)
        knn_q, knn_t = knn_pairs(at, mat, build_vector_index(mat), at, config.knn_k,
                                 config.knn_min_cosine)
    del doc_rows
    if len(row_ids) > 1:
        svecs = np.vstack(blocks)
        del blocks
        index = build_sentence_index(lambda: [svecs], len(svecs))
        hits = SentenceHits(RowDocs.of(row_ids), config.sentence_knn_min_hits)
        # As in find_candidates: neighbours count only with a near-identical sentence.
        corroborate = config.knn_min_sentence_hits > 0
        hit_code = np.array([hits.code(d) for d in ids], np.int64)
        watch = (np.unique(directed_keys(hit_code[knn_q], hit_code[knn_t]))
                 if corroborate else None)
        for start in range(0, len(queries), _QUERY_ROWS):
            rows = queries[start : start + _QUERY_ROWS]
            sentence_hits([row_ids[i] for i in rows], svecs[rows], index, hits,
                          config.sentence_knn_k, config.sentence_knn_min_cosine, watch)
        groups.append(hits.candidates())
        if corroborate:
            keep = corroborated(hits, hit_code[knn_q], hit_code[knn_t],
                                config.knn_min_sentence_hits)
            knn_q, knn_t = knn_q[keep], knn_t[keep]
    groups.append([Candidate(*sorted((ids[q], ids[t])), {DOC_KNN})
                   for q, t in zip(knn_q.tolist(), knn_t.tolist(), strict=True)])
    return merge(*groups)


# Sentence rows searched per faiss call on the driver (a float32 copy of 100 MB).
_QUERY_ROWS = 100_000


# --- stage 4 and 5: boilerplate and verification ------------------------------------------

def sentence_frequencies(docs: Any) -> Any:
    """Per document, how many documents contain each of its sentences (``freqs``, in
    sentence order), as ``Store.sentence_frequency`` counts them."""
    from pyspark.sql import functions as F

    sents = docs.select("id", F.posexplode("hashes").alias("idx", "hash"))
    df = sents.groupBy("hash").agg(F.countDistinct("id").alias("df"))
    return (sents.join(df, "hash")
            .groupBy("id")
            .agg(F.sort_array(F.collect_list(F.struct("idx", "df"))).alias("f"))
            .select("id", F.col("f.df").alias("freqs")))


_SIDE = ("text", "starts", "ends", "hashes", "lexical", "skeleton", "doc_vector", "vectors",
         "dim", "truncated", "freqs")


def _verify_partition(config: Config) -> Any:
    def run(rows: Iterable[Any]) -> Iterator[tuple[str, str, str, str, str, str]]:
        from retold.pipeline import pair_row
        from retold.relate import boilerplate_mask, relate, text_features

        cache: dict[str, tuple[Any, Any, Any, str]] = {}

        def side(doc_id: str, r: dict[str, Any], prefix: str) -> tuple[Any, Any, Any, str]:
            if doc_id not in cache:
                cols = {k: r[prefix + k] for k in _SIDE}
                pr = print_from_columns(doc_id, cols["text"], cols)
                freq = dict(zip((int(h) for h in cols["hashes"]), cols["freqs"] or [],
                                strict=False))
                mask = boilerplate_mask(pr.sentence_hashes, freq, config)
                cache[doc_id] = (pr, mask, text_features(cols["text"], pr), cols["text"])
                if len(cache) > 2000:  # bound memory on skewed partitions
                    cache.pop(next(iter(cache)))
            return cache[doc_id]

        for row in rows:
            r = row.asDict()
            pa, ma, fa, ta = side(r["a"], r, "a_")
            pb, mb, fb, tb = side(r["b"], r, "b_")
            res = relate(ta, tb, pa, pb, config, ma, mb, fa, fb, describe_all=False)
            res.scores["channels"] = r["channels"]  # type: ignore[assignment]
            if res.relation is None:
                continue
            pr_row = pair_row(res)
            yield (pr_row.a, pr_row.b, pr_row.relation, r["channels"],
                   json.dumps(pr_row.scores, sort_keys=True),
                   json.dumps(pr_row.alignment, sort_keys=True))
    return run


# --- stage 6: families ---------------------------------------------------------------------

def connected_components(edges: Any, max_rounds: int = MAX_CC_ROUNDS) -> Any:
    """``(doc_id, family)`` where family is the smallest id in the document's component.

    Min-label propagation: every round each node takes the smallest label among itself and
    its neighbours; it stops when a round changes nothing (rounds ~ component diameter).
    """
    from pyspark.sql import functions as F

    und = edges.select("a", "b").union(edges.select(F.col("b").alias("a"),
                                                    F.col("a").alias("b"))).cache()
    labels = und.select(F.col("a").alias("doc_id")).distinct().withColumn(
        "family", F.col("doc_id")).localCheckpoint()
    for _ in range(max_rounds):
        offers = (und.join(labels, und.b == labels.doc_id)
                  .select(und.a.alias("doc_id"), labels.family))
        new = (labels.union(offers).groupBy("doc_id").agg(F.min("family").alias("family"))
               .localCheckpoint())  # cuts the lineage that would grow every round
        changed = (new.alias("n").join(labels.alias("o"), "doc_id")
                   .filter(F.col("n.family") != F.col("o.family")).count())
        labels = new
        if changed == 0:
            break
    und.unpersist()
    return labels


# --- the job -------------------------------------------------------------------------------

def run_job(
    inputs: list[str], output: str, spark: Any = None, config: Config | None = None,
    master: str | None = None,
) -> dict[str, Any]:
    """Run every stage; returns counts and per-stage seconds (also in ``retold.json``)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from retold.relate import REUSE

    config = config or Config()
    spark = spark or spark_session(master)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    marks = [("read+fingerprint", time.perf_counter())]

    records = read_input(spark, inputs).persist(StorageLevel.MEMORY_AND_DISK)
    errors = spark.createDataFrame(records.filter(lambda kv: kv[0] == "error")
                                   .map(lambda kv: kv[1]), _errors_schema())
    raw = spark.createDataFrame(
        records.filter(lambda kv: kv[0] == "doc").map(lambda kv: kv[1]),
        "ord long, id string, text string, url string, domain string, title string,"
        " published string, path string")
    # The first record of an id wins, as in ``pipeline.ingest``.
    first = raw.groupBy("id").agg(F.min("ord").alias("ord"))
    raw = raw.join(first, ["id", "ord"])
    # Partitions of about DOCS_PER_PARTITION documents: a partition is cached and joined
    # whole, and at 100,000 documents four partitions overflowed a 4 GB executor heap.
    n_raw = raw.count()
    n_parts = max(2, spark.sparkContext.defaultParallelism * 2, -(-n_raw // DOCS_PER_PARTITION))
    docs_rdd = raw.repartition(n_parts).rdd.map(lambda r: r.asDict()).mapPartitions(
        _fingerprint_partition(config))
    docs = spark.createDataFrame(docs_rdd, _documents_schema()).persist(
        StorageLevel.MEMORY_AND_DISK)
    docs.write.mode("overwrite").parquet(str(out / "documents"))
    errors.write.mode("overwrite").parquet(str(out / "errors"))
    n_docs = docs.count()
    records.unpersist()

    marks.append(("candidates", time.perf_counter()))
    lsh = band_candidates(docs, config)
    freqs = sentence_frequencies(docs).persist(StorageLevel.MEMORY_AND_DISK)
    knn = [(c.a, c.b, ch) for c in vector_candidates(docs.join(freqs, "id", "left"), config)
           for ch in sorted(c.channels)]
    knn_df = spark.createDataFrame(knn, "a string, b string, channel string")
    cands = (lsh.union(knn_df).groupBy("a", "b")
             .agg(F.array_join(F.array_sort(F.collect_set("channel")), ",").alias("channels"))
             .persist(StorageLevel.MEMORY_AND_DISK))
    n_cands = cands.count()

    marks.append(("verify", time.perf_counter()))
    side = docs.join(freqs, "id", "left").select("id", *_SIDE[:-1], "freqs")
    a_side = side.select([F.col(c).alias("a_" + c) for c in side.columns])
    b_side = side.select([F.col(c).alias("b_" + c) for c in side.columns])
    joined = (cands.join(a_side, cands.a == a_side.a_id).join(b_side, cands.b == b_side.b_id)
              .repartition(n_parts, "a"))
    pair_schema = T.StructType([T.StructField(c, T.StringType()) for c in
                                ("a", "b", "relation", "channels", "scores", "alignment")])
    pairs = spark.createDataFrame(joined.rdd.mapPartitions(_verify_partition(config)),
                                  pair_schema).persist(StorageLevel.MEMORY_AND_DISK)
    pairs.write.mode("overwrite").parquet(str(out / "pairs"))
    n_pairs = pairs.count()
    freqs.unpersist()

    marks.append(("families", time.perf_counter()))
    edges = pairs.filter(F.col("relation").isin(sorted(REUSE)))
    families = connected_components(edges)
    families.write.mode("overwrite").parquet(str(out / "families"))
    n_fam = families.select("family").distinct().count()
    marks.append(("end", time.perf_counter()))

    counts = {"documents": n_docs, "errors": errors.count(), "candidates": n_cands,
              "pairs": n_pairs, "families": n_fam}
    seconds = {name: round(t1 - t0, 3) for (name, t0), (_, t1) in pairwise(marks)}
    write_settings(out, config, counts, seconds)
    docs.unpersist()
    cands.unpersist()
    pairs.unpersist()
    return {"counts": counts, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="retold-spark", description=__doc__.split("\n")[0])
    parser.add_argument("input", nargs="+", help="files or folders to read")
    parser.add_argument("output", help="output folder (Parquet tables and retold.json)")
    parser.add_argument("--master", default=None, help="Spark master (default local[2])")
    args = parser.parse_args(argv)
    result = run_job(args.input, args.output, master=args.master)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    # Re-enter through the package so Spark pickles the stage functions by reference to
    # ``retold.spark.job`` rather than by value from ``__main__`` (what spark-submit runs).
    from retold.spark.job import main as _main

    sys.exit(_main())
