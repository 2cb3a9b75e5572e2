"""Entanglement and correlations: concurrence, negativity, entropies, mutual information.

States are bipartitioned by subsystem indices ``subsys`` (distinct integers, at least one,
leaving at least one subsystem for the other party). The subsystem dimensions come from a
Qobj's ``dims``, from the ``dims`` argument (which must then agree with them), or default to
qubits (``d = 2^n``). Entropies are in bits by default (``base=2``); pass ``base=numpy.e``
for nats, as ``qutip.entropy_vn`` uses. The concurrence needs two qubits: a Qobj must have
dims ``[2, 2]`` (a plain 4 x 4 array is taken as two qubits).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ops
from .._linalg import (
    _ptrace_operators,
    batched,
    clip_roundoff,
    eigvalsh,
    entropy_from_eigs,
    infer_dims,
    partial_transpose,
)
from .._validate import (
    ATOL,
    as_states,
    as_two_qubit_states,
    check_base,
    check_dims,
    check_spectrum,
    check_subsystems,
    qobj_dims,
    states_and_spectrum,
)

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
    """Subsystem dimensions of ``rho``: ``dims`` if given (it must agree with a Qobj's dims),
    else a Qobj's dims, else qubits."""
    qdims = qobj_dims(rho, "rho")
    if dims is None:
        return infer_dims(d, qdims)
    out = check_dims(dims, d, "dims")
    if qdims is not None and out != qdims:
        raise ValueError(f"dims={out} disagree with rho's Qobj dims {qdims}")
    return out


def concurrence(rho: Any) -> float | np.ndarray:
    """Wootters concurrence of two qubits, ``max(0, l1 - l2 - l3 - l4)``.

    Wootters, PRL 80, 2245 (1998): ``l_i`` are the decreasing square roots of the
    eigenvalues of ``rho (sy x sy) rho^* (sy x sy)``. Computed without a non-Hermitian
    eigenproblem: for any factor ``rho = A A^dag`` the ``l_i`` are the singular values of the
    complex-symmetric ``A^T (sy x sy) A`` (they do not change under ``A -> A U``). ``A`` is the
    Cholesky factor where ``rho`` is positive definite (which also proves positivity), else
    ``V sqrt(w)`` from ``eigh``; the two agree to ~1e-15 on full-rank states.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (4, 4) or (..., 4, 4)
        Two-qubit state(s) (kets accepted); a Qobj must have dims ``[2, 2]`` (a plain 4 x 4
        array is taken as two qubits).

    Returns
    -------
    float or ndarray, shape (...)
        Concurrence in ``[0, 1]`` (dimensionless): a float for one state, an array over the
        batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a two-qubit state (dims other than ``[2, 2]``, not Hermitian, not positive
        semidefinite, trace != 1, NaN/inf), or the linear-algebra solver failed on it.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> print(round(qb.concurrence(bell), 12))   # maximally entangled
    1.0
    >>> print(round(qb.concurrence(qutip.tensor(g, e)), 12))  # product state
    0.0
    >>> p = 0.6                                  # Werner state p |bell><bell| + (1 - p) I / 4
    >>> werner = p * qutip.ket2dm(bell) + (1 - p) * qutip.qeye([2, 2]) / 4
    >>> print(round(qb.concurrence(werner), 12), round(max(0, (3 * p - 1) / 2), 12))
    0.4 0.4
    """
    states, single = as_two_qubit_states(rho, "rho", check_positivity=False)
    try:
        w_min, s = batched(_wootters_chunk, states)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"rho: the eigen/singular value solver failed ({exc})") from None
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


def _bipartition(
    rho: Any, subsys: Any, dims: Sequence[int] | None, spectrum: bool = False
) -> tuple[np.ndarray, bool, np.ndarray | None, list[int], list[int], list[int]]:
    """Validated ``(states, single, eigenvalues or None, dims, A, B)`` with A = ``subsys``
    and B the remaining subsystems (both non-empty)."""
    if spectrum:
        states, single, r = states_and_spectrum(rho, "rho")
    else:
        (states, single), r = as_states(rho, "rho"), None
    dd = state_dims(rho, states.shape[-1], dims)
    a = check_subsystems(subsys, len(dd), "subsys", leave_one=True)
    b = [i for i in range(len(dd)) if i not in a]
    return states, single, r, dd, a, b


def _pt_eigs(rho: Any, subsys: int | Sequence[int], dims: Sequence[int] | None):
    states, single, _, dd, a, _ = _bipartition(rho, subsys, dims)
    return eigvalsh(partial_transpose(states, a, dd), "rho"), single


def negativity(
    rho: Any, subsys: int | Sequence[int] = 0, dims: Sequence[int] | None = None
) -> float | np.ndarray:
    """Negativity ``N = (||rho^{T_A}||_1 - 1) / 2`` of the bipartition ``subsys`` | rest.

    The sum of the moduli of the negative eigenvalues of the partial transpose on ``subsys``
    (Vidal & Werner, PRA 65, 032314 (2002)). Matches
    ``qutip.negativity(rho, subsys, method='tracenorm')``; for a Bell state N = 1/2.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    subsys : int or sequence of int, default 0
        Party A (partially transposed): distinct subsystem indices, leaving at least one
        subsystem for party B (the rest).
    dims : sequence of int, optional
        Subsystem dimensions (product ``d``). Default: a Qobj's dims (which a given ``dims``
        must agree with), else qubits (``d = 2**n``).

    Returns
    -------
    float or ndarray, shape (...)
        Negativity ``>= 0`` (dimensionless; at most ``(min(d_A, d_B) - 1) / 2``): a float for
        one state, an array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a state (not Hermitian, not positive semidefinite, trace != 1, NaN/inf);
        ``subsys`` empty, repeated, out of range or covering every subsystem; ``dims`` not
        integers >= 1 multiplying to ``d`` or disagreeing with the Qobj's dims.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> print(round(qb.negativity(bell), 12))
    0.5
    >>> p = 0.6                                  # Werner state p |bell><bell| + (1 - p) I / 4
    >>> werner = p * qutip.ket2dm(bell) + (1 - p) * qutip.qeye([2, 2]) / 4
    >>> print(round(qb.negativity(werner), 12), round(max(0, (3 * p - 1) / 4), 12))
    0.2 0.2
    """
    eigs, single = _pt_eigs(rho, subsys, dims)
    return _out(np.clip(-eigs, 0.0, None).sum(axis=-1), single)


def log_negativity(
    rho: Any, subsys: int | Sequence[int] = 0, dims: Sequence[int] | None = None
) -> float | np.ndarray:
    """Logarithmic negativity ``E_N = log2 ||rho^{T_A}||_1`` (Vidal & Werner 2002).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    subsys : int or sequence of int, default 0
        Party A (partially transposed): distinct subsystem indices, leaving at least one
        subsystem for party B (the rest).
    dims : sequence of int, optional
        Subsystem dimensions (product ``d``). Default: a Qobj's dims (which a given ``dims``
        must agree with), else qubits (``d = 2**n``).

    Returns
    -------
    float or ndarray, shape (...)
        ``E_N >= 0`` in ebits (1 for a two-qubit Bell state): a float for one state, an array
        over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a state (not Hermitian, not positive semidefinite, trace != 1, NaN/inf);
        ``subsys`` empty, repeated, out of range or covering every subsystem; ``dims`` not
        integers >= 1 multiplying to ``d`` or disagreeing with the Qobj's dims.
    """
    eigs, single = _pt_eigs(rho, subsys, dims)
    return _out(clip_roundoff(np.log2(np.abs(eigs).sum(axis=-1)), 1.0, ATOL), single)


def _subsystem_entropy(states: np.ndarray, keep: Sequence[int], dims: list[int], base: float):
    reduced = _ptrace_operators(states, list(keep), dims)
    return entropy_from_eigs(eigvalsh(reduced, "rho"), base)


def entanglement_entropy(
    rho: Any,
    subsys: int | Sequence[int] = 0,
    dims: Sequence[int] | None = None,
    base: float = 2.0,
) -> float | np.ndarray:
    """Von Neumann entropy ``S(rho_A)`` of the reduced state on ``subsys``.

    For a pure global state this is the entanglement entropy (bits by default); equals
    ``qutip.entropy_vn(rho.ptrace(subsys), base)``.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    subsys : int or sequence of int, default 0
        Party A (kept): distinct subsystem indices, leaving at least one subsystem for party B
        (the rest, traced out).
    dims : sequence of int, optional
        Subsystem dimensions (product ``d``). Default: a Qobj's dims (which a given ``dims``
        must agree with), else qubits (``d = 2**n``).
    base : float, default 2.0
        Logarithm base (> 1): 2 for bits, ``numpy.e`` for nats (as ``qutip.entropy_vn``).

    Returns
    -------
    float or ndarray, shape (...)
        Entropy in ``[0, log_base d_A]`` (bits for ``base=2``): a float for one state, an
        array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a state (not Hermitian, not positive semidefinite, trace != 1, NaN/inf);
        ``subsys`` empty, repeated, out of range or covering every subsystem; ``dims`` not
        integers >= 1 multiplying to ``d`` or disagreeing with the Qobj's dims;
        or ``base`` not a number > 1.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> print(round(qb.entanglement_entropy(bell), 12))          # 1 bit
    1.0
    >>> print(round(qb.entanglement_entropy(bell, base=np.e), 6))  # ln 2 nats
    0.693147
    """
    base = check_base(base)
    states, single, _, dd, a, _ = _bipartition(rho, subsys, dims)
    val = _subsystem_entropy(states, a, dd, base)
    return _out(clip_roundoff(val, np.log(states.shape[-1]) / np.log(base), ATOL), single)


def mutual_information(
    rho: Any,
    subsys: int | Sequence[int] = 0,
    dims: Sequence[int] | None = None,
    base: float = 2.0,
) -> float | np.ndarray:
    """Quantum mutual information ``I(A:B) = S(A) + S(B) - S(AB)``.

    A = ``subsys`` and B the remaining subsystems (bits by default). Zero iff the state is a
    product; ``2 log d_A`` at most, reached by maximally entangled pure states.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    subsys : int or sequence of int, default 0
        Party A (kept): distinct subsystem indices, leaving at least one subsystem for party B
        (the rest, traced out).
    dims : sequence of int, optional
        Subsystem dimensions (product ``d``). Default: a Qobj's dims (which a given ``dims``
        must agree with), else qubits (``d = 2**n``).
    base : float, default 2.0
        Logarithm base (> 1): 2 for bits, ``numpy.e`` for nats (as ``qutip.entropy_vn``).

    Returns
    -------
    float or ndarray, shape (...)
        ``I >= 0`` in units of ``log base`` (bits for ``base=2``): a float for one state, an
        array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a state (not Hermitian, not positive semidefinite, trace != 1, NaN/inf);
        ``subsys`` empty, repeated, out of range or covering every subsystem; ``dims`` not
        integers >= 1 multiplying to ``d`` or disagreeing with the Qobj's dims;
        or ``base`` not a number > 1.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> print(round(qb.mutual_information(bell), 12))          # 2 S(A) for a pure state
    2.0
    >>> print(round(qb.mutual_information(qutip.tensor(g, e)), 12))
    0.0
    """
    base = check_base(base)
    states, single, r, dd, a, b = _bipartition(rho, subsys, dims, spectrum=True)
    val = (
        _subsystem_entropy(states, a, dd, base)
        + _subsystem_entropy(states, b, dd, base)
        - entropy_from_eigs(r, base)
    )
    return _out(clip_roundoff(val, np.log(states.shape[-1]) / np.log(base), ATOL), single)
