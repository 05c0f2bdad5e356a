"""WARC reader: HTML responses become Documents, everything else is counted or reported."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from retold.documents import Document, ReadError
from retold.readers import read_paths
from retold.readers.warc import WarcStats, iter_warc

PARAGRAPHS = [
    "Fire crews from three towns fought a blaze at the old Calloway paper mill on Tuesday.",
    "The fire started shortly after midnight in the drying hall, Chief Ana Ruiz said.",
    "Nobody was hurt, but 40 residents of Mill Street spent the night in the school gym.",
    "The mill closed in 2009 and had been bought by a developer in March.",
    "Investigators from the state fire marshal's office are expected on Wednesday.",
]


def article(title: str, paragraphs: list[str], published: str | None = None) -> bytes:
    meta = (f'<meta property="article:published_time" content="{published}">'
            if published else "")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{meta}"
            f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}"
            "</article><footer>Copyright 2024</footer></body></html>").encode()


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]], gzip: bool) -> bytes:
    """``(kind, uri, payload, content_type)`` records; kind is response, request or
    resource. Returns the file's bytes."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
    for kind, uri, payload, ctype in records:
        if kind == "response":
            http = StatusAndHeaders("404 Not Found" if ctype.startswith("!") else "200 OK",
                                    [("Content-Type", ctype.lstrip("!"))],
                                    protocol="HTTP/1.1")
        elif kind == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")],
                                    is_http_request=True)
        else:
            http = None
        rec = writer.create_warc_record(
            uri, kind, payload=io.BytesIO(payload), length=len(payload), http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"},
        )
        writer.write_record(rec)
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def crawl() -> list[tuple[str, str, bytes, str]]:
    return [
        ("request", "https://www.calloway-news.com/fire", b"", ""),
        ("response", "https://www.calloway-news.com/fire",
         article("Mill fire", PARAGRAPHS, "2024-05-01T10:00:00Z"), "text/html; charset=utf-8"),
        ("response", "https://cdn.example.org/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
         "image/png"),
        ("response", "https://rewrite.example.net/mill-blaze",
         article("Blaze at the mill", PARAGRAPHS[::-1]), "text/html"),
        ("response", "https://www.calloway-news.com/missing", article("Gone", ["Not here."]),
         "!text/html"),
    ]


@pytest.mark.parametrize("gzip", [True, False])
def test_html_responses_become_documents(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    write_warc(path, crawl(), gzip)
    stats = WarcStats()
    out = list(iter_warc(path, str(path), stats))
    docs = [o for o in out if isinstance(o, Document)]
    errors = [o for o in out if isinstance(o, ReadError)]
    assert [d.url for d in docs] == ["https://www.calloway-news.com/fire",
                                     "https://rewrite.example.net/mill-blaze"]
    first, second = docs
    assert first.domain == "calloway-news.com" and second.domain == "rewrite.example.net"
    assert "Chief Ana Ruiz" in first.text and "Home" not in first.text
    # The page's own date wins; the crawl date fills in when the page has none.
    assert first.published is not None and first.published.isoformat().startswith("2024-05-01")
    assert second.published is not None and second.published.isoformat().startswith(
        "2024-05-06T07:08:09")
    assert first.title == "Mill fire" and first.path == str(path)
    assert int(first.meta["warc_offset"]) > 0
    # The PNG and the 404 are reported with their offsets; request/warcinfo are only counted.
    assert len(errors) == 2
    assert "not HTML (image/png)" in errors[0].reason and errors[0].offset
    assert "404" in errors[1].reason and errors[1].offset and errors[1].offset > errors[0].offset
    assert stats.documents == 2 and stats.not_html == 1 and stats.bad_status == 1
    assert stats.skipped_types == {"warcinfo": 1, "request": 1}
    assert stats.records == 6


def test_read_paths_dispatches_both_suffixes(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", crawl()[:2], gzip=True)
    write_warc(tmp_path / "b.WARC", crawl()[3:4], gzip=False)
    docs = [r for r in read_paths([tmp_path]) if isinstance(r, Document)]
    assert [d.domain for d in docs] == ["calloway-news.com", "rewrite.example.net"]


@pytest.mark.parametrize("gzip", [True, False])
@pytest.mark.parametrize("cut", [7, 60, 400])
def test_truncated_file_reports_the_broken_record(tmp_path: Path, gzip: bool, cut: int) -> None:
    """A download cut anywhere in the last record: earlier records still come through, the
    cut one is a ReadError at its offset, never a half article."""
    records = crawl()[:2] + crawl()[3:4]
    full = write_warc(tmp_path / "full.warc", records, gzip)
    good = [o for o in iter_warc(tmp_path / "full.warc", "full") if isinstance(o, Document)]
    assert len(good) == 2
    path = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    path.write_bytes(full[:-cut])
    out = list(iter_warc(path, str(path)))
    docs = [o for o in out if isinstance(o, Document)]
    errors = [o for o in out if isinstance(o, ReadError)]
    # Only whole articles come through: when just the gzip trailer is lost the last page is
    # complete (and still reported), otherwise it is dropped.
    assert [d.text for d in docs] == [g.text for g in good][: len(docs)]
    assert len(docs) == (2 if gzip and cut < 8 else 1)
    assert len(errors) == 1, errors
    err = errors[0]
    assert "broken WARC record" in err.reason and "truncated" in err.reason
    assert err.offset == int(good[1].meta["warc_offset"])


def test_garbage_and_empty_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a crawl\r\n\r\n")
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    out = list(read_paths([junk, empty]))
    assert len(out) == 2 and all(isinstance(o, ReadError) for o in out)
    assert out[0].path == str(junk) and "WARC" in out[0].reason
    assert out[1].path == str(empty) and "no WARC records" in out[1].reason


def test_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    """Peak Python memory while reading 40 and 400 pages stays about the same."""
    def peak(n: int) -> int:
        records = [("response", f"https://site{i}.example.com/story", article(
            f"Story {i}", [f"{p} Item {i}." for p in PARAGRAPHS]), "text/html")
                   for i in range(n)]
        path = tmp_path / f"big{n}.warc.gz"
        write_warc(path, records, gzip=True)
        tracemalloc.start()
        count = 0
        for rec in iter_warc(path, str(path)):
            count += isinstance(rec, Document)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(40), peak(400)
    assert large < 2 * small + 1_000_000
