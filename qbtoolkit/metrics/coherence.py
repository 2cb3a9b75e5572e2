"""Basis-dependent resources: l1 coherence, relative-entropy coherence, imaginarity.

Each is evaluated in the computational basis (index 0 = ground) unless a reference is given:

* ``basis``: a unitary whose columns are the basis vectors, or a list of ``d`` orthonormal
  kets; every measure accepts it.
* ``H``: the Hamiltonian's eigen*spaces*, and only where the measure is a function of
  ``(rho, H)`` alone -- i.e. it does not depend on which eigenvectors a solver returns:

  - :func:`relative_entropy_coherence` with ``H`` is the relative entropy of *block*
    coherence, ``S(Delta_H[rho]) - S(rho)`` with the dephasing
    ``Delta_H[rho] = sum_k P_k rho P_k`` onto the eigenspaces ``P_k`` of ``H``
    (Aberg, arXiv:quant-ph/0612146; Bischof, Kampermann & Bruss, PRL 123, 110402 (2019)).
    For non-degenerate ``H`` it is the usual relative entropy of coherence in the eigenbasis.
  - :func:`l1_coherence` with ``H`` needs a non-degenerate ``H``: the l1 norm of the
    off-diagonal elements is invariant under the phases and the order of the eigenvectors,
    but not under rotations inside a degenerate eigenspace, which ``H`` leaves free; a
    degenerate ``H`` is refused (pass ``basis=``).
  - :func:`imaginarity` and :func:`qbtoolkit.state_texture` depend on the *phases* of the
    basis vectors, which no Hamiltonian fixes, so they refuse ``H`` (pass ``basis=``).

Levels closer than ``1e-9`` of the spectrum's spread (or than the resolution of ``H``'s
entries in their precision) count as degenerate; the eigenspaces, and every result, are
the same for ``H``, ``c H`` (c > 0) and ``H + c I``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .._linalg import clip_roundoff, dag, entropy_from_eigs
from .._validate import (
    ATOL,
    as_states,
    check_base,
    check_finite,
    input_eps,
    states_and_spectrum,
)
from .work import _Eigenspaces, _prepare

__all__ = ["l1_coherence", "relative_entropy_coherence", "imaginarity"]


def reference_basis(d: int, basis: Any = None) -> np.ndarray | None:
    """Unitary ``(d, d)`` whose columns are the reference basis, or None (computational).

    Parameters
    ----------
    d : int
        Hilbert-space dimension.
    basis : ndarray, Qobj or list of Qobj kets, optional
        Basis vectors as columns of a unitary, or a list of ``d`` orthonormal kets.

    Raises
    ------
    ValueError
        A basis of the wrong size, with NaN/inf, or not orthonormal (``|U^dag U - I|`` above
        ``1e-8``, or ``8 sqrt(d)`` times the machine epsilon of a lower-precision input).
    """
    if basis is None:
        return None
    if isinstance(basis, list | tuple):
        if len(basis) != d or not all(isinstance(b, qutip.Qobj) and b.isket for b in basis):
            raise ValueError(f"basis must be a list of {d} kets")
        U = np.column_stack([b.full().ravel() for b in basis])
    else:
        U = basis.full() if isinstance(basis, qutip.Qobj) else np.asarray(basis)
        if U.dtype == object or not np.issubdtype(U.dtype, np.number):
            raise ValueError("basis must be a unitary matrix (numeric array or Qobj)")
    tol = max(1e-8, 8.0 * np.sqrt(d) * input_eps(U))
    U = U.astype(complex)
    if U.shape != (d, d):
        raise ValueError(f"basis must be a ({d}, {d}) unitary, got shape {U.shape}")
    check_finite(U, "basis")
    if np.max(np.abs(dag(U) @ U - np.eye(d))) > tol:
        raise ValueError("basis must be orthonormal (a unitary matrix of column vectors)")
    return U


def _in_basis(rho: Any, basis: Any, check_positivity: bool = True):
    """Validated states expressed in ``basis`` (``U^dag rho U``), and ``single``."""
    states, single = as_states(rho, "rho", check_positivity=check_positivity)
    U = reference_basis(states.shape[-1], basis)
    if U is not None:
        states = dag(U) @ states @ U
    return states, single


def _eigenspaces(rho: Any, H: Any, basis: Any, spectrum: bool = False):
    """``(states, single, r, eigenspaces of H)`` for the ``H=`` reference."""
    if basis is not None:
        raise ValueError("give either basis or H, not both")
    states, Harr, single, r = _prepare(rho, H, spectrum=spectrum)
    return states, single, r, _Eigenspaces(Harr, input_eps(H))


def refuse_hamiltonian(H: Any, measure: str) -> None:
    """Raise if ``H`` is given to a measure that needs the phases of a definite basis."""
    if H is not None:
        raise ValueError(
            f"{measure} does not accept H: it depends on the phases of the basis vectors, "
            "which no Hamiltonian fixes (its eigenvectors are defined only up to phases, and "
            "up to rotations inside degenerate eigenspaces); pass basis= (a unitary whose "
            "columns are the basis vectors, or a list of kets) with the phases you mean"
        )


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def _l1(states: np.ndarray) -> np.ndarray:
    absum = np.abs(states).sum(axis=(-2, -1))
    diag = np.abs(np.diagonal(states, axis1=-2, axis2=-1)).sum(axis=-1)
    return absum - diag


def l1_coherence(rho: Any, basis: Any = None, H: Any = None) -> float | np.ndarray:
    """l1-norm of coherence ``C_l1 = sum_{i != j} |rho_ij|``.

    Baumgratz, Cramer & Plenio, PRL 113, 140401 (2014). For a qubit ``C_l1 = 2 |rho_eg|``.
    Its maximum is ``d - 1``; Santos (2021) normalises by ``2^N - 1``.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    basis : array_like or Qobj, shape (d, d), or list of d Qobj kets, optional
        Reference basis: a unitary whose columns are the basis vectors, or a list of ``d``
        orthonormal kets. Default: the computational basis (index 0 = ground).
    H : Qobj or array_like, shape (d, d), optional
        Use the eigenbasis of a *non-degenerate* Hamiltonian instead (the result does not
        depend on the eigenvectors' phases or order). Not together with ``basis``.

    Returns
    -------
    float or ndarray, shape (...)
        ``C_l1`` in ``[0, d - 1]`` (dimensionless): a float for one state, an array over the
        batch shape for a batch.

    Raises
    ------
    ValueError
        A degenerate ``H`` (the l1 norm would depend on the eigenvectors chosen inside a
        degenerate eigenspace: pass ``basis=``, or use :func:`relative_entropy_coherence`,
        defined on eigenspaces); ``basis`` and ``H`` both given; invalid ``rho``, ``H`` or
        ``basis`` (not a state; not Hermitian; not unitary; wrong size; NaN/inf).

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> plus = qb.ops.bloch_state(np.pi / 2)      # (|g> + |e>) / sqrt(2)
    >>> print(round(qb.l1_coherence(plus), 12))   # 2 |rho_eg| = 1, the qubit maximum d - 1
    1.0
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])
    >>> print(round(qb.l1_coherence(rho), 12))    # 2 * 0.2
    0.4
    >>> hadamard = np.array([[1, 1], [1, -1]]) / np.sqrt(2)  # |+> is a basis vector here
    >>> print(round(qb.l1_coherence(plus, basis=hadamard), 12))
    0.0
    """
    if H is None:
        states, single = _in_basis(rho, basis)
        return _out(_l1(states), single)
    states, single, _, spaces = _eigenspaces(rho, H, basis)
    if spaces.degenerate:
        raise ValueError(
            "H is degenerate: the l1 coherence in H's eigenbasis depends on which "
            "eigenvectors are chosen inside a degenerate eigenspace, which H leaves free; "
            "pass basis= with the basis you mean, or use relative_entropy_coherence(rho, "
            "H=H), which is defined on H's eigenspaces"
        )
    return _out(_l1(spaces.rotate(states)), single)


def relative_entropy_coherence(
    rho: Any, basis: Any = None, H: Any = None, base: float = 2.0
) -> float | np.ndarray:
    """Relative entropy of coherence ``S(Delta[rho]) - S(rho)`` (bits by default).

    Baumgratz, Cramer & Plenio (2014), Eq. 8; ``Delta`` removes all off-diagonal elements
    in the reference basis. With ``H``, ``Delta_H[rho] = sum_k P_k rho P_k`` dephases onto
    the eigenspaces of ``H`` (relative entropy of block coherence: Aberg,
    arXiv:quant-ph/0612146; Bischof, Kampermann & Bruss, PRL 123, 110402 (2019)), a function
    of ``(rho, H)`` alone that reduces to the usual measure when ``H`` is non-degenerate.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    basis : array_like or Qobj, shape (d, d), or list of d Qobj kets, optional
        Reference basis: a unitary whose columns are the basis vectors, or a list of ``d``
        orthonormal kets. Default: the computational basis (index 0 = ground).
    H : Qobj or array_like, shape (d, d), optional
        Dephase onto the eigenspaces of this Hamiltonian instead (degenerate ``H`` allowed).
        Not together with ``basis``.
    base : float, default 2.0
        Logarithm base (> 1): 2 for bits, ``numpy.e`` for nats.

    Returns
    -------
    float or ndarray, shape (...)
        Coherence in ``[0, log_base d]`` (bits for ``base=2``): a float for one state, an
        array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``base`` not a number > 1; ``basis`` and ``H`` both given; invalid ``rho``, ``H`` or
        ``basis`` (not a state; not Hermitian; not unitary; wrong size; NaN/inf).

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> plus = qb.ops.bloch_state(np.pi / 2)      # (|g> + |e>) / sqrt(2)
    >>> print(round(qb.relative_entropy_coherence(plus), 12))  # 1 bit for |+>
    1.0
    >>> print(round(qb.relative_entropy_coherence(plus, base=np.e), 6))  # ln 2 nats
    0.693147
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # h2(0.3) - h2(lambda_min)
    >>> h2 = lambda p: -p * np.log2(p) - (1 - p) * np.log2(1 - p)
    >>> lam = np.linalg.eigvalsh(rho)[0]
    >>> print(round(qb.relative_entropy_coherence(rho), 9), round(h2(0.3) - h2(lam), 9))
    0.126348181 0.126348181
    """
    base = check_base(base)
    if H is None:
        states, single, r = states_and_spectrum(rho, "rho")
        U = reference_basis(states.shape[-1], basis)
        if U is not None:
            states = dag(U) @ states @ U
        dephased = np.diagonal(states, axis1=-2, axis2=-1).real
    else:
        states, single, r, spaces = _eigenspaces(rho, H, basis, spectrum=True)
        dephased = spaces.dephased_spectrum(states)
    val = entropy_from_eigs(dephased, base) - entropy_from_eigs(r, base)
    d = states.shape[-1]
    return _out(clip_roundoff(val, np.log(d) / np.log(base), ATOL), single)


def imaginarity(rho: Any, basis: Any = None, H: Any = None) -> float | np.ndarray:
    """l1-norm of imaginarity ``I = sum_{i != j} |Im rho_ij|``.

    Hickey & Gour, J. Phys. A 51, 414009 (2018); Wang et al. (2026). Zero iff ``rho`` is
    real in the reference basis.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, an array, or a stack of density matrices
        ``(..., d, d)``.
    basis : array_like or Qobj, shape (d, d), or list of d Qobj kets, optional
        Reference basis: a unitary whose columns are the basis vectors, or a list of ``d``
        orthonormal kets. Default: the computational basis (index 0 = ground).
    H : None
        Refused: the imaginarity depends on the phases of the basis vectors, which no
        Hamiltonian fixes; pass ``basis=``.

    Returns
    -------
    float or ndarray, shape (...)
        Imaginarity in ``[0, d - 1]`` (dimensionless): a float for one state, an array over
        the batch shape for a batch.

    Raises
    ------
    ValueError
        ``H`` given; invalid ``rho`` or ``basis``.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> psi = qb.ops.bloch_state(np.pi / 2, np.pi / 2)  # (|g> + i |e>) / sqrt(2)
    >>> print(round(qb.imaginarity(psi), 12))           # 2 |Im rho_eg| = 2 * 1/2
    1.0
    >>> print(round(qb.imaginarity(qb.ops.bloch_state(np.pi / 2)), 12))  # |+> is real
    0.0
    >>> qb.imaginarity(psi, H=np.diag([0.0, 1.0]))
    Traceback (most recent call last):
        ...
    ValueError: imaginarity does not accept H: ...
    """
    refuse_hamiltonian(H, "imaginarity")
    states, single = _in_basis(rho, basis)
    return _out(np.abs(states.imag).sum(axis=(-2, -1)), single)
