"""Fuzz the JSON Lines reader (per-line decoding, JSON parsing, field validation, the
``html`` field through the HTML extractor).

    python fuzz/fuzz_jsonl.py -atheris_runs=10000 [CORPUS_DIR ...]

Every non-blank line must give exactly one Document or ReadError carrying that line's
number, whatever the other lines hold.
"""

from __future__ import annotations

import _common


def test_one_input(data: bytes) -> None:
    from retold.documents import ReadError

    out = _common.read_bytes_as(data, "feed.jsonl")
    lines = [n for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]
    got = [r.line if isinstance(r, ReadError) else int(r.meta["line"]) for r in out]
    assert got == lines, (got, lines)


if __name__ == "__main__":
    _common.main(test_one_input)
