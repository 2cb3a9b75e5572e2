r"""Collective spin operators and local Lindblad processes of N qubits in a Dicke basis.

A model of N identical qubits whose Hamiltonian and dissipation are invariant under
permutations of the qubits, started in a permutation-invariant state, stays in the
permutation-invariant states ``rho = sum_j rho_j (x) 1_{d_j} / d_j`` (``d_j`` copies of each
spin-j irrep). It can be stored in the layouts of :func:`qbtoolkit.metrics.dicke.dicke_blocks`:

* ``"symmetric"`` — the block ``j = N/2`` only (``N + 1`` states, index = number of excited
  qubits). Closed under collective operators, but not under local decay or dephasing;
* ``"piqs"`` — every block, in the :mod:`qutip.piqs` order (``j = N/2, N/2 - 1, ...``, inside a
  block ``m = j`` down to ``-j``; ``num_dicke_states(N) ~ N^2/4`` states). Local processes
  move weight between blocks; their generator on the stored blocks is
  :func:`dicke_dissipator`.

Local processes in the Dicke basis (Chase & Geremia, PRA 78, 052101 (2008); Shammah, Ahmed,
Lambert, De Liberato & Nori, PRA 98, 063815 (2018), Eqs. (A1)-(A9), the formulas
``qutip.piqs`` implements). PIQS (qutip 5.3) evaluates those rates in single precision
(``cdef float`` in ``qutip/piqs/_piqs.pyx``), i.e. with ~1e-7 relative errors;
:func:`dicke_dissipator` evaluates the same formulas in double precision, vectorised over the
stored elements, and is tested against PIQS (to single precision) and against the full
``2^N`` Lindblad equation (to round-off).
"""

from __future__ import annotations

import numpy as np
import qutip
import scipy.sparse as sp

from .._validate import check_choice, check_int, check_rate
from ..metrics.dicke import LAYOUTS, dicke_blocks

__all__ = [
    "dicke_dimension",
    "collective_operators",
    "dicke_state_index",
    "dicke_dissipator",
    "dicke_dissipator_nnz",
]


def dicke_dimension(N: int, basis: str) -> int:
    """Number of stored states of ``N`` qubits in a Dicke layout.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    basis : {"symmetric", "piqs"}
        Layout (:func:`qbtoolkit.metrics.dicke.dicke_blocks`).

    Returns
    -------
    int
        ``N + 1`` for ``"symmetric"``, ``num_dicke_states(N)`` (``(N/2 + 1)^2`` for even N,
        ``(N + 1)(N + 3)/4`` for odd N) for ``"piqs"``.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, or an unknown ``basis``.

    Examples
    --------
    >>> from qbtoolkit.models.dicke_basis import dicke_dimension
    >>> dicke_dimension(4, "symmetric"), dicke_dimension(4, "piqs"), dicke_dimension(5, "piqs")
    (5, 9, 12)
    """
    N = check_int(N, "N", minimum=1)
    check_choice(basis, "basis", LAYOUTS)
    if basis == "symmetric":
        return N + 1
    return (N // 2 + 1) ** 2 if N % 2 == 0 else (N + 1) * (N + 3) // 4


def collective_operators(N: int, basis: str = "symmetric") -> tuple[qutip.Qobj, qutip.Qobj]:
    r"""``(J_+, J_n)`` of N qubits in a Dicke layout.

    ``J_+ = sum_i sigma_+^i`` acts as ``J_+|j, m> = sqrt(j(j+1) - m(m+1)) |j, m+1>`` inside each
    block, and ``J_n = J_z + N/2 = sum_i sigma_+^i sigma_-^i`` is diagonal (the number of
    excited qubits, ``m + N/2``). ``J_x = (J_+ + J_-)/2``.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    basis : {"symmetric", "piqs"}
        Layout (:func:`qbtoolkit.metrics.dicke.dicke_blocks`).

    Returns
    -------
    (Qobj, Qobj)
        ``J_+`` and ``J_n``, sparse, dimension :func:`dicke_dimension`.
    """
    N = check_int(N, "N", minimum=1)
    check_choice(basis, "basis", LAYOUTS)
    blocks = dicke_blocks(N, basis)
    D = dicke_dimension(N, basis)
    rows, cols, vals = [], [], []
    for b in blocks:
        m = b.excitations - N / 2
        idx = b.start + np.arange(b.size)
        # position of m + 1 in the same block: the layouts list m monotonically
        step = 1 if b.size == 1 or b.excitations[1] > b.excitations[0] else -1
        src = m < b.j - 1e-9
        rows.append(idx[src] + step)
        cols.append(idx[src])
        vals.append(np.sqrt(b.j * (b.j + 1) - m[src] * (m[src] + 1)))
    Jp = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(D, D))
    exc = np.concatenate([b.excitations for b in blocks])
    return qutip.Qobj(Jp), qutip.Qobj(sp.diags(exc).tocsr())


def dicke_state_index(N: int, excitations: int, basis: str) -> int:
    """Index of the symmetric Dicke state ``|j = N/2, m = excitations - N/2>`` in a layout.

    ``excitations = 0`` is ``|g...g>``, ``excitations = N`` is ``|e...e>``.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    excitations : int
        Number of excited qubits, ``0..N``.
    basis : {"symmetric", "piqs"}
        Layout.

    Returns
    -------
    int
        The basis index (``excitations`` in the symmetric layout, ``N - excitations`` in the
        PIQS layout, whose first block lists ``m = j`` down to ``-j``).

    Raises
    ------
    ValueError
        ``N`` or ``excitations`` not integers in range, or an unknown ``basis``.
    """
    N = check_int(N, "N", minimum=1)
    k = check_int(excitations, "excitations", minimum=0)
    if k > N:
        raise ValueError(f"excitations must be <= N = {N}, got {k}")
    check_choice(basis, "basis", LAYOUTS)
    return k if basis == "symmetric" else N - k


def _element_layout(N: int) -> dict[str, np.ndarray]:
    """Every stored element ``(p, q)`` of the PIQS blocks with its ``j, m, m1``."""
    blocks = dicke_blocks(N, "piqs")
    D = dicke_dimension(N, "piqs")
    P, Q, Jv = [], [], []
    for b in blocks:
        i, k = np.meshgrid(np.arange(b.size), np.arange(b.size), indexing="ij")
        P.append(b.start + i.ravel())
        Q.append(b.start + k.ravel())
        Jv.append(np.full(i.size, b.j))
    p, q, j = np.concatenate(P), np.concatenate(Q), np.concatenate(Jv)
    exc = np.concatenate([b.excitations for b in blocks])
    start_of = np.full(N + 1, -1, dtype=np.int64)  # by 2 j
    for b in blocks:
        start_of[int(round(2 * b.j))] = b.start
    return dict(p=p, q=q, j=j, m=exc[p] - N / 2, m1=exc[q] - N / 2, D=D, start_of=start_of)


def dicke_dissipator(
    N: int,
    *,
    emission: float = 0.0,
    dephasing: float = 0.0,
    pumping: float = 0.0,
    collective_emission: float = 0.0,
) -> qutip.Qobj:
    r"""Lindblad generator of local (and collective) qubit processes in the PIQS Dicke basis.

    The generator of

    .. math:: \sum_i \Big(\gamma_\downarrow D[\sigma_-^i] + \frac{\gamma_\phi}{2} D[\sigma_z^i]
              + \gamma_\uparrow D[\sigma_+^i]\Big) + \gamma_c D[J_-],\qquad
              D[A]\rho = A\rho A^\dagger - \tfrac12\{A^\dagger A, \rho\},

    (collapse operators ``sqrt(emission) sigma_-^i``, ``sqrt(dephasing / 2) sigma_z^i`` — the
    toolkit's convention, coherences decay at the extra rate ``dephasing`` — ,
    ``sqrt(pumping) sigma_+^i`` and ``sqrt(collective_emission) J_-``) acting on the stored
    Dicke blocks, in double precision. The rates are those of Shammah et al., PRA 98, 063815
    (2018), Appendix A (PIQS's ``gamma1`` ... ``gamma9``; PIQS's ``dephasing`` is
    ``2 * dephasing`` here): element ``(j, m, m1)`` is fed by ``(j, j +- 1)`` blocks at
    ``m +- 1, m1 +- 1`` (emission, pumping) and at ``m, m1`` (dephasing), each rate evaluated at
    the source element.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    emission, dephasing, pumping, collective_emission : float
        Rates (1/time), >= 0.

    Returns
    -------
    qutip.Qobj
        Superoperator on the ``num_dicke_states(N)``-dimensional PIQS layout (QuTiP's column
        stacking, ``vec[p + D q] = rho[p, q]``). It does not couple different ``j`` blocks'
        coherences (they stay zero for permutation-invariant states) and conserves the trace.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1 or a rate not a finite number >= 0.
    """
    N = check_int(N, "N", minimum=1)
    yE = check_rate(emission, "emission")
    yD = 2.0 * check_rate(dephasing, "dephasing")  # PIQS's dephasing coefficient
    yP = check_rate(pumping, "pumping")
    yCE = check_rate(collective_emission, "collective_emission")
    lay = _element_layout(N)
    D, j, m, m1, start_of = lay["D"], lay["j"], lay["m"], lay["m1"], lay["start_of"]
    Nf = float(N)
    target = lay["p"] + D * lay["q"]

    def source(Js: np.ndarray, M: np.ndarray, M1: np.ndarray) -> np.ndarray:
        """Column-stacked index of element ``(Js, M, M1)``, -1 where it does not exist."""
        twoJ = np.rint(2 * Js).astype(np.int64)
        ok = (twoJ >= 0) & (twoJ <= N) & (np.abs(M) <= Js + 1e-9) & (np.abs(M1) <= Js + 1e-9)
        st = start_of[np.clip(twoJ, 0, N)]
        ok &= st >= 0
        p = st + np.rint(Js - M).astype(np.int64)
        q = st + np.rint(Js - M1).astype(np.int64)
        return np.where(ok, p + D * q, -1)

    def sq(x: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(x, 0.0))

    with np.errstate(divide="ignore", invalid="ignore"):
        jj = j * (j + 1)
        deph = np.where(j > 0, yD / 2 * (Nf / 2 - m * m1 * (Nf / 2 + 1) / jj), yD * Nf / 4)
        diag = -(yCE / 2 * (2 * jj - m * (m - 1) - m1 * (m1 - 1))
                 + yE / 2 * (Nf + m + m1) + yP / 2 * (Nf - m - m1) + deph)
        rows, cols, vals = [target], [target], [diag]
        terms = []
        # emission: sources at m + 1, m1 + 1 in blocks j, j + 1, j - 1 (gamma2, gamma3, gamma4)
        J, M, M1 = j, m + 1, m1 + 1
        f = sq((J + M) * (J - M + 1) * (J + M1) * (J - M1 + 1))
        terms.append((J, M, M1, yCE * f + np.where(J > 0, yE / 2 * f * (Nf / 2 + 1)
                                                   / (J * (J + 1)), 0.0)))
        J = j + 1
        terms.append((J, M, M1, yE / 2 * sq((J + M) * (J + M - 1) * (J + M1) * (J + M1 - 1))
                      * (Nf / 2 + J + 1) / (J * (2 * J + 1))))
        J = j - 1
        terms.append((J, M, M1, yE / 2 * sq((J - M + 1) * (J - M + 2) * (J - M1 + 1)
                                            * (J - M1 + 2)) * (Nf / 2 - J)
                      / ((J + 1) * (2 * J + 1))))
        # dephasing: sources at m, m1 in blocks j + 1, j - 1 (gamma5, gamma6)
        J = j + 1
        terms.append((J, m, m1, yD / 2 * sq((J**2 - m**2) * (J**2 - m1**2))
                      * (Nf / 2 + J + 1) / (J * (2 * J + 1))))
        J = j - 1
        terms.append((J, m, m1, yD / 2 * sq(((J + 1) ** 2 - m**2) * ((J + 1) ** 2 - m1**2))
                      * (Nf / 2 - J) / ((J + 1) * (2 * J + 1))))
        # pumping: sources at m - 1, m1 - 1 in blocks j + 1, j, j - 1 (gamma7, gamma8, gamma9)
        M, M1 = m - 1, m1 - 1
        J = j + 1
        terms.append((J, M, M1, yP / 2 * sq((J - M - 1) * (J - M) * (J - M1 - 1) * (J - M1))
                      * (Nf / 2 + J + 1) / (J * (2 * J + 1))))
        J = j
        terms.append((J, M, M1, np.where(J > 0, yP / 2 * sq((J + M + 1) * (J - M) * (J + M1 + 1)
                                                            * (J - M1)) * (Nf / 2 + 1)
                                         / (J * (J + 1)), 0.0)))
        J = j - 1
        terms.append((J, M, M1, yP / 2 * sq((J + M + 1) * (J + M + 2) * (J + M1 + 1)
                                            * (J + M1 + 2)) * (Nf / 2 - J)
                      / ((J + 1) * (2 * J + 1))))
    for Js, Ms, M1s, g in terms:
        src = source(Js, Ms, M1s)
        keep = (src >= 0) & np.isfinite(g) & (g != 0)
        rows.append(target[keep])
        cols.append(src[keep])
        vals.append(g[keep])
    keep0 = vals[0] != 0
    rows[0], cols[0], vals[0] = rows[0][keep0], cols[0][keep0], vals[0][keep0]
    L = sp.csr_matrix((np.concatenate(vals).astype(complex),
                       (np.concatenate(rows), np.concatenate(cols))), shape=(D * D, D * D))
    return qutip.Qobj(L, dims=[[[D], [D]], [[D], [D]]], superrep="super")


def dicke_dissipator_nnz(N: int) -> int:
    """Upper bound on the stored entries of :func:`dicke_dissipator`, without building it.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).

    Returns
    -------
    int
        10 per stored element of the PIQS block-diagonal density matrix.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1.
    """
    N = check_int(N, "N", minimum=1)
    return 10 * sum(b.size**2 for b in dicke_blocks(N, "piqs"))
