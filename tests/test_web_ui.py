"""The web UI: pages over a real loopback server, hostile text kept inert, family pages that
render the side-by-side exactly as the HTML report does, and a headless-chromium walk from a
search URL to a family page with highlighted drift."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

pytest.importorskip("fastapi")

from test_web_api import ThreadServer

from retold.api import Index
from retold.documents import Document
from retold.report import render_report
from retold.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BASE = [
    "Museum reopens north wing after flood repairs.",
    "The Calloway Museum reopened its north wing on Saturday after 14 months of repairs, "
    "director Tomas Lind said.",
    "The flood in March 2023 damaged 240 paintings, of which 31 could not be restored.",
    "Repairs cost 6.5 million euros, most of it paid by the regional government.",
    "Entry to the wing will be free until the end of the month.",
    "The museum expects 90,000 visitors this year.",
]
PAYLOADS = ["<script>document.body.dataset.pwned='script'</script>",
            "<img src=x onerror=\"document.body.dataset.pwned='img'\">"]
JS_URL = "javascript:document.body.dataset.pwned='url'"
SPIN = ("\n".join(BASE).replace("14 months", "18 months").replace("240 paintings",
        "310 paintings").replace("director", "former director"))


def corpus() -> list[Document]:
    hostile = "\n".join([*BASE[:2], *(f"One visitor wrote {p} online." for p in PAYLOADS),
                         *BASE[2:]])
    return [
        Document(id="wire-museum", text="\n".join(BASE), title="Museum wing reopens",
                 url="https://wire.example/museum", domain="wire.example"),
        Document(id="evil-museum", text=hostile, title=PAYLOADS[0] + " Museum news",
                 url=JS_URL, domain="evil.example"),
        Document(id="spin-museum", text=SPIN, title="North wing open again",
                 url="https://spin.example/museum?a=1&b=2", domain="spin.example"),
    ]


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Dom:
    dom = Dom()
    dom.feed(html)
    return dom


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, static_encoder: Any) -> Iterator[dict]:
    db = tmp_path_factory.mktemp("ui") / "index.db"
    with Index(db, encoder=static_encoder) as index:
        index.add(corpus())
        fam = next(f for f in index.families()
                   if {m["doc_id"] for m in f["members"]} >= {"wire-museum", "spin-museum"})
        report = render_report(index.store)
    with ThreadServer(create_app(db, token="t", encoder=static_encoder)) as srv:
        yield {"url": srv.url, "family": fam["id"], "report": report}


@pytest.fixture(scope="module")
def client(site: dict) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site["url"], timeout=60) as c:
        yield c


def _assert_inert(html: str) -> Dom:
    dom = parse(html)
    names = [t for t, _ in dom.tags]
    assert "script" not in names  # the UI has no script of its own; any would be a payload
    assert not {"img", "svg", "iframe"} & set(names)
    assert not any(k.startswith("on") for _, attrs in dom.tags for k in attrs)
    hrefs = [attrs.get("href") or "" for t, attrs in dom.tags if t == "a"]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    return dom


def test_pages_keep_hostile_text_inert(client: httpx.Client, site: dict) -> None:
    story = client.get("/api/stories").json()["items"][0]["id"]
    for path in ("/", f"/families/{site['family']}", "/documents/evil-museum",
                 f"/stories/{story}", "/farms", "/?" + urlencode({"q": "museum"})):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]
        _assert_inert(r.text)
    page = client.get("/documents/evil-museum").text
    text = "".join(parse(page).text)
    for payload in (*PAYLOADS, JS_URL):
        assert payload in text  # shown, as text
    assert client.get("/families/99999").status_code == 404
    assert "text/html" in client.get("/families/99999").headers["content-type"]
    assert client.get("/documents/nope").status_code == 404


def test_title_search_finds_documents(client: httpx.Client) -> None:
    r = client.get("/?" + urlencode({"q": "NORTH WING", "mode": "title"}))
    dom = parse(r.text)
    links = {attrs.get("href") for t, attrs in dom.tags if t == "a"}
    assert "/documents/spin-museum" in links
    assert "/documents/wire-museum" not in links  # its title says "Museum wing reopens"


def _blocks(html: str) -> list[str]:
    return re.findall(r'<table class="sbs">.*?</table>|<ul class="driftlist">.*?</ul>', html,
                      re.S)


def test_family_page_renders_like_the_report(client: httpx.Client, site: dict) -> None:
    fid = site["family"]
    report = site["report"]
    start = report.index(f'id="family-{fid}"')
    section = report[start : report.index("</details>", start)]
    page = client.get(f"/families/{fid}").text
    expected = _blocks(section)
    assert expected, "the report shows no side-by-side for the family"
    assert _blocks(page) == expected
    assert "<del>" in page and "<ins>" in page


def _chromium(url: str, profile: Path) -> str:
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_browser_search_then_family_page_shows_drift(site: dict, tmp_path: Path) -> None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        # As in test_report_browser: CI installs chromium, so there a missing one is a failure.
        if os.environ.get("CI") == "true" and os.geteuid() == 0 and shutil.which("apt-get"):
            pytest.fail(f"{CHROMIUM} missing in CI although scripts/ensure_chromium.sh ran")
        pytest.skip(f"{CHROMIUM} not found (run scripts/ensure_chromium.sh as root)")
    # The search form is a GET form: a query URL is what submitting it loads.
    query = SPIN.replace("free until", "free of charge until")
    dom = parse(_chromium(site["url"] + "/?" + urlencode({"q": query, "mode": "text"}),
                          tmp_path / "p1"))
    rows = [a for t, a in dom.tags if t == "tr" and "match" in (a.get("class") or "")]
    assert rows, "the check found nothing"
    family_links = [a["href"] for t, a in dom.tags
                    if t == "a" and a.get("class") == "family-link" and a.get("href")]
    assert f"/families/{site['family']}" in family_links

    html = _chromium(site["url"] + f"/families/{site['family']}", tmp_path / "p2")
    dom = parse(html)
    classes = [a.get("class") or "" for _, a in dom.tags]
    assert "sbs" in classes
    names = [t for t, _ in dom.tags]
    assert "del" in names and "ins" in names  # word-level highlights of the rewrite
    assert any(c.startswith("drift drift-number") for c in classes)
    assert "310 paintings" in "".join(dom.text)
    _assert_inert(html)
