"""Threaded, cache-sized chunking of stacked numpy routines (the batched metrics' engine).

numpy's batched eigvalsh/eigh/svd loop over the stack in C and release the GIL, so large
stacks of small matrices split across a few threads run on all cores; chunks small enough to
stay in cache let every check and the eigensolver run on the data while it is there.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

_num_threads: int | None = None
_pool: tuple[int, int, ThreadPoolExecutor] | None = None  # (pid, threads, executor)
MIN_BATCH_PER_THREAD = 2048
#: Bytes of matrices per chunk: small enough to stay in cache while every check and the
#: eigensolver run on it.
CHUNK_BYTES = 2**20
#: Largest stack handed to a stacked routine in one call (bounds its temporaries).
MAX_CHUNK_BYTES = 2**26


def num_threads() -> int:
    """Threads used for large batched eigenproblems (env ``QBTOOLKIT_NUM_THREADS``,
    default: the number of CPU cores, at most 8)."""
    if _num_threads is not None:
        return _num_threads
    env = os.environ.get("QBTOOLKIT_NUM_THREADS")
    if env:
        return max(1, int(env))
    return max(1, min(8, os.cpu_count() or 1))


def set_num_threads(n: int | None) -> None:
    """Set the thread count for batched linear algebra (None: back to the default)."""
    global _num_threads
    if n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1):
        raise ValueError(f"n must be an integer >= 1 or None, got {n!r}")
    _num_threads = None if n is None else int(n)


def _executor(k: int) -> ThreadPoolExecutor:
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid or _pool[1] != k:
        _pool = (pid, k, ThreadPoolExecutor(max_workers=k, thread_name_prefix="qbtoolkit"))
    return _pool[2]


_controller: tuple[int, Any] | None = None  # (pid, threadpoolctl controller)


def single_blas_thread() -> Any:
    """Context manager limiting BLAS/LAPACK to one thread.

    Used around work that runs on this module's threads (each with single-threaded BLAS) or
    next to them: idle BLAS threads spin for a while after each call and would compete with
    those threads for the cores. The library scan is done once per process (~10 us per use
    instead of ~1 ms for ``threadpoolctl.threadpool_limits``).
    """
    global _controller
    from threadpoolctl import ThreadpoolController

    pid = os.getpid()
    if _controller is None or _controller[0] != pid:
        _controller = (pid, ThreadpoolController())
    return _controller[1].limit(limits=1)


def batched(fn: Callable[[np.ndarray], Any], a: np.ndarray) -> Any:
    """Apply a stacked routine ``fn`` to ``a`` (..., m, n) in cache-sized chunks over threads.

    ``fn`` maps a stack ``(k, m, n)`` to an array or a tuple of arrays with leading axis ``k``;
    the chunks' results are concatenated and given ``a``'s batch shape. Small stacks (or one
    thread) call ``fn(a)`` directly; stacks larger than ``MAX_CHUNK_BYTES`` are always cut
    into chunks of at most that size, so the temporaries of ``fn`` stay bounded.
    """
    batch = a.shape[:-2]
    n = int(np.prod(batch)) if batch else 1
    per = max(1, a.shape[-1] * a.shape[-2] * a.itemsize)
    k = min(num_threads(), n // MIN_BATCH_PER_THREAD)
    if k <= 1 and n * per <= MAX_CHUNK_BYTES:
        return fn(a)
    flat = a.reshape((n,) + a.shape[-2:])
    rows = max(1, min(max(256, CHUNK_BYTES // per), MAX_CHUNK_BYTES // per))
    chunks = (flat[i:i + rows] for i in range(0, n, rows))
    parts = list(_executor(k).map(fn, chunks)) if k > 1 else [fn(c) for c in chunks]
    if isinstance(parts[0], tuple):
        return tuple(
            np.concatenate([p[i] for p in parts]).reshape(batch + parts[0][i].shape[1:])
            for i in range(len(parts[0]))
        )
    return np.concatenate(parts).reshape(batch + parts[0].shape[1:])
