"""Fuzzing every reader: whatever the bytes, ``read_paths`` does not raise, each bad record
is a ReadError naming the file (and the line, for JSONL) with a reason, and the good records
around it still come through.

Then the whole pipeline on a folder of such files: ``Index.scan`` indexes the good articles
and reports the bad ones, and ``retold scan`` exits 3 (some input failed) or 0.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from retold.api import Index
from retold.cli import app
from retold.documents import Document, ReadError
from retold.readers import read_paths
from retold.readers._text import normalise_newlines, tidy

SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".ndjson", ".html", ".htm")
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Realistic cp1252 text: accents, curly quotes, dashes, euro, ellipsis.
CP1252_WORDS = ("café", "naïve", "Müller", "Straße", "“quoted”", "it’s", "–", "—", "€5",
                "…", "façade", "Zoë", "señor", "déjà", "Ærø", "Œuvre", "‰", "•")
# Text from other scripts, which cp1252 cannot encode.
UTF8_WORDS = ("Zürich", "東京都", "Москва", "القاهرة", "Αθήνα", "서울", "emoji 🎉", "עברית")


def read_one(path: Path) -> list[Document | ReadError]:
    """Everything read_paths yields for one file, checked against the reader contract."""
    out = list(read_paths([path]))
    for rec in out:
        assert isinstance(rec, Document | ReadError), rec
        if isinstance(rec, ReadError):
            assert rec.path == str(path)
            assert rec.reason.strip()
            assert "internal reader error" not in rec.reason, rec
        else:
            assert rec.id and rec.id.strip()
            assert rec.text.strip()
            assert rec.published is None or rec.published.utcoffset() == UTC.utcoffset(None)
    return out


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.fixture()
def tmp() -> Iterator[Path]:
    # hypothesis runs each example in the same function-scoped tmp_path; a fresh dir each.
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


# --- whole-file readers: bytes of every kind -----------------------------------------------

def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


hostile_bytes = st.one_of(
    st.binary(max_size=4096),
    st.just(b""),
    st.binary(min_size=1, max_size=64).map(lambda b: b.replace(b"\x00", b"") + b"\x00" * 3),
    st.tuples(st.text(max_size=300), st.sampled_from(
        ["utf-8", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "shift_jis", "koi8-r"]
    )).map(lambda t: _encoded(*t)),
    # Text with NULs, stray invalid UTF-8 bytes and BOMs spliced in.
    st.lists(st.one_of(
        st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xe2\x80", b"\xef\xbb\xbf", b"\xff\xfe",
                         b"\r", b"\r\n", b"\x85", b"\x81\x8d\x8f\x90\x9d"]),
    ), max_size=30).map(b"".join),
)


@FUZZ
@given(data=hostile_bytes, suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_documents_or_read_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        out = read_one(write(Path(d), "fuzz" + suffix, data))
        if suffix not in (".jsonl", ".ndjson"):
            assert len(out) == 1  # one article per file, or one error saying why not


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b" \n\t\r\n  ", "empty file"),
    (b"\x00" * 64, "binary file"),
    (b"Some text\x00with a NUL byte in it.", "binary file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "binary file"),
])
def test_empty_and_binary_files(tmp: Path, suffix: str, data: bytes, reason: str) -> None:
    (err,) = read_one(write(tmp, "x" + suffix, data))
    assert isinstance(err, ReadError) and err.reason == reason


@FUZZ
@given(words=st.lists(st.sampled_from(CP1252_WORDS), min_size=1, max_size=30))
def test_cp1252_read_correctly(words: list[str]) -> None:
    text = "Headline\n\nThe " + " ".join(words) + " story."
    with tempfile.TemporaryDirectory() as d:
        for suffix in (".txt", ".md"):
            (doc,) = read_one(write(Path(d), "w" + suffix, text.encode("cp1252")))
            assert isinstance(doc, Document) and doc.text == text


@FUZZ
@given(lines=st.lists(st.tuples(
    st.lists(st.sampled_from(CP1252_WORDS + UTF8_WORDS), min_size=1, max_size=8),
    st.booleans()), min_size=1, max_size=12))
def test_mixed_encodings_line_by_line(lines: list[tuple[list[str], bool]]) -> None:
    """A file stitched from UTF-8 and cp1252 sources: every line decoded as written."""
    raw, expected = [], []
    for words, as_cp1252 in lines:
        if as_cp1252:
            words = [w for w in words if w in CP1252_WORDS] or ["café"]
        line = "Line " + " ".join(words) + " here."
        raw.append(line.encode("cp1252" if as_cp1252 else "utf-8"))
        expected.append(line)
    with tempfile.TemporaryDirectory() as d:
        (doc,) = read_one(write(Path(d), "mixed.txt", b"\n\n".join(raw)))
        assert isinstance(doc, Document)
        assert doc.text == "\n\n".join(expected)


def test_mixed_encodings_html_declared_utf8(tmp: Path) -> None:
    body = ("<p>Die Zürcher Stadtverwaltung hat am Montag neue Regeln für den Verkehr "
            "beschlossen, die ab dem nächsten Jahr gelten sollen.</p>\n").encode()
    stray = "<p>Der Sprecher sagte, man sei “sehr zufrieden” – mit dem Ergebnis.</p>\n"
    page = (b'<html><head><meta charset="utf-8"><title>Verkehr</title></head><body>'
            b"<article>\n" + body + stray.encode("cp1252") + body + b"</article></body></html>")
    (doc,) = read_one(write(tmp, "m.html", page))
    assert isinstance(doc, Document)
    assert "Zürcher" in doc.text and "“sehr zufrieden” –" in doc.text


@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 50 MB single line (no newline) as .txt, .jsonl and .html; written once."""
    d = tmp_path_factory.mktemp("fifty_mb")
    sentence = "The harbour council met again on Tuesday, and the vote was postponed. "
    line = (sentence * (50_000_000 // len(sentence) + 1))[:50_000_000]
    paths = {
        "txt": d / "big.txt",
        "jsonl": d / "big.jsonl",
        "html": d / "big.html",
    }
    paths["txt"].write_text(line, encoding="utf-8")
    with paths["jsonl"].open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "big", "text": line}) + "\n")
        f.write(json.dumps({"id": "small", "text": "A short article after the big one."}))
    paths["html"].write_text("<html><body><article><p>" + line, encoding="utf-8")
    return paths


def test_fifty_mb_single_line(fifty_mb: dict[str, Path]) -> None:
    (doc,) = read_one(fifty_mb["txt"])
    assert isinstance(doc, Document) and len(doc.text) == 49_999_999  # trailing space tidied
    big, small = read_one(fifty_mb["jsonl"])
    assert isinstance(big, Document) and len(big.text) > 49_000_000
    assert isinstance(small, Document) and small.id == "small"  # no newline at the end
    (page,) = read_one(fifty_mb["html"])  # truncated page whose text node exceeds libxml2's
    assert isinstance(page, Document | ReadError)  # 10 MB limit: either way, no exception


# --- JSONL: every line is a Document or a ReadError with its line number ---------------------

BAD_DATES = ["2023-02-30", "2023-02-29", "0000-01-01", "99999-01-01", "2023-13-01",
             "2023-01-01T25:00:00", "yesterday", "0001-01-01T00:00:00+14:00",
             "9999-12-31T23:59:59-14:00", "2023-06-01T12:00:00+25:00", " "]
GOOD_DATES = ["2024-02-29", "0001-01-01", "9999-12-31T23:59:59Z", "2023-06-01T12:00:00+05:30",
              "2023-06-01 12:00", "20230601"]
WRONG_TYPES = [("text", 42), ("text", ["a"]), ("text", {"a": 1}), ("text", True),
               ("id", 1.5), ("id", True), ("id", []), ("id", " "),
               ("url", 7), ("title", ["t"]), ("published", 20230101), ("published", {}),
               ("html", 3)]


def _article(i: int, text: str) -> str:
    return f"Article {i}. " + text


@st.composite
def jsonl_line(draw: st.DrawFn, i: int) -> tuple[bytes, str | None]:
    """One line's bytes and what it must become: a Document's text, or None for an error."""
    text = _article(i, draw(st.text(max_size=200)))
    good: dict[str, object] = {"id": f"r{i}", "text": text}
    kind = draw(st.sampled_from(["good", "good_date", "cp1252", "invalid_utf8", "nul_escape",
                                 "extra_fields", "truncated", "missing_text", "wrong_type",
                                 "bad_date", "not_object", "nested", "nul_raw"]))
    expected = tidy(normalise_newlines(text))
    if kind == "good":
        return json.dumps(good).encode(), expected
    if kind == "good_date":
        good["published"] = draw(st.sampled_from(GOOD_DATES))
        return json.dumps(good).encode(), expected
    if kind == "cp1252":
        words = " ".join(draw(st.lists(st.sampled_from(CP1252_WORDS), min_size=1)))
        good["text"] = _article(i, words)
        return json.dumps(good, ensure_ascii=False).encode("cp1252"), good["text"]
    if kind == "invalid_utf8":  # read as cp1252
        return b'{"id": "r%d", "text": "Article %d caf\xe9 \xff"}' % (i, i), \
            f"Article {i} caf\u00e9 \u00ff"
    if kind == "nul_escape":
        good["text"] = _article(i, "with a \x00 NUL inside")
        return json.dumps(good).encode(), good["text"]
    if kind == "extra_fields":
        good.update({"tags": ["a"], "extra": {"x": 1}, "score": 3.5, "flag": False})
        return json.dumps(good).encode(), expected
    if kind == "truncated":
        full = json.dumps(good).encode()
        return full[: draw(st.integers(1, len(full) - 1))], None
    if kind == "missing_text":
        return json.dumps({"id": f"r{i}", "title": "No text"}).encode(), None
    if kind == "wrong_type":
        key, value = draw(st.sampled_from(WRONG_TYPES))
        return json.dumps({**good, key: value}).encode(), None
    if kind == "bad_date":
        return json.dumps({**good, "published": draw(st.sampled_from(BAD_DATES))}).encode(), None
    if kind == "not_object":
        return draw(st.sampled_from([b"[1, 2]", b'"text"', b"42", b"null", b"true"])), None
    if kind == "nested":
        depth = draw(st.integers(1000, 200_000))
        return b'{"text": ' + b"[" * depth + b"]" * depth + b"}", None
    return b'{"id": "r%d", "text": "NUL\x00raw"}' % i, None


@st.composite
def jsonl_file(draw: st.DrawFn) -> tuple[bytes, dict[int, str | None]]:
    lines: list[bytes] = []
    expect: dict[int, str | None] = {}
    for i in range(draw(st.integers(1, 12))):
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(draw(st.sampled_from([b"", b"  ", b"\t", b"\r"])))  # blank: skipped
            continue
        raw, outcome = draw(jsonl_line(i))
        lines.append(raw)
        expect[len(lines)] = outcome
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    return ending.join(lines) + draw(st.sampled_from([b"", ending])), expect


@FUZZ
@given(case=jsonl_file())
def test_jsonl_each_line_is_a_document_or_an_error(case: tuple[bytes, dict]) -> None:
    data, expect = case
    assume(expect)
    with tempfile.TemporaryDirectory() as d:
        path = write(Path(d), "feed.jsonl", data)
        out = read_one(path)
    got: dict[int, Document | ReadError] = {}
    for rec in out:
        line = rec.line if isinstance(rec, ReadError) else int(rec.meta["line"])
        assert line is not None and line not in got, (rec, got)
        got[line] = rec
    assert set(got) == set(expect), (got, expect)
    for line, text in expect.items():
        rec = got[line]
        if text is None:
            assert isinstance(rec, ReadError), (line, rec)
        else:
            assert isinstance(rec, Document), (line, rec)
            assert rec.text == text


def test_duplicate_ids_with_different_text_are_both_read(tmp: Path) -> None:
    path = write(tmp, "d.jsonl", b'{"id": "x", "text": "First text."}\n'
                                 b'{"id": "x", "text": "Second, other text."}\n')
    first, second = read_one(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.id == second.id == "x"  # the reader keeps both; the pipeline decides


# --- HTML: tag soup, deep nesting, truncation --------------------------------------------------

TAGS = ("div", "p", "span", "article", "section", "table", "tr", "td", "ul", "li", "a", "b",
        "script", "style", "noscript", "svg", "math", "template", "iframe", "form", "select",
        "nav", "footer", "header", "h1", "br", "img", "meta", "frameset", "plaintext")
ATTRS = (' class="x"', ' onclick="alert(1)"', ' href="javascript:alert(1)"', " hidden",
         ' style="display:none"', ' property="article:published_time" content="2023-02-30"',
         ' charset="utf-16"', ' charset="bogus"', ' rel="canonical" href="//evil"', " =\"'",
         ' content="0; url=javascript:x" http-equiv="refresh"')
TEXTS = ("The council voted on Tuesday to approve the ferry terminal, officials said. ",
         "&amp; &#0; &#xD800; &#99999999; &bogus; ", "<!-- comment ", "<![CDATA[ x ]]>",
         "]]>", "<?php echo 1 ?>", "\x00", "\ufeff", "東京 Москва القاهرة ", "</", "<",
         "-->", "<!DOCTYPE html>", "<?xml version='1.0' encoding='bogus'?>")


html_soup = st.recursive(
    st.sampled_from(TEXTS),
    lambda inner: st.tuples(st.sampled_from(TAGS), st.sampled_from(("", *ATTRS)),
                            st.lists(inner, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]}{t[1]}>" + "".join(t[2]) + (f"</{t[0]}>" if t[3] else "")),
    max_leaves=40,
)


@FUZZ
@given(soup=html_soup, cut=st.integers(0, 10_000), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_html_tag_soup_and_truncation(soup: str, cut: int, encoding: str) -> None:
    data = soup.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as d:
        for blob in (data, data[: cut % (len(data) + 1)]):
            assert len(read_one(write(Path(d), "soup.html", blob))) == 1


@pytest.mark.parametrize("depth", [1_000, 20_000, 300_000])
@pytest.mark.parametrize("closed", [True, False])
def test_html_deeply_nested(tmp: Path, depth: int, closed: bool) -> None:
    para = "<p>The council voted on Tuesday to approve the new ferry terminal downtown.</p>"
    page = "<html><body>" + "<div>" * depth + para * 3 + ("</div>" * depth if closed else "")
    (rec,) = read_one(write(tmp, "deep.html", page.encode()))
    assert isinstance(rec, Document | ReadError)


def test_html_bad_page_date_keeps_the_article(tmp: Path) -> None:
    page = ('<html><head><meta property="article:published_time" content="2023-02-30">'
            "</head><body><article><p>The council voted on Tuesday to approve the new ferry "
            "terminal on the east quay after months of debate.</p></article></body></html>")
    (doc,) = read_one(write(tmp, "d.html", page.encode()))
    assert isinstance(doc, Document) and doc.published is None


@pytest.mark.parametrize("date", ["2023-02-30", "0000-01-01", "99999-01-01"])
def test_markdown_impossible_front_matter_date_is_reported(tmp: Path, date: str) -> None:
    md = f"---\ntitle: T\ndate: {date}\n---\n# T\n\nBody text of the article.\n"
    (err,) = read_one(write(tmp, "d.md", md.encode()))
    assert isinstance(err, ReadError) and date in err.reason


# --- the whole pipeline on a folder of bad and good files ---------------------------------------

GOOD = {
    "good.txt": "Harbour council backs ferry plan\n\nThe Ostmere harbour council voted on "
                "Tuesday to build a new ferry terminal on the east quay. Mayor Lena Varga said "
                "it would cost 42 million euros.",
    "good.md": "---\ntitle: Storm closes schools\ndate: 2023-11-02\n---\n# Storm closes "
               "schools\n\nA storm closed *every* school in Brenvik on Thursday, the county "
               "said. Power was cut to 3,000 homes.",
    "good.html": "<html><head><title>Museum reopens</title></head><body><article><p>The city "
                 "museum in Dalsby reopened on Saturday after a two-year renovation that cost "
                 "9 million euros, its director said.</p></article></body></html>",
}
GOOD_CP1252 = ("Café owners protest\n\nThe café owners of Lindmoor said “enough” on Friday – "
               "rents rose by 30 per cent in a year, they said.")


def build_hostile_folder(root: Path) -> tuple[set[str], set[str]]:
    """Good and bad files side by side; returns (good doc ids expected, bad paths)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "cp1252.txt").write_bytes(GOOD_CP1252.encode("cp1252"))
    records = [
        {"id": "j-ok", "text": "Rail strike called off. Unions and the rail operator agreed "
                               "a 6 per cent raise late on Sunday.", "published": "2023-03-01"},
        {"id": "j-dup", "text": "First version of a story about the bridge repairs."},
        {"id": "j-dup", "text": "A different text under the same id, about something else."},
        {"id": "j-old", "text": "A report dated at the start of the calendar, as old as it "
                                "gets.", "published": "0001-01-01T00:00:00Z"},
        {"id": "j-far", "text": "A report dated at the end of the calendar, as late as it "
                                "gets.", "published": "9999-12-31T23:59:59Z"},
        {"id": "j-nul", "text": "A record whose text carries a \x00 NUL character inside."},
        {"id": "j-feb30", "text": "Impossible date.", "published": "2023-02-30"},
        {"id": "j-y0", "text": "Year zero.", "published": "0000-06-01"},
        {"id": "j-y99999", "text": "Year 99999.", "published": "99999-01-01"},
        {"id": 5, "text": 7},
        {"id": "j-notext"},
    ]
    lines = [json.dumps(r).encode() for r in records]
    lines.insert(3, b'{"id": "j-trunc", "text": "cut off in the mid')
    lines.insert(5, b"[" * 100_000)
    lines.append('{"id": "j-cp", "text": "Caf\u00e9 “na\u00efve” \u2013 a cp1252 line."}'
                 .encode("cp1252"))
    (root / "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.md").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    (root / "nul.html").write_bytes(b"<html>\x00\x00\x00</html>")
    (root / "nav.html").write_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body>")
    # Truncated: what survives may be an article or not; either way the scan goes on.
    (root / "trunc.html").write_bytes(b"<html><body><article><p>The truncated")
    (root / "deep.html").write_bytes(b"<div>" * 50_000)
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")  # unsupported: skipped in a folder walk
    good = {"j-ok", "j-dup", "j-old", "j-far", "j-nul", "j-cp"}
    bad = {"feed.jsonl", "empty.txt", "binary.md", "nul.html", "nav.html", "deep.html"}
    return good, bad


def test_pipeline_indexes_the_good_and_reports_the_bad(tmp_path: Path,
                                                      static_encoder: object) -> None:
    good_ids, bad_files = build_hostile_folder(tmp_path / "in")
    with Index(tmp_path / "i.db", encoder=static_encoder) as index:
        report = index.scan([tmp_path / "in"])
        stored = {d.id: d for d in index.store.documents()}
        assert good_ids <= set(stored)
        by_path = {Path(d.path).name for d in stored.values() if d.path}
        assert {*GOOD, "cp1252.txt"} <= by_path
        texts = index.store.texts(list(stored))
        assert any('"enough" on Friday –' in t for t in texts.values())  # quotes unified
        assert index.document("j-dup").text.startswith("First version")
        assert index.document("j-old").published.year == 1
        assert index.document("j-far").published.year == 9999
        assert "\x00" in index.document("j-nul").text
        assert not index.check_integrity()

    errors = {(Path(e.path).name, e.line) for e in report.errors}
    assert {Path(p).name for p, _ in errors} >= bad_files
    feed = sorted(line for name, line in errors if name == "feed.jsonl" and line)
    # duplicate id, truncated, too deep, bad date x3, wrong types, missing text (1-based)
    assert feed == [3, 4, 6, 9, 10, 11, 12, 13]
    assert any("duplicate id 'j-dup'" in e.reason for e in report.errors)
    for err in report.errors:
        assert err.reason and "internal" not in err.reason


def test_duplicate_id_error_names_its_line(tmp_path: Path, static_encoder: object) -> None:
    (tmp_path / "d.jsonl").write_text('{"id": "x", "text": "First text here."}\n'
                                      '{"id": "x", "text": "Second, other text."}\n')
    with Index(tmp_path / "i.db", encoder=static_encoder) as index:
        report = index.scan([tmp_path / "d.jsonl"])
    (err,) = report.errors
    assert err.line == 2


def test_cli_exit_status_on_hostile_and_clean_folders(tmp_path: Path) -> None:
    runner = CliRunner()
    good_ids, _ = build_hostile_folder(tmp_path / "bad")
    res = runner.invoke(app, ["scan", str(tmp_path / "bad"), "--db", str(tmp_path / "b.db")])
    assert res.exit_code == 3, res.output
    assert isinstance(res.exception, SystemExit)  # a clean exit, not an escaped exception
    with Index(tmp_path / "b.db", readonly=True) as index:
        assert good_ids <= {d.id for d in index.store.documents()}

    clean = tmp_path / "clean"
    clean.mkdir()
    for name, text in GOOD.items():
        (clean / name).write_text(text, encoding="utf-8")
    (clean / "cp1252.txt").write_bytes(GOOD_CP1252.encode("cp1252"))
    res = runner.invoke(app, ["scan", str(clean), "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["check-index", "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 0, res.output


# --- paths: a scan never reads outside the folder it was given -------------------------------

@pytest.fixture()
def linked(tmp_path: Path) -> Path:
    """A scanned folder with every kind of symbolic link, and a secret next to it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret text outside the scanned folder.")
    scan = tmp_path / "scan"
    (scan / "sub").mkdir(parents=True)
    (scan / "a.txt").write_text(GOOD["good.txt"])
    (scan / "sub" / "b.md").write_text(GOOD["good.md"])
    links = {
        "inside.txt": "a.txt",  # a link within the folder: read
        "out.txt": "../outside/secret.txt",  # to a file outside: reported, not read
        "broken.txt": "nowhere.txt",
        "loop1.txt": "loop2.txt",
        "loop2.txt": "loop1.txt",
        "device.txt": "/dev/zero",  # would never end
        "outdir": "../outside",  # directory links are not followed
        "sub/up": "..",  # a directory cycle
        "notes.pdf": "../outside/secret.txt",  # not a supported name: ignored as before
    }
    for name, target in links.items():
        (scan / name).symlink_to(target)
    return scan


def test_directory_walk_stays_inside_the_folder(linked: Path) -> None:
    out = list(read_paths([linked]))
    docs = {Path(d.path).relative_to(linked).as_posix() for d in out if isinstance(d, Document)}
    errors = {Path(e.path).relative_to(linked).as_posix(): e.reason
              for e in out if isinstance(e, ReadError)}
    assert docs == {"a.txt", "inside.txt", "sub/b.md"}
    assert "outside the scanned folder" in errors.pop("out.txt")
    assert "broken symbolic link" in errors.pop("broken.txt")
    assert "not a regular file" in errors.pop("device.txt")
    assert set(errors) == {"loop1.txt", "loop2.txt"}  # "Too many levels of symbolic links"
    assert not any("Secret" in d.text for d in out if isinstance(d, Document))


def test_named_paths_are_followed_but_never_hang(linked: Path) -> None:
    (doc,) = read_paths([linked / "out.txt"])  # named by the user: read where it points
    assert isinstance(doc, Document) and doc.text.startswith("Secret")
    (loop,) = read_paths([linked / "loop1.txt"])
    assert isinstance(loop, ReadError) and "symbolic link" in loop.reason
    (dev,) = read_paths([linked / "device.txt"])
    assert isinstance(dev, ReadError) and dev.reason == "not a regular file"


def test_cli_scan_of_a_folder_with_link_loops(linked: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["scan", str(linked), "--db", str(tmp_path / "l.db")])
    assert res.exit_code == 3, res.output  # the bad links are reported, the rest indexed
    with Index(tmp_path / "l.db", readonly=True) as index:
        paths = {Path(d.path).name for d in index.store.documents()}
        texts = index.store.texts([d.id for d in index.store.documents()])
    assert {"a.txt", "b.md"} <= paths and "out.txt" not in paths
    assert not any("Secret" in t for t in texts.values())


def test_warc_response_without_target_uri_is_a_broken_record(tmp: Path) -> None:
    """Found by fuzz/fuzz_warc.py: warcio raised AttributeError on this record, which
    escaped the WARC reader as an internal error."""
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
            b"<html><body><p>Page text.</p></body></html>")
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
              b"Content-Type: application/http; msgtype=response\r\n"
              b"Content-Length: %d\r\n\r\n" % len(http)) + http + b"\r\n\r\n"
    out = read_one(write(tmp, "c.warc", record))
    assert out and all(isinstance(r, ReadError) and r.offset is not None for r in out)
