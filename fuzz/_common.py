"""Shared by the atheris harnesses: feed bytes to a reader through ``read_paths`` (the
entry point every scan uses) and check the reader contract on what comes out.

A contract violation raises ``AssertionError``, which atheris reports as a crash with the
input saved (``crash-<sha1>`` under ``-artifact_prefix``), like any exception that escapes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO / "src"))

# One scratch directory per process, in memory where the machine has /dev/shm.
_SHM = Path("/dev/shm")
SCRATCH = Path(tempfile.mkdtemp(prefix="retold-fuzz-",
                                dir=_SHM if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None))


def read_bytes_as(data: bytes, name: str) -> list:
    """Write ``data`` to a scratch file called ``name``, read it, check the contract."""
    from retold.documents import Document, ReadError
    from retold.readers import read_paths

    path = SCRATCH / name
    path.write_bytes(data)
    out = list(read_paths([path]))
    for rec in out:
        assert isinstance(rec, Document | ReadError), repr(rec)
        if isinstance(rec, ReadError):
            assert rec.path == str(path), rec
            assert rec.reason.strip(), rec
            assert "internal reader error" not in rec.reason, rec
        else:
            assert rec.id.strip() and rec.text.strip(), rec
            assert rec.published is None or rec.published.utcoffset() is not None, rec
    return out


def main(test_one_input, instrument: tuple[str, ...] = ("retold",)) -> None:
    """Instrument ``instrument`` packages, then hand ``sys.argv`` to libFuzzer (so
    ``-atheris_runs=N``, ``-max_total_time=S``, corpus directories... all work)."""
    import atheris

    with atheris.instrument_imports(include=list(instrument)):
        import retold.readers  # noqa: F401  (imported here to be instrumented)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
