"""HTML pages: main text and metadata via trafilatura."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from retold.documents import Document, ReadError, content_id, domain_of, parse_published
from retold.readers._text import (
    bom_encoding,
    decode_bytes,
    looks_binary,
    normalise_newlines,
    tidy,
)

LOGGER = logging.getLogger(__name__)

# Charsets are declared near the top; browsers look no further than the first 1024 bytes,
# we allow more because real pages put long scripts before the meta tag.
CHARSET_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)

# htmldate's extensive search reads dates out of free text, which turns a footer's
# "Copyright 2024" into a publication date of 2024-01-01; metadata-only is more honest.
_DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}
# Trafilatura's wild-text recovery returns the menu of a page that has nothing else, so a
# nav-only page would come out as an "article" reading "Home"; site chrome is never prose.
_PRUNE_XPATH: tuple[str, ...] = ("//nav", "//footer", '//*[@role="navigation"]')
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
)


def read_html(path: Path, shown: str) -> Iterator[Document | ReadError]:
    """Yield the article of one .html/.htm file, or a ReadError."""
    try:
        data = path.read_bytes()
    except OSError as err:
        yield ReadError(shown, f"cannot read file: {err.strerror or err}")
        return
    if looks_binary(data):
        yield ReadError(shown, "binary file")
        return
    if not data.strip():
        yield ReadError(shown, "empty file")
        return
    yield extract_html(decode_html(data), shown)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a meta tag or XML declaration, if any."""
    head = data[:CHARSET_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode a page: BOM, then ``charset`` (e.g. from HTTP headers), then the page's own
    declaration, then UTF-8 with cp1252 fallback."""
    if bom_encoding(data) is None and charset is None:
        charset = declared_charset(data)
    return decode_bytes(data, charset)


def extract_html(html: str, path: str | None, url: str | None = None) -> Document | ReadError:
    """The article in ``html`` as a Document, or a ReadError when there is none.

    ``url`` is where the page was fetched, when known; it wins over the page's canonical
    link because syndicated copies point their canonical at the original publisher, and
    a rewrite detector must not mistake the copy's domain for the source's. The canonical
    URL is then kept in ``meta["canonical_url"]``.
    """
    where = path or url or "<html>"
    try:
        return _extract(normalise_newlines(html), where, path, url)
    except Exception as err:  # lxml and trafilatura raise assorted types on hostile markup
        LOGGER.debug("HTML extraction failed for %s", where, exc_info=True)
        return ReadError(where, f"HTML extraction failed: {type(err).__name__}: {err}")


def _extract(html: str, where: str, path: str | None, url: str | None) -> Document | ReadError:
    tree = load_html(html)
    if tree is None:
        return ReadError(where, "no article text found")
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        date_extraction_params=dict(_DATE_PARAMS),
        prune_xpath=list(_PRUNE_XPATH),
    )
    text = tidy(result.text or "") if result is not None else ""
    if not text:
        return ReadError(where, "no article text found")
    canonical = page_url(tree)
    final_url = url or canonical
    meta: dict[str, str] = {}
    if canonical and canonical != final_url:
        meta["canonical_url"] = canonical
    for key in ("author", "sitename"):
        value = getattr(result, key, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    title = result.title.strip() if isinstance(result.title, str) else None
    return Document(
        id=content_id(text),
        text=text,
        url=final_url,
        domain=domain_of(final_url),
        title=title or None,
        published=published_time(tree, result.date),
        path=path,
        meta=meta,
    )


def page_url(tree: HtmlElement) -> str | None:
    """The page's canonical link, else its og:url, made absolute; None when neither is."""
    og = _meta_content(tree, ("og:url",))
    og_url = _absolute_http(og, None) if og else None
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            resolved = _absolute_http(href, og_url)
            if resolved:
                return resolved
    return og_url


def published_time(tree: HtmlElement, fallback: str | None) -> datetime | None:
    """article:published_time (full precision), else trafilatura's date at midnight UTC.

    A page whose own published meta is not a date has no date: a malformed page date is
    the publisher's slip, not a reason to drop the text, nor to trust what htmldate
    salvages from it ("2023-02-30" would become 2023-02-01, a date the page never gave).
    """
    own = _meta_content(tree, _PUBLISHED_META)
    for value in (own, fallback):
        if not value:
            continue
        try:
            return parse_published(value)
        except (ValueError, OverflowError):
            if value == own:
                return None
    return None


def _meta_content(tree: HtmlElement, names: tuple[str, ...]) -> str | None:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key in names and content:
            return content
    return None


def _absolute_http(href: str, base: str | None) -> str | None:
    """``href`` resolved against ``base``; None unless the result is an http(s) URL."""
    if href.startswith("//"):
        href = "https:" + href
    try:
        resolved = urljoin(base, href) if base else href
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return resolved
