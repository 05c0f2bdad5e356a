"""ECB+ story-clustering evaluation: group news documents by seminal event.

Gold cluster = (topic, ecb|ecbplus): within a topic the ``ecb`` documents report one event
and the ``ecbplus`` documents another event of the same type (Tara Reid vs Lindsay Lohan
entering rehab), so a topic-level clusterer cannot score well. Settings were chosen on topics
1-22 ("dev") only; topics 36-45 ("test") are for reporting. Clustering runs over all documents
of a split together, not per topic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retold.documents import Document
from retold.evaluate.datasets import shared_dir
from retold.evaluate.metrics import bcubed

EcbSplit = Literal["dev", "test", "all"]

DEV_TOPICS = range(1, 23)
TEST_TOPICS = range(36, 46)
_NAME = re.compile(r"^(\d+)_(\d+)(ecbplus|ecb)\.xml$")
# The tokeniser split punctuation off words; glue it back so the rebuilt text reads like the
# article (capitalisation and sentence boundaries are what the story features look at).
_NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}'](?:\s|$)|n't\b|'s\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


@dataclass(frozen=True, slots=True)
class EcbDocument:
    """One ECB+ article with its gold story."""

    doc: Document
    topic: int
    subtopic: str  # "ecb" or "ecbplus"

    @property
    def gold(self) -> str:
        return f"{self.topic}:{self.subtopic}"


def ecbplus_dir() -> Path | None:
    """The ``ECB+`` folder of the shared data, or None when it is absent."""
    root = shared_dir()
    if root is None:
        return None
    path = root / "data" / "ecbplus" / "ECB+_LREC2014" / "ECB+"
    return path if path.is_dir() else None


def _topics(split: EcbSplit) -> set[int]:
    if split == "dev":
        return set(DEV_TOPICS)
    if split == "test":
        return set(TEST_TOPICS)
    if split == "all":
        return set(range(1, 46))
    raise ValueError(f"split must be 'dev', 'test' or 'all', not {split!r}")


def read_ecb_file(path: Path) -> str:
    """Rebuild an ECB+ document's text: tokens joined per sentence, one sentence a line.

    In ``ecbplus`` files sentence 0 is the source URL, which would leak the story (and is no
    article text), so it is dropped.
    """
    sentences: dict[int, list[str]] = defaultdict(list)
    for tok in ET.parse(path).getroot().iter("token"):
        sentences[int(tok.get("sentence", "0"))].append(tok.text or "")
    plus = path.name.endswith("ecbplus.xml")
    lines = []
    for sid in sorted(sentences):
        if plus and sid == 0:
            continue
        line = " ".join(t for t in sentences[sid] if t)
        line = _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", line))
        lines.append(line)
    return "\n".join(lines)


def load_ecbplus(split: EcbSplit = "test") -> list[EcbDocument] | None:
    """All documents of the split's topics, in file-name order; None when the data is absent."""
    base = ecbplus_dir()
    if base is None:
        return None
    topics = _topics(split)
    out: list[EcbDocument] = []
    for topic_dir in sorted(base.iterdir(), key=lambda p: (len(p.name), p.name)):
        if not topic_dir.is_dir() or not topic_dir.name.isdigit():
            continue
        if int(topic_dir.name) not in topics:
            continue
        files = []
        for path in topic_dir.glob("*.xml"):
            m = _NAME.match(path.name)
            if m:
                files.append((int(m.group(2)), m.group(3), path))
        for _, sub, path in sorted(files):
            text = read_ecb_file(path)
            doc = Document(id=path.stem, text=text, path=str(path))
            out.append(EcbDocument(doc, int(topic_dir.name), sub))
    return out


def evaluate_ecbplus(
    split: EcbSplit = "test",
    method: Literal["agglomerative", "incremental"] = "agglomerative",
    verbose: bool = True,
) -> tuple[float, float, float] | None:
    """Cluster all documents of ``split`` together and score against the gold stories.

    Returns (BCubed precision, recall, F1), or None when the data is absent. ``method`` is
    passed to :func:`retold.stories.cluster_stories` ("agglomerative" or "incremental").
    """
    from retold.stories import StoryParams, cluster_stories, featurize

    items = load_ecbplus(split)
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
        print(
            f"ECB+ {split} ({len(items)} docs, {n_gold} gold / {n_pred} predicted stories, "
            f"{method})"
        )
        print(f"BCubed P={scores.precision:.4f} R={scores.recall:.4f} F1={scores.f1:.4f}")
    return scores.precision, scores.recall, scores.f1


if __name__ == "__main__":
    import sys

    evaluate_ecbplus(*(sys.argv[1:2] or ["test"]), *(sys.argv[2:3]))  # type: ignore[arg-type]
