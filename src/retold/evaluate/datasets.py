"""Loaders for the shared evaluation datasets.

Each loader reads the files as distributed (see the ``SOURCE.md`` next to each dataset) and
returns plain typed records. Loaders raise ``FileNotFoundError`` when the shared folder is
missing; callers that want to skip instead check :func:`shared_dir` first.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Split = Literal["train", "test"]


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Two sentences and whether the second is a paraphrase (rewrite) of the first."""

    s1: str
    s2: str
    label: int


@dataclass(frozen=True, slots=True)
class CloughAnswer:
    """One student answer of the Clough & Stevenson corpus.

    ``category`` is ``non`` (independent), ``cut`` (near-verbatim), ``light`` or ``heavy``
    (revisions of the task's source, ``orig_task<task>.txt``).
    """

    name: str
    task: str
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class CloughCorpus:
    answers: list[CloughAnswer]
    sources: dict[str, str]  # task letter -> source text


def shared_dir() -> Path | None:
    """The shared data folder: ``$RETOLD_SHARED`` if set, else ``../shared`` next to the repo.

    Returns None when neither exists, so tests and the CLI can skip with a clear reason.
    """
    env = os.environ.get("RETOLD_SHARED")
    candidates = [Path(env)] if env else []
    # src/retold/evaluate/datasets.py -> repo root is parents[3]; shared sits beside it.
    candidates.append(Path(__file__).resolve().parents[3].parent / "shared")
    for path in candidates:
        if (path / "data").is_dir():
            return path
    return None


def _data_dir(name: str) -> Path:
    root = shared_dir()
    if root is None:
        raise FileNotFoundError(
            "shared datasets not found: set RETOLD_SHARED or place them at ../shared"
        )
    path = root / "data" / name
    if not path.is_dir():
        raise FileNotFoundError(f"dataset folder missing: {path}")
    return path


def _check_split(split: str) -> None:
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")


def load_pan10(split: Split) -> list[SentencePair]:
    """PAN-10 MT-metrics paraphrase pairs (Madnani et al. 2012); 10,000 train / 3,000 test."""
    _check_split(split)
    folder = _data_dir("pan10_mtmetrics_paraphrase")

    def lines(suffix: str) -> list[str]:
        # Split on "\n" only: str.splitlines would also break on stray form feeds or U+2028
        # inside a sentence and misalign the three parallel files.
        text = (folder / f"pan-{split}{suffix}").read_text(encoding="utf-8")
        out = text.split("\n")
        if out and out[-1] == "":
            out.pop()
        return [line.rstrip("\r") for line in out]

    s1, s2, labels = lines("_s1.txt"), lines("_s2.txt"), lines(".labels")
    if not len(s1) == len(s2) == len(labels):
        raise ValueError(f"PAN-10 {split}: files have {len(s1)}/{len(s2)}/{len(labels)} lines")
    return [SentencePair(a, b, int(y)) for a, b, y in zip(s1, s2, labels, strict=True)]


def load_mrpc(split: Split) -> list[SentencePair]:
    """Microsoft Research Paraphrase Corpus; 4,076 train / 1,725 test pairs."""
    _check_split(split)
    path = _data_dir("mrpc") / f"msr_paraphrase_{split}.txt"
    pairs: list[SentencePair] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)  # header
        for row in reader:
            if not row:
                continue
            pairs.append(SentencePair(row[3], row[4], int(row[0])))
    return pairs


def _read_mixed(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff")


def load_clough() -> CloughCorpus:
    """Clough & Stevenson (2011) short answers: 95 answers and the 5 task sources."""
    folder = _data_dir("clough_stevenson_plagiarism") / "corpus"
    answers: list[CloughAnswer] = []
    sources: dict[str, str] = {}
    with (folder / "file_information.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name, task, category = row["File"], row["Task"], row["Category"]
            if category == "orig":
                continue
            answers.append(CloughAnswer(name, task, category, _read_mixed(folder / name)))
    for task in "abcde":
        sources[task] = _read_mixed(folder / f"orig_task{task}.txt")
    return CloughCorpus(answers, sources)
