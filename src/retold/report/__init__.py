"""The HTML report: one self-contained file with the families, their trees and the changes.

``write_report(store, path)`` reads an index and writes a single HTML file that needs no
network (CSS and JS inline, no fonts or images), so it can be mailed or archived as is.

Article text is scraped from the web and must be treated as hostile: every value goes through
Jinja's autoescaping, only ``http(s)`` urls become links, and a Content-Security-Policy that
allows just the report's own inline script and style (by hash) is the second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retold.changes import pair_drift
from retold.comparison import flip_alignment, pair_rows
from retold.relate import REUSE
from retold.store import DocRow, PairRow, Store

__all__ = ["render_report", "safe_url", "write_report"]

# Only these become links; anything else (javascript:, data:, vbscript:, relative paths
# that would resolve against the report's own location) is shown as text.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
DRIFT_TYPES = frozenset({"entity", "title", "number", "date", "quote", "negation", "hedge",
                         "inserted", "omitted"})
LEVELS = frozenset({"identical", "minor", "paraphrase", "inserted", "omitted"})


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain ``http(s)`` address, else None (render it as text)."""
    if url and _SAFE_URL.fullmatch(url):
        return url
    return None


def _environment() -> Any:
    try:
        import jinja2
    except ImportError as exc:  # jinja2 ships with the "web" extra
        raise RuntimeError(
            "the HTML report needs Jinja2: pip install 'retold[web]' (or jinja2)"
        ) from exc
    return jinja2.Environment(
        loader=jinja2.PackageLoader("retold.report", "templates"),
        autoescape=True,  # every template, whatever its name: all data is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# --- view model ---------------------------------------------------------------------------


def _doc_view(doc: DocRow | None, doc_id: str, role: str | None = None) -> dict[str, Any]:
    if doc is None:
        return {"id": doc_id, "label": doc_id, "title": None, "domain": None, "url": None,
                "link": None, "published": None, "path": None, "role": role}
    return {
        "id": doc.id,
        "label": doc.title or doc.path or doc.id,
        "title": doc.title,
        "domain": doc.domain,
        "url": doc.url,
        "link": safe_url(doc.url),
        "published": doc.published.strftime("%Y-%m-%d %H:%M") if doc.published else None,
        "path": doc.path,
        "role": role,
    }


def _span_label(first: str | None, last: str | None) -> str:
    if not first and not last:
        return "no dates"
    a, b = (first or last or "")[:16].replace("T", " "), (last or first or "")[:16].replace(
        "T", " ")
    if a == b:
        return a
    if a[:10] == b[:10]:
        return f"{a} – {b[11:]}"
    return f"{a} – {b}"


def _tree_view(node: Mapping[str, Any], docs: Mapping[str, DocRow]) -> dict[str, Any]:
    view = _doc_view(docs.get(node["id"]), node["id"], node.get("role"))
    view["children"] = [_tree_view(c, docs) for c in node.get("children", [])]
    return view


def _preorder(nodes: list[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.append(n["id"])
        out += _preorder(n.get("children", []))
    return out


def _comparison_view(
    left: str,
    right: str,
    vs: str,
    pairs: Mapping[tuple[str, str], PairRow],
    texts: Mapping[str, str],
    docs: Mapping[str, DocRow],
    max_sentences: int,
) -> dict[str, Any]:
    """``right`` against ``left`` from the stored pair (either direction), or a note why not."""
    view: dict[str, Any] = {
        "left": _doc_view(docs.get(left), left), "right": _doc_view(docs.get(right), right),
        "vs": vs, "relation": None, "rows": [], "drift": [], "missing": None,
    }
    row = pairs.get((left, right))
    alignment: Mapping[str, Any] | None = row.alignment if row else None
    if row is None and (right, left) in pairs:
        row = pairs[(right, left)]
        alignment = flip_alignment(row.alignment)
    if row is None or alignment is None:
        view["missing"] = "no verified reuse pair is stored for these two documents"
        return view
    if left not in texts or right not in texts:
        view["missing"] = "document text is missing from the index"
        return view
    view["relation"] = row.relation
    view["rows"] = [
        {"kind": r.kind, "label": r.label if r.label in LEVELS else "other",
         "boilerplate": r.boilerplate, "moved": r.moved, "a": r.a_segments,
         "b": r.b_segments}
        for r in pair_rows(texts[left], texts[right], alignment, max_sentences)
    ]
    view["drift"] = [
        {**d, "css": d["type"] if d["type"] in DRIFT_TYPES else "other"}
        for d in pair_drift(texts[left], texts[right], alignment, max_sentences)
    ]
    view["drift_counts"] = sorted(Counter(d["type"] for d in view["drift"]).items())
    return view


def report_context(store: Store) -> dict[str, Any]:
    """Everything the template shows, as plain dicts and lists (no store access after this)."""
    max_sentences = store.config.max_sentences
    docs = {d.id: d for d in store.documents()}
    all_pairs = store.pairs()
    pairs = {(p.a, p.b): p for p in all_pairs if p.relation in REUSE}
    families = store.families()
    member_ids = sorted({m["doc_id"] for f in families for m in f["members"]})
    texts = store.texts(member_ids)

    fam_views = []
    for fam in families:
        roles = {m["doc_id"]: m["role"] for m in fam["members"]}
        parents = {m["doc_id"]: m["parent"] for m in fam["members"]}
        roots = fam["tree"].get("roots", [])
        order = _preorder(roots) or [m["doc_id"] for m in fam["members"]]
        order += [m["doc_id"] for m in fam["members"] if m["doc_id"] not in order]
        top = order[0] if order else None
        comparisons = []
        for member in order:
            # A member hangs under its parent; a second root is shown against the first.
            parent = parents.get(member)
            vs = "parent"
            if parent is None:
                if member == top or top is None:
                    continue
                parent, vs = top, "family root"
            comparisons.append(_comparison_view(parent, member, vs, pairs, texts, docs,
                                                max_sentences))
        source = fam["source"]
        fam_views.append({
            "id": fam["id"],
            "source": _doc_view(docs.get(source), source, "source") if source else None,
            "source_reason": fam["source_reason"],
            "size": len(fam["members"]),
            "members": [_doc_view(docs.get(m["doc_id"]), m["doc_id"], m["role"])
                        for m in fam["members"]],
            "relations": sorted(set(roles.values()) - {"source"}),
            "domains": sorted({docs[m].domain for m in roles if m in docs and docs[m].domain}),
            "tree": [_tree_view(r, docs) for r in roots],
            "comparisons": comparisons,
        })

    stories = [
        {"id": st["id"], "label": st["label"], "size": st["size"],
         "span": _span_label(st["first"], st["last"])}
        for st in sorted(store.stories(), key=lambda s: (-int(s["size"]), s["id"]))
    ]
    relations = Counter(p.relation for p in all_pairs)
    return {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": {
            "documents": len(docs),
            "families": len(families),
            "in_families": len(member_ids),
            "stories": len(stories),
            "reuse_pairs": len(pairs),
        },
        "relations": sorted(relations.items()),
        "families": fam_views,
        "stories": stories,
    }


# --- output -------------------------------------------------------------------------------


def render_report(store: Store) -> str:
    """The report as one HTML string."""
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0]
    js = env.loader.get_source(env, "report.js")[0]
    # Inline code is allowed by hash, not by 'unsafe-inline': markup that slipped past the
    # escaping could still not run a script or load anything.
    csp = (f"default-src 'none'; script-src {_csp_hash(js)}; style-src {_csp_hash(css)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    return env.get_template("report.html").render(
        css=css, js=js, csp=csp, **report_context(store))


def write_report(store: Store, path: str | Path) -> Path:
    """Write the report for ``store`` to ``path`` (parent folders created); returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(store), encoding="utf-8")
    return path
