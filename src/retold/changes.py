"""Drift of a verified pair: fact changes in aligned sentences, inserted and omitted ones.

Glue between the alignment (``relate``) and the fact comparison (``drift``): it walks the
aligned spans, asks ``drift`` about each, and turns unaligned sentences into ``inserted`` /
``omitted`` items. Boilerplate sentences are reported as inserted with that detail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retold.align import same_words
from retold.text import Sentence, split_sentences


def _sentences(text: str, max_sentences: int) -> list[Sentence]:
    return split_sentences(text, max_sentences=max_sentences)


def pair_drift(
    a_text: str,
    b_text: str,
    alignment: Mapping[str, Any],
    max_sentences: int = 400,
) -> list[dict[str, Any]]:
    """Drift items (the ``--json`` contract) for a pair stored with its alignment."""
    from retold.drift import DriftContext, sentence_drift

    sa = _sentences(a_text, max_sentences)
    sb = _sentences(b_text, max_sentences)
    context = DriftContext.from_documents(a_text, b_text)
    items: list[dict[str, Any]] = []
    for span in alignment.get("spans", []):
        a0, a1 = span["a_span"]
        b0, b1 = span["b_span"]
        if span.get("level") == "identical" and same_words(a_text[a0:a1], b_text[b0:b1]):
            continue
        for d in sentence_drift(a_text[a0:a1], b_text[b0:b1], a0, b0, context):
            items.append({"type": d.type, "a_text": d.a_text, "b_text": d.b_text,
                          "a_span": list(d.a_span) if d.a_span else None,
                          "b_span": list(d.b_span) if d.b_span else None,
                          "detail": d.detail})
    boiler_b = set(alignment.get("boilerplate_b", []))
    boiler_a = set(alignment.get("boilerplate_a", []))
    items += _whole(sb, sorted(set(alignment.get("unmatched_b", [])) | boiler_b), "inserted",
                    boiler_b)
    items += _whole(sa, sorted(set(alignment.get("unmatched_a", [])) | boiler_a), "omitted",
                    boiler_a)
    return items


def _whole(
    sents: Sequence[Sentence], idx: Sequence[int], kind: str, boiler: set[int]
) -> list[dict[str, Any]]:
    out = []
    for i in idx:
        if i >= len(sents):
            continue
        s = sents[i]
        side_text, span = s.text, [s.start, s.end]
        detail = f"sentence {kind}"
        if i in boiler:
            detail += " (boilerplate repeated across documents)"
        if kind == "inserted":
            out.append({"type": kind, "a_text": None, "b_text": side_text, "a_span": None,
                        "b_span": span, "detail": detail})
        else:
            out.append({"type": kind, "a_text": side_text, "b_text": None, "a_span": span,
                        "b_span": None, "detail": detail})
    return out
