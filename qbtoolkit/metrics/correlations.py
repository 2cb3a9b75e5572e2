"""Entanglement and correlations: concurrence, negativity, entropies, mutual information.

States are bipartitioned by subsystem indices. The subsystem dimensions come from a Qobj's
``dims``, from the ``dims`` argument, or default to qubits (``d = 2^n``). Entropies are in
bits by default (``base=2``); pass ``base=numpy.e`` for nats, as ``qutip.entropy_vn`` uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip

from .. import ops
from .._linalg import (
    batched,
    clip_roundoff,
    eigvalsh,
    entropy_from_eigs,
    infer_dims,
    partial_transpose,
    ptrace,
)
from .._validate import ATOL, as_states, check_spectrum, states_and_spectrum

__all__ = [
    "concurrence",
    "negativity",
    "log_negativity",
    "entanglement_entropy",
    "mutual_information",
]

# sigma_y (x) sigma_y (toolkit operators) is real and symmetric in the computational basis,
# for either sign convention of sigma_y.
_YY = np.kron(ops.sigma_y().full(), ops.sigma_y().full()).real


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def state_dims(rho: Any, d: int, dims: Sequence[int] | None = None) -> list[int]:
    """Subsystem dimensions of ``rho``: ``dims`` if given, else a Qobj's dims, else qubits."""
    if dims is None and isinstance(rho, qutip.Qobj):
        dims = rho.dims[0]
    elif dims is None and isinstance(rho, list | tuple) and rho and isinstance(rho[0], qutip.Qobj):
        dims = rho[0].dims[0]
    return infer_dims(d, dims)


def concurrence(rho: Any) -> float | np.ndarray:
    """Wootters concurrence of two qubits, ``max(0, l1 - l2 - l3 - l4)``.

    Wootters, PRL 80, 2245 (1998): ``l_i`` are the decreasing square roots of the
    eigenvalues of ``rho (sy x sy) rho^* (sy x sy)``. Computed without a non-Hermitian
    eigenproblem: for any factor ``rho = A A^dag`` the ``l_i`` are the singular values of the
    complex-symmetric ``A^T (sy x sy) A`` (they do not change under ``A -> A U``). ``A`` is the
    Cholesky factor where ``rho`` is positive definite (which also proves positivity), else
    ``V sqrt(w)`` from ``eigh``; the two agree to ~1e-15 on full-rank states.
    """
    states, single = as_states(rho, "rho", check_positivity=False)
    if states.shape[-1] != 4:
        raise ValueError(f"concurrence needs a two-qubit state (d = 4), got d = {states.shape[-1]}")
    w_min, s = batched(_wootters_chunk, states)
    check_spectrum(w_min, "rho")
    c = s[..., 0] - s[..., 1] - s[..., 2] - s[..., 3]
    return _out(np.maximum(c, 0.0), single)


def _wootters_chunk(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(smallest eigenvalue bound, Wootters l_i)`` for a stack of two-qubit states (one
    cache-sized chunk).

    A Cholesky factorisation of the whole chunk is tried first: it succeeds only if every
    state is positive definite (the bound is then 0). Otherwise (rank-deficient or
    non-positive states) the chunk is factorised with ``eigh`` and the bound is the exact
    smallest eigenvalue, for the positivity check.
    """
    try:
        A = np.linalg.cholesky(states)
        w_min = np.zeros(states.shape[:-2])
    except np.linalg.LinAlgError:
        w, V = np.linalg.eigh(states)
        A = V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]
        w_min = w[..., 0]
    M = np.swapaxes(A, -1, -2) @ _YY @ A
    return w_min, np.linalg.svd(M, compute_uv=False)


def _pt_eigs(rho: Any, subsys: int | Sequence[int], dims: Sequence[int] | None):
    states, single = as_states(rho, "rho")
    dd = state_dims(rho, states.shape[-1], dims)
    eigs = eigvalsh(partial_transpose(states, subsys, dd))
    return eigs, single


def negativity(
    rho: Any, subsys: int | Sequence[int] = 0, dims: Sequence[int] | None = None
) -> float | np.ndarray:
    """Negativity ``N = (||rho^{T_A}||_1 - 1) / 2`` = sum of |negative eigenvalues| of
    the partial transpose on ``subsys`` (Vidal & Werner, PRA 65, 032314 (2002)).

    Matches ``qutip.negativity(rho, subsys, method='tracenorm')``; for a Bell state N = 1/2.
    """
    eigs, single = _pt_eigs(rho, subsys, dims)
    return _out(np.clip(-eigs, 0.0, None).sum(axis=-1), single)


def log_negativity(
    rho: Any, subsys: int | Sequence[int] = 0, dims: Sequence[int] | None = None
) -> float | np.ndarray:
    """Logarithmic negativity ``log2 ||rho^{T_A}||_1`` (Vidal & Werner 2002), in ebits."""
    eigs, single = _pt_eigs(rho, subsys, dims)
    return _out(np.log2(np.abs(eigs).sum(axis=-1)), single)


def _subsystem_entropy(states: np.ndarray, keep: Sequence[int], dims: list[int], base: float):
    reduced = ptrace(states, keep, dims)
    return entropy_from_eigs(eigvalsh(reduced), base)


def _split(subsys: int | Sequence[int], n: int) -> tuple[list[int], list[int]]:
    a = [subsys] if isinstance(subsys, int | np.integer) else list(subsys)
    a = sorted({int(i) for i in a})
    if not a or a[0] < 0 or a[-1] >= n:
        raise ValueError(f"subsys must name subsystems in 0..{n - 1}, got {subsys!r}")
    b = [i for i in range(n) if i not in a]
    if not b:
        raise ValueError("subsys must leave at least one subsystem for the other party")
    return a, b


def entanglement_entropy(
    rho: Any,
    subsys: int | Sequence[int] = 0,
    dims: Sequence[int] | None = None,
    base: float = 2.0,
) -> float | np.ndarray:
    """Von Neumann entropy ``S(rho_A)`` of the reduced state on ``subsys``.

    For a pure global state this is the entanglement entropy (bits by default); equals
    ``qutip.entropy_vn(rho.ptrace(subsys), base)``.
    """
    states, single = as_states(rho, "rho")
    dd = state_dims(rho, states.shape[-1], dims)
    a, _ = _split(subsys, len(dd))
    return _out(_subsystem_entropy(states, a, dd, base), single)


def mutual_information(
    rho: Any,
    subsys: int | Sequence[int] = 0,
    dims: Sequence[int] | None = None,
    base: float = 2.0,
) -> float | np.ndarray:
    """Quantum mutual information ``I(A:B) = S(A) + S(B) - S(AB)`` with A = ``subsys`` and B
    the remaining subsystems (bits by default). Zero iff the state is a product."""
    states, single, r = states_and_spectrum(rho, "rho")
    dd = state_dims(rho, states.shape[-1], dims)
    a, b = _split(subsys, len(dd))
    val = (
        _subsystem_entropy(states, a, dd, base)
        + _subsystem_entropy(states, b, dd, base)
        - entropy_from_eigs(r, base)
    )
    return _out(clip_roundoff(val, np.log(states.shape[-1]), ATOL), single)
