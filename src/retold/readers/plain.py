"""Plain-text and Markdown files: one article per file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from retold.documents import Document, ReadError, content_id, domain_of, parse_published
from retold.readers._text import decode_bytes, looks_binary, normalise_newlines, tidy

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
MAX_TITLE_CHARS = 200

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_BLOCKQUOTE = re.compile(r"^(\s{0,3}>\s?)+")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
# Escaped punctuation is parked in a private-use plane so emphasis rules cannot eat it.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|])")
_PARK_BASE = 0xF0000
_PARKED = re.compile("[\U000f0000-\U000f007f]")
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # image
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),  # reference image
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # link
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tag
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # emphasis, not snake_case
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a text or Markdown file says, before it becomes a Document."""

    text: str
    title: str | None = None
    url: str | None = None
    published: datetime | None = None


def read_plain(path: Path, shown: str) -> Iterator[Document | ReadError]:
    """Yield the one article in a .txt/.md file, or a ReadError saying why there is none."""
    try:
        data = path.read_bytes()
    except OSError as err:
        yield ReadError(shown, f"cannot read file: {err.strerror or err}")
        return
    yield parse_plain_bytes(data, shown, markdown=path.suffix.lower() in MARKDOWN_SUFFIXES)


def parse_plain_bytes(data: bytes, shown: str, *, markdown: bool) -> Document | ReadError:
    """Turn a whole file's bytes into a Document."""
    if looks_binary(data):
        return ReadError(shown, "binary file")
    raw = normalise_newlines(decode_bytes(data))
    if not raw.strip():
        return ReadError(shown, "empty file")
    try:
        parsed = parse_markdown(raw) if markdown else parse_text(raw)
    except ValueError as err:
        return ReadError(shown, str(err))
    if not parsed.text:
        return ReadError(shown, "no text left after removing Markdown markup")
    return Document(
        id=content_id(parsed.text),
        text=parsed.text,
        url=parsed.url,
        domain=domain_of(parsed.url),
        title=parsed.title,
        published=parsed.published,
        path=shown,
    )


def parse_text(raw: str) -> Parsed:
    """Plain text is kept as written; only the title is guessed."""
    text = tidy(raw)
    return Parsed(text=text, title=guess_title(text))


def parse_markdown(raw: str) -> Parsed:
    """Strip Markdown down to its prose; title from a leading heading or the first line.

    Raises ValueError for a front-matter date that is not a date, as JSONL does.
    """
    fields, body = split_front_matter(raw)
    heading = leading_heading(body)
    text = tidy(strip_markdown(body))
    title = fields.get("title") or heading or guess_title(text)
    url = fields.get("url") or fields.get("canonical_url") or fields.get("link")
    date = fields.get("published") or fields.get("date")
    try:
        published = parse_published(date)
    except (ValueError, OverflowError):
        raise ValueError(
            f"bad published date in front matter {date!r} (expected ISO 8601)"
        ) from None
    return Parsed(text=text, title=title or None, url=url or None, published=published)


def guess_title(text: str) -> str | None:
    """The first line, when it reads like a headline and more text follows it."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if not first or not rest.strip():
        return None
    if len(first) >= MAX_TITLE_CHARS or first.endswith("."):
        return None
    if not any(ch.isalnum() for ch in first):  # a rule or ornament, not a headline
        return None
    return first


def leading_heading(markdown: str) -> str | None:
    """The text of a leading level-1 ATX heading (``# Title``), markup removed."""
    for line in markdown.split("\n"):
        if not line.strip():
            continue
        match = _ATX_HEADING.match(line)
        if match is None or len(match.group(1)) != 1 or not match.group(2):
            return None
        return strip_inline(match.group(2)).strip() or None
    return None


def split_front_matter(markdown: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` YAML front matter, and the Markdown after it.

    Only flat scalar keys are read; anything richer is ignored rather than misparsed.
    """
    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return {}, markdown
    fields: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        kv = _FRONT_MATTER_LINE.match(line)
        if kv is not None:
            fields[kv.group(1).lower()] = kv.group(2).strip("\"'")
    return fields, markdown[match.end() :]


def strip_markdown(markdown: str) -> str:
    """Markdown to prose: markers, link targets, images, fences and comments removed.

    Paragraph breaks are kept; fenced code keeps its content verbatim.
    """
    lines = _HTML_COMMENT.sub("", markdown).split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            else:
                out.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        out.append(strip_block_line(line, previous=out[-1] if out else ""))
    return "\n".join(out)


def strip_block_line(line: str, previous: str) -> str:
    """One non-code line with block and inline markup removed."""
    if _REF_DEFINITION.match(line):
        return ""
    # A text line followed by === or --- is a setext heading; on its own --- is a rule.
    if _SETEXT_UNDERLINE.match(line) and previous.strip():
        return ""
    if _THEMATIC_BREAK.match(line):
        return ""
    heading = _ATX_HEADING.match(line)
    if heading is not None:
        return strip_inline(heading.group(2) or "")
    line = _BLOCKQUOTE.sub("", line)
    line = _BULLET.sub(r"\1", line)
    return strip_inline(line)


def strip_inline(text: str) -> str:
    """Inline Markdown to plain text; backslash escapes become the literal character."""
    text = _ESCAPE.sub(lambda m: chr(_PARK_BASE + ord(m.group(1))), text)
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return _PARKED.sub(lambda m: chr(ord(m.group(0)) - _PARK_BASE), text)
