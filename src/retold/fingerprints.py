"""Per-document fingerprints: lexical MinHash, entity-skeleton MinHash, sentence vectors.

The encoder (a model) is passed in at the edge; everything else is a pure function of the
text, so the local pipeline and the Spark job compute identical fingerprints.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rensa import RMinHash

from retold.config import Config
from retold.documents import Document
from retold.text import STOPWORDS, Sentence, ngrams, raw_words, split_sentences, squash

MINHASH_SEED = 1_000_003
_DIGIT = re.compile(r"\d")


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised float32 rows."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(slots=True)
class DocPrint:
    """Everything later stages need about one document, without its full text."""

    doc_id: str
    sentences: list[Sentence]
    sentence_hashes: np.ndarray  # int64, one per sentence: exact-repeat key (boilerplate)
    lexical: np.ndarray  # uint32 MinHash of word n-grams
    skeleton: np.ndarray  # uint32 MinHash of entity-skeleton n-grams
    vectors: np.ndarray  # float32 (n_sentences, dim), rows L2-normalised
    doc_vector: np.ndarray  # float32 (dim,), L2-normalised mean of sentence vectors
    truncated: bool = False


def sentence_hash(text: str) -> int:
    """A 63-bit key of a sentence blind to case and spacing (fits SQLite's INTEGER)."""
    digest = hashlib.blake2b(squash(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF


def skeleton_tokens(text: str, raw: Sequence[str] | None = None,
                    lowered: Sequence[str] | None = None) -> list[str]:
    """The words spinners leave alone: names, numbers and other capitalised words, in order.

    A synonym spinner swaps common content words but keeps "Takaichi", "Tokyo", "2019" and
    "Apec", so the ordered sequence of such tokens survives a spin while an independent
    report of the same event mentions them in a different order. ``raw``/``lowered`` are
    ``text``'s ``raw_words`` and their lower case, when the caller has them already.
    """
    raw = raw_words(text) if raw is None else raw
    lowered = [t.lower() for t in raw] if lowered is None else lowered
    # isalpha first: the digit search is the slow test and only mixed tokens need it.
    return [
        low
        for tok, low in zip(raw, lowered, strict=True)
        if (tok[0].isupper() and low not in STOPWORDS)
        or (not tok.isalpha() and _DIGIT.search(tok))
    ]


def minhash(shingles: Sequence[str], num_perm: int) -> np.ndarray:
    """MinHash signature as uint32; an empty set gives the all-max signature."""
    m = RMinHash(num_perm, MINHASH_SEED)
    if shingles:
        m.update(list(shingles))
    return np.asarray(m.digest(), dtype=np.uint32)


def mean_vector(vectors: np.ndarray) -> np.ndarray:
    """L2-normalised mean of rows (zero vector for no rows)."""
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, dtype=np.float32)
    v = vectors.mean(axis=0)
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm > 0 else v.astype(np.float32)


def fingerprint_documents(
    docs: Sequence[Document], encoder: Encoder, config: Config
) -> list[DocPrint]:
    """Fingerprint a batch; sentences of the whole batch go to the encoder in one call."""
    split = [_split(d.text, config) for d in docs]
    flat = [s.text for sents, _ in split for s in sents]
    vectors = encoder.encode(flat) if flat else np.zeros((0, 0), dtype=np.float32)
    out: list[DocPrint] = []
    pos = 0
    for doc, (sents, truncated) in zip(docs, split, strict=True):
        vec = vectors[pos : pos + len(sents)]
        pos += len(sents)
        out.append(_print(doc, sents, truncated, np.ascontiguousarray(vec, np.float32), config))
    return out


def _split(text: str, config: Config) -> tuple[list[Sentence], bool]:
    sents = split_sentences(text, max_sentences=config.max_sentences + 1)
    truncated = len(sents) > config.max_sentences
    return sents[: config.max_sentences], truncated


def _print(
    doc: Document, sents: list[Sentence], truncated: bool, vec: np.ndarray, config: Config
) -> DocPrint:
    body = doc.text[: sents[-1].end] if sents else ""
    raw = raw_words(body)
    toks = [t.lower() for t in raw]  # text.words(body), tokenised once for both channels
    return DocPrint(
        doc_id=doc.id,
        sentences=sents,
        sentence_hashes=np.array([sentence_hash(s.text) for s in sents], dtype=np.int64),
        lexical=minhash(ngrams(toks, config.lexical_ngram), config.num_perm),
        skeleton=minhash(ngrams(skeleton_tokens(body, raw, toks), config.skeleton_ngram),
                         config.num_perm),
        vectors=vec,
        doc_vector=mean_vector(vec) if len(vec) else np.zeros(vec.shape[1], np.float32),
        truncated=truncated,
    )
