"""The JSON API over a real server on 127.0.0.1 (uvicorn in a thread, httpx as the client).

``ThreadServer`` and ``synthetic_docs`` are shared with the other ``test_web_*`` modules.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi")
import uvicorn

from retold.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

SOURCE = "\n".join([
    "Harbour board approves night ferry to Varno.",
    "The Ostmere harbour board voted on Tuesday to run a night ferry to Varno from 1 June.",
    "Board chair Ilse Marten said the service would cost 14 million euros over five years.",
    "Three crossings a week will leave the east quay at 23:00 and arrive at 02:30.",
    "Tickets will cost 18 euros for foot passengers and 64 euros for a car.",
    "The ferry company carried 1.2 million passengers last year, up 9 percent.",
    "Local hotels welcomed the plan, saying it would bring late-arriving tourists.",
    "The service will be reviewed after the summer season.",
])
# A spin: reworded, with changed facts (numbers, a title) that drift must report.
REWRITE = (SOURCE.replace("voted on Tuesday", "decided on Tuesday")
           .replace("14 million", "19 million").replace("Board chair", "Former board chair")
           .replace("welcomed the plan", "praised the decision")
           .replace("Three crossings", "Four crossings"))


class ThreadServer:
    """uvicorn serving ``app`` on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()


def synthetic_docs(n: int, seed: int = 5, out: Path | None = None) -> list[dict[str, Any]]:
    """``n`` documents of the benchmark generator (originals and rewrites), as API bodies."""
    import tempfile

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import generate

    with tempfile.TemporaryDirectory() as tmp:
        where = out or Path(tmp)
        generate.write_corpus(where, n, seed=seed, rewrite_rate=0.3)
        rows = [json.loads(line) for line in
                (where / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return [{k: r[k] for k in ("id", "text", "url", "title", "published") if r.get(k)}
            for r in rows]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, static_encoder: Any) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "index.db"
    with ThreadServer(create_app(db, token=TOKEN, encoder=static_encoder)) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60) as c:
        yield c


def test_reads_are_open_and_health_reports(client: httpx.Client) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.headers["x-content-type-options"] == "nosniff"
    for path in ("/api/families", "/api/stories", "/api/farms", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_writes_need_the_token(client: httpx.Client) -> None:
    body = {"text": SOURCE}
    r = client.post("/api/documents", json=body)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in r.json()["detail"]
    r = client.post("/api/documents", json=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403
    r = client.post("/api/documents/batch", json={"documents": [body]},
                    headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status_code in (401, 403)
    assert client.get("/api/health").json()["documents"] == 0


def test_add_then_check_finds_the_rewrite_with_scores(client: httpx.Client) -> None:
    src = {"id": "wire-ferry", "text": SOURCE, "title": "Night ferry approved",
           "url": "https://wire.example/ferry", "published": "2024-05-01T09:00:00Z"}
    r = client.post("/api/documents", json=src, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json() == {"id": "wire-ferry", "status": "added", "family": None,
                        "role": "independent"}
    # The same document again is acknowledged, not duplicated; another text under the
    # same id is refused and the stored one kept.
    assert client.post("/api/documents", json=src, headers=AUTH).status_code == 200
    r = client.post("/api/documents", json={**src, "text": "Something else. Entirely."},
                    headers=AUTH)
    assert r.status_code == 409
    assert r.json()["status"] == "conflict"

    before = client.get("/api/health").json()["documents"]
    r = client.post("/api/check", json={"document": {
        "text": REWRITE, "published": "2024-05-01T15:00:00+02:00"}})
    assert r.status_code == 200, r.text
    out = r.json()
    best = out["matches"][0]
    assert best["doc_id"] == "wire-ferry"
    assert best["relation"] in ("copy", "rewrite")
    assert best["scores"]["coverage_a"] > 0.7 and best["scores"]["coverage_b"] > 0.7
    assert best["earlier"] == "indexed"
    assert best["alignment"] and best["channels"]
    assert {d["type"] for d in best["drift"]} & {"number", "title"}
    assert out["sources"] == ["wire-ferry"]
    assert out["document"]["indexed"] is False
    # Checking stores nothing.
    assert client.get("/api/health").json()["documents"] == before
    assert client.get(f"/api/documents/{out['document']['id']}").status_code == 404


def test_batch_builds_a_family_with_pairs_and_drift(client: httpx.Client) -> None:
    docs = [{"id": "spin-ferry", "text": REWRITE, "title": "Night ferry gets green light",
             "url": "https://spin.example/ferry", "published": "2024-05-02T08:00:00Z"},
            {"id": "other-1", "text": "The city zoo welcomed a baby giraffe on Sunday. "
             "Keepers said mother and calf were doing well."}]
    r = client.post("/api/documents/batch", json={"documents": docs}, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["added"] == 2 and body["conflicts"] == 0
    spin = next(x for x in body["results"] if x["id"] == "spin-ferry")
    assert spin["family"] is not None and spin["role"] in ("copy", "rewrite")

    fams = client.get("/api/families").json()
    assert fams["total"] >= 1
    fam = client.get(f"/api/families/{spin['family']}").json()
    assert fam["source"] == "wire-ferry"
    assert {d["id"] for d in fam["documents"]} == {"wire-ferry", "spin-ferry"}

    pair = client.get("/api/pairs/wire-ferry/spin-ferry").json()
    assert pair["a"] == "wire-ferry" and pair["relation"] in ("copy", "rewrite")
    assert pair["stored"]["source"] == "wire-ferry"
    assert any(d["type"] == "number" and "19" in (d["b_text"] or "") for d in pair["drift"])
    assert set(pair) >= {"a", "b", "relation", "scores", "alignment", "drift"}

    doc = client.get("/api/documents/spin-ferry").json()
    assert doc["text"] == REWRITE and doc["family"] == spin["family"]
    assert doc["domain"] == "spin.example"
    stories = client.get("/api/stories").json()
    assert any("spin-ferry" in s["members"] for s in stories["items"])
    farms = client.get("/api/farms").json()
    assert {"spin.example", "wire.example"} <= {d["domain"] for d in farms["domains"]}


@pytest.mark.parametrize("body", [
    {},
    {"text": ""},
    {"text": "!!! ..."},  # no sentence
    {"text": "Fine text here.", "published": "last tuesday"},
    {"text": "Fine text here.", "id": "has/slash"},
    {"text": "Fine text here.", "id": ""},
    {"text": "Fine text here.", "txt": "misspelt field"},
    {"text": 12},
    {"text": "Fine text here.", "title": "x" * 1001},
])
def test_invalid_documents_are_422(client: httpx.Client, body: dict[str, Any]) -> None:
    r = client.post("/api/documents", json=body, headers=AUTH)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_malformed_and_oversized_requests(client: httpx.Client) -> None:
    r = client.post("/api/documents", content=b"{not json",
                    headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/documents", content='{"text": "\\ud800 lone surrogate."}',
                    headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 422
    many = {"documents": [{"text": f"Short note {i}."} for i in range(2001)]}
    r = client.post("/api/documents/batch", json=many, headers=AUTH)
    assert r.status_code == 413 and "2000" in r.json()["detail"]
    huge = {"text": "word " * (1_100_000)}
    r = client.post("/api/documents", json=huge, headers=AUTH)
    assert r.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while streaming
        yield b'{"text": "'
        for _ in range(6):
            yield b"a" * 1_000_000
        yield b'"}'

    r = client.post("/api/documents", content=chunks(),
                    headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/api/check", json={"text": "A text.", "document": {"text": "B."}})
    assert r.status_code == 422
    r = client.post("/api/check", json={"text": "A text.", "limit": 0})
    assert r.status_code == 422


def test_unknown_ids_are_404(client: httpx.Client) -> None:
    for path in ("/api/documents/nope", "/api/families/999999", "/api/pairs/nope/wire-ferry",
                 "/api/pairs/wire-ferry/nope"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "nope" in r.json()["detail"] or "999999" in r.json()["detail"]
    assert client.get("/api/families/abc").status_code == 422
    assert client.get("/api/families?limit=0").status_code == 422


def test_reads_run_while_a_batch_ingests(client: httpx.Client, server: str) -> None:
    docs = synthetic_docs(150, seed=3)
    result: dict[str, Any] = {}

    def post() -> None:
        with httpx.Client(base_url=server, timeout=120) as c:
            result["r"] = c.post("/api/documents/batch", json={"documents": docs},
                                 headers=AUTH)

    writer = threading.Thread(target=post)
    writer.start()
    during = []
    while writer.is_alive():
        t0 = time.perf_counter()
        h = client.get("/api/health").json()
        r = client.post("/api/check", json={"text": REWRITE, "drift": 0})
        assert r.status_code == 200
        if h["writer"]["busy"]:
            during.append(time.perf_counter() - t0)
        time.sleep(0.05)
    writer.join()
    assert result["r"].status_code == 200, result["r"].text
    assert result["r"].json()["added"] == len(docs)
    assert during, "no read overlapped the ingest"
    assert client.get("/api/health").json()["pending"] == 0


def test_openapi_schema_describes_the_api(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for p in ("/api/documents", "/api/documents/batch", "/api/documents/{doc_id}",
              "/api/check", "/api/families", "/api/families/{family_id}", "/api/stories",
              "/api/farms", "/api/pairs/{a}/{b}"):
        assert p in paths, p
    assert "/" not in paths and "/families/{family_id}" not in paths  # UI pages stay out
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert paths["/api/documents"]["post"]["security"]
    assert "security" not in paths["/api/check"]["post"]


def test_the_writer_builds_the_vector_indexes_at_start(tmp_path: Path,
                                                       static_encoder: Any) -> None:
    from retold.api import Index

    db = tmp_path / "warm.db"
    with Index(db, encoder=static_encoder, workers=1) as index:
        index.scan([str(ROOT / "examples" / "corpus")])
        seq = index.store.last_seq()
    app = create_app(db, token=TOKEN, encoder=static_encoder)
    with ThreadServer(app):
        deadline = time.monotonic() + 30
        while app.state.cache.current is None and time.monotonic() < deadline:
            time.sleep(0.05)
        # Nobody checked or ingested anything: the writer built them on its own.
        current = app.state.cache.current
        assert current is not None and current.seq == seq
        assert len(current.doc_ids) == seq
