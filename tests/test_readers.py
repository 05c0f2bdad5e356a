"""Readers: files and directories in, Documents and ReadErrors out."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.documents import Document, ReadError, content_id
from retold.readers import SUPPORTED_SUFFIXES, extract_html, read_paths
from retold.readers.plain import guess_title, strip_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "readers"

BODY = (
    "The ferry service to the island will run twice a day from next month, the operator said.\n\n"
    "Islanders have campaigned for a second daily crossing for years."
)


def read_all(*paths: str | Path) -> list[Document | ReadError]:
    return list(read_paths(paths))


def only_doc(*paths: str | Path) -> Document:
    records = read_all(*paths)
    assert len(records) == 1, records
    assert isinstance(records[0], Document), records[0]
    return records[0]


def only_error(*paths: str | Path) -> ReadError:
    records = read_all(*paths)
    assert len(records) == 1, records
    assert isinstance(records[0], ReadError), records[0]
    return records[0]


def write_jsonl(path: Path, *lines: str | dict[str, object]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


# --- plain text -------------------------------------------------------------------------


def test_txt_title_kept_in_text(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Ferry timetable doubles\n\n" + BODY + "\n", encoding="utf-8")
    doc = only_doc(f)
    assert doc.title == "Ferry timetable doubles"
    assert doc.text.startswith("Ferry timetable doubles\n\nThe ferry")
    assert doc.id == content_id(doc.text)
    assert doc.path == str(f)
    assert doc.url is None and doc.published is None


@pytest.mark.parametrize(
    "first",
    ["This first line ends like a sentence.", "x" * 200],
)
def test_txt_first_line_not_a_title(tmp_path: Path, first: str) -> None:
    f = tmp_path / "a.txt"
    f.write_text(first + "\n" + BODY, encoding="utf-8")
    assert only_doc(f).title is None


def test_txt_single_line_has_no_title() -> None:
    assert guess_title("Just one line") is None


def test_txt_crlf_bom_and_paragraphs(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"\xef\xbb\xbfHeadline here\r\n\r\nPara one.\r\n\r\n\r\n\r\nPara two.\r\n")
    doc = only_doc(f)
    assert doc.text == "Headline here\n\nPara one.\n\nPara two."
    assert doc.title == "Headline here"


def test_txt_cp1252_decoded(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    text = "The caf\u00e9 said \u201cwe\u2019re open\u201d \u2013 despite the storm.\n"
    f.write_bytes(text.encode("cp1252"))
    assert only_doc(f).text == text.strip()


def test_txt_utf8_preferred_over_cp1252(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Caf\u00e9 na\u00efve \u201cquoted\u201d", encoding="utf-8")
    assert only_doc(f).text == "Caf\u00e9 na\u00efve \u201cquoted\u201d"


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    err = only_error(f)
    assert err.reason == "empty file" and err.path == str(f)


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "photo.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert only_error(f).reason == "binary file"


def test_utf16_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("Wide text article".encode("utf-16"))
    assert only_doc(f).text == "Wide text article"


# --- markdown ---------------------------------------------------------------------------

MARKDOWN = """\
# The *harbour* vote

<!-- editor: check the figures -->
Councillors voted **nine to four** for the [tidal barrier](https://example.com/barrier).

![A photo of the quay](quay.jpg)

> "We are not finished," said a _fisherman_.

- cost: forty million
- start: next spring

```
keep *this* code
```

Read more at <https://example.com/more> and see [the report][r].

[r]: https://example.com/report
"""


def test_markdown_stripped(tmp_path: Path) -> None:
    f = tmp_path / "story.md"
    f.write_text(MARKDOWN, encoding="utf-8")
    doc = only_doc(f)
    assert doc.title == "The harbour vote"
    assert doc.text == (
        "The harbour vote\n\n"
        "Councillors voted nine to four for the tidal barrier.\n\n"
        '"We are not finished," said a fisherman.\n\n'
        "cost: forty million\nstart: next spring\n\n"
        "keep *this* code\n\n"
        "Read more at https://example.com/more and see the report."
    )


def test_markdown_keeps_snake_case_and_escapes() -> None:
    assert strip_markdown(r"call some_function_name \*not emphasis\*") == (
        "call some_function_name *not emphasis*"
    )


def test_markdown_setext_heading_and_front_matter(tmp_path: Path) -> None:
    f = tmp_path / "story.markdown"
    f.write_text(
        "---\ntitle: From front matter\nurl: https://www.example.net/x\n"
        "date: 2024-02-01T10:00:00Z\n---\nSetext title\n============\nBody text here.\n",
        encoding="utf-8",
    )
    doc = only_doc(f)
    assert doc.title == "From front matter"
    assert doc.text == "Setext title\n\nBody text here."
    assert doc.domain == "example.net"
    assert doc.published == datetime(2024, 2, 1, 10, tzinfo=UTC)


def test_markdown_markup_only(tmp_path: Path) -> None:
    f = tmp_path / "x.md"
    f.write_text("![img](a.png)\n<!-- nothing -->\n", encoding="utf-8")
    assert "no text" in only_error(f).reason


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_records_and_errors(tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "batch.jsonl",
        {
            "id": "wire-1",
            "text": "First story.",
            "url": "https://www.wire.example/a",
            "title": "T1",
            "published": "2024-03-05T09:30:00+01:00",
            "source": "wire",
        },
        '{"text": "broken',
        {"title": "no text here"},
        {"text": 42},
        {"text": "Has a bad date.", "published": "last tuesday"},
        "[1, 2, 3]",
        "",
        {"id": 7, "text": "Integer id."},
        {"text": "   "},
        {"text": "No id given."},
    )
    records = read_all(f)
    assert [type(r).__name__ for r in records] == [
        "Document",
        "ReadError",
        "ReadError",
        "ReadError",
        "ReadError",
        "ReadError",
        "Document",
        "ReadError",
        "Document",
    ]
    first, broken, missing, wrong, date, array, int_id, empty, no_id = records
    assert isinstance(first, Document)
    assert first.id == "wire-1"
    assert first.domain == "wire.example"
    assert first.title == "T1"
    assert first.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert first.path == str(f)
    assert first.meta == {"line": "1", "source": "wire"}

    assert isinstance(broken, ReadError) and broken.line == 2 and "invalid JSON" in broken.reason
    assert broken.path == str(f)
    assert isinstance(missing, ReadError) and (missing.line, missing.reason) == (3, "missing text")
    assert (
        isinstance(wrong, ReadError) and wrong.line == 4 and "text must be a string" in wrong.reason
    )
    assert isinstance(date, ReadError) and date.line == 5 and "published" in date.reason
    assert isinstance(array, ReadError) and "JSON object" in array.reason
    assert isinstance(int_id, Document) and int_id.id == "7" and int_id.meta["line"] == "8"
    assert isinstance(empty, ReadError) and (empty.line, empty.reason) == (9, "empty text")
    assert isinstance(no_id, Document) and no_id.id == content_id("No id given.")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "x", "id": True}, "id must be"),
        ({"text": "x", "id": ""}, "empty id"),
        ({"text": "x", "url": 3}, "url must be a string"),
        ({"text": "x", "title": ["a"]}, "title must be a string"),
        ({"text": "x", "published": 1700000000}, "published"),
        ({"html": 5}, "html must be a string"),
    ],
)
def test_jsonl_wrong_types(tmp_path: Path, record: dict[str, object], reason: str) -> None:
    err = only_error(write_jsonl(tmp_path / "r.ndjson", record))
    assert reason in err.reason and err.line == 1


def test_jsonl_html_field(tmp_path: Path) -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    f = write_jsonl(
        tmp_path / "pages.jsonl",
        {"id": "p1", "html": html, "url": "https://mirror.example/copy"},
        {"html": "<html><body><nav>menu</nav></body></html>"},
    )
    doc, err = read_all(f)
    assert isinstance(doc, Document)
    assert doc.id == "p1" and doc.path == str(f)
    assert "tidal barrier" in doc.text and "Subscribe" not in doc.text
    # The record's url is where the copy lives; the page's canonical is kept aside.
    assert doc.domain == "mirror.example"
    assert doc.meta["canonical_url"].startswith("https://www.coastalledger.example/")
    assert doc.meta["line"] == "1"
    assert isinstance(err, ReadError) and err.line == 2 and err.path == str(f)


def test_jsonl_cp1252_line(tmp_path: Path) -> None:
    f = tmp_path / "old.jsonl"
    f.write_bytes('{"text": "na\u00efve \u201ccaf\u00e9\u201d"}\n'.encode("cp1252"))
    assert only_doc(f).text == "na\u00efve \u201ccaf\u00e9\u201d"


# --- HTML -------------------------------------------------------------------------------


def test_html_boilerplate_and_metadata() -> None:
    doc = only_doc(FIXTURES / "article.html")
    assert doc.title == "Harbour council approves tidal barrier"
    assert doc.url == "https://www.coastalledger.example/news/2024/03/harbour-barrier"
    assert doc.domain == "coastalledger.example"
    assert doc.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert "nine votes to four" in doc.text
    for boilerplate in ("Weather forecast menu", "Subscribe today", "Copyright", "Privacy"):
        assert boilerplate not in doc.text
    # paragraphs stay separate lines
    assert "small fishing town.\nCouncillors backed" in doc.text
    assert doc.path == str(FIXTURES / "article.html")


def test_html_hostile_markup_not_in_text() -> None:
    doc = only_doc(FIXTURES / "hostile.html")
    for marker in ("SCRIPT_MARKER", "NOSCRIPT", "ONLOAD", "IFRAME", "STYLE_MARKER", "evil"):
        assert marker not in doc.text
    assert "caf\u00e9 owner" in doc.text  # declared windows-1252 honoured
    assert doc.url == "https://news.example.org/local/bridge-reopens"  # og:url fallback
    assert doc.published is None


def test_html_date_only_becomes_midnight_utc() -> None:
    html = (
        '<html><head><meta name="date" content="2023-11-02"><title>T</title></head><body>'
        "<article><p>" + "A paragraph of real article text about the election. " * 5 + "</p>"
        "</article></body></html>"
    )
    doc = extract_html(html, "x.html")
    assert isinstance(doc, Document)
    assert doc.published == datetime(2023, 11, 2, tzinfo=UTC)
    assert doc.url is None and doc.domain is None


def test_html_without_text(tmp_path: Path) -> None:
    f = tmp_path / "nav.htm"
    f.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    err = only_error(f)
    assert err.reason == "no article text found" and err.path == str(f)


# --- paths ------------------------------------------------------------------------------


def test_directory_walk_order_and_filtering(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("from b/z", encoding="utf-8")
    (tmp_path / "b" / "a.md").write_text("from b/a", encoding="utf-8")
    (tmp_path / "a.txt").write_text("from a", encoding="utf-8")
    (tmp_path / "c.TXT").write_text("from c", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden dir", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    texts = [r.text for r in read_all(tmp_path) if isinstance(r, Document)]
    assert texts == ["from a", "from b/a", "from b/z", "from c"]
    assert read_all(tmp_path) == read_all(tmp_path)


def test_bad_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_text("good one", encoding="utf-8")
    (tmp_path / "2.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "3.txt").write_text("good two", encoding="utf-8")
    records = read_all(tmp_path, tmp_path / "missing.txt")
    assert [r.text for r in records if isinstance(r, Document)] == ["good one", "good two"]
    errors = [r for r in records if isinstance(r, ReadError)]
    assert [(e.path, e.reason) for e in errors] == [
        (str(tmp_path / "2.txt"), "binary file"),
        (str(tmp_path / "missing.txt"), "no such file or directory"),
    ]


def test_unknown_extension_named_explicitly(tmp_path: Path) -> None:
    f = tmp_path / "report.pdf"
    f.write_bytes(b"%PDF-1.4")
    err = only_error(f)
    assert err.path == str(f) and "unsupported" in err.reason


def test_warc_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc.gz").write_bytes(b"\x1f\x8b")
    err = only_error(tmp_path)
    assert err.path.endswith("crawl.warc.gz") and "WARC" in err.reason


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".jsonl", ".ndjson", ".html", ".htm", ".warc",
            ".warc.gz"} == set(SUPPORTED_SUFFIXES)


# --- robustness -------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=1024).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [b"<html><body><p>", b'{"text": "a"}\n{', b"<?xml encoding='bogus'?><p>x</p>"]
        ),
    ),
    suffix=st.sampled_from([".txt", ".md", ".jsonl", ".html"]),
)
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"fuzz{suffix}"
        f.write_bytes(data)
        for record in read_paths([f, tmp]):
            assert isinstance(record, Document | ReadError)
            assert record.path is not None
            if isinstance(record, ReadError):
                assert record.path == str(f)
                assert "internal reader error" not in record.reason


def test_utf16_full_of_nul_is_binary(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"\xff\xfe" + b"\x00" * 16)
    assert only_error(f).reason == "binary file"


@pytest.mark.parametrize(
    "line",
    ["[" * 50_000, '{"text": "a", "id": ' + "9" * 5000 + "}"],
)
def test_jsonl_pathological_lines(tmp_path: Path, line: str) -> None:
    err = only_error(write_jsonl(tmp_path / "evil.jsonl", line))
    assert err.line == 1 and err.reason.startswith("invalid JSON")
