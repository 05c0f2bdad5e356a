"""Drift: the fact changes between two aligned sentences (what the rewrite broke).

``sentence_drift`` compares a sentence of document A with its aligned counterpart in B (a 1:2
merge is passed as the joined text with its start offset) and lists entity, title, number,
date, quote, negation and hedge changes. Spans are ``[start, end)`` offsets into the whole
documents. The alignment stage adds ``inserted``/``omitted`` items for unaligned sentences.

Precision first: a spinner rewrites nearly every word, and a drift list that cries wolf on
"said" -> "stated" or "2%" -> "two percent" teaches users to ignore it. So every rule below
reports only a *conflict* (a value on both sides that differs) or a *loss* that the rest of
the other document does not make good (``DriftContext``): a name that moved to the
neighbouring sentence is not dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Literal

from cydifflib import SequenceMatcher

from retold.entities import (
    ORDINAL,
    TWO_WORD_HEADS,
    WEEKDAYS,
    Knowledge,
    Mention,
    Mentions,
    bare_word,
    count_word,
    extract,
    learn_from,
    number_values,
    quote_key,
    quote_spans,
    whole_units,
)
from retold.pairsim import stem
from retold.text import STOPWORDS, split_sentences, word_spans

DriftType = Literal[
    "entity", "title", "number", "date", "quote", "negation", "hedge", "inserted", "omitted"
]
DRIFT_TYPES: tuple[DriftType, ...] = (
    "entity", "title", "number", "date", "quote", "negation", "hedge", "inserted", "omitted"
)


@dataclass(frozen=True, slots=True)
class Drift:
    """One fact change. Spans are ``[start, end)`` into the full documents; an empty span
    marks the place where something was dropped or added."""

    type: DriftType
    a_text: str
    b_text: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "a_text": self.a_text, "b_text": self.b_text,
                "a_span": list(self.a_span), "b_span": list(self.b_span), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class DriftContext:
    """Document-level knowledge for drift on one document pair.

    ``knowledge``: proper words and acronyms learned from both documents. ``a_*``/``b_*``:
    canonical keys of every entity, number and date mentioned anywhere in A / B, so a fact
    the rewrite moved to another sentence is not reported as dropped.
    """

    knowledge: Knowledge
    a_entities: tuple[frozenset[str], ...] = ()
    b_entities: tuple[frozenset[str], ...] = ()
    a_numbers: frozenset[str] = frozenset()
    b_numbers: frozenset[str] = frozenset()
    a_dates: tuple[tuple[tuple[str, str], ...], ...] = ()
    b_dates: tuple[tuple[tuple[str, str], ...], ...] = ()
    a_titled: frozenset[str] = frozenset()  # holders given a title anywhere in A
    b_titled: frozenset[str] = frozenset()
    # Quotations of the whole documents: one may open in a sentence and close in the next.
    a_quotes: tuple[tuple[int, int], ...] = ()
    b_quotes: tuple[tuple[int, int], ...] = ()

    @classmethod
    def from_documents(cls, a_text: str, b_text: str) -> DriftContext:
        knowledge = learn_from(a_text, b_text)
        a = _document_mentions(a_text, knowledge)
        b = _document_mentions(b_text, knowledge)
        return cls(
            knowledge=knowledge,
            a_entities=tuple(_entity_tokens(m) for m in a.entities),
            b_entities=tuple(_entity_tokens(m) for m in b.entities),
            a_numbers=frozenset(m.key for m in (*a.numbers, *a.anaphoric)),
            b_numbers=frozenset(m.key for m in (*b.numbers, *b.anaphoric)),
            a_dates=tuple(m.fields for m in a.dates),
            b_dates=tuple(m.fields for m in b.dates),
            a_titled=frozenset(m.holder for m in a.titles if m.holder),
            b_titled=frozenset(m.holder for m in b.titles if m.holder),
            a_quotes=tuple(quote_spans(a_text)),
            b_quotes=tuple(quote_spans(b_text)),
        )


def _document_mentions(text: str, knowledge: Knowledge) -> Mentions:
    parts = [extract(s.text, knowledge) for s in split_sentences(text)]
    return Mentions(
        tuple(m for p in parts for m in p.entities), tuple(m for p in parts for m in p.titles),
        tuple(m for p in parts for m in p.numbers), tuple(m for p in parts for m in p.dates),
        tuple(m for p in parts for m in p.quotes), tuple(m for p in parts for m in p.anaphoric),
    )


# --------------------------------------------------------------------------- alignment


# A reworded stretch longer than this on either side is a free rewording or a moved
# clause, in which one word's counterpart cannot be told.
_GUESS_WORDS = 6


class _Aligner:
    """Word alignment of the two sentences: maps a span of one to its counterpart in the
    other, so "Tomahawk missiles" finds "cruise weapons" and "in 2019" finds "in previous
    years"."""

    def __init__(self, a_text: str, b_text: str) -> None:
        self.a_text, self.b_text = a_text, b_text
        self.a_toks = word_spans(a_text)
        self.b_toks = word_spans(b_text)
        matcher = SequenceMatcher(
            None, [t[2].lower() for t in self.a_toks], [t[2].lower() for t in self.b_toks],
            autojunk=False,
        )
        self.ops = matcher.get_opcodes()

    def a_to_b(self, start: int, end: int) -> tuple[int, int]:
        return self._map(start, end, self.a_toks, self.b_toks, self.b_text, forward=True)

    def b_to_a(self, start: int, end: int) -> tuple[int, int]:
        return self._map(start, end, self.b_toks, self.a_toks, self.a_text, forward=False)

    def _map(
        self, start: int, end: int, src: Sequence[tuple[int, int, str]],
        dst: Sequence[tuple[int, int, str]], dst_text: str, *, forward: bool,
    ) -> tuple[int, int]:
        idx = [i for i, (s, e, _) in enumerate(src) if s < end and start < e]
        if not idx:
            return (len(dst_text), len(dst_text)) if not dst else (dst[-1][1], dst[-1][1])
        lo, hi = idx[0], idx[-1] + 1
        out: list[int] = []
        anchor: int | None = None
        for tag, i1, i2, j1, j2 in self.ops:
            s1, s2, d1, d2 = (i1, i2, j1, j2) if forward else (j1, j2, i1, i2)
            if s2 <= lo or s1 >= hi:
                continue
            if tag == "equal":
                out.extend(range(d1 + max(lo, s1) - s1, d1 + min(hi, s2) - s1))
            elif d2 > d1 and s2 > s1:
                # Within a replaced stretch, the same share of it on the other side: "last
                # week" at the end of "2% target, according to figures published last week"
                # is "released recently", not the whole "two percent goal, based on ...".
                n, m = s2 - s1, d2 - d1
                first = d1 + (max(lo, s1) - s1) * m // n
                last = d1 + -(-(min(hi, s2) - s1) * m // n)
                out.extend(range(first, max(last, first + 1)))
            elif d2 > d1:
                out.extend(range(d1, d2))
            elif anchor is None:
                anchor = d1
        if out:
            return dst[min(out)][0], dst[max(out)][1]
        pos = dst[anchor][0] if anchor is not None and anchor < len(dst) else len(dst_text)
        return pos, pos

    def guessed(self, start: int, end: int, *, from_a: bool) -> bool:
        """Whether the span lies in a long reworded stretch, where its counterpart "share
        for share" (``_map``) is a guess: a clause moved or freely rewritten. Shared
        function words ("the", "in") inside such a stretch anchor nothing."""
        toks = self.a_toks if from_a else self.b_toks
        idx = {i for i, (s, e, _) in enumerate(toks) if s < end and start < e}

        def weak(op: tuple[str, int, int, int, int]) -> bool:
            return op[0] != "equal" or all(
                t[2].lower() in STOPWORDS for t in self.a_toks[op[1] : op[2]])

        for k, (tag, i1, i2, j1, j2) in enumerate(self.ops):
            s1, s2 = (i1, i2) if from_a else (j1, j2)
            if tag == "equal" or not idx & set(range(s1, s2)):
                continue
            lo = hi = k
            while lo > 0 and weak(self.ops[lo - 1]):
                lo -= 1
            while hi + 1 < len(self.ops) and weak(self.ops[hi + 1]):
                hi += 1
            span_a = self.ops[hi][2] - self.ops[lo][1]
            span_b = self.ops[hi][4] - self.ops[lo][3]
            return max(span_a, span_b) > _GUESS_WORDS
        return False

    def b_changed(self, start: int, end: int) -> bool:
        """Whether a B span lies (partly) outside the words both sentences share."""
        return self._changed(start, end, self.b_toks, forward=False)

    def a_changed(self, start: int, end: int) -> bool:
        return self._changed(start, end, self.a_toks, forward=True)

    def _changed(
        self, start: int, end: int, toks: Sequence[tuple[int, int, str]], *, forward: bool
    ) -> bool:
        idx = {i for i, (s, e, _) in enumerate(toks) if s < end and start < e}
        for tag, i1, i2, j1, j2 in self.ops:
            s1, s2 = (i1, i2) if forward else (j1, j2)
            if tag != "equal" and idx & set(range(s1, s2)):
                return True
        return False


def _in_quotes(pos: int, quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether offset ``pos`` lies inside one of the ``quotes`` spans."""
    return any(s <= pos < e for s, e in quotes)


def _adjacent(span: tuple[int, int], other: tuple[int, int]) -> bool:
    """Overlapping, or apart by no more than a space or two."""
    return span[0] <= other[1] + 2 and other[0] <= span[1] + 2


def _overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    if span[0] == span[1]:
        return other[0] <= span[0] <= other[1]
    return span[0] < other[1] and other[0] < span[1]


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True, slots=True)
class _Local:
    """A drift item with sentence-local spans, before translation to document offsets."""

    type: DriftType
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    detail: str


def sentence_drift(
    a_text: str, b_text: str, a_start: int = 0, b_start: int = 0,
    context: DriftContext | None = None,
) -> list[Drift]:
    """Fact changes from sentence ``a_text`` (at ``a_start`` in document A) to ``b_text`` (at
    ``b_start`` in B). Without ``context`` the two sentences are their own documents."""
    context = context or DriftContext.from_documents(a_text, b_text)
    a = extract(a_text, context.knowledge, _within(context.a_quotes, a_start, len(a_text)))
    b = extract(b_text, context.knowledge, _within(context.b_quotes, b_start, len(b_text)))
    al = _Aligner(a_text, b_text)
    a_quotes = [(q.start, q.end) for q in a.quotes]
    b_quotes = [(q.start, q.end) for q in b.quotes]

    def outside_a(m: Mention) -> bool:
        return not any(s <= m.start and m.end <= e for s, e in a_quotes)

    def outside_b(m: Mention) -> bool:
        return not any(s <= m.start and m.end <= e for s, e in b_quotes)

    items: list[_Local] = []
    items += _entity_drift(a, b, al, context, a_text, b_text)
    items += _title_drift(a, b, al, a_text, b_text)
    items += [r for r in _rank_drift(al, a_text, b_text)
              if not any(d.type == "title" and _overlaps(d.a_span, r.a_span) for d in items)]
    items += [r for r in _honorific_drift(al)
              if not any(d.type == "title" and _overlaps(d.b_span, r.b_span) for d in items)]
    items += [p for p in _place_drift(al, a_text, b_text, a_quotes, b_quotes)
              if not any(_overlaps(d.a_span, p.a_span) or _overlaps(d.b_span, p.b_span)
                         for d in items)]
    items += _dropped_titles(a, b, context.b_titled, a_text, b_text, "dropped")
    items += [_Local(d.type, d.b_span, d.a_span, d.detail) for d in
              _dropped_titles(b, a, context.a_titled, b_text, a_text, "added")]
    items += _number_drift(
        [m for m in a.numbers if outside_a(m)], [m for m in b.numbers if outside_b(m)],
        a.dates, b.dates, al, context, a_text, b_text, a.anaphoric, b.anaphoric,
    )
    items += _date_drift(
        [m for m in a.dates if outside_a(m)], [m for m in b.dates if outside_b(m)], al,
        context, a_text, b_text,
    )
    items += _quote_drift(a.quotes, b.quotes, al, a_text, b_text)
    negations = _marker_drift("negation", _negators, al, a_text, b_text, a_quotes, b_quotes,
                              paired=_prefix_negations, implied=_implied_negation)
    items += negations or _moved_negation(al, a_text, b_text, a_quotes, b_quotes)
    items += _marker_drift("hedge", _hedges, al, a_text, b_text, a_quotes, b_quotes)
    items += _direction_drift(al, a_text, b_text, a_quotes, b_quotes)
    # "late on Thursday night" -> "early on Friday morning" is one change of date: an
    # opposite word next to an item of its kind is part of that item.
    items += [o for o in _opposite_drift(al, a_text, b_text, a_quotes, b_quotes)
              if not any(d.type == o.type and _adjacent(d.a_span, o.a_span) for d in items)]
    items.sort(key=lambda d: (d.a_span, d.b_span, d.type))
    return [
        Drift(d.type, a_text[d.a_span[0] : d.a_span[1]], b_text[d.b_span[0] : d.b_span[1]],
              (d.a_span[0] + a_start, d.a_span[1] + a_start),
              (d.b_span[0] + b_start, d.b_span[1] + b_start), d.detail)
        for d in items
    ]


def _within(doc_quotes: Sequence[tuple[int, int]], start: int,
            length: int) -> list[tuple[int, int]]:
    """The sentence's part of each quotation of its document, in the sentence's offsets: a
    quotation that runs over two sentences ('"At 5-4 down I told myself to keep swinging.
    If I was going to lose, ..." she said') has no closing mark in its first one."""
    end = start + length
    return [(max(s, start) - start, min(e, end) - start) for s, e in doc_quotes
            if s < end and e > start]


def _q(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text[:80]}…'" if len(text) > 80 else f"'{text}'"


# ---------------------------------------------------------------- entities


def _entity_tokens(m: Mention) -> frozenset[str]:
    return m.tokens or frozenset({m.key})


def _same_entity(x: frozenset[str], y: frozenset[str]) -> bool:
    """Same entity: equal canonical keys, or one name contained in the other ("Shinzo Abe" /
    "Abe", "Xi" / "Xi Jinping")."""
    if not x or not y:
        return False
    return x <= y or y <= x or _clipped(x, y) or _clipped(y, x)


def _clipped(short: frozenset[str], long: frozenset[str]) -> bool:
    """A clipped name: "Fed" for "Federal Reserve", "Met" for "Metropolitan Police"."""
    (word,) = short if len(short) == 1 else ("",)
    return len(word) >= 3 and word.isalpha() and len(long) > 1 and any(
        w.startswith(word) and w != word and w.isalpha() for w in long
    )


# Bodies named after the place they serve: "the University of Halvergate" is not the city.
_BODIES_OF = frozenset(
    """university bank ministry department institute college school hospital museum
    church cathedral court council academy library port airport""".split()
)


# Last words of the names of firms and institutions (besides _BODIES_OF).
_FIRM_WORDS = frozenset(
    """capital group company corporation corp inc ltd holdings partners securities agency
    authority commission institute foundation association union party club works industries
    motors airlines airways energy foods media hospital clinic centre center""".split()
)


def _head_word(key: str) -> str:
    """The last word of a name before any "of": "university" of "university of halvergate"."""
    words = key.partition(" of ")[0].split()
    return words[-1] if words else ""


def _is_body(key: str) -> bool:
    """Whether a name is a firm's or an institution's ("Aldmere Capital", "University of
    Halvergate"), which a rewrite can make anonymous ("a major investment bank"); a person
    or a street it only leaves out."""
    head = _head_word(key)
    return head in _FIRM_WORDS or head in _BODIES_OF


def _body_of_place(long: str, short: str) -> bool:
    """Whether ``long`` is a body "of" the place ``short`` names ("university of halvergate",
    "halvergate")."""
    _, of, place = long.partition(" of ")
    return bool(of) and _head_word(long) in _BODIES_OF and set(short.split()) <= set(
        place.split())


def _same_mention(m: Mention, n: Mention, m_text: str, n_text: str) -> bool:
    """The same entity, or two names of three words or more that open their sentences and
    differ only in their first ("Striker Jonas Abara" / "Forward Jonas Abara"): a
    sentence's capitalised first word joins the name after it, and spinners swap exactly
    that word. Inside a sentence the first word is the name's own ("from Northgate
    Facilities Ltd" / "from Northfield Facilities Ltd")."""
    if _same_entity(_entity_tokens(m), _entity_tokens(n)):
        return not (_body_of_place(m.key, n.key) or _body_of_place(n.key, m.key))
    wm, wn = m.key.split(), n.key.split()
    return (len(wm) >= 3 and len(wn) >= 3 and wm[1:] == wn[1:]
            and _opens_sentence(m_text, m.start) and _opens_sentence(n_text, n.start))


def _opens_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"'“‘")
    return not before or before[-1] in ".!?:\n"


def _entity_drift(
    a: Mentions, b: Mentions, al: _Aligner, ctx: DriftContext, a_text: str, b_text: str
) -> list[_Local]:
    a_un = [m for m in a.entities
            if not any(_same_mention(m, n, a_text, b_text) for n in b.entities)]
    b_un = [n for n in b.entities
            if not any(_same_mention(n, m, b_text, a_text) for m in a.entities)]
    out: list[_Local] = []
    paired: set[int] = set()
    for m in a_un:
        region = al.a_to_b(m.start, m.end)
        partner = next((n for n in b_un if id(n) not in paired
                        and _overlaps(region, (n.start, n.end))), None)
        if partner is None and len(a_un) == len(b_un) == 1 and (
                _same_slot(a_text, m.start, b_text, b_un[0].start)
                or (not _named_elsewhere(m, ctx.b_entities)
                    and not _named_elsewhere(b_un[0], ctx.a_entities))):
            # One name for another, moved in a reordered sentence. Where both are named
            # elsewhere only in the same slot: "managing director of Western Vale Railways"
            # -> "managing director of Railnet", the other firm of the story.
            partner = b_un[0]
        if partner is not None:
            paired.add(id(partner))
            out.append(_Local("entity", (m.start, m.end), (partner.start, partner.end),
                              f"entity changed: {_q(m.text)} -> {_q(partner.text)}"))
            continue
        if _spelled_out(m, b_text) or (
                _named_elsewhere(m, ctx.b_entities)
                and not (_is_body(m.key)
                         and _indefinite(b_text, region, _word_before(a_text, m.start)))):
            continue  # mentioned elsewhere in B (moved) or written in lower case there
        region = _trim(b_text, region)
        detail = (f"entity dropped: {_q(m.text)} -> {_q(b_text[region[0]:region[1]])}"
                  if region[1] > region[0] else f"entity dropped: {_q(m.text)}")
        out.append(_Local("entity", (m.start, m.end), region, detail))
    for n in b_un:
        if id(n) in paired or _named_elsewhere(n, ctx.a_entities) or _spelled_out(n, a_text):
            continue
        region = _trim(a_text, al.b_to_a(n.start, n.end))
        detail = (f"entity changed: {_q(a_text[region[0]:region[1]])} -> {_q(n.text)}"
                  if region[1] > region[0] else f"entity added: {_q(n.text)}")
        out.append(_Local("entity", region, (n.start, n.end), detail))
    return out


def _indefinite(text: str, span: tuple[int, int], word_before: str) -> bool:
    """Whether ``span`` is a fresh, nameless noun phrase ("a local construction firm"): a
    rewrite that puts one where its source named a body has made it anonymous there, even
    if the name comes back elsewhere ("the company" or "it" only refers back).
    ``word_before``: the word before the name in its own sentence."""
    if span[1] > span[0]:
        # The region may hold only the noun the name became: "at a local university".
        lead = re.search(r"\b(?:an?)\s+(?:[a-z-]+\s+){0,2}$", text[: span[0]])
        start = lead.start() if lead else span[0]
        words = [w.lower() for _, _, w in word_spans(text[start : span[1]])]
        return len(words) >= 2 and words[0] in ("a", "an") and not set(words[1:]) & STOPWORDS
    # The name was cut and the phrase put in its place: "to Aldane Marine Works, a company
    # controlled by" -> "to a local construction firm controlled by". The word before
    # must be the same, or the phrase may open another clause.
    words = [w.lower() for _, _, w in word_spans(text[span[0] : span[0] + 60])]
    return (len(words) >= 2 and words[0] in ("a", "an") and words[1] not in STOPWORDS
            and word_before != "" and _word_before(text, span[0]) == word_before)


def _named_elsewhere(m: Mention, others: Sequence[frozenset[str]]) -> bool:
    """Whether the other document names ``m`` anywhere. A shorter name counts when it is the
    last word ("Abe" for "Shinzo Abe") or half the words or more ("Xi" for "Xi Jinping"),
    not when it is one qualifier of a longer one: "Estmarch" elsewhere does not keep "the
    Estmarch Chamber of Commerce" that a rewrite made "an industry group"."""
    x = _entity_tokens(m)
    last = m.key.split()[-1] if m.key else ""
    return any(_same_entity(x, e) and (not e < x or last in e or 2 * len(e) >= len(x))
               for e in others)


def _spelled_out(m: Mention, other_text: str) -> bool:
    """The entity's words (or its expansion: "GDP" -> "gross domestic product") occur in the
    other sentence in lower case, where the chunker cannot see them as a name."""
    if m.key.startswith("#"):
        return False
    other = " " + " ".join(w.lower() for _, _, w in word_spans(other_text)) + " "
    head, of, rest = m.key.partition(" of ")
    # "the Ministry of Defence" -> "the defence ministry": the same body, its words turned.
    turned = f" {rest} {head} " if of and rest and " " not in head else "#"
    return (f" {m.key} " in other or f" {_COMMON_ACRONYMS.get(m.key, '#')} " in other
            or turned in other)


# Acronyms of common nouns whose letters are not the initials of words ("TV").
_COMMON_ACRONYMS = MappingProxyType({"tv": "television"})


_EDGE_WORDS = frozenset("the a an of in on at by to and or , .".split())


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Shrink a mapped region to its content: "the former leader in" -> "the former leader",
    and stop at the first clause punctuation ("region, yet each" -> "region")."""
    s, e = span
    cut = next((i for i in range(s, e) if text[i] in ",;:()"), e)
    if any(ch.isalnum() for ch in text[s:cut]):
        e = cut
    toks = [t for t in word_spans(text) if s <= t[0] and t[1] <= e]
    while len(toks) > 1 and toks[-1][2].lower() in _EDGE_WORDS:
        toks.pop()
    return (toks[0][0], toks[-1][1]) if toks else span


# ---------------------------------------------------------------- titles


# A word for whoever leads ("the Israeli leader"): no office of its own, so it conflicts
# with none; with a qualifier ("opposition leader") it is one.
_GENERIC_ROLE = "leader"


def _title_drift(
    a: Mentions, b: Mentions, al: _Aligner, a_text: str, b_text: str
) -> list[_Local]:
    """A title changes when the same person carries a different office or status on the two
    sides, or when the same office at the same place changes status ("the president" ->
    "the former president"). A title left out is ``_dropped_titles``'s."""
    out: list[_Local] = []
    used_b: set[int] = set()
    for t in a.titles:
        partner: Mention | None = None
        if t.holder:
            # The same office first: "Jury president Mireille Dufort, an actress" keeps
            # "the actress Mireille Dufort".
            held = [u for u in b.titles if u.holder == t.holder and id(u) not in used_b]
            partner = next((u for u in held if u.key == t.key), held[0] if held else None)
        if partner is None and not t.holder:
            region = al.a_to_b(t.start, t.end)
            partner = next((u for u in b.titles if not u.holder and id(u) not in used_b
                            and _overlaps(region, (u.start, u.end))), None)
            if partner is not None and partner.key.split("|")[1] != t.key.split("|")[1]:
                partner = None  # a different office at the same place: too often a paraphrase
        if partner is None or id(partner) in used_b:
            continue
        used_b.add(id(partner))
        (status, role), (p_status, p_role) = t.key.split("|", 1), partner.key.split("|", 1)
        if status == p_status and _GENERIC_ROLE in (role, p_role):
            continue  # "Prime Minister X" -> "the country's leader X": the same office
        if status == p_status and _vaguer(t, role, partner, p_role):
            continue
        if partner.key != t.key:
            out.append(_Local("title", (t.start, t.end), (partner.start, partner.end),
                              f"title changed: {_q(t.text)} -> {_q(partner.text)}"))
    return out


# Heads of offices named after a field ("chief medical officer", "chief scientific adviser").
_FIELD_HEADS = frozenset("officer adviser advisor".split())


def _vaguer(t: Mention, role: str, u: Mention, u_role: str) -> bool:
    """One side names the office of a field ("the chief medical officer"), the other only
    its lower-case head ("the officer", or a spinner's "leader clinical officer", whose
    rank word is no rank): a vaguer mention of it, not another office."""
    for (m, r), (_, other) in (((t, role), (u, u_role)), ((u, u_role), (t, role))):
        if r in _FIELD_HEADS and m.text.islower() and other == f"chief {r}":
            return True
    return False


# Words that say where in an office's ladder, or in its time, a person stands: "Chief
# Forecaster" -> "forecaster", "Chief Investigator" -> "Deputy Investigator", "defending
# champion" -> "former champion". Other words of a description are a spinner's to swap.
_RANKS = MappingProxyType({
    "chief": "chief", "deputy": "deputy", "vice": "deputy",
    "assistant": "deputy", "associate": "deputy", "senior": "senior", "junior": "junior",
    "acting": "acting", "interim": "acting", "former": "former", "ex": "former",
    "retired": "former", "defending": "defending", "reigning": "defending",
})


def _rank_drift(al: _Aligner, a_text: str, b_text: str) -> list[_Local]:
    """The rank words before a person's name change ("Chief Forecaster Renata Oquendo" ->
    "forecaster Renata Oquendo", "defending champion Ilse Marwick" -> "former champion Ilse
    Marwick"). The name must be the same two capitalised words on both sides and both
    sides must describe the person there (a description left out is ``_dropped_titles``'),
    sharing a word other than the ranks."""
    out: list[_Local] = []
    b_names = {(w1, w2): i for i, ((_, _, w1), (_, _, w2)) in enumerate(pairwise(al.b_toks))
               if _name_ends(al.b_toks, i + 1)}
    for i, ((_, _, w1), (_, _, w2)) in enumerate(pairwise(al.a_toks)):
        if not (w1[:1].isupper() and w2[:1].isupper() and w1.isalpha() and w2.isalpha()
                and len(w1) > 1 and _name_ends(al.a_toks, i + 1)):
            continue
        j = b_names.get((w1, w2))
        if j is None:
            continue
        da, db = _description(al.a_toks, i, a_text), _description(al.b_toks, j, b_text)
        if not da or not db:
            continue
        # The word next to the name is what the person is ("Finance chief"), never a rank.
        ra, rb = _rank_words(da), _rank_words(db)
        rest_a = {w.lower() for _, _, w in da[:-1] if w.lower() not in _RANKS} | {
            da[-1][2].lower()}
        rest_b = {w.lower() for _, _, w in db[:-1] if w.lower() not in _RANKS} | {
            db[-1][2].lower()}
        # Another rank on each side is a change whatever the spinner made of the rest
        # ("Chief epidemiologist" -> "Senior physician").
        if ra == rb or not (rest_a & rest_b or (ra and rb)):
            continue
        a_span, b_span = (da[0][0], da[-1][1]), (db[0][0], db[-1][1])
        detail = (f"title changed: {_q(a_text[a_span[0]:a_span[1]])} -> "
                  f"{_q(b_text[b_span[0]:b_span[1]])} (rank)")
        out.append(_Local("title", a_span, b_span, detail))
    return out


# Academic forms of address, which say what degree or chair a person holds: "Dr Ilse
# Marwick" -> "Professor Ilse Marwick" promotes her. "Dr" and "Doctor" are one.
_ADDRESS = MappingProxyType({"dr": "doctor", "doctor": "doctor", "professor": "professor",
                             "prof": "professor"})


def _honorific_drift(al: _Aligner) -> list[_Local]:
    """The same two-word name addressed as a doctor on one side and as a professor on the
    other. Only a change between two forms of address counts: a spinner that drops "Dr"
    leaves the reader the name, and one form alone is no claim about the other."""
    def addressed(toks: Sequence[tuple[int, int, str]]) -> dict[tuple[str, str], int]:
        return {(toks[i][2], toks[i + 1][2]): i - 1 for i in range(1, len(toks) - 1)
                if toks[i - 1][2].lower() in _ADDRESS and toks[i][2][:1].isupper()
                and toks[i + 1][2][:1].isupper() and _name_ends(toks, i + 1)}

    out: list[_Local] = []
    b_names = addressed(al.b_toks)
    for name, i in addressed(al.a_toks).items():
        j = b_names.get(name)
        if j is None:
            continue
        (s, e, w), (bs, be, bw) = al.a_toks[i], al.b_toks[j]
        if _ADDRESS[w.lower()] != _ADDRESS[bw.lower()]:
            out.append(_Local("title", (s, e), (bs, be), f"title changed: {_q(w)} -> {_q(bw)}"))
    return out


def _rank_words(description: Sequence[tuple[int, int, str]]) -> set[str]:
    """The ranks in a description, less the last word (what the person is) and less a
    word that opens a two-word office: "chief executive" is the CEO, not a chief."""
    words = [w.lower() for _, _, w in description]
    return {_RANKS[w] for k, w in enumerate(words[:-1])
            if w in _RANKS and (w, words[k + 1]) not in TWO_WORD_HEADS}


# Kinds of venue a spinner's synonym stays within ("port" -> "harbour", "hospital" ->
# "medical centre"); a rewrite that moves the event to another kind ("the official
# residence" -> "the state guest house", "the presidential palace" -> "the foreign
# ministry") has changed where it happened. Places named in capitals are entities.
_VENUES: Mapping[str, str] = MappingProxyType({
    word: kind for kind, words in (
        # Not "house" (also a chamber of parliament) nor "home" ("at home").
        ("residence", "residence residences mansion villa dwelling"),
        ("palace", "palace"),
        ("lodging", "guest-house guesthouse hotel inn lodge resort"),
        ("office", """ministry department office offices headquarters head-office hq
                   secretariat chancellery"""),
        ("hall", "hall town-hall city-hall"),
        ("court", "court courthouse courtroom tribunal"),
        ("hospital", """hospital clinic infirmary medical-centre medical-center
                     health-centre health-center medical-facility"""),
        ("port", "port harbour harbor dock docks wharf pier marina"),
        ("airport", "airport airfield airstrip aerodrome"),
        ("station", "station terminal depot"),
        ("stadium", "stadium arena ground grounds venue pitch"),
        ("school", "school academy college university campus"),
        ("prison", "prison jail gaol penitentiary detention-centre"),
        # Not "chamber": a hall as often as a house of parliament.
        ("parliament", "parliament assembly legislature congress senate"),
        ("church", "church cathedral chapel basilica mosque temple synagogue"),
        ("embassy", "embassy consulate"),
        ("square", "square plaza"),
    ) for word in words.split()
})
_PLACE = re.compile(
    # Where something is, not where it goes: "dropped to the court" -> "fell to the ground".
    r"\b(?:at|in|inside|outside|near)\s+(?:the|a|an|its|his|her|their)\s+"
    r"((?:[a-z][a-z'-]*\s+){0,3}?("
    + "|".join(sorted((w.replace("-", r"[\s-]") for w in _VENUES), key=len, reverse=True))
    + r"))\b"
)


def _places(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int, str, set[str]]]:
    """Venues named in lower case after a preposition: span, kind, and content words."""
    out = []
    for m in _PLACE.finditer(text):
        if _in_quotes(m.start(), quotes):
            continue
        head = re.sub(r"\s+", "-", m.group(2))
        words = set(m.group(1).lower().split()) - STOPWORDS
        out.append((m.start(1), m.end(1), _VENUES[head], words))
    return out


def _place_drift(
    al: _Aligner, a_text: str, b_text: str, a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
) -> list[_Local]:
    """A venue of one kind where the counterpart names one of another kind, with no word
    in common: "met at the official residence" -> "met at the state guest house". Either
    kind named anywhere in the other sentence keeps it (a venue moved in the sentence)."""
    out: list[_Local] = []
    a_places, b_places = _places(a_text, a_quotes), _places(b_text, b_quotes)
    a_kinds = {k for *_, k, _ in a_places}
    b_kinds = {k for *_, k, _ in b_places}
    for s, e, kind, words in a_places:
        region = al.a_to_b(s, e)
        for bs, be, b_kind, b_words in b_places:
            if not _overlaps(region, (bs, be)) or kind in b_kinds or b_kind in a_kinds:
                continue
            if words & b_words:
                continue
            out.append(_Local("entity", (s, e), (bs, be),
                              f"place changed: {_q(a_text[s:e])} -> {_q(b_text[bs:be])}"))
            break
    return out


def _name_ends(toks: Sequence[tuple[int, int, str]], k: int) -> bool:
    """Whether token ``k`` is the last word of a name: no capitalised word follows."""
    return k + 1 >= len(toks) or not toks[k + 1][2][:1].isupper()


def _description(
    toks: Sequence[tuple[int, int, str]], i: int, text: str,
) -> list[tuple[int, int, str]]:
    """The words right before the name at token ``i`` that describe the person: the word
    next to the name ("champion", "Forecaster") and, before it, capitalised or rank words
    ("SMN Chief Forecaster", "defending champion"), at most four, with nothing but spaces
    between them ("the chief financial officer, Mike Butcher" has none)."""
    out: list[tuple[int, int, str]] = []
    k = i - 1
    while k >= 0 and len(out) < 4:
        w = toks[k][2]
        if text[toks[k][1]:toks[k + 1][0]].strip():
            break
        if not w.replace("-", "").isalpha() or w.lower() in _NOT_AN_OFFICE:
            break
        if out and not (w[:1].isupper() or w.lower() in _RANKS):
            break
        out.insert(0, toks[k])
        k -= 1
    return out


def _dropped_titles(
    a: Mentions, b: Mentions, b_titled: frozenset[str], a_text: str, b_text: str, verb: str,
) -> list[_Local]:
    """A person A gives a formal title ("Environment Minister Lena Barros") whom B names in
    its counterpart without one ("Lena Barros") and nowhere else gives one: the reader of B
    no longer learns who that is. A title B gives elsewhere was only moved. (Called the
    other way round for a title B added; the spans are then swapped back by the caller.)"""
    out: list[_Local] = []
    a_keys = {t.key for t in a.titles}
    if any(u.key not in a_keys for u in b.titles):
        # B names an office A does not here: a changed title is ``_title_drift``'s, and a
        # holder this parse did not attach is no loss.
        return out
    b_keys = {u.key for u in b.titles}
    toks = word_spans(b_text)
    for t in a.titles:
        if t.key in b_keys:
            continue  # said again where this parse attached no holder ("X, Italy's minister")
        # Only a formal title (capitalised, "Environment Minister", "Chief Justice"): a job
        # said in lower case ("a spokesman for", "manager Ravi Ashdown") is what spinners
        # swap for a word the rules do not know as an office ("a representative for").
        if not t.holder or t.holder in b_titled or not t.text[:1].isupper():
            continue
        k = next((k for k, (_, _, w) in enumerate(toks) if bare_word(w) == t.holder), None)
        # The given names A writes between the title and the holder ("Lena").
        given = {w.lower() for _, _, w in word_spans(a_text[t.end:])[:4]} - {t.holder}
        if k is None or _described(toks, k, b_text, given):
            continue
        at = toks[k][:2]
        detail = f"title {verb}: {_q(t.text)} (of {_q(b_text[at[0]:at[1]])})"
        out.append(_Local("title", (t.start, t.end), at, detail))
    return out


def _described(toks: Sequence[tuple[int, int, str]], k: int, text: str,
               given: set[str]) -> bool:
    """Whether the name ending at token ``k`` (after any of the ``given`` names) comes with
    a word that may be its office under another name: a word before the name ("Magistrate
    Ulrike Ibarra", "finance chief Corin Holloway") or an apposition after it ("Xenia
    Kirkland, a representative for")."""
    first = k
    while first > 0 and toks[first - 1][2].lower() in given:
        first -= 1
    before = toks[first - 1][2] if first > 0 else ""
    if before.isalpha() and before.lower() not in _NOT_AN_OFFICE:
        return True
    return text[toks[k][1]:].lower().startswith((", a ", ", an ", ", the "))


# Words before a name that say nothing of who the person is.
_NOT_AN_OFFICE = STOPWORDS | frozenset(
    "said says told added according asked wrote noted stated explained warned".split())


# ---------------------------------------------------------------- numbers


def _over(region: tuple[int, int], mentions: Sequence[Mention]) -> bool:
    return any(_overlaps(region, (m.start, m.end)) for m in mentions)


def _number_drift(
    a_nums: list[Mention], b_nums: list[Mention], a_dates: Sequence[Mention],
    b_dates: Sequence[Mention], al: _Aligner, ctx: DriftContext, a_text: str, b_text: str,
    a_anaphoric: Sequence[Mention] = (), b_anaphoric: Sequence[Mention] = (),
) -> list[_Local]:
    # A number left unmatched where the other side gives a date ("since 2011" -> "in over a
    # decade") is part of the date's drift, reported once, by the date rule. Anaphoric
    # numbers ("the six people in its crew") only ever match.
    a_left = [m for m in _unmatched(a_nums, [*b_nums, *b_anaphoric])
              if not _over(al.a_to_b(m.start, m.end), b_dates)]
    b_left = [m for m in _unmatched(b_nums, [*a_nums, *a_anaphoric])
              if not _over(al.b_to_a(m.start, m.end), a_dates)]
    # A number in words the other sentence spells the same way was kept, whatever the
    # extractor made of it there ("fewer than half of them" -> "fewer than half can fly").
    # Digits are read the same everywhere, and "18" recurs in "18 percent".
    a_left = [m for m in a_left if not _said_in_words(m.text, b_text)]
    b_left = [m for m in b_left if not _said_in_words(m.text, a_text)]
    a_left, b_left, spans = _same_spans_of_time(a_left, b_left, al, a_text, b_text)
    units = spans + _changed_units(a_nums, b_nums, a_text, b_text)

    def ordinal(m: Mention) -> bool:
        return m.key.startswith(ORDINAL)

    counts = _pair_changes(
        "number", [m for m in a_left if not ordinal(m)], [m for m in b_left if not ordinal(m)],
        al, a_text, b_text,
        moved_in_b=lambda m: m.key in ctx.b_numbers,
        moved_in_a=lambda m: m.key in ctx.a_numbers,
    )
    # An ordinal is drift only against another ordinal ("third" -> "fourth"): "first" is
    # also an adverb and "second" a unit of time, so one left alone says nothing.
    ordinals = _pair_changes(
        "number", [m for m in a_left if ordinal(m)], [m for m in b_left if ordinal(m)],
        al, a_text, b_text, moved_in_b=lambda _m: True, moved_in_a=lambda _m: True,
    )
    return (units + counts + ordinals + _crossed_bounds(a_nums, b_nums, a_text, b_text)
            + _swapped_ends(a_nums, b_nums, a_text, b_text))


def _said_in_words(phrase: str, text: str) -> bool:
    """Whether ``phrase`` has no digit and ``text`` holds it as whole words."""
    if any(c.isdigit() for c in phrase):
        return False
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.I) is not None


# A number's bound, from the words right before it: "at least 30" is 30 or more, "up to 30"
# 30 or fewer. Approximations ("about", "around") are no bound and never compared.
_LOWER_BOUND = re.compile(
    r"\b(?:at\s+least|(?<!no\s)more\s+than|over|above|upwards\s+of|in\s+excess\s+of"
    r"|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of)\s+[$£€¥]?$", re.I)
_UPPER_BOUND = re.compile(
    r"\b(?:up\s+to|at\s+most|(?<!no\s)less\s+than|(?<!no\s)fewer\s+than|under|below|nearly"
    r"|almost|just\s+under|no\s+more\s+than|a\s+maximum\s+of"
    r"|as\s+(?:many|much|long|high|far)\s+as)\s+[$£€¥]?$", re.I)
# ... and after it: "30 or more", "30-plus", "30 or fewer".
_BOUND_AFTER = re.compile(r"^(?:\s+or\s+(?P<lo>more|over|above)|-?(?P<plus>plus)\b|\+"
                          r"|\s+or\s+(?P<hi>fewer|less|under|below))\b", re.I)


def _bound(m: Mention, text: str) -> tuple[int, int]:
    """+1 for a lower bound, -1 for an upper one, 0 for none; and where the bound starts
    (the number's own start for a bound after it)."""
    before = text[max(0, m.start - 40) : m.start]
    for sign, pattern in ((1, _LOWER_BOUND), (-1, _UPPER_BOUND)):
        hit = pattern.search(before)
        if hit:
            return sign, m.start - len(before) + hit.start()
    after = _BOUND_AFTER.match(text[m.end : m.end + 12])
    if after:
        return (-1 if after.group("hi") else 1), m.start
    return 0, m.start


def _crossed_bounds(
    a_nums: list[Mention], b_nums: list[Mention], a_text: str, b_text: str,
) -> list[_Local]:
    """The same number bounded the other way ("at least 30" -> "up to 30", "nearly 1,000"
    -> "more than 1,000"), or bounded on one side only ("more than 1.5 million" -> "1.5
    million"): equal by value, so the count pairing never sees it."""
    out: list[_Local] = []
    used: set[int] = set()
    for m in a_nums:
        n = next((n for n in b_nums if id(n) not in used
                  and not set(number_values(n)).isdisjoint(number_values(m))), None)
        if n is None:
            continue
        used.add(id(n))
        (ba, a0), (bb, b0) = _bound(m, a_text), _bound(n, b_text)
        # A bound on one side only counts where nothing else was reworded around it ("had
        # raised more than 1.5 million" -> "had raised 1.5 million"): a paraphrase says
        # one in words no list holds ("above 41C" -> "past 41 degrees").
        if ba == -bb != 0 or (ba != bb and _word_before(a_text, a0) == _word_before(b_text, b0)):
            out.append(_Local("number", (a0, m.end), (b0, n.end),
                              f"number changed: {_q(a_text[a0:m.end])} -> "
                              f"{_q(b_text[b0:n.end])}"))
    return out


_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)\s+(?:an?\s+)?$")


def _same_slot(a_text: str, a_pos: int, b_text: str, b_pos: int) -> bool:
    """Whether the two words before each position are the same two words."""
    a = re.findall(r"[A-Za-z']+", a_text[max(0, a_pos - 40) : a_pos])[-2:]
    b = re.findall(r"[A-Za-z']+", b_text[max(0, b_pos - 40) : b_pos])[-2:]
    return len(a) == 2 and [w.lower() for w in a] == [w.lower() for w in b]


def _word_before(text: str, pos: int) -> str:
    """The word right before ``pos``, lower-cased; "" at the start of the sentence."""
    w = re.search(r"([A-Za-z']+)\W*$", text[:pos])
    return w.group(1).lower() if w else ""


def _from_to(nums: list[Mention], text: str) -> tuple[Mention, Mention] | None:
    """The start and end of a change ("rose from 6.1% to 6.8%", "to 6.8% from 6.1%"): the
    one number after "from" and the one after "to", if there is exactly one of each."""
    ends: dict[str, list[Mention]] = {"from": [], "to": []}
    for m in nums:
        w = _WORD_BEFORE.search(text, 0, m.start)
        if w is not None and w.group(1).lower() in ends:
            ends[w.group(1).lower()].append(m)
    if len(ends["from"]) != 1 or len(ends["to"]) != 1:
        return None
    return ends["from"][0], ends["to"][0]


def _swapped_ends(
    a_nums: list[Mention], b_nums: list[Mention], a_text: str, b_text: str,
) -> list[_Local]:
    """The start and end of a change swapped ("dropped to 6.1% from 6.8%" -> "dropped to
    6.8% from 6.1%"): the same numbers, so the count pairing never sees it."""
    a_ends, b_ends = _from_to(a_nums, a_text), _from_to(b_nums, b_text)
    if a_ends is None or b_ends is None:
        return []
    (af, at), (bf, bt) = a_ends, b_ends
    if af.key == at.key or (af.key, at.key) != (bt.key, bf.key):
        return []
    return [_Local("number", (af.start, af.end), (bf.start, bf.end),
                   f"number changed: from {_q(af.text)} to {_q(at.text)} -> from "
                   f"{_q(bf.text)} to {_q(bt.text)} (start and end swapped)")]


_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
_UNIT_AFTER = re.compile(r"(?:\s+|-)([A-Za-z]+)")  # "72 hours", "a 72-hour strike"
_TIME_UNITS = MappingProxyType({
    w: w.rstrip("s") for w in
    "second seconds minute minutes hour hours day days week weeks month months year years "
    "decade decades".split()
})
# Spans of time comparable across units: (dimension, amount). Months and years do not
# convert to days exactly, so they are a dimension of their own.
_SPAN_OF = MappingProxyType({
    "minute": ("h", 1 / 60), "hour": ("h", 1.0), "day": ("h", 24.0), "week": ("h", 168.0),
    "month": ("m", 1.0), "year": ("m", 12.0), "decade": ("m", 120.0),
})
_ONE_UNIT = re.compile(
    r"\b(?:a|an|one|the)\s+(minute|hour|day|week|month|year)(\s+and\s+a\s+half)?\b", re.I)


def _said_span(u: re.Match[str]) -> tuple[str, float]:
    """The span of time of a ``_ONE_UNIT`` match ("a year and a half" = 18 months)."""
    dim, per = _SPAN_OF[u.group(1).lower()]
    return dim, round(per * (1.5 if u.group(2) else 1.0), 6)


def _time_unit(m: Mention, text: str) -> tuple[str, int] | None:
    """The unit of time a count is of ("12 months" -> "month", "a two-day strike" ->
    "day") and where its word ends."""
    compound = m.text.rsplit("-", 1)
    if len(compound) == 2 and compound[1].lower() in _TIME_UNITS:
        return _TIME_UNITS[compound[1].lower()], m.end
    w = _UNIT_AFTER.match(text, m.end)
    unit = _TIME_UNITS.get(w.group(1).lower()) if w else None
    return (unit, w.end()) if unit and w else None


def _span(m: Mention, text: str) -> tuple[str, float] | None:
    """The span of time a count gives ("24 months" = "two years", "24 hours" = "a day"),
    or None when the count is of something else."""
    unit = _time_unit(m, text)
    if unit is None or unit[0] not in _SPAN_OF:
        return None
    dim, per = _SPAN_OF[unit[0]]
    try:
        return dim, round(float(m.key) * per, 6)
    except ValueError:
        return None


def _changed_units(
    a_nums: list[Mention], b_nums: list[Mention], a_text: str, b_text: str,
) -> list[_Local]:
    """The same count of another unit of time ("within 12 months" -> "within 12 weeks"):
    equal by value, so the count pairing never sees it."""
    out: list[_Local] = []
    used: set[int] = set()
    for m in a_nums:
        mu = _time_unit(m, a_text)
        same = [(n, _time_unit(n, b_text)) for n in b_nums
                if n.key == m.key and id(n) not in used]
        if mu is None or not same or any(nu and nu[0] == mu[0] for _, nu in same):
            continue
        n, nu = next(((n, nu) for n, nu in same if nu is not None), (None, None))
        if n is None or nu is None:
            continue
        used.add(id(n))
        out.append(_Local("number", (m.start, mu[1]), (n.start, nu[1]),
                          f"number changed: {_q(a_text[m.start:mu[1]])} -> "
                          f"{_q(b_text[n.start:nu[1]])}"))
    return out


# After a span of time, these make it a point in time: "two days after the robbery".
_RELATIVE_AFTER = frozenset("after before later earlier ago since prior".split())


def _same_spans_of_time(
    a_left: list[Mention], b_left: list[Mention], al: _Aligner, a_text: str, b_text: str,
) -> tuple[list[Mention], list[Mention], list[_Local]]:
    """Take out counts that say the same span of time in other units: "24 months" beside
    "two years", "24 hours" beside "a day" (which is no number). A count of time whose
    sentence counterpart has no count of time left but one other span said in words
    ("two days after" -> "a week after") is that span changed: a date when it places an
    event in time, else a number."""
    a_out, b_out = list(a_left), list(b_left)
    for m in a_left:
        t = _span(m, a_text)
        n = next((n for n in b_out if t is not None and t == _span(n, b_text)), None)
        if n is not None:
            a_out.remove(m)
            b_out.remove(n)
    changed: list[_Local] = []
    for ms, others, text, other, to_other, forward in (
            (a_out, b_out, a_text, b_text, al.a_to_b, True),
            (b_out, a_out, b_text, a_text, al.b_to_a, False)):
        for m in list(ms):
            t = _span(m, text)
            if t is None:
                continue
            s, e = to_other(m.start, m.end)
            near = other[max(0, s - 12) : e + 12]
            # Said in words the same, next to it or anywhere in the other sentence ("up to a
            # week without water" -> "seven days without water").
            if any(_said_span(u) == t for u in _ONE_UNIT.finditer(near)) or any(
                    _said_span(u) == t for u in _ONE_UNIT.finditer(other)
                    if not u.group(0).lower().startswith("the")):
                ms.remove(m)
                continue
            if any(_span(n, other) for n in others):
                continue
            item = _span_in_words(m, t, text, other)
            if item is not None:
                ms.remove(m)
                kind, mine, theirs = item
                a_span, b_span = (mine, theirs) if forward else (theirs, mine)
                changed.append(_Local(kind, a_span, b_span,
                                      f"{kind} changed: {_q(a_text[a_span[0]:a_span[1]])} -> "
                                      f"{_q(b_text[b_span[0]:b_span[1]])}"))
    return a_out, b_out, changed


def _span_in_words(
    m: Mention, t: tuple[str, float], text: str, other: str
) -> tuple[DriftType, tuple[int, int], tuple[int, int]] | None:
    """The one other span of time of ``m``'s dimension that ``other`` says in words ("a
    week"), as (kind, span of ``m`` with its unit, span in ``other``), or None."""
    # "the year" is no span of time, "a year" is.
    words = [u for u in _ONE_UNIT.finditer(other)
             if _said_span(u)[0] == t[0]
             and not u.group(0).lower().startswith("the")]
    unit = _time_unit(m, text)
    if len(words) != 1 or unit is None:
        return None
    after = _WORD_AFTER.match(text, unit[1])
    kind: DriftType = ("date" if after and after.group(1).lower() in _RELATIVE_AFTER
                       else "number")
    return kind, (m.start, unit[1]), (words[0].start(), words[0].end())


def _unmatched(ms: list[Mention], other: Sequence[Mention]) -> list[Mention]:
    """The mentions of ``ms`` with no value among ``other``'s (each used once). A mention
    written the same way on the other side is its partner before any other of that value
    ("2 nominees ... all but two" -> "3 hopefuls ... all but two": the 2 is what changed)."""
    left: Counter[str] = Counter()
    for n in other:
        left.update(number_values(n))
    surface = Counter(n.text.lower() for n in other)
    rest: list[Mention] = []
    for m in ms:
        hit = next((k for k in number_values(m) if left[k] > 0), None)
        if hit is not None and surface[m.text.lower()] > 0:
            surface[m.text.lower()] -= 1
            left[hit] -= 1
        else:
            rest.append(m)
    out: list[Mention] = []
    for m in rest:
        hit = next((k for k in number_values(m) if left[k] > 0), None)
        if hit is None:
            out.append(m)
            continue
        left[hit] -= 1
    return out


def _pair_changes(
    kind: DriftType, a_left: list[Mention], b_left: list[Mention], al: _Aligner,
    a_text: str, b_text: str, *, moved_in_b: Callable[[Mention], bool],
    moved_in_a: Callable[[Mention], bool],
) -> list[_Local]:
    """Pair unmatched values by word alignment (one change "20" -> "19"); left-overs are
    dropped/added unless the other document has them elsewhere."""
    out: list[_Local] = []
    paired: set[int] = set()
    for m in a_left:
        region = al.a_to_b(m.start, m.end)
        partner = next((n for n in b_left if id(n) not in paired
                        and _overlaps(region, (n.start, n.end))), None)
        if partner is None and len(a_left) == 1 and len(b_left) == 1:
            partner = b_left[0]
        if partner is not None:
            paired.add(id(partner))
            out.append(_Local(kind, (m.start, m.end), (partner.start, partner.end),
                              f"{kind} changed: {_q(m.text)} -> {_q(partner.text)}"))
        elif not moved_in_b(m):
            region = _trim(b_text, region)
            text = b_text[region[0] : region[1]]
            detail = (f"{kind} dropped: {_q(m.text)} -> {_q(text)}" if text
                      else f"{kind} dropped: {_q(m.text)}")
            out.append(_Local(kind, (m.start, m.end), region, detail))
    for n in b_left:
        if id(n) in paired or moved_in_a(n):
            continue
        region = _trim(a_text, al.b_to_a(n.start, n.end))
        text = a_text[region[0] : region[1]]
        detail = (f"{kind} added: {_q(text)} -> {_q(n.text)}" if text
                  else f"{kind} added: {_q(n.text)}")
        out.append(_Local(kind, region, (n.start, n.end), detail))
    return out


# ---------------------------------------------------------------- dates


# Fields that say how a date was put, not which time it names.
_MARKS = frozenset({"vague", "loose"})


def _consistent(x: tuple[tuple[str, str], ...], y: tuple[tuple[str, str], ...]) -> bool:
    """Two dates agree when they share a field and no shared field differs ("4 June" and
    "June 4"; "Tuesday" and "last Tuesday"). Vague phrases agree only with themselves."""
    dx = {k: v for k, v in x if k not in _MARKS}
    dy = {k: v for k, v in y if k not in _MARKS}
    shared = dx.keys() & dy.keys()
    return bool(shared) and all(dx[k] == dy[k] for k in shared)


def _date_drift(
    a_dates: list[Mention], b_dates: list[Mention], al: _Aligner, ctx: DriftContext,
    a_text: str, b_text: str,
) -> list[_Local]:
    a_left = [m for m in a_dates if not any(_consistent(m.fields, n.fields) for n in b_dates)
              and not _said_of_the_period(m, b_text)]
    b_left = [n for n in b_dates if not any(_consistent(n.fields, m.fields) for m in a_dates)
              and not _said_of_the_period(n, a_text)]
    items = _pair_changes(
        "date", a_left, b_left, al, a_text, b_text,
        moved_in_b=lambda m: _as_often(m, ctx.b_dates, ctx.a_dates),
        moved_in_a=lambda m: any(_consistent(m.fields, f) for f in ctx.a_dates),
    )
    # A specific date replaced by a vague phrase ("in 2019" -> "in previous years") is a loss,
    # and a vague phrase that turns into a date is new precision; say which.
    vague_b = {(n.start, n.end) for n in b_dates if dict(n.fields).get("vague")}
    vague_a = {(m.start, m.end) for m in a_dates if dict(m.fields).get("vague")}
    # "a year earlier" may count back from another event than the report's day ("up 8%
    # on the same period a year before"): it tells a change of "a week ago", but alone it
    # is no date to lose or add.
    loose_a = {(m.start, m.end) for m in a_dates if dict(m.fields).get("loose")}
    loose_b = {(n.start, n.end) for n in b_dates if dict(n.fields).get("loose")}
    out: list[_Local] = []
    for d in items:
        if ((d.detail.startswith("date dropped") and d.a_span in loose_a)
                or (d.detail.startswith("date added") and d.b_span in loose_b)):
            continue
        if d.b_span in vague_b and d.a_span not in vague_a:
            d = _Local(d.type, d.a_span, d.b_span, d.detail.replace("changed", "dropped", 1))
        out.append(d)
    return out + _coarsened(a_dates, b_dates, ctx)


def _as_often(m: Mention, there: Sequence[tuple[tuple[str, str], ...]],
              here: Sequence[tuple[tuple[str, str], ...]]) -> bool:
    """Whether the rewrite names the date ``m`` of the original gives (``there``) as often
    as the original does (``here``): then it was moved, not dropped. Once is not enough
    when the original says it twice ("since Wednesday" -> "over recent weeks" where "until
    Wednesday" stays in another sentence). A date the rewrite adds is new only when the
    original never gives it: saying one twice adds nothing."""
    return (sum(_pinned(m.fields, f) for f in there)
            >= max(1, sum(_pinned(m.fields, f) for f in here)))


def _pinned(x: tuple[tuple[str, str], ...], y: tuple[tuple[str, str], ...]) -> bool:
    """Whether date ``y`` names the day ``x`` names, at least as precisely, and agrees with it:
    "in 2025" elsewhere does not keep "on 14 September 2025" that became "recently" (a year
    may be left out: "on 14 September" keeps it)."""
    dx = {k: v for k, v in x if k not in _MARKS}
    dy = {k: v for k, v in y if k not in _MARKS}
    keys = {k for k in dx if k in ("d", "m", "wd")} or dx.keys()
    return _consistent(x, y) and all(dy.get(k) == dx[k] for k in keys)


# Words for the present that no date extractor reads as a date.
_PRESENT = re.compile(r"\b(?:currently|now|nowadays|presently|at\s+present|at\s+the\s+moment"
                      r"|these\s+days)\b", re.I)


_SPAN_WORDS = re.compile(r"\b(\d+|[a-z]+)[\s-]+(day|week|month|year|decade)s?\b", re.I)


def _said_of_the_period(m: Mention, other: str) -> bool:
    """"this year" where the other side says "the year's" or "of the year": the same
    period, though those are no date on their own ("the second half of the year");
    "today" where it says "currently" or "now"; and "the past four years" where it says
    "four years" ("the third time in four years")."""
    fields = dict(m.fields)
    rel = fields.get("rel", "")
    if rel == "today":
        return _PRESENT.search(other) is not None
    # "Last year" is a calendar year, "a year" any twelve months; "the past decade" is
    # "ten years" either way.
    if rel.startswith("last ") and ("n" in fields or rel == "last decade"):
        span = (int(fields.get("n", "1")), rel.split()[1])
        return any(whole_units(count_word(g.group(1)), g.group(2).lower()) == span
                   for g in _SPAN_WORDS.finditer(other))
    if not rel.startswith("this "):
        return False
    unit = re.escape(rel.split()[1])
    return re.search(rf"\bthe\s+{unit}['’]s\b|\bof\s+the\s+{unit}\b", other, re.I) is not None


_DAY = frozenset({"d", "wd"})


def _loses(x: tuple[tuple[str, str], ...], ys: Sequence[tuple[tuple[str, str], ...]]) -> bool:
    """Whether the dates ``ys`` together lack a part of ``x`` finer than its year: the time
    of day, the day (a date or a weekday: either names it), the month where no day is
    left, or the count of a "three years ago"."""
    kx = {k for k, _ in x}
    ky = {k for y in ys for k, _ in y}
    return (("t" in kx and "t" not in ky) or (bool(kx & _DAY) and not ky & _DAY)
            or ("m" in kx and "m" not in ky and not ky & _DAY)
            or ("ago" in kx and "ago" not in ky))


def _coarsened(a_dates: list[Mention], b_dates: list[Mention], ctx: DriftContext) -> list[_Local]:
    """A date the rewrite keeps only in part ("on 12 November" -> "in November", "at 7 a.m.
    on Tuesday 10 June" -> "at 7 a.m. this week"): the two agree, so no change is reported
    above, but a part is gone unless B gives it elsewhere. A dropped year or weekday beside
    a kept day is no loss and is not reported."""
    out: list[_Local] = []
    for m in a_dates:
        partners = [n for n in b_dates if _consistent(m.fields, n.fields)]
        if not partners or not _loses(m.fields, [n.fields for n in partners]):
            continue
        if not _loses(m.fields, [f for f in ctx.b_dates if _consistent(m.fields, f)]):
            continue
        n = max(partners, key=lambda n: len(n.fields))
        out.append(_Local("date", (m.start, m.end), (n.start, n.end),
                          f"date less precise: {_q(m.text)} -> {_q(n.text)}"))
    return out


# ---------------------------------------------------------------- quotes


def _quote_drift(
    a_quotes: Sequence[Mention], b_quotes: Sequence[Mention], al: _Aligner, a_text: str,
    b_text: str,
) -> list[_Local]:
    out: list[_Local] = []
    b_pool = list(b_quotes)
    a_norm, b_norm = quote_key(a_text), quote_key(b_text)
    for q in a_quotes:
        if any(r.key == q.key for r in b_pool):
            b_pool.remove(next(r for r in b_pool if r.key == q.key))
            continue
        region = al.a_to_b(q.start, q.end)
        partner = next((r for r in b_pool if _overlaps(region, (r.start, r.end))), None)
        if partner is None and len(a_quotes) == len(b_quotes) == 1:
            partner = b_pool[0] if b_pool else None
        if partner is not None:
            b_pool.remove(partner)
            if _framing_trimmed(q.key, partner.key):
                continue
            out += _quoted_negation(q, partner, a_text, b_text)
            out.append(_Local("quote", (q.start, q.end), (partner.start, partner.end),
                              f"quote altered: {_q(q.text)} -> {_q(partner.text)}"))
        elif f" {q.key} " not in f" {b_norm} " and not _reported(q.key, b_norm):
            # Quotation marks dropped but the words kept verbatim is not an altered quote,
            # nor are they in reported speech ("I have no plans" -> "he had no plans").
            region = _trim(b_text, region)
            out.append(_Local("quote", (q.start, q.end), region,
                              f"quote removed: {_q(q.text)} -> {_q(b_text[region[0]:region[1]])}"))
    for r in b_pool:
        if f" {r.key} " in f" {a_norm} ":
            continue
        region = _trim(a_text, al.b_to_a(r.start, r.end))
        out.append(_Local("quote", region, (r.start, r.end),
                          f"quote added: {_q(a_text[region[0]:region[1]])} -> {_q(r.text)}"))
    return out


# How a quotation's words shift in reported speech: the speaker's pronouns become the
# reporter's ("I" -> "he", "we" -> "the company"), the verb agrees with them, and the tense
# moves one step back.
_SPEAKER = frozenset("i we you".split())
_BACKSHIFT = MappingProxyType({
    "my": ("his", "her", "their", "its"), "our": ("their", "its", "his", "her"),
    "me": ("him", "her", "them"), "us": ("them", "it"), "am": ("was", "is"), "is": ("was",),
    "are": ("were", "was", "is"), "have": ("had", "has"), "has": ("had",),
    "will": ("would",), "can": ("could",), "shall": ("should",), "may": ("might",),
    "do": ("did", "does"), "does": ("did",), "was": ("had been",),
    "were": ("had been", "was"),
})


def _reported(key: str, text: str) -> bool:
    """Whether ``text`` (normalised like ``quote_key``) tells the quotation ``key`` in
    reported speech: the same words in order, but for the speaker's pronouns (any short
    subject: "the company") and a tense one step back. Four words or more must be the
    quotation's own."""
    words = key.split()
    if sum(w not in _SPEAKER and w not in _BACKSHIFT for w in words) < 4:
        return False
    parts = [r"(?:\S+ ){0,2}\S+" if w in _SPEAKER
             else "(?:" + "|".join(re.escape(x) for x in (w, *_BACKSHIFT.get(w, ()))) + ")"
             for w in words]
    return re.search(r"(?:^| )" + " ".join(parts) + r"(?: |$)", text) is not None


def _quoted_negation(q: Mention, partner: Mention, a_text: str, b_text: str) -> list[_Local]:
    """Negations added or removed inside a quotation and its reworded counterpart ("nothing
    serious" -> "serious"): the words put in a speaker's mouth now say the opposite, which
    the negation count outside quotes cannot see. Reported beside the quote's own item
    (the quotation changed, and what the change did to it). Only where both quotations have
    words at the marker's place: a clause cut from or added to a quotation is the quote's
    change; and only between quotations that keep most of their words (a different
    statement in the speaker's mouth is the quote's change too)."""
    wa = {w for w in q.key.split() if w not in _NEGATORS}
    wb = {w for w in partner.key.split() if w not in _NEGATORS}
    if 4 * len(wa & wb) < len(wa) + len(wb):  # Dice under a half
        return []
    al = _Aligner(a_text[q.start : q.end], b_text[partner.start : partner.end])
    items = _marker_drift("negation", _negators, al, al.a_text, al.b_text, [], [],
                          paired=_prefix_negations, implied=_implied_negation)
    return [
        _Local(d.type, (d.a_span[0] + q.start, d.a_span[1] + q.start),
               (d.b_span[0] + partner.start, d.b_span[1] + partner.start),
               d.detail.replace("negation ", "negation in a quote ", 1))
        for d in items if d.a_span[0] < d.a_span[1] and d.b_span[0] < d.b_span[1]
    ]


def _framing_trimmed(x: str, y: str) -> bool:
    """One quotation is the other with its opening framing cut: at most three function words
    ("This is the most significant advance ..." quoted as "the most significant advance
    ..."). A cut content word ("deeply flawed" -> "flawed"), a negation, or words cut or
    added at the end ("safe to drink" -> "safe to drink for now") is a change."""
    wx, wy = x.split(), y.split()
    if len(wx) < len(wy):
        wx, wy = wy, wx
    cut = wx[: len(wx) - len(wy)]
    return (len(wy) >= 4 and 0 < len(cut) <= 3 and wx[len(cut) :] == wy
            and all(w in STOPWORDS and w not in _NEGATORS for w in cut))


# ---------------------------------------------------------------- direction

# Words that say which way an amount went, or its sign. A spinner's synonym stays on its side
# ("rose" -> "climbed"); one that crosses over ("rose" -> "fell", "profit" -> "loss") changes
# the fact the number states, so it is reported as a number change.
_UP = frozenset(
    """rise rises rose risen rising climb climbs climbed climbing increase increases increased
    increasing grow grows grew grown growing gain gains gained gaining jump jumps jumped
    jumping surge surges surged surging soar soars soared soaring rally rallied rebound
    rebounded raise raises raised raising hike hikes hiked boost boosts boosted expand
    expands expanded higher profit profits surplus""".split()
)
_DOWN = frozenset(
    """fall falls fell fallen falling drop drops dropped dropping decline declines declined
    declining decrease decreases decreased decreasing shrink shrinks shrank shrunk
    shrinking slide slides slid sliding slip slips slipped slipping sink sinks sank sunk
    plunge plunges plunged plunging tumble tumbles tumbled slump slumps slumped cut cuts
    cutting reduce reduces reduced reducing slash slashes slashed lower lowered lowers loss
    losses deficit""".split()
)


# Verbs of a small move that take their direction from the word after ("edged up", "inched
# lower", "ticked down").
_NUDGE = frozenset("edge edges edged edging inch inches inched inching tick ticks ticked "
                   "ticking creep creeps crept creeping".split())


# Comparatives that say which way an amount lies from another ("30 percent more than its
# predecessor" -> "30 percent less than"), after the amount: "more than 30" is a bound.
_MORE = frozenset("more higher greater larger bigger".split())
_LESS = frozenset("less lower fewer smaller cheaper".split())
_AMOUNT_WORDS = frozenset("percent cent % times points point".split())


def _direction(toks: Sequence[tuple[int, int, str]], i: int) -> int:
    w = toks[i][2].lower()
    nxt = toks[i + 1][2].lower() if i + 1 < len(toks) else ""
    if nxt == "than" and (w in _MORE or w in _LESS) and i > 0:
        prev = toks[i - 1][2].lower()
        if prev in _AMOUNT_WORDS or any(ch.isdigit() for ch in prev):
            return 1 if w in _MORE else -1
        return 0
    if w in _NUDGE:
        return 1 if nxt in ("up", "higher") else -1 if nxt in ("down", "lower") else 0
    if w in _UP:
        return 1
    if w in _DOWN and not (nxt == "to" and w.startswith("declin")) and nxt != "short":
        return -1  # "declined to comment", "fell short of": no amount moved
    return 0


def _direction_drift(
    al: _Aligner, a_text: str, b_text: str, a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
) -> list[_Local]:
    """A word of direction whose counterpart says the opposite ("rose 5%" -> "fell 5%")."""
    out: list[_Local] = []
    for i, (s, e, w) in enumerate(al.a_toks):
        d = _direction(al.a_toks, i)
        if d == 0 or not al.a_changed(s, e) or _in_quotes(s, a_quotes):
            continue
        lo, hi = al.a_to_b(s, e)
        there = [_direction(al.b_toks, j) for j, (bs, be, _) in enumerate(al.b_toks)
                 if bs < hi and lo < be and not _in_quotes(bs, b_quotes)]
        if there and all(x == -d for x in there if x) and any(x == -d for x in there):
            detail = f"number changed: {_q(w)} -> {_q(b_text[lo:hi])} (the other direction)"
            out.append(_Local("number", (s, e), (lo, hi), detail))
            continue
        j = _moved_direction(al, i, d, b_quotes)
        if j is not None:
            bs, be, bw = al.b_toks[j]
            detail = f"number changed: {_q(w)} -> {_q(bw)} (the other direction)"
            out.append(_Local("number", (s, e), (bs, be), detail))
    return out


def _moved_direction(
    al: _Aligner, i: int, d: int, b_quotes: list[tuple[int, int]],
) -> int | None:
    """In a reordered sentence the word alignment loses "fell 6.2 percent" -> "stock rose
    6.2 percent"; the amount itself anchors it. The direction word right before a figure
    in A, and the one right before the same figure in B, if that says the opposite."""
    figure = next((t[2] for t in al.a_toks[i + 1 : i + 3] if any(c.isdigit() for c in t[2])),
                  None)
    if figure is None:
        return None
    for k, (bs, _, bw) in enumerate(al.b_toks):
        if bw != figure or _in_quotes(bs, b_quotes):
            continue
        before = [j for j in range(max(0, k - 2), k) if _direction(al.b_toks, j)]
        if before and all(_direction(al.b_toks, j) == -d for j in before):
            return before[-1]
    return None


# ---------------------------------------------------------------- opposites

# Pairs of opposite words, each an axis of its own: a spinner's synonym stays on its side
# ("approved" -> "backed"), one that crosses to the other ("approved" -> "blocked") reverses
# the fact. Only words with one reading in news are listed: "cleared" (a road, a suspect),
# "defeated" (who beat whom) and "up"/"down" (phrasal verbs) are not. Strict negators
# ("denied", "refused") are the negation rule's.
def _axis(plus: str, minus: str) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(plus.split()), frozenset(minus.split())


_OPPOSITES: tuple[tuple[DriftType, frozenset[str], frozenset[str]], ...] = tuple(
    (kind, *_axis(plus, minus)) for kind, plus, minus in (
        ("negation",
         """accept accepts accepted accepting approve approves approved approving uphold
         upholds upheld upholding grant grants granted granting allow allows allowed
         allowing permit permits permitted permitting endorse endorses endorsed endorsing""",
         """reject rejects rejected rejecting overturn overturns overturned overturning
         block blocks blocked blocking veto vetoes vetoed vetoing ban bans banned banning
         forbid forbids forbade forbidden prohibit prohibits prohibited prohibiting bar
         bars barred barring"""),
        ("negation", "support supports supported supporting",
         "oppose opposes opposed opposing"),
        ("negation", "win wins won winning victory victories", "lose loses lost losing defeat"),
        ("negation", "succeed succeeds succeeded success successful successfully",
         "failure unsuccessful unsuccessfully"),
        ("negation", "guilty", "innocent"),
        ("negation", "willing eager keen", "reluctant unwilling"),
        ("negation", "open opens opened reopen reopens reopened", "close closes closed shut"),
        ("negation", "survive survives survived surviving alive",
         "die dies died dying dead killed"),
        ("negation", "include includes included", "exclude excludes excluded"),
        ("negation", "resume resumes resumed resuming", "suspend suspends suspended suspending"),
        ("negation", "true", "false"),
        # A ban, curfew or sanction "lifted" ends; "imposed" or "extended" it holds.
        ("negation", "lift lifts lifted lifting",
         "impose imposes imposed imposing extend extends extended extending"),
        ("negation", "above", "below"),
        ("negation", "favour favor favoured favored favouring favoring", "against"),
        # Goods or people taken into custody, or let go.
        ("negation", "seize seizes seized seizing confiscate confiscates confiscated "
         "confiscating arrest arrests arrested arresting detain detains detained detaining",
         "release releases released releasing"),
        ("negation", "positive", "negative"),
        ("negation", "majority", "minority"),
        ("negation", "highest", "lowest"),
        ("negation", "largest biggest", "smallest"),
        ("negation", "best", "worst"),
        ("negation", "maximum", "minimum"),
        ("negation", "strong stronger strongest", "weak weaker weakest"),
        ("date", "before", "after"),
        ("date", "earliest", "latest"),
        ("date", "early earlier", "late later"),
        ("entity", "north northern", "south southern"),
        ("entity", "east eastern", "west western"),
        ("entity", "northeast northeastern", "southwest southwestern"),
        ("entity", "northwest northwestern", "southeast southeastern"),
    )
)


def _moved_negation(
    al: _Aligner, a_text: str, b_text: str, a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
) -> list[_Local]:
    """Negations that each side has as many of, but on other words: "the trial was not
    blinded" -> "the trial was blinded, ... did not know". A word negated on one side and
    said without a negation on the other is flipped, though the counts agree (the count
    is ``_marker_drift``'s test, so this runs only where that found nothing)."""

    def negators(toks: Sequence[tuple[int, int, str]]) -> list[int]:
        return [i for i in range(len(toks)) if _negators(toks, i)]

    def negated(toks: Sequence[tuple[int, int, str]], quotes: list[tuple[int, int]],
                at: list[int]) -> dict[str, tuple[int, int]]:
        """The first content word after each negator (at ``at``) outside quotes ->
        (negator, word)."""
        out: dict[str, tuple[int, int]] = {}
        for i in at:
            if _in_quotes(toks[i][0], quotes):
                continue
            for j in range(i + 1, min(len(toks), i + 4)):
                w = toks[j][2].lower()
                if w.isalpha() and w not in STOPWORDS and w not in _AUXILIARIES:
                    out.setdefault(_inflected(w), (i, j))
                    break
        return out

    def plain(toks: Sequence[tuple[int, int, str]], quotes: list[tuple[int, int]],
              at: list[int]) -> dict[str, list[int]]:
        """Words with no negator (at ``at``) near them, before or after: "spread no faster"
        and "did not come as a surprise" negate "spread" and "surprise" all the same."""
        near = {k for i in at for k in range(i - 3, i + 6)}
        out: dict[str, list[int]] = {}
        for j, t in enumerate(toks):
            if t[2].isalpha() and not _in_quotes(t[0], quotes) and j not in near:
                out.setdefault(_inflected(t[2]), []).append(j)
        return out

    a_at, b_at = negators(al.a_toks), negators(al.b_toks)
    a_neg, b_neg = negated(al.a_toks, a_quotes, a_at), negated(al.b_toks, b_quotes, b_at)
    if not a_neg or len(a_neg) != len(b_neg):
        return []
    a_plain, b_plain = plain(al.a_toks, a_quotes, a_at), plain(al.b_toks, b_quotes, b_at)
    out: list[_Local] = []
    # The plain word must be the only one of its kind and stand about where the negated
    # one does: in a span of several sentences the same word turns up in other clauses.
    # (The word alignment is no help: "not blinded, meaning patients knew" -> "blinded,
    # implying clients did not know" pairs the words across.)
    na, nb = max(len(al.a_toks), 1), max(len(al.b_toks), 1)

    def there(ks: list[int], n: int, pos: float) -> int | None:
        return ks[0] if len(ks) == 1 and abs(ks[0] / n - pos) <= _SAME_PLACE else None

    sides = ((al.a_toks, a_neg, al.b_toks, b_neg, b_plain, nb, na, "removed"),
             (al.b_toks, b_neg, al.a_toks, a_neg, a_plain, na, nb, "added"))
    for toks, neg, other, other_neg, other_plain, n_other, n_own, verb in sides:
        for w, (i, j) in neg.items():
            k = None if w in other_neg else there(other_plain.get(w, []), n_other, j / n_own)
            if k is None:
                continue
            own, theirs = (toks[i][0], toks[j][1]), other[k][:2]
            a_span, b_span = (own, theirs) if verb == "removed" else (theirs, own)
            out.append(_Local("negation", a_span, b_span,
                              f"negation {verb}: {_q(a_text[a_span[0]:a_span[1]])} -> "
                              f"{_q(b_text[b_span[0]:b_span[1]])}"))
    return out


# How far apart, as a share of each span's words, a word and its counterpart may stand.
_SAME_PLACE = 0.2


def _negated(toks: Sequence[tuple[int, int, str]], i: int) -> bool:
    """A negator within the three words before ``i``, or the word one itself: "did not
    approve" is "rejected", no reversal."""
    return any(_negators(toks, j) for j in range(max(0, i - 3), i + 1))


def _context(toks: Sequence[tuple[int, int, str]], i: int, reach: int = 3) -> set[str]:
    """Content words within ``reach`` of word ``i``: what an opposite word is said of."""
    return {t[2].lower() for t in toks[max(0, i - reach) : i + reach + 1]
            if t[2].lower() not in STOPWORDS and t[2].isalpha()} - {toks[i][2].lower()}


# Word -> (its axis in _OPPOSITES, whether it is on the axis's "plus" side).
_OPPOSITE_OF: Mapping[str, tuple[int, bool]] = MappingProxyType(
    {w: (k, side is plus) for k, (_, plus, minus) in enumerate(_OPPOSITES)
     for side in (plus, minus) for w in side}
)


_VOTES = frozenset("vote votes voted voting".split())


def _axis_words(
    toks: Sequence[tuple[int, int, str]], quotes: list[tuple[int, int]]
) -> dict[int, tuple[list[int], list[int]] | None]:
    """Per axis met outside quotes, the tokens on its plus and minus sides; None for an
    axis with a negated word (see ``_opposite_drift``)."""
    out: dict[int, tuple[list[int], list[int]] | None] = {}
    for i, (s, _, w) in enumerate(toks):
        low = w.lower()
        if low == "for" and i and toks[i - 1][2].lower() in _VOTES:
            low = "favour"  # "voted for" the bill, as against "voted against" it
        hit = _OPPOSITE_OF.get(low)
        if hit is None or _in_quotes(s, quotes):
            continue
        axis, plus = hit
        if axis in out and out[axis] is None:
            continue
        if _negated(toks, i):
            out[axis] = None
            continue
        sides = out.setdefault(axis, ([], []))
        assert sides is not None
        sides[0 if plus else 1].append(i)
    return out


def _opposite_drift(
    al: _Aligner, a_text: str, b_text: str, a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
) -> list[_Local]:
    """A sentence that uses one side of an axis ("approved") where its counterpart uses
    only the other ("blocked"): the fact is reversed. The two are aligned sentences, so
    the words need not be at the same place ("the union accepted the offer after talks" ->
    "after talks, the union rejected the offer"), but they must be said of the same thing
    (a content word near both). An axis with a negated word on either side is left to the
    negation rule ("did not approve" -> "rejected")."""
    a_axes = _axis_words(al.a_toks, a_quotes)
    b_axes = _axis_words(al.b_toks, b_quotes)
    out: list[_Local] = []
    for axis in sorted(a_axes.keys() & b_axes.keys()):
        a_sides, b_sides = a_axes[axis], b_axes[axis]
        if a_sides is None or b_sides is None:
            continue
        (a_plus, a_minus), (b_plus, b_minus) = a_sides, b_sides
        if a_plus and not a_minus and b_minus and not b_plus:
            i, j = a_plus[0], b_minus[0]
        elif a_minus and not a_plus and b_plus and not b_minus:
            i, j = a_minus[0], b_plus[0]
        else:
            continue
        if not _context(al.a_toks, i) & _context(al.b_toks, j):
            continue  # about different things: "the strongest storm" / "weak messaging"
        kind = _OPPOSITES[axis][0]
        (s, e, w), (bs, be, bw) = al.a_toks[i], al.b_toks[j]
        out.append(_Local(kind, (s, e), (bs, be),
                          f"{kind} changed: {_q(w)} -> {_q(bw)} (the opposite)"))
    return out


# ---------------------------------------------------------------- negation and hedging

_NEGATORS = frozenset(
    "not never no none nobody nothing neither nor cannot unable nowhere few without".split()
)
_HEDGE_WORDS = frozenset(
    """could may might possibly perhaps probably likely unlikely reportedly allegedly
    apparently purportedly supposedly seemingly potentially presumably improbable claimed
    claims claim
    claiming alleged alleges alleging allegation allegations assertion assertions suggest
    suggested suggests suggesting seems seem seemed rumoured rumored suspected unconfirmed
    probable hinted hinting imply implies implied implying""".split()
)
# "appeared to be", "appears ready": a hedge; "appeared at the festival", "appeared in
# court", "the rash appears": a verb of coming.
_APPEAR = frozenset("appear appears appeared appearing".split())
_APPEAR_SKIP = frozenset(("again today yesterday tomorrow later briefly first "
                          + " ".join(WEEKDAYS)).split())
_APPEAR_PLACE = frozenset("at in on before for with alongside as onstage together live "
                          "outside inside near during".split())
# Belief verbs in the present: "officials believe the fire was started deliberately" is
# weaker than "officials said". (Past forms are also plain narration, "suspect" a noun.)
_HEDGE_VERBS = frozenset("believe believes think thinks expect expects anticipate anticipates"
                         .split())
# "a think tank", "think twice" (an idiom for hesitating, not a belief)
_NOT_A_VERB_AFTER = frozenset("tank tanks piece pieces twice".split())
# Hedges only after a form of "be": "is expected to", "are believed to", "was said to".
_BE_HEDGES = frozenset("""expected anticipated believed thought said rumoured reported understood
                        predicted forecast projected estimated""".split())
_BE = frozenset("is are was were be been being".split())
# "Results are expected on Wednesday", "a vote is expected before July": expected, so far.
_BE_EXPECTED = frozenset("expected anticipated forecast predicted".split())
_WHEN_WORDS = frozenset("""on by in within before after next later soon shortly this
    tomorrow today tonight around""".split())
# An undecided course after a form of "be": "was considering passing the cut on" where the
# other side "would pass" it.
_BE_UNDECIDED = frozenset("considering weighing mulling contemplating".split())
# Verbs that carry a negation: "denied that" is "said ... not", "refused bail" is "did not
# grant bail"; "declined to comment", "failed to" and "neglected to" are "did not", but
# only before "to" ("sales declined 5%", "the bank failed").
_DENY = frozenset(
    "deny denies denied denying refuse refuses refused refusing acquit acquits acquitted "
    "acquitting".split()
)  # "acquitted of murder" is "found not guilty of murder"
_NOT_TO = frozenset(
    "decline declines declined declining fail fails failed failing neglect neglects neglected "
    "neglecting".split()
)
_FALL = frozenset("fall falls fell falling fallen".split())
_CLEARED = frozenset("cleared clears".split())
_PERSONS = frozenset("him her them".split())


# "no more than 30" bounds a number; "no fire has claimed more lives since 2011" is "the
# deadliest fire since 2011" (a comparison before "since"): neither denies anything.
_BOUNDS = frozenset("more fewer less later earlier longer".split())
_COMPARATIVE = frozenset("more as fewer less worse".split())


# Words that say "not" without a negator: "was absent" is "did not attend", "rejected the
# appeal" is "did not accept it", "would stay on" is "would not step down". Each stands
# for a negation only where it makes up for a negator the other side has
# (``_marker_drift``): counted always, every synonym a spinner picks for one of them
# ("threw out" for "rejected") would read as a flipped fact.
_IMPLIED_NEGATION = frozenset(
    """reject rejects rejected rejecting dismiss dismisses dismissed dismissing absent
    absence skip skips skipped skipping miss misses missed missing lose loses lost losing
    withhold withholds withheld withholding block blocks blocked blocking veto vetoes
    vetoed ban bans banned banning bar bars barred forbid forbids forbade forbidden
    prohibit prohibits prohibited exclude excludes excluded excluding omit omits omitted
    oppose opposes opposed opposing halt halts halted stop stops stopped cancel cancels
    cancelled canceled scrap scraps scrapped abandon abandons abandoned shelve shelved
    stay stays stayed staying remain remains remained remaining lack lacks lacked lacking
    ignore ignores ignored avoid avoids avoided unaware hardly barely rarely seldom
    little""".split()
)


def _implied_negation(toks: Sequence[tuple[int, int, str]], i: int) -> bool:
    w = toks[i][2].lower()
    prev = toks[i - 1][2].lower() if i > 0 else ""
    nxt = toks[i + 1][2].lower() if i + 1 < len(toks) else ""
    if w == "little":
        return prev != "a"  # "little was disclosed", not "a little"
    if w == "left":
        return nxt == "out"  # "had been left out" is "had not been included"
    if w in ("ruled", "rule", "rules"):
        return nxt == "out"
    if w == "free":
        return nxt == "of"  # "left free of power" is "left without power"
    return w in _IMPLIED_NEGATION or _PHRASAL_NEGATION.get(w) == nxt


# Phrasal verbs that say "not": "turned down the plans" is "did not accept them", "called
# off the strike" is "the strike will not go ahead".
_PHRASAL_NEGATION = MappingProxyType(
    dict.fromkeys("turn turns turned turning vote votes voted voting".split(), "down")
    | dict.fromkeys("throw throws threw thrown throwing".split(), "out")
    | dict.fromkeys("call calls called calling".split(), "off")
)


# Contractions typed without their apostrophe ("isnt", "dont"), minus the "nt".
_UNAPOSTROPHISED = frozenset(
    "is are was were do does did ca wo could would should has have had must need ai".split())


def _negators(toks: Sequence[tuple[int, int, str]], i: int) -> bool:
    w = toks[i][2].lower().replace("’", "'")
    prev = toks[i - 1][2].lower() if i > 0 else ""
    nxt = toks[i + 1][2].lower() if i + 1 < len(toks) else ""
    if w.endswith("n't") or (w.endswith("nt") and w[:-2] in _UNAPOSTROPHISED):
        return True
    if w == "no" and (_superlative_or_bound(toks, i) or nxt[:1].isdigit()):
        return False  # "no more than", "No. 2" (a rank)
    if w == "few":
        # "a few", "the next few years" are positive amounts.
        return prev not in ("a", "quite", "the", "next", "past", "last", "first", "every")
    if w == "not" and nxt == "only":
        return False  # "not only ... but": no negation
    if w == "not" and prev == "or" and i > 1 and toks[i - 2][2].lower() == "whether":
        return False  # "whether or not" is "whether"
    if w == "out" and prev == "with":
        return True  # a spinning tool's "with out" is "without"
    if w == "nor":
        return not any(t[2].lower() == "neither" for t in toks[:i])  # "neither ... nor" is one
    if w in _NOT_TO:
        return nxt == "to"
    if w in _FALL:
        return nxt == "short"  # "fell short of a majority": did not reach one
    if w in _CLEARED:
        # "was cleared of fraud", "cleared him of it", "cleared Talham of it" are acquittals
        # ("cleared the road", "cleared the area of debris" are not).
        after = [t[2] for t in toks[i + 1 : i + 4]]
        if after[:1] == ["of"]:
            return prev in _BE or prev == "got"
        return len(after) > 1 and (after[0].lower() in _PERSONS or after[0][:1].isupper()) \
            and "of" in after[1:]
    if w == "yet":
        return nxt == "to"  # "have yet to name the victim": have not named them
    return w in _NEGATORS or w in _DENY


# Negative prefixes ("unsafe" is "not safe") and the shortest stem each may negate: short
# stems after "in"/"dis" are mostly other words ("inform", "display").
_NEGATIVE_PREFIXES = (("non-", 4), ("non", 4), ("un", 4), ("dis", 5), ("in", 5), ("im", 5),
                      ("il", 5), ("ir", 5))


def _prefix_negations(
    a_toks: Sequence[tuple[int, int, str]], b_toks: Sequence[tuple[int, int, str]]
) -> tuple[set[int], set[int], set[int], set[int]]:
    """Tokens on each side that are a negative-prefixed form of a word the other side uses
    bare ("unsafe" beside "safe"): a negation only by comparison, so found on the pair.
    Right after "not" ("not unaware" beside "aware") the two cancel out: then neither the
    prefixed word nor the "not" counts. Returns the markers each side gains, then the
    markers each side loses."""

    def side(toks: Sequence[tuple[int, int, str]], other: set[str]) -> tuple[set[int], set[int]]:
        found = _prefixed(toks, other)
        litotes = {i for i in found if i > 0 and toks[i - 1][2].lower() in ("not", "never")}
        return set(found) - litotes, {i - 1 for i in litotes}

    a_words = {w.lower() for _, _, w in a_toks}
    b_words = {w.lower() for _, _, w in b_toks}
    (a_gain, a_lose), (b_gain, b_lose) = side(a_toks, b_words), side(b_toks, a_words)
    return a_gain, b_gain, a_lose, b_lose


def _prefixed(toks: Sequence[tuple[int, int, str]], other: set[str]) -> list[int]:
    """Tokens that are a negative-prefixed form of a word in ``other`` but not in it."""
    out = []
    for i, (_, _, w) in enumerate(toks):
        low = w.lower()
        if low in other:
            continue
        if any(low.startswith(p) and len(low) - len(p) >= n and low[len(p):] in other
               for p, n in _NEGATIVE_PREFIXES):
            out.append(i)
    return out


def _superlative_or_bound(toks: Sequence[tuple[int, int, str]], i: int) -> bool:
    words = [t[2].lower() for t in toks[i + 1 :]]
    if len(words) >= 2 and words[0] in _BOUNDS and words[1] == "than":
        return True
    if "since" not in words:
        return False
    return any(w in _COMPARATIVE for w in words[: words.index("since")])


# "the fire claimed three lives", "claimed victory": an outcome, not a hedged statement.
_DETERMINERS = frozenset("the a an his her their its our these those such any".split())
_CLAIM_NOUNS = frozenset("claim claims allegation allegations assertion assertions".split())
# "claims" is a noun before these words ("for later claims, while ...", "claims of abuse")
# and after these ("insurance claims", "for claims"); a hedge where someone claims a thing.
_CLAIM_NOUN_AFTER = frozenset("""for of against from over on by in under filed lodged made
    were are was is have had and or while meanwhile but""".split())
_CLAIM_NOUN_BEFORE = frozenset("""for of later future insurance compensation damage damages
    injury legal pay benefit benefits false new further many several all""".split())
_CLAIMED_OBJECTS = frozenset("""life lives victory title titles responsibility credit seat seats
    trophy cup crown medal medals championship prize win honour honor honours honors award
    awards gold place spot""".split())


def _hedges(toks: Sequence[tuple[int, int, str]], i: int) -> bool:
    raw = toks[i][2]
    w = raw.lower()
    if w.startswith("claim") and any(
        t[2].lower() in _CLAIMED_OBJECTS for t in toks[i + 1 : i + 5]
    ):
        return False  # "claimed the title", "claim the festival's top honour"
    if w in _CLAIM_NOUNS and i > 0 and (toks[i - 1][2].lower() in _DETERMINERS
                                        or toks[i - 1][2].lower().endswith(("'s", "’s"))):
        return False  # "the claims of the union", "the firm's claim": a noun, named
    if w in ("claim", "claims") and (
        (i > 0 and toks[i - 1][2].lower() in _CLAIM_NOUN_BEFORE)
        or (i + 1 < len(toks) and toks[i + 1][2].lower() in _CLAIM_NOUN_AFTER)
    ):
        return False  # "records for later claims", "claims for damages"
    if w == "may" and raw == "May" and i > 0:
        return False  # the month
    if w in ("suggest", "imply") and i > 0 and toks[i - 1][2].lower() == "to":
        return False  # "nothing to suggest that": evidence denied, the negation's matter
    if w == "could" and i + 1 < len(toks) and toks[i + 1][2].lower() == "not":
        return False  # "could not win support", "could not be reached": it did not happen
    if w in _APPEAR:
        k = i + 1
        while k < len(toks) and toks[k][2].lower() in _APPEAR_SKIP:
            k += 1  # "appeared Wednesday in court", "will appear again before the court"
        return k < len(toks) and toks[k][2].lower() not in _APPEAR_PLACE
    if w in _BE_HEDGES or w in _BE_UNDECIDED:
        prev = toks[i - 1][2].lower() if i > 0 else ""
        nxt = toks[i + 1][2].lower() if i + 1 < len(toks) else ""
        # "who're expected": a spinning tool's contraction of "are".
        return (prev in _BE or prev.endswith(("'re", "’re"))) and (
            nxt == "to" or w in _BE_UNDECIDED or (w in _BE_EXPECTED and nxt in _WHEN_WORDS))
    if w in _HEDGE_VERBS:
        return not (i + 1 < len(toks) and toks[i + 1][2].lower() in _NOT_A_VERB_AFTER)
    if w == "possible":
        # "more rain was possible" hedges; "it is possible to travel" and "as soon as
        # possible" do not.
        prev = toks[i - 1][2].lower() if i > 0 else ""
        nxt = toks[i + 1][2].lower() if i + 1 < len(toks) else ""
        return prev in _BE and nxt != "to"
    return w in _HEDGE_WORDS


def _inflected(word: str) -> str:
    """A word up to its inflection ("expect", "expected"). An adverb stays itself, since
    "reportedly" hedges where "reported" does not, and so does a word whose stem would be
    a short word of its own ("noted" is no "not")."""
    w = word.lower()
    if w.endswith("ly"):
        return w
    if w in _ADVICE:
        return "suggest"
    s = stem(w)
    return s if len(s) >= 5 else w


# "Experts suggested residents keep records" is advice: a spinner's "advised" or
# "recommended" there keeps the word's sense ("suggested that sales rose" has no such
# synonym).
_ADVICE = frozenset("""advise advises advised advising recommend recommends recommended
    recommending propose proposes proposed proposing urge urges urged urging""".split())
_AUXILIARIES = frozenset("""is are was were be been being am do does did have has had will
    would shall should can could may might must""".split())
# Most words between two markers of one change ("said the government would" ->
# "claimed the federal government might").
_ONE_CLAUSE = 5


def _marker_drift(
    kind: DriftType, is_marker: Callable[[Sequence[tuple[int, int, str]], int], bool],
    al: _Aligner, a_text: str, b_text: str, a_quotes: list[tuple[int, int]],
    b_quotes: list[tuple[int, int]],
    paired: Callable[[Sequence[tuple[int, int, str]], Sequence[tuple[int, int, str]]],
                     tuple[set[int], set[int], set[int], set[int]]] | None = None,
    implied: Callable[[Sequence[tuple[int, int, str]], int], bool] | None = None,
) -> list[_Local]:
    """Negation/hedge markers outside quotes are counted on each side; a different count is
    one drift item, located at a marker the other side lacks. ``paired`` finds markers
    that exist, or cease to count, only by comparing the two sides (the markers each side
    gains, then those each side loses). ``implied`` finds words that may stand for a
    marker: the counts are also compared with them added, and only a difference in both
    is drift ("did not attend" -> "was absent" is none, "did not reject" -> "rejected"
    still one)."""
    a_extra, b_extra, a_off, b_off = (paired(al.a_toks, al.b_toks) if paired
                                      else (set(), set(), set(), set()))

    def markers(toks: Sequence[tuple[int, int, str]], quotes: list[tuple[int, int]],
                test: Callable[[Sequence[tuple[int, int, str]], int], bool]) -> list[int]:
        return [i for i in range(len(toks)) if test(toks, i)
                and not _in_quotes(toks[i][0], quotes)]

    a_idx = markers(al.a_toks, a_quotes,
                    lambda t, i: (is_marker(t, i) or i in a_extra) and i not in a_off)
    b_idx = markers(al.b_toks, b_quotes,
                    lambda t, i: (is_marker(t, i) or i in b_extra) and i not in b_off)
    if len(a_idx) == len(b_idx):
        return []
    if implied is not None and (
        len(set(a_idx) | set(markers(al.a_toks, a_quotes, implied)))
        == len(set(b_idx) | set(markers(al.b_toks, b_quotes, implied)))
    ):
        return []
    added = len(b_idx) > len(a_idx)
    src_toks, idx = (al.b_toks, b_idx) if added else (al.a_toks, a_idx)
    changed = (al.b_changed if added else al.a_changed)
    # One item per marker the other side lacks in changed words ("said" -> "claimed" and
    # "would" -> "might" are two); one at any marker when none is in a changed word.
    # A marker whose counterpart has the same word ("no" -> "No") is not the one missing.
    to_other = al.b_to_a if added else al.a_to_b
    other_text = a_text if added else b_text

    def kept(i: int) -> bool:
        lo, hi = to_other(src_toks[i][0], src_toks[i][1])
        return src_toks[i][2].lower() in other_text[lo:hi].lower().split()

    # A marker word the other sentence holds as often, wherever, was kept, and only its
    # context read differently ("A vote is expected before July" -> "lawmakers are expected
    # to vote"; "expect" -> "expected"). As often as this side holds it in any use: "were
    # estimated ... initial estimates" -> "were assessed ... the estimate" lost one. A
    # capitalised word inside a sentence is another word ("May" the month).
    def words(toks: Sequence[tuple[int, int, str]]) -> Counter[str]:
        return Counter(_inflected(t[2]) for k, t in enumerate(toks)
                       if k == 0 or not t[2][:1].isupper())

    mine = words(src_toks)
    theirs = words(al.a_toks if added else al.b_toks)
    missing = [i for i in idx if not kept(i)
               and theirs[_inflected(src_toks[i][2])] < mine[_inflected(src_toks[i][2])]]
    if not missing:
        return []  # each marker has its word across: one said twice ("no X and no Y")
    in_changed = [i for i in missing if changed(src_toks[i][0], src_toks[i][1])]
    picks = in_changed[: abs(len(b_idx) - len(a_idx))] or missing[:1]
    # Markers a few words apart are one change of the clause ("confirmed that the dam had"
    # -> "suggested that the dam might have"): one item spans them.
    groups: list[list[int]] = []
    for pick in sorted(picks):
        if groups and pick - groups[-1][-1] <= _ONE_CLAUSE:
            groups[-1].append(pick)
        else:
            groups.append([pick])
    out = []
    verb = "added" if added else "removed"
    for group in groups:
        pick = group[0]
        s, e = src_toks[pick][0], src_toks[group[-1]][1]
        other = al.b_to_a(s, e) if added else al.a_to_b(s, e)
        if other[0] == other[1] and (pick > 0 or pick + 1 < len(src_toks)):
            # An inserted marker has no counterpart: show it with the word before it, or a
            # negation with the verb before it ("will" -> "will not") or else with the word
            # it negates ("her first" -> "not her first").
            if pick > 0 and (kind != "negation" or pick + 1 >= len(src_toks)
                             or src_toks[pick - 1][2].lower() in _AUXILIARIES):
                s = src_toks[pick - 1][0]
            else:
                e = src_toks[pick + 1][1]
            other = al.b_to_a(s, e) if added else al.a_to_b(s, e)
        if al.guessed(s, e, from_a=not added):
            other = (other[0], other[0])  # shown without a counterpart, not a wrong one
        a_span, b_span = (other, (s, e)) if added else ((s, e), other)
        detail = (f"{kind} {verb}: {_q(a_text[a_span[0]:a_span[1]])} -> "
                  f"{_q(b_text[b_span[0]:b_span[1]])}")
        out.append(_Local(kind, a_span, b_span, detail))
    return out


__all__ = ["DRIFT_TYPES", "Drift", "DriftContext", "DriftType", "sentence_drift"]
