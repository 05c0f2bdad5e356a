"""Turn files and directories into Documents, reporting what cannot be read.

``read_paths`` never raises for bad input: every unreadable file or record comes out as a
``ReadError`` in its place, and everything else still comes through.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from retold.documents import Document, ReadError
from retold.readers.html import decode_html, extract_html, read_html
from retold.readers.jsonl import read_jsonl
from retold.readers.plain import read_plain
from retold.readers.warc import read_warc

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Reader",
    "decode_html",
    "extract_html",
    "read_file",
    "read_paths",
    "reader_for",
]

Reader = Callable[[Path, str], Iterator[Document | ReadError]]

READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".html": read_html,
    ".htm": read_html,
}

# WARC crawls are matched on the whole name: READERS is keyed by the last suffix, and
# ".gz" alone says nothing about what is inside.
WARC_SUFFIXES: tuple[str, ...] = (".warc.gz", ".warc")

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(READERS) | frozenset(WARC_SUFFIXES)


def read_paths(paths: Iterable[str | Path]) -> Iterator[Document | ReadError]:
    """Documents from files and directories (walked recursively, in sorted order).

    Hidden files and directories inside a directory are skipped, and so are files whose
    extension no reader handles; a file named explicitly with such an extension is a
    ReadError instead.
    """
    for given in paths:
        path = Path(given)
        shown = str(given)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except (OSError, ValueError) as err:
            yield ReadError(shown, f"cannot access: {err}")
            continue
        if is_dir:
            yield from _read_directory(path)
        elif exists and not path.is_file():  # a FIFO or device would block or never end
            yield ReadError(shown, "not a regular file")
        elif exists:
            yield from read_file(path, shown)
        elif path.is_symlink():
            yield ReadError(shown, "broken symbolic link (target missing or a link loop)")
        else:
            yield ReadError(shown, "no such file or directory")


def read_file(path: Path, shown: str | None = None) -> Iterator[Document | ReadError]:
    """The records of one file, whatever its extension; unknown ones are a ReadError."""
    shown = shown if shown is not None else str(path)
    reader = reader_for(path)
    if reader is None:
        yield ReadError(shown, f"unsupported file type {_suffix_label(path)!r}")
        return
    yield from _guarded(reader, path, shown)


def reader_for(path: Path) -> Reader | None:
    """The reader for ``path``'s extension (case-insensitive), or None."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return read_warc
    return READERS.get(Path(name).suffix)


def _read_directory(root: Path) -> Iterator[Document | ReadError]:
    for path in walk_files(root):
        if isinstance(path, ReadError):
            yield path
        elif reader_for(path) is not None:
            yield from read_file(path)


def walk_files(root: Path, _inside: Path | None = None) -> Iterator[Path | ReadError]:
    """Non-hidden files under ``root``, depth first, each directory in name order.

    Nothing outside ``root`` is read through a link: symlinked directories are not
    followed (so a link cycle cannot loop forever), and a symlinked file is read only when
    it resolves inside ``root``. A link to a file outside, a broken link and a link loop are
    ReadErrors when their name is one a reader handles, never silently dropped.
    """
    inside = _inside if _inside is not None else root.resolve()
    try:
        with os.scandir(root) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as err:
        yield ReadError(str(root), f"cannot list directory: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = root / entry.name
        is_link = False
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
            links_to_dir = is_link and entry.is_dir()
            is_file = entry.is_file()
        except OSError as err:
            if not is_link or reader_for(path) is not None:
                yield ReadError(str(path), f"cannot stat: {err.strerror or err}")
            continue
        if is_dir:
            yield from walk_files(path, inside)
        elif links_to_dir:
            continue
        elif is_link and reader_for(path) is not None:
            problem = _link_problem(path, inside)
            yield path if problem is None else ReadError(str(path), problem)
        elif is_file:
            yield path


def _link_problem(path: Path, inside: Path) -> str | None:
    """Why the symlinked file ``path`` is not read, or None when it may be."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as err:  # broken, or a loop (RuntimeError before 3.13)
        return f"broken symbolic link ({getattr(err, 'strerror', None) or err})"
    if not target.is_file():
        return "symbolic link to something that is not a regular file"
    if not target.is_relative_to(inside):
        return "symbolic link to a file outside the scanned folder; not read"
    return None


def _guarded(reader: Reader, path: Path, shown: str) -> Iterator[Document | ReadError]:
    """Last line of defence: a reader bug costs the rest of one file, never the run."""
    try:
        yield from reader(path, shown)
    except Exception as err:
        yield ReadError(shown, f"internal reader error: {type(err).__name__}: {err}")


def _suffix_label(path: Path) -> str:
    return "".join(path.suffixes[-2:]) or path.name
