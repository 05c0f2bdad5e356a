"""Serialise an index: the ``--json`` document, and JSONL / CSV / Parquet tables."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from retold.changes import pair_drift, public_spans
from retold.relate import REUSE
from retold.store import Store


def index_json(store: Store, with_drift: bool = True) -> dict[str, Any]:
    """``{"documents", "pairs", "families", "stories"}`` as documented in DESIGN.md.

    A document's ``family`` is null when it takes part in no reuse relation; its ``role`` is
    ``source``, ``copy``, ``rewrite``, ``partial`` or ``independent``.
    """
    fam_of = store.family_of()
    story_of = store.story_of()
    docs = store.documents()
    documents = [
        {"id": d.id, "path": d.path, "url": d.url, "domain": d.domain, "title": d.title,
         "published": d.published.isoformat() if d.published else None,
         "family": fam_of[d.id][0] if d.id in fam_of else None,
         "story": story_of.get(d.id),
         "role": fam_of[d.id][1] if d.id in fam_of else "independent"}
        for d in docs
    ]
    rows = store.pairs()
    texts = store.texts(sorted({r.a for r in rows if r.relation in REUSE}
                               | {r.b for r in rows if r.relation in REUSE}))
    pairs = []
    for r in rows:
        drift: list[dict[str, Any]] = []
        if with_drift and r.relation in REUSE:
            drift = pair_drift(texts[r.a], texts[r.b], r.alignment, store.config.max_sentences)
        pairs.append({"a": r.a, "b": r.b, "relation": r.relation, "source": r.source,
                      "confidence": r.confidence, "scores": r.scores,
                      "alignment": public_spans(r.alignment),
                      "drift": drift})
    families = [
        {"id": f["id"], "source": f["source"], "source_reason": f["source_reason"],
         "size": f["size"], "members": f["members"], "tree": f["tree"]}
        for f in store.families()
    ]
    return {"documents": documents, "pairs": pairs, "families": families,
            "stories": store.stories()}


# --- table exports ----------------------------------------------------------------------

FORMATS = ("jsonl", "csv", "parquet")
TABLES = ("documents", "pairs", "families", "stories")

# Column types per table; Parquet files get exactly this schema (so an empty table still
# says what it would hold), CSV and JSONL the same columns in the same order.
_SCHEMAS: dict[str, list[tuple[str, pa.DataType]]] = {
    "documents": [
        ("id", pa.string()), ("path", pa.string()), ("url", pa.string()),
        ("domain", pa.string()), ("title", pa.string()), ("published", pa.string()),
        ("n_sentences", pa.int64()), ("family", pa.int64()), ("role", pa.string()),
        ("story", pa.int64()), ("text", pa.string()),
    ],
    "pairs": [
        ("a", pa.string()), ("b", pa.string()), ("relation", pa.string()),
        ("source", pa.string()), ("confidence", pa.float64()),
        ("direction_reason", pa.string()), ("scores", pa.string()), ("spans", pa.string()),
    ],
    "families": [
        ("family", pa.int64()), ("doc_id", pa.string()), ("role", pa.string()),
        ("parent", pa.string()), ("family_source", pa.string()),
        ("family_source_reason", pa.string()), ("family_size", pa.int64()),
    ],
    "stories": [
        ("story", pa.int64()), ("doc_id", pa.string()), ("label", pa.string()),
        ("first", pa.string()), ("last", pa.string()), ("story_size", pa.int64()),
    ],
}
# Nested values: objects in JSONL, JSON text in the flat formats.
_NESTED = {"pairs": ("scores", "spans")}


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    """The rows of one export table, nested columns (scores, spans) as Python objects."""
    if table == "documents":
        fam_of = store.family_of()
        story_of = store.story_of()
        docs = store.documents()
        texts = store.texts([d.id for d in docs])
        return [
            {"id": d.id, "path": d.path, "url": d.url, "domain": d.domain, "title": d.title,
             "published": d.published.isoformat() if d.published else None,
             "n_sentences": d.n_sentences,
             "family": fam_of[d.id][0] if d.id in fam_of else None,
             "role": fam_of[d.id][1] if d.id in fam_of else "independent",
             "story": story_of.get(d.id), "text": texts.get(d.id)}
            for d in docs
        ]
    if table == "pairs":
        return [
            {"a": r.a, "b": r.b, "relation": r.relation, "source": r.source,
             "confidence": r.confidence, "direction_reason": r.direction_reason,
             "scores": r.scores,
             "spans": public_spans(r.alignment)}
            for r in store.pairs()
        ]
    if table == "families":
        return [
            {"family": f["id"], "doc_id": m["doc_id"], "role": m["role"],
             "parent": m["parent"], "family_source": f["source"],
             "family_source_reason": f["source_reason"], "family_size": f["size"]}
            for f in store.families() for m in f["members"]
        ]
    if table == "stories":
        return [
            {"story": s["id"], "doc_id": d, "label": s["label"], "first": s["first"],
             "last": s["last"], "story_size": s["size"]}
            for s in store.stories() for d in s["members"]
        ]
    raise ValueError(f"unknown table {table!r} (expected one of {', '.join(TABLES)})")


def export_tables(
    store: Store, fmt: str, out_dir: str | Path, tables: Sequence[str] = TABLES
) -> list[Path]:
    """Write each table to ``out_dir/<table>.<fmt>``; returns the files written.

    JSONL keeps scores and spans as nested objects; CSV and Parquet hold them as JSON text,
    so every format has one flat column per field and the same columns.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        rows = table_rows(store, table)
        path = out / f"{table}.{fmt}"
        tmp = path.with_name(path.name + ".part")
        # Written aside and renamed, so a reader never sees half a table.
        if fmt == "jsonl":
            with tmp.open("w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            flat = [_flatten(table, row) for row in rows]
            if fmt == "csv":
                cols = [name for name, _ in _SCHEMAS[table]]
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    writer = csv.DictWriter(fh, fieldnames=cols)
                    writer.writeheader()
                    writer.writerows(flat)
            else:
                schema = pa.schema(_SCHEMAS[table])
                pq.write_table(pa.Table.from_pylist(flat, schema=schema), tmp)
        tmp.replace(path)
        written.append(path)
    return written


def _flatten(table: str, row: dict[str, Any]) -> dict[str, Any]:
    nested = _NESTED.get(table, ())
    return {k: json.dumps(v, sort_keys=True) if k in nested else v for k, v in row.items()}
