"""Basis-dependent resources: l1 coherence, relative-entropy coherence, imaginarity.

Each is evaluated in the computational basis (index 0 = ground) unless a reference basis is
given, either as ``basis`` (a unitary whose columns are the basis vectors, or a list of
kets) or as ``H`` (its eigenbasis, ascending energy, as returned by ``numpy.linalg.eigh``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .._linalg import clip_roundoff, dag, eigvalsh, entropy_from_eigs
from .._validate import ATOL, as_hamiltonian, as_states, check_spectrum

__all__ = ["l1_coherence", "relative_entropy_coherence", "imaginarity"]


def reference_basis(d: int, basis: Any = None, H: Any = None) -> np.ndarray | None:
    """Unitary ``(d, d)`` whose columns are the reference basis, or None (computational).

    Parameters
    ----------
    d : int
        Hilbert-space dimension.
    basis : ndarray, Qobj or list of Qobj kets, optional
        Basis vectors as columns of a unitary, or a list of ``d`` orthonormal kets.
    H : Qobj or ndarray, optional
        Use the eigenbasis of this Hermitian operator instead.
    """
    if basis is not None and H is not None:
        raise ValueError("give either basis or H, not both")
    if H is not None:
        return np.linalg.eigh(as_hamiltonian(H, "H", dim=d))[1]
    if basis is None:
        return None
    if isinstance(basis, list | tuple):
        if len(basis) != d or not all(isinstance(b, qutip.Qobj) and b.isket for b in basis):
            raise ValueError(f"basis must be a list of {d} kets")
        U = np.column_stack([b.full().ravel() for b in basis])
    else:
        U = basis.full() if isinstance(basis, qutip.Qobj) else np.asarray(basis, dtype=complex)
    if U.shape != (d, d):
        raise ValueError(f"basis must be a ({d}, {d}) unitary, got shape {U.shape}")
    if not np.allclose(dag(U) @ U, np.eye(d), atol=1e-8):
        raise ValueError("basis must be orthonormal (a unitary matrix of column vectors)")
    return U


def _in_basis(rho: Any, basis: Any, H: Any, check_positivity: bool = True):
    states, single = as_states(rho, "rho", check_positivity=check_positivity)
    U = reference_basis(states.shape[-1], basis, H)
    if U is not None:
        states = dag(U) @ states @ U
    return states, single


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def l1_coherence(rho: Any, basis: Any = None, H: Any = None) -> float | np.ndarray:
    """l1-norm of coherence ``C_l1 = sum_{i != j} |rho_ij|``.

    Baumgratz, Cramer & Plenio, PRL 113, 140401 (2014). For a qubit ``C_l1 = 2 |rho_eg|``.
    Its maximum is ``d - 1``; Santos (2021) normalises by ``2^N - 1``.
    """
    states, single = _in_basis(rho, basis, H)
    absum = np.abs(states).sum(axis=(-2, -1))
    diag = np.abs(np.diagonal(states, axis1=-2, axis2=-1)).sum(axis=-1)
    return _out(absum - diag, single)


def relative_entropy_coherence(
    rho: Any, basis: Any = None, H: Any = None, base: float = 2.0
) -> float | np.ndarray:
    """Relative entropy of coherence ``S(Delta[rho]) - S(rho)`` (bits by default).

    Baumgratz, Cramer & Plenio (2014), Eq. 8; ``Delta`` removes all off-diagonal elements
    in the reference basis.
    """
    states, single = _in_basis(rho, basis, H, check_positivity=False)
    r = eigvalsh(states)
    check_spectrum(r, "rho")
    pops = np.diagonal(states, axis1=-2, axis2=-1).real
    val = entropy_from_eigs(pops, base) - entropy_from_eigs(r, base)
    return _out(clip_roundoff(val, np.log(states.shape[-1]), ATOL), single)


def imaginarity(rho: Any, basis: Any = None, H: Any = None) -> float | np.ndarray:
    """l1-norm of imaginarity ``I = sum_{i != j} |Im rho_ij|``.

    Hickey & Gour, J. Phys. A 51, 414009 (2018); Wang et al. (2026). Zero iff ``rho`` is
    real in the reference basis.
    """
    states, single = _in_basis(rho, basis, H)
    return _out(np.abs(states.imag).sum(axis=(-2, -1)), single)
