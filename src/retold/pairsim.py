"""Sentence-pair paraphrase features and the shipped pair model.

A pair of sentences becomes a fixed vector of MT-metric-style lexical features (n-gram
precision/recall on words and stems, character n-grams, LCS, word edit distance, content-word,
number and name agreement, length) plus two embedding cosines that the caller computes (see
:mod:`retold.embeddings`): the pair model never encodes text itself, so one batch of
embeddings serves every pair it appears in.

Every feature is symmetric in the two sentences (precision and recall enter as their min and
max), so ``score(a, b) == score(b, a)``: which side is the source is decided elsewhere, from
dates, not from wording.

Typical use::

    prepared = {t: prepare(t) for t in set(texts_a) | set(texts_b)}
    X = feature_matrix(texts_a, texts_b, cos_transformer, cos_static, prepared=prepared)
    p = PairModel.load().predict_proba(X)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .text import STOPWORDS, word_spans

__all__ = [
    "FEATURE_NAMES",
    "PairModel",
    "PreparedSentence",
    "default_model_path",
    "edit_distance",
    "feature_matrix",
    "lcs_length",
    "pair_features",
    "position_masks",
    "prepare",
    "stem",
]

MAX_N = 4

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")

# Ordered: the first suffix that fits wins, so longer suffixes come before their tails.
# The replacement keeps derivations together ("organisation" and "organise" -> "organis").
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ational", "at"),
    ("isation", "is"),
    ("ization", "is"),
    ("iveness", "iv"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("ations", "at"),
    ("ation", "at"),
    ("ments", ""),
    ("ment", ""),
    ("ingly", ""),
    ("edly", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ize", "is"),
    ("ise", "is"),
    ("ly", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)


def stem(word: str) -> str:
    """A light, lemma-ish stem: strips inflectional and a few derivational suffixes.

    Crude on purpose (no Porter measure rules): it only has to make "said"/"says" differ
    less than unrelated words and "rises"/"rising"/"rise" agree, in a few microseconds.
    """
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or _DIGIT.search(w):
        return w
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w[-2] in "su":  # "class", "census", not plurals
                break
            w = w[: len(w) - len(suffix)] + repl
            break
    # "make"/"making"/"makes" -> "mak"; silent e is the most common leftover mismatch.
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@dataclass(frozen=True, slots=True)
class PreparedSentence:
    """Everything about one sentence that pair features need, computed once per sentence.

    In alignment a sentence meets many candidates, so tokenising and counting n-grams here
    rather than per pair is what keeps feature extraction fast.
    """

    words: tuple[str, ...]
    stems: tuple[str, ...]
    word_grams: tuple[frozenset[tuple[Any, ...]], ...]  # n = 1..MAX_N
    stem_grams: tuple[frozenset[tuple[Any, ...]], ...]
    char3: frozenset[str]
    char4: frozenset[str]
    content: frozenset[str]  # content-word stems
    numbers: frozenset[str]
    names: frozenset[str]  # lower-cased capitalised words that are not sentence-initial
    n_chars: int
    # Bit masks of word positions, for the bit-parallel LCS and edit distance.
    word_masks: dict[Hashable, int] = field(repr=False)
    stem_masks: dict[Hashable, int] = field(repr=False)


def position_masks(tokens: Sequence[Hashable]) -> dict[Hashable, int]:
    """Per distinct token, the bit mask of its positions (for :func:`lcs_length`)."""
    masks: dict[Hashable, int] = {}
    for i, tok in enumerate(tokens):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    return masks


def _char_grams(text: str, n: int) -> frozenset[str]:
    if len(text) < n:
        return frozenset([text]) if text else frozenset()
    return frozenset({text[i : i + n] for i in range(len(text) - n + 1)})


def _gram_set(tokens: tuple[str, ...], n: int) -> frozenset[tuple[Any, ...]]:
    """The sentence's n-grams as a set whose intersections count clipped matches.

    A gram seen k times enters as k distinct keys ``gram, (gram, 1) .. (gram, k-1)``, so
    ``len(A & B)`` is BLEU's clipped count ``sum(min(count_a, count_b))`` computed by one C
    set intersection instead of a Python loop over a Counter. The first occurrence is always
    the plain tuple, so sentences with and without repeats still intersect correctly.
    A sentence shorter than ``n`` counts as one gram of all its tokens (as text.ngrams does)
    so two identical short sentences still match at every order.
    """
    if len(tokens) < n:
        return frozenset([tokens]) if tokens else frozenset()
    grams = list(zip(*(tokens[i:] for i in range(n)), strict=False))
    unique = frozenset(grams)
    if len(unique) == len(grams):
        return unique
    seen: dict[tuple[str, ...], int] = {}
    keyed: list[tuple[Any, ...]] = []
    for g in grams:
        k = seen.get(g, 0)
        seen[g] = k + 1
        keyed.append((g, k) if k else g)
    return frozenset(keyed)


def prepare(text: str, stem_cache: dict[str, str] | None = None) -> PreparedSentence:
    """Tokenise ``text`` and precompute its n-gram counts, character grams and masks.

    ``stem_cache`` memoises :func:`stem` across the sentences of one batch (vocabulary
    repeats, so it roughly halves the cost); the caller owns it and drops it with the batch.
    """
    raw = [s[2] for s in word_spans(text)]
    words = tuple(w.lower() for w in raw)
    if stem_cache is None:
        stem_cache = {}
    stems_list: list[str] = []
    for w in words:
        st = stem_cache.get(w)
        if st is None:
            st = stem_cache[w] = stem(w)
        stems_list.append(st)
    stems = tuple(stems_list)
    numbers = frozenset(w.replace(",", "") for w in words if _DIGIT.search(w))
    names = frozenset(
        w.lower()
        for w in raw[1:]
        if w[:1].isupper() and w.lower() not in STOPWORDS and not _DIGIT.search(w)
    )
    flat = _SPACE.sub(" ", text).strip().lower()
    return PreparedSentence(
        words=words,
        stems=stems,
        word_grams=tuple(_gram_set(words, n) for n in range(1, MAX_N + 1)),
        stem_grams=tuple(_gram_set(stems, n) for n in range(1, MAX_N + 1)),
        char3=_char_grams(flat, 3),
        char4=_char_grams(flat, 4),
        content=frozenset(s for w, s in zip(words, stems, strict=True) if w not in STOPWORDS),
        numbers=numbers,
        names=names,
        n_chars=len(flat),
        word_masks=position_masks(words),
        stem_masks=position_masks(stems),
    )


# --- sequence alignment --------------------------------------------------------------------


def lcs_length(a_masks: Mapping[Hashable, int], n_a: int, b: Sequence[Hashable]) -> int:
    """Length of the longest common subsequence of ``a`` (given as position masks) and ``b``.

    Bit-parallel (Allison & Dix 1986; Hyyrö 2004): one big-int add per token of ``b``
    instead of a ``len(a) * len(b)`` table, which is what makes it cheap in pure Python.
    """
    if n_a == 0 or not b:
        return 0
    full = (1 << n_a) - 1
    v = full
    for tok in b:
        u = v & a_masks.get(tok, 0)
        v = ((v + u) | (v - u)) & full
    return n_a - v.bit_count()


def edit_distance(a_masks: Mapping[Hashable, int], n_a: int, b: Sequence[Hashable]) -> int:
    """Levenshtein distance between token sequences ``a`` (as position masks) and ``b``.

    Myers' (1999) bit-vector algorithm in Hyyrö's (2001) formulation for global distance.
    """
    if n_a == 0:
        return len(b)
    if not b:
        return n_a
    full = (1 << n_a) - 1
    top = 1 << (n_a - 1)
    pv, mv, score = full, 0, n_a
    for tok in b:
        eq = a_masks.get(tok, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


# --- features ------------------------------------------------------------------------------


def _names() -> tuple[str, ...]:
    out: list[str] = []
    for kind in ("word", "stem"):
        for n in range(1, MAX_N + 1):
            out += [f"{kind}{n}_f", f"{kind}{n}_min", f"{kind}{n}_max"]
    out += [
        "bleu_min",
        "bleu_max",
        "char3_dice",
        "char3_contain",
        "char4_dice",
        "char4_contain",
        "lcs_min",
        "lcs_max",
        "edit_word",
        "edit_stem",
        "content_jaccard",
        "content_min",
        "content_max",
        "content_unmatched_min",
        "content_unmatched_max",
        "numbers_any",
        "numbers_jaccard",
        "numbers_unmatched",
        "names_any",
        "names_jaccard",
        "names_unmatched",
        "len_log_ratio",
        "len_log_mean",
        "chars_ratio",
        "cos_transformer",
        "cos_static",
    ]
    return tuple(out)


FEATURE_NAMES: tuple[str, ...] = _names()
N_FEATURES = len(FEATURE_NAMES)


def _bleu(matches: Sequence[int], totals: Sequence[int], len_hyp: int, len_ref: int) -> float:
    # Add-one smoothed sentence BLEU (Lin & Och 2004): unsmoothed BLEU is 0 for most
    # sentence pairs because they share no 4-gram, which throws away the lower orders.
    if len_hyp == 0:
        return 0.0
    log_p = sum(math.log((m + 1) / (t + 1)) for m, t in zip(matches, totals, strict=True))
    bp = 1.0 if len_hyp >= len_ref else math.exp(1 - len_ref / len_hyp)
    return bp * math.exp(log_p / len(matches))


def _unmatched(a: frozenset[str], b_words: frozenset[str], b: frozenset[str]) -> int:
    # A number or name of one side that occurs nowhere in the other sentence, not merely
    # not among its detected names: a name at the start of the other sentence still counts.
    return sum(1 for x in a if x not in b_words and x not in b)


def pair_features(
    a: PreparedSentence, b: PreparedSentence, cos_transformer: float, cos_static: float
) -> np.ndarray:
    """The feature vector (float64, ``len(FEATURE_NAMES)``) of one sentence pair."""
    out: list[float] = []
    word_matches: list[int] = []
    word_totals_a: list[int] = []
    word_totals_b: list[int] = []
    for grams_a, grams_b, keep in (
        (a.word_grams, b.word_grams, True),
        (a.stem_grams, b.stem_grams, False),
    ):
        for ga, gb in zip(grams_a, grams_b, strict=True):
            m = len(ga & gb)
            ta, tb = len(ga), len(gb)
            lo, hi = min(ta, tb), max(ta, tb)
            f = 2 * m / (ta + tb) if ta + tb else 0.0
            out += [f, m / hi if hi else 0.0, m / lo if lo else 0.0]
            if keep:
                word_matches.append(m)
                word_totals_a.append(ta)
                word_totals_b.append(tb)
    na, nb = len(a.words), len(b.words)
    bleu_ab = _bleu(word_matches, word_totals_b, nb, na)
    bleu_ba = _bleu(word_matches, word_totals_a, na, nb)
    out += [min(bleu_ab, bleu_ba), max(bleu_ab, bleu_ba)]

    for ca, cb in ((a.char3, b.char3), (a.char4, b.char4)):
        inter = len(ca & cb)
        tot = len(ca) + len(cb)
        small = min(len(ca), len(cb))
        out += [2 * inter / tot if tot else 0.0, inter / small if small else 0.0]

    lo_len, hi_len = min(na, nb), max(na, nb)
    lcs = lcs_length(a.word_masks, na, b.words)
    out += [lcs / hi_len if hi_len else 0.0, lcs / lo_len if lo_len else 0.0]
    out += [
        edit_distance(a.word_masks, na, b.words) / hi_len if hi_len else 0.0,
        edit_distance(a.stem_masks, na, b.stems) / hi_len if hi_len else 0.0,
    ]

    shared = len(a.content & b.content)
    union = len(a.content) + len(b.content) - shared
    c_lo, c_hi = sorted((len(a.content), len(b.content)))
    un_a, un_b = len(a.content) - shared, len(b.content) - shared
    out += [
        shared / union if union else 0.0,
        shared / c_hi if c_hi else 0.0,
        shared / c_lo if c_lo else 0.0,
        math.log1p(min(un_a, un_b)),
        math.log1p(max(un_a, un_b)),
    ]

    wa, wb = frozenset(a.words), frozenset(b.words)
    for xa, xb in ((a.numbers, b.numbers), (a.names, b.names)):
        any_x = bool(xa or xb)
        both = len(xa & xb)
        union_x = len(xa) + len(xb) - both
        unmatched = _unmatched(xa, wb, xb) + _unmatched(xb, wa, xa)
        out += [float(any_x), both / union_x if union_x else 1.0, math.log1p(unmatched)]

    out += [
        abs(math.log((na + 1) / (nb + 1))),
        math.log1p((na + nb) / 2),
        min(a.n_chars, b.n_chars) / max(a.n_chars, b.n_chars, 1),
        float(cos_transformer),
        float(cos_static),
    ]
    return np.asarray(out, dtype=np.float64)


def feature_matrix(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    cos_transformer: Sequence[float] | np.ndarray,
    cos_static: Sequence[float] | np.ndarray,
    *,
    prepared: Mapping[str, PreparedSentence] | None = None,
) -> np.ndarray:
    """Features of pairs ``(texts_a[i], texts_b[i])``; shape ``(n, len(FEATURE_NAMES))``.

    ``cos_*[i]`` are the embedding cosines of pair ``i``. ``prepared`` lets a caller that
    scores many pairs over the same sentences prepare each sentence once; missing texts are
    prepared here and kept only for this call.
    """
    n = len(texts_a)
    if not (len(texts_b) == len(cos_transformer) == len(cos_static) == n):
        raise ValueError("texts_a, texts_b and both cosine arrays must have the same length")
    local: dict[str, PreparedSentence] = dict(prepared) if prepared is not None else {}
    stem_cache: dict[str, str] = {}
    out = np.empty((n, N_FEATURES), dtype=np.float64)
    for i, (ta, tb) in enumerate(zip(texts_a, texts_b, strict=True)):
        pa = local.get(ta)
        if pa is None:
            pa = local[ta] = prepare(ta, stem_cache)
        pb = local.get(tb)
        if pb is None:
            pb = local[tb] = prepare(tb, stem_cache)
        out[i] = pair_features(pa, pb, cos_transformer[i], cos_static[i])
    return out


# --- model ---------------------------------------------------------------------------------


def default_model_path() -> Path:
    """The shipped model, ``retold/data/pairsim.json`` (written by scripts/train_pairsim.py)."""
    return Path(__file__).resolve().parent / "data" / "pairsim.json"


@dataclass(frozen=True)
class PairModel:
    """Probability that a sentence pair is a rewrite, from its :func:`feature_matrix` row.

    A standardised input followed by dense layers (ReLU between, sigmoid at the end); with
    a single layer this is plain logistic regression. Parameters live in JSON so the shipped
    model is readable and diffable, and loading it runs no code.
    """

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weights (in, out), bias (out,))
    threshold: float = 0.5
    thresholds: Mapping[str, float] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        width = len(self.feature_names)
        if self.mean.shape != (width,) or self.scale.shape != (width,):
            raise ValueError("mean/scale do not match the feature names")
        for w, b in self.layers:
            if w.ndim != 2 or w.shape[0] != width or b.shape != (w.shape[1],):
                raise ValueError(f"layer shape {w.shape}/{b.shape} does not chain from {width}")
            width = w.shape[1]
        if width != 1:
            raise ValueError("the last layer must have one output")

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Rewrite probability per row of ``features``; shape ``(n,)``."""
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(f"expected (n, {len(self.feature_names)}) features, got {x.shape}")
        h = (x - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        z = h[:, 0]
        # Split by sign so exp never overflows for large |z|.
        out = np.empty_like(z)
        pos = z >= 0
        out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
        ez = np.exp(z[~pos])
        out[~pos] = ez / (1.0 + ez)
        return out

    def predict(self, features: np.ndarray, threshold: float | None = None) -> np.ndarray:
        """Boolean decisions at ``threshold`` (default: the calibrated one in the model)."""
        t = self.threshold if threshold is None else threshold
        return self.predict_proba(features) >= t

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "retold-pairsim/1",
            "feature_names": list(self.feature_names),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "layers": [{"weights": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
            "threshold": self.threshold,
            "thresholds": dict(self.thresholds),
            "meta": dict(self.meta),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairModel:
        if data.get("format") != "retold-pairsim/1":
            raise ValueError(f"not a retold pair model: format={data.get('format')!r}")
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            # A model trained on another feature layout would silently score garbage.
            raise ValueError("pair model was trained on different features; retrain it")
        return cls(
            feature_names=names,
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            layers=tuple(
                (
                    np.asarray(layer["weights"], dtype=np.float64).reshape(
                        len(layer["weights"]), -1
                    ),
                    np.asarray(layer["bias"], dtype=np.float64),
                )
                for layer in data["layers"]
            ),
            threshold=float(data["threshold"]),
            thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
            meta=dict(data.get("meta", {})),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> PairModel:
        """Load a model from ``path``, by default the one shipped with the package."""
        p = Path(path) if path is not None else default_model_path()
        return cls.from_json(json.loads(p.read_text(encoding="utf-8")))
