"""The report in a real browser: it renders, its own script runs, and no payload does.

Uses Debian's headless chromium (``scripts/ensure_chromium.sh`` installs it); skips when it is
absent. Every payload in the hostile corpus would, if it ever ran, write a ``data-pwned``
attribute on <body>; the report's own script writes ``data-ready="1"``. ``--dump-dom`` prints
the DOM after scripts ran, so both marks are visible to the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from retold.api import Index
from retold.documents import Document
from retold.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
BUILD = Path(__file__).resolve().parent.parent / "build"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BASE = [
    "Ferry operator adds night crossings to Ostmere.",
    "The Ostmere Ferry Company will run three night crossings a week from 1 May, its chief "
    "executive Anna Roos said on Monday.",
    "The crossings will leave the east quay at 23:00 and arrive in Varno at 02:30.",
    "Tickets will cost 18 euros for foot passengers and 64 euros for a car.",
    "The company carried 1.2 million passengers last year, up 9 percent.",
    "Local hotels welcomed the plan, saying it would bring late-arriving tourists.",
    "The service will be reviewed after the summer season.",
]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<script>document.body.dataset.pwned='script'</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"document.body.dataset.pwned='img'\">",
    "<svg onload=\"document.body.dataset.pwned='svg'\"></svg>",
]
JS_URL = "javascript:document.body.dataset.pwned='url'"


def hostile_corpus() -> list[Document]:
    injected = [f"A reader comment said {p} about it." for p in PAYLOADS]
    hostile = "\n".join([*BASE[:3], *injected, *BASE[3:]])
    spin = ("\n".join(BASE).replace("three night", "four night").replace("18 euros", "21 euros")
            .replace("chief executive", "former chief executive"))
    return [
        Document(id="wire-ferry", text="\n".join(BASE), title="Ferry operator adds night "
                 "crossings", url="https://wire.example/ferry", domain="wire.example"),
        Document(id="evil-ferry", text=hostile, title=PAYLOADS[1] + " Night ferries",
                 url=JS_URL, domain="evil.example"),
        Document(id="spin-ferry", text=spin, title="Night ferry crossings announced",
                 url="https://spin.example/night-ferry", domain="spin.example"),
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


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, static_encoder: Any) -> Path:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        # CI runs as root with apt, where `make test` installs chromium: there the browser
        # test must run, so a missing browser is a failure rather than a silent skip.
        if os.environ.get("CI") == "true" and os.geteuid() == 0 and shutil.which("apt-get"):
            pytest.fail(f"{CHROMIUM} missing in CI although scripts/ensure_chromium.sh ran")
        pytest.skip(f"{CHROMIUM} not found (run scripts/ensure_chromium.sh as root)")
    root = tmp_path_factory.mktemp("browser")
    with Index(root / "hostile.db", encoder=static_encoder) as index:
        index.add(hostile_corpus())
        members = {m["doc_id"] for f in index.families() for m in f["members"]}
        assert {"wire-ferry", "evil-ferry", "spin-ferry"} <= members
        return write_report(index.store, root / "report.html")


def test_rendered_dom_is_escaped_and_only_our_script_ran(report: Path, tmp_path: Path) -> None:
    done = _chromium(["--dump-dom", report.as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    body = next(attrs for tag, attrs in dom.tags if tag == "body")
    assert body.get("data-ready") == "1", "the report's own script did not run"
    assert "data-pwned" not in body, f"a payload ran: {body}"
    names = [t for t, _ in dom.tags]
    assert names.count("script") == 1
    assert not {"img", "svg", "iframe"} & set(names)
    assert not any(k.startswith("on") for _, attrs in dom.tags for k in attrs)
    text = "".join(dom.text)
    for payload in (*PAYLOADS, JS_URL):
        assert payload in text
    ids = {attrs.get("id") for _, attrs in dom.tags}
    assert any(i and i.startswith("family-") for i in ids)
    for doc_id in ("wire-ferry", "evil-ferry", "spin-ferry"):
        assert doc_id in text


def test_screenshot(report: Path, tmp_path: Path) -> None:
    BUILD.mkdir(exist_ok=True)
    shot = BUILD / "report.png"
    shot.unlink(missing_ok=True)
    done = _chromium([f"--screenshot={shot}", "--window-size=1400,2000", report.as_uri()],
                     tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
