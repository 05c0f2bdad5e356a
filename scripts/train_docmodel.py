"""Train the document-level reuse model, ``src/retold/data/docmodel.json``.

Re-run from the repository root, with the shared datasets at ``../shared``::

    .venv/bin/python scripts/train_docmodel.py

Training data (never the demo corpus, never the seed articles):

1. Clough & Stevenson: every answer against each of the five task sources (475 pairs;
   reuse = a cut/light/heavy answer against its own task's source);
2. two synthetic news corpora from ``bench/generate.py`` (seeds 7 and 11, 2,000 documents
   each; the benchmark corpus uses seed 1 and stays unseen): every candidate pair that
   ``retold scan`` verifies, reuse when both documents belong to one gold reuse family.
   Most hard negatives there are independent reports of the same event.

Each group gets the same total weight. The model is a logistic regression (C=1, no tuning)
with the fixed decision cut 0.5. The synthetic feature rows are written next to the model
(``docmodel_synthetic.json``, numbers only) so that ``retold eval clough-stevenson`` can
refit the model leaving one Clough task out at a time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.run_bench import components, gold_pairs  # noqa: E402
from retold.api import Index, default_encoder  # noqa: E402
from retold.docmodel import (  # noqa: E402
    FEATURE_NAMES,
    default_model_path,
    default_synthetic_path,
    feature_rows,
    fit,
    group_weights,
)
from retold.evaluate.documents import clough_pairs  # noqa: E402

SYNTHETIC_SEEDS = (7, 11)
SYNTHETIC_DOCS = 2000


def synthetic_rows(seed: int, n_docs: int, workdir: Path) -> tuple[np.ndarray, np.ndarray]:
    corpus = workdir / f"synth-{seed}"
    corpus.mkdir(parents=True, exist_ok=True)
    write_corpus(corpus, n_docs, seed, 0.2)
    db = workdir / f"synth-{seed}.db"
    with Index(db, encoder=default_encoder()) as index:
        index.scan([str(corpus / "corpus.jsonl")])
    gold, _ = gold_pairs(corpus)
    comp = components(gold)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT a, b, scores FROM pairs ORDER BY a, b").fetchall()
    con.close()
    scores = [json.loads(s) for _, _, s in rows]
    y = np.array([a in comp and comp.get(a) == comp.get(b) for a, b, _ in rows], dtype=bool)
    return feature_rows(scores), y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=default_model_path())
    ap.add_argument("--synthetic-out", type=Path, default=default_synthetic_path())
    ap.add_argument("--docs", type=int, default=SYNTHETIC_DOCS)
    args = ap.parse_args()

    pairs = clough_pairs()
    xc = feature_rows([p.scores for p in pairs])
    yc = np.array([p.reused for p in pairs], dtype=bool)
    xs_parts, ys_parts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SYNTHETIC_SEEDS:
            x, y = synthetic_rows(seed, args.docs, Path(tmp))
            print(f"synthetic seed {seed}: {len(y)} candidate pairs, {int(y.sum())} reuse")
            xs_parts.append(x)
            ys_parts.append(y)
    xs, ys = np.vstack(xs_parts), np.concatenate(ys_parts)
    args.synthetic_out.write_text(json.dumps({
        "format": "retold-docmodel-rows/1",
        "feature_names": list(FEATURE_NAMES),
        "source": f"bench/generate.py seeds {list(SYNTHETIC_SEEDS)}, {args.docs} docs each; "
                  "candidate pairs of retold scan; label = same gold reuse family",
        "x": [[round(float(v), 5) for v in row] for row in xs],
        "y": [int(v) for v in ys],
    }, separators=(",", ":")) + "\n", encoding="utf-8")

    x = np.vstack([xc, xs])
    y = np.concatenate([yc, ys])
    w = group_weights(["clough"] * len(yc) + ["synthetic"] * len(ys))
    model = fit(x, y, w, c=1.0, meta={
        "trained_on": f"Clough & Stevenson answer x source pairs ({len(yc)}) + synthetic "
                      f"candidate pairs ({len(ys)}, bench/generate.py seeds "
                      f"{list(SYNTHETIC_SEEDS)}); groups weighted equally",
        "model": "logistic regression, C=1, standardised features, cut 0.5",
        "script": "scripts/train_docmodel.py",
    })
    model.save(args.out)
    p = model.predict_proba(x) >= model.threshold
    for name, sel in (("clough", slice(0, len(yc))), ("synthetic", slice(len(yc), None))):
        yy, pp = y[sel], p[sel]
        print(f"{name} (train, optimistic): reuse recall {pp[yy].mean():.3f}, "
              f"false reuse rate {pp[~yy].mean():.4f}")
    print("coefficients:", dict(zip(FEATURE_NAMES, np.round(model.coef, 3), strict=True)))
    print(f"wrote {args.out} and {args.synthetic_out}")


if __name__ == "__main__":
    main()
