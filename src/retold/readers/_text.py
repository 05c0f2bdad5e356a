"""Byte sniffing and text clean-up shared by the readers."""

from __future__ import annotations

import codecs
import re

BINARY_SNIFF_BYTES = 8192

# Longest BOMs first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\f\v]+$", re.MULTILINE)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the BOM's length, if there is one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """NUL near the start means binary; for UTF-16/32 (by BOM) NUL characters, not bytes."""
    bom = bom_encoding(data)
    if bom is None:
        return b"\x00" in data[:BINARY_SNIFF_BYTES]
    encoding, skip = bom
    head = data[skip : skip + BINARY_SNIFF_BYTES].decode(encoding, errors="ignore")
    return "\x00" in head


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text, trusting a BOM, then ``declared``, then UTF-8, then line by line.

    Text that is not UTF-8 as a whole is decoded a line at a time: UTF-8 where the line is
    UTF-8, else cp1252, else latin-1. Files stitched together from several sources mix
    UTF-8 lines with cp1252 ones, and stray non-UTF-8 bytes in news text are nearly always
    Windows curly quotes and dashes; latin-1 decodes anything, so this never fails.
    """
    bom = bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        try:
            return data[skip:].decode(encoding)
        except UnicodeDecodeError:
            data = data[skip:]
    for encoding in _candidates(declared):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def _decode_line(line: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1")


def _candidates(declared: str | None) -> list[str]:
    known = known_encoding(declared) if declared else None
    return [known, "utf-8"] if known and known not in {"utf-8", "cp1252"} else ["utf-8"]


def known_encoding(label: str) -> str | None:
    """Python's codec name for a charset label, or None for an unknown one.

    Browsers read latin-1 and ASCII labels as cp1252, and so do real pages that say them.
    A UTF-16/32 label found by reading the bytes as ASCII cannot be true, so it means UTF-8.
    """
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if name == "utf-8-sig" or name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM that survived decoding is dropped."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def tidy(text: str) -> str:
    """Trim line ends and the whole text, and keep at most one blank line between blocks."""
    return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("", text)).strip()
