"""What a rewrite changed, for people: a pair's sentence rows, word highlights and drift.

One view model (``pair_rows``) feeds three outputs: ``comparison_json`` (the ``retold compare
--json`` contract), ``render_comparison`` (Rich, for the terminal) and the HTML report
(``retold.report``). Keeping the rows in one place means the terminal and the report never
disagree about which sentence was inserted or how a pair of sentences differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retold.align import word_diff
from retold.changes import pair_drift, public_spans
from retold.documents import Document, ReadError
from retold.pipeline import pair_row
from retold.text import shorten, split_sentences

if TYPE_CHECKING:
    from rich.console import Console

    from retold.api import Comparison
    from retold.store import Store

# Row kinds: an aligned sentence group, or a sentence found on one side only.
ALIGNED = "aligned"
INSERTED = "inserted"  # in b (the rewrite) only
OMITTED = "omitted"  # in a (the original) only


class CompareInputError(ValueError):
    """An argument of ``retold compare`` names neither one readable document nor an id."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one side's text: ``changed`` when the word diff did not keep it."""

    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a side-by-side view; spans are ``[start, end)`` offsets into each text."""

    kind: str  # ALIGNED | INSERTED | OMITTED
    label: str  # identical | minor | paraphrase | inserted | omitted
    a_span: tuple[int, int] | None
    b_span: tuple[int, int] | None
    a_segments: tuple[Segment, ...]
    b_segments: tuple[Segment, ...]
    boilerplate: bool = False
    similarity: float | None = None
    moved: bool = False  # aligned out of order (``align.moved_matches``)


def alignment_dict(comparison: Comparison) -> dict[str, Any]:
    """The pair's alignment in the shape the index stores (``pipeline.pair_row``).

    Going through ``pair_row`` keeps ``compare`` and ``scan --json`` identical for the same
    pair; it also drops the sentence matches of a non-reuse pair, whose "changes" would only
    be the differences between two independent reports.
    """
    return pair_row(comparison.result).alignment


def comparison_json(comparison: Comparison, max_sentences: int = 400) -> dict[str, Any]:
    """``{"a", "b", "relation", "scores", "alignment", "drift"}`` (DESIGN.md contract)."""
    res = comparison.result
    al = alignment_dict(comparison)
    return {
        "a": comparison.a.id,
        "b": comparison.b.id,
        "relation": res.relation,
        "scores": dict(res.scores),
        "alignment": public_spans(al),
        "drift": pair_drift(comparison.a.text, comparison.b.text, al, max_sentences),
    }


def flip_alignment(alignment: Mapping[str, Any]) -> dict[str, Any]:
    """A stored alignment seen from the other side (the index keeps each pair once)."""
    def flipped(spans: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "a_span": s["b_span"], "b_span": s["a_span"],
                 "a_sentences": s.get("b_sentences"), "b_sentences": s.get("a_sentences")}
                for s in spans]

    return {
        "spans": flipped(alignment.get("spans", [])),
        "moved": flipped(alignment.get("moved", [])),
        "unmatched_a": list(alignment.get("unmatched_b", [])),
        "unmatched_b": list(alignment.get("unmatched_a", [])),
        "boilerplate_a": list(alignment.get("boilerplate_b", [])),
        "boilerplate_b": list(alignment.get("boilerplate_a", [])),
    }


def word_segments(a: str, b: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Both sides cut into kept and changed stretches by ``align.word_diff``.

    Text between tokens (spaces, line breaks) is kept as unchanged so that the segments
    join back into exactly ``a`` and ``b``.
    """
    left: list[Segment] = []
    right: list[Segment] = []
    pos_a = pos_b = 0
    for op in word_diff(a, b):
        a0, a1 = op.a_span
        b0, b1 = op.b_span
        _push(left, a[pos_a:a0], False)
        _push(right, b[pos_b:b0], False)
        _push(left, a[a0:a1], op.op != "equal")
        _push(right, b[b0:b1], op.op != "equal")
        pos_a, pos_b = max(pos_a, a1), max(pos_b, b1)
    _push(left, a[pos_a:], False)
    _push(right, b[pos_b:], False)
    return tuple(left), tuple(right)


def _push(out: list[Segment], text: str, changed: bool) -> None:
    if not text:
        return
    if out and out[-1].changed == changed:
        out[-1] = Segment(out[-1].text + text, changed)
    else:
        out.append(Segment(text, changed))


def pair_rows(
    a_text: str, b_text: str, alignment: Mapping[str, Any], max_sentences: int = 400
) -> list[Row]:
    """Side-by-side rows in reading order: aligned groups, inserted and omitted sentences.

    A one-sided sentence is placed before the first aligned group that follows it in its
    own document, so an inserted heading shows up where the reader meets it.
    """
    sa = split_sentences(a_text, max_sentences=max_sentences)
    sb = split_sentences(b_text, max_sentences=max_sentences)
    spans = sorted(alignment.get("spans", []), key=lambda s: (s["a_span"][0], s["b_span"][0]))
    moved = alignment.get("moved", [])
    covered_a = {i for s in [*spans, *moved] for i in _range(s.get("a_sentences"))}
    covered_b = {j for s in [*spans, *moved] for j in _range(s.get("b_sentences"))}
    boiler_a = set(alignment.get("boilerplate_a", []))
    boiler_b = set(alignment.get("boilerplate_b", []))
    # Boilerplate is kept out of the alignment, so it is one-sided too (as in pair_drift).
    only_a = sorted((set(alignment.get("unmatched_a", [])) | boiler_a) - covered_a)
    only_b = sorted((set(alignment.get("unmatched_b", [])) | boiler_b) - covered_b)
    only_a = [i for i in only_a if i < len(sa)]
    only_b = [j for j in only_b if j < len(sb)]

    rows: list[Row] = []
    ia = ib = 0
    for s in spans:
        a0, a1 = s["a_span"]
        b0, b1 = s["b_span"]
        while ia < len(only_a) and sa[only_a[ia]].start < a0:
            rows.append(_one_sided(sa[only_a[ia]], OMITTED, only_a[ia] in boiler_a))
            ia += 1
        while ib < len(only_b) and sb[only_b[ib]].start < b0:
            rows.append(_one_sided(sb[only_b[ib]], INSERTED, only_b[ib] in boiler_b))
            ib += 1
        left, right = word_segments(a_text[a0:a1], b_text[b0:b1])
        rows.append(Row(ALIGNED, s["level"], (a0, a1), (b0, b1), left, right,
                        similarity=s.get("similarity")))
    rows += [_one_sided(sa[i], OMITTED, i in boiler_a) for i in only_a[ia:]]
    rows += [_one_sided(sb[j], INSERTED, j in boiler_b) for j in only_b[ib:]]
    for s in sorted(moved, key=lambda s: s["b_span"][0], reverse=True):
        # Shown where the rewrite's reader meets it: before the first row that starts
        # later on the rewrite's side.
        a0, a1 = s["a_span"]
        b0, b1 = s["b_span"]
        at = next((k for k, r in enumerate(rows) if r.b_span and r.b_span[0] > b0), len(rows))
        left, right = word_segments(a_text[a0:a1], b_text[b0:b1])
        rows.insert(at, Row(ALIGNED, s["level"], (a0, a1), (b0, b1), left, right,
                            similarity=s.get("similarity"), moved=True))
    return rows


def _range(bounds: Sequence[int] | None) -> range:
    return range(bounds[0], bounds[1]) if bounds else range(0)


def _one_sided(sentence: Any, kind: str, boilerplate: bool) -> Row:
    span = (sentence.start, sentence.end)
    seg = (Segment(sentence.text, True),)
    if kind == INSERTED:
        return Row(kind, kind, None, span, (), seg, boilerplate)
    return Row(kind, kind, span, None, seg, (), boilerplate)


# --- input --------------------------------------------------------------------------------


def load_document(arg: str, store: Store | None) -> Document:
    """The document ``arg`` names: a file holding one article, else an id in ``store``.

    Raises ``CompareInputError`` with a one-line reason for anything else.
    """
    from retold.readers import read_paths

    path = Path(arg)
    if path.is_dir():
        raise CompareInputError(f"{arg}: is a folder; compare takes one file or one id")
    if path.exists():
        items = list(read_paths([path]))
        errors = [i for i in items if isinstance(i, ReadError)]
        if errors:
            raise CompareInputError(str(errors[0]))
        docs = [i for i in items if isinstance(i, Document)]
        if len(docs) != 1:
            raise CompareInputError(
                f"{arg}: holds {len(docs)} documents; compare takes a file with exactly one"
            )
        return docs[0]
    if store is None:
        raise CompareInputError(f"{arg}: no such file, and no index to look it up as an id")
    doc = store.document(arg)
    if doc is None:
        raise CompareInputError(f"{arg}: no such file or document id in {store.path}")
    return doc


# --- terminal -----------------------------------------------------------------------------

LEVEL_STYLE = {
    "identical": "green",
    "minor": "yellow",
    "paraphrase": "magenta",
    INSERTED: "bold green",
    OMITTED: "bold red",
}


def _rich_text(segments: Sequence[Segment], changed_style: str) -> Any:
    from rich.text import Text

    text = Text()
    for seg in segments:
        text.append(seg.text, style=changed_style if seg.changed else "")
    return text


def _label(doc: Document) -> str:
    return doc.title or doc.path or doc.id


def render_comparison(comparison: Comparison, console: Console, max_sentences: int = 400) -> None:
    """Print the pair side by side with word highlights, then the drift list."""
    from rich.table import Table
    from rich.text import Text

    a, b, res = comparison.a, comparison.b, comparison.result
    al = alignment_dict(comparison)
    # Text objects, not markup strings: article text may contain "[...]" Rich would parse.
    for side, doc in (("A ", a), ("B ", b)):
        ident = f" ({doc.id})" if _label(doc) != doc.id else ""
        console.print(Text.assemble((side, "bold"), (_label(doc), ""), (ident, "dim")))
    relation = res.relation or "unrelated"
    keys = ("coverage_a", "coverage_b", "mean_similarity", "wording", "doc_cosine")
    shown = ", ".join(f"{k} {res.scores[k]:.2f}" for k in keys if k in res.scores)
    console.print(Text.assemble(("relation: ", "bold"), (relation, "bold cyan"),
                                (f"  ({shown})" if shown else "", "dim")))
    rows = pair_rows(a.text, b.text, al, max_sentences)
    if not rows:
        console.print(Text("No reused sentences to show: the texts are not a copy, rewrite "
                           "or partial reuse of each other.", style="dim"))
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("", no_wrap=True, width=11)
    table.add_column("A", ratio=1)
    table.add_column("B", ratio=1)
    for row in rows:
        label = Text(row.label, style=LEVEL_STYLE.get(row.label, ""))
        if row.boilerplate:
            label.append("\nboilerplate", style="dim")
        if row.moved:
            label.append("\nmoved", style="dim")
        # A whole one-sided sentence is coloured, not struck through, to stay readable.
        aligned = row.kind == ALIGNED
        table.add_row(label, _rich_text(row.a_segments, "red strike" if aligned else "red"),
                      _rich_text(row.b_segments, "green"))
    console.print(table)
    drift = pair_drift(a.text, b.text, al, max_sentences)
    console.print(Text(f"{len(drift)} drift items", style="bold"))
    for item in drift:
        line = Text()
        line.append(f"{item['type']:<9}", style="bold " + _DRIFT_STYLE.get(item["type"], ""))
        line.append(" ")
        a_text, b_text = item["a_text"], item["b_text"]
        line.append("-" if a_text is None else shorten(a_text, 90), style="red")
        line.append(" → ")
        line.append("-" if b_text is None else shorten(b_text, 90), style="green")
        line.append(f"  {item['detail']}", style="dim")
        console.print(line)


_DRIFT_STYLE = {"inserted": "green", "omitted": "red", "negation": "red", "number": "yellow",
                "date": "yellow", "entity": "cyan", "title": "cyan", "quote": "magenta",
                "hedge": "magenta"}
