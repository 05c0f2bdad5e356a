"""The public Python API: ``Index`` over one SQLite file, and ``compare`` for two texts.

>>> from retold.api import Index
>>> with Index("news.db") as index:                      # doctest: +SKIP
...     report = index.scan(["articles/"])
...     for family in index.families():
...         print(family["source"], [m["doc_id"] for m in family["members"]])

The CLI and the web app call only this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.config import Config
from retold.documents import Document, ReadError, content_id
from retold.fingerprints import Encoder, fingerprint_documents
from retold.pipeline import Progress, ScanReport, index_records, prepare
from retold.pool import worker_count
from retold.readers import read_paths
from retold.relate import PairResult, relate
from retold.store import Store
from retold.storyline import StoryState, update_stories
from retold.vectors import VectorCache, cache_dir


def default_encoder() -> Encoder:
    """The sentence encoder every index uses: the static MiniLM distillation."""
    from retold.embeddings import StaticEncoder

    return StaticEncoder()


class Index:
    """An index file: scan folders into it, read families, stories and pairs back."""

    def __init__(
        self,
        path: str | Path,
        config: Config | None = None,
        readonly: bool = False,
        encoder: Encoder | None = None,
        workers: int | None = None,
    ) -> None:
        self.store = Store(path, config, readonly=readonly)
        self._readonly = readonly
        # Vector indexes kept for this index's lifetime and saved beside the file
        # (``<index>.vectors/``); scans, adds and checks use them. Not shared with other
        # threads unless a caller says so (the web server's readers do).
        self.vectors = VectorCache(cache_dir(self.store), shared=False)
        self._story_state = StoryState()
        self._encoder = encoder
        # Worker processes for fingerprinting and verification (None: every core). A
        # threaded server passes 1: forking it could copy a lock another thread holds.
        self.workers = workers

    @property
    def config(self) -> Config:
        return self.store.config

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = default_encoder()
        return self._encoder

    def close(self) -> None:
        if not self._readonly:
            self.vectors.save()
            self._story_state.save(self.store)
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scan(self, paths: Sequence[str | Path], progress: Progress | None = None) -> ScanReport:
        """Read every supported file under ``paths``; index what is new; update results."""
        return self.add(read_paths(paths), progress)

    def add(self, docs: Iterable[Document | ReadError],
            progress: Progress | None = None) -> ScanReport:
        """Index documents given as objects (same effect as scanning files holding them).
        Candidates are searched in ``self.vectors``, brought up to date, so a small add
        does not read every stored vector."""
        report = index_records(docs, self.store, self.encoder, progress,
                               after_detect=self._stories, workers=self.workers,
                               cache=self.vectors)
        self.vectors.save()
        return report

    def _stories(self, store: Store) -> None:
        update_stories(store, self.encoder, workers=worker_count(self.workers),
                       state=self._story_state)

    # --- reading ------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def families(self) -> list[dict[str, Any]]:
        return self.store.families()

    def stories(self) -> list[dict[str, Any]]:
        return self.store.stories()

    def pairs(self, relations: Iterable[str] | None = None) -> list[dict[str, Any]]:
        return [
            {"a": p.a, "b": p.b, "relation": p.relation, "source": p.source,
             "confidence": p.confidence, "scores": p.scores, "alignment": p.alignment}
            for p in self.store.pairs(relations)
        ]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` contract: documents, pairs, families, stories."""
        from retold.export import index_json

        return index_json(self.store)

    def check_integrity(self) -> list[str]:
        return self.store.check()

    def load_spark(self, output: str | Path, progress: Progress | None = None) -> Any:
        """Load the output of ``retold spark`` into this index (which must be empty):
        documents with their fingerprints, verified pairs; then families and stories are
        built as a scan would. Returns ``retold.spark.load.LoadReport``."""
        from retold.spark.load import load_output

        progress = progress or Progress()
        report = load_output(output, self.store, progress=progress)
        progress.stage("grouping stories")
        self._stories(self.store)
        progress.finish()
        return report

    def check(
        self, doc: Document, limit: int = 10, drift: int = 0,
        cache: VectorCache | None = None,
    ) -> dict[str, Any]:
        """Relate ``doc`` to the index without adding it: matches with relation and scores,
        their families and likely sources; drift for the first ``drift`` reuse matches
        (``retold.check.check_document``). ``cache``: vector indexes to search instead of
        ``self.vectors`` (a server's readers share the writer's)."""
        from retold.check import check_document

        return check_document(self.store, doc, self.encoder, limit=limit,
                              cache=cache or self.vectors, drift=drift)


@dataclass(slots=True)
class Comparison:
    """``compare``'s result: the pair verdict plus both documents."""

    a: Document
    b: Document
    result: PairResult


def compare(
    a: Document, b: Document, config: Config | None = None, encoder: Encoder | None = None
) -> Comparison:
    """Align two documents and decide their relation, without any index."""
    config = config or Config()
    encoder = encoder or default_encoder()
    a, b = prepare(a), prepare(b)
    pa, pb = fingerprint_documents([a, b], encoder, config)
    return Comparison(a, b, relate(a.text, b.text, pa, pb, config))


def document_from_text(text: str, doc_id: str | None = None, **meta: Any) -> Document:
    """A Document from raw text (id from the content unless given)."""
    return Document(id=doc_id or content_id(text), text=text, **meta)
