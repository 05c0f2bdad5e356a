"""WikiRef220 story-clustering evaluation (coarse news topics plus noise documents).

220 articles cited on Wikipedia: five large topics (Paris attacks, MH370, Michelle Obama,
Premier League, Galaxy S5) and 35 "noise" articles from 11 small topics. The gold label is
the file-name prefix before the number. Much coarser than event-level stories, so it checks
that one story's coverage is not shattered; nothing here was tuned on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retold.documents import Document
from retold.evaluate.datasets import shared_dir
from retold.evaluate.metrics import bcubed

# "ParisAttacks2015 (12).txt" and "malaysia.airlines.flight.134.txt" -> the part before the
# number; "samsung.galaxy.s5 (3)" keeps its own "s5".
_LABEL = re.compile(r"^(?P<label>.+?)(?:\s*\(\d+\)|\.\d+)$")


@dataclass(frozen=True, slots=True)
class WikiRefDocument:
    doc: Document
    gold: str


def wikiref_dir() -> Path | None:
    """The ``WikiRef220`` folder of the shared data, or None when it is absent."""
    root = shared_dir()
    if root is None:
        return None
    path = root / "data" / "wikiref220" / "WikiRef220"
    return path if path.is_dir() else None


def label_of(stem: str) -> str:
    """Gold label of a file stem: the prefix before its number."""
    m = _LABEL.match(stem)
    return m.group("label") if m else stem


def load_wikiref() -> list[WikiRefDocument] | None:
    """All 220 articles in file-name order; None when the data is absent."""
    base = wikiref_dir()
    if base is None:
        return None
    out = []
    for path in sorted(base.glob("*.txt")):
        # The files are Windows-1252 with CRLF; a few bytes are undefined in cp1252, so
        # fall back to latin-1 (which maps every byte) rather than fail.
        raw = path.read_bytes()
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        text = text.replace("\r\n", "\n")
        out.append(
            WikiRefDocument(Document(id=path.stem, text=text, path=str(path)), label_of(path.stem))
        )
    return out


def evaluate_wikiref(
    method: Literal["agglomerative", "incremental"] = "agglomerative", verbose: bool = True
) -> tuple[float, float, float] | None:
    """Cluster all 220 articles with the default story settings and score them.

    Returns (BCubed precision, recall, F1), or None when the data is absent.
    """
    from retold.stories import StoryParams, cluster_stories, featurize

    items = load_wikiref()
    if items is None:
        return None
    feats = featurize([it.doc for it in items], params=StoryParams())
    labels = cluster_stories(feats, method=method)
    scores = bcubed(
        {it.doc.id: it.gold for it in items},
        {it.doc.id: int(lab) for it, lab in zip(items, labels, strict=True)},
    )
    if verbose:
        n_pred = len(set(labels.tolist()))
        n_gold = len({it.gold for it in items})
        print(f"WikiRef220 ({len(items)} docs, {n_gold} gold / {n_pred} predicted, {method})")
        print(f"BCubed P={scores.precision:.4f} R={scores.recall:.4f} F1={scores.f1:.4f}")
    return scores.precision, scores.recall, scores.f1


if __name__ == "__main__":
    import sys

    evaluate_wikiref(*(sys.argv[1:2] or ["agglomerative"]))  # type: ignore[arg-type]
