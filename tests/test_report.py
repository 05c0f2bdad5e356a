"""The HTML report: one self-contained file, every family, hostile text kept inert."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from retold.api import Index
from retold.documents import Document
from retold.report import safe_url, write_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"

BASE = [
    "Harbour council approves new ferry terminal.",
    "The Ostmere harbour council voted on Tuesday to build a new ferry terminal on the east "
    "quay.",
    "Mayor Lena Varga said the terminal would cost 42 million euros and open in 2027.",
    "Construction will begin in the spring after a final environmental review.",
    "The old terminal, built in 1961, handles about 800,000 passengers a year.",
    "Local fishermen have raised concerns about noise during the works.",
    "The council will publish the final design in June.",
]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"


def hostile_docs() -> list[Document]:
    """A source, a copy carrying markup payloads in its text, title, domain and url, and a
    rewrite with an ordinary link (query string with characters that need escaping)."""
    hostile_text = "\n".join([*BASE[:3], f"Readers wrote {SCRIPT} to the desk.",
                              f"A photo caption read {IMG} in the feed.", *BASE[3:]])
    rewrite = "\n".join(BASE).replace("42 million", "58 million").replace("Mayor", "Former mayor")
    return [
        Document(id="wire-1", text="\n".join(BASE), title="Ferry terminal approved",
                 url="https://wire.example/ferry", domain="wire.example"),
        Document(id="evil-1", text=hostile_text, title=f"{SCRIPT} Ferry news",
                 url=JS_URL, domain='evil.example"><u>under</u>'),
        Document(id="spin-1", text=rewrite, title="Ferry terminal gets green light",
                 url='https://spin.example/a?x=1&y="2"', domain="spin.example"),
    ]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    p.close()
    return p


def assert_inert(page: Elements) -> None:
    """No element or attribute a payload could have produced."""
    names = [t for t, _ in page.tags]
    assert names.count("script") == 1, "only the report's own script"
    for tag, attrs in page.tags:
        assert tag not in {"img", "iframe", "object", "embed", "svg", "u"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                assert (value or "").strip().lower().startswith(("http://", "https://", "#")), (
                    tag, name, value)


def assert_no_external_resources(page: Elements) -> None:
    for tag, attrs in page.tags:
        if tag in {"script", "link", "img", "iframe", "source", "video", "audio", "embed"}:
            for name in ("src", "href", "srcset"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("http://", "https://", "//")), (tag, name, value)
    assert not any(tag == "link" for tag, _ in page.tags)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, static_encoder: Any) -> Any:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    index = Index(db, encoder=static_encoder)
    index.scan([EXAMPLES])
    yield index.store
    index.close()


def test_demo_report_is_one_self_contained_file(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    write_report(demo_store, out)
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert_no_external_resources(page)
    assert "url(" not in html.split("</style>")[0]  # no fonts or images pulled by the CSS
    ids = {attrs.get("id") for _, attrs in page.tags}
    families = demo_store.families()
    assert families
    for fam in families:
        assert f"family-{fam['id']}" in ids
        for m in fam["members"]:
            assert m["doc_id"] in html
    text = " ".join(page.text)
    for st in demo_store.stories():
        assert st["label"] in text
    # Side-by-side rows with level badges, and drift badges.
    classes = " ".join(attrs.get("class") or "" for _, attrs in page.tags)
    for cls in ("level-identical", "level-paraphrase", "level-inserted", "drift-number"):
        assert cls in classes


def test_hostile_document_shows_as_text(tmp_path: Path, static_encoder: Any) -> None:
    with Index(tmp_path / "h.db", encoder=static_encoder) as index:
        index.add(hostile_docs())
        fams = index.families()
        assert any("evil-1" in {m["doc_id"] for m in f["members"]} for f in fams)
        out = write_report(index.store, tmp_path / "report.html")
    page = parse(out.read_text(encoding="utf-8"))
    assert_inert(page)
    assert_no_external_resources(page)
    text = "".join(page.text)
    for payload in (SCRIPT, IMG, JS_URL, 'evil.example"><u>under</u>'):
        assert payload in text
    links = [a.get("href") for t, a in page.tags if t == "a"]
    assert 'https://spin.example/a?x=1&y="2"' in links  # escaped in the file, intact as a link
    assert not any("javascript" in (h or "").lower() for h in links)


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.com/a?b=1", True),
    ("HTTP://EXAMPLE.COM", True),
    ("javascript:alert(1)", False),
    (" https://example.com", False),
    ("java\tscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("//example.com/x", False),
    ("https://exa mple.com", False),
    (None, False),
])
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) == ok


def test_hostile_ids_paths_and_scripts_in_text(tmp_path: Path, static_encoder: Any) -> None:
    """Payloads where a JSONL feed or a file name can put them: the id, the path, the
    title, a mixed-case javascript: URL, a script-closing tag in the text, template syntax."""
    evil_id = '"><script>alert(2)</script>'
    evil_path = "<img src=x onerror=alert(3)>.txt"
    closer = "</script><script>alert(6)</script>"
    text = "\n".join([*BASE[:2], f"A reader pasted {closer} and {{{{ 7*7 }}}} here.",
                      *BASE[2:]])
    docs = [
        Document(id="wire-9", text="\n".join(BASE), url="https://wire.example/f"),
        Document(id=evil_id, text=text, path=evil_path, url="JaVaScRiPt:alert(5)",
                 title="<a onmouseover=alert(4)>hover</a>", domain="x' onfocus='alert(7)"),
    ]
    with Index(tmp_path / "h.db", encoder=static_encoder) as index:
        index.add(docs)
        assert any(evil_id in {m["doc_id"] for m in f["members"]} for f in index.families())
        html = write_report(index.store, tmp_path / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    assert_inert(page)
    assert_no_external_resources(page)
    shown = "".join(page.text)
    for payload in (evil_id, closer, "{{ 7*7 }}", "<a onmouseover=alert(4)>hover</a>"):
        assert payload in shown, payload
    assert "alert(6)" not in page.scripts[0] and "alert(2)" not in page.scripts[0]
    assert not any("javascript" in (a.get("href") or "").lower() for _, a in page.tags)


def test_moved_sentence_is_marked_in_the_report(tmp_path: Path, static_encoder: Any) -> None:
    from test_comparison import MOVED_SOURCE

    from retold.api import document_from_text
    from retold.export import index_json, table_rows

    quote = MOVED_SOURCE[MOVED_SOURCE.index('"This'):]
    body = MOVED_SOURCE[: MOVED_SOURCE.index('"This')].strip()
    with Index(tmp_path / "m.db", encoder=static_encoder) as index:
        index.add([document_from_text(MOVED_SOURCE, "orig"),
                   document_from_text(quote + "\n\n" + body, "lifted")])
        html = write_report(index.store, tmp_path / "report.html").read_text(encoding="utf-8")
        exported = [index_json(index.store)["pairs"][0]["alignment"],
                    table_rows(index.store, "pairs")[0]["spans"]]
    assert "level-moved" in html
    for spans in exported:  # the --json and export contract: moved spans flagged
        assert [s for s in spans if s.get("moved")] and spans[0].get("moved") is None
