"""Each atheris harness in fuzz/ runs a bounded number of inputs from the seed corpus
without a crash (longer runs: ``fuzz/run.sh``, counts in bench/RESULTS.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FUZZ = REPO / "fuzz"
RUNS = 300

pytestmark = pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                                reason="atheris is not installed (pip install atheris==3.0.0)")

# warc found a bug on its first runs: warcio's AttributeError on a response record without
# WARC-Target-URI escaped readers/warc.py and lost the rest of the crawl (fixed).
TARGETS = ["html", "jsonl", "warc"]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fuzz_seeds")
    subprocess.run([sys.executable, str(FUZZ / "seeds.py"), str(out)], check=True, timeout=60)
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_harness_runs_bounded_without_crash(target: str, seeds: Path, tmp_path: Path) -> None:
    if target == "warc" and not (REPO / "src" / "retold" / "readers" / "warc.py").exists():
        pytest.skip("no WARC reader yet")
    corpus = seeds / target
    if not corpus.is_dir():
        pytest.skip(f"no seed corpus for {target}")
    res = subprocess.run(
        [sys.executable, str(FUZZ / f"fuzz_{target}.py"), f"-atheris_runs={RUNS}",
         "-seed=1", "-max_len=16384", "-timeout=30", f"-artifact_prefix={tmp_path}/",
         str(corpus)],
        capture_output=True, text=True, errors="replace", timeout=120, cwd=REPO,
    )
    tail = res.stderr[-3000:]
    assert res.returncode == 0, tail
    assert f"Done {RUNS} " in res.stderr, tail
    assert not list(tmp_path.glob("crash-*")), tail
