"""kill -9 during a batch ingest: every acknowledged document survives, the index stays whole.

The server runs as a real process (``retold serve``). A client thread posts batches one after
another; the test kills the server with SIGKILL while the writer is busy with a batch, starts
it again on the same file, and checks that every document whose POST came back 2xx is there,
that the cut-off batch's stored documents were compared on restart (none left pending), and
that ``Index.check_integrity()`` finds nothing. Re-posting the unacknowledged batch then
completes it: what was committed reads as ``exists``, the rest as ``added``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi")

from test_web_api import synthetic_docs

from retold.api import Index

TOKEN = "crash-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BATCH = 25


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, db: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "RETOLD_TOKEN": TOKEN}
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "retold.cli", "serve", "--db", str(db),
             "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not come up")

    def health(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/api/health", timeout=10).json()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        finally:
            self.log.close()


def test_sigkill_mid_ingest_keeps_acknowledged_documents(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    docs = synthetic_docs(12 * BATCH, seed=9)
    batches = [docs[i : i + BATCH] for i in range(0, len(docs), BATCH)]
    server = ServerProcess(db, tmp_path / "server.log")
    acked: list[str] = []
    in_flight: list[list[dict[str, Any]]] = []
    try:
        server.wait_ready()

        def client() -> None:
            with httpx.Client(base_url=server.url, timeout=60) as c:
                for batch in batches:
                    in_flight[:] = [batch]
                    try:
                        r = c.post("/api/documents/batch", json={"documents": batch},
                                   headers=AUTH)
                    except httpx.TransportError:
                        return  # the server died with this batch unacknowledged
                    assert r.status_code == 200, r.text
                    acked.extend(x["id"] for x in r.json()["results"])
                    in_flight.clear()

        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        # Kill once a batch was acknowledged and the next one is committed as pending but
        # not yet compared (the worst moment), watching the file on a read-only connection.
        deadline = time.monotonic() + 60
        watcher: Index | None = None
        try:
            while time.monotonic() < deadline and thread.is_alive():
                if watcher is None and db.exists():
                    watcher = Index(db, readonly=True)
                if (len(acked) >= BATCH and watcher is not None
                        and watcher.store.pending_ids()):
                    break
                time.sleep(0.005)
            else:
                pytest.fail("never saw a batch stored but not yet compared")
        finally:
            if watcher is not None:
                watcher.close()
        server.kill()
        thread.join(30)
    finally:
        if server.proc.poll() is None:
            server.kill()
    assert acked and len(acked) < len(docs)
    assert in_flight, "the kill did not cut a batch off"

    restarted = ServerProcess(db, tmp_path / "server.log")
    try:
        restarted.wait_ready()
        deadline = time.monotonic() + 60
        while (h := restarted.health())["pending"] or h["writer"]["busy"]:
            assert time.monotonic() < deadline, h
            time.sleep(0.1)
        with httpx.Client(base_url=restarted.url, timeout=60) as c:
            for doc_id in acked:
                assert c.get(f"/api/documents/{doc_id}").status_code == 200, doc_id
            # The client retries what was never acknowledged: nothing is lost or doubled.
            retry = c.post("/api/documents/batch", json={"documents": in_flight[0]},
                           headers=AUTH).json()
            assert retry["conflicts"] == 0
            assert retry["added"] + retry["exists"] == len(in_flight[0])
            total = c.get("/api/health").json()["documents"]
        assert total == len(set(acked)) + len(in_flight[0])
    finally:
        restarted.stop()

    with Index(db, readonly=True) as index:
        assert index.check_integrity() == []
        assert index.store.pending_ids() == []
