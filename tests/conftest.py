from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
if str(REPO) not in sys.path:  # bench/ is not an installed package; its tests import it
    sys.path.insert(0, str(REPO))


def shared_path() -> Path | None:
    env = os.environ.get("RETOLD_SHARED")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared"]:
        if cand.is_dir():
            return cand
    return None


@pytest.fixture(scope="session")
def static_encoder():
    from retold.embeddings import StaticEncoder

    return StaticEncoder()


@pytest.fixture(scope="session")
def shared() -> Path:
    root = shared_path()
    if root is None:
        pytest.skip("../shared is absent (set RETOLD_SHARED to run dataset tests)")
    return root


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((EXAMPLES / "GOLD.json").read_text(encoding="utf-8"))


def gold_key(path: str | None, doc_id: str) -> str:
    """The GOLD.json key of a document read from examples/ (``wire.jsonl#<id>`` for JSONL)."""
    rel = os.path.relpath(path or "", EXAMPLES)
    return f"{rel}#{doc_id}" if rel.endswith(".jsonl") else rel
