"""The Spark job's output format, and loading it into an index (pyarrow only, no Spark).

``OUTPUT/documents`` holds every document with its fingerprints in the index's own encoding
(MinHash as uint32 bytes, vectors as float16 bytes), so loading stores exactly what the job
compared and nothing is encoded twice. ``OUTPUT/pairs`` holds the verified pairs,
``OUTPUT/families`` the connected components of reuse edges, ``OUTPUT/retold.json`` the
settings. Loading rebuilds families (roles, parents, provenance) and stories with the local
code, so everything downstream (CLI, report, UI) reads the index as after ``retold scan``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from retold.config import Config
from retold.documents import Document
from retold.fingerprints import DocPrint
from retold.store import PairRow, Store
from retold.text import Sentence

if TYPE_CHECKING:
    from retold.pipeline import Progress

SETTINGS_FILE = "retold.json"
FORMAT_VERSION = 1


class SparkOutputError(ValueError):
    """The folder is not (complete) output of ``retold spark``."""


def print_columns(pr: DocPrint, bands: np.ndarray) -> dict[str, Any]:
    """A fingerprint as plain columns, in the store's encoding (float16 vectors): both the
    job's verification and the index then work on the very same numbers."""
    dim = int(pr.vectors.shape[1]) if pr.vectors.ndim == 2 else 0
    return {
        "n_sentences": len(pr.sentences),
        "truncated": bool(pr.truncated),
        "starts": [int(s.start) for s in pr.sentences],
        "ends": [int(s.end) for s in pr.sentences],
        "hashes": [int(h) for h in pr.sentence_hashes],
        "lexical": pr.lexical.astype(np.uint32).tobytes(),
        "skeleton": pr.skeleton.astype(np.uint32).tobytes(),
        "doc_vector": pr.doc_vector.astype(np.float16).tobytes(),
        "vectors": pr.vectors.astype(np.float16).tobytes(),
        "dim": dim,
        "bands": [int(k) for k in bands],
    }


def print_from_columns(doc_id: str, text: str, row: Mapping[str, Any]) -> DocPrint:
    """The inverse of ``print_columns`` (what ``Store.prints`` reads back)."""
    dim = int(row["dim"])
    vectors = np.frombuffer(bytes(row["vectors"]), dtype=np.float16).astype(np.float32)
    return DocPrint(
        doc_id=doc_id,
        sentences=[Sentence(s, e, text[s:e]) for s, e in zip(row["starts"], row["ends"],
                                                             strict=True)],
        sentence_hashes=np.array(row["hashes"], dtype=np.int64),
        lexical=np.frombuffer(bytes(row["lexical"]), dtype=np.uint32),
        skeleton=np.frombuffer(bytes(row["skeleton"]), dtype=np.uint32),
        vectors=vectors.reshape(-1, dim) if dim else vectors.reshape(0, 0),
        doc_vector=np.frombuffer(bytes(row["doc_vector"]), dtype=np.float16).astype(np.float32),
        truncated=bool(row["truncated"]),
    )


def write_settings(out: Path, config: Config, counts: Mapping[str, int],
                   seconds: Mapping[str, float] | None = None) -> None:
    (out / SETTINGS_FILE).write_text(json.dumps(
        {"format": FORMAT_VERSION, "config": json.loads(config.to_json()),
         "config_fingerprint": config.fingerprint(), "counts": dict(counts),
         "seconds": dict(seconds or {})},
        indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_settings(out: Path) -> tuple[Config, dict[str, Any]]:
    path = out / SETTINGS_FILE
    if not path.is_file():
        raise SparkOutputError(f"{out}: no {SETTINGS_FILE}; not output of `retold spark`"
                               " (or the job did not finish)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT_VERSION:
        raise SparkOutputError(f"{out}: output format {data.get('format')!r}, expected"
                               f" {FORMAT_VERSION}")
    return Config.from_json(json.dumps(data["config"])), data


@dataclass(slots=True)
class LoadReport:
    documents: int = 0
    pairs: int = 0
    families: int = 0


def load_output(
    out_dir: str | Path, store: Store, batch: int = 500, progress: Progress | None = None
) -> LoadReport:
    """Insert the job's documents and pairs into ``store`` (which must hold no documents:
    the job compared its documents with each other only) and rebuild families.

    Stories are not built here; ``retold.api.Index.load_spark`` adds them.
    """
    from retold.pipeline import Progress, rebuild_families

    progress = progress or Progress()
    out = Path(out_dir)
    config, _ = read_settings(out)
    if config.fingerprint() != store.config.fingerprint():
        raise SparkOutputError(
            f"{out} was made with settings {config.fingerprint()}, {store.path} uses"
            f" {store.config.fingerprint()}; load into a new index")
    if store.count_documents():
        raise SparkOutputError(
            f"{store.path} already holds documents; load Spark output into a new index"
            " (the job compared its documents with each other only)")
    report = LoadReport()
    ids: list[str] = []
    # Documents in input order: the index's insertion order is what the local scan would
    # have produced, and family building breaks ties by it.
    table = pq.read_table(out / "documents").sort_by("ord")
    progress.stage("loading documents", table.num_rows)
    for docs, prints, bands in _document_batches(table, batch):
        store.add_documents(docs, prints, bands)
        ids.extend(d.id for d in docs)
        progress.advance(len(docs))
    del table
    report.documents = len(ids)
    progress.stage("loading pairs")
    rows = list(_pair_rows(out / "pairs"))
    # A crash between the two leaves documents 'pending': the next scan verifies them
    # again, so nothing is lost, only redone.
    store.save_pairs(rows, ids)
    report.pairs = len(rows)
    progress.stage("building families")
    rebuild_families(store)
    report.families = len(store.families())
    return report


def _document_batches(
    table: pa.Table, batch: int
) -> Iterator[tuple[list[Document], list[DocPrint], list[np.ndarray]]]:
    for rb in table.to_batches(max_chunksize=batch):
        docs, prints, bands = [], [], []
        for row in rb.to_pylist():
            doc = Document(
                id=row["id"], text=row["text"], url=row["url"], domain=row["domain"],
                title=row["title"],
                published=datetime.fromisoformat(row["published"]) if row["published"]
                else None,
                path=row["path"])
            docs.append(doc)
            prints.append(print_from_columns(doc.id, doc.text, row))
            bands.append(np.array(row["bands"], dtype=np.int64))
        yield docs, prints, bands


def _pair_rows(path: Path) -> Iterator[PairRow]:
    for row in pq.read_table(path).sort_by([("a", "ascending"), ("b", "ascending")]).to_pylist():
        yield PairRow(row["a"], row["b"], row["relation"], None, None, None,
                      json.loads(row["scores"]), json.loads(row["alignment"]))


def components(out_dir: str | Path) -> list[frozenset[str]]:
    """The job's families as sets of document ids (connected components of reuse)."""
    groups: dict[str, set[str]] = {}
    for row in pq.read_table(Path(out_dir) / "families").to_pylist():
        groups.setdefault(row["family"], set()).add(row["doc_id"])
    return sorted((frozenset(g) for g in groups.values()), key=lambda g: sorted(g))

