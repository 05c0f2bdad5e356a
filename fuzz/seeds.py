"""Write seed corpora for the harnesses: real inputs give libFuzzer a head start past the
early exits (empty, binary, not JSON, not WARC) into extraction and validation.

    python fuzz/seeds.py OUT_DIR      # writes OUT_DIR/{html,jsonl,warc}/seed-*
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "corpus"

HTML_EXTRA = [
    b'<html><head><meta charset="windows-1252"><meta property="article:published_time" '
    b'content="2023-02-30"><link rel="canonical" href="//wire.example/a"></head><body>'
    b"<nav><a href='/'>Home</a></nav><article><h1>T\x93itle\x94</h1><p>The council voted on "
    b"Tuesday to approve the ferry terminal, officials said.</p></article></body></html>",
    b"<?xml version='1.0' encoding='utf-16'?><html><body><p>x</p></body></html>",
    b"<div>" * 300 + b"<p>Deep text that is long enough to be an article paragraph.</p>",
]
JSONL_EXTRA = [
    {"id": "a", "text": "Plain record.", "published": "2023-02-30"},
    {"id": 7, "html": "<html><body><article><p>Record from HTML with enough words to be an "
                      "article.</p></article></body></html>", "url": "https://x.example/a"},
    {"id": True, "text": ["x"], "title": 5},
]


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    page = (EXAMPLES / "ferrandi_transfer_original.html").read_bytes()
    for url, ctype, status, body in [
        ("https://news.example/a", "text/html; charset=utf-8", "200 OK", page),
        ("https://news.example/b.png", "image/png", "200 OK", b"\x89PNG\r\n\x1a\n"),
        ("https://news.example/c", "text/html", "404 Not Found", b"<p>gone</p>"),
    ]:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http))
        request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        writer.write_record(writer.create_warc_record(url, "request", payload=request))
    return buf.getvalue()


def write_seeds(out: Path) -> dict[str, int]:
    seeds: dict[str, list[bytes]] = {
        "html": [p.read_bytes() for p in sorted(EXAMPLES.glob("*.html"))] + HTML_EXTRA,
        "jsonl": [(EXAMPLES / "wire.jsonl").read_bytes(),
                  b"\n".join(json.dumps(r).encode() for r in JSONL_EXTRA) + b"\n{broken"],
    }
    with contextlib.suppress(ImportError):  # no warcio: no WARC reader to fuzz either
        seeds["warc"] = [_warc(False), _warc(True), gzip.compress(b"WARC/1.0\r\n")]
    for name, blobs in seeds.items():
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for i, blob in enumerate(blobs):
            (d / f"seed-{i}").write_bytes(blob)
    return {k: len(v) for k, v in seeds.items()}


if __name__ == "__main__":
    print(write_seeds(Path(sys.argv[1])))
