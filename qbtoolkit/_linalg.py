"""Batched linear algebra on stacks of matrices ``(..., d, d)``.

Small helpers the metrics share: partial traces and transposes written with ``reshape`` and
``einsum`` so they act on a whole time series at once, and von Neumann entropies from
eigenvalues.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ._validate import check_int


def infer_dims(d: int, dims: Sequence[int] | None, name: str = "dims") -> list[int]:
    """Subsystem dimensions for a ``d``-dimensional space (default: qubits)."""
    if dims is None:
        n = int(round(np.log2(d))) if d > 0 else 0
        if 2**n != d or n < 1:
            raise ValueError(
                f"{name} must be given for a space of dimension {d} (not a qubit register)"
            )
        return [2] * n
    dims = [check_int(x, name, minimum=1) for x in dims]
    if int(np.prod(dims)) != d:
        raise ValueError(f"{name}={dims} multiply to {int(np.prod(dims))}, not the dimension {d}")
    return dims


def _as_index_list(keep: int | Sequence[int], n: int, name: str) -> list[int]:
    keep = [keep] if isinstance(keep, int | np.integer) else list(keep)
    out = sorted({check_int(k, name, minimum=0) for k in keep})
    if out and out[-1] >= n:
        raise ValueError(f"{name} contains subsystem {out[-1]} but there are only {n}")
    return out


def _tensor_view(
    states: np.ndarray, dims: Sequence[int], subsys: int | Sequence[int], name: str
) -> tuple[np.ndarray, tuple[int, ...], list[int], list[int]]:
    """Validate the subsystem indices ``subsys`` (argument ``name``) and view a batch
    ``(..., d, d)`` as a tensor ``(..., *dims, *dims)`` (row indices, then column indices).

    Returns ``(tensor, batch_shape, sorted_subsys, dims)``.
    """
    dims = list(dims)
    idx = _as_index_list(subsys, len(dims), name)
    batch = states.shape[:-2]
    return states.reshape(batch + tuple(dims) + tuple(dims)), batch, idx, dims


def ptrace(states: np.ndarray, keep: int | Sequence[int], dims: Sequence[int]) -> np.ndarray:
    """Partial trace of a batch ``(..., d, d)`` keeping subsystems ``keep`` (sorted order).

    Equivalent to ``Qobj.ptrace(keep)`` applied to every matrix of the batch.
    """
    t, batch, keep_idx, dims = _tensor_view(states, dims, keep, "keep")
    n, nb = len(dims), len(batch)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if 2 * n > len(letters):
        raise ValueError("ptrace supports at most 26 subsystems")
    row = list(letters[:n])
    col = [letters[n + i] if i in keep_idx else row[i] for i in range(n)]
    out = [row[i] for i in keep_idx] + [col[i] for i in keep_idx]
    expr = "..." + "".join(row) + "".join(col) + "->..." + "".join(out)
    dk = int(np.prod([dims[i] for i in keep_idx])) if keep_idx else 1
    res = np.einsum(expr, t, optimize=nb > 0 and n > 3)
    return res.reshape(batch + (dk, dk))


def partial_transpose(
    states: np.ndarray, subsys: int | Sequence[int], dims: Sequence[int]
) -> np.ndarray:
    """Partial transpose of a batch ``(..., d, d)`` on subsystems ``subsys``."""
    t, batch, sub, dims = _tensor_view(states, dims, subsys, "subsys")
    n, nb = len(dims), len(batch)
    axes = list(range(nb + 2 * n))
    for i in sub:
        axes[nb + i], axes[nb + n + i] = axes[nb + n + i], axes[nb + i]
    d = states.shape[-1]
    return np.transpose(t, axes).reshape(batch + (d, d))


def entropy_from_eigs(eigs: np.ndarray, base: float = np.e) -> np.ndarray:
    """``-sum p log p`` over the last axis (zeros and tiny negative round-off ignored)."""
    p = np.clip(eigs, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=-1) / np.log(base)


#: Relative size of the round-off a non-negative quantity may show below zero.
ROUNDOFF = 1e-12


def clip_roundoff(
    x: np.ndarray, scale: float | np.ndarray = 1.0, rel: float = ROUNDOFF
) -> np.ndarray:
    """Set round-off negatives of a quantity that is >= 0 in exact arithmetic to zero.

    Only values in ``[-rel * max(1, scale), 0)`` are clipped; anything more negative is
    returned unchanged, so a real error is never hidden behind a zero. ``rel`` is
    ``ROUNDOFF`` for quantities that are non-negative for every Hermitian unit-trace matrix
    (ergotropy, capacity), and the state tolerance for those that also need positivity
    (variances, entropies), since validated states may have eigenvalues down to ``-ATOL``.
    """
    x = np.asarray(x, dtype=float)
    tol = rel * np.maximum(1.0, scale)
    return np.where((x < 0) & (x >= -tol), 0.0, x)


def dag(a: np.ndarray) -> np.ndarray:
    """Conjugate transpose of the last two axes."""
    return np.swapaxes(a.conj(), -1, -2)


# ---------------------------------------------------------------- threaded batched LAPACK
# numpy's batched eigvalsh/eigh/svd loop over the stack in C and release the GIL, so large
# stacks of small matrices split across a few threads run on all cores.
_num_threads: int | None = None
_pool: tuple[int, int, ThreadPoolExecutor] | None = None  # (pid, threads, executor)
MIN_BATCH_PER_THREAD = 2048
#: Bytes of matrices per chunk: small enough to stay in cache while every check and the
#: eigensolver run on it.
CHUNK_BYTES = 2**20


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
    _num_threads = None if n is None else check_int(n, "n", minimum=1)


def _executor(k: int) -> ThreadPoolExecutor:
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid or _pool[1] != k:
        _pool = (pid, k, ThreadPoolExecutor(max_workers=k, thread_name_prefix="qbtoolkit"))
    return _pool[2]


def batched(fn: Callable[[np.ndarray], Any], a: np.ndarray) -> Any:
    """Apply a stacked routine ``fn`` to ``a`` (..., m, n) in cache-sized chunks over threads.

    ``fn`` maps a stack ``(k, m, n)`` to an array or a tuple of arrays with leading axis ``k``;
    the chunks' results are concatenated and given ``a``'s batch shape. Small stacks (or one
    thread) call ``fn(a)`` directly.
    """
    batch = a.shape[:-2]
    n = int(np.prod(batch)) if batch else 1
    k = min(num_threads(), n // MIN_BATCH_PER_THREAD)
    if k <= 1:
        return fn(a)
    flat = a.reshape((n,) + a.shape[-2:])
    rows = max(256, CHUNK_BYTES // max(1, flat[0].nbytes))
    parts = list(_executor(k).map(fn, (flat[i:i + rows] for i in range(0, n, rows))))
    if isinstance(parts[0], tuple):
        return tuple(
            np.concatenate([p[i] for p in parts]).reshape(batch + parts[0][i].shape[1:])
            for i in range(len(parts[0]))
        )
    return np.concatenate(parts).reshape(batch + parts[0].shape[1:])


def eigvalsh(a: np.ndarray) -> np.ndarray:
    """``numpy.linalg.eigvalsh`` on a stack, threaded for large stacks."""
    return batched(np.linalg.eigvalsh, a)
