"""Reuse families from verified edges, and their provenance.

A family is a connected component of verified reuse edges (``copy``, ``rewrite``,
``partial``): no pair is merged on unchecked similarity. Each edge gets a direction from
publication times when both are known, otherwise from text evidence; the family's source is
the root of a derivation tree, or ``None`` with the reason when the evidence does not decide.

Text evidence, per edge (positive when ``a`` looks like the original):

- **inserted material**: sentences of one side that no other family member shares (intro
  lines, SEO headings, author bios, a partial's own article). A sentence one side lacks but
  a third member keeps was *dropped* by that side, not inserted by the other, so it does not
  count; the document title (a leading heading) is rewritten by everyone and does not count;
- **boilerplate**: sentences repeated across otherwise unrelated documents (a site template);
- **lost details**: names, numbers and dates in one side's aligned sentences that the other
  side's aligned sentences lack (spinners generalise "in 2019" to "in previous years");
  a changed number is lost on both sides and cancels out;
- **family support**: the original is what every derived member was made from, so it
  matches the other members best; a derived member matches its siblings less well.
- **shared wording**: the same at the level of words. Each spinner swaps its own
  synonyms, so two spins share only the words both kept from the original, and the
  original shares more words with each of them than they share with each other; a free
  paraphrase shares the fewest. It only settles which of two unmarked members whose own
  link is undecided comes first (an original and its paraphrase), see
  ``_prefer_shared_wording``.

The family source must also be *clean*: when text (not time) decides, a document that itself
carries marks of derivation - material no other member has, boilerplate, or several details
another member keeps and it lacks - cannot be the original of that family. When every member
carries such marks (three spins of an article that is not in the index), the source is
reported as unknown with that reason instead of naming the least-damaged copy. Nor is a
source named when the text evidence ranks two members level and their own link is
undecided: which of them came first would be the input's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise

from retold.entities import Knowledge, extract, number_values
from retold.relate import COPY, PARTIAL, REUSE, REWRITE

# Publication times closer than this are treated as simultaneous (feeds round and lag).
MIN_TIME_GAP_SECONDS = 60.0
# Text evidence must lean this far (in units of the signals below) before it decides.
MIN_TEXT_MARGIN = 1.5
# Each text signal is capped at this many units, so no single one decides alone.
SIGNAL_CAP = 2.0
# Lost details per unit of evidence: one missing name is noise, three are a pattern.
DETAILS_PER_UNIT = 3.0
# A candidate source that lacks this many more details than another member is derived:
# entity extraction on reworded text is noisy by one or two mentions, not by three.
LOSS_TOLERANCE = 3
# Family support difference (mean coverage with the other members) per unit of evidence,
# capped at one unit: it tips close calls, it never decides alone.
SUPPORT_PER_UNIT = 0.1
SUPPORT_CAP = 1.0
# How much more wording, on average over the other members, one unmarked member must share
# with them to come before another (spins of one original share 0.6-0.85 of its wording with
# it and 0.4-0.75 with each other, a free paraphrase 0.4-0.5 with everyone; a spin that
# added nothing sat 0.08 below its original in held-out set 10 scanned without dates).
WORDING_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Edge:
    a: str
    b: str
    relation: str
    coverage: float
    """Mean of both sides' coverage: how much of each is accounted for by the other."""
    evidence_a: float = 0.0
    """Text evidence that ``a`` is the original (positive) or the copy (negative)."""
    lost_a: int = 0
    """Details (names, numbers, dates) in ``b``'s aligned sentences missing from ``a``'s."""
    lost_b: int = 0
    signals: tuple[tuple[str, float], ...] = ()
    """The named parts of ``evidence_a``, for the reason shown to users."""
    wording: float = 0.0
    """How much of the aligned sentences' wording the two sides share (0-1)."""


@dataclass(frozen=True, slots=True)
class Marks:
    """Marks of derivation one document carries inside its family."""

    inserted: int = 0
    """Non-boilerplate sentences (title excluded) that no other family member shares."""
    boilerplate: int = 0
    """Sentences flagged as boilerplate repeated across documents."""


@dataclass(frozen=True, slots=True)
class Direction:
    source: str | None
    confidence: float
    reason: str
    basis: str = ""
    """What decided: ``time``, ``text``, ``tree`` or empty (undecided)."""
    signals: tuple[str, ...] = ()
    """Text signals that pointed to ``source`` (names as in ``evidence_signals``)."""


@dataclass(slots=True)
class Family:
    id: int
    members: list[str]
    source: str | None
    source_reason: str
    parent: dict[str, str | None] = field(default_factory=dict)
    role: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    """Confidence in ``source`` (0 when it is unknown)."""
    directions: dict[tuple[str, str], Direction] = field(default_factory=dict)
    """Direction of every reuse edge inside the family, keyed by the edge's ``(a, b)``."""

    def tree(self) -> dict[str, object]:
        """Nested ``{"id", "role", "children": [...]}`` from the root, with the source's
        confidence (the families table has no column of its own for it)."""
        children: dict[str | None, list[str]] = {}
        for m in self.members:
            children.setdefault(self.parent.get(m), []).append(m)

        def node(m: str) -> dict[str, object]:
            return {"id": m, "role": self.role.get(m),
                    "children": [node(c) for c in children.get(m, [])]}

        return {"roots": [node(r) for r in children.get(None, [])],
                "source_confidence": round(self.confidence, 3)}


# --- sentence-level evidence (pure) ------------------------------------------------------


def detail_keys(sentence: str, knowledge: Knowledge | None = None) -> frozenset[str]:
    """The specific details of a sentence: entity words, number and date keys.

    Titles and quotes are left out: spinners add "former" and "deputy" to titles and reword
    quotes, which changes facts (drift's job) but is not a loss of detail.
    """
    m = extract(sentence, knowledge)
    keys = {f"e:{t}" for e in m.entities for t in e.tokens}
    # "8.5m" may be 8.5 million or 8.5 metres: one detail with both values ("n:8.5|8500000").
    keys |= {"n:" + "|".join(number_values(x)) for x in m.numbers}
    # Relative dates ("last year", "over a decade ago") are what spinners replace specific
    # dates with: not details of their own.
    keys |= {f"d:{x.key}" for x in m.dates if "rel=" not in x.key}
    return frozenset(keys)


def lost_details(
    spans: Iterable[tuple[Iterable[frozenset[str]], Iterable[frozenset[str]]]],
    whole_a: frozenset[str] = frozenset(),
    whole_b: frozenset[str] = frozenset(),
) -> tuple[int, int]:
    """``(lost_a, lost_b)`` over aligned spans, each given as the detail keys of its ``a``
    sentences and of its ``b`` sentences: how many details the other side's aligned text has
    and this side's lacks. Measured on aligned text only, so a dropped sentence does not
    count twice. A detail this side gives in another sentence (``whole_a``, ``whole_b``: the
    keys of each whole document) is not lacking: a rewrite that merges two sentences brings
    a detail into a span whose counterpart does not hold it."""
    lost_a = lost_b = 0
    for a_keys, b_keys in spans:
        ka = frozenset().union(*a_keys)
        kb = frozenset().union(*b_keys)
        if not ka and not kb:
            continue
        lost_a += sum(1 for k in kb - ka - whole_a if not _implied(k, ka | whole_a))
        lost_b += sum(1 for k in ka - kb - whole_b if not _implied(k, kb | whole_b))
    return lost_a, lost_b


def _implied(key: str, keys: frozenset[str]) -> bool:
    """A date the other side gives more finely ("d:m=11" beside "d:d=12;m=11"): the coarser
    side lost the day, the finer side lost nothing. A number the other side gives as one of
    its possible values ("n:8.5|8500000" beside "n:8500000") is not lost either."""
    if key.startswith("n:"):
        values = set(key[2:].split("|"))
        return any(k.startswith("n:") and not values.isdisjoint(k[2:].split("|"))
                   for k in keys)
    if not key.startswith("d:"):
        return False
    parts = set(key[2:].split(";"))
    return any(k.startswith("d:") and parts < set(k[2:].split(";")) for k in keys)


def unsupported_sentences(
    n_sentences: int, matched: Iterable[int], skip: Iterable[int], title: bool
) -> set[int]:
    """Sentences of a document aligned with no other family member, boilerplate (``skip``)
    and a leading title excluded: what this document added to the text it took."""
    gone = set(matched) | set(skip)
    if title:
        gone.add(0)
    return {i for i in range(n_sentences) if i not in gone}


def substituted(
    spans: Sequence[Mapping[str, Sequence[int]]], prose_a: Sequence[bool],
    prose_b: Sequence[bool],
) -> tuple[set[int], set[int]]:
    """Sentences of each side left unaligned between the same two aligned spans as
    unaligned prose of the other side: a sentence reworded past what alignment pairs (a
    spinner's "Some doctors urged caution." -> "Certain physicians advised prudence."),
    not material one side added.

    Where the two sides leave different numbers of prose sentences in such a gap, only
    the side with fewer is taken as reworded: the other may have added a line there.
    Headings (``prose_*`` false) never count, and neither do the text before the first
    span and after the last, where copies put their intros and footers.
    """
    out_a: set[int] = set()
    out_b: set[int] = set()
    ordered = sorted(spans, key=lambda sp: (sp["a_sentences"][0], sp["b_sentences"][0]))
    for x, y in pairwise(ordered):
        gap_a = [i for i in range(x["a_sentences"][1], y["a_sentences"][0]) if prose_a[i]]
        gap_b = [j for j in range(x["b_sentences"][1], y["b_sentences"][0]) if prose_b[j]]
        if gap_a and gap_b:
            if len(gap_a) <= len(gap_b):
                out_a.update(gap_a)
            if len(gap_b) <= len(gap_a):
                out_b.update(gap_b)
    return out_a, out_b


def evidence_signals(
    inserted_a: int,
    inserted_b: int,
    boilerplate_a: int,
    boilerplate_b: int,
    lost_a: int,
    lost_b: int,
) -> dict[str, float]:
    """Named parts of the pairwise text evidence, each positive when ``a`` looks like the
    original and capped at ``SIGNAL_CAP`` units.

    Copies add material (headings, bios, site boilerplate) and lose specific details (names,
    numbers, dates) that spinners generalise away; originals rarely do either. Each signal
    counts one unit per sentence or per ``DETAILS_PER_UNIT`` lost details.
    """

    def cap(x: float) -> float:
        return max(-SIGNAL_CAP, min(SIGNAL_CAP, x))

    return {
        "inserted": cap(float(inserted_b - inserted_a)),
        "boilerplate": cap(float(boilerplate_b - boilerplate_a)),
        "lost details": cap((lost_b - lost_a) / DETAILS_PER_UNIT),
    }


def text_evidence(
    inserted_a: int,
    inserted_b: int,
    boilerplate_a: int,
    boilerplate_b: int,
    lost_a: int,
    lost_b: int,
) -> float:
    """Positive when ``a`` looks like the original: the sum of ``evidence_signals``."""
    return sum(evidence_signals(inserted_a, inserted_b, boilerplate_a, boilerplate_b,
                                lost_a, lost_b).values())


# --- directions ----------------------------------------------------------------------------

# What each signal says about the derived side, in words.
_SIGNAL_WORDS = {
    "inserted": "inserted sentences no other member has",
    "boilerplate": "carries more boilerplate",
    "lost details": "lacks details the source keeps",
    "family support": "matches the other members less well",
}


def _signals_for(edge: Edge, source: str) -> tuple[str, ...]:
    sign = 1.0 if source == edge.a else -1.0
    return tuple(name for name, v in edge.signals if v * sign > 0)


def _words(signals: Iterable[str]) -> str:
    parts = [_SIGNAL_WORDS.get(s, s) for s in dict.fromkeys(signals)]
    return ", ".join(parts) if parts else "looks derived"


def direct(edge: Edge, published: Mapping[str, datetime | None]) -> Direction:
    """Which side of a reuse edge is the source, how sure, and why."""
    ta, tb = published.get(edge.a), published.get(edge.b)
    if ta is not None and tb is not None:
        gap = (tb - ta).total_seconds()
        if abs(gap) >= MIN_TIME_GAP_SECONDS:
            src = edge.a if gap > 0 else edge.b
            hours = abs(gap) / 3600
            conf = 0.95 if hours >= 1 else 0.8
            return Direction(src, conf, f"published {hours:.1f} h earlier", "time")
    if abs(edge.evidence_a) >= MIN_TEXT_MARGIN:
        src = edge.a if edge.evidence_a > 0 else edge.b
        conf = min(0.9, 0.5 + 0.1 * abs(edge.evidence_a))
        signals = _signals_for(edge, src)
        return Direction(src, round(conf, 3), "text evidence: the other side " + _words(signals),
                         "text", signals)
    timing = ("published within a minute of each other" if ta is not None and tb is not None
              else "no publication time on both sides")
    return Direction(None, 0.0, f"{timing} and the text evidence does not decide")


def family_support(members: Sequence[str], edges: Sequence[Edge]) -> dict[str, float]:
    """Mean coverage of each member with every other member (0 where no edge links them):
    the original was used by every derived member, siblings share only what they took."""
    return _member_means(members, edges, lambda e: e.coverage)


def family_wording(members: Sequence[str], edges: Sequence[Edge]) -> dict[str, float]:
    """Mean shared wording of each member with every other member (0 where no edge links
    them): each derived member kept words of the original, siblings share only the words
    both kept."""
    return _member_means(members, edges, lambda e: e.wording)


def _member_means(
    members: Sequence[str], edges: Sequence[Edge], value: Callable[[Edge], float]
) -> dict[str, float]:
    if len(members) < 2:
        return dict.fromkeys(members, 0.0)
    total = dict.fromkeys(members, 0.0)
    for e in edges:
        if e.a in total and e.b in total:
            total[e.a] += value(e)
            total[e.b] += value(e)
    return {m: v / (len(members) - 1) for m, v in total.items()}


def _with_support(edge: Edge, support: Mapping[str, float]) -> Edge:
    diff = (support.get(edge.a, 0.0) - support.get(edge.b, 0.0)) / SUPPORT_PER_UNIT
    term = max(-SUPPORT_CAP, min(SUPPORT_CAP, diff))
    if term == 0.0:
        return edge
    return replace(edge, evidence_a=edge.evidence_a + term,
                   signals=(*edge.signals, ("family support", term)))


def _prefer_shared_wording(
    order: list[str], edges: Sequence[Edge], directions: Mapping[tuple[str, str], Direction],
    marks: Mapping[str, Marks],
) -> list[str]:
    """``order`` with its first member replaced by a rival that shares clearly more wording
    with the other members (``WORDING_MARGIN`` more on average), where both carry no
    marks of derivation and the edge between them is undecided: an original and a free
    paraphrase of it, the paraphrase's edges to the spins as strong as the original's.
    Shared wording is no edge evidence of its own: among derived members the most central
    is an intermediate rewrite that others were made from, not the source."""
    first = order[0]
    if derivation_marks(first, edges, marks):
        return order
    means = family_wording(order, edges)
    undecided = {frozenset((e.a, e.b)) for e in edges if directions[(e.a, e.b)].source is None}
    rivals = [m for m in order[1:] if frozenset((first, m)) in undecided
              and means[m] - means[first] >= WORDING_MARGIN
              and not derivation_marks(m, edges, marks)]
    if not rivals:
        return order
    best = max(rivals, key=lambda m: means[m])
    return [best, *(m for m in order if m != best)]


# --- families -----------------------------------------------------------------------------


def build_families(
    members_order: Sequence[str],
    edges: Sequence[Edge],
    published: Mapping[str, datetime | None],
    marks: Mapping[str, Marks] | None = None,
) -> list[Family]:
    """Connected components of reuse edges with a derivation tree each.

    ``members_order`` fixes a deterministic order (index insertion order). Within a family,
    documents are placed earliest-first (by time, then by being the source of directed
    edges); each later document hangs under the already-placed member it shares the most
    with. The family source is the root when no edge of the root points towards it, at least
    one points away, and (where text evidence decided) the root carries no marks of
    derivation (``marks``, and details lost against another member).
    """
    marks = marks or {}
    reuse = [e for e in edges if e.relation in REUSE]
    rank = {d: i for i, d in enumerate(members_order)}
    parent_uf: dict[str, str] = {}

    def find(x: str) -> str:
        while parent_uf.setdefault(x, x) != x:
            parent_uf[x] = parent_uf[parent_uf[x]]
            x = parent_uf[x]
        return x

    for e in reuse:
        ra, rb = find(e.a), find(e.b)
        if ra != rb:
            if rank.get(ra, 0) <= rank.get(rb, 0):
                parent_uf[rb] = ra
            else:
                parent_uf[ra] = rb
    groups: dict[str, list[str]] = {}
    for d in sorted(parent_uf, key=lambda x: rank.get(x, len(rank))):
        groups.setdefault(find(d), []).append(d)

    edges_of: dict[str, list[Edge]] = {}
    for e in reuse:
        edges_of.setdefault(find(e.a), []).append(e)

    families: list[Family] = []
    for fid, members in enumerate(
        sorted(groups.values(), key=lambda g: rank.get(g[0], 0)), start=1
    ):
        fam_edges = edges_of.get(find(members[0]), [])
        support = family_support(members, fam_edges)
        fam_edges = [_with_support(e, support) for e in fam_edges]
        families.append(_family(fid, members, fam_edges, published, rank, marks))
    return families


def derivation_marks(
    member: str, edges: Sequence[Edge], marks: Mapping[str, Marks]
) -> list[str]:
    """Why ``member`` looks derived itself (empty when it could be an original)."""
    out: list[str] = []
    mk = marks.get(member, Marks())
    if mk.inserted:
        out.append(f"{mk.inserted} sentence(s) no other member has")
    if mk.boilerplate:
        out.append(f"{mk.boilerplate} boilerplate sentence(s)")
    worst = max(
        ((e.lost_a - e.lost_b) if e.a == member else (e.lost_b - e.lost_a)
         for e in edges if member in (e.a, e.b)),
        default=0,
    )
    if worst >= LOSS_TOLERANCE:
        out.append(f"lacks {worst} more details than another member")
    return out


def _family(
    fid: int,
    members: list[str],
    edges: Sequence[Edge],
    published: Mapping[str, datetime | None],
    rank: Mapping[str, int],
    marks: Mapping[str, Marks],
) -> Family:
    directions = {(e.a, e.b): direct(e, published) for e in edges}
    wins: dict[str, float] = dict.fromkeys(members, 0.0)
    for e in edges:
        d = directions[(e.a, e.b)]
        if d.source is None:
            continue
        other = e.b if d.source == e.a else e.a
        wins[d.source] += d.confidence
        wins[other] -= d.confidence

    def key(m: str) -> tuple[float, float, int]:
        t = published.get(m)
        return (t.timestamp() if t else float("inf"), -wins[m], rank.get(m, 0))

    # Times order the documents when every member has one; otherwise evidence does.
    if all(published.get(m) for m in members):
        order = by_wins = sorted(members, key=key)
    else:
        by_wins = sorted(members, key=lambda m: (-wins[m], rank.get(m, 0)))
        order = _prefer_shared_wording(by_wins, edges, directions, marks)
    edge_of: dict[tuple[str, str], Edge] = {}
    for e in edges:
        edge_of[(e.a, e.b)] = e
        edge_of[(e.b, e.a)] = e
    placed: list[str] = []
    parent: dict[str, str | None] = {}
    role: dict[str, str] = {}
    for m in order:
        linked = [p for p in placed if (p, m) in edge_of]
        if not linked:
            parent[m] = None
        else:
            best = max(linked, key=lambda p: (edge_of[(p, m)].coverage, -rank.get(p, 0)))
            parent[m] = best
            role[m] = edge_of[(best, m)].relation
        placed.append(m)

    root = order[0]
    root_edges = [e for e in edges if root in (e.a, e.b)]
    root_dirs = [directions[(e.a, e.b)] for e in root_edges]
    away = [d for d in root_dirs if d.source == root]
    toward = [d for d in root_dirs if d.source is not None and d.source != root]
    # Marks of derivation are checked only where text alone placed the root: a root that
    # publication times put before other members is not doubted for what text evidence
    # says of an undated one (left undecided, that link would not have been doubted either).
    by_text = (any(d.basis == "text" for d in away)
               and not any(d.basis == "time" for d in away))
    source: str | None = None
    confidence = 0.0
    if toward or not away:
        undecided = [d.reason for d in root_dirs if d.source != root]
        reason = "unknown: " + (undecided[0] if undecided else "no directed edge")
    elif by_text and (own := derivation_marks(root, root_edges, marks)):
        clean = [m for m in members if not derivation_marks(m, edges, marks)]
        if clean:
            reason = (f"unknown: the text evidence ranks {root} first, but it looks derived"
                      " itself (" + "; ".join(own) + "), and the members without such marks ("
                      + ", ".join(clean) + ") are not shown to be the source of the rest")
        else:
            reason = ("unknown: every member looks derived (material no other member has,"
                      " boilerplate or lost details), so the original is probably not in the"
                      f" index; closest: {root} (" + "; ".join(own) + ")")
    elif by_text and order[0] == by_wins[0] and (
            tied := _tied(root, by_wins, wins, directions, edge_of)):
        reason = (f"unknown: the text evidence places {root} and " + ", ".join(tied)
                  + " alike, and nothing orders them")
    elif closer := _closer_siblings(root, parent, edge_of):
        m, c, w, w_root = closer
        reason = (f"unknown: {m} and {c} share more wording with each other ({w:.2f}) than"
                  f" either with {root} (at most {w_root:.2f}), so what they share came"
                  " from a common source other than it; the original is probably not in"
                  " the index")
    else:
        source = root
        # The weakest decided edge bounds the family's source; undecided edges dilute it.
        confidence = min(d.confidence for d in away) * len(away) / len(root_dirs)
        reason = f"confidence {confidence:.2f}; " + _family_reason(away, len(root_dirs))
        if order[0] != by_wins[0]:
            reason += (f"; placed before {by_wins[0]}, which shares less wording with the"
                       " other members")
    if source is not None:
        role[root] = "source"
    else:
        role[root] = _root_role(root_edges)
    fam = Family(fid, members, source, reason, parent, role, round(confidence, 3))
    # Tree placement orders documents only under a known source; without one, the order
    # among derived members is no evidence of who copied whom.
    fam.directions = _complete_directions(edges, directions, parent if source else {})
    return fam


# How much more wording two members placed under one source must share with each other
# than either shares with it before that source is doubted. Two spins of one article keep
# its words, each less of them than it shares with the article (0.75-0.8 against 0.85 and
# more); two spins beside a paraphrase of their absent original share twice the wording
# either shares with the paraphrase (0.7-0.85 against 0.35-0.5).
SIBLING_MARGIN = 0.1


def _closer_siblings(
    root: str, parent: Mapping[str, str | None], edge_of: Mapping[tuple[str, str], Edge],
) -> tuple[str, str, float, float] | None:
    """Two members placed directly under ``root`` whose own link keeps clearly more wording
    than either's link with ``root``: ``(m, c, their wording, the higher root wording)``.

    A rewrite's words come from its source. Two whole rewrites of each other (neither a
    copy nor a partial copy of the other) that share words their supposed source lacks
    took them from a common source that is not ``root``."""
    kids = [m for m, p in parent.items() if p == root]
    for i, m in enumerate(kids):
        for c in kids[i + 1:]:
            e = edge_of.get((m, c))
            # One of two copies, or a partial copy, may be the other's copy: then the words
            # they share came through it, and say nothing of ``root``.
            if e is None or e.relation != REWRITE:
                continue
            w_root = max(edge_of[(root, m)].wording, edge_of[(root, c)].wording)
            if e.wording > w_root + SIBLING_MARGIN:
                return m, c, e.wording, w_root
    return None


def _tied(
    root: str, order: Sequence[str], wins: Mapping[str, float],
    directions: Mapping[tuple[str, str], Direction], edge_of: Mapping[tuple[str, str], Edge],
) -> list[str]:
    """Members the text evidence ranks level with ``root`` and whose link with it is
    undecided: which of them is first would be the input's order (two spins that added
    and lost nothing, each above the paraphrase)."""
    out = []
    for m in order[1:]:
        if wins[m] < wins[root] - 1e-9:
            break
        e = edge_of.get((root, m))
        if e is None or directions[(e.a, e.b)].source is None:
            out.append(m)
    return out


def _family_reason(away: Sequence[Direction], n_edges: int) -> str:
    """Why the root is the source: how many members each kind of evidence placed under it."""
    parts = []
    timed = [d for d in away if d.basis == "time"]
    texted = [d for d in away if d.basis == "text"]
    if timed:
        parts.append(f"published before {len(timed)} linked member(s)")
    if texted:
        parts.append(f"text evidence against {len(texted)} linked member(s), which "
                     + _words(s for d in texted for s in d.signals))
    if len(away) < n_edges:
        parts.append(f"{n_edges - len(away)} link(s) undecided")
    return "; ".join(parts)


def _ancestors(m: str, parent: Mapping[str, str | None]) -> list[str]:
    out: list[str] = []
    p = parent.get(m)
    while p is not None and p not in out:
        out.append(p)
        p = parent.get(p)
    return out


def _complete_directions(
    edges: Sequence[Edge],
    directions: Mapping[tuple[str, str], Direction],
    parent: Mapping[str, str | None],
) -> dict[tuple[str, str], Direction]:
    """Every edge's direction: its own evidence where that decided, otherwise the family
    tree's (an ancestor is the source of its descendants, at low confidence); edges between
    two branches of the tree stay undirected - both sides derive from a common ancestor."""
    out: dict[tuple[str, str], Direction] = {}
    for e in edges:
        d = directions[(e.a, e.b)]
        if d.source is None:
            if e.a in _ancestors(e.b, parent):
                d = Direction(e.a, 0.3, f"placed above {e.b} in the family tree", "tree")
            elif e.b in _ancestors(e.a, parent):
                d = Direction(e.b, 0.3, f"placed above {e.a} in the family tree", "tree")
            else:
                d = Direction(None, 0.0, d.reason + "; the family tree does not order them")
        out[(e.a, e.b)] = d
    return out


def _root_role(edges: Sequence[Edge]) -> str:
    """Role of a root that is not a known source: the strongest relation it takes part in."""
    relations = {e.relation for e in edges}
    for rel in (COPY, "rewrite", PARTIAL):
        if rel in relations:
            return rel
    return "rewrite"
