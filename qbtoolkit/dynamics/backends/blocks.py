"""Exact block-by-block propagation of phase-covariant models (networks of decaying cells).

For the self-discharging networks of :func:`qbtoolkit.models.network` (and any model with the
same structure) the battery Hamiltonian ``H_b`` is diagonal, commutes with ``H`` and every
jump operator lowers or raises ``H_b`` by a fixed amount. Then the Liouvillian ``L``

1. **splits into independent blocks** labelled by the energy difference
   ``Delta = e_i - e_j`` of the matrix element ``rho_ij`` (``U(1)`` symmetry: excitation-number
   difference for networks). Blocks with ``Delta < 0`` are the Hermitian conjugates of those
   with ``Delta > 0`` and are never propagated, which halves the work;
2. **is time independent in the frame rotating with H_b**: in block ``Delta`` the lab-frame
   generator is ``L_rot - i Delta``, a scalar shift applied exactly as a phase
   ``exp(-i Delta t)``;
3. is assembled once, directly, as one CSR matrix per block (int32 indices) from the
   Kossakowski structure ``sum_nm G_nm sigma_n rho sigma_m^dag`` (``N + 2 E`` sparse terms)
   rather than from the diagonalised collapse operators (``N^2`` terms);
4. **keeps one number per orbit of the graph's symmetries** (:mod:`qbtoolkit.dynamics.structure`):
   the cell permutations (chain reflection, ring rotations, star leaf exchanges) that leave the
   initial state invariant and commute with a block's generator (checked numerically) are
   used to propagate orbit sums only. Exact; an open chain propagates about half the elements,
   a ring of N cells about ``1 / 2N``.

It is propagated by :class:`~qbtoolkit.dynamics.backends.taylor.TaylorPropagator`. Energy,
l1 coherence and two-cell states come straight from the propagated vectors; full ``d x d``
states are assembled only when they are stored or a metric needs them, a few at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..._validate import check_choice
from ...metrics import concurrence, energy, ergotropy, l1_coherence
from ...models.base import BatteryModel
from ..lindblad import as_csr, lindblad_terms
from ..structure import (
    candidate_cell_permutations,
    cell_permutation_map,
    commuting,
    orbit_labels,
    reduce_block,
)
from .base import Backend, Request
from .taylor import TaylorPropagator

__all__ = ["BACKEND", "BlockPropagator", "is_phase_covariant", "OBSERVABLES"]

#: Quantities the block solver computes natively (cheaply) during integration.
OBSERVABLES = ("energy", "ergotropy", "efficiency", "l1_coherence", "coherence", "concurrence")
_OBS_UNITS = {"energy": "energy (units of H_battery)", "ergotropy": "energy (units of H_battery)"}

#: Relative tolerance of the structure checks and of the grouping of energy levels: a
#: fraction of the spread of H_battery's spectrum (or of the operators' largest entries).
_RTOL = 1e-9


def _spread(e: np.ndarray) -> float:
    """Spread of the battery spectrum: the energy scale every level comparison uses (the
    tiniest positive float for a fully degenerate spectrum, where no comparison matters)."""
    return max(float(np.ptp(e)) if e.size else 0.0, np.finfo(float).tiny)


def _clusters(x: np.ndarray, tol: float) -> np.ndarray:
    """Label values closer than ``tol`` to a neighbour as one (sorted-gap clustering:
    independent of any offset, no rounding boundaries)."""
    order = np.argsort(x, kind="stable")
    new = np.concatenate([[0], np.diff(x[order]) > tol]).astype(np.int64)
    lab = np.empty(x.size, dtype=np.int64)
    lab[order] = np.cumsum(new)
    return lab


def _shift(A: sp.csr_matrix, e: np.ndarray) -> float | None:
    """Energy change ``e_row - e_col`` common to all nonzeros of ``A`` (None if mixed)."""
    coo = A.tocoo()
    if coo.nnz == 0 or not np.any(coo.data):
        return 0.0
    mask = np.abs(coo.data) > 1e-14 * np.abs(coo.data).max()
    diff = e[coo.row[mask]] - e[coo.col[mask]]
    if np.ptp(diff) > _RTOL * _spread(e):
        return None
    return float(diff[0])


def is_phase_covariant(model: BatteryModel) -> bool:
    """True when the block solver applies to ``model``.

    ``H_battery`` is diagonal on the whole system, ``[H, H_battery] = 0`` and every dissipative
    term shifts ``H_battery`` by a fixed amount (energy-difference blocks are then conserved).

    Parameters
    ----------
    model : BatteryModel
        The model.

    Returns
    -------
    bool
        Whether ``evolve(model, ..., method="blocks")`` can run it.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.dynamics.backends.blocks import is_phase_covariant
    >>> is_phase_covariant(qb.models.network(3, "ring", J=1.0, gamma_collective=0.5))
    True
    >>> is_phase_covariant(qb.models.driven_atom(Omega=1.0, gamma=1.0))  # the drive mixes blocks
    False
    """
    try:
        _check_structure(model)
    except ValueError:
        return False
    return True


def _check_structure(model: BatteryModel):
    if model.superoperator is not None:
        raise ValueError("method='blocks' needs a model given by H and c_ops (no extra "
                         "superoperator): use method='expm' or 'mesolve'")
    if model.is_time_dependent:
        raise ValueError("method='blocks' needs a time-independent model")
    if not model.is_whole_system:
        raise ValueError("method='blocks' needs the battery to be the whole system")
    Hb = as_csr(model.H_battery)
    e = Hb.diagonal().real
    if Hb.nnz and abs(Hb - sp.diags(e)).max() > _RTOL * abs(Hb).max():
        raise ValueError("method='blocks' needs a diagonal H_battery (computational basis)")
    terms = lindblad_terms(model)
    H, K = terms.H, terms.K
    tol_e = _RTOL * _spread(e)
    # [H, H_b]_ij = H_ij (e_j - e_i): compared with the largest possible entry
    if H.nnz and (abs(H @ Hb - Hb @ H).max() > _RTOL * abs(H).max() * _spread(e)):
        raise ValueError("method='blocks' needs [H, H_battery] = 0")
    sk = _shift(K, e)
    if sk is None or abs(sk) > tol_e:
        raise ValueError("method='blocks' needs dissipators that conserve H_battery's blocks")
    for _, A, B in terms.jumps:
        sa, sb = _shift(A, e), _shift(B, e)
        if sa is None or sb is None or abs(sa + sb) > tol_e:
            raise ValueError("method='blocks' needs jump operators with a fixed energy shift")
    return e, H - sp.diags(e), K, terms.jumps


class BlockPropagator:
    """Exact propagator of a phase-covariant Lindblad model, block by block.

    The ``Delta >= 0`` blocks are stacked into one vector of length ``n`` (block ``b`` at
    ``blocks[b]["start"]``, entries ``rho[rows[k], cols[k]]`` in the original basis); ``A`` is
    the list of the blocks' CSR generators (int32 indices, frame rotating with ``H_battery``),
    built block by block so the construction never holds more than one block's triplets.

    Parameters
    ----------
    model : BatteryModel
        Model with diagonal ``H_battery`` on the whole system, ``[H, H_battery] = 0`` and
        energy-homogeneous dissipators (e.g. :func:`qbtoolkit.models.network`); otherwise
        ValueError.
    tol : float, default 1e-12
        Taylor truncation tolerance per window (see :class:`TaylorPropagator`).
    symmetry : bool, default True
        Propagate one element per orbit of the cell permutations (reflection, rotation, leaf
        exchanges; :mod:`qbtoolkit.dynamics.structure`) that leave the model's initial state and a
        block's generator invariant, checked numerically block by block. Exact; about half
        the work for an open chain, far less for a ring or a star. ``False`` propagates every
        element (needed to propagate initial states without the model's symmetry).
    """

    def __init__(self, model: BatteryModel, tol: float = 1e-12, symmetry: bool = True):
        e, H_rot, K, jumps = _check_structure(model)
        self.model = model
        self.d = d = len(e)
        # levels and level differences grouped to a fraction of the spectrum's spread
        tol_e = _RTOL * _spread(e)
        level_of = _clusters(e, tol_e)
        nl = int(level_of.max()) + 1
        E = np.bincount(level_of, e, minlength=nl) / np.bincount(level_of, minlength=nl)
        members = [np.nonzero(level_of == a)[0] for a in range(nl)]
        diffs = E[:, None] - E[None, :]
        dkey = _clusters(diffs.ravel(), tol_e).reshape(nl, nl)
        dkey = dkey - dkey[0, 0]  # Delta = 0 is key 0; Delta > 0 positive
        rows, cols = [], []
        self.blocks: list[dict[str, Any]] = []
        start = 0
        for dk in np.unique(dkey[dkey >= 0]):
            pairs = [tuple(map(int, p)) for p in zip(*np.nonzero(dkey == dk), strict=True)]
            b0 = start
            for a, b in pairs:
                ra, cb = members[a], members[b]
                rows.append(np.repeat(ra, len(cb)).astype(np.int32))
                cols.append(np.tile(cb, len(ra)).astype(np.int32))
                start += len(ra) * len(cb)
            self.blocks.append(dict(delta=float(diffs[pairs[0]]), pairs=pairs, start=b0,
                                    size=start - b0))
        self.n = start
        self.rows = np.concatenate(rows)
        self.cols = np.concatenate(cols)
        del rows, cols
        pos = np.full((d, d), -1, dtype=np.int32)
        pos[self.rows, self.cols] = np.arange(self.n, dtype=np.int32)
        eye = sp.identity(d, dtype=complex, format="csr")
        A_left = sp.csr_matrix(-1j * H_rot - 0.5 * K)
        A_right = sp.csr_matrix(1j * H_rot - 0.5 * K)
        terms = [(1.0 + 0j, A_left, eye), (1.0 + 0j, eye, A_right)] + list(jumps)
        grouped = [self._group(c, A, B, level_of, nl) for c, A, B in terms]
        maps = self._symmetry_maps(pos) if symmetry else []
        # each block is built, reduced to its orbit representatives and compressed before
        # the next, so the construction holds one block's triplets at a time
        mats, labels, sizes, segments, r0 = [], [], [], [], 0
        for blk in self.blocks:
            s0, n = blk["start"], blk["size"]
            M = self._build_block(blk, grouped, pos)
            local = commuting(M, [g[s0:s0 + n] - s0 for g in maps])
            M, lab, size = reduce_block(M, orbit_labels(local, n))
            mats.append(M)
            labels.append(lab + r0)
            sizes.append(size)
            segments.append((r0, r0 + len(size), blk["delta"]))
            blk["reduced_start"], blk["reduced_size"] = r0, len(size)
            r0 += len(size)
            del M
        del grouped, pos, maps
        #: reduced index of every stacked element, and 1 / orbit size of every reduced index
        self.label = np.concatenate(labels).astype(np.int64)
        self.inv_size = 1.0 / np.concatenate(sizes)
        self.n_propagated = r0
        self._reduced = r0 < self.n
        self.taylor = TaylorPropagator(mats, segments, tol=tol)
        del mats
        n0, m0 = self.blocks[0]["size"], self.blocks[0]["reduced_size"]
        diag0 = self.rows[:n0] == self.cols[:n0]
        # the observables are linear in v or |v|, constant on orbits: weights summed per orbit
        self._energy_w = self._fold(np.where(diag0, e[self.rows[:n0]], 0.0), m0)
        w = np.full(self.n, 2.0)
        w[:n0] = np.where(diag0, 0.0, 1.0)
        self._l1_w = self._fold(w, r0)
        self._flat: np.ndarray | None = None
        self._flat_t: np.ndarray | None = None
        self._pair_proj: dict[tuple, tuple[sp.csr_matrix, sp.csr_matrix]] = {}

    def _fold(self, weights: np.ndarray, m: int) -> np.ndarray:
        """Weights of the reduced vector for a linear functional of the stacked vector."""
        lab = self.label[:len(weights)]
        return np.bincount(lab, weights, minlength=m) * self.inv_size[:m]

    def _symmetry_maps(self, pos: np.ndarray) -> list[np.ndarray]:
        """Stacked-index maps of the candidate cell permutations that leave the model's
        initial state invariant (qubit registers only)."""
        N = int(round(np.log2(self.d))) if self.d > 1 else 0
        if 2**N != self.d:
            return []
        v0 = self.model.rho0.full()[self.rows, self.cols]
        scale = float(np.abs(v0).max())
        maps = []
        for perm in candidate_cell_permutations(N):
            g = cell_permutation_map(N, perm)
            gk = pos[g[self.rows], g[self.cols]]
            if np.all(gk >= 0) and np.abs(v0[gk] - v0).max() <= 1e-12 * scale:
                maps.append(gk.astype(np.int64))
        return maps

    @staticmethod
    def _group(coef: complex, A: sp.csr_matrix, B: sp.csr_matrix, level_of: np.ndarray,
               nl: int) -> tuple[list, list]:
        """Nonzeros of ``A`` grouped by the level of their row, of ``B`` by their column."""
        a, b = A.tocoo(), B.tocoo()
        ka, kb = np.abs(a.data) > 0, np.abs(b.data) > 0
        ar, ac, av = a.row[ka], a.col[ka], coef * a.data[ka]
        br, bc, bv = b.row[kb], b.col[kb], b.data[kb]
        oa = np.argsort(level_of[ar], kind="stable")
        ob = np.argsort(level_of[bc], kind="stable")
        sa = np.searchsorted(level_of[ar][oa], np.arange(nl + 1))
        sb = np.searchsorted(level_of[bc][ob], np.arange(nl + 1))
        A_by = [(ar[oa[sa[x]:sa[x + 1]]], ac[oa[sa[x]:sa[x + 1]]], av[oa[sa[x]:sa[x + 1]]])
                for x in range(nl)]
        B_by = [(br[ob[sb[x]:sb[x + 1]]], bc[ob[sb[x]:sb[x + 1]]], bv[ob[sb[x]:sb[x + 1]]])
                for x in range(nl)]
        return A_by, B_by

    def _build_block(self, blk: dict[str, Any], grouped, pos: np.ndarray,
                     max_pairs: int = 4_000_000) -> sp.csr_matrix:
        """CSR of ``rho -> sum c A rho B`` on one ``Delta`` block (local indices)."""
        s0, n = blk["start"], blk["size"]
        R, C, V = [], [], []
        for A_by, B_by in grouped:
            for a, b in blk["pairs"]:
                ar, ac, av = A_by[a]
                br, bc, bv = B_by[b]
                if ar.size == 0 or br.size == 0:
                    continue
                step = max(1, max_pairs // br.size)
                for s in range(0, ar.size, step):
                    out = pos[ar[s:s + step, None], bc[None, :]].ravel()
                    inp = pos[ac[s:s + step, None], br[None, :]].ravel()
                    if np.any((inp < s0) | (inp >= s0 + n)):  # pragma: no cover
                        raise ValueError("dissipator mixes different Delta blocks")
                    R.append(out - s0)
                    C.append(inp - s0)
                    V.append((av[s:s + step, None] * bv[None, :]).ravel())
        if not R:
            return sp.csr_matrix((n, n), dtype=complex)
        L = sp.coo_matrix((np.concatenate(V), (np.concatenate(R), np.concatenate(C))),
                          shape=(n, n))
        del R, C, V
        L = L.tocsr()
        L.sum_duplicates()
        L.eliminate_zeros()
        return L

    @property
    def nnz(self) -> int:
        """Stored nonzeros of the generator (all ``Delta >= 0`` blocks)."""
        return int(self.taylor.nnz)

    @property
    def matvecs(self) -> int:
        """Sparse matrix-vector products done so far."""
        return self.taylor.matvecs

    # -- state <-> stacked vector -------------------------------------------------------------
    def split(self, rho: np.ndarray) -> np.ndarray:
        """Propagated vector of a density matrix given in the original basis.

        The stacked ``Delta >= 0`` elements, summed over the symmetry orbits.

        Parameters
        ----------
        rho : ndarray, shape (d, d)
            Density matrix; it must share the model's symmetry when the propagator uses it.

        Returns
        -------
        ndarray, complex, shape (n_propagated,)
            The vector the propagator evolves.

        Raises
        ------
        ValueError
            ``rho`` lacks the cell-permutation symmetry the propagator exploits (build it with
            ``symmetry=False``).
        """
        v = np.asarray(rho)[self.rows, self.cols].astype(complex)
        if not self._reduced:
            return v
        w = (np.bincount(self.label, v.real, minlength=self.n_propagated)
             + 1j * np.bincount(self.label, v.imag, minlength=self.n_propagated))
        err = np.abs(self.expand(w[None])[0] - v).max()
        if err > 1e-10 * float(np.abs(v).max()):
            raise ValueError(
                "rho0 lacks the cell-permutation symmetry of the model's initial state that "
                "this propagator exploits; build it with symmetry=False")
        return w

    def expand(self, W: np.ndarray) -> np.ndarray:
        """Stacked ``Delta >= 0`` vectors from propagated ones (orbits expanded).

        Parameters
        ----------
        W : ndarray, shape (p, n_propagated)
            Propagated vectors (as passed to the ``propagate`` callback).

        Returns
        -------
        ndarray, complex, shape (p, n)
            The elements ``rho[rows[k], cols[k]]`` of every stacked block.
        """
        W = np.atleast_2d(W)
        if not self._reduced:
            return W
        return W[:, self.label] * self.inv_size[self.label]

    def assemble(self, W: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Density matrices (original basis) from propagated vectors.

        Parameters
        ----------
        W : ndarray, shape (p, n_propagated)
            Propagated vectors.
        out : ndarray, shape (p, d, d), optional
            A zero-filled C-contiguous complex array, filled in place.

        Returns
        -------
        ndarray, complex, shape (p, d, d)
            The density matrices (``out`` if given).
        """
        V = self.expand(W)
        p, d = V.shape[0], self.d
        if out is None:
            out = np.zeros((p, d, d), dtype=complex)
        flat = out.reshape(p, d * d)
        if self._flat is None:
            self._flat = self.rows.astype(np.int64) * d + self.cols
            n0 = self.blocks[0]["size"]
            self._flat_t = self.cols[n0:].astype(np.int64) * d + self.rows[n0:]
        flat[:, self._flat_t] = V[:, self.blocks[0]["size"]:].conj()
        flat[:, self._flat] = V
        return out

    def pair_states(self, V: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """Two-cell reduced states straight from propagated vectors.

        Same as :func:`qbtoolkit.metrics.graph.pair_reduced_states` of the assembled states (basis
        ``|b_min b_max>``), via a sparse projection: no ``d x d`` state is formed.

        Parameters
        ----------
        V : ndarray, shape (p, n_propagated)
            Propagated vectors.
        pairs : sequence of (int, int)
            ``P`` pairs of distinct cells.

        Returns
        -------
        ndarray, complex, shape (p, P, 4, 4)
            The reduced density matrix of every pair at every time.
        """
        key = tuple((min(int(a), int(b)), max(int(a), int(b))) for a, b in pairs)
        if key not in self._pair_proj:
            N = int(round(np.log2(self.d)))
            r, c = self.rows.astype(np.int64), self.cols.astype(np.int64)
            n0 = self.blocks[0]["size"]
            R, C = [], []
            for e, (a, b) in enumerate(key):
                ba, bb = N - 1 - a, N - 1 - b
                others = (self.d - 1) & ~((1 << ba) | (1 << bb))
                k = np.nonzero(((r ^ c) & others) == 0)[0]
                x = 2 * ((r[k] >> ba) & 1) + ((r[k] >> bb) & 1)
                y = 2 * ((c[k] >> ba) & 1) + ((c[k] >> bb) & 1)
                R.append(16 * e + 4 * x + y)
                C.append(k)
            R, C = np.concatenate(R), np.concatenate(C)
            shape = (16 * len(key), self.n)
            P_all = sp.csr_matrix((np.ones(R.size), (R, C)), shape=shape)
            pos = C >= n0
            P_pos = sp.csr_matrix((np.ones(int(pos.sum())), (R[pos], C[pos])), shape=shape)
            if self._reduced:  # v = Q D^-1 w
                Q = sp.csr_matrix((self.inv_size[self.label], (np.arange(self.n), self.label)),
                                  shape=(self.n, self.n_propagated))
                P_all, P_pos = sp.csr_matrix(P_all @ Q), sp.csr_matrix(P_pos @ Q)
            self._pair_proj[key] = (P_all, P_pos)
        P_all, P_pos = self._pair_proj[key]
        V = np.atleast_2d(V)
        X = (P_all @ V.T).T.reshape(len(V), len(key), 4, 4)
        Y = (P_pos @ V.T).T.reshape(len(V), len(key), 4, 4)
        return X + Y.conj().swapaxes(-1, -2)

    # -- propagation ----------------------------------------------------------------------------
    def propagate(
        self,
        tlist: np.ndarray,
        callback: Callable[[np.ndarray, np.ndarray], None],
        rho0: np.ndarray | None = None,
        max_bytes: float = 1e9,
    ) -> None:
        """Propagate ``rho0`` (default: the model's) over ``tlist``.

        ``callback(times, W)`` receives, window by window, the lab-frame propagated vectors ``W``
        of shape ``(len(times), n_propagated)`` (see :meth:`expand`, :meth:`assemble`,
        :meth:`energy`).

        Parameters
        ----------
        tlist : ndarray, shape (T,)
            Increasing output times ``>= 0`` (``rho0`` is the state at ``t = 0``).
        callback : callable
            ``callback(times, W)``, called once per window in time order.
        rho0 : ndarray, shape (d, d), optional
            Initial density matrix; default the model's.
        max_bytes : float, default 1e9
            At most this many bytes of output vectors are held at a time.

        Raises
        ------
        ValueError
            ``rho0`` lacks the symmetry the propagator exploits (see :meth:`split`).
        """
        rho0 = self.model.rho0.full() if rho0 is None else rho0
        tlist = np.asarray(tlist, dtype=float)
        rows = int(max(1, max_bytes // (16 * self.n_propagated)))
        for sl, V in self.taylor.run(self.split(rho0), tlist, max_rows=rows):
            callback(tlist[sl], V)

    # -- cheap observables straight from the stacked vectors ------------------------------------
    def energy(self, W: np.ndarray) -> np.ndarray:
        """``Tr(rho H_battery)`` of propagated vectors, from the ``Delta = 0`` block.

        Parameters
        ----------
        W : ndarray, shape (..., n_propagated)
            Propagated vectors.

        Returns
        -------
        ndarray, shape (...)
            Energies (units of ``H_battery``).
        """
        m0 = self.blocks[0]["reduced_size"]
        return np.asarray(W)[..., :m0].real @ self._energy_w

    def l1_coherence(self, W: np.ndarray) -> np.ndarray:
        """``sum_{i != j} |rho_ij|`` of propagated vectors, both triangles.

        The elements of an orbit share one modulus, so the orbit sums suffice.

        Parameters
        ----------
        W : ndarray, shape (..., n_propagated)
            Propagated vectors.

        Returns
        -------
        ndarray, shape (...)
            l1 coherence in the computational basis (dimensionless).
        """
        return np.abs(W) @ self._l1_w


def run(req: Request) -> dict[str, Any]:
    model, sink, opts = req.model, req.sink, req.options
    obs = tuple(opts["observables"])
    for o in obs:
        check_choice(o, "observables", OBSERVABLES)
    edges = opts["edges"]
    if "concurrence" in obs:
        edges = model.params.get("edges") if edges is None else edges
        if not edges:
            raise ValueError("observable 'concurrence' needs edges (a graph with >= 1 edge)")
    prop = BlockPropagator(model, tol=opts["tol"], symmetry=opts["symmetry"])
    for o in obs:
        sink.claim(o, _OBS_UNITS.get(o, "dimensionless"))
    native: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    if model.representation is None:
        for name, fn in sink.metrics.items():
            if fn is energy:
                native[name] = prop.energy
            elif fn is l1_coherence:
                native[name] = prop.l1_coherence
    for name in native:
        sink.claim(name)
    Hb = model.H_battery.full()
    need_erg = bool(set(obs) & {"ergotropy", "efficiency"})
    need_full = sink.needs_states or need_erg
    sub = int(max(1, min(opts["max_bytes"], 2.5e8) // (16 * prop.d * prop.d)))

    last: list[np.ndarray] = []

    def callback(ts: np.ndarray, V: np.ndarray) -> None:
        last[:] = [V[-1:]]
        vals: dict[str, np.ndarray] = {k: f(V) for k, f in native.items()}
        U = prop.energy(V) if set(obs) & {"energy", "efficiency"} else None
        if "energy" in obs:
            vals["energy"] = U
        if set(obs) & {"l1_coherence", "coherence"}:
            c = prop.l1_coherence(V)
            if "l1_coherence" in obs:
                vals["l1_coherence"] = c
            if "coherence" in obs:
                vals["coherence"] = c / (prop.d - 1)
        if "concurrence" in obs:
            vals["concurrence"] = concurrence(prop.pair_states(V, edges)).mean(axis=-1)
        if not need_full:
            sink.add(None, vals, count=len(ts))
            return
        for s in range(0, len(ts), sub):
            q = min(sub, len(ts) - s)
            batch = prop.assemble(V[s:s + q])
            part = {k: v[s:s + q] for k, v in vals.items()}
            if need_erg:
                W = np.atleast_1d(ergotropy(batch, Hb))
                if "ergotropy" in obs:
                    part["ergotropy"] = W
                if "efficiency" in obs:
                    part["efficiency"] = W / U[s:s + q]
            sink.add(batch if sink.needs_states else None, part, count=q)

    prop.propagate(req.times, callback, rho0=req.rho0.full(), max_bytes=opts["max_bytes"])
    if sink.final_state is None:  # no states were handed over: keep the last one anyway
        sink.final_state = prop.assemble(last[0])[0]
    return {"route": "blocks", "blocks": len(prop.blocks), "elements": prop.n,
            "propagated": prop.n_propagated, "generator_nnz": prop.nnz,
            "matvecs": prop.matvecs}


BACKEND = Backend(
    name="blocks",
    run=run,
    options={"tol": 1e-12, "symmetry": True, "max_bytes": 1e9, "observables": (),
             "edges": None},
    summary="exact Taylor propagation block by block (energy-difference sectors, cell "
            "permutations) for phase-covariant models such as models.network",
)
