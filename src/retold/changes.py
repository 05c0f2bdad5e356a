"""Drift of a verified pair: fact changes in aligned sentences, inserted and omitted ones.

Glue between the alignment (``relate``) and the fact comparison (``drift``): it walks the
aligned spans and the sentences moved out of order, asks ``drift`` about each, and turns
unaligned sentences into ``inserted`` / ``omitted`` items. Boilerplate sentences are
reported as inserted with that detail, unless both sides hold them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from retold.align import lower_tokens, same_words
from retold.entities import quote_spans
from retold.text import (
    Sentence,
    content_words,
    dateline_end,
    looks_like_heading,
    normalize,
    shorten,
    split_sentences,
)

if TYPE_CHECKING:
    from retold.drift import Drift


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
    boiler_b = set(alignment.get("boilerplate_b", []))
    boiler_a = set(alignment.get("boilerplate_a", []))
    un_a = set(alignment.get("unmatched_a", [])) - boiler_a
    un_b = set(alignment.get("unmatched_b", [])) - boiler_b
    # A dateline one side drops ("DRASNY, March 14 (CWS) - ") is the agency copy's
    # metadata, not a fact of the story lost: its date and agency are left out.
    da, db = dateline_end(a_text), dateline_end(b_text)
    if da and db:
        da = db = 0
    for span in alignment.get("spans", []):
        a0, a1 = span["a_span"]
        b0, b1 = span["b_span"]
        a0 = da if a0 < da < a1 else a0
        b0 = db if b0 < db < b1 else b0
        if span.get("level") == "identical" and same_words(a_text[a0:a1], b_text[b0:b1]):
            continue
        # A heading merged into a span at its edge ("Side Effects You Should Know About"
        # before the sentence it heads) was inserted, not rewritten from the other side.
        a0, a1 = _without_headings(sa, span.get("a_sentences"), a0, a1, un_a)
        b0, b1 = _without_headings(sb, span.get("b_sentences"), b0, b1, un_b)
        items += _items(sentence_drift(a_text[a0:a1], b_text[b0:b1], a0, b0, context))
    for span in alignment.get("moved", []):
        (i, _), (j, _) = span["a_sentences"], span["b_sentences"]
        if i < len(sa) and j < len(sb):
            # Moved, so neither omitted nor inserted; its words may still have changed.
            un_a.discard(i)
            un_b.discard(j)
            a0, a1, b0, b1 = sa[i].start, sa[i].end, sb[j].start, sb[j].end
            if not same_words(a_text[a0:a1], b_text[b0:b1]):
                items += _items(sentence_drift(a_text[a0:a1], b_text[b0:b1], a0, b0, context))
    shared_a, shared_b = _shared_lines(sa, sb, boiler_a, boiler_b)
    # A quotation that many reports repeat is boilerplate to the alignment, but reworded by
    # one side it is still that side's altered quote ("A custodial sentence is inevitable."
    # -> "... is a possibility.").
    # When the quotation's words are the same on both sides, the change is in the sentence
    # around it (who said it, in what office) and is told as any aligned sentence's would be.
    for i, j in reworded_quotes(sa, sb, alignment.get("spans", []),
                                un_a | (boiler_a - shared_a), un_b | (boiler_b - shared_b)):
        a, b = sa[i], sb[j]
        qa, qb = _quoted_words(a.text), _quoted_words(b.text)
        if same_words(a.text, b.text):
            pass  # the closing sentence of a longer quotation, kept word for word
        elif qa and qa == qb:
            items += _items(sentence_drift(a.text, b.text, a.start, b.start, context))
        else:
            items.append({"type": "quote", "a_text": a.text, "b_text": b.text,
                          "a_span": [a.start, a.end], "b_span": [b.start, b.end],
                          "detail": f"quote reworded: {shorten(a.text, 80)!r} -> "
                                    f"{shorten(b.text, 80)!r}"})
        un_a.discard(i)
        un_b.discard(j)
        boiler_a.discard(i)
        boiler_b.discard(j)
    items += _whole(sb, sorted((un_b | boiler_b) - shared_b), "inserted", boiler_b)
    items += _whole(sa, sorted((un_a | boiler_a) - shared_a), "omitted", boiler_a)
    return items


def _shared_lines(
    sa: Sequence[Sentence], sb: Sequence[Sentence], boiler_a: set[int], boiler_b: set[int]
) -> tuple[set[int], set[int]]:
    """Boilerplate sentences that both sides hold word for word, paired one to one: kept
    out of the alignment because they recur across documents (a site's footer, or a short
    quotation every copy repeats), but neither inserted nor omitted by either side."""
    free: dict[tuple[str, ...], list[int]] = {}
    for j in sorted(boiler_b):
        if j < len(sb):
            free.setdefault(tuple(lower_tokens(sb[j].text)), []).append(j)
    out_a: set[int] = set()
    out_b: set[int] = set()
    for i in sorted(boiler_a):
        if i < len(sa) and (partners := free.get(tuple(lower_tokens(sa[i].text)))):
            out_a.add(i)
            out_b.add(partners.pop(0))
    return out_a, out_b


def public_spans(alignment: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored alignment's spans as ``--json`` and the exports give them (DESIGN.md:
    ``a_span``, ``b_span``, ``level``): the aligned ones in order, then the sentences moved
    out of order, flagged ``"moved": true``."""
    return ([{"a_span": s["a_span"], "b_span": s["b_span"], "level": s["level"]}
             for s in alignment.get("spans", [])]
            + [{"a_span": s["a_span"], "b_span": s["b_span"], "level": s["level"],
                "moved": True} for s in alignment.get("moved", [])])


def _items(found: Iterable[Drift]) -> list[dict[str, Any]]:
    return [{"type": d.type, "a_text": d.a_text, "b_text": d.b_text,
             "a_span": list(d.a_span) if d.a_span else None,
             "b_span": list(d.b_span) if d.b_span else None,
             "detail": d.detail} for d in found]


def _without_headings(
    sents: Sequence[Sentence], rows: Sequence[int] | None, start: int, end: int,
    unmatched: set[int],
) -> tuple[int, int]:
    """The span ``[start, end)`` of sentences ``rows`` (``[first, last)``) less a heading at
    either edge of a merged span; each heading left out joins ``unmatched``."""
    if not rows or rows[1] - rows[0] < 2 or rows[1] > len(sents):
        return start, end
    first, last = rows[0], rows[1] - 1
    if looks_like_heading(sents[first].text):
        unmatched.add(first)
        start = sents[first + 1].start
    elif looks_like_heading(sents[last].text):
        unmatched.add(last)
        end = sents[last - 1].end
    return start, end


def reworded_quotes(
    sa: Sequence[Sentence], sb: Sequence[Sentence], spans: Sequence[Mapping[str, Any]],
    un_a: set[int], un_b: set[int],
) -> list[tuple[int, int]]:
    """Unaligned quoted sentences that stand in each other's place: the sentences of prose
    with a quotation mark that each side has between the same two aligned spans, paired in
    order where both sides have as many (a quotation reworded past alignment,
    '"Execution will be everything."' -> '"Everything will depend on how it is carried
    out."'). Other sentences in the gap (a spinner's inserted line, a heading) do not
    count. Of several, each pair must share words: one or two counterparts are a
    quotation's natural unit, more in a gap are as likely a different quotation."""
    bounds = sorted((tuple(s["a_sentences"]), tuple(s["b_sentences"])) for s in spans
                    if s.get("a_sentences") and s.get("b_sentences"))
    edges = [((0, 0), (0, 0)), *bounds, ((len(sa), len(sa)), (len(sb), len(sb)))]
    out = []
    for (pa, pb), (na, nb) in itertools.pairwise(edges):
        gap_a = [i for i in un_a if pa[1] <= i < na[0] and _quoted_prose(sa[i].text)]
        gap_b = [j for j in un_b if pb[1] <= j < nb[0] and _quoted_prose(sb[j].text)]
        if len(gap_a) == 1 and len(gap_b) == 1:
            out.append((gap_a[0], gap_b[0]))
        elif len(gap_a) == len(gap_b) <= _MAX_QUOTE_RUN:
            pairs = list(zip(sorted(gap_a), sorted(gap_b), strict=True))
            if all(_share_words(sa[i].text, sb[j].text) for i, j in pairs):
                out += pairs
    return out


# Quoted sentences in one gap paired in order, at most (see ``reworded_quotes``).
_MAX_QUOTE_RUN = 3
# Content words a pair of them must share (of the shorter's), so that they are one
# quotation's sentences and not two quotations.
_MIN_SHARED_WORDS = 0.3


def _share_words(a: str, b: str) -> bool:
    wa, wb = set(content_words(lower_tokens(a))), set(content_words(lower_tokens(b)))
    return bool(wa and wb) and len(wa & wb) >= _MIN_SHARED_WORDS * min(len(wa), len(wb))


_QUOTE_MARKS = frozenset('"“”„«»')


def _quoted_words(text: str) -> list[str]:
    """The words inside a sentence's quotation marks, and after an opening mark that a
    later sentence closes (a quotation of several sentences)."""
    text = normalize(text)
    spans = quote_spans(text)
    if text.count('"') % 2:
        spans.append((text.rindex('"') + 1, len(text)))
    return [w for start, end in spans for w in lower_tokens(text[start:end])
            if any(ch.isalnum() for ch in w)]


def _quoted_prose(text: str) -> bool:
    return bool(_QUOTE_MARKS.intersection(text)) and not looks_like_heading(text)


# What content farms add around a copied article: a link to their other pages, an
# advertisement, and an author bio at the end (often a stock persona's).
_LINK = re.compile(r"^\W*(?:read (?:also|more|next)|also read|related(?: articles?| stories)?"
                   r"|see also|recommended|you may also like|more from|click here|watch)\b",
                   re.I)
_AD = re.compile(r"^\W*(?:advertisement|sponsored|subscribe|sign up for|follow us|stay tuned)\b",
                 re.I)
_BIO = re.compile(r"^\W*about the author\b|\b(?:is|was) an? (?:[\w-]+ ){0,4}?(?:writer|blogger"
                  r"|journalist|author|editor|contributor|reporter|columnist|freelancer)\b",
                  re.I)


def material_kinds(sents: Sequence[Sentence], idx: Sequence[int]) -> dict[int, str]:
    """What each of the sentences ``idx`` (inserted or omitted, in order) is, where it is
    more than prose: "heading", "link", "advertisement" or "author bio". A bio runs from
    its first sentence to the end of the run of such sentences it opens at the end of the
    document ("Jenna is a lifestyle writer who loves travel. She has written for ...")."""
    out: dict[int, str] = {}
    listed = set(idx)
    bio_from: int | None = None
    for i in sorted(listed):
        if i >= len(sents):
            continue
        text = sents[i].text
        in_bio, bio_from = bio_from is not None and i == bio_from + 1, None
        link = _LINK.search(text) is not None
        if link or _AD.search(text):
            out[i] = "link" if link else "advertisement"
            bio_from = i if in_bio else None  # "Subscribe ..." inside a trailer
        elif looks_like_heading(text):
            out[i] = "heading"
        elif in_bio or (_BIO.search(text) and listed.issuperset(range(i, len(sents)))):
            # A bio is a trailer: every sentence from it to the document's end is listed.
            out[i] = "author bio"
            bio_from = i
    return out


def _whole(
    sents: Sequence[Sentence], idx: Sequence[int], kind: str, boiler: set[int]
) -> list[dict[str, Any]]:
    out = []
    kinds = material_kinds(sents, idx)
    for i in idx:
        if i >= len(sents):
            continue
        s = sents[i]
        side_text, span = s.text, [s.start, s.end]
        detail = f"{kinds.get(i, 'sentence')} {kind}"
        if i in boiler:
            detail += " (boilerplate repeated across documents)"
        if kind == "inserted":
            out.append({"type": kind, "a_text": None, "b_text": side_text, "a_span": None,
                        "b_span": span, "detail": detail})
        else:
            out.append({"type": kind, "a_text": side_text, "b_text": None, "a_span": span,
                        "b_span": None, "detail": detail})
    return out
