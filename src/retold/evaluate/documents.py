"""Document-level evaluations of the reuse detector: Clough & Stevenson, and the seeds."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from retold.api import default_encoder
from retold.config import Config
from retold.documents import Document
from retold.evaluate.datasets import load_clough, shared_dir
from retold.evaluate.metrics import binary_scores
from retold.fingerprints import Encoder, fingerprint_documents
from retold.pipeline import prepare
from retold.relate import REUSE, relate


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

    def lines(self) -> list[str]:
        out = [
            f"clough-stevenson reuse vs non: P={self.precision:.3f} R={self.recall:.3f} "
            f"F1={self.f1:.3f} accuracy={self.accuracy:.3f} (n={self.n})",
            f"source attribution: {self.source_accuracy:.3f} of {self.n_reused} reused "
            "answers traced to the right source",
            "relation by gold category:",
        ]
        for cat, counts in self.confusion.items():
            out.append(f"  {cat:6s} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return out


def _strength(scores: dict[str, float]) -> float:
    return min(scores.get("coverage_a", 0.0), scores.get("coverage_b", 0.0)) + 0.5 * max(
        scores.get("coverage_a", 0.0), scores.get("coverage_b", 0.0)
    )


def evaluate_clough(
    config: Config | None = None, encoder: Encoder | None = None
) -> CloughResult | None:
    """Each answer against all five source texts: reused when any pair is a reuse relation;
    its source is the reused text with the strongest alignment."""
    try:
        corpus = load_clough()
    except FileNotFoundError:
        return None
    config = config or Config()
    encoder = encoder or default_encoder()
    tasks = sorted(corpus.sources)
    docs = [prepare(Document(id=f"orig_{t}", text=corpus.sources[t])) for t in tasks]
    docs += [prepare(Document(id=a.name, text=a.text)) for a in corpus.answers]
    prints = dict(zip([d.id for d in docs], fingerprint_documents(docs, encoder, config),
                      strict=True))
    text = {d.id: d.text for d in docs}
    y_true, y_pred, right_source, n_reused = [], [], 0, 0
    confusion: dict[str, dict[str, int]] = {}
    for ans in corpus.answers:
        best_task, best_strength, best_rel = None, -1.0, "none"
        for task in tasks:
            src = f"orig_{task}"
            res = relate(text[src], text[ans.name], prints[src], prints[ans.name], config)
            if res.relation in REUSE and _strength(res.scores) > best_strength:
                best_task, best_strength, best_rel = task, _strength(res.scores), res.relation
        reused = ans.category != "non"
        y_true.append(reused)
        y_pred.append(best_task is not None)
        confusion.setdefault(ans.category, {}).setdefault(best_rel, 0)
        confusion[ans.category][best_rel] += 1
        if reused:
            n_reused += 1
            right_source += int(best_task == ans.task)
    s = binary_scores(y_true, y_pred)
    return CloughResult(s.precision, s.recall, s.f1, s.accuracy,
                        right_source / max(n_reused, 1), len(y_true), n_reused, confusion)


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
