"""Fuzz the WARC reader (warcio framing, gzip members, HTTP headers, HTML extraction).

    python fuzz/fuzz_warc.py -atheris_runs=10000 [CORPUS_DIR ...]

Inputs starting with the gzip magic are read as ``.warc.gz``, others as ``.warc``. Every
ReadError must carry the byte offset of the record it is about; any exception or contract
violation is a crash (see fuzz/_common.py).
"""

from __future__ import annotations

import _common


def test_one_input(data: bytes) -> None:
    from retold.documents import ReadError

    name = "crawl.warc.gz" if data[:2] == b"\x1f\x8b" else "crawl.warc"
    for rec in _common.read_bytes_as(data, name):
        if isinstance(rec, ReadError):
            assert rec.offset is not None and 0 <= rec.offset <= len(data), rec


if __name__ == "__main__":
    _common.main(test_one_input, instrument=("retold", "warcio"))
