"""What a Lindblad model conserves, read off the sparsity of ``H`` and its jump operators.

**Hilbert blocks.** :func:`hilbert_blocks` finds the finest partition of the basis such that
``H`` and ``K = sum L^dag L`` are block diagonal and every jump operator maps each block into a
single block (a *charge* that ``H`` conserves and every jump shifts by a fixed amount:
excitation number for flip-flop couplings, the parity ``prod sigma_z`` of a
``sigma_x sigma_x`` chain, ``Z_k`` clock charges, ...; for a diagonal ``H`` every basis state
is a block). No charge has to be named: the blocks are the connected components of the
operators' sparsity graphs, merged until every jump is a block map.

**Liouville sectors.** A matrix element ``rho_ij`` with ``i`` in block ``a`` and ``j`` in
block ``b`` is sent by a jump term ``A rho B`` into the pair ``(pi_A(a), pi_B(b))`` and by
``G rho + rho G^dag`` nowhere else. :func:`liouville_sectors` finds the block pairs reachable
from the support of ``rho0`` (everything else stays exactly zero) and splits them into the
connected components of that pair graph: the generator is block diagonal over these sectors
(weak symmetries, Buca & Prosen, New J. Phys. 14, 073007 (2012)). Sector ``S`` and its mirror
``{(b, a)}`` hold Hermitian-conjugate elements, so only one of a mirror pair is propagated;
a self-mirrored sector is propagated on one triangle (see
:mod:`qbtoolkit.dynamics.backends.sectors`).

**Cell permutations.** :func:`model_permutations` returns the relabellings of equal
subsystems (from :func:`qbtoolkit.dynamics.structure.candidate_cell_permutations`) that leave
``H``, ``K``, the jump superoperator and ``rho0`` invariant, verified exactly (term by term, or
on a random matrix when the jump operators are mixed by the relabelling).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .lindblad import LindbladTerms
from .structure import candidate_cell_permutations, subsystem_permutation_map

__all__ = ["HilbertBlocks", "hilbert_blocks", "LiouvilleSectors", "liouville_sectors",
           "model_permutations"]

#: Relative size below which an operator entry counts as structurally zero (round-off of
#: operators built from products: a relative 1e-14 of the generator's scale).
STRUCTURAL_RTOL = 1e-14


def _pattern(M: sp.csr_matrix, cut: float) -> sp.csr_matrix:
    coo = sp.coo_matrix(M)
    keep = np.abs(coo.data) > cut
    return sp.csr_matrix((np.ones(int(keep.sum())), (coo.row[keep], coo.col[keep])),
                         shape=M.shape)


class HilbertBlocks:
    """Partition of the basis into blocks and each operator's block map.

    Parameters
    ----------
    label : ndarray of int, shape (d,)
        Block of every basis state (blocks numbered ``0..nb-1``).

    Attributes
    ----------
    label : ndarray of int64, shape (d,)
        As given.
    nb : int
        Number of blocks.
    members : list of ndarray of int
        Basis states of each block (increasing).
    size : ndarray of int, shape (nb,)
        Number of basis states of each block.
    """

    def __init__(self, label: np.ndarray):
        self.label = label.astype(np.int64)
        self.nb = int(label.max()) + 1 if label.size else 0
        order = np.argsort(self.label, kind="stable")
        bounds = np.searchsorted(self.label[order], np.arange(self.nb + 1))
        self.members = [order[bounds[a]:bounds[a + 1]] for a in range(self.nb)]
        self.size = np.diff(bounds)

    def block_map(self, A: sp.csr_matrix, cut: float) -> np.ndarray:
        """``pi[a]``: the block that ``A`` maps block ``a`` into (``-1``: ``A`` annihilates it).

        Parameters
        ----------
        A : csr_matrix, shape (d, d)
            An operator that is a block map of this partition (as every jump operator is, by
            construction of :func:`hilbert_blocks`).
        cut : float
            Entries of modulus ``<= cut`` count as structurally zero (absolute, in the units of
            ``A``).

        Returns
        -------
        ndarray of int64, shape (nb,)
            Target block of every block, ``-1`` where ``A`` has no entry.
        """
        P = sp.coo_matrix(_pattern(A, cut))
        pi = np.full(self.nb, -1, dtype=np.int64)
        src, dst = self.label[P.col], self.label[P.row]
        pi[src] = dst
        if np.any(pi[src] != dst):  # pragma: no cover - excluded by hilbert_blocks
            raise RuntimeError("operator is not a block map")
        return pi


def hilbert_blocks(terms: LindbladTerms) -> HilbertBlocks:
    """The finest basis partition that ``H``, ``K`` and every jump operator respect.

    ``H`` and ``K`` are block diagonal in it and every jump operator (both sides of every jump
    term) maps each block into one block. Entries below ``STRUCTURAL_RTOL`` times the
    generator's scale count as zero.

    Parameters
    ----------
    terms : LindbladTerms
        The model's generator pieces (:func:`qbtoolkit.dynamics.lindblad.lindblad_terms`).

    Returns
    -------
    HilbertBlocks
        The partition (one block per basis state for a diagonal ``H`` without jumps).

    Examples
    --------
    The charger-battery pair conserves the excitation number: blocks of 0, 1 and 2 excitations.

    >>> import qbtoolkit as qb
    >>> from qbtoolkit.dynamics.conserved import hilbert_blocks
    >>> from qbtoolkit.dynamics.lindblad import lindblad_terms
    >>> blocks = hilbert_blocks(lindblad_terms(qb.models.charger_battery(J=1.0, gamma=0.1)))
    >>> blocks.nb, blocks.label.tolist(), blocks.size.tolist()
    (3, [0, 1, 1, 2], [1, 2, 1])
    """
    d = terms.d
    cut = STRUCTURAL_RTOL * max(terms.scale(), np.finfo(float).tiny)
    base = _pattern(terms.H, cut) + _pattern(terms.K, cut)
    ops = []
    for _, A, B in terms.jumps:
        ops.append(sp.coo_matrix(_pattern(A, cut)))
        ops.append(sp.coo_matrix(_pattern(B.T, cut)))
    _, label = connected_components(base + base.T + sp.identity(d), directed=False)
    if not ops:  # no jumps: the blocks of H and K are the answer
        return HilbertBlocks(label)
    while True:
        rows, cols = [], []
        for P in ops:
            src, dst = label[P.col], label[P.row]
            order = np.lexsort((dst, src))
            s, t = src[order], dst[order]
            same = s[1:] == s[:-1]
            rows.append(t[:-1][same])
            cols.append(t[1:][same])
        r, c = np.concatenate(rows), np.concatenate(cols)
        nb = int(label.max()) + 1
        merge = r != c
        if not np.any(merge):
            return HilbertBlocks(label)
        g = sp.coo_matrix((np.ones(int(merge.sum())), (r[merge], c[merge])), shape=(nb, nb))
        _, comp = connected_components(g, directed=False)
        label = comp[label]


class LiouvilleSectors:
    """Reachable block pairs of a model's Liouville space, grouped into sectors.

    Parameters
    ----------
    blocks : HilbertBlocks
        The Hilbert-space partition.
    pairs : ndarray of int, shape (P, 2)
        Reachable block pairs ``(a, b)``.
    sector : ndarray of int, shape (P,)
        Sector of every pair.
    mirror : ndarray of int, shape (n_sectors,)
        Sector holding the Hermitian conjugates ``(b, a)`` of each sector.

    Attributes
    ----------
    n_sectors : int
        Number of sectors.
    kept : list of int
        Sectors to propagate: one of each mirror pair (the lower index).
    """

    def __init__(self, blocks: HilbertBlocks, pairs: np.ndarray, sector: np.ndarray,
                 mirror: np.ndarray):
        self.blocks, self.pairs, self.sector = blocks, pairs, sector
        self.n_sectors = int(mirror.size)
        self.mirror = mirror
        self.kept = [s for s in range(self.n_sectors) if mirror[s] >= s]

    def elements(self, s: int) -> tuple[np.ndarray, np.ndarray]:
        """Matrix elements ``(rows, cols)`` of sector ``s``, block pair by block pair.

        Parameters
        ----------
        s : int
            Sector index, ``0..n_sectors-1``.

        Returns
        -------
        rows, cols : ndarray of int
            Row and column indices of the sector's elements, each block pair's elements
            row-major; length :meth:`size`.
        """
        hb = self.blocks
        order = np.concatenate(hb.members) if hb.members else np.empty(0, np.int64)
        start = np.concatenate([[0], np.cumsum(hb.size)[:-1]])
        p = self.pairs[self.sector == s]
        sa, sb = hb.size[p[:, 0]], hb.size[p[:, 1]]
        cnt = sa * sb
        total = int(cnt.sum())
        which = np.repeat(np.arange(p.shape[0]), cnt)
        k = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        nb_ = sb[which]
        rows = order[start[p[which, 0]] + k // nb_]
        cols = order[start[p[which, 1]] + k % nb_]
        return rows, cols

    def size(self, s: int) -> int:
        """Number of matrix elements of sector ``s``.

        Parameters
        ----------
        s : int
            Sector index, ``0..n_sectors-1``.

        Returns
        -------
        int
            ``sum`` over the sector's block pairs ``(a, b)`` of ``size[a] * size[b]``.
        """
        sz = self.blocks.size
        p = self.pairs[self.sector == s]
        return int((sz[p[:, 0]] * sz[p[:, 1]]).sum())


def liouville_sectors(terms: LindbladTerms, rho0: np.ndarray,
                      blocks: HilbertBlocks | None = None) -> LiouvilleSectors:
    """Block pairs reachable from the support of ``rho0`` under the generator, and their sectors.

    The sectors are the connected components of the pair graph (weak symmetries, Buca &
    Prosen, New J. Phys. 14, 073007 (2012)); every element outside them stays exactly zero.

    Parameters
    ----------
    terms : LindbladTerms
        The model's generator pieces (:func:`qbtoolkit.dynamics.lindblad.lindblad_terms`).
    rho0 : ndarray, shape (d, d)
        Initial density matrix (only its support is used).
    blocks : HilbertBlocks, optional
        The partition; default :func:`hilbert_blocks` of ``terms``.

    Returns
    -------
    LiouvilleSectors
        The reachable pairs, their sectors and the mirror of each sector.

    Raises
    ------
    ValueError
        The support of ``rho0`` is not symmetric (``rho0`` not Hermitian).

    Examples
    --------
    From ``|e g>`` with charger decay only the one-excitation populations/coherences and the
    ground state are reachable: one sector of ``4 + 1`` elements instead of 16.

    >>> import qbtoolkit as qb
    >>> from qbtoolkit.dynamics.conserved import liouville_sectors
    >>> from qbtoolkit.dynamics.lindblad import lindblad_terms
    >>> model = qb.models.charger_battery(J=1.0, gamma=0.1)
    >>> sectors = liouville_sectors(lindblad_terms(model), model.rho0.full())
    >>> sectors.n_sectors, sectors.pairs.tolist(), sectors.size(0)
    (1, [[0, 0], [1, 1]], 5)
    """
    hb = hilbert_blocks(terms) if blocks is None else blocks
    nb = hb.nb
    cut = STRUCTURAL_RTOL * max(terms.scale(), np.finfo(float).tiny)
    moves = [(hb.block_map(A, cut), hb.block_map(sp.csr_matrix(B.T), cut))
             for _, A, B in terms.jumps]
    i, j = np.nonzero(rho0)
    start = np.unique(hb.label[i] * nb + hb.label[j])
    seen, frontier = start, start
    while frontier.size:
        a, b = frontier // nb, frontier % nb
        new = []
        for pa, pb in moves:
            ta, tb = pa[a], pb[b]
            ok = (ta >= 0) & (tb >= 0)
            new.append(ta[ok] * nb + tb[ok])
        cand = np.unique(np.concatenate(new)) if new else np.empty(0, np.int64)
        frontier = np.setdiff1d(cand, seen, assume_unique=True)
        seen = np.union1d(seen, frontier)
    codes = seen
    a, b = codes // nb, codes % nb
    src, dst = [], []
    for pa, pb in moves:
        ta, tb = pa[a], pb[b]
        ok = (ta >= 0) & (tb >= 0)
        src.append(np.nonzero(ok)[0])
        dst.append(np.searchsorted(codes, ta[ok] * nb + tb[ok]))
    P = codes.size
    if src:
        s, t = np.concatenate(src), np.concatenate(dst)
    else:
        s = t = np.empty(0, np.int64)
    g = sp.coo_matrix((np.ones(s.size), (s, t)), shape=(P, P))
    n_s, sector = connected_components(g, directed=False)
    # mirror: the sector of (b, a)
    mir_idx = np.searchsorted(codes, b * nb + a)
    if np.any(mir_idx >= P) or np.any(codes[np.minimum(mir_idx, P - 1)] != b * nb + a):
        raise ValueError("rho0 must be Hermitian: its support is not symmetric")
    mirror = np.full(n_s, -1, dtype=np.int64)
    mirror[sector] = sector[mir_idx]
    # order sectors by their smallest pair, so the numbering is reproducible
    return LiouvilleSectors(hb, np.stack([a, b], axis=1), sector.astype(np.int64), mirror)


def model_permutations(terms: LindbladTerms, rho0: np.ndarray, dims: Sequence[int],
                       rtol: float = 1e-10, seed: int = 0) -> list[np.ndarray]:
    """Basis maps of the cell relabellings that leave the generator and ``rho0`` invariant.

    ``rho(t)`` is then invariant at all times. Candidates are
    :func:`~qbtoolkit.dynamics.structure.candidate_cell_permutations` of the subsystems, when
    they all have one dimension. Each is verified exactly: ``P H P^T = H``, ``P K P^T = K`` and
    ``P rho0 P^T = rho0`` to ``rtol`` relative to the operator's largest entry, and the jump
    superoperator ``sum_t c_t A_t . B_t`` either term by term (each relabelled term equals a
    term of the model) or, when the relabelling mixes the jump operators (e.g. diagonalised
    collective channels), on a random matrix.

    Parameters
    ----------
    terms : LindbladTerms
        The model's generator pieces (:func:`qbtoolkit.dynamics.lindblad.lindblad_terms`).
    rho0 : ndarray, shape (d, d)
        Initial density matrix.
    dims : sequence of int
        Subsystem dimensions (tensor order).
    rtol : float, default 1e-10
        Relative tolerance of the invariance checks.
    seed : int, default 0
        Seed of the random test matrix.

    Returns
    -------
    list of ndarray of int, shape (d,)
        The basis index maps ``g`` of the verified relabellings (empty if the subsystems differ
        in dimension or there are fewer than two).
    """
    dims = [int(x) for x in dims]
    if len(dims) < 2 or len(set(dims)) != 1:
        return []
    r0 = np.abs(rho0).max()
    out = []
    for perm in candidate_cell_permutations(len(dims)):
        g = subsystem_permutation_map(dims, perm)

        def conj(M: sp.csr_matrix, g: np.ndarray = g) -> sp.csr_matrix:
            """``P M P^T``: entry ``(i, j)`` moved to ``(g_i, g_j)``."""
            c = M.tocoo()
            return sp.csr_matrix((c.data, (g[c.row], g[c.col])), shape=M.shape)

        if not (_close(conj(terms.H), terms.H, rtol) and _close(conj(terms.K), terms.K, rtol)):
            continue
        if np.abs(rho0[np.ix_(g, g)] - rho0).max() > rtol * r0:
            continue
        if _jumps_invariant(terms, conj, rtol) or _jumps_invariant_random(terms, g, rtol,
                                                                          seed):
            out.append(g)
    return out


def _close(X: sp.csr_matrix, Y: sp.csr_matrix, rtol: float) -> bool:
    D = sp.csr_matrix(X - Y)
    if D.nnz == 0:
        return True
    ref = max(float(np.abs(X.data).max(initial=0.0)), float(np.abs(Y.data).max(initial=0.0)))
    return float(np.abs(D.data).max()) <= rtol * ref


def _jumps_invariant(terms: LindbladTerms, conj: Any, rtol: float) -> bool:
    """Every relabelled jump term is a term of the model (coefficients and both operators
    equal to ``rtol``)."""
    remaining = list(range(len(terms.jumps)))
    for c, A, B in terms.jumps:
        A2, B2 = conj(A), conj(B)
        for k in remaining:
            c3, A3, B3 = terms.jumps[k]
            if abs(c3 - c) <= rtol * max(abs(c), abs(c3)) and _close(A2, A3, rtol) and \
                    _close(B2, B3, rtol):
                remaining.remove(k)
                break
        else:
            return False
    return True


def _jumps_invariant_random(terms: LindbladTerms, g: np.ndarray, rtol: float,
                            seed: int) -> bool:
    d = terms.d
    if d > 4096:
        return False
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))

    def J(Y: np.ndarray) -> np.ndarray:
        out = np.zeros((d, d), dtype=complex)
        for c, A, B in terms.jumps:
            out += c * (A @ (B.T @ Y.T).T)
        return out

    lhs = J(X)[np.ix_(g, g)]
    rhs = J(X[np.ix_(g, g)])
    return float(np.abs(lhs - rhs).max()) <= rtol * max(float(np.abs(lhs).max()), 1e-300)
