"""Worker processes for the pipeline's parallel stages (fingerprints, verification, stories).

Pools fork, so workers share the loaded modules and encoder without pickling them; each
worker that reads the index opens its own read-only connection.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def default_workers() -> int:
    """Worker processes for the parallel stages: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worker_count(workers: int | None) -> int:
    """``workers`` as asked (at least 1), or every core for ``None``."""
    return default_workers() if workers is None else max(1, workers)


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies: a scan killed with SIGKILL
    must not leave pool workers waiting forever on a pipe nobody writes to."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def fork_pool(
    workers: int,
    initializer: Callable[..., None] = die_with_parent,
    initargs: tuple = (),
) -> ProcessPoolExecutor:
    """A process pool that shares the loaded modules (and, through ``initargs``, which
    fork passes without pickling, the loaded encoder) with its workers."""
    ctx = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=initializer,
                               initargs=initargs)
