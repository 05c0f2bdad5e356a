"""The SQLite index: one file (WAL), every SQL statement of retold lives here.

Crash safety comes from ordering: a batch of documents with all its fingerprints is written
in one transaction and marked ``pending``; its pairs are written and the documents marked
``done`` in another. A scan killed at any moment leaves whole batches, and the next scan
picks up the pending documents where it stopped. Families and stories are derived data,
replaced in one transaction each.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

from retold.config import Config
from retold.documents import Document, content_id
from retold.fingerprints import DocPrint
from retold.text import Sentence

SCHEMA_VERSION = "1"
# State key present while the stored families reflect every stored reuse pair.
_FAMILIES_FRESH = "families_fresh"
_FAMILIES_SEQ = "families_seq"
# Page cache of the writing connection (KiB); pages are only held once touched.
_WRITER_CACHE_KIB = 64 * 1024
# Rows fetched at a time by shared_band_rows, doc_vectors and pending_pairs.
_FETCH_ROWS = 65_536

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    text_hash TEXT NOT NULL,
    path TEXT, url TEXT, domain TEXT, title TEXT, published TEXT,
    text TEXT NOT NULL,
    n_sentences INTEGER NOT NULL,
    truncated INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS documents_domain ON documents(domain);
CREATE TABLE IF NOT EXISTS sentences (
    doc_seq INTEGER NOT NULL REFERENCES documents(seq),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    PRIMARY KEY (doc_seq, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS prints (
    doc_seq INTEGER PRIMARY KEY REFERENCES documents(seq),
    lexical BLOB NOT NULL,
    skeleton BLOB NOT NULL,
    doc_vector BLOB NOT NULL,
    vectors BLOB NOT NULL,
    dim INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pairs (
    a TEXT NOT NULL, b TEXT NOT NULL,
    relation TEXT NOT NULL,
    source TEXT, confidence REAL, direction_reason TEXT,
    scores TEXT NOT NULL, alignment TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX IF NOT EXISTS pairs_b ON pairs(b);
CREATE TABLE IF NOT EXISTS families (
    id INTEGER PRIMARY KEY,
    source TEXT, source_reason TEXT, size INTEGER NOT NULL, tree TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS family_members (
    doc_id TEXT PRIMARY KEY, family_id INTEGER NOT NULL, role TEXT NOT NULL, parent TEXT
);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY, label TEXT, first TEXT, last TEXT, size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS family_members_family ON family_members(family_id);
CREATE TABLE IF NOT EXISTS story_members (doc_id TEXT PRIMARY KEY, story_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


# Indexes whose rows land at random places on every write (see Store.defer_indexes).
_LOOKUP_INDEXES = {
    "sentences_hash": "CREATE INDEX IF NOT EXISTS sentences_hash ON sentences(hash)",
    "bands_key": "CREATE INDEX IF NOT EXISTS bands_key ON bands(key)",
}
_SCHEMA += "".join(f"{sql};\n" for sql in _LOOKUP_INDEXES.values())


# Bytes per row of a state kept in parts (SQLite's limit on one value is 10^9). Each part
# is read into memory and copied by SQLite as it is bound: at 256 MB, writing a million
# articles' story state peaked 830 MB above the state itself, at 64 MB 250 MB.
_STATE_PART = 64 << 20


class StoreError(RuntimeError):
    """The index file cannot be used (wrong schema, other settings, corruption)."""


@dataclass(frozen=True, slots=True)
class DocRow:
    """A stored document's metadata (text on demand)."""

    seq: int
    id: str
    path: str | None
    url: str | None
    domain: str | None
    title: str | None
    published: datetime | None
    n_sentences: int


@dataclass(frozen=True, slots=True)
class PairRow:
    a: str
    b: str
    relation: str
    source: str | None
    confidence: float | None
    direction_reason: str | None
    scores: dict[str, float]
    alignment: dict[str, object]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    """The index. Use as a context manager; one writer at a time, readers any time (WAL)."""

    def __init__(self, path: str | Path, config: Config | None = None, readonly: bool = False):
        self.path = str(path)
        if readonly:
            if not Path(self.path).exists():
                raise StoreError(f"{self.path}: no such index")
            uri = f"file:{Path(self.path).resolve()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=30.0, check_same_thread=False)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60.0, check_same_thread=False)
        try:
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                # Band keys and sentence hashes land at random places of their indexes;
                # SQLite's default 2 MB page cache evicts index pages a write needs again.
                # At 10k documents 256 MB cut the parent's ingest CPU by 10-30% and added
                # 220 MB RSS; 64 MB is a middle not measured on its own.
                self.db.execute(f"PRAGMA cache_size=-{_WRITER_CACHE_KIB}")
                self.db.executescript(_SCHEMA)
            self.config = self._settle_config(config, readonly)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path}: not a retold index ({exc})") from exc

    @property
    def on_disk(self) -> bool:
        """Whether other processes can open this index (an in-memory one is private)."""
        return self.path != ":memory:" and not self.path.startswith("file::memory:")

    def _settle_config(self, config: Config | None, readonly: bool) -> Config:
        row = self.db.execute("SELECT value FROM meta WHERE key='config'").fetchone()
        if row is None:
            if readonly:
                raise StoreError(f"{self.path}: not a retold index (no settings stored)")
            config = config or Config()
            with self.db:
                self.db.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [("config", config.to_json()), ("schema", SCHEMA_VERSION),
                     ("config_fingerprint", config.fingerprint()),
                     ("index_id", uuid.uuid4().hex)],
                )
            return config
        if not readonly:
            # Indexes made before the identity existed get one.
            with self.db:
                self.db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('index_id', ?)",
                                (uuid.uuid4().hex,))
        stored = Config.from_json(row[0])
        if config is not None and config.fingerprint() != stored.fingerprint():
            raise StoreError(
                f"{self.path}: built with other settings (fingerprint {stored.fingerprint()},"
                f" asked {config.fingerprint()}); use a new index file"
            )
        return stored

    @property
    def index_id(self) -> str | None:
        """A random identity given to the index file when it was created: files derived
        from it (saved vector indexes) are matched to it by this, not by its path."""
        row = self.db.execute("SELECT value FROM meta WHERE key='index_id'").fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- documents ----------------------------------------------------------------------

    def known_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """``id -> text hash`` for the ids already stored."""
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update(
                self.db.execute(
                    f"SELECT id, text_hash FROM documents WHERE id IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def add_documents(
        self,
        docs: Sequence[Document],
        prints: Sequence[DocPrint],
        bands: Sequence[np.ndarray],
        text_hashes: Sequence[str] | None = None,
    ) -> None:
        """Store documents with their fingerprints and LSH band keys, all or nothing.
        ``text_hashes``: the documents' ``content_id``s when the caller has them already
        (a scan computes them to skip known documents; hashing the text is a tenth of
        this call).

        Sentence and band rows go in sorted by hash and key: their indexes take them at
        random places, and in key order each index page is visited once per write instead
        of being evicted and read again (the band index holds 85 keys per document).
        """
        if text_hashes is None:
            text_hashes = [content_id(d.text) for d in docs]
        sentence_rows: list[tuple[int, int, int, int, int]] = []
        band_keys: list[np.ndarray] = []
        band_seqs: list[np.ndarray] = []
        with self.db:
            for doc, pr, keys, text_hash in zip(docs, prints, bands, text_hashes, strict=True):
                cur = self.db.execute(
                    "INSERT INTO documents(id, text_hash, path, url, domain, title, published,"
                    " text, n_sentences, truncated, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.id, text_hash, doc.path, doc.url, doc.domain, doc.title,
                     doc.published.isoformat() if doc.published else None, doc.text,
                     len(pr.sentences), int(pr.truncated), _now()),
                )
                seq = cur.lastrowid
                assert seq is not None
                sentence_rows.extend(
                    (seq, i, s.start, s.end, int(h))
                    for i, (s, h) in enumerate(zip(pr.sentences, pr.sentence_hashes,
                                                   strict=True)))
                dim = pr.vectors.shape[1] if pr.vectors.ndim == 2 else 0
                self.db.execute(
                    "INSERT INTO prints(doc_seq, lexical, skeleton, doc_vector, vectors, dim)"
                    " VALUES (?,?,?,?,?,?)",
                    (seq, pr.lexical.astype(np.uint32).tobytes(),
                     pr.skeleton.astype(np.uint32).tobytes(),
                     pr.doc_vector.astype(np.float16).tobytes(),
                     pr.vectors.astype(np.float16).tobytes(), dim),
                )
                band_keys.append(np.asarray(keys, np.int64))
                band_seqs.append(np.full(len(keys), seq, np.int64))
            sentence_rows.sort(key=lambda r: r[4])
            self.db.executemany(
                "INSERT INTO sentences(doc_seq, idx, start, end, hash) VALUES (?,?,?,?,?)",
                sentence_rows)
            # Sorted in numpy: sorting 85 Python tuples a document took longer than
            # inserting them.
            key = np.concatenate([np.zeros(0, np.int64), *band_keys])
            seq_of = np.concatenate([np.zeros(0, np.int64), *band_seqs])
            order = np.lexsort((seq_of, key))
            # Two flat lists zipped: rows of a 2-column array's tolist() cost a list each.
            self.db.executemany("INSERT INTO bands(key, doc_seq) VALUES (?, ?)",
                                zip(key[order].tolist(), seq_of[order].tolist(), strict=True))

    def defer_indexes(self) -> None:
        """Drop the band-key and sentence-hash indexes until ``restore_indexes``: a write
        puts its 85 band keys and ~20 sentence hashes a document at random places of them,
        so once they outgrow the page cache every write rewrites most of their pages
        (ingest ran at half its 100,000-document speed past 350,000). Building them once
        at the end sorts instead. Opening the index for writing builds any that a crash
        left missing; searches in between only run slower."""
        with self.db:
            for name in _LOOKUP_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def restore_indexes(self) -> None:
        """Build the indexes ``defer_indexes`` dropped (those present are kept)."""
        with self.db:
            for sql in _LOOKUP_INDEXES.values():
                self.db.execute(sql)

    def count_documents(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def ids(self, after: int = 0) -> list[str]:
        """Document ids in insertion order (of those with ``seq > after``)."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE seq > ? ORDER BY seq", (after,))]

    def seq_ids(self) -> tuple[np.ndarray, list[str]]:
        """Insertion number and id of every document, in insertion order."""
        rows = self.db.execute("SELECT seq, id FROM documents ORDER BY seq").fetchall()
        return np.array([r[0] for r in rows], np.int64), [r[1] for r in rows]

    def pending_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE status='pending' ORDER BY seq")]

    def pending_pairs(self) -> Iterator[list[tuple[str, str]]]:
        """``(a, b)`` of the stored pairs that touch a pending document, a batch at a time
        (a pair between two pending documents may come twice). Only a scan stopped before
        it marked its documents done leaves such pairs."""
        cur = self.db.execute(
            "SELECT p.a, p.b FROM documents d JOIN pairs p ON p.a = d.id"
            " WHERE d.status='pending'"
            " UNION ALL SELECT p.a, p.b FROM documents d JOIN pairs p ON p.b = d.id"
            " WHERE d.status='pending'")
        while rows := cur.fetchmany(_FETCH_ROWS):
            yield rows

    def documents(self, ids: Iterable[str] | None = None) -> list[DocRow]:
        cols = "seq, id, path, url, domain, title, published, n_sentences"
        if ids is None:
            rows = self.db.execute(f"SELECT {cols} FROM documents ORDER BY seq").fetchall()
        else:
            rows = []
            for chunk in _chunks(list(ids), 500):
                marks = ",".join("?" * len(chunk))
                rows += self.db.execute(
                    f"SELECT {cols} FROM documents WHERE id IN ({marks}) ORDER BY seq", chunk
                ).fetchall()
        return [DocRow(r[0], r[1], r[2], r[3], r[4], r[5], _dt(r[6]), r[7]) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute(
            "SELECT id, text, url, domain, title, published, path FROM documents WHERE id=?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        return Document(id=row[0], text=row[1], url=row[2], domain=row[3], title=row[4],
                        published=_dt(row[5]), path=row[6])

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk).fetchall())
        return out

    def prints(self, ids: Sequence[str]) -> dict[str, DocPrint]:
        """Fingerprints with sentences (offsets into the stored text) and vectors."""
        out: dict[str, DocPrint] = {}
        for chunk in _chunks(list(ids), 200):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                "SELECT d.seq, d.id, d.text, d.truncated, p.lexical, p.skeleton, p.doc_vector,"
                " p.vectors, p.dim FROM documents d JOIN prints p ON p.doc_seq = d.seq"
                f" WHERE d.id IN ({marks})", chunk).fetchall()
            for seq, did, text, truncated, lexical, skeleton, doc_vec, vecs, dim in rows:
                sents = self.db.execute(
                    "SELECT start, end, hash FROM sentences WHERE doc_seq=? ORDER BY idx", (seq,)
                ).fetchall()
                vectors = np.frombuffer(vecs, dtype=np.float16).astype(np.float32)
                out[did] = DocPrint(
                    doc_id=did,
                    sentences=[Sentence(s, e, text[s:e]) for s, e, _ in sents],
                    sentence_hashes=np.array([h for _, _, h in sents], dtype=np.int64),
                    lexical=np.frombuffer(lexical, dtype=np.uint32),
                    skeleton=np.frombuffer(skeleton, dtype=np.uint32),
                    vectors=vectors.reshape(-1, dim) if dim else vectors.reshape(0, 0),
                    doc_vector=np.frombuffer(doc_vec, dtype=np.float16).astype(np.float32),
                    truncated=bool(truncated),
                )
        return out

    def signatures(self, ids: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The lexical and skeleton MinHash signatures of documents, without their
        sentences and vectors."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for did, lexical, skeleton in self.db.execute(
                    "SELECT d.id, p.lexical, p.skeleton FROM documents d JOIN prints p"
                    f" ON p.doc_seq = d.seq WHERE d.id IN ({marks})", chunk):
                out[did] = (np.frombuffer(lexical, dtype=np.uint32),
                            np.frombuffer(skeleton, dtype=np.uint32))
        return out

    def last_seq(self) -> int:
        """The insertion number of the newest document (0 when empty). Documents are never
        deleted, so this only grows: a generation number for anything derived from them."""
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()[0])

    def doc_vectors(self, after: int = 0, upto: int | None = None) -> tuple[list[str], np.ndarray]:
        """Document ids and vectors in insertion order, of the documents with ``after <
        seq <= upto`` (default: all)."""
        bounds = (after, _MAX_SEQ if upto is None else upto)
        n = int(self.db.execute("SELECT COUNT(*) FROM documents WHERE seq > ? AND seq <= ?",
                                bounds).fetchone()[0])
        cur = self.db.execute(
            "SELECT d.id, p.doc_vector FROM documents d JOIN prints p ON p.doc_seq = d.seq"
            " WHERE d.seq > ? AND d.seq <= ? ORDER BY d.seq", bounds)
        ids: list[str] = []
        mat: np.ndarray | None = None
        # Filled a block at a time: the rows as Python objects, then stacked, then widened
        # to float32, took four times the matrix (4 GB at a million documents).
        while rows := cur.fetchmany(_FETCH_ROWS):
            block = np.frombuffer(b"".join(r[1] for r in rows), np.float16)
            block = block.reshape(len(rows), -1)
            if mat is None:
                mat = np.empty((n, block.shape[1]), np.float32)
            mat[len(ids) : len(ids) + len(rows)] = block
            ids.extend(r[0] for r in rows)
        if mat is None:
            return [], np.zeros((0, 0), np.float32)
        return ids, mat[: len(ids)]

    def vector_rows(self, upto: int | None = None) -> tuple[list[str], list[int]]:
        """Ids of the documents with ``seq <= upto`` (default: all) in insertion order, with
        how many sentence vectors each has (the order of ``sentence_vectors``), without
        reading the vectors."""
        rows = self.db.execute(
            "SELECT d.id, p.dim, length(p.vectors) FROM documents d"
            " JOIN prints p ON p.doc_seq = d.seq WHERE d.seq <= ? ORDER BY d.seq",
            (_MAX_SEQ if upto is None else upto,)).fetchall()
        # float16 vectors: two bytes per dimension.
        return [r[0] for r in rows], [r[2] // (2 * r[1]) if r[1] else 0 for r in rows]

    def sentence_vectors(
        self, after: int = 0, upto: int | None = None
    ) -> tuple[list[str], np.ndarray]:
        """Sentence vectors (float16, as stored: 1.9 million rows take 1 GB) with the id of
        their document, in insertion order, of the documents with ``after < seq <= upto``
        (default: all)."""
        ids: list[str] = []
        blocks: list[np.ndarray] = []
        for block_ids, block in self.sentence_vector_blocks(after, upto):
            ids += block_ids
            blocks.append(block)
        if not blocks:
            return [], np.zeros((0, 0), np.float16)
        return ids, np.vstack(blocks)

    def sentence_vector_blocks(
        self, after: int = 0, upto: int | None = None, rows: int = 65_536
    ) -> Iterator[tuple[list[str], np.ndarray]]:
        """``sentence_vectors`` in blocks of whole documents and about ``rows`` rows, so a
        large corpus's rows can be passed over without holding them all. The read stays
        open between blocks: do not write through this store until the loop ends."""
        ids: list[str] = []
        blocks: list[np.ndarray] = []
        n = 0
        for did, vecs, dim in self.db.execute(
            "SELECT d.id, p.vectors, p.dim FROM documents d JOIN prints p ON p.doc_seq = d.seq"
            " WHERE d.seq > ? AND d.seq <= ? ORDER BY d.seq",
            (after, _MAX_SEQ if upto is None else upto),
        ):
            if not dim:
                continue
            block = np.frombuffer(vecs, dtype=np.float16).reshape(-1, dim)
            blocks.append(block)
            ids.extend([did] * len(block))
            n += len(block)
            if n >= rows:
                yield ids, np.vstack(blocks)
                ids, blocks, n = [], [], 0
        if blocks:
            yield ids, np.vstack(blocks)

    def band_buckets(self, keys: Sequence[int]) -> dict[int, list[str]]:
        """Document ids in each LSH bucket among ``keys``."""
        out: dict[int, list[str]] = {}
        for chunk in _chunks(sorted({int(k) for k in keys}), 500):
            marks = ",".join("?" * len(chunk))
            for key, did in self.db.execute(
                f"SELECT b.key, d.id FROM bands b JOIN documents d ON d.seq = b.doc_seq"
                f" WHERE b.key IN ({marks})", chunk
            ):
                out.setdefault(key, []).append(did)
        return out

    def band_rows(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """``(key, doc seq)`` of every band row whose key is among ``keys``."""
        out_keys: list[np.ndarray] = [np.zeros(0, np.int64)]
        out_seqs: list[np.ndarray] = [np.zeros(0, np.int64)]
        for chunk in _chunks(sorted({int(k) for k in keys}), 500):
            marks = ",".join("?" * len(chunk))
            block = np.array(self.db.execute(
                f"SELECT key, doc_seq FROM bands WHERE key IN ({marks})", chunk).fetchall(),
                np.int64).reshape(-1, 2)
            out_keys.append(block[:, 0])
            out_seqs.append(block[:, 1])
        return np.concatenate(out_keys), np.concatenate(out_seqs)

    def shared_band_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(key, doc seq)`` of every band row whose key two or more documents hold (the
        buckets that make pairs; 1.1M of 8.5M rows at 100,000 generated articles)."""
        out_keys: list[np.ndarray] = [np.zeros(0, np.int64)]
        out_seqs: list[np.ndarray] = [np.zeros(0, np.int64)]
        cur = self.db.execute(
            "SELECT key, doc_seq FROM bands"
            " WHERE key IN (SELECT key FROM bands GROUP BY key HAVING COUNT(*) > 1)")
        while rows := cur.fetchmany(_FETCH_ROWS):
            block = np.array(rows, np.int64)
            out_keys.append(block[:, 0])
            out_seqs.append(block[:, 1])
        return np.concatenate(out_keys), np.concatenate(out_seqs)

    def sentence_frequency(self, hashes: Iterable[int]) -> dict[int, int]:
        """How many documents contain each sentence (by exact-repeat key)."""
        out: dict[int, int] = {}
        for chunk in _chunks(sorted({int(h) for h in hashes}), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT hash, COUNT(DISTINCT doc_seq) FROM sentences WHERE hash IN ({marks})"
                " GROUP BY hash", chunk).fetchall())
        return out

    def repeated_sentences(self, min_docs: int = 2) -> list[tuple[int, str, str]]:
        """``(hash, doc id, sentence text)`` for every sentence whose exact-repeat hash
        occurs in at least ``min_docs`` documents (template lines, verbatim reuse)."""
        return [(int(h), d, t) for h, d, t in self.db.execute(
            "SELECT s.hash, d.id, substr(d.text, s.start + 1, s.end - s.start)"
            " FROM sentences s JOIN documents d ON d.seq = s.doc_seq WHERE s.hash IN"
            " (SELECT hash FROM sentences GROUP BY hash HAVING COUNT(DISTINCT doc_seq) >= ?)"
            " ORDER BY s.hash, d.seq, s.idx", (min_docs,))]

    # --- pairs --------------------------------------------------------------------------

    def save_pairs(
        self, rows: Sequence[PairRow], done: Sequence[str], families_stale: bool = True
    ) -> None:
        """Store verified pairs and mark documents done, in one transaction; with
        ``families_stale`` (new reuse pairs among ``rows``), families must be rebuilt."""
        with self.db:
            if families_stale:
                self.db.execute("DELETE FROM state WHERE key=?", (_FAMILIES_FRESH,))
            self.db.executemany(
                "INSERT OR REPLACE INTO pairs(a, b, relation, source, confidence,"
                " direction_reason, scores, alignment) VALUES (?,?,?,?,?,?,?,?)",
                [(r.a, r.b, r.relation, r.source, r.confidence, r.direction_reason,
                  json.dumps(r.scores, sort_keys=True), json.dumps(r.alignment, sort_keys=True))
                 for r in rows],
            )
            for chunk in _chunks(list(done), 500):
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    f"UPDATE documents SET status='done' WHERE id IN ({marks})", chunk)

    def set_pair_directions(
        self, directions: Sequence[tuple[str, str, str | None, float, str]]
    ) -> None:
        """Write ``(a, b, source, confidence, reason)`` onto stored pairs, in one transaction
        (pairs not named keep what they have)."""
        with self.db:
            self.db.executemany(
                "UPDATE pairs SET source=?, confidence=?, direction_reason=? WHERE a=? AND b=?",
                [(src, conf, reason, a, b) for a, b, src, conf, reason in directions],
            )

    def known_pairs(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for a, b in keys:
            if self.db.execute("SELECT 1 FROM pairs WHERE a=? AND b=?", (a, b)).fetchone():
                out.add((a, b))
        return out

    def pairs(self, relations: Iterable[str] | None = None, doc_id: str | None = None,
              among: Collection[str] | None = None) -> list[PairRow]:
        """Stored pairs (of ``relations``; touching ``doc_id``; with ``a`` among ``among``)
        ordered by ``(a, b)``."""
        where: list[str] = []
        args: list[object] = []
        if relations is not None:
            rel = list(relations)
            where.append(f"relation IN ({','.join('?' * len(rel))})")
            args += rel
        if doc_id is not None:
            where.append("(a=? OR b=?)")
            args += [doc_id, doc_id]
        chunks: Iterable[list[str] | None] = (
            [None] if among is None else _chunks(sorted(among), 500))
        out: list[PairRow] = []
        for chunk in chunks:
            clauses, values = list(where), list(args)
            if chunk is not None:
                clauses.append(f"a IN ({','.join('?' * len(chunk))})")
                values += chunk
            sql = ("SELECT a, b, relation, source, confidence, direction_reason, scores,"
                   " alignment FROM pairs" + (" WHERE " + " AND ".join(clauses) if clauses
                                              else ""))
            out += [PairRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]),
                            json.loads(r[7])) for r in self.db.execute(sql, values)]
        out.sort(key=lambda r: (r.a, r.b))
        return out

    # --- families and stories -----------------------------------------------------------

    def replace_families(self, families: Sequence[dict[str, object]]) -> None:
        """Replace all families: each ``{"id", "source", "source_reason", "tree", "members":
        [{"doc_id", "role", "parent"}]}``."""
        with self.db:
            self.db.execute("DELETE FROM family_members")
            self.db.execute("DELETE FROM families")
            for fam in families:
                members = fam["members"]
                assert isinstance(members, list)
                self.db.execute(
                    "INSERT INTO families(id, source, source_reason, size, tree)"
                    " VALUES (?,?,?,?,?)",
                    (fam["id"], fam["source"], fam["source_reason"], len(members),
                     json.dumps(fam["tree"])),
                )
                self.db.executemany(
                    "INSERT INTO family_members(doc_id, family_id, role, parent)"
                    " VALUES (?,?,?,?)",
                    [(m["doc_id"], fam["id"], m["role"], m["parent"]) for m in members],
                )

    def families(self) -> list[dict[str, object]]:
        out = []
        for fid, source, reason, size, tree in self.db.execute(
            "SELECT id, source, source_reason, size, tree FROM families ORDER BY id"
        ).fetchall():
            members = [
                {"doc_id": d, "role": r, "parent": p}
                for d, r, p in self.db.execute(
                    "SELECT m.doc_id, m.role, m.parent FROM family_members m"
                    " JOIN documents d ON d.id = m.doc_id WHERE m.family_id=? ORDER BY d.seq",
                    (fid,),
                )
            ]
            out.append({"id": fid, "source": source, "source_reason": reason, "size": size,
                        "tree": json.loads(tree), "members": members})
        return out

    def family_of(self, ids: Iterable[str] | None = None) -> dict[str, tuple[int, str]]:
        """Family id and role of every family member, or of those among ``ids``."""
        if ids is None:
            return {d: (f, r) for d, f, r in self.db.execute(
                "SELECT doc_id, family_id, role FROM family_members")}
        out: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(chunk))
            out.update({d: (f, r) for d, f, r in self.db.execute(
                "SELECT doc_id, family_id, role FROM family_members"
                f" WHERE doc_id IN ({marks})", chunk)})
        return out

    def family_roles(self, family_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
        """(doc id, role) of the members of each of ``family_ids``."""
        out: dict[int, list[tuple[str, str]]] = {}
        for chunk in _chunks(sorted(set(family_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for d, f, r in self.db.execute(
                "SELECT doc_id, family_id, role FROM family_members"
                f" WHERE family_id IN ({marks})", chunk):
                out.setdefault(f, []).append((d, r))
        return out

    def doc_vector_of(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The document vectors of ``ids`` (float32), without reading texts or sentences."""
        out: dict[str, np.ndarray] = {}
        for chunk in _chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for did, vec in self.db.execute(
                "SELECT d.id, p.doc_vector FROM documents d JOIN prints p ON p.doc_seq = d.seq"
                f" WHERE d.id IN ({marks})", chunk):
                out[did] = np.frombuffer(vec, dtype=np.float16).astype(np.float32)
        return out

    def replace_stories(self, stories: Sequence[dict[str, object]]) -> None:
        """Replace all stories: each ``{"id", "label", "first", "last", "members": [ids]}``."""
        with self.db:
            self.db.execute("DELETE FROM story_members")
            self.db.execute("DELETE FROM stories")
            for st in stories:
                members = st["members"]
                assert isinstance(members, list)
                self.db.execute(
                    "INSERT INTO stories(id, label, first, last, size) VALUES (?,?,?,?,?)",
                    (st["id"], st["label"], st["first"], st["last"], len(members)))
                self.db.executemany(
                    "INSERT INTO story_members(doc_id, story_id) VALUES (?,?)",
                    [(d, st["id"]) for d in members])

    def stories(self) -> list[dict[str, object]]:
        out = []
        for sid, label, first, last, size in self.db.execute(
            "SELECT id, label, first, last, size FROM stories ORDER BY id"
        ).fetchall():
            members = [r[0] for r in self.db.execute(
                "SELECT m.doc_id FROM story_members m JOIN documents d ON d.id = m.doc_id"
                " WHERE m.story_id=? ORDER BY d.seq", (sid,))]
            out.append({"id": sid, "label": label, "first": first, "last": last, "size": size,
                        "members": members})
        return out

    def story_of(self, ids: Iterable[str] | None = None) -> dict[str, int]:
        """Story id of every document in a story, or of those among ``ids``."""
        if ids is None:
            return dict(self.db.execute("SELECT doc_id, story_id FROM story_members"))
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT doc_id, story_id FROM story_members WHERE doc_id IN ({marks})", chunk))
        return out

    def families_fresh(self) -> bool:
        """Whether families were rebuilt after the last reuse pairs were saved (an index
        from before this mark, or a scan killed in between, reads as not fresh)."""
        return self.get_state(_FAMILIES_FRESH) is not None

    def mark_families_fresh(self, seq: int) -> None:
        """Families are current with every reuse pair of the documents up to ``seq``."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)",
                                [(_FAMILIES_FRESH, b"1"), (_FAMILIES_SEQ, str(seq).encode())])

    def families_seq(self) -> int | None:
        """The newest document the families were last built with (None: never recorded)."""
        value = self.get_state(_FAMILIES_SEQ)
        return None if value is None else int(value)

    def reworded_links(
        self, relations: Iterable[str]
    ) -> list[tuple[str, str, float, float, float]]:
        """``(a, b, wording, coverage_a, coverage_b)`` of every pair with one of
        ``relations`` (scores only, not the alignment)."""
        rel = list(relations)
        out = []
        for a, b, scores in self.db.execute(
                f"SELECT a, b, scores FROM pairs WHERE relation IN ({','.join('?' * len(rel))})",
                rel):
            s = json.loads(scores)
            out.append((a, b, s.get("wording"), s.get("coverage_a"), s.get("coverage_b")))
        return out

    def checked_links(self, relations: Iterable[str]) -> Iterator[tuple[str, str]]:
        """``(a, b)`` of every stored pair whose relation is none of ``relations`` (pairs
        verified and found to be something else), read as the caller iterates."""
        rel = list(relations)
        yield from self.db.execute(
            f"SELECT a, b FROM pairs WHERE relation NOT IN ({','.join('?' * len(rel))})", rel)

    def demote_pairs(self, keys: Sequence[tuple[str, str]], relation: str, note: str) -> None:
        """Give the pairs ``keys`` the relation ``relation`` and a note in their scores."""
        rows = []
        for a, b in keys:
            found = self.db.execute("SELECT scores FROM pairs WHERE a=? AND b=?",
                                    (a, b)).fetchone()
            if found is not None:
                rows.append((relation, json.dumps({**json.loads(found[0]), "note": note}), a, b))
        with self.db:
            self.db.executemany(
                "UPDATE pairs SET relation=?, source=NULL, confidence=NULL,"
                " direction_reason=NULL, scores=? WHERE a=? AND b=?", rows)

    def get_state(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_state(self, key: str, value: bytes) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?,?)", (key, value))

    def delete_state(self, key: str) -> None:
        """Forget ``key``, stored whole or in parts."""
        with self.db:
            self._delete_state(key)

    def _delete_state(self, key: str) -> None:
        self.db.execute("DELETE FROM state WHERE key = ? OR (key > ? AND key < ?)",
                        (key, key + "#", key + "$"))

    def set_state_file(self, key: str, f: BinaryIO) -> None:
        """Keep what ``f`` holds from its position on under ``key``, in parts: SQLite refuses
        a value over a billion bytes, which the story state of a million articles passes.
        One transaction replaces every part (and a value ``set_state`` stored)."""
        with self.db:
            self._delete_state(key)
            i = 0
            while chunk := f.read(_STATE_PART):
                self.db.execute("INSERT INTO state(key, value) VALUES (?,?)",
                                (f"{key}#{i:06d}", chunk))
                i += 1

    def get_state_file(self, key: str, f: BinaryIO) -> bool:
        """Write what ``set_state_file`` kept under ``key`` (or ``set_state``, for an index
        written before states came in parts) to ``f``, a part at a time; False when there
        is none."""
        found = False
        for (value,) in self.db.execute(
            "SELECT value FROM state WHERE key > ? AND key < ? ORDER BY key",
            (key + "#", key + "$"),
        ):
            f.write(value)
            found = True
        if not found and (whole := self.get_state(key)) is not None:
            f.write(whole)
            found = True
        return found

    # --- integrity ----------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found in the index (empty when it is consistent)."""
        problems: list[str] = []
        res = self.db.execute("PRAGMA integrity_check").fetchone()[0]
        if res != "ok":
            problems.append(f"sqlite integrity_check: {res}")
        for label, sql in [
            ("documents without fingerprints",
             "SELECT COUNT(*) FROM documents d LEFT JOIN prints p ON p.doc_seq=d.seq"
             " WHERE p.doc_seq IS NULL"),
            ("documents whose sentence count disagrees",
             "SELECT COUNT(*) FROM documents d WHERE n_sentences !="
             " (SELECT COUNT(*) FROM sentences s WHERE s.doc_seq=d.seq)"),
            ("pairs naming unknown documents",
             "SELECT COUNT(*) FROM pairs p WHERE p.a NOT IN (SELECT id FROM documents)"
             " OR p.b NOT IN (SELECT id FROM documents)"),
            ("family members naming unknown documents",
             "SELECT COUNT(*) FROM family_members m WHERE m.doc_id NOT IN"
             " (SELECT id FROM documents)"),
        ]:
            n = self.db.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{n} {label}")
        return problems


# Above any document's seq (SQLite integers are 64-bit).
_MAX_SEQ = 2**63 - 1


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
