"""Two-qubit nonlocal correlations from the correlation matrix ``T``: steering and CHSH.

Both quantities depend on a two-qubit state only through its correlation matrix

    ``T_ij = Tr[rho (sigma_i x sigma_j)]``,  ``i, j in {x, y, z}``,

computed here for a whole batch ``(..., 4, 4)`` with one ``einsum``. ``T`` is built from the
toolkit's own Pauli operators (:mod:`qbtoolkit.ops`, ground = index 0); a different sign
convention changes ``T`` by ``T -> O_A T O_B`` with diagonal orthogonal ``O_A, O_B``, which
leaves ``Tr T^T T`` and the spectrum of ``T^T T`` (hence both measures) unchanged.

* :func:`steering`: ``F3 = sqrt(Tr T^T T)``, the maximal value of the three-setting linear
  steering functional ``F3 = (1/sqrt 3) |sum_k <A_k x B_k>|`` (Cavalcanti, Jones, Wiseman &
  Reid, PRA 80, 032112 (2009); maximised by Costa & Angelo, PRA 93, 020103(R) (2016)).
  ``F3 > 1`` witnesses EPR steering; ``F3 <= sqrt 3``.
* :func:`bell_chsh`: ``B = 2 sqrt(u_1 + u_2)``, the maximal CHSH value, with ``u_1 >= u_2``
  the two largest eigenvalues of ``T^T T`` (Horodecki, Horodecki & Horodecki, PLA 200, 340
  (1995)). ``B > 2`` violates the CHSH inequality; ``B <= 2 sqrt 2`` (Tsirelson).

Wang et al. (2026, arXiv:2605.11399) use both along the charging of a two-qubit battery; for
their pure one-excitation states ``F3 = sqrt(1 + 2 C^2)`` and ``B = 2 sqrt(1 + C^2)`` with ``C``
the concurrence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from .._linalg import eigvalsh
from .._validate import as_two_qubit_states

__all__ = ["correlation_matrix", "steering", "bell_chsh"]


def _pauli_pairs() -> np.ndarray:
    """Array ``(3, 3, 4, 4)`` of ``sigma_i x sigma_j`` in the toolkit convention."""
    paulis = [ops.sigma_x().full(), ops.sigma_y().full(), ops.sigma_z().full()]
    return np.array([[np.kron(a, b) for b in paulis] for a in paulis])


_PAIRS = _pauli_pairs()


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def _two_qubit_states(rho: Any) -> tuple[np.ndarray, bool]:
    return as_two_qubit_states(rho, "rho")


def correlation_matrix(rho: Any) -> np.ndarray:
    """Correlation matrix ``T_ij = Tr[rho sigma_i x sigma_j]`` of two-qubit state(s).

    Built from the toolkit's Pauli operators (:mod:`qbtoolkit.ops`, ground = index 0).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (4, 4) or (..., 4, 4)
        Two-qubit state(s) (kets accepted), first qubit = first tensor factor; a Qobj must
        have dims ``[2, 2]`` (a plain 4 x 4 array is taken as two qubits).

    Returns
    -------
    ndarray, real, shape (..., 3, 3)
        Rows index the first qubit's Pauli (x, y, z), columns the second qubit's;
        dimensionless, entries in ``[-1, 1]``.

    Raises
    ------
    ValueError
        ``rho`` not a two-qubit state (dims other than ``[2, 2]``, not Hermitian, not positive
        semidefinite, trace != 1, NaN/inf).
    """
    return _correlations(_two_qubit_states(rho)[0])


def _correlations(states: np.ndarray) -> np.ndarray:
    return np.einsum("...ab,ijba->...ij", states, _PAIRS).real


def _tt_eigs(rho: Any) -> tuple[np.ndarray, bool]:
    states, single = _two_qubit_states(rho)
    T = _correlations(states)
    u = eigvalsh(np.swapaxes(T, -1, -2) @ T, "rho")  # ascending, >= 0 up to round-off
    return np.clip(u, 0.0, None), single


def steering(rho: Any) -> float | np.ndarray:
    """Maximal three-setting linear steering value ``F3 = sqrt(Tr T^T T)``.

    Costa & Angelo, PRA 93, 020103(R) (2016): the maximum over measurement triads of
    ``(1/sqrt 3) |sum_k <A_k x B_k>|``; ``F3 > 1`` witnesses steering (either direction,
    the expression is symmetric). Werner states ``p |Psi><Psi| + (1-p) I/4`` give
    ``F3 = sqrt(3) p``; product states give ``F3 = |r_A| |r_B| <= 1``.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (4, 4) or (..., 4, 4)
        Two-qubit state(s) (kets accepted), first qubit = first tensor factor; a Qobj must
        have dims ``[2, 2]`` (a plain 4 x 4 array is taken as two qubits).

    Returns
    -------
    float or ndarray, shape (...)
        ``F3`` in ``[0, sqrt 3]`` (dimensionless): a float for one state, an array over the
        batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a two-qubit state (dims other than ``[2, 2]``, not Hermitian, not positive
        semidefinite, trace != 1, NaN/inf).

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> p = 0.6                                  # Werner state p |bell><bell| + (1 - p) I / 4
    >>> werner = p * qutip.ket2dm(bell) + (1 - p) * qutip.qeye([2, 2]) / 4
    >>> print(round(qb.steering(bell), 6), round(np.sqrt(3), 6))
    1.732051 1.732051
    >>> print(round(qb.steering(werner), 6), round(np.sqrt(3) * p, 6))
    1.03923 1.03923
    """
    u, single = _tt_eigs(rho)
    return _out(np.sqrt(u.sum(axis=-1)), single)


def bell_chsh(rho: Any) -> float | np.ndarray:
    """Maximal CHSH value ``B = 2 sqrt(u_1 + u_2)`` (Horodecki criterion).

    ``u_1 >= u_2`` are the two largest eigenvalues of ``T^T T`` (Horodecki et al., PLA 200,
    340 (1995)); Wang et al. (2026) write ``B_max = 2 sqrt(iota_1 + iota_2)``. Werner states
    give ``2 sqrt(2) p``; separable states never exceed 2.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (4, 4) or (..., 4, 4)
        Two-qubit state(s) (kets accepted), first qubit = first tensor factor; a Qobj must
        have dims ``[2, 2]`` (a plain 4 x 4 array is taken as two qubits).

    Returns
    -------
    float or ndarray, shape (...)
        ``B`` in ``[0, 2 sqrt 2]`` (dimensionless); ``B > 2`` violates CHSH. A float for one
        state, an array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``rho`` not a two-qubit state (dims other than ``[2, 2]``, not Hermitian, not positive
        semidefinite, trace != 1, NaN/inf).

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> p = 0.6                                  # Werner state p |bell><bell| + (1 - p) I / 4
    >>> werner = p * qutip.ket2dm(bell) + (1 - p) * qutip.qeye([2, 2]) / 4
    >>> print(round(qb.bell_chsh(bell), 6), round(2 * np.sqrt(2), 6))  # Tsirelson's bound
    2.828427 2.828427
    >>> print(round(qb.bell_chsh(werner), 6), round(2 * np.sqrt(2) * p, 6))
    1.697056 1.697056
    """
    u, single = _tt_eigs(rho)
    return _out(2.0 * np.sqrt(u[..., -1] + u[..., -2]), single)
