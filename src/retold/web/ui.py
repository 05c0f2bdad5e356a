"""The web UI: server-rendered Jinja pages, no JavaScript.

Family pages reuse the HTML report's view model (``retold.report``: document views, trees,
side-by-side rows, drift lists) and its markup and stylesheet, so a family reads the same in
the report and in the app. Article text is hostile: autoescaping is on for every template,
only ``http(s)`` urls become links (``report.safe_url``), and the Content-Security-Policy set
by ``app.Guard`` allows nothing but the app's own stylesheet.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from retold.api import document_from_text
from retold.relate import REUSE
from retold.report import _comparison_view, _doc_view, _preorder, _span_label, _tree_view
from retold.store import PairRow, Store
from retold.text import normalize, split_sentences
from retold.vectors import VectorCache

# A search longer than this many words is a text to check, shorter ones match titles.
AUTO_TEXT_WORDS = 12
MAX_QUERY_CHARS = 20_000
TITLE_HITS = 100
LIST_ROWS = 50


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("retold.web", "templates"),
        autoescape=True,  # every template, whatever its name: all data is untrusted
        undefined=jinja2.StrictUndefined,
        # The report's settings, so shared macros produce the very same markup.
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seg"] = lambda v: quote(str(v), safe="")
    return env


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(environment().get_template(template).render(**context),
                        status_code=status)


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/api" or path == "/openapi.json")


def error_page(status: int, message: str) -> HTMLResponse:
    return render("error.html", status=status, status_code=status, message=message)


def family_view(store: Store, fam: Mapping[str, Any]) -> dict[str, Any]:
    """One family as the report shows it (same comparisons, in the same order)."""
    ids = [mm["doc_id"] for mm in fam["members"]]
    docs = {d.id: d for d in store.documents(ids)}
    pairs: dict[tuple[str, str], PairRow] = {}
    for d in ids:
        for p in store.pairs(relations=sorted(REUSE), doc_id=d):
            pairs[(p.a, p.b)] = p
    texts = store.texts(ids)
    max_sentences = store.config.max_sentences
    parents = {mm["doc_id"]: mm["parent"] for mm in fam["members"]}
    roots = fam["tree"].get("roots", [])
    # The ordering rule of retold.report.report_context: preorder of the tree, then the rest.
    order = _preorder(roots) or ids
    order += [d for d in ids if d not in order]
    top = order[0] if order else None
    comparisons = []
    for member in order:
        parent, vs = parents.get(member), "parent"
        if parent is None:
            if member == top or top is None:
                continue
            parent, vs = top, "family root"
        comparisons.append(_comparison_view(parent, member, vs, pairs, texts, docs,
                                            max_sentences))
    source = fam["source"]
    return {
        "id": fam["id"],
        "source": _doc_view(docs.get(source), source, "source") if source else None,
        "source_reason": fam["source_reason"],
        "size": len(ids),
        "members": [_doc_view(docs.get(mm["doc_id"]), mm["doc_id"], mm["role"])
                    for mm in fam["members"]],
        "tree": [_tree_view(r, docs) for r in roots],
        "comparisons": comparisons,
    }


def add_ui(app: FastAPI, readers: Any, cache: VectorCache) -> None:
    """Register the HTML pages on ``app`` (``readers``: the app's ``Readers``)."""

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name == "report.css":
            # The report's own stylesheet, read from its package: one look for both.
            loader = jinja2.PackageLoader("retold.report", "templates")
            css = loader.get_source(environment(), "report.css")[0]
        elif name == "web.css":
            css = environment().loader.get_source(environment(), "web.css")[0]  # type: ignore[union-attr]
        else:
            raise HTTPException(404, "no such file")
        return Response(css, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
        mode: Literal["auto", "text", "title"] = "auto",
    ) -> HTMLResponse:
        q = q.strip()
        if mode == "auto" and q:
            mode = "text" if len(q.split()) >= AUTO_TEXT_WORDS else "title"
        checked = None
        hits = None
        with readers.snapshot() as index:
            store = index.store
            if q and mode == "text":
                if split_sentences(normalize(q), max_sentences=1):
                    checked = index.check(document_from_text(q), limit=10, drift=0,
                                          cache=cache)
                    docs = {d.id: d for d in store.documents(
                        [mm["doc_id"] for mm in checked["matches"]])}
                    for mm in checked["matches"]:
                        mm["view"] = _doc_view(docs.get(mm["doc_id"]), mm["doc_id"], mm["role"])
                        mm["coverage"] = (mm["scores"].get("coverage_a", 0.0)
                                          + mm["scores"].get("coverage_b", 0.0)) / 2
                else:
                    checked = {"matches": [], "families": [], "sources": []}
            elif q:
                needle = q.casefold()
                family_of = store.family_of()
                hits = []
                for d in store.documents():
                    if (needle in (d.title or "").casefold()
                            or needle in (d.domain or "").casefold() or needle == d.id):
                        fam = family_of.get(d.id)
                        hits.append({**_doc_view(d, d.id, fam[1] if fam else None),
                                     "family": fam[0] if fam else None})
                        if len(hits) >= TITLE_HITS:
                            break
            families = sorted(readers.families(index), key=lambda f: (-int(f["size"]), f["id"]))
            sources = {f["source"] for f in families[:LIST_ROWS] if f["source"]}
            src_docs = {d.id: d for d in store.documents(sorted(sources))}
            fam_rows = [{"id": f["id"], "size": f["size"],
                         "source": _doc_view(src_docs.get(f["source"]), f["source"])
                         if f["source"] else None} for f in families[:LIST_ROWS]]
            stories = sorted(readers.stories(index), key=lambda s: (-int(s["size"]), s["id"]))
            counts = {"documents": store.count_documents(), "families": len(families),
                      "stories": len(stories)}
        story_rows = [{"id": s["id"], "label": s["label"], "size": s["size"],
                       "span": _span_label(s["first"], s["last"])}
                      for s in stories[:LIST_ROWS]]
        return render("home.html", q=q, mode=mode, checked=checked, hits=hits,
                      families=fam_rows, stories=story_rows, counts=counts)

    @app.get("/families/{family_id}", response_class=HTMLResponse, include_in_schema=False)
    def family_page(family_id: int) -> HTMLResponse:
        with readers.snapshot() as index:
            fam = next((f for f in readers.families(index) if f["id"] == family_id), None)
            if fam is None:
                raise HTTPException(404, f"no family {family_id}")
            view = family_view(index.store, fam)
        return render("family.html", fam=view)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: int) -> HTMLResponse:
        with readers.snapshot() as index:
            story = next((s for s in readers.stories(index) if s["id"] == story_id), None)
            if story is None:
                raise HTTPException(404, f"no story {story_id}")
            family_of = index.store.family_of(story["members"])
            docs = index.store.documents(story["members"])
        members = []
        for d in docs:
            fam = family_of.get(d.id)
            members.append({**_doc_view(d, d.id, fam[1] if fam else None),
                            "family": fam[0] if fam else None})
        members.sort(key=lambda v: (v["published"] or "", v["id"]))
        return render("story.html", story={**story, "span": _span_label(story["first"],
                                                                        story["last"])},
                      members=members)

    @app.get("/farms", response_class=HTMLResponse, include_in_schema=False)
    def farms_page() -> HTMLResponse:
        from retold.farms import farm_report

        with readers.snapshot() as index:
            report = farm_report(index.store)
        return render("farms.html", report=report)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(doc_id: str) -> HTMLResponse:
        with readers.snapshot() as index:
            rows = index.store.documents([doc_id])
            if not rows:
                raise HTTPException(404, f"no document {doc_id!r}")
            text = index.store.texts([doc_id])[doc_id]
            fam = index.store.family_of([doc_id]).get(doc_id)
            story = index.store.story_of([doc_id]).get(doc_id)
        view = _doc_view(rows[0], doc_id, fam[1] if fam else None)
        return render("document.html", doc=view, text=text, family=fam[0] if fam else None,
                      story=story)
