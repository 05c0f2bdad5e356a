"""The Document record every reader yields and every stage consumes."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    ``id`` is stable: the caller's id when the input names one, otherwise a hash of the
    normalised text, so re-reading the same article yields the same id.
    ``published`` is timezone-aware UTC or None.
    """

    id: str
    text: str
    url: str | None = None
    domain: str | None = None
    title: str | None = None
    published: datetime | None = None
    path: str | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class ReadError:
    """A record that could not be read; readers yield these instead of raising."""

    path: str
    reason: str
    line: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        elif self.offset is not None:
            where += f"@{self.offset}"
        return f"{where}: {self.reason}"


def content_id(text: str) -> str:
    """A stable 16-hex-digit id from the text, blind to whitespace and Unicode form."""
    norm = " ".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without a leading ``www.``; None when there is no host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def parse_published(value: object) -> datetime | None:
    """Parse an ISO 8601 date or datetime into aware UTC; None for anything else.

    Naive times are taken as UTC. Raises ValueError for a string that is not a date so
    that readers can report the record instead of silently dropping the time.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        s = value.strip()
        if s.endswith("Z"):
            s = s[:-1] + "+00:00"
        dt = datetime.fromisoformat(s)
    else:
        raise ValueError(f"published must be an ISO 8601 string, not {type(value).__name__}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
