"""One configuration object shared by the CLI, the Python API and the Spark job.

Its fingerprint is stored next to every index so results say how they were made.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Config:
    """Every knob of the detection cascade.

    Thresholds on similarities are the settings users reason about; LSH bands and rows
    are derived from them (see ``candidates.lsh_params``) unless set explicitly.
    """

    # --- text ---------------------------------------------------------------------------
    max_sentences: int = 400
    """Sentences kept per document. Alignment is O(m*n); beyond this cap the tail is
    dropped with a warning. Raising it trades time on pathological inputs for coverage."""

    # --- fingerprints -------------------------------------------------------------------
    num_perm: int = 128
    """MinHash permutations. More gives tighter Jaccard estimates for more memory and time."""
    lexical_ngram: int = 5
    """Word n-gram length of the lexical channel (verbatim copies and light edits)."""
    lexical_threshold: float = 0.25
    """Jaccard of word n-grams above which the lexical channel proposes a pair."""
    skeleton_ngram: int = 3
    """n-gram length over the entity skeleton (names, numbers, capitalised words)."""
    skeleton_threshold: float = 0.2
    """Jaccard of skeleton n-grams above which the skeleton channel proposes a pair."""
    lsh_bands: int | None = None
    """Override the derived number of LSH bands (both channels)."""
    knn_k: int = 3
    """Neighbours per document from the document-vector index."""
    knn_min_cosine: float = 0.6
    """Cosine of mean-centred document vectors below which a neighbour is not a candidate."""
    knn_min_sentence_hits: int = 1
    """Near-identical sentences (as the sentence channel counts them) a document neighbour
    must share with the document to be a candidate; 0, or the sentence channel off, keeps
    every neighbour."""
    sentence_knn_k: int = 4
    """Neighbours per sentence for the partial-reuse channel (0 turns the channel off)."""
    sentence_knn_min_cosine: float = 0.86
    """Sentence cosine above which two sentences count as a possible reuse hit."""
    sentence_knn_min_hits: int = 2
    """Sentence hits to one document needed before it becomes a candidate."""

    # --- alignment and relation ---------------------------------------------------------
    match_threshold: float = 0.5
    """Combined sentence similarity above which two sentences may be aligned."""
    strong_match: float = 0.66
    """Similarity above which an aligned sentence pair counts as reuse evidence."""
    boilerplate_min_docs: int = 3
    """A sentence repeated in at least this many documents may be boilerplate ..."""
    boilerplate_ratio: float = 2.0
    """... when it is this many times more common than its document's typical sentence."""
    rewrite_coverage: float = 0.5
    """Share of both documents' sentences aligned as reuse for ``rewrite``/``copy`` (a
    reuse pair below it is ``partial``)."""
    reuse_probability: float = 0.5
    """Probability of reuse (``docmodel``, trained on Clough & Stevenson folds and synthetic
    rewrites vs same-event independent reports) at and above which a pair is reuse."""
    paraphrase_max_wording: float = 0.5
    """Wording score (``relate``: the aligned sentences' kept words) below which a reuse pair
    is reworded throughout, as an independent report of the same facts is too ..."""
    paraphrase_min_coverage: float = 0.65
    """... and so must cover at least this share of one of the two documents to be reuse:
    a paraphrase rewrites a whole article, where a second report of one event shares half
    of its facts, in its own words."""
    min_shared_figures: float = 0.5
    """Share of the figures (numbers) of the side that gives fewer that the other side must
    give too for a pair to be reuse, where both give ``figures_min_count`` or more: a
    rewrite keeps its source's figures (spun sets: 0.57 and above, 0.82 for 95% of pairs),
    a report of another event about the same people gives its own (at most 0.29 for 90%)."""
    figures_min_count: int = 4
    """Figures each side must give for ``min_shared_figures`` to apply."""
    copy_min_identity: float = 0.8
    """Share of aligned pairs that are identical or minor edits for ``copy``."""
    story_min_cosine: float = 0.6
    """Document cosine above which a non-reuse pair is ``same_story`` (with shared names)."""
    related_min_cosine: float = 0.45
    """Document cosine above which a non-reuse pair is ``related``."""

    def fingerprint(self) -> str:
        """A short hash of every setting: two indexes with the same one were built alike."""
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Config:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        for name in ("lexical_threshold", "skeleton_threshold", "match_threshold",
                     "strong_match", "rewrite_coverage", "reuse_probability",
                     "paraphrase_max_wording", "paraphrase_min_coverage",
                     "min_shared_figures"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")
        if self.num_perm < 16:
            raise ValueError("num_perm must be at least 16")
        if self.max_sentences < 1:
            raise ValueError("max_sentences must be at least 1")
