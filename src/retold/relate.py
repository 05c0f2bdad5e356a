"""Pair verification: align two documents, measure the alignment, decide the relation.

Relations, strongest first:
- ``copy``: most sentences of both sides aligned, nearly all of them verbatim or lightly edited;
- ``rewrite``: most sentences of both sides aligned in order, reworded (spins, paraphrases);
- ``partial``: reuse (by the document model, ``docmodel``) of part of the other side;
- ``same_story``: no reuse, but the same names and a close topic (an independent report);
- ``related``: the same topic only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from retold.align import (
    MINOR_RATIO,
    Match,
    SentenceAlignment,
    SentenceTerms,
    adjacent_similarity,
    align_sentences,
    gap_matches,
    level_of,
    lexical_matrix,
    moved_matches,
    similarity_matrix,
    stem,
    word_ratio,
)
from retold.config import Config
from retold.docmodel import DocModel, shipped_model
from retold.entities import quote_spans
from retold.fingerprints import DocPrint, mean_vector
from retold.pairsim import lcs_length, position_masks
from retold.text import STOPWORDS, looks_like_heading, raw_words

COPY = "copy"
REWRITE = "rewrite"
PARTIAL = "partial"
SAME_STORY = "same_story"
RELATED = "related"
REUSE = frozenset({COPY, REWRITE, PARTIAL})
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"[^\d.]")
# Sentences a run of reuse may skip on either side (a dropped or inserted sentence).
RUN_GAP = 2


@dataclass(frozen=True, slots=True)
class AlignedSpan:
    """One aligned sentence group with document offsets and its level."""

    a_span: tuple[int, int]
    b_span: tuple[int, int]
    level: str
    similarity: float
    a_sentences: tuple[int, int]
    b_sentences: tuple[int, int]
    gap: bool = False
    """Paired only as the one sentence left between two aligned neighbours on each side
    (``align.gap_matches``): shown and compared, but too weak to weigh in provenance."""


@dataclass(slots=True)
class PairResult:
    """The verdict on a pair and the evidence behind it."""

    a: str
    b: str
    relation: str | None
    scores: dict[str, float]
    alignment: list[AlignedSpan] = field(default_factory=list)
    unmatched_a: list[int] = field(default_factory=list)
    unmatched_b: list[int] = field(default_factory=list)
    boilerplate_a: list[int] = field(default_factory=list)
    boilerplate_b: list[int] = field(default_factory=list)
    moved: list[AlignedSpan] = field(default_factory=list)
    """Sentences moved out of order (``align.moved_matches``), shown but not scored."""


def boilerplate_mask(
    hashes: np.ndarray, doc_frequency: Mapping[int, int], config: Config
) -> np.ndarray:
    """Sentences that recur across documents far more than the rest of their document.

    A newsletter line or a fake bio shows up in dozens of otherwise unrelated articles, while
    the other sentences of each of those articles are rare. Sentences of a verbatim family
    are all equally common, so none of them is flagged: the test is relative, not absolute.
    """
    if len(hashes) == 0:
        return np.zeros(0, dtype=bool)
    df = np.array([doc_frequency.get(int(h), 1) for h in hashes], dtype=np.float64)
    typical = float(np.median(df))
    return (df >= config.boilerplate_min_docs) & (df > config.boilerplate_ratio * typical)


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What verification needs from one document's text, computed once per document.

    Word n-gram sets are sorted arrays of 64-bit n-gram hashes (not sets of tuples): a
    document takes part in many pairs, and building and intersecting tuple sets was the
    largest cost of verification. Hashes are Python's string hashes, stable within one
    process, which is where both sides of a pair are compared.
    """

    trigrams: np.ndarray
    fivegrams: np.ndarray
    names: frozenset[str]
    content: SentenceTerms
    """Content-word stems per sentence."""
    specifics: list[frozenset[str]]
    """Names and numbers per sentence."""
    figures: list[frozenset[str]]
    """Numbers per sentence, as their digits ("$1,200" and "1200" are one figure)."""
    headings: np.ndarray
    content_words: np.ndarray
    """Content-word stems of the whole text (hashes)."""
    content_pairs: np.ndarray
    """Consecutive content-word stems (stopwords skipped) of the whole text (hashes)."""
    quoted: np.ndarray
    """Per sentence, whether most of it is inside quotation marks."""
    stem_sequence: np.ndarray
    """Content-word stems of the whole text in order (hashes, int64)."""
    stem_sentence: np.ndarray
    """The sentence of each of ``stem_sequence``."""


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _hashes(tokens: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(hash, tokens), dtype=np.int64, count=len(tokens)).view(np.uint64)


def _grams(h: np.ndarray, n: int) -> np.ndarray:
    """Hashes of the word n-grams of tokens with hashes ``h`` (one gram of all of them
    when fewer than ``n``), sorted and unique."""
    if not len(h):
        return np.zeros(0, np.uint64)
    n = min(n, len(h))
    out = h[: len(h) - n + 1].copy()
    for j in range(1, n):
        out = (out * _MIX) ^ h[j : len(h) - n + 1 + j]
    return np.unique(out)


def _per_sentence(h: np.ndarray, counts: Sequence[int]) -> SentenceTerms:
    """Each sentence's distinct hashes, from the hashes of all sentences' terms in order."""
    n = len(counts)
    sent = np.repeat(np.arange(n, dtype=np.int64), counts)
    terms = h.view(np.int64)
    order = np.lexsort((terms, sent))
    sent, terms = sent[order], terms[order]
    keep = np.ones(len(terms), dtype=bool)
    keep[1:] = (terms[1:] != terms[:-1]) | (sent[1:] != sent[:-1])
    sizes = np.bincount(sent[keep], minlength=n)
    return SentenceTerms(terms[keep], np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))


def text_features(text: str, pr: DocPrint) -> TextFeatures:
    """Tokenises each sentence once and derives every per-document feature from that;
    each token is hashed once."""
    lowered: list[str] = []
    stems: list[str] = []
    counts: list[int] = []
    specifics: list[frozenset[str]] = []
    figures: list[frozenset[str]] = []
    # Specific tokens are capitalised non-stopwords and tokens with a digit. Verification
    # prepares a side for about every pair it relates (at a million articles this took 42%
    # of a worker's time), so the tests run as set operations, and the digit test only in
    # sentences that have a digit. Stopwords have no digits, so removing them before the
    # digit tokens are added takes out nothing the digit test would keep.
    digit = _DIGIT.search
    for s in pr.sentences:
        raw = raw_words(s.text)
        low = [t.lower() for t in raw]
        lowered += low
        cs = [stem(t) for t in low if t not in STOPWORDS]
        stems += cs
        counts.append(len(cs))
        spec = {lw for t, lw in zip(raw, low, strict=True) if t[0].isupper()} - STOPWORDS
        figs: frozenset[str] = frozenset()
        if digit(s.text) is not None:
            numeric = [lw for t, lw in zip(raw, low, strict=True)
                       if not t.isalpha() and digit(t) is not None]
            spec.update(numeric)
            figs = frozenset(f for f in (_NOT_DIGIT.sub("", t).strip(".") for t in numeric)
                             if f)
        specifics.append(frozenset(spec))
        figures.append(figs)
    h_words, h_stems = _hashes(lowered), _hashes(stems)
    return TextFeatures(
        trigrams=_grams(h_words, 3),
        fivegrams=_grams(h_words, 5),
        names=frozenset().union(*specifics),
        content=_per_sentence(h_stems, counts),
        specifics=specifics,
        figures=figures,
        headings=np.array([looks_like_heading(s.text) for s in pr.sentences], dtype=bool),
        content_words=np.unique(h_stems),
        content_pairs=_grams(h_stems, 2),
        quoted=quoted_sentences(text, pr),
        stem_sequence=h_stems.view(np.int64),
        stem_sentence=np.repeat(np.arange(len(counts), dtype=np.int64), counts),
    )


def quoted_sentences(text: str, pr: DocPrint) -> np.ndarray:
    """Per sentence, whether more than half of its characters are inside a quotation (a
    quotation may run over several sentences)."""
    out = np.zeros(len(pr.sentences), dtype=bool)
    spans = quote_spans(text) if '"' in text or "'" in text else []
    if not spans:
        return out
    for i, s in enumerate(pr.sentences):
        inside = sum(max(0, min(e, s.end) - max(b, s.start)) for b, e in spans
                     if b < s.end and e > s.start)
        out[i] = 2 * inside > s.end - s.start
    return out


def pair_boilerplate(
    hashes_a: np.ndarray, hashes_b: np.ndarray, mask_a: np.ndarray, mask_b: np.ndarray,
    quoted_a: np.ndarray, quoted_b: np.ndarray, spec_a: Sequence[frozenset[str]],
    spec_b: Sequence[frozenset[str]],
) -> tuple[np.ndarray, np.ndarray]:
    """The boilerplate of one pair, from each document's own ``boilerplate_mask``.

    A sentence both documents hold is boilerplate to the pair only when both flag it. A
    passage lifted from a widely copied article is as common as the rest of that article,
    so only the borrower flags it; a template line is rare next to either article's other
    sentences, so both do. Quotations are the exception: independent reports of one event
    reproduce a statement word for word, so a shared quotation that either side flags stays
    out of the evidence.

    Two documents that end on the same sentences, word for word, after bodies that differ,
    end on their site's footer (an author bio, a newsletter line): a template, however few
    documents hold it. That shared tail is boilerplate to the pair unless it is at least
    half of the shorter document (then it is a copy of the text before a changed opening).
    A site's header is found by ``header_run`` (``spec_a``/``spec_b``: each sentence's
    names and numbers).
    """
    shared_a = np.isin(hashes_a, hashes_b)
    if not shared_a.any():
        return mask_a, mask_b  # nothing in common: each side's own flags stand
    tail = _shared_tail(hashes_a, hashes_b)
    if 2 * tail > min(len(hashes_a), len(hashes_b)):
        tail = 0  # half the shorter document or more: a copy, not a footer
    h_a, h_b, h_len = header_run(hashes_a, hashes_b, spec_a, spec_b)
    if tail or h_len:
        mask_a, mask_b = mask_a.copy(), mask_b.copy()
        mask_a[len(hashes_a) - tail :] = True  # an empty slice when there is no footer
        mask_b[len(hashes_b) - tail :] = True
        mask_a[h_a : h_a + h_len] = True
        mask_b[h_b : h_b + h_len] = True
    if not (mask_a.any() or mask_b.any()):
        return mask_a, mask_b
    flagged_b = np.isin(hashes_a, hashes_b[mask_b])
    quoted_b_h = np.isin(hashes_a, hashes_b[quoted_b])
    # Hashes of a's sentences that only one side flags, in no quotation on either side.
    lifted = shared_a & (mask_a ^ flagged_b) & ~quoted_a & ~quoted_b_h
    keep = hashes_a[lifted]
    return mask_a & ~lifted, mask_b & ~np.isin(hashes_b, keep)


# How far into both documents a shared run may start and still be a site's header.
_HEADER_START = 5


def header_run(
    hashes_a: np.ndarray, hashes_b: np.ndarray, spec_a: Sequence[frozenset[str]],
    spec_b: Sequence[frozenset[str]],
) -> tuple[int, int, int]:
    """A site header two documents open with: a run of sentences shared word for word that
    starts within the first few sentences of both (after their titles), is the only text
    they share word for word, is shorter than half of either, and is about neither
    document: at most half of its names occur anywhere else in them ("Daily Globe News
    brings you the latest headlines ..."). A lifted lede names the story's people and
    places, which the rest of both documents name too. Returns ``(start_a, start_b,
    length)``, length 0 when there is none."""
    n = min(len(hashes_a), len(hashes_b))
    for i in range(min(_HEADER_START, len(hashes_a))):
        js = np.flatnonzero(hashes_b[:_HEADER_START] == hashes_a[i])
        if not len(js):
            continue
        j = int(js[0])
        k = 0
        while i + k < len(hashes_a) and j + k < len(hashes_b) and (
                hashes_a[i + k] == hashes_b[j + k]):
            k += 1
        shared = np.isin(hashes_a, hashes_b)
        shared[i : i + k] = False
        if 2 * k > n or shared.any():
            return (0, 0, 0)  # a copy, or text shared beyond the run: not a header alone
        names = {w for spec in spec_a[i : i + k] for w in spec if w.isalpha()}
        rest = {w for m, spec in enumerate(spec_a) if not i <= m < i + k for w in spec
                if w.isalpha()}
        rest.update(w for m, spec in enumerate(spec_b) if not j <= m < j + k for w in spec
                    if w.isalpha())
        if names and 2 * len(names & rest) <= len(names):
            return (i, j, k)
        return (0, 0, 0)
    return (0, 0, 0)


def _shared_tail(hashes_a: np.ndarray, hashes_b: np.ndarray) -> int:
    """How many sentences the two documents end on in common (exact repeats)."""
    n = min(len(hashes_a), len(hashes_b))
    if n == 0 or hashes_a[-1] != hashes_b[-1]:
        return 0
    same = hashes_a[len(hashes_a) - n :][::-1] == hashes_b[len(hashes_b) - n :][::-1]
    return n if same.all() else int(np.argmin(same))


def _containment(ga: frozenset | np.ndarray, gb: frozenset | np.ndarray) -> float:
    if not len(ga) or not len(gb):
        return 0.0
    if isinstance(ga, np.ndarray):
        shared = len(np.intersect1d(ga, gb, assume_unique=True))
    else:
        shared = len(ga & gb)
    return shared / min(len(ga), len(gb))


def ordered_words(fa: TextFeatures, fb: TextFeatures, skip_a: np.ndarray,
                  skip_b: np.ndarray) -> float:
    """The longest run of content words both texts have in the same order (a common
    subsequence, not a contiguous one), as a share of the shorter text's content words;
    boilerplate sentences left out. A rewrite keeps the source's facts in the source's
    order even where it merges, splits or rewords every sentence; an independent report of
    the same event shares names and terms in an order of its own."""
    a = fa.stem_sequence[~skip_a[fa.stem_sentence]].tolist()
    b = fb.stem_sequence[~skip_b[fb.stem_sentence]].tolist()
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return lcs_length(position_masks(a), len(a), b) / len(a)


def relate(
    a_text: str,
    b_text: str,
    pa: DocPrint,
    pb: DocPrint,
    config: Config,
    skip_a: np.ndarray | None = None,
    skip_b: np.ndarray | None = None,
    fa: TextFeatures | None = None,
    fb: TextFeatures | None = None,
    describe_all: bool = True,
) -> PairResult:
    """Align ``a`` with ``b`` and decide their relation (pure: no model, no I/O).

    ``fa``/``fb`` are the documents' ``text_features``; pass them when a document takes part
    in many pairs, so they are computed once. ``describe_all=False`` leaves the aligned spans
    of a pair that is not reuse empty (the index keeps spans of reuse pairs only, and
    labelling every span costs a word diff).
    """
    sa = [s.text for s in pa.sentences]
    sb = [s.text for s in pb.sentences]
    skip_a = np.zeros(len(sa), bool) if skip_a is None else skip_a
    skip_b = np.zeros(len(sb), bool) if skip_b is None else skip_b
    if not sa or not sb:
        return PairResult(pa.doc_id, pb.doc_id, None, {"doc_cosine": 0.0})
    fa = fa or text_features(a_text, pa)
    fb = fb or text_features(b_text, pb)
    skip_a, skip_b = pair_boilerplate(pa.sentence_hashes, pb.sentence_hashes, skip_a, skip_b,
                                      fa.quoted, fb.quoted, fa.specifics, fb.specifics)
    lex = lexical_matrix(fa.content, fb.content)
    sim = similarity_matrix(pa.vectors, pb.vectors, lex)
    al = align_sentences(sim, lex, config.match_threshold, config.strong_match, skip_a, skip_b)
    ratios: dict[tuple[int, int, int, int], float] = {}

    def ratio(m: Match) -> float:  # shared by the wording score and the span labels
        key = (m.a0, m.a1, m.b0, m.b1)
        if key not in ratios:
            ratios[key] = word_ratio(" ".join(sa[m.a0 : m.a1]), " ".join(sb[m.b0 : m.b1]))
        return ratios[key]

    off_a, off_b = skip_a | fa.headings, skip_b | fb.headings
    strong = strong_matches(al, off_a, off_b, config)
    scores = alignment_scores(al, strong, off_a, off_b, fa.specifics, fb.specifics, ratio)
    scores["containment3"] = round(_containment(fa.trigrams, fb.trigrams), 4)
    scores["containment5"] = round(_containment(fa.fivegrams, fb.fivegrams), 4)
    scores["content1"] = round(_containment(fa.content_words, fb.content_words), 4)
    scores["content2"] = round(_containment(fa.content_pairs, fb.content_pairs), 4)
    scores["doc_cosine"], scores["name_overlap"] = _topic_overlap(pa, pb, fa, fb, skip_a, skip_b)
    scores["ordered_words"] = round(ordered_words(fa, fb, skip_a, skip_b), 4)
    shared = shared_figures(
        [fa.figures[i] for m in strong for i in range(m.a0, m.a1) if not skip_a[i]],
        [fb.figures[j] for m in strong for j in range(m.b0, m.b1) if not skip_b[j]],
        config.figures_min_count)
    if shared is not None:
        scores["shared_figures"] = round(shared, 4)
    relation = decide(scores, config)
    if not (describe_all or relation in REUSE):
        shown = SentenceAlignment([], al.unmatched_a, al.unmatched_b, al.n_a, al.n_b, 0)
    elif all(m.a1 - m.a0 == 1 and m.b1 - m.b0 == 1 for m in al.matches):
        shown = al  # the real norm only lowers merged cells: a chain without one stays best
    else:
        # The scores above are features the document model was fitted on, taken from the
        # alignment that treats merged sentences as orthogonal. The alignment shown (spans,
        # word diffs, drift, provenance evidence) uses the merged text's real norm, which
        # stops a sentence from being joined to its neighbour's match ("in 2019" paired with
        # "Tokyo"). Fitting the model on the exact alignment instead scored lower on the
        # 10k corpus and on Clough & Stevenson (README).
        shown = align_sentences(
            sim, lex, config.match_threshold, config.strong_match, skip_a, skip_b,
            adjacent_a=adjacent_similarity(pa.vectors, fa.content),
            adjacent_b=adjacent_similarity(pb.vectors, fb.content),
        )
    moved: list[Match] = []
    gap_a: set[int] = set()  # sentences of a paired by gap_matches (unmatched before)
    # Only where most of both sides is aligned: between the copied paragraphs of a partial
    # copy each side has its own text, and some of it may follow the same template.
    if relation in REUSE and relation != PARTIAL:

        def moved_here(i: int, j: int) -> bool:
            # Out of order nothing vouches for the pair but itself: it must name something
            # the same (a capitalised first word is no name) and keep most of its words in
            # order, or two stock sentences of one template ("Shares of X rose N percent")
            # would be paired.
            shared = fa.specifics[i] & fb.specifics[j]
            return (bool(shared - {_first_word(sa[i]), _first_word(sb[j])})
                    and word_ratio(sa[i], sb[j]) >= MOVED_MIN_RATIO)

        gaps = gap_matches(sim, lex, shown, config.match_threshold, skip_a | fa.headings,
                           skip_b | fb.headings)
        if gaps:
            gap_b = {m.b0 for m in gaps}
            gap_a = {m.a0 for m in gaps}
            shown = SentenceAlignment(
                sorted([*shown.matches, *gaps], key=lambda m: m.a0),
                [i for i in shown.unmatched_a if i not in gap_a],
                [j for j in shown.unmatched_b if j not in gap_b],
                shown.n_a, shown.n_b, shown.best_unordered)
        moved = moved_matches(sim, lex, shown, config.strong_match, skip_a, skip_b, moved_here)
    moved_a = {m.a0 for m in moved}
    moved_b = {m.b0 for m in moved}

    def span(m: Match) -> AlignedSpan:
        return AlignedSpan(
            a_span=(pa.sentences[m.a0].start, pa.sentences[m.a1 - 1].end),
            b_span=(pb.sentences[m.b0].start, pb.sentences[m.b1 - 1].end),
            level=level_of(ratio(m)),
            similarity=round(m.similarity, 4),
            a_sentences=(m.a0, m.a1),
            b_sentences=(m.b0, m.b1),
            gap=m.a0 in gap_a,
        )

    return PairResult(
        a=pa.doc_id,
        b=pb.doc_id,
        relation=relation,
        scores=scores,
        alignment=[span(m) for m in shown.matches],
        unmatched_a=[i for i in shown.unmatched_a if not skip_a[i] and i not in moved_a],
        unmatched_b=[j for j in shown.unmatched_b if not skip_b[j] and j not in moved_b],
        boilerplate_a=[int(i) for i in np.nonzero(skip_a)[0]],
        boilerplate_b=[int(j) for j in np.nonzero(skip_b)[0]],
        moved=[span(m) for m in moved],
    )


def shared_figures(a: Iterable[frozenset[str]], b: Iterable[frozenset[str]],
                   min_count: int) -> float | None:
    """Share of the figures of the side that gives fewer, in the sentences ``a`` and ``b``
    (a pair's aligned sentences), that the other side gives too; None when either gives
    fewer than ``min_count``. Aligned sentences only: a partial copy adds its own text,
    with its own figures, around what it took."""
    ga, gb = frozenset().union(*a), frozenset().union(*b)
    if min(len(ga), len(gb)) < min_count:
        return None
    return len(ga & gb) / min(len(ga), len(gb))


def _topic_overlap(pa: DocPrint, pb: DocPrint, fa: TextFeatures, fb: TextFeatures,
                   skip_a: np.ndarray, skip_b: np.ndarray) -> tuple[float, float]:
    """Document cosine and name overlap of a pair, its boilerplate left out: two articles of
    one site share its footer ("Follow Harbour Daily ..."), which alone made a museum
    reopening and a scooter recall the same story."""
    if skip_a.any() or skip_b.any():
        # mean_vector of no rows is the zero vector: a side that is all boilerplate has
        # cosine 0 with anything.
        cosine = float(mean_vector(pa.vectors[~skip_a]) @ mean_vector(pb.vectors[~skip_b]))
        names_a, names_b = _names_outside(fa, skip_a), _names_outside(fb, skip_b)
    else:
        cosine, names_a, names_b = float(pa.doc_vector @ pb.doc_vector), fa.names, fb.names
    return (round(float(np.clip(cosine, -1, 1)), 4),
            round(_containment(names_a, names_b), 4))


def _names_outside(f: TextFeatures, skip: np.ndarray) -> frozenset[str]:
    """``f.names`` of the sentences ``skip`` leaves."""
    return frozenset().union(*(n for n, s in zip(f.specifics, skip, strict=True) if not s))


def _runs(matches: Sequence[Match], max_gap: int) -> list[int]:
    """Lengths of runs of matches whose neighbours skip at most ``max_gap`` sentences on
    either side: reuse comes in consecutive stretches, shared facts of independent reports
    are scattered."""
    if not matches:
        return []
    out, cur = [], 1
    for prev, nxt in pairwise(matches):
        if nxt.a0 - prev.a1 <= max_gap and nxt.b0 - prev.b1 <= max_gap:
            cur += 1
        else:
            out.append(cur)
            cur = 1
    out.append(cur)
    return out


def _shares_specifics(ka: frozenset[str], kb: frozenset[str]) -> bool:
    """Whether two aligned sentences share a name or number (or neither has any).

    Spinners and paraphrasers keep the names and figures of what they reuse; two unrelated
    sentences that merely share a stock phrase ("officials said they would give an update")
    do not."""
    return bool(ka & kb) or not (ka or kb)


def strong_matches(
    al: SentenceAlignment, skip_a: np.ndarray, skip_b: np.ndarray, config: Config
) -> list[Match]:
    """The alignment's strong matches that hold content on both sides.

    A match of two headings, or of two boilerplate lines, is no evidence: two independent
    reports of one event carry near-identical headlines ("X completes record move to Y"),
    and a headline matched at the top of both texts would also lengthen their run of
    consecutive matches."""
    return [m for m in al.matches
            if m.similarity >= config.strong_match
            and not skip_a[m.a0 : m.a1].all() and not skip_b[m.b0 : m.b1].all()]


def alignment_scores(
    al: SentenceAlignment,
    strong: Sequence[Match],
    skip_a: np.ndarray,
    skip_b: np.ndarray,
    spec_a: Sequence[frozenset[str]],
    spec_b: Sequence[frozenset[str]],
    ratio: Callable[[Match], float],
) -> dict[str, float]:
    """Coverage, strength, wording, contiguity and order of the alignment, on content
    sentences only (``skip_a``/``skip_b`` flag boilerplate and headings, which count on
    neither side; ``strong``: ``strong_matches``). ``ratio`` gives the word ratio of a
    match's two sides."""
    n_a = int((~skip_a).sum())
    n_b = int((~skip_b).sum())
    strong_a = sum(int((~skip_a[m.a0 : m.a1]).sum()) for m in strong)
    strong_b = sum(int((~skip_b[m.b0 : m.b1]).sum()) for m in strong)
    ratios = [ratio(m) for m in strong]
    close = sum(1 for r in ratios if r >= MINOR_RATIO)
    runs = _runs(strong, RUN_GAP)
    anchored = sum(
        1
        for m in strong
        if _shares_specifics(frozenset().union(*spec_a[m.a0 : m.a1]),
                             frozenset().union(*spec_b[m.b0 : m.b1]))
    )
    return {
        "n_a": float(n_a),
        "n_b": float(n_b),
        "aligned": float(len(al.matches)),
        "strong": float(len(strong)),
        "coverage_a": round(strong_a / n_a, 4) if n_a else 0.0,
        "coverage_b": round(strong_b / n_b, 4) if n_b else 0.0,
        "mean_similarity": round(float(np.mean([m.similarity for m in strong])), 4)
        if strong
        else 0.0,
        "wording": round(float(np.mean(ratios)), 4) if ratios else 0.0,
        "identity": round(close / len(strong), 4) if strong else 0.0,
        "longest_run": float(max(runs, default=0)),
        "anchored": round(anchored / len(strong), 4) if strong else 0.0,
        "order": round(min(1.0, len(strong) / al.best_unordered), 4)
        if al.best_unordered
        else 0.0,
    }


# Word-sequence ratio a sentence paired out of order (``align.moved_matches``) must keep.
MOVED_MIN_RATIO = 0.5


def _first_word(sentence: str) -> str:
    words = raw_words(sentence)
    return words[0].lower() if words else ""


# A text of one or two content sentences shows no run and no order: a reworded sentence
# about the same fact is also what an independent report writes. There only surface copying
# is evidence of reuse: a light edit's wording, or half of the word trigrams.
SHORT_TEXT_SENTENCES = 2
SHORT_TEXT_MIN_CONTAINMENT3 = 0.5


def _short_text_copied(scores: Mapping[str, float], n_min: float) -> bool:
    return (n_min > SHORT_TEXT_SENTENCES or scores["wording"] >= MINOR_RATIO
            or scores["containment3"] >= SHORT_TEXT_MIN_CONTAINMENT3)


def decide(
    scores: Mapping[str, float], config: Config, model: DocModel | None = None
) -> str | None:
    """The relation from alignment scores.

    Whether the pair is reuse at all is the document model's call (``docmodel``: a logistic
    regression over coverage, wording, runs, kept names and shared trigrams/content words,
    trained on Clough & Stevenson and on synthetic rewrites against same-event independent
    reports); its probability is compared with ``config.reuse_probability``. The kind of
    reuse then follows from coverage: most of both sides aligned in order is ``copy`` (kept
    wording) or ``rewrite``, anything less ``partial``. ``model`` replaces the shipped model
    (cross-validation refits it per fold).
    """
    cov_a, cov_b = scores["coverage_a"], scores["coverage_b"]
    strong = scores["strong"]
    n_min = min(scores["n_a"], scores["n_b"])
    ordered = scores["order"] >= 0.5
    model = model or shipped_model()
    reworded_in_part = (scores["wording"] < config.paraphrase_max_wording
                        and max(cov_a, cov_b) < config.paraphrase_min_coverage)
    # A rewrite keeps its source's figures; a report of another event about the same
    # people, told in the same mould, gives its own.
    other_figures = scores.get("shared_figures", 1.0) < config.min_shared_figures
    if (strong >= 1 and _short_text_copied(scores, n_min) and not reworded_in_part
            and not other_figures
            and model.probability(scores) >= config.reuse_probability):
        # Very short texts (one or two sentences) cannot show a run; whole coverage stands in.
        enough = strong >= min(2.0, n_min)
        if enough and ordered and min(cov_a, cov_b) >= config.rewrite_coverage:
            if scores["identity"] >= config.copy_min_identity:
                return COPY
            return REWRITE
        return PARTIAL
    if scores["doc_cosine"] >= config.story_min_cosine and scores["name_overlap"] >= 0.25:
        return SAME_STORY
    if scores["doc_cosine"] >= config.related_min_cosine:
        return RELATED
    return None
