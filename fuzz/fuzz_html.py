"""Fuzz the HTML reader (charset sniffing, decoding, lxml, trafilatura extraction).

    python fuzz/fuzz_html.py -atheris_runs=10000 [CORPUS_DIR ...]

Every input must come out as exactly one Document or one ReadError with a reason; any
exception or contract violation is a crash (see fuzz/_common.py).
"""

from __future__ import annotations

import _common


def test_one_input(data: bytes) -> None:
    out = _common.read_bytes_as(data, "page.html")
    assert len(out) == 1, out


if __name__ == "__main__":
    _common.main(test_one_input, instrument=("retold", "trafilatura", "htmldate", "justext"))
