"""Batched linear algebra on stacks of matrices ``(..., d, d)``.

Small helpers the metrics share: partial traces and transposes written with ``reshape`` and
``einsum`` so they act on a whole time series at once, von Neumann entropies from
eigenvalues, and the grouping of a spectrum into (numerically) degenerate levels. The partial
trace :func:`ptrace` is also the public ``qbtoolkit.ptrace``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip

from ._threads import CHUNK_BYTES as CHUNK_BYTES
from ._threads import MAX_CHUNK_BYTES as MAX_CHUNK_BYTES
from ._threads import MIN_BATCH_PER_THREAD as MIN_BATCH_PER_THREAD
from ._threads import _executor as _executor
from ._threads import batched as batched
from ._threads import num_threads as num_threads
from ._threads import set_num_threads as set_num_threads
from ._threads import single_blas_thread as single_blas_thread
from ._validate import check_dims, check_subsystems, qobj_dims


def infer_dims(d: int, dims: Sequence[int] | None, name: str = "dims") -> list[int]:
    """Subsystem dimensions for a ``d``-dimensional space (default: qubits)."""
    if dims is None:
        n = int(round(np.log2(d))) if d > 0 else 0
        if 2**n != d or n < 1:
            raise ValueError(
                f"{name} must be given for a space of dimension {d} (not a qubit register)"
            )
        return [2] * n
    return check_dims(dims, d, name)


def _tensor_view(
    states: np.ndarray, dims: Sequence[int], subsys: int | Sequence[int], name: str
) -> tuple[np.ndarray, tuple[int, ...], list[int], list[int]]:
    """Validate the subsystem indices ``subsys`` (argument ``name``) and view a batch
    ``(..., d, d)`` as a tensor ``(..., *dims, *dims)`` (row indices, then column indices).

    Returns ``(tensor, batch_shape, sorted_subsys, dims)``.
    """
    dims = list(dims)
    idx = check_subsystems(subsys, len(dims), name)
    batch = states.shape[:-2]
    return states.reshape(batch + tuple(dims) + tuple(dims)), batch, idx, dims


def _merge_runs(dims: Sequence[int], keep: Sequence[int]) -> tuple[list[int], list[int]]:
    """Merge neighbouring subsystems that are both kept or both traced out:
    ``([2]*8, [0, 1]) -> ([4, 64], [0])``. The partial trace is unchanged and acts on
    fewer, larger tensor axes."""
    keep_set = set(keep)
    mdims: list[int] = []
    mkeep: list[int] = []
    prev = None
    for i, di in enumerate(dims):
        kept = i in keep_set
        if kept == prev:
            mdims[-1] *= di
        else:
            mdims.append(di)
            if kept:
                mkeep.append(len(mdims) - 1)
        prev = kept
    return mdims, mkeep


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ptrace_operators(arr: np.ndarray, keep: list[int], dims: list[int]) -> np.ndarray:
    """``Tr_rest`` of a stack ``(..., d, d)``: one ``einsum`` on the tensor view (no copy;
    only the ``d_keep^2 d_rest`` entries on the traced diagonal are read)."""
    mdims, mkeep = _merge_runs(dims, keep)
    n = len(mdims)
    if 2 * n > len(_LETTERS):  # needs > 26 alternating runs, i.e. d >= 2**27
        raise ValueError("ptrace supports at most 26 alternating kept/traced groups")
    row = list(_LETTERS[:n])
    col = [_LETTERS[n + i] if i in mkeep else row[i] for i in range(n)]
    out = [row[i] for i in mkeep] + [col[i] for i in mkeep]
    expr = "..." + "".join(row) + "".join(col) + "->..." + "".join(out)
    batch = arr.shape[:-2]
    dk = int(np.prod([mdims[i] for i in mkeep]))
    t = arr.reshape(batch + tuple(mdims) * 2)
    dtype = np.result_type(arr.dtype, np.float64)  # sums in double whatever the input
    res = np.einsum(expr, t) if dtype == arr.dtype else np.einsum(expr, t, dtype=dtype)
    return res.reshape(batch + (dk, dk))


def _ptrace_kets(psi: np.ndarray, keep: list[int], dims: list[int]) -> np.ndarray:
    """``Tr_rest |psi><psi|`` of kets ``(..., d)`` as ``A A^dag`` with ``A`` the
    ``(d_keep, d_rest)`` reshaping of each ket (one batched matrix product)."""
    mdims, mkeep = _merge_runs(dims, keep)
    batch = psi.shape[:-1]
    nb = len(batch)
    rest = [i for i in range(len(mdims)) if i not in mkeep]
    t = psi.reshape(batch + tuple(mdims))
    t = np.transpose(t, list(range(nb)) + [nb + i for i in mkeep + rest])
    dk = int(np.prod([mdims[i] for i in mkeep]))
    A = t.reshape(batch + (dk, -1))
    return A @ np.swapaxes(A.conj(), -1, -2)


def _ptrace_input(states: Any) -> tuple[np.ndarray, bool]:
    """``(array, is_ket)``: kets as ``(..., d)``, operators as ``(..., d, d)``."""
    name = "states"
    if isinstance(states, qutip.Qobj):
        if states.isket:
            return states.full().ravel(), True
        if not states.isoper:
            raise ValueError(f"{name} must be a ket or an operator, got a {states.type}")
        return states.full(), False
    if isinstance(states, list | tuple) and states and all(
        isinstance(s, qutip.Qobj) for s in states
    ):
        if all(s.isket for s in states):
            arrs = [s.full().ravel() for s in states]
            kets = True
        else:
            arrs = []
            for k, s in enumerate(states):
                a, ket = _ptrace_input(s)
                if not ket and a.ndim != 2:
                    raise ValueError(f"{name}[{k}] must be a ket or an operator")
                arrs.append(np.outer(a, a.conj()) if ket else a)
            kets = False
        if len({a.shape for a in arrs}) != 1:
            raise ValueError(f"{name}: all states in the sequence must have the same shape")
        return np.stack(arrs), kets
    arr = np.asarray(states)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be a Qobj, a list of Qobj or a numeric array")
    if arr.ndim == 1:
        return arr, True
    if arr.ndim >= 2 and arr.shape[-1] == 1 and arr.shape[-2] != 1:
        return arr[..., 0], True
    if arr.ndim >= 2 and arr.shape[-1] == arr.shape[-2]:
        return arr, False
    raise ValueError(
        f"{name} must be kets (d,) or (..., d, 1), or operators (..., d, d); got shape "
        f"{arr.shape}"
    )


def all_finite(a: np.ndarray) -> bool:
    """True if no entry of ``a`` is NaN or inf.

    One pass of sums over the data, in a few chunks over threads (a NaN or inf makes its
    chunk's sum NaN or inf); the exact entrywise test runs only when a sum is not finite
    (non-finite entries, or an overflow of huge finite ones).
    """
    if not np.issubdtype(a.dtype, np.inexact) or a.size == 0:
        return True
    flat = a.reshape(-1)
    k = num_threads()
    if k > 1 and flat.nbytes > 16 * CHUNK_BYTES:
        chunks = np.array_split(flat, 8 * k)
        ok = all(_executor(k).map(lambda c: bool(np.isfinite(np.sum(c))), chunks))
    else:
        ok = bool(np.isfinite(np.sum(flat)))
    return ok or bool(np.all(np.isfinite(a)))


def ptrace(states: Any, keep: int | Sequence[int], dims: Sequence[int] | None = None) -> Any:
    """Partial trace keeping subsystems ``keep``, batched over any number of states.

    Equal to ``Qobj.ptrace(keep)`` applied to every state (``keep`` in sorted order, as
    QuTiP does), computed for a whole batch in one ``einsum`` (operators) or one batched
    matrix product (kets), with no loop over states.

    Parameters
    ----------
    states : Qobj, list of Qobj, or ndarray
        A ket (Qobj ket, 1-D array ``(d,)``), kets ``(..., d, 1)``, or operators (density
        matrices) ``(d, d)`` / ``(..., d, d)``; any precision (summed in double). Any
        operator is accepted (the partial trace is linear; no positivity check).
    keep : int or sequence of int
        Subsystems to keep: distinct indices in ``0..n-1``, at least one.
    dims : sequence of int, optional
        Subsystem dimensions (product ``d``). Default: a Qobj's ``dims``, else qubits
        (``d = 2**n``).

    Returns
    -------
    Qobj or ndarray
        For one Qobj: a density-matrix Qobj with dims ``[[dims[k] for k in keep]] * 2``;
        otherwise an ndarray ``(..., d_keep, d_keep)`` (a ket gives ``|psi><psi|`` reduced).

    Raises
    ------
    ValueError
        ``"states contains NaN or inf"``; ``dims`` not integers >= 1 multiplying to ``d``,
        or disagreeing with the Qobj's dims; ``keep`` empty, not integers, repeated or out
        of range; a bra, superoperator or non-square array.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()
    >>> qb.ptrace(bell, 0).full().real.round(12)       # maximally mixed, dims [[2], [2]]
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> batch = np.stack([qutip.ket2dm(bell).full()] * 100)  # e.g. a time series
    >>> qb.ptrace(batch, [1]).shape                    # one einsum, no loop over states
    (100, 2, 2)
    >>> bool(np.allclose(qb.ptrace(batch, 1)[0], qutip.ket2dm(bell).ptrace(1).full()))
    True
    """
    qdims = qobj_dims(states, "states")
    arr, kets = _ptrace_input(states)
    d = arr.shape[-1]
    if d == 0:
        raise ValueError("states must have dimension >= 1")
    if dims is None:
        dims = qdims if qdims is not None else infer_dims(d, None)
    else:
        dims = check_dims(dims, d, "dims")
        if qdims is not None and dims != qdims:
            raise ValueError(f"dims={dims} disagree with the Qobj's dims {qdims}")
    keep_idx = check_subsystems(keep, len(dims), "keep")
    if not all_finite(arr):
        raise ValueError("states contains NaN or inf")
    if kets:
        psi = arr.astype(np.result_type(arr.dtype, np.float64), copy=False)
        res = _ptrace_kets(psi, keep_idx, dims)
    else:
        res = _ptrace_operators(arr, keep_idx, dims)
    if isinstance(states, qutip.Qobj):
        kd = [dims[i] for i in keep_idx]
        return qutip.Qobj(res, dims=[kd, kd])
    return res


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

    Only values in ``[-rel * scale, 0)`` are clipped; anything more negative is returned
    unchanged, so a real error is never hidden behind a zero. ``scale`` is the natural
    scale of the quantity (for energies the spread of H's spectrum, never a fixed number,
    so the clipping means the same in every unit); ``rel`` is ``ROUNDOFF`` for quantities
    that are non-negative for every Hermitian unit-trace matrix (ergotropy, capacity), and
    the state tolerance for those that also need positivity (variances, entropies), since
    validated states may have eigenvalues down to ``-ATOL``.
    """
    x = np.asarray(x, dtype=float)
    tol = rel * np.asarray(scale, dtype=float)
    return np.where((x < 0) & (x >= -tol), 0.0, x)


#: Levels of H closer than this fraction of the spectrum's spread form one eigenspace.
DEGENERACY_RTOL = 1e-9


def eigenspace_labels(eps: np.ndarray, tol: float | np.ndarray) -> np.ndarray:
    """Integer label of the eigenspace of each ascending eigenvalue ``eps[..., k]``.

    A new eigenspace starts wherever the gap to the previous level exceeds ``tol`` (per
    spectrum, broadcast against ``eps[..., 0]``), so the grouping is transitive and the
    dephasing onto the labelled eigenspaces is a projective channel.
    """
    gaps = np.diff(eps, axis=-1) > np.asarray(tol)[..., None]
    zero = np.zeros(eps.shape[:-1] + (1,), dtype=int)
    return np.concatenate([zero, np.cumsum(gaps, axis=-1)], axis=-1)


def dag(a: np.ndarray) -> np.ndarray:
    """Conjugate transpose of the last two axes."""
    return np.swapaxes(a.conj(), -1, -2)


def eigvalsh(a: np.ndarray, name: str = "rho") -> np.ndarray:
    """``numpy.linalg.eigvalsh`` on a stack, threaded for large stacks; a LAPACK failure is
    a ValueError naming the argument ``name``."""
    try:
        return batched(np.linalg.eigvalsh, a)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{name}: the eigenvalue solver failed ({exc})") from None


def eigh(a: np.ndarray, name: str = "H") -> tuple[np.ndarray, np.ndarray]:
    """``numpy.linalg.eigh``; a LAPACK failure is a ValueError naming ``name``."""
    try:
        return np.linalg.eigh(a)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{name}: the eigenvalue solver failed ({exc})") from None


def embed_array(local: np.ndarray, subsystems: Sequence[int], dims: Sequence[int]) -> np.ndarray:
    """``local (x) 1`` on the whole space, with ``local`` acting on ``subsystems``.

    Parameters
    ----------
    local : ndarray, shape (d_S, d_S) or (d_S,)
        A matrix, or a vector (a diagonal), in the tensor order of ``subsystems``.
    subsystems : sequence of int
        The subsystems ``local`` acts on.
    dims : sequence of int
        Dimensions of all subsystems.

    Returns
    -------
    ndarray, shape (d, d) or (d,)
        The embedded operator (or diagonal).
    """
    dims = list(dims)
    subs = list(subsystems)
    rest = [i for i in range(len(dims)) if i not in subs]
    d_rest = math.prod(dims[i] for i in rest)
    order = subs + rest
    perm = [order.index(i) for i in range(len(dims))]  # new axis i <- old axis perm[i]
    sizes = [dims[i] for i in order]
    if local.ndim == 1:
        full = np.kron(local, np.ones(d_rest, dtype=local.dtype))
        return full.reshape(sizes).transpose(perm).reshape(-1)
    full = np.kron(local, np.eye(d_rest, dtype=local.dtype))
    n = len(dims)
    t = full.reshape(sizes + sizes).transpose(perm + [n + p for p in perm])
    d = math.prod(dims)
    return t.reshape(d, d)
