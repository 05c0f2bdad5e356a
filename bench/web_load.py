"""Load benchmark of ``retold serve``: throughput and latency of ``POST /api/check``.

    python bench/web_load.py --db build/webbench/index.db --requests 400 --concurrency 1,4

Starts the server as a subprocess on 127.0.0.1 (a free port) against an existing index,
builds query texts from documents of that index (first and last sentence dropped, so each
query is a partial rewrite of something indexed and the check has work to do), sends one
warm-up request (it builds the server's vector indexes; reported as the cold latency), then
for each concurrency level a fixed number of checks from that many client threads, stopping
early at ``--max-seconds``. Prints a Markdown section and appends it to ``--results``
(default ``bench/RESULTS.md``) with the command, machine and date.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import secrets
import shlex
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def query_texts(db: Path, n: int, seed: int) -> tuple[list[str], int, int]:
    """``n`` query texts drawn from the index, the index's document and family counts."""
    from retold.api import Index
    from retold.text import split_sentences

    with Index(db, readonly=True) as index:
        rows = index.store.documents()
        families = len(index.families())
        rng = random.Random(seed)
        picked = [rows[i].id for i in sorted(rng.sample(range(len(rows)), min(n, len(rows))))]
        texts = index.store.texts(picked)
    out = []
    for doc_id in picked:
        text = texts[doc_id]
        sents = split_sentences(text)
        if len(sents) >= 4:
            text = text[sents[1].start : sents[-2].end]
        out.append(text)
    return out, len(rows), families


class Server:
    def __init__(self, db: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "RETOLD_TOKEN": secrets.token_urlsafe(16)}
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "retold.cli", "serve", "--db", str(db), "--port",
             str(self.port)], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 120) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run_level(url: str, texts: list[str], requests: int, concurrency: int, drift: int,
              max_seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                body = {"text": texts[i % len(texts)], "limit": 10, "drift": drift}
                t0 = time.perf_counter()
                try:
                    ok = client.post("/api/check", json=body).status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t0
                with lock:
                    if ok:
                        latencies.append(dt)
                    else:
                        errors += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(worker) for _ in range(concurrency)]:
            f.result()
    wall = time.perf_counter() - t0
    if not latencies:
        raise SystemExit("no request succeeded")
    return {"concurrency": concurrency, "requests": len(latencies), "errors": errors,
            "seconds": wall, "rps": len(latencies) / wall,
            "p50": percentile(latencies, 50) * 1000, "p90": percentile(latencies, 90) * 1000,
            "p99": percentile(latencies, 99) * 1000, "max": max(latencies) * 1000}


def _nproc() -> int:
    """What ``nproc`` prints: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="An existing index file.")
    ap.add_argument("--requests", type=int, default=400, help="Checks per concurrency level.")
    ap.add_argument("--concurrency", default="1,4", help="Client threads, comma-separated.")
    ap.add_argument("--drift", type=int, default=0,
                    help="Reuse matches per check that get a drift list (API 'drift').")
    ap.add_argument("--queries", type=int, default=200, help="Distinct query texts.")
    ap.add_argument("--max-seconds", type=float, default=120.0,
                    help="Stop a level after this long even if requests remain.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--label", default="", help="What the index is (for the results file).")
    args = ap.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"{args.db}: no such index")
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]

    texts, n_docs, n_fams = query_texts(args.db, args.queries, args.seed)
    log = ROOT / "build" / "web_load_server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server(args.db, log)
    try:
        startup = server.wait()
        t0 = time.perf_counter()
        r = httpx.post(server.url + "/api/check", json={"text": texts[0], "drift": args.drift},
                       timeout=300)
        cold = (time.perf_counter() - t0) * 1000
        r.raise_for_status()
        matched = sum(bool(httpx.post(server.url + "/api/check", json={"text": t, "drift": 0},
                                      timeout=120).json()["matches"]) for t in texts[:20])
        results = [run_level(server.url, texts, args.requests, c, args.drift, args.max_seconds)
                   for c in levels]
    finally:
        server.stop()

    command = "python bench/web_load.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    lines = [
        "",
        f"## Web load: POST /api/check ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"- command: `{command}`",
        f"- machine: nproc {_nproc()}, {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}",
        f"- index: {n_docs} documents, {n_fams} families"
        + (f" ({args.label})" if args.label else ""),
        f"- queries: {len(texts)} texts from the index with first and last sentence dropped;"
        f" {matched}/20 sampled queries found a match; limit 10, drift {args.drift}",
        f"- server start to healthy: {startup:.1f} s; first check right after, which waits"
        f" for the vector indexes the server loads (or builds) as it starts: {cold:.0f} ms",
        "",
        "| client threads | requests | errors | seconds | req/s | p50 ms | p90 ms | p99 ms "
        "| max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for x in results:
        lines.append(f"| {x['concurrency']} | {x['requests']} | {x['errors']} | "
                     f"{x['seconds']:.1f} | {x['rps']:.1f} | {x['p50']:.0f} | {x['p90']:.0f} | "
                     f"{x['p99']:.0f} | {x['max']:.0f} |")
    section = "\n".join(lines) + "\n"
    print(section)
    print(json.dumps(results, indent=1), file=sys.stderr)
    if not args.results.exists():
        args.results.write_text("# Benchmark results\n", encoding="utf-8")
    with args.results.open("a", encoding="utf-8") as f:
        f.write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
