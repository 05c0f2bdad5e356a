"""``retold serve``: a FastAPI app with a JSON API and a small web UI over one index file.

Concurrency follows SQLite's WAL model (one writer, any number of readers, each reader on
the last committed state):

* one writer thread (``Writer``) owns the only writable connection and runs ``Index.add``
  for queued documents, one batch at a time; requests that arrive while it works are merged
  into its next batch, so families and stories are rebuilt once per batch, not per document;
* every request thread reads through its own read-only connection (``Readers``, one per
  thread) inside a read transaction, so a page or a check sees one consistent snapshot
  (never half of a families rebuild) and never waits for an ingest.

Crash safety: a write is answered only after ``Index.add`` returned, i.e. after the documents,
their pairs, families and stories were committed, so a server killed at any moment loses
only documents it never acknowledged. Documents of a cut-off batch that were already
committed as ``pending`` are compared by the writer as soon as the server starts again.

The sentence encoder is loaded once in ``create_app`` and held by the app (``app.state``),
shared by the writer and every reader.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import queue
import secrets
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import Future
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from retold.api import Index, compare, default_encoder
from retold.comparison import comparison_json
from retold.documents import Document, content_id
from retold.farms import farm_report
from retold.fingerprints import Encoder
from retold.pipeline import prepare
from retold.web import models as m

log = logging.getLogger("retold.web")

# Documents waiting for the writer at most; beyond this a write gets 503 and Retry-After
# rather than queueing unbounded memory behind a slow ingest.
MAX_QUEUED_DOCS = 20_000
# Bytes of an oversized body read and dropped before the 413 (see Guard._drain); beyond
# this the connection is simply closed.
DRAIN_LIMIT = 64 * 1024 * 1024
SECURITY_HEADERS = [
    # The UI has no script at all: nothing but its own stylesheet may load.
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- request guard ------------------------------------------------------------------------


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive``: FastAPI re-raises HTTP exceptions met while reading a body
    (anything else becomes a 400), so the app's handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class Guard:
    """ASGI middleware: rejects bodies over ``max_body`` bytes with 413 (by Content-Length
    up front, or while a chunked body streams in) and adds the security headers."""

    def __init__(self, app: ASGIApp, max_body: int = m.MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = False
            if too_big:
                await self._drain(receive, 0)
                await self._reject(send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    if message.get("more_body", False):
                        await self._drain(receive, seen)
                    raise _TooLarge(self.max_body)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _drain(self, receive: Receive, seen: int) -> None:
        """Read and drop the rest of the body (up to ``DRAIN_LIMIT``) before answering.

        Closing a connection whose request bytes are still unread makes the kernel send a
        reset, which can destroy the 413 before the client reads it; a client still
        uploading would then see a broken connection instead of the answer.
        """
        while seen <= DRAIN_LIMIT:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _reject(self, send: Send) -> None:
        body = (b'{"detail":"request body larger than %d bytes"}' % self.max_body)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})


# --- readers ------------------------------------------------------------------------------


class Readers:
    """One read-only ``Index`` per request thread, all sharing the app's encoder; and the
    families and stories lists, cached between writes.

    Reading every family or story costs one query per item (hundreds of milliseconds at a
    few thousand documents), while they change only when the index does. A cached list is
    keyed by the writer's generation (bumped after each of its ingests) and the document
    count (which also catches a scan by another process); callers must not modify it.
    """

    def __init__(self, path: Path, encoder: Encoder,
                 generation: Callable[[], int] = lambda: 0) -> None:
        self.path = path
        self.encoder = encoder
        self._generation = generation
        self._local = threading.local()
        self._opened: list[Index] = []
        self._lock = threading.Lock()
        self._derived: dict[str, tuple[tuple[int, int], list[dict[str, Any]]]] = {}

    def _get(self) -> Index:
        index: Index | None = getattr(self._local, "index", None)
        if index is None:
            index = Index(self.path, readonly=True, encoder=self.encoder)
            self._local.index = index
            with self._lock:
                self._opened.append(index)
        return index

    @contextmanager
    def snapshot(self) -> Iterator[Index]:
        """This thread's index inside one read transaction (a consistent WAL snapshot).

        Call it inside the endpoint, not from a dependency: FastAPI may run a dependency and
        its endpoint on different pool threads, and two requests must not share a connection.
        """
        index = self._get()
        # Read before the snapshot starts, so the data read is at least this new.
        self._local.generation = self._generation()
        db = index.store.db
        db.execute("BEGIN")
        try:
            yield index
        finally:
            if db.in_transaction:
                db.rollback()

    def families(self, index: Index) -> list[dict[str, Any]]:
        """``Index.families()`` of the snapshot ``index`` is in (cached between writes)."""
        return self._cached("families", index, index.families)

    def stories(self, index: Index) -> list[dict[str, Any]]:
        """``Index.stories()`` of the snapshot ``index`` is in (cached between writes)."""
        return self._cached("stories", index, index.stories)

    def _cached(self, name: str, index: Index,
                load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        key = (int(self._local.generation), index.store.count_documents())
        with self._lock:
            hit = self._derived.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = load()
        with self._lock:
            self._derived[name] = (key, value)
        return value

    def close(self) -> None:
        with self._lock:
            for index in self._opened:
                index.close()
            self._opened.clear()


# --- the writer ---------------------------------------------------------------------------


class WriterBusy(Exception):
    """Too many documents are already waiting for the writer."""


@dataclass(slots=True)
class _Job:
    docs: list[Document]
    future: Future[list[m.IngestResult]]


class Writer:
    """The single writer: a thread that owns the writable index and ingests queued jobs."""

    def __init__(self, index: Index, max_queued: int = MAX_QUEUED_DOCS,
                 max_batch: int = m.MAX_BATCH) -> None:
        self.index = index
        self.max_queued = max_queued
        self.max_batch = max_batch
        self.busy = False
        self.generation = 0
        """Bumped after every ingest: readers' cached families and stories expire."""
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._queued = 0
        self._thread: threading.Thread | None = None

    @property
    def queued(self) -> int:
        return self._queued

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retold-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def submit(self, docs: list[Document]) -> Future[list[m.IngestResult]]:
        with self._lock:
            if self._queued + len(docs) > self.max_queued:
                raise WriterBusy
            self._queued += len(docs)
        job = _Job(docs, Future())
        self._queue.put(job)
        return job.future

    def _run(self) -> None:
        self.busy = True
        try:
            if self.index.store.pending_ids():
                # A batch cut off by a crash: its documents are stored but not compared yet.
                self.index.add([])
        except Exception:
            log.exception("resuming the pending documents failed")
        try:
            # Load or build the vector indexes now rather than in the first check or ingest
            # (building takes half a minute at 100,000 documents); a check arriving
            # meanwhile waits.
            self.index.vectors.get(self.index.store)
        except Exception:
            log.exception("building the vector indexes failed (the first check retries)")
        finally:
            self.generation += 1
            self.busy = False
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            jobs = [first]
            n = len(first.docs)
            # Group commit: whatever queued up meanwhile goes into the same ingest.
            while n < self.max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stopping = True
                    break
                jobs.append(nxt)
                n += len(nxt.docs)
            self._ingest(jobs)
        self._fail_rest()

    def _ingest(self, jobs: list[_Job]) -> None:
        self.busy = True
        try:
            report = self.index.add([d for job in jobs for d in job.docs])
            added = set(report.added)
            results = _outcomes(self.index, [job.docs for job in jobs], added)
            for job, res in zip(jobs, results, strict=True):
                job.future.set_result(res)
        except Exception as exc:
            log.exception("ingest failed")
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
        finally:
            with self._lock:
                self._queued -= sum(len(job.docs) for job in jobs)
            self.generation += 1
            self.busy = False

    def _fail_rest(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.future.set_exception(RuntimeError("the server is shutting down"))


def _outcomes(index: Index, groups: list[list[Document]],
              added: set[str]) -> list[list[m.IngestResult]]:
    """Each document's fate, read back from the committed index (so it is what is stored)."""
    ids = sorted({d.id for docs in groups for d in docs})
    known = index.store.known_hashes(ids)
    family_of = index.store.family_of(ids)
    reported: set[str] = set()
    out = []
    for docs in groups:
        results = []
        for d in docs:
            # The stored hash is of the prepared text (pipeline.ingest), so compare likewise.
            same = known.get(d.id) == content_id(prepare(d).text)
            if same and d.id in added and d.id not in reported:
                status = "added"
                reported.add(d.id)
            elif same:
                status = "exists"
            else:
                status = "conflict"
            fam = family_of.get(d.id)
            results.append(m.IngestResult(id=d.id, status=status,
                                          family=fam[0] if fam else None,
                                          role=fam[1] if fam else "independent"))
        out.append(results)
    return out


# --- app ----------------------------------------------------------------------------------


def resolve_token(token: str | None = None) -> tuple[str, bool]:
    """The write token: ``token``, else ``RETOLD_TOKEN``, else a new random one (True)."""
    if token:
        return token, False
    env = os.environ.get("RETOLD_TOKEN")
    if env:
        return env, False
    return secrets.token_urlsafe(24), True


_bearer = HTTPBearer(auto_error=False, description="The server's write token.")


def create_app(
    db_path: str | Path,
    token: str | None = None,
    encoder: Encoder | None = None,
) -> FastAPI:
    """The app over the index at ``db_path`` (created when absent).

    ``token`` guards writes (default ``RETOLD_TOKEN``, else generated and printed to stderr).
    ``encoder`` defaults to the index encoder; it is loaded here, once, before serving.
    """
    db_path = Path(db_path)
    token, generated = resolve_token(token)
    if generated:
        print(f"retold: write token (set RETOLD_TOKEN to choose one): {token}",
              file=sys.stderr, flush=True)
    encoder = encoder or default_encoder()
    encoder.encode(["warm up"])  # load the model now, not on the first request
    # Opening the writable index first creates the file and schema the readers need.
    writer = Writer(Index(db_path, encoder=encoder, workers=1))
    readers = Readers(db_path, encoder, lambda: writer.generation)
    # The readers' checks search the writer's vector indexes, which its ingests keep current
    # (in copies: a reader may be searching the previous ones).
    cache = writer.index.vectors
    cache.shared = True

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            await asyncio.to_thread(writer.stop)
            writer.index.close()
            readers.close()

    app = FastAPI(
        title="retold",
        version="1",
        summary="Rewritten news: families with a source, stories, content farms, drift.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
        responses={413: {"model": m.Error, "description": "Request body too large"}},
    )
    app.state.encoder = encoder
    app.state.token = token
    app.state.writer = writer
    app.state.readers = readers
    app.state.cache = cache
    app.state.db_path = db_path

    def require_token(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(401, "write requests need 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(creds.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong token")

    write_responses: dict[int | str, dict[str, Any]] = {
        401: {"model": m.Error, "description": "No token"},
        403: {"model": m.Error, "description": "Wrong token"},
        422: {"model": m.Error, "description": "Invalid document"},
        503: {"model": m.Error, "description": "Writer busy; retry later"},
    }
    not_found: dict[int | str, dict[str, Any]] = {404: {"model": m.Error,
                                                        "description": "Unknown id"}}

    async def _write(docs: list[Document]) -> list[m.IngestResult]:
        try:
            future = writer.submit(docs)
        except WriterBusy as exc:
            raise HTTPException(503, "the writer is busy; retry later",
                                headers={"Retry-After": "5"}) from exc
        # Awaited, not blocking a pool thread: slow ingests must not starve the readers.
        return await asyncio.wrap_future(future)

    @app.post("/api/documents", response_model=m.IngestResult, status_code=201,
              dependencies=[Depends(require_token)],
              responses={200: {"model": m.IngestResult, "description": "Already indexed"},
                         409: {"model": m.IngestResult,
                               "description": "Id indexed with another text"},
                         **write_responses},
              tags=["write"])
    async def add_document(body: m.DocumentIn) -> Any:
        """Index one document; answered after it is committed with its pairs and family."""
        (result,) = await _write([body.to_document()])
        if result.status == "added":
            return result
        code = 200 if result.status == "exists" else 409
        return JSONResponse(jsonable_encoder(result), status_code=code)

    @app.post("/api/documents/batch", response_model=m.BatchOut,
              dependencies=[Depends(require_token)], responses=write_responses,
              tags=["write"])
    async def add_batch(body: m.BatchIn) -> m.BatchOut:
        """Index up to 2,000 documents in one ingest; answered after the commit."""
        if len(body.documents) > m.MAX_BATCH:
            raise HTTPException(413, f"{len(body.documents)} documents in one batch; the "
                                f"limit is {m.MAX_BATCH}")
        t0 = time.perf_counter()
        results = await _write([d.to_document() for d in body.documents]) \
            if body.documents else []
        return m.BatchOut(
            results=results,
            added=sum(r.status == "added" for r in results),
            exists=sum(r.status == "exists" for r in results),
            conflicts=sum(r.status == "conflict" for r in results),
            seconds=round(time.perf_counter() - t0, 3),
        )

    @app.get("/api/documents/{doc_id}", response_model=m.DocumentOut, responses=not_found,
             tags=["read"])
    def get_document(doc_id: str) -> m.DocumentOut:
        with readers.snapshot() as index:
            doc = index.document(doc_id)
            if doc is None:
                raise HTTPException(404, f"no document {doc_id!r}")
            fam = index.store.family_of([doc_id]).get(doc_id)
            story = index.store.story_of([doc_id]).get(doc_id)
        return m.DocumentOut(
            id=doc.id, title=doc.title, url=doc.url, domain=doc.domain,
            published=doc.published.isoformat() if doc.published else None, path=doc.path,
            text=doc.text, family=fam[0] if fam else None,
            role=fam[1] if fam else "independent", story=story)

    @app.post("/api/check", response_model=m.CheckOut,
              responses={422: {"model": m.Error, "description": "Invalid input"}},
              tags=["read"])
    def check(body: m.CheckIn) -> Any:
        """Relate a text to the index without adding it: families, likely sources, and
        every related document with its scores (and drift for the best reuse matches)."""
        doc = body.to_document()
        with readers.snapshot() as index:
            return index.check(doc, limit=body.limit, drift=body.drift, cache=cache)

    @app.get("/api/families", response_model=m.FamilyPage, tags=["read"])
    def list_families(
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        with readers.snapshot() as index:
            fams = readers.families(index)
        return {"total": len(fams), "offset": offset, "limit": limit,
                "items": fams[offset : offset + limit]}

    @app.get("/api/families/{family_id}", response_model=m.FamilyDetail, responses=not_found,
             tags=["read"])
    def get_family(family_id: int) -> Any:
        with readers.snapshot() as index:
            fam = next((f for f in readers.families(index) if f["id"] == family_id), None)
            if fam is None:
                raise HTTPException(404, f"no family {family_id}")
            docs = index.store.documents([mm["doc_id"] for mm in fam["members"]])
        return {**fam, "documents": [_brief(d) for d in docs]}

    @app.get("/api/stories", response_model=m.StoryPage, tags=["read"])
    def list_stories(
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        with readers.snapshot() as index:
            stories = readers.stories(index)
        return {"total": len(stories), "offset": offset, "limit": limit,
                "items": stories[offset : offset + limit]}

    @app.get("/api/farms", response_model=m.FarmsOut, tags=["read"])
    def farms() -> Any:
        with readers.snapshot() as index:
            return farm_report(index.store)

    @app.get("/api/pairs/{a}/{b}", response_model=m.PairOut, responses=not_found,
             tags=["read"])
    def pair(a: str, b: str) -> Any:
        """Alignment and drift of ``b`` against ``a`` (the ``retold compare --json``
        contract), with the relation and direction the index stored for the pair, if any."""
        with readers.snapshot() as index:
            first, second = index.document(a), index.document(b)
            missing = [x for x, d in ((a, first), (b, second)) if d is None]
            if missing:
                raise HTTPException(404, f"no document {missing[0]!r}")
            stored = next((p for p in index.store.pairs(doc_id=a) if {p.a, p.b} == {a, b}),
                          None)
            config = index.config
        assert first is not None and second is not None
        result = comparison_json(compare(first, second, config=config, encoder=encoder),
                                 config.max_sentences)
        result["stored"] = None if stored is None else {
            "relation": stored.relation, "source": stored.source,
            "confidence": stored.confidence, "direction_reason": stored.direction_reason}
        return result

    @app.get("/api/health", response_model=m.Health, tags=["read"])
    def health() -> Any:
        with readers.snapshot() as index:
            docs = index.store.count_documents()
            pending = len(index.store.pending_ids())
        return {"status": "ok", "documents": docs, "pending": pending,
                "writer": {"busy": writer.busy, "queued_documents": writer.queued}}

    from retold.web.ui import add_ui

    add_ui(app, readers, cache)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        from retold.web.ui import error_page, wants_html

        if wants_html(request):
            return error_page(exc.status_code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        from retold.web.ui import error_page, wants_html

        if wants_html(request):
            return error_page(422, "invalid request: " + "; ".join(
                str(e.get("msg")) for e in exc.errors()))
        # Without the offending input: it may be megabytes long, or not encodable at all
        # (a lone surrogate), and the client has it anyway.
        errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
        body = json.dumps({"detail": jsonable_encoder(errors)}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    app.add_middleware(Guard)
    return app


def _brief(d: Any) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "url": d.url, "domain": d.domain,
            "published": d.published.isoformat() if d.published else None}
