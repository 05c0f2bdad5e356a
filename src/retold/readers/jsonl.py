"""JSON Lines: one article object per line, streamed."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from retold.documents import Document, ReadError, content_id, domain_of, parse_published
from retold.readers._text import decode_bytes, normalise_newlines, tidy
from retold.readers.html import extract_html

KNOWN_FIELDS = frozenset({"id", "text", "html", "url", "title", "published"})


class RecordError(ValueError):
    """A record that is valid JSON but not a valid article."""


def read_jsonl(path: Path, shown: str) -> Iterator[Document | ReadError]:
    """Yield one Document or ReadError per non-blank line, without loading the file."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield parse_line(raw, shown, number)
    except OSError as err:
        yield ReadError(shown, f"cannot read file: {err.strerror or err}")


def parse_line(raw: bytes, shown: str, number: int) -> Document | ReadError:
    """One line's bytes to a Document, or a ReadError carrying the line number."""
    line = decode_bytes(raw).lstrip("\ufeff")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return ReadError(shown, f"invalid JSON: {err.msg} (column {err.colno})", line=number)
    except RecursionError:
        return ReadError(shown, "invalid JSON: nested too deeply", line=number)
    except ValueError as err:  # e.g. an integer literal past Python's digit limit
        return ReadError(shown, f"invalid JSON: {err}", line=number)
    if not isinstance(obj, dict):
        return ReadError(shown, f"expected a JSON object, got {_json_type(obj)}", line=number)
    try:
        return record_to_document(obj, shown, number)
    except RecordError as err:
        return ReadError(shown, str(err), line=number)


def record_to_document(obj: dict[str, Any], shown: str, number: int) -> Document | ReadError:
    """Validate one record's fields; raises RecordError for the first bad one."""
    record_id = _optional_id(obj.get("id"))
    url = _optional_str(obj, "url")
    title = _optional_str(obj, "title")
    published = _published(obj.get("published"))
    meta = _extra_meta(obj)
    meta["line"] = str(number)

    text = obj.get("text")
    html = obj.get("html")
    if text is not None and not isinstance(text, str):
        raise RecordError(f"text must be a string, not {_json_type(text)}")
    if html is not None and not isinstance(html, str):
        raise RecordError(f"html must be a string, not {_json_type(html)}")
    text = tidy(normalise_newlines(text)) if text else ""
    if not text and html and html.strip():
        return _from_html(html, shown, number, record_id, url, title, published, meta)
    if not text:
        raise RecordError("missing text" if "text" not in obj else "empty text")
    return Document(
        id=record_id if record_id is not None else content_id(text),
        text=text,
        url=url,
        domain=domain_of(url),
        title=title,
        published=published,
        path=shown,
        meta=meta,
    )


def _from_html(
    html: str,
    shown: str,
    number: int,
    record_id: str | None,
    url: str | None,
    title: str | None,
    published: datetime | None,
    meta: dict[str, str],
) -> Document | ReadError:
    """The record's own fields override what the page says about itself."""
    extracted = extract_html(html, shown, url)
    if isinstance(extracted, ReadError):
        return dataclasses.replace(extracted, path=shown, line=number)
    return dataclasses.replace(
        extracted,
        id=record_id if record_id is not None else extracted.id,
        title=title or extracted.title,
        published=published or extracted.published,
        meta={**extracted.meta, **meta},
    )


def _optional_id(value: object) -> str | None:
    if value is None:
        return None
    # bool is an int subclass, but a true/false id is a mistake, not an id.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError(f"id must be a string or integer, not {_json_type(value)}")
    record_id = str(value)
    if not record_id.strip():
        raise RecordError("empty id")
    return record_id


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{key} must be a string, not {_json_type(value)}")
    return value.strip() or None


def _published(value: object) -> datetime | None:
    try:
        return parse_published(value)
    except (ValueError, OverflowError):
        raise RecordError(f"bad published date {value!r} (expected ISO 8601)") from None


def _extra_meta(obj: dict[str, Any]) -> dict[str, str]:
    """Unknown scalar fields ride along as strings; nested values are dropped."""
    meta: dict[str, str] = {}
    for key, value in obj.items():
        if key in KNOWN_FIELDS or isinstance(value, dict | list) or value is None:
            continue
        meta[key] = json.dumps(value) if isinstance(value, bool) else str(value)
    return meta


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    if type(value) in names:
        return names[type(value)]
    return "number" if isinstance(value, int | float) else type(value).__name__
