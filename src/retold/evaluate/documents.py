"""Document-level evaluations of the reuse detector: Clough & Stevenson, and the seeds."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retold.api import default_encoder
from retold.config import Config
from retold.docmodel import (
    FEATURE_NAMES,
    DocModel,
    default_synthetic_path,
    feature_rows,
    fit,
    group_weights,
    shipped_model,
)
from retold.documents import Document
from retold.evaluate.datasets import load_clough, shared_dir
from retold.evaluate.metrics import binary_scores
from retold.fingerprints import Encoder, fingerprint_documents
from retold.pipeline import prepare
from retold.relate import REUSE, decide, relate


@dataclass(frozen=True, slots=True)
class CloughResult:
    precision: float
    recall: float
    f1: float
    accuracy: float
    source_accuracy: float
    n: int
    n_reused: int
    confusion: dict[str, dict[str, int]]
    protocol: str = ""

    def lines(self) -> list[str]:
        out = [
            f"clough-stevenson ({self.protocol}) reuse vs non: P={self.precision:.3f} "
            f"R={self.recall:.3f} F1={self.f1:.3f} accuracy={self.accuracy:.3f} (n={self.n})",
            f"  source attribution: {self.source_accuracy:.3f} of {self.n_reused} reused "
            "answers traced to the right source",
            "  relation by gold category:",
        ]
        for cat, counts in self.confusion.items():
            out.append(f"    {cat:6s} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return out


@dataclass(frozen=True, slots=True)
class CloughReport:
    """Three protocols: ``cv`` (headline) refits the document model leaving one task out and
    scores that task only, pooled over the five tasks; ``fixed`` is the shipped model, whose
    training data include every Clough task, so it is optimistic; ``scan`` indexes all 100
    texts together as a user's scan would, so candidates and boilerplate masking take part
    (shipped model, optimistic as ``fixed``)."""

    cv: CloughResult
    fixed: CloughResult
    scan: CloughResult

    @property
    def f1(self) -> float:
        return self.cv.f1

    @property
    def source_accuracy(self) -> float:
        return self.cv.source_accuracy

    def lines(self) -> list[str]:
        return [*self.cv.lines(), *self.fixed.lines(), *self.scan.lines(),
                "  (two cut answers, g2pE_taskc and g4pD_taskb, copy a text other than their "
                "task's source: ~0 shared trigrams with it, unreachable by design)"]


@dataclass(frozen=True, slots=True)
class CloughPair:
    """One answer against one task source, with ``relate``'s scores."""

    answer: str
    task: str
    category: str
    source: str
    scores: dict[str, float]

    @property
    def reused(self) -> bool:
        return self.category != "non" and self.source == self.task


def clough_pairs(config: Config | None = None, encoder: Encoder | None = None) -> list[CloughPair]:
    """Every answer against all five source texts (raises FileNotFoundError without data)."""
    corpus = load_clough()
    config = config or Config()
    encoder = encoder or default_encoder()
    tasks = sorted(corpus.sources)
    docs = [prepare(Document(id=f"orig_{t}", text=corpus.sources[t])) for t in tasks]
    docs += [prepare(Document(id=a.name, text=a.text)) for a in corpus.answers]
    prints = dict(zip([d.id for d in docs], fingerprint_documents(docs, encoder, config),
                      strict=True))
    text = {d.id: d.text for d in docs}
    out = []
    for ans in corpus.answers:
        for task in tasks:
            src = f"orig_{task}"
            res = relate(text[src], text[ans.name], prints[src], prints[ans.name], config)
            out.append(CloughPair(ans.name, ans.task, ans.category, task, res.scores))
    return out


def score_clough(pairs: list[CloughPair], config: Config, model_for: Callable[[str], DocModel],
                 protocol: str) -> CloughResult:
    """Reused when any source pair is a reuse relation; the source is the reuse pair with
    the highest reuse probability. ``model_for(task)`` is the document model that decides
    the answers of ``task``."""
    by_answer: dict[str, list[CloughPair]] = {}
    for p in pairs:
        by_answer.setdefault(p.answer, []).append(p)
    picks: list[tuple[str, str, str | None, str]] = []
    for group in by_answer.values():
        first = group[0]
        model = model_for(first.task)
        best_task, best_p, best_rel = None, -1.0, "none"
        for p in group:
            rel = decide(p.scores, config, model)
            prob = model.probability(p.scores)
            if rel in REUSE and prob > best_p:
                best_task, best_p, best_rel = p.source, prob, rel
        picks.append((first.category, first.task, best_task, best_rel))
    return _clough_result(picks, protocol)


def _clough_result(picks: list[tuple[str, str, str | None, str]], protocol: str) -> CloughResult:
    """Scores from each answer's ``(category, task, picked source or None, its relation or
    "none")``: reuse vs non, and the right source among the reused answers."""
    y_true = [category != "non" for category, _, _, _ in picks]
    y_pred = [source is not None for _, _, source, _ in picks]
    confusion: dict[str, dict[str, int]] = {}
    for category, _, _, rel in picks:
        confusion.setdefault(category, {}).setdefault(rel, 0)
        confusion[category][rel] += 1
    n_reused = sum(y_true)
    right_source = sum(source == task for category, task, source, _ in picks
                       if category != "non")
    s = binary_scores(y_true, y_pred)
    return CloughResult(s.precision, s.recall, s.f1, s.accuracy, right_source / max(n_reused, 1),
                        len(y_true), n_reused, confusion, protocol)


def synthetic_rows() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The non-Clough training rows shipped next to the model, with the training group of
    each (``synthetic`` or ``news``; see scripts/train_docmodel.py)."""
    data = json.loads(default_synthetic_path().read_text(encoding="utf-8"))
    if tuple(data["feature_names"]) != FEATURE_NAMES:
        raise ValueError("synthetic rows were made with other features; retrain the model")
    groups = data.get("group", ["synthetic"] * len(data["y"]))
    return np.asarray(data["x"], dtype=np.float64), np.asarray(data["y"], dtype=bool), groups


def fold_models(pairs: list[CloughPair]) -> dict[str, DocModel]:
    """One model per task, fitted like the shipped one but without that task's answers."""
    xs, ys, groups = synthetic_rows()
    out = {}
    for task in sorted({p.task for p in pairs}):
        train = [p for p in pairs if p.task != task]
        xc = feature_rows([p.scores for p in train])
        yc = np.array([p.reused for p in train], dtype=bool)
        w = group_weights(["clough"] * len(yc) + groups)
        out[task] = fit(np.vstack([xc, xs]), np.concatenate([yc, ys]), w, c=1.0)
    return out


def evaluate_clough(
    config: Config | None = None, encoder: Encoder | None = None
) -> CloughReport | None:
    """Leave-one-task-out cross-validation (headline) and the shipped model (fixed config)."""
    try:
        pairs = clough_pairs(config, encoder)
    except FileNotFoundError:
        return None
    config = config or Config()
    folds = fold_models(pairs)
    cv = score_clough(pairs, config, folds.__getitem__,
                      "leave-one-task-out CV: model refit without the scored task")
    shipped = shipped_model()
    fixed = score_clough(pairs, config, lambda _t: shipped,
                         "fixed config: shipped model, trained on all tasks (optimistic)")
    return CloughReport(cv, fixed, scan_clough(config, encoder))


def scan_clough(config: Config | None = None, encoder: Encoder | None = None) -> CloughResult:
    """The five sources and 95 answers scanned into one fresh index. An answer is reused
    when the index holds a reuse pair between it and a source; its source is the one whose
    pair has the highest reuse probability. Unlike the pairwise protocols, a pair must be
    proposed by a candidate channel, and sentences that recur across the answers of a task
    are boilerplate to the scan (about ten answers copy from each source)."""
    from retold.api import Index

    corpus = load_clough()
    config = config or Config()
    tasks = sorted(corpus.sources)
    docs = [Document(id=f"orig_{t}", text=corpus.sources[t]) for t in tasks]
    docs += [Document(id=a.name, text=a.text) for a in corpus.answers]
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "clough.db", config,
                                                     encoder=encoder or default_encoder()) as ix:
        ix.add(docs)
        pairs = {frozenset((p.a, p.b)): p for p in ix.store.pairs()}
    model = shipped_model()
    picks: list[tuple[str, str, str | None, str]] = []
    for ans in corpus.answers:
        best_task, best_p, best_rel = None, -1.0, "none"
        for task in tasks:
            p = pairs.get(frozenset((ans.name, f"orig_{task}")))
            if p is None or p.relation not in REUSE:
                continue
            prob = model.probability(p.scores)
            if prob > best_p:
                best_task, best_p, best_rel = task, prob, p.relation
        picks.append((ans.category, ans.task, best_task, best_rel))
    return _clough_result(picks, "scan: all 100 texts in one index, shipped model (optimistic)")


# Expected grouping of the seed articles (../shared/SEEDS.md): 000-002 one family, 004 the
# same story outside it, 003 a story of its own.
SEED_FAMILY = frozenset({"000", "001", "002"})
SEED_STORY = frozenset({"000", "001", "002", "004"})


@dataclass(frozen=True, slots=True)
class SeedResult:
    family_of: dict[str, int | None]
    story_of: dict[str, int | None]

    @property
    def family_ok(self) -> bool:
        fams = {self.family_of[s] for s in SEED_FAMILY}
        fam = next(iter(fams))
        others = {k for k, v in self.family_of.items() if v == fam and fam is not None}
        return len(fams) == 1 and fam is not None and others == SEED_FAMILY

    @property
    def story_ok(self) -> bool:
        st = {self.story_of[s] for s in SEED_STORY}
        return len(st) == 1 and self.story_of["003"] not in st

    def lines(self) -> list[str]:
        return [
            "seeds: families " + ", ".join(f"{k}->{v}" for k, v in sorted(self.family_of.items())),
            "seeds: stories  " + ", ".join(f"{k}->{v}" for k, v in sorted(self.story_of.items())),
            f"seeds: family 000+001+002 without 003/004: {'ok' if self.family_ok else 'WRONG'}; "
            f"story 000-002+004 without 003: {'ok' if self.story_ok else 'WRONG'}",
        ]


def evaluate_seeds(encoder: Encoder | None = None) -> SeedResult | None:
    """Scan the five seeds into a fresh index and read back families and stories."""
    from retold.api import Index

    root = shared_dir()
    if root is None or not (root / "seeds").is_dir():
        return None
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "seeds.db",
                                                     encoder=encoder) as index:
        index.scan([str(root / "seeds")])
        data = index.to_json()
    fam = {Path(d["path"]).name[:3]: d["family"] for d in data["documents"]}
    story = {Path(d["path"]).name[:3]: d["story"] for d in data["documents"]}
    return SeedResult(fam, story)
