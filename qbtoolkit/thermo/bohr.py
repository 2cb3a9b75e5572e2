"""The Bohr decomposition of a coupling operator in a Hamiltonian's eigenbasis.

For a Hermitian reference Hamiltonian :math:`H = \\sum_\\varepsilon \\varepsilon\\Pi(\\varepsilon)`
and a coupling operator :math:`A`, the secular (Davies) master equation is built from

.. math::

    A(\\omega) = \\sum_{\\varepsilon' - \\varepsilon = \\omega} \\Pi(\\varepsilon)\\, A\\,
    \\Pi(\\varepsilon'), \\qquad \\sum_\\omega A(\\omega) = A

(Breuer & Petruccione, Eq. 3.120). Here every nonzero matrix element
:math:`\\langle a|A|c\\rangle` in an eigenbasis of ``H`` is a *transition* ``c -> a`` with Bohr
frequency :math:`\\omega_{ac} = E_c - E_a` (the energy the system gives to the bath), and the
transitions of one Bohr frequency form one jump operator. Tolerances are relative to the
spectrum's scale, so ``H -> c H`` changes nothing but units:

* levels closer than :math:`\\tau = \\max(10^{-9}\\,\\mathrm{spread}, 16\\,d\\,\\epsilon
  \\max|H_{ij}|)` are one eigenspace (:data:`qbtoolkit._linalg.DEGENERACY_RTOL`, the rule of
  the metrics' eigenspaces), transitions inside an eigenspace have frequency zero;
* Bohr frequencies of pairs of eigenspaces (differences of their mean energies) closer than
  :math:`\\tau` are grouped (degenerate Bohr frequencies); a group that would connect one
  eigenspace to two different ones is refused -- the secular approximation is then ambiguous;
* matrix elements below :math:`8 d \\epsilon \\max|A_{ac}|` of a rotated ``A`` are the
  round-off of the basis change and are dropped (a diagonal ``H`` keeps ``A`` exactly).

Each transition keeps its own frequency :math:`\\omega_{ac}` for its rate, so the rates obey
detailed balance with the eigenvalues of ``H`` themselves and the Gibbs state of ``H`` is
exactly stationary when all baths share one temperature.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .._linalg import DEGENERACY_RTOL, dag, eigenspace_labels, eigh
from ..metrics.work import _centre, _is_diagonal

__all__ = ["Eigenbasis", "Transitions", "eigenbasis", "transitions"]

#: Largest number of same-group transition pairs a bath may have (each pair is one term of the
#: dissipator; beyond this the generator does not fit a few GiB of memory).
MAX_PAIRS = 30_000_000


@dataclasses.dataclass(frozen=True, repr=False)
class Eigenbasis:
    """An eigenbasis of a Hermitian ``H`` with its eigenspaces resolved scale-free.

    Parameters
    ----------
    energies : ndarray, shape (d,)
        Eigenvalue of each basis vector (energy units). For a diagonal ``H`` its diagonal
        (computational order, ``V`` is None); otherwise the eigenvalues of ``H - Tr(H)/d``
        (a common offset changes no Bohr frequency).
    V : ndarray (d, d) or None
        Eigenvectors as columns (None: the computational basis is an eigenbasis). When the
        nonzero entries of ``H`` split the basis into invariant blocks, each eigenvector is
        exactly zero outside its block.
    labels : ndarray of int, shape (d,)
        Eigenspace of each basis vector, numbered by increasing energy.
    means : ndarray, shape (n_spaces,)
        Mean energy of each eigenspace.
    tol : float
        Energy tolerance (see the module docstring), in energy units.
    """

    energies: np.ndarray
    V: np.ndarray | None
    labels: np.ndarray
    means: np.ndarray
    tol: float

    @property
    def d(self) -> int:
        """Hilbert-space dimension."""
        return int(self.energies.size)

    @property
    def spread(self) -> float:
        """Spread of the spectrum, ``max - min`` (energy units)."""
        return float(np.ptp(self.energies)) if self.energies.size else 0.0

    def blocks(self) -> list[np.ndarray]:
        """Basis indices of each eigenspace, by increasing energy.

        Returns
        -------
        list of ndarray of int
            One index array per eigenspace.
        """
        order = np.argsort(self.labels, kind="stable")
        cuts = np.flatnonzero(np.diff(self.labels[order])) + 1
        return np.split(order, cuts)

    def to_basis(self, op: np.ndarray) -> np.ndarray:
        """``V^dag op V``: into the eigenbasis (``op`` itself when ``V`` is None), batched.

        Parameters
        ----------
        op : ndarray, shape (..., d, d)
            Operator(s), batched over leading axes.

        Returns
        -------
        ndarray, shape (..., d, d)
            The operator(s) in the eigenbasis.
        """
        return op if self.V is None else dag(self.V) @ op @ self.V

    def from_basis(self, op: np.ndarray) -> np.ndarray:
        """``V op V^dag``: back to the computational basis, batched.

        Parameters
        ----------
        op : ndarray, shape (..., d, d)
            Operator(s), batched over leading axes.

        Returns
        -------
        ndarray, shape (..., d, d)
            The operator(s) in the computational basis.
        """
        return op if self.V is None else self.V @ op @ dag(self.V)


def _block_eigh(Hc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition block by block: the connected components of the graph of nonzero
    entries of ``Hc`` are invariant subspaces (a conserved quantity such as the excitation
    number of an XXZ chain), so eigenvectors are exactly zero outside their block -- cheaper,
    and every coupling then keeps its exact selection rules."""
    d = Hc.shape[0]
    n_comp, comp = connected_components(sp.csr_matrix(Hc != 0), directed=False)
    if n_comp == 1:
        return eigh(Hc, "H")
    energies = np.empty(d)
    V = np.zeros((d, d), dtype=Hc.dtype)
    for c in range(n_comp):
        idx = np.flatnonzero(comp == c)
        e, v = eigh(Hc[np.ix_(idx, idx)], "H")
        energies[idx] = e
        V[np.ix_(idx, idx)] = v
    return energies, V


def eigenbasis(Harr: np.ndarray, eps_in: float = float(np.finfo(float).eps)) -> Eigenbasis:
    """Eigenbasis and eigenspaces of a Hermitian matrix ``Harr`` (d, d).

    Parameters
    ----------
    Harr : ndarray, shape (d, d)
        Validated Hermitian matrix (double precision).
    eps_in : float, default machine epsilon of float64
        Machine epsilon of the precision ``H`` was given in (its entries' resolution).

    Returns
    -------
    Eigenbasis
        Eigenvalues, eigenvectors (None for a diagonal ``Harr``), eigenspace labels, their mean
        energies and the grouping tolerance ``max(1e-9 spread, 16 d eps_in max|H|)``.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit.thermo.bohr import eigenbasis
    >>> basis = eigenbasis(np.diag([0.0, 1.0, 1.0, 2.0]))  # two qubits, equal splittings
    >>> basis.labels.tolist(), basis.means.tolist()
    ([0, 1, 1, 2], [0.0, 1.0, 2.0])
    """
    d = Harr.shape[-1]
    floor = 16 * d * eps_in * float(np.max(np.abs(Harr), initial=0.0))
    if _is_diagonal(Harr):
        energies = np.diagonal(Harr).real.copy()
        V = None
    else:
        energies, V = _block_eigh(_centre(Harr)[0])
    order = np.argsort(energies, kind="stable")
    spread = float(energies[order[-1]] - energies[order[0]]) if d else 0.0
    tol = max(DEGENERACY_RTOL * spread, floor)
    labels = np.empty(d, dtype=int)
    labels[order] = eigenspace_labels(energies[order], tol)
    n_spaces = int(labels.max()) + 1 if d else 0
    means = np.bincount(labels, weights=energies, minlength=n_spaces) / np.bincount(
        labels, minlength=n_spaces)
    return Eigenbasis(energies, V, labels, means, tol)


@dataclasses.dataclass(frozen=True, repr=False)
class Transitions:
    r"""The Bohr transitions of one coupling operator, grouped into jump operators.

    Transition ``t`` takes basis vector ``src[t]`` to ``dst[t]`` with amplitude ``amp[t]`` =
    :math:`\langle dst|A|src\rangle` and frequency ``omega[t]`` :math:`= E_{src} - E_{dst}`.
    Transitions with the same ``group`` form one jump operator
    :math:`L_g = \sum_{t\in g}\sqrt{\gamma_t}\,\mathrm{amp}_t|dst_t\rangle\langle src_t|`.

    Parameters
    ----------
    dst : ndarray of int, shape (n,)
        Final basis vector of each transition.
    src : ndarray of int, shape (n,)
        Initial basis vector of each transition.
    amp : ndarray of complex, shape (n,)
        Amplitude ``<dst|A|src>``.
    omega : ndarray, shape (n,)
        Signed Bohr frequency of each transition (0 inside an eigenspace), energy units.
    kind : ndarray of int8, shape (n,)
        +1 emission (``omega > 0``), -1 absorption, 0 zero frequency.
    group : ndarray of int, shape (n,)
        Jump operator of each transition; groups are numbered by increasing ``|nu|``,
        emission before absorption (the zero-frequency group, if any, first).
    nu : ndarray, shape (n_groups,)
        Bohr frequency of each group (mean of its transitions' ``omega``).
    p1 : ndarray of int, shape (n_pairs,)
        First transition of every ordered pair of transitions of one group (the terms of the
        dissipator).
    p2 : ndarray of int, shape (n_pairs,)
        Second transition of every such pair.
    """

    dst: np.ndarray
    src: np.ndarray
    amp: np.ndarray
    omega: np.ndarray
    kind: np.ndarray
    group: np.ndarray
    nu: np.ndarray
    p1: np.ndarray
    p2: np.ndarray

    @property
    def n(self) -> int:
        """Number of transitions."""
        return int(self.dst.size)

    @property
    def freq(self) -> np.ndarray:
        """``|omega|``, with 1 at zero-frequency transitions.

        The 1 is a placeholder for rate formulas that never use it there.
        """
        return np.where(self.kind == 0, 1.0, np.abs(self.omega))

    def without_zero_frequency(self) -> Transitions:
        """The transitions with ``kind != 0`` (groups renumbered).

        Returns
        -------
        Transitions
            ``self`` when there is no zero-frequency transition.
        """
        keep = self.kind != 0
        if np.all(keep):
            return self
        return _grouped(self.dst[keep], self.src[keep], self.amp[keep], self.omega[keep],
                        self.kind[keep], self.group[keep], self.group[keep].astype(float))


def transitions(Aw: np.ndarray, basis: Eigenbasis, rotated: bool, name: str = "op"
                ) -> Transitions:
    """Bohr transitions of ``Aw`` (the coupling operator in ``basis``), grouped.

    Parameters
    ----------
    Aw : ndarray, shape (d, d)
        Hermitian coupling operator written in the eigenbasis.
    basis : Eigenbasis
        Eigenbasis of the reference Hamiltonian.
    rotated : bool
        True when ``Aw`` was obtained by a basis change (its round-off is then dropped).
    name : str
        Name used in error messages.

    Returns
    -------
    Transitions
        The transitions, grouped by Bohr frequency (emission before absorption, increasing
        ``|nu|``) with their same-group pairs.

    Raises
    ------
    ValueError
        An ambiguous grouping (see the module docstring) or too many pairs (:data:`MAX_PAIRS`).

    Examples
    --------
    A qubit's ``sigma_x`` has one emission and one absorption at ``omega = 1``:

    >>> import numpy as np
    >>> from qbtoolkit.thermo.bohr import eigenbasis, transitions
    >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> tr = transitions(sx, eigenbasis(np.diag([0.0, 1.0])), rotated=False)
    >>> tr.omega.tolist(), tr.kind.tolist(), tr.nu.tolist()
    ([1.0, -1.0], [1, -1], [1.0, -1.0])
    """
    d = Aw.shape[-1]
    mag = np.abs(Aw)
    thresh = 8 * d * np.finfo(float).eps * float(mag.max()) if rotated else 0.0
    dst, src = np.nonzero(mag > thresh)
    amp = Aw[dst, src].astype(complex)
    E, lab = basis.energies, basis.labels
    omega = E[src] - E[dst]
    same = lab[src] == lab[dst]
    omega = np.where(same, 0.0, omega)
    kind = np.where(same, 0, np.sign(omega)).astype(np.int8)
    # group the Bohr frequencies of eigenspace pairs (mean energies), signed, within tol
    nu_pair = np.where(same, 0.0, basis.means[lab[src]] - basis.means[lab[dst]])
    if nu_pair.size:
        order = np.argsort(nu_pair, kind="stable")
        raw = np.empty(nu_pair.size, dtype=int)
        raw[order] = eigenspace_labels(nu_pair[order], basis.tol)
    else:
        raw = np.zeros(0, dtype=int)
    _check_covariant(raw, lab[src], lab[dst], nu_pair, name)
    return _grouped(dst, src, amp, omega, kind, raw, np.abs(nu_pair))


def _check_covariant(group: np.ndarray, lsrc: np.ndarray, ldst: np.ndarray, nu: np.ndarray,
                     name: str) -> None:
    """Each group must map an eigenspace to at most one eigenspace, and be reached from at
    most one: otherwise two different Bohr frequencies were merged by the tolerance."""
    if group.size == 0:
        return
    ns = int(max(lsrc.max(), ldst.max())) + 1
    g = group.astype(np.int64)
    triples = np.unique((g * ns + lsrc) * ns + ldst)
    if triples.size == int(g.max()) + 1:  # one eigenspace pair per group: covariant
        return
    for part in (triples // ns, (triples // (ns * ns)) * ns + triples % ns):
        uniq, counts = np.unique(part, return_counts=True)
        if np.any(counts > 1):
            bad = int(uniq[np.argmax(counts > 1)] // ns)
            raise ValueError(
                f"{name}: the Bohr frequencies {np.unique(nu[group == bad])[:4]} differ by less "
                "than the grouping tolerance (1e-9 of the spectrum's spread) but connect "
                "different eigenspaces: the secular approximation is ambiguous for this "
                "spectrum (shift a level, or use master_equation='local')")


def _grouped(dst, src, amp, omega, kind, raw, key) -> Transitions:
    """Renumber groups by (``key``, emission first) and list the same-group pairs.

    ``key`` is a per-transition sort key of its group (``|nu|`` of its eigenspace pair, exact
    under ``nu -> -nu``, so a group and its mirror image sort next to each other).
    """
    n = dst.size
    if n == 0:
        empty = np.zeros(0, dtype=int)
        return Transitions(empty, empty, np.zeros(0, complex), np.zeros(0), np.zeros(0, np.int8),
                           empty, np.zeros(0), empty, empty)
    counts_raw = np.bincount(raw)
    if np.all(counts_raw):  # labels already 0..G-1 (from eigenspace_labels)
        uniq, inv = np.arange(counts_raw.size), raw
    else:
        uniq, inv = np.unique(raw, return_inverse=True)
        inv = inv.reshape(-1)
    counts = np.bincount(inv)
    nu = np.bincount(inv, weights=omega) / counts
    gk = np.zeros(uniq.size, dtype=np.int8)
    gk[inv] = kind
    gkey = np.full(uniq.size, np.inf)
    np.minimum.at(gkey, inv, key)
    order = np.lexsort((-gk, gkey))
    rank = np.empty(uniq.size, dtype=int)
    rank[order] = np.arange(uniq.size)
    group = rank[inv]
    nu = nu[order]
    # sort transitions by group; pairs are the Cartesian products within each group
    perm = np.argsort(group, kind="stable")
    dst, src, amp, omega, kind, group = (a[perm] for a in (dst, src, amp, omega, kind, group))
    sizes = np.bincount(group, minlength=uniq.size)
    n_pairs = int(np.sum(sizes.astype(np.int64) ** 2))
    if n_pairs > MAX_PAIRS:
        raise ValueError(
            f"the coupling has {n_pairs:.3g} pairs of transitions with equal Bohr frequency "
            f"(largest group: {int(sizes.max())} transitions): its dissipator would not fit "
            "in memory (a highly degenerate spectrum with a dense coupling)")
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    rep = np.repeat(sizes, sizes)  # size of each transition's group
    first = np.repeat(starts, sizes)
    p1 = np.repeat(np.arange(n), rep)
    offs = np.arange(n_pairs) - np.repeat(np.cumsum(rep) - rep, rep)
    p2 = np.repeat(first, rep) + offs
    return Transitions(dst, src, amp, omega, kind, group, nu, p1, p2)
