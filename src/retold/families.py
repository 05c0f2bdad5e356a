"""Reuse families from verified edges, and their provenance.

A family is a connected component of verified reuse edges (``copy``, ``rewrite``,
``partial``): no pair is merged on unchecked similarity. Each edge gets a direction from
publication times when both are known, otherwise from text evidence; the family's source is
the root of a derivation tree, or ``None`` with the reason when the evidence does not decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from retold.relate import COPY, PARTIAL, REUSE

# Publication times closer than this are treated as simultaneous (feeds round and lag).
MIN_TIME_GAP_SECONDS = 60.0
# Text evidence must lean this far (in units of the signals below) before it decides.
MIN_TEXT_MARGIN = 1.5


@dataclass(frozen=True, slots=True)
class Edge:
    a: str
    b: str
    relation: str
    coverage: float
    """Mean of both sides' coverage: how much of each is accounted for by the other."""
    evidence_a: float = 0.0
    """Text evidence that ``a`` is the original (positive) or the copy (negative)."""


@dataclass(frozen=True, slots=True)
class Direction:
    source: str | None
    confidence: float
    reason: str


@dataclass(slots=True)
class Family:
    id: int
    members: list[str]
    source: str | None
    source_reason: str
    parent: dict[str, str | None] = field(default_factory=dict)
    role: dict[str, str] = field(default_factory=dict)

    def tree(self) -> dict[str, object]:
        """Nested ``{"id", "relation", "children": [...]}`` from the root."""
        children: dict[str | None, list[str]] = {}
        for m in self.members:
            children.setdefault(self.parent.get(m), []).append(m)

        def node(m: str) -> dict[str, object]:
            return {"id": m, "role": self.role.get(m),
                    "children": [node(c) for c in children.get(m, [])]}

        return {"roots": [node(r) for r in children.get(None, [])]}


def direct(edge: Edge, published: Mapping[str, datetime | None]) -> Direction:
    """Which side of a reuse edge is the source, how sure, and why."""
    ta, tb = published.get(edge.a), published.get(edge.b)
    if ta is not None and tb is not None:
        gap = (tb - ta).total_seconds()
        if abs(gap) >= MIN_TIME_GAP_SECONDS:
            src = edge.a if gap > 0 else edge.b
            hours = abs(gap) / 3600
            conf = 0.95 if hours >= 1 else 0.8
            return Direction(src, conf, f"published {hours:.1f} h earlier")
    if abs(edge.evidence_a) >= MIN_TEXT_MARGIN:
        src = edge.a if edge.evidence_a > 0 else edge.b
        conf = min(0.9, 0.5 + 0.1 * abs(edge.evidence_a))
        return Direction(src, conf, "text evidence: the other side added material or lost details")
    return Direction(None, 0.0, "no publication times and the text evidence does not decide")


def text_evidence(
    inserted_a: int,
    inserted_b: int,
    boilerplate_a: int,
    boilerplate_b: int,
    specifics_a: int,
    specifics_b: int,
) -> float:
    """Positive when ``a`` looks like the original.

    Copies add material (headings, bios, site boilerplate) and lose specific details (names,
    numbers, dates) that spinners generalise away; originals rarely do either. Each signal
    counts one unit per sentence or per three specifics, capped so no single one decides.
    """
    added = max(-2.0, min(2.0, float(inserted_b - inserted_a)))
    boiler = max(-2.0, min(2.0, float(boilerplate_b - boilerplate_a)))
    specific = max(-2.0, min(2.0, (specifics_a - specifics_b) / 3.0))
    return added + boiler + specific


def build_families(
    members_order: Sequence[str],
    edges: Sequence[Edge],
    published: Mapping[str, datetime | None],
) -> list[Family]:
    """Connected components of reuse edges with a derivation tree each.

    ``members_order`` fixes a deterministic order (index insertion order). Within a family,
    documents are placed earliest-first (by time, then by being the source of directed
    edges); each later document hangs under the already-placed member it shares the most
    with. The family source is the root when every edge from the root points away from it.
    """
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

    by_member: dict[str, list[Edge]] = {}
    for e in reuse:
        by_member.setdefault(e.a, []).append(e)
        by_member.setdefault(e.b, []).append(e)
    directions = {(e.a, e.b): direct(e, published) for e in reuse}

    families: list[Family] = []
    for fid, members in enumerate(
        sorted(groups.values(), key=lambda g: rank.get(g[0], 0)), start=1
    ):
        families.append(_family(fid, members, by_member, directions, published, rank))
    return families


def _family(
    fid: int,
    members: list[str],
    by_member: Mapping[str, list[Edge]],
    directions: Mapping[tuple[str, str], Direction],
    published: Mapping[str, datetime | None],
    rank: Mapping[str, int],
) -> Family:
    wins: dict[str, float] = dict.fromkeys(members, 0.0)
    for m in members:
        for e in by_member.get(m, []):
            d = directions[(e.a, e.b)]
            if d.source == m:
                wins[m] += d.confidence
            elif d.source is not None:
                wins[m] -= d.confidence

    def key(m: str) -> tuple[float, float, int]:
        t = published.get(m)
        return (t.timestamp() if t else float("inf"), -wins[m], rank.get(m, 0))

    # Times order the documents when every member has one; otherwise evidence does.
    if all(published.get(m) for m in members):
        order = sorted(members, key=key)
    else:
        order = sorted(members, key=lambda m: (-wins[m], rank.get(m, 0)))
    placed: list[str] = []
    parent: dict[str, str | None] = {}
    role: dict[str, str] = {}
    edge_of: dict[tuple[str, str], Edge] = {}
    for m in members:
        for e in by_member.get(m, []):
            edge_of[(e.a, e.b)] = e
            edge_of[(e.b, e.a)] = e
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
    root_edges = [edge_of[(root, m)] for m in members if (root, m) in edge_of]
    root_dirs = [directions[(e.a, e.b)] for e in root_edges]
    if root_dirs and all(d.source == root for d in root_dirs):
        source: str | None = root
        reason = "; ".join(sorted({d.reason for d in root_dirs}))
        role[root] = "source"
    else:
        source = None
        undecided = [d.reason for d in root_dirs if d.source != root]
        reason = "unknown: " + (undecided[0] if undecided else "no directed edge")
        role[root] = _root_role(root_edges)
    return Family(fid, members, source, reason, parent, role)


def _root_role(edges: Sequence[Edge]) -> str:
    """Role of a root that is not a known source: the strongest relation it takes part in."""
    relations = {e.relation for e in edges}
    for rel in (COPY, "rewrite", PARTIAL):
        if rel in relations:
            return rel
    return "rewrite"
