"""Content-farm profiles: which domains publish rewrites of others, whom they copy, and
which share a site template.

Pure functions over documents, families and repeated sentences; ``farm_report`` is the thin
glue that reads them from an index. A domain's *derived* documents are its members of reuse
families in any role but ``source`` (copies, rewrites, partials, and the members of families
whose source is unknown); a content farm is a domain whose output is mostly derived.

Template networks: farms run many domains on one template, which shows as the same inserted
line (a fake author bio, a newsletter call) in documents of several domains. A line counts as
template when the same sentence hash occurs in documents of at least two *different* reuse
families (or outside any family): a sentence a copy shares with its own original is reused
content, the same bio under articles about different events is not. Domains that share such
lines form a network (connected components over shared lines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NO_DOMAIN = "(no domain)"
DERIVED_ROLES = ("copy", "rewrite", "partial")
# Template lines shorter than this are too generic to tie two sites ("Read more.").
MIN_TEMPLATE_WORDS = 5


@dataclass(frozen=True, slots=True)
class DocInfo:
    id: str
    domain: str | None


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence occurrence: its exact-repeat hash, document and text."""

    hash: int
    doc_id: str
    text: str


@dataclass(slots=True)
class DomainProfile:
    domain: str
    documents: int = 0
    copies: int = 0
    rewrites: int = 0
    partials: int = 0
    copies_from: Counter[str] = field(default_factory=Counter)
    network: int | None = None
    """Id of the template network the domain belongs to, if any."""

    @property
    def derived(self) -> int:
        return self.copies + self.rewrites + self.partials

    @property
    def share_rewritten(self) -> float:
        return self.derived / self.documents if self.documents else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "documents": self.documents, "derived": self.derived,
                "copies": self.copies, "rewrites": self.rewrites, "partials": self.partials,
                "share_rewritten": round(self.share_rewritten, 3),
                "copies_from": dict(self.copies_from.most_common()),
                "network": self.network}


@dataclass(slots=True)
class TemplateNetwork:
    id: int
    domains: list[str]
    lines: list[dict[str, Any]]
    """``{"text", "domains", "documents"}`` per shared template line, most widespread first."""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "domains": self.domains, "lines": self.lines}


def domain_of(doc: DocInfo) -> str:
    return doc.domain or NO_DOMAIN


def template_lines(
    lines: Iterable[Line],
    family_of: Mapping[str, int],
    domains: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Repeated sentences that look like a site template: the same hash in documents of at
    least two different families (a document outside every family is its own group) and of
    at least two real domains. Each ``{"hash", "text", "domains", "documents"}``."""
    by_hash: dict[int, list[Line]] = {}
    for ln in lines:
        by_hash.setdefault(ln.hash, []).append(ln)
    out = []
    for h, occ in by_hash.items():
        docs = sorted({o.doc_id for o in occ})
        groups = {family_of.get(d, f"doc:{d}") for d in docs}
        doms = sorted({domains.get(d, NO_DOMAIN) for d in docs} - {NO_DOMAIN})
        text = occ[0].text.strip()
        if len(groups) < 2 or len(doms) < 2 or len(text.split()) < MIN_TEMPLATE_WORDS:
            continue
        out.append({"hash": h, "text": text, "domains": doms, "documents": len(docs)})
    out.sort(key=lambda x: (-len(x["domains"]), -x["documents"], x["text"]))
    return out


def template_networks(templates: Sequence[Mapping[str, Any]]) -> list[TemplateNetwork]:
    """Connected groups of domains linked by shared template lines."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in templates:
        first, *rest = t["domains"]
        for d in rest:
            ra, rb = find(first), find(d)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for d in sorted(parent):
        groups.setdefault(find(d), []).append(d)
    nets = []
    for nid, doms in enumerate(sorted(groups.values(), key=lambda g: (-len(g), g)), start=1):
        members = set(doms)
        lines = [{"text": t["text"], "domains": t["domains"], "documents": t["documents"]}
                 for t in templates if set(t["domains"]) & members]
        nets.append(TemplateNetwork(nid, doms, lines))
    return nets


def profile_domains(
    documents: Sequence[DocInfo],
    families: Sequence[Mapping[str, Any]],
    networks: Sequence[TemplateNetwork] = (),
) -> list[DomainProfile]:
    """Per-domain counts, ranked by share rewritten, then by number derived, then name.

    ``families`` are as ``Store.families()`` returns them. A derived document copies from
    its family's source when that is known, otherwise from its parent in the family tree;
    members of a family with neither (the root of an unknown-source family) name no domain.
    """
    dom = {d.id: domain_of(d) for d in documents}
    profiles: dict[str, DomainProfile] = {}
    for d in documents:
        profiles.setdefault(dom[d.id], DomainProfile(dom[d.id])).documents += 1
    for fam in families:
        source = fam.get("source")
        for m in fam["members"]:
            role, doc_id = m["role"], m["doc_id"]
            if role not in DERIVED_ROLES or doc_id not in dom:
                continue
            p = profiles[dom[doc_id]]
            if role == "copy":
                p.copies += 1
            elif role == "rewrite":
                p.rewrites += 1
            else:
                p.partials += 1
            origin = source if source and source != doc_id else m.get("parent")
            if origin and origin in dom:
                p.copies_from[dom[origin]] += 1
    for net in networks:
        for d in net.domains:
            if d in profiles:
                profiles[d].network = net.id
    return sorted(profiles.values(),
                  key=lambda p: (-p.share_rewritten, -p.derived, p.domain))


def farm_report(store: Any) -> dict[str, Any]:
    """``{"domains": [...], "networks": [...]}`` for an index (a ``retold.store.Store``)."""
    docs = [DocInfo(d.id, d.domain) for d in store.documents()]
    fams = store.families()
    family_of = {m["doc_id"]: int(f["id"]) for f in fams for m in f["members"]}
    domains = {d.id: domain_of(d) for d in docs}
    lines = [Line(h, doc_id, text) for h, doc_id, text in store.repeated_sentences(min_docs=2)]
    nets = template_networks(template_lines(lines, family_of, domains))
    profiles = profile_domains(docs, fams, nets)
    return {"domains": [p.to_json() for p in profiles],
            "networks": [n.to_json() for n in nets]}
