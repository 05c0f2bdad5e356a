"""WARC crawls (.warc, .warc.gz): every HTML response record becomes a Document.

Records are streamed one at a time with warcio, so memory is bounded by the largest record
read (capped by ``MAX_RECORD_BYTES``), not by the file. Records that cannot become articles
are reported as ReadErrors carrying the record's byte offset, so a crawl's problems can be
found again with ``warcio extract FILE OFFSET``:

* ``response`` records that are not HTML (images, scripts, PDFs), not a 2xx status, or
  without article text;
* broken records and files (a truncated gzip member, a bad WARC header); reading stops
  there because the rest of the file can no longer be framed.

Records that never hold a page (``request``, ``warcinfo``, ``metadata``, ``revisit``...) are
bookkeeping of the crawler: they are counted in :class:`WarcStats` but not reported, since
every fetched page comes with a request record and reporting them would double the error
count of every healthy crawl.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from retold.documents import Document, ReadError, domain_of, parse_published
from retold.readers.html import decode_html, extract_html

# A news page is well under a megabyte; anything far larger is a media file or a crawler
# trap, and reading it whole would make memory depend on the input.
MAX_RECORD_BYTES = 16 * 1024 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# What warcio raises on a damaged file. Beyond its own and zlib's errors, a malformed record
# reaches plain Python errors inside it: a response record without WARC-Target-URI is an
# AttributeError (found by fuzz/fuzz_warc.py), so those count as broken records too.
_BROKEN: tuple[type[BaseException], ...] = (
    ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError,
    AttributeError, IndexError, KeyError, TypeError,
)


@dataclass(slots=True)
class WarcStats:
    """What one pass over a WARC file saw, by outcome."""

    records: int = 0
    documents: int = 0
    skipped_types: dict[str, int] = field(default_factory=dict)
    """Non-response records (``request``, ``warcinfo``...), counted by WARC-Type."""
    not_html: int = 0
    no_article: int = 0
    bad_status: int = 0
    broken: int = 0


def read_warc(path: Path, shown: str) -> Iterator[Document | ReadError]:
    """The Reader for ``.warc`` and ``.warc.gz`` (see the module docstring)."""
    yield from iter_warc(path, shown)


def iter_warc(
    path: Path, shown: str, stats: WarcStats | None = None
) -> Iterator[Document | ReadError]:
    """Documents and ReadErrors of one WARC file, in file order; ``stats`` is updated as
    records go by (pass one to learn what was skipped silently)."""
    stats = stats if stats is not None else WarcStats()
    try:
        handle = path.open("rb")
    except OSError as err:
        yield ReadError(shown, f"cannot read file: {err.strerror or err}")
        return
    with handle:
        it = _Iterator(handle)
        offset = 0
        last_truncated = False
        try:
            for record in it:
                # ``it.offset`` is where this record starts until the iterator moves on
                # (``get_record_offset`` would read the record to its end first).
                offset = int(it.offset)
                stats.records += 1
                item = _record(record, shown, offset, stats)
                last_truncated = _truncated(record)
                if last_truncated:
                    # warcio hands out a short block without complaint when the file ends
                    # inside it (a cut download): a partial page is not the article.
                    stats.broken += 1
                    if isinstance(item, Document):
                        stats.documents -= 1
                    item = ReadError(shown, "broken WARC record: truncated (file ends inside"
                                     " the record)", offset=offset)
                if item is not None:
                    yield item
        except _BROKEN as err:
            stats.broken += 1
            # The offset is where the last record started (or 0): the damage is there or
            # after it, and nothing past it can be framed any more.
            yield ReadError(shown, f"broken WARC record: {_reason(err)}", offset=offset)
            return
        size = handle.seek(0, 2)
        if stats.records == 0 and (size == 0 or not it.gzip_unfinished):
            yield ReadError(shown, "no WARC records (empty or not a WARC file)", offset=0)
            return
        if it.gzip_unfinished and not last_truncated:
            stats.broken += 1
            # ``it.offset`` is where reading stopped: short of the end, a member was cut
            # before its WARC headers could be read; at the end, the last record is whole
            # but its gzip member lacks the trailer (the record's text still came through).
            where = int(it.offset) if int(it.offset) < size else offset
            yield ReadError(shown, "broken WARC record: truncated gzip (the last member has"
                            " no end)", offset=where)


class _Iterator(WARCIterator):
    """warcio's iterator, remembering whether the last gzip member was complete (it drops
    its decompressor, and with it that knowledge, when the file ends)."""

    gzip_unfinished = False

    def close(self) -> None:
        reader = self.reader
        decompressor = getattr(reader, "decompressor", None) if reader else None
        if decompressor is not None and not getattr(decompressor, "eof", True):
            self.gzip_unfinished = True
        super().close()


def _truncated(record: ArcWarcRecord) -> bool:
    """Whether the record's block ended before its declared Content-Length."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return isinstance(raw, LimitReader) and raw.limit > 0


def _record(
    record: ArcWarcRecord, shown: str, offset: int, stats: WarcStats
) -> Document | ReadError | None:
    rec_type = record.rec_type or "unknown"
    if rec_type != "response":
        stats.skipped_types[rec_type] = stats.skipped_types.get(rec_type, 0) + 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    http = record.http_headers
    ctype = ""
    charset: str | None = None
    if http is not None:
        ctype, charset = _content_type(http.get_header("Content-Type") or "")
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            stats.bad_status += 1
            return ReadError(shown, f"HTTP status {status or '?'} for {url}", offset=offset)
    if ctype not in HTML_TYPES:
        stats.not_html += 1
        return ReadError(shown, f"not HTML ({ctype or 'no content type'}): {url}",
                         offset=offset)
    data = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        stats.not_html += 1
        return ReadError(shown, f"page larger than {MAX_RECORD_BYTES} bytes: {url}",
                         offset=offset)
    if not data.strip():
        stats.no_article += 1
        return ReadError(shown, f"empty page: {url}", offset=offset)
    doc = extract_html(decode_html(data, charset), shown, url)
    if isinstance(doc, ReadError):
        stats.no_article += 1
        return dataclasses.replace(doc, path=shown, reason=f"{doc.reason}: {url}",
                                   offset=offset)
    stats.documents += 1
    published = doc.published
    if published is None:
        # The crawl time is an upper bound on publication: better than nothing for ordering
        # a family, and the page's own date wins whenever it has one.
        try:
            published = parse_published(record.rec_headers.get_header("WARC-Date"))
        except (ValueError, OverflowError):
            published = None
    meta = {**doc.meta, "warc_offset": str(offset)}
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id:
        meta["warc_record_id"] = record_id
    return dataclasses.replace(doc, url=url or doc.url, domain=domain_of(url) or doc.domain,
                               published=published, meta=meta)


def _content_type(value: str) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` -> (``text/html``, ``UTF-8``)."""
    parts = [p.strip() for p in value.split(";")]
    ctype = parts[0].lower()
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return ctype, charset


def _reason(err: BaseException) -> str:
    if isinstance(err, zlib.error | EOFError):
        return f"truncated or corrupt gzip ({err})"
    return f"{type(err).__name__}: {err}"
