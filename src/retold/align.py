"""Sentence alignment of two documents and word-level diffs of aligned sentences.

A rewrite keeps its source's sentences in order, one by one (sometimes merging two into one
or splitting one into two); an independent report of the same event shares facts but not the
sequence. So the alignment is monotone: the highest-scoring chain of sentence matches that
never goes backwards on either side, found exactly with a Fenwick-tree dynamic programme in
O(k log n) over the k candidate matches.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from cydifflib import SequenceMatcher

IDENTICAL = "identical"
MINOR = "minor"
PARAPHRASE = "paraphrase"

# Weight of the embedding cosine in the combined sentence similarity; the rest is the
# cosine of content-word sets. The static embedding separates spun from unrelated text but
# compresses the middle; shared content words pull apart same-topic sentences from reworded
# ones, and keep verbatim copies at 1.0.
EMBEDDING_WEIGHT = 0.7
# Word-sequence ratios (difflib) at and above which an aligned pair is identical / minor.
IDENTICAL_RATIO = 0.98
MINOR_RATIO = 0.75
# Candidate matches kept per alignment: bounds time on long repetitive documents.
MAX_CELLS = 6000


@dataclass(frozen=True, slots=True)
class Match:
    """Sentences ``a[a0:a1]`` aligned to ``b[b0:b1]`` (1:1, 1:2 or 2:1)."""

    a0: int
    a1: int
    b0: int
    b1: int
    similarity: float
    lexical: float


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    """A monotone alignment, plus what could not be aligned on either side."""

    matches: list[Match]
    unmatched_a: list[int]
    unmatched_b: list[int]
    n_a: int
    n_b: int
    best_unordered: int
    """Sentences of the smaller side whose best partner anywhere is a strong match: with
    the chain length this measures how much of the overlap keeps its order."""


@functools.lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    """A light suffix-stripper (possessive, plural); pure, so memoised."""
    if token.endswith("'s"):
        token = token[:-2]
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token


@dataclass(frozen=True, slots=True)
class SentenceTerms:
    """Content-word stems of each sentence as hashes: sentence ``i`` has
    ``terms[offsets[i]:offsets[i + 1]]``, each once. Hashes are Python's string hashes,
    stable within the one process where both sides of a pair are compared."""

    terms: np.ndarray  # int64
    offsets: np.ndarray  # int64, one more than there are sentences

    def __len__(self) -> int:
        return len(self.offsets) - 1


def lexical_matrix(a: SentenceTerms, b: SentenceTerms) -> np.ndarray:
    """Cosine of binary content-word sets for every sentence pair (m x n).

    Shared terms are counted by one product of 0/1 matrices over the pair's vocabulary
    (numbered with ``np.unique``): exact, and a tenth of the time of filling the matrices
    term by term in Python, which was the largest cost of relating a pair."""
    m, n = len(a), len(b)
    size_a = np.diff(a.offsets).astype(np.float32)
    size_b = np.diff(b.offsets).astype(np.float32)
    if not len(a.terms) or not len(b.terms):
        return np.zeros((m, n), dtype=np.float32)
    _, ids = np.unique(np.concatenate([a.terms, b.terms]), return_inverse=True)
    vocab = int(ids.max()) + 1
    ma = np.zeros((m, vocab), dtype=np.float32)
    mb = np.zeros((n, vocab), dtype=np.float32)
    ma[np.repeat(np.arange(m), np.diff(a.offsets)), ids[: len(a.terms)]] = 1.0
    mb[np.repeat(np.arange(n), np.diff(b.offsets)), ids[len(a.terms) :]] = 1.0
    norms = np.sqrt(np.outer(size_a, size_b))
    return (ma @ mb.T) / np.where(norms == 0, 1.0, norms)


def similarity_matrix(
    vec_a: np.ndarray, vec_b: np.ndarray, lex: np.ndarray
) -> np.ndarray:
    """Combined sentence similarity: embedding cosine blended with content-word cosine."""
    emb = np.clip(vec_a @ vec_b.T, 0.0, 1.0)
    return EMBEDDING_WEIGHT * emb + (1.0 - EMBEDDING_WEIGHT) * lex


_STEP = np.uint64(0x9E3779B97F4A7C15)


def adjacent_similarity(vectors: np.ndarray, content: SentenceTerms) -> np.ndarray:
    """Combined similarity of each sentence with the next one of the same document
    (``n - 1`` values), the blend of ``similarity_matrix``.

    Shared terms of neighbours are counted in one pass: each term is keyed by its hash
    mixed with its sentence number, and a term of sentence ``i`` is looked up under
    ``i + 1``."""
    n = len(content)
    if n < 2:
        return np.zeros(0, dtype=np.float32)
    vec = np.asarray(vectors, dtype=np.float32)
    emb = np.clip(np.einsum("ij,ij->i", vec[:-1], vec[1:]), 0.0, 1.0)
    sizes = np.diff(content.offsets)
    owner = np.repeat(np.arange(n, dtype=np.uint64), sizes)
    terms = content.terms.astype(np.uint64)
    with np.errstate(over="ignore"):
        own = terms ^ (owner * _STEP)
        ahead = terms ^ ((owner + np.uint64(1)) * _STEP)
    shared = np.bincount(owner[np.isin(ahead, own)].astype(np.int64), minlength=n)[: n - 1]
    norms = np.sqrt(sizes[:-1].astype(np.float64) * sizes[1:])
    lex = np.where(norms > 0, shared / np.where(norms > 0, norms, 1.0), 0.0)
    return (EMBEDDING_WEIGHT * emb + (1.0 - EMBEDDING_WEIGHT) * lex).astype(np.float32)


class _MaxFenwick:
    """Prefix maximum over positions 0..n with point updates that only ever increase."""

    def __init__(self, n: int) -> None:
        self.n = n + 1
        self.value = [0.0] * (self.n + 1)
        self.arg = [-1] * (self.n + 1)

    def update(self, pos: int, value: float, arg: int) -> None:
        i = pos + 1
        while i <= self.n:
            if value > self.value[i]:
                self.value[i] = value
                self.arg[i] = arg
            i += i & -i

    def query(self, pos: int) -> tuple[float, int]:
        """Best over positions ``<= pos``."""
        best, arg = 0.0, -1
        i = pos + 1
        while i > 0:
            if self.value[i] > best:
                best, arg = self.value[i], self.arg[i]
            i -= i & -i
        return best, arg


def best_chain(cells: Sequence[tuple[int, int, int, int, float]], n_b: int) -> list[int]:
    """Indices of the maximum-weight chain of cells ``(a0, a1, b0, b1, weight)``.

    A chain visits cells in increasing order on both sides without overlap: the next cell
    starts at or after the previous one's ends. Weights must be positive.
    """
    order = sorted(range(len(cells)), key=lambda c: (cells[c][0], cells[c][2]))
    tree = _MaxFenwick(n_b)
    best = [0.0] * len(cells)
    back = [-1] * len(cells)
    pending: list[tuple[int, int]] = []  # (a1, cell) not yet insertable
    for c in order:
        a0, _, b0, _, w = cells[c]
        while pending and pending[0][0] <= a0:
            _, p = heapq.heappop(pending)
            tree.update(cells[p][3], best[p], p)
        prev, arg = tree.query(b0)
        best[c] = w + prev
        back[c] = arg
        heapq.heappush(pending, (cells[c][1], c))
    if not cells:
        return []
    end = max(range(len(cells)), key=lambda c: best[c])
    chain = []
    while end >= 0:
        chain.append(end)
        end = back[end]
    return chain[::-1]


def align_sentences(
    sim: np.ndarray,
    lex: np.ndarray,
    threshold: float,
    strong: float,
    skip_a: Sequence[bool] | None = None,
    skip_b: Sequence[bool] | None = None,
    merges: bool = True,
    adjacent_a: np.ndarray | None = None,
    adjacent_b: np.ndarray | None = None,
) -> SentenceAlignment:
    """Monotone alignment maximising the summed excess of similarity over ``threshold``.

    ``sim`` and ``lex`` are m x n (combined and lexical similarity). Sentences flagged in
    ``skip_a``/``skip_b`` (boilerplate) take no part. With ``merges`` a sentence may align
    to two consecutive sentences of the other side; the pair's similarity is then that of
    the merged text, approximated from the two cells (cosines are linear in the vectors):
    ``(s1 + s2) / |u + v|`` for the two merged sentences ``u`` and ``v``. Without
    ``adjacent_a``/``adjacent_b`` (``adjacent_similarity`` of each side) the two are taken
    as orthogonal, ``|u + v| = sqrt(2)``; with them the norm is ``sqrt(2 + 2 cos(u, v))``.
    Neighbouring sentences of one article are never orthogonal, so the first overrates
    merges: it joins a sentence to its neighbour's match when the two share a topic.
    """
    m, n = sim.shape
    ok_a = np.ones(m, bool) if skip_a is None else ~np.asarray(skip_a, bool)
    ok_b = np.ones(n, bool) if skip_b is None else ~np.asarray(skip_b, bool)
    masked = np.where(ok_a[:, None] & ok_b[None, :], sim, 0.0)
    cells: list[tuple[int, int, int, int, float]] = []
    meta: list[tuple[float, float]] = []
    ii, jj = np.nonzero(masked > threshold)
    if len(ii) > MAX_CELLS:
        keep = np.argsort(-masked[ii, jj])[:MAX_CELLS]
        ii, jj = ii[keep], jj[keep]
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        s = float(masked[i, j])
        cells.append((i, i + 1, j, j + 1, s - threshold))
        meta.append((s, float(lex[i, j])))
    if merges:
        # A merged cell needs its second half to match on its own as well: a true split,
        # not a neighbour that shares the topic.
        norm_a = _merged_norms(adjacent_a, m)
        norm_b = _merged_norms(adjacent_b, n)
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            if j + 1 < n and ok_b[j + 1]:
                s = float(masked[i, j] + masked[i, j + 1]) / norm_b[j]
                if s > threshold and masked[i, j + 1] > threshold * 0.6:
                    cells.append((i, i + 1, j, j + 2, min(s, 1.0) - threshold + 1e-6))
                    meta.append((min(s, 1.0), float(max(lex[i, j], lex[i, j + 1]))))
            if i + 1 < m and ok_a[i + 1]:
                s = float(masked[i, j] + masked[i + 1, j]) / norm_a[i]
                if s > threshold and masked[i + 1, j] > threshold * 0.6:
                    cells.append((i, i + 2, j, j + 1, min(s, 1.0) - threshold + 1e-6))
                    meta.append((min(s, 1.0), float(max(lex[i, j], lex[i + 1, j]))))
    chain = best_chain(cells, n)
    matches = [
        Match(cells[c][0], cells[c][1], cells[c][2], cells[c][3], meta[c][0], meta[c][1])
        for c in chain
    ]
    used_a = {i for mt in matches for i in range(mt.a0, mt.a1)}
    used_b = {j for mt in matches for j in range(mt.b0, mt.b1)}
    if m and n:
        best_a = int(((masked.max(axis=1) >= strong) & ok_a).sum())
        best_b = int(((masked.max(axis=0) >= strong) & ok_b).sum())
        best_unordered = min(best_a, best_b)
    else:
        best_unordered = 0
    return SentenceAlignment(
        matches=matches,
        unmatched_a=[i for i in range(m) if i not in used_a],
        unmatched_b=[j for j in range(n) if j not in used_b],
        n_a=m,
        n_b=n,
        best_unordered=best_unordered,
    )


# A sentence reworded between two aligned neighbours needs less similarity than one that
# must win a place in the chain on its own: the same share of the match threshold that
# the second half of a merged match needs.
GAP_SHARE = 0.6


def gap_matches(
    sim: np.ndarray, lex: np.ndarray, al: SentenceAlignment, threshold: float,
    skip_a: Sequence[bool], skip_b: Sequence[bool],
) -> list[Match]:
    """Sentences reworded past alignment: where two consecutive matches leave the same
    number of sentences unmatched between them on both sides (skipped ones aside), those
    sentences paired in order, when every such pair reaches ``GAP_SHARE * threshold`` and
    the pairing in order beats the crossed one.

    A spinner's heaviest rewording ("The operator expects to reopen it in early November."
    -> "The company anticipates to resume it in early November.") falls under the match
    threshold, but between two aligned neighbours it takes the place of the original
    sentence; reported as omitted there and inserted here it would hide what changed. The
    gaps before the first match and after the last are left alone: copies put their
    intros and footers there. ``skip_*`` flags sentences that take no part (boilerplate,
    headings). These matches stay out of the alignment's scores.
    """
    floor = GAP_SHARE * threshold
    out: list[Match] = []
    for x, y in zip(al.matches, al.matches[1:], strict=False):
        gap_a = [i for i in range(x.a1, y.a0) if not skip_a[i]]
        gap_b = [j for j in range(x.b1, y.b0) if not skip_b[j]]
        if not gap_a or len(gap_a) != len(gap_b):
            continue
        block = sim[np.ix_(gap_a, gap_b)]
        diagonal = np.diag(block)
        if diagonal.min() < floor:
            continue
        if len(gap_a) > 1 and diagonal.sum() <= np.diag(block[::-1]).sum():
            continue
        out += [Match(i, i + 1, j, j + 1, float(sim[i, j]), float(lex[i, j]))
                for i, j in zip(gap_a, gap_b, strict=True)]
    return out


def moved_matches(
    sim: np.ndarray, lex: np.ndarray, al: SentenceAlignment, strong: float,
    skip_a: Sequence[bool] | None = None, skip_b: Sequence[bool] | None = None,
    keep: Callable[[int, int], bool] = lambda _i, _j: True,
) -> list[Match]:
    """Sentences the monotone alignment left unmatched on both sides that are one sentence
    moved elsewhere: a strong match (``sim >= strong``), paired greedily from the most
    similar, each sentence at most once.

    A spinner lifts a quotation to the top or swaps two paragraphs; the chain can keep only
    one order, so without this the moved sentence reads as omitted here and inserted there.
    Only strong matches that ``keep(i, j)`` accepts count: out of order there is no
    neighbouring match to vouch for them. These matches stay out of the alignment's scores.
    """
    ua = [i for i in al.unmatched_a if skip_a is None or not skip_a[i]]
    ub = [j for j in al.unmatched_b if skip_b is None or not skip_b[j]]
    if not ua or not ub:
        return []
    sub = sim[np.ix_(ua, ub)]
    out: list[Match] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    rows, cols = np.nonzero(sub >= strong)
    for k in np.argsort(-sub[rows, cols], kind="stable").tolist():
        r, c = int(rows[k]), int(cols[k])
        if r in used_a or c in used_b or not keep(ua[r], ub[c]):
            continue
        used_a.add(r)
        used_b.add(c)
        out.append(Match(ua[r], ua[r] + 1, ub[c], ub[c] + 1, float(sub[r, c]),
                         float(lex[ua[r], ub[c]])))
    return sorted(out, key=lambda m: m.b0)


def _merged_norms(adjacent: np.ndarray | None, n: int) -> list[float]:
    if adjacent is None:
        return [float(np.sqrt(2.0))] * max(n - 1, 0)
    return np.sqrt(2.0 + 2.0 * np.clip(adjacent, 0.0, 1.0)).tolist()


# --- word level ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class WordOp:
    """One diff operation with ``[start, end)`` offsets relative to each sentence."""

    op: str  # "equal" | "replace" | "delete" | "insert"
    a_span: tuple[int, int]
    b_span: tuple[int, int]


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]


def word_diff(a: str, b: str) -> list[WordOp]:
    """Word-level diff of two sentences (case-insensitive), spans as character offsets."""
    ta, tb = _tokens(a), _tokens(b)
    sm = SequenceMatcher(a=[t[2] for t in ta], b=[t[2] for t in tb], autojunk=False)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        a_span = (ta[i1][0], ta[i2 - 1][1]) if i2 > i1 else _point(ta, i1, len(a))
        b_span = (tb[j1][0], tb[j2 - 1][1]) if j2 > j1 else _point(tb, j1, len(b))
        ops.append(WordOp(tag, a_span, b_span))
    return ops


def _point(tokens: list[tuple[int, int, str]], i: int, length: int) -> tuple[int, int]:
    pos = tokens[i][0] if i < len(tokens) else length
    return (pos, pos)


def word_ratio(a: str, b: str) -> float:
    """Share of words kept in order (difflib's ratio over lower-cased word tokens;
    cydifflib computes the same ratio in C++, three times faster, and the word ratio was
    the largest cost of relating a pair)."""
    ta, tb = lower_tokens(a), lower_tokens(b)
    if ta == tb:
        # Verbatim copies are a large share of the matches; the ratio is 1.0.
        return 1.0
    return SequenceMatcher(a=ta, b=tb, autojunk=False).ratio()


def same_words(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` have the same word and punctuation tokens, case aside. A match
    ``identical`` by its ratio can still differ by a word ("former" put before a title in a
    two-sentence span scores 0.99)."""
    return lower_tokens(a) == lower_tokens(b)


def lower_tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def match_level(a: str, b: str) -> str:
    """``identical`` (same words), ``minor`` (a few words changed) or ``paraphrase``."""
    return level_of(word_ratio(a, b))


def level_of(ratio: float) -> str:
    """The match level of a ``word_ratio``."""
    if ratio >= IDENTICAL_RATIO:
        return IDENTICAL
    if ratio >= MINOR_RATIO:
        return MINOR
    return PARAPHRASE
