"""Pairwise quantities averaged over the edges of a graph of qubits (Santos 2021, Eq. 14).

All functions are batched: ``states`` has shape ``(..., 2**N, 2**N)`` and the result has
shape ``(...)``. Two-cell reduced states are gathered directly from the full matrices
(``O(d)`` elements per pair instead of a full partial trace), which is what makes these
metrics cheap enough to evaluate during the integration of large networks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validate import _is_index, as_states, check_int, qobj_dims
from .coherence import _l1
from .correlations import concurrence

__all__ = [
    "pair_reduced_states",
    "pairwise_concurrence",
    "mean_pairwise_concurrence",
    "normalised_l1_coherence",
]


def _n_sites(d: int, n_sites: int | None) -> int:
    n = int(round(np.log2(d))) if d > 0 else -1
    if n < 0 or 2**n != d:
        raise ValueError(f"states must be N-qubit density matrices (d = 2**N), got d = {d}")
    if n_sites is not None and check_int(n_sites, "n_sites", minimum=1) != n:
        raise ValueError(f"n_sites={n_sites} does not match the state dimension {d} = 2**{n}")
    return n


def _pair_indices(N: int, n: int, m: int) -> np.ndarray:
    """Flat basis indices ``idx[x, r]``: bits ``(b_n, b_m) = divmod(x, 2)``, rest ``r``.

    Site 0 is the most significant bit (QuTiP tensor order).
    """
    others = [s for s in range(N) if s not in (n, m)]
    r = np.arange(2 ** (N - 2))
    base = np.zeros_like(r)
    for k, s in enumerate(others):  # bit k of r (most significant first) -> site s
        bit = (r >> (len(others) - 1 - k)) & 1
        base = base | (bit << (N - 1 - s))
    x = np.arange(4)
    bn, bm = x // 2, x % 2
    return base[None, :] | (bn[:, None] << (N - 1 - n)) | (bm[:, None] << (N - 1 - m))


def _as_array(states: Any) -> np.ndarray:
    """Validated N-qubit states ``(..., 2**N, 2**N)``: finite, Hermitian, unit trace, and a
    Qobj's dims all 2 (positivity is checked on the two-cell reduced states, not on the full
    matrices)."""
    dims = qobj_dims(states, "states")
    if dims is not None and any(x != 2 for x in dims):
        raise ValueError(f"states must be N-qubit states (Qobj dims [2, 2, ...]), got dims {dims}")
    return as_states(states, "states", check_positivity=False)[0]


def _check_pair(pair: Any, N: int, name: str) -> tuple[int, int]:
    try:
        n, m = pair
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be pairs of cells (n, m), got {pair!r}") from None
    if not (_is_index(n) and _is_index(m)) or n == m or not (0 <= n < N and 0 <= m < N):
        raise ValueError(
            f"{name} must join two distinct cells (integers) in 0..{N - 1}, got {pair!r}"
        )
    return int(n), int(m)


def pair_reduced_states(
    states: Any, pairs: Sequence[tuple[int, int]], n_sites: int | None = None
) -> np.ndarray:
    """Two-qubit reduced states ``rho_nm`` of every pair, shape ``(..., P, 4, 4)``.

    Equal to ``ptrace(states, [n, m], [2] * N)`` for ``n < m`` (basis ``|b_n b_m>``),
    gathered from the ``O(d)`` entries each pair needs instead of a full partial trace.

    Parameters
    ----------
    states : Qobj, array_like or batch, shape (2**N, 2**N) or (..., 2**N, 2**N)
        N-qubit density matrices (site 0 = first tensor factor); a Qobj's dims must all be 2.
    pairs : sequence of (int, int)
        ``P >= 1`` pairs of distinct cells; the reduced state is in the order ``(min, max)``.
    n_sites : int, optional
        Number of qubits N, checked against the dimension.

    Returns
    -------
    ndarray, complex, shape (..., P, 4, 4)
        The reduced density matrix of each pair, in the order of ``pairs``.

    Raises
    ------
    ValueError
        Invalid states (NaN/inf, not Hermitian or of unit trace, not ``2**N``-dimensional,
        Qobj dims not all 2), ``n_sites`` disagreeing with the dimension, or pairs (empty, or
        not two distinct integer cells in ``0..N-1``).
    """
    return _pair_reduced(_as_array(states), pairs, n_sites)


def _pair_reduced(arr: np.ndarray, pairs: Any, n_sites: int | None) -> np.ndarray:
    N = _n_sites(arr.shape[-1], n_sites)
    if isinstance(pairs, str | bytes) or len(pairs) == 0:
        raise ValueError("pairs must contain at least one pair of cells")
    out = np.empty(arr.shape[:-2] + (len(pairs), 4, 4), dtype=complex)
    for p, pair in enumerate(pairs):
        n, m = _check_pair(pair, N, "pairs")
        idx = _pair_indices(N, min(n, m), max(n, m))
        out[..., p, :, :] = arr[..., idx[:, None, :], idx[None, :, :]].sum(axis=-1)
    return out


def pairwise_concurrence(
    states: Any, pairs: Sequence[tuple[int, int]], n_sites: int | None = None
) -> np.ndarray:
    """Wootters concurrence ``C_nm`` of each pair's reduced state, shape ``(..., P)``.

    Parameters
    ----------
    states : Qobj, array_like or batch, shape (2**N, 2**N) or (..., 2**N, 2**N)
        N-qubit density matrices (site 0 = first tensor factor); a Qobj's dims must all be 2.
    pairs : sequence of (int, int)
        ``P >= 1`` pairs of distinct cells.
    n_sites : int, optional
        Number of qubits N, checked against the dimension.

    Returns
    -------
    ndarray, shape (..., P)
        Concurrence in ``[0, 1]`` of each pair (dimensionless), in the order of ``pairs``.

    Raises
    ------
    ValueError
        Invalid states or pairs (see :func:`pair_reduced_states`), or a reduced state that is
        not positive semidefinite.
    """
    return np.asarray(concurrence(_pair_reduced(_as_array(states), pairs, n_sites)))


def mean_pairwise_concurrence(
    states: Any, edges: Sequence[tuple[int, int]], n_sites: int | None = None
) -> float | np.ndarray:
    """Mean pairwise concurrence over the graph's edges (Santos 2021, Eq. 14).

    ``C(t) = (1 / N_edges) sum_{(n,m) in edges} C(rho_nm(t))``, with ``rho_nm`` the two-cell
    reduced state.

    Parameters
    ----------
    states : Qobj, array_like or batch, shape (2**N, 2**N) or (..., 2**N, 2**N)
        N-qubit density matrices (site 0 = first tensor factor); a Qobj's dims must all be 2.
    edges : sequence of (int, int)
        The graph's edges (pairs of distinct cells), at least one.
    n_sites : int, optional
        Number of qubits N, checked against the dimension.

    Returns
    -------
    float or ndarray, shape (...)
        Mean concurrence in ``[0, 1]`` (dimensionless): a float for one state, an array over
        the batch shape for a batch.

    Raises
    ------
    ValueError
        Invalid states or edges (see :func:`pair_reduced_states`), or a reduced state that is
        not positive semidefinite.
    """
    arr = _as_array(states)
    c = np.asarray(concurrence(_pair_reduced(arr, edges, n_sites))).mean(axis=-1)
    return float(c) if arr.ndim == 2 else c


def normalised_l1_coherence(states: Any) -> float | np.ndarray:
    """l1 coherence divided by its maximum ``d - 1`` (Santos 2021, Sec. III.A).

    ``C(rho) = (1 / (d - 1)) sum_{i != j} |rho_ij|`` in the computational (energy) basis; equals
    1 for ``|+>^{x N}``.

    Parameters
    ----------
    states : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s), ``d >= 2`` (kets accepted).

    Returns
    -------
    float or ndarray, shape (...)
        Normalised coherence in ``[0, 1]`` (dimensionless): a float for one state, an array
        over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``d < 2``, or ``states`` not valid states (not Hermitian, not positive semidefinite,
        trace != 1, NaN/inf).
    """
    arr, single = as_states(states, "states")
    d = arr.shape[-1]
    if d < 2:
        raise ValueError("normalised_l1_coherence needs d >= 2")
    c = _l1(arr) / (d - 1)
    return float(c) if single else c
