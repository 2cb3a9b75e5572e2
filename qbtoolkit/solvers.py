"""Fast exact propagation for phase-covariant models (networks of decaying cells).

Two routes, both much faster than ``qutip.mesolve`` on the lab-frame Liouvillian:

Block route (any topology): :class:`BlockPropagator`, ``evolve(model, t, method="blocks")``
-----------------------------------------------------------------------------------------
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
4. **keeps one number per orbit of the graph's symmetries** (:mod:`qbtoolkit.symmetry`): the
   cell permutations (chain reflection, ring rotations, star leaf exchanges) that leave the
   initial state invariant and commute with a block's generator (checked numerically) are
   used to propagate orbit sums only. Exact; an open chain propagates about half the elements,
   a ring of N cells about ``1 / 2N``.

It is propagated by :class:`TaylorPropagator`: an exact truncated Taylor series of
``exp(h A) v`` on windows of length ``h`` chosen from the *exact* (cheap, O(nnz)) matrix 1-norm,
with a rigorous a-posteriori truncation bound, and with every output time inside a window
evaluated from the same Taylor vectors (one BLAS product), so 200 output times cost about as
much as a single propagation to the final time. No ODE integrator, no ``onenormest``.
Metrics are computed window by window, so large networks never hold the trajectory.

Permutation route (all-to-all, uniform): ``evolve(model, t, method="permutation")``
----------------------------------------------------------------------------------
(or :func:`network_permutation_dynamics` without building the ``2^N`` model).
For the ``"all_to_all"`` topology with uniform parameters the model is invariant under
permutations of the cells. With ``G_nn = gamma``, ``G_nm = gamma_c`` (n != m), ``sigma_n`` the
lowering operator of cell n and ``J_- = sum_n sigma_n``::

    sum_{n,m} G_nm sigma_n rho sigma_m^+ = (gamma - gamma_c) sum_n sigma_n rho sigma_n^+
                                           + gamma_c J_- rho J_+

(the anticommutator terms follow the same way): local emission at ``gamma - gamma_c`` plus
collective emission ``gamma_c D[J_-]``. The couplings (``sz = diag(-1, +1)``)::

    J sum_{n<m} sz_n sz_m             = (J / 2) ((2 J_z)^2 - N)      (coupling="zz")
    J sum_{n<m} (s_n^+ s_m^- + h.c.)  = J (J_+ J_- - J_z - N / 2)    (coupling="xy")

are diagonal in the Dicke basis ``|j, m>`` (``J_z = m``, excitations ``m + N/2``). The
``decay="paper"`` variant halves every rate and adds ``sqrt(gamma/2) sigma^+ sigma^-`` per cell,
which is local dephasing ``(gamma/8) D[sigma_z]`` (= PIQS ``dephasing = gamma/2``).
:func:`permutation_liouvillian` builds this Liouvillian with :mod:`qutip.piqs`; the route
propagates it on the ``O(N^3)`` Dicke-basis elements (instead of ``4^N``), split by
``Delta m`` in the frame rotating with ``omega J_z``, with :class:`TaylorPropagator`. Ergotropy
accounts for the Dicke-block degeneracies through
:func:`qbtoolkit.models.collective.permutation_invariant_ergotropy`.

Accuracy: PIQS (qutip 5.3.1) evaluates its rates in single precision (``cdef float`` in
``qutip/piqs/_piqs.pyx``), i.e. with ~1e-7 relative errors (also its ``collective_emission``
term). By default (``rates="double"``) the generator is therefore assembled here from the same
PIQS rate formulas (Shammah et al., PRA 98, 063815 (2018)) in double precision; it equals
PIQS's to single precision and the full ``2^N`` simulation to ~1e-13 (tests, N = 2..6).
``rates="piqs"`` uses the PIQS matrix itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import qutip
import scipy.sparse as sp

from ._linalg import _executor, num_threads
from ._validate import check_choice, check_int, check_positive
from .models.base import BatteryModel
from .models.network import CLASSICAL_EXCITED_POPULATION, check_network_params
from .symmetry import (
    candidate_cell_permutations,
    cell_permutation_map,
    commuting,
    orbit_labels,
    reduce_block,
)

__all__ = [
    "TaylorPropagator",
    "BlockPropagator",
    "evolve_blocks",
    "is_phase_covariant",
    "OBSERVABLES",
    "permutation_liouvillian",
    "network_permutation_dynamics",
    "evolve_permutation",
]

#: Quantities the block solver computes natively (cheaply) during integration.
OBSERVABLES = ("energy", "ergotropy", "efficiency", "l1_coherence", "coherence", "concurrence")

_TOL = 1e-9


# ---------------------------------------------------------------------------------------------
# generic propagator
# ---------------------------------------------------------------------------------------------


class TaylorPropagator:
    r"""``v(t) = exp(t A) v0`` at many output times, by windowed truncated Taylor series.

    On a window ``[t0, t0 + h]`` the Taylor vectors ``K_k = (h B)^k v / k!`` with
    ``B = A - mu I`` (``mu = tr A / n``, restored exactly as ``exp(mu h theta)``) are generated
    until the rigorous tail bound ``||K_k||_1 r / (1 - r) <= tol ||v||_1``,
    ``r = h ||B||_1 / (k + 1) < 1``, holds (``||B||_1`` is the exact matrix 1-norm, computed once
    in O(nnz)). Every output ``t0 + theta h`` in the window is ``sum_k theta^k K_k``, accumulated
    from the same vectors by one matrix product per few terms. The window length is
    ``h = x_max / ||B||_1`` (``x_max = 12`` keeps the largest term below ~2e4 ``||v||``, so
    cancellation costs < 1e-11).

    Parameters
    ----------
    A : scipy sparse matrix (n, n), or an iterable of them
        Generator (complex), CSR preferred. An iterable means the block-diagonal matrix of
        those blocks (in order; consumed once, so a generator keeps one block in memory at a
        time); each block gets its own shift ``mu``.
    segments : sequence of (start, stop, freq), optional
        Lab-frame phases: entries ``start:stop`` of the output are multiplied by
        ``exp(-1j freq t)`` (the exact rotating-frame factor of blocks whose generator is
        ``A - 1j freq``).
    tol : float
        Truncation tolerance per window, relative to the 1-norm of the window's start vector.
    x_max : float
        Window length in units of ``1 / ||B||_1``.
    """

    def __init__(
        self,
        A: sp.spmatrix | Sequence[sp.spmatrix],
        segments: Sequence[tuple[int, int, float]] = (),
        tol: float = 1e-12,
        x_max: float = 12.0,
    ):
        mats = [A] if sp.issparse(A) else A
        self.blocks: list[tuple[int, int, sp.csr_matrix, complex]] = []
        start, norm, self.nnz = 0, 0.0, 0
        for M in mats:
            M = sp.csr_matrix(M)
            if M.dtype != np.complex128:
                M = M.astype(np.complex128)
            n = M.shape[0]
            if M.shape != (n, n):
                raise ValueError("A must be square")
            diag = M.diagonal()
            mu = complex(diag.sum() / n) if n else 0.0
            col = np.bincount(M.indices, weights=np.abs(M.data), minlength=n).astype(float)
            col += np.abs(diag - mu) - np.abs(diag)
            norm = max(norm, float(col.max()) if n else 0.0)
            self.nnz += M.nnz
            self.blocks.append((start, start + n, M, mu))
            start += n
        self.n, self.norm1 = start, norm
        self.mu = self.blocks[0][3] if self.blocks else 0.0
        self.segments = [(int(a), int(b), float(f)) for a, b, f in segments if f != 0.0]
        self.tol = check_positive(tol, "tol")
        self.x_max = check_positive(x_max, "x_max")
        self.matvecs = 0

    #: Stacked length above which the blocks' products are spread over threads.
    PARALLEL_MIN = 200_000

    def _apply(self, Kp: np.ndarray, out: np.ndarray) -> None:
        """``out = (A - mu) Kp`` block by block; large problems run the independent blocks'
        sparse products on several threads (scipy releases the GIL in them; thread count
        from :func:`qbtoolkit._linalg.num_threads`)."""

        def one(block: tuple[int, int, sp.csr_matrix, complex]) -> None:
            a, b, M, mu = block
            out[a:b] = M @ Kp[a:b]
            if mu != 0:
                out[a:b] -= mu * Kp[a:b]

        k = min(num_threads(), len(self.blocks))
        if k > 1 and self.n >= self.PARALLEL_MIN:
            # largest blocks first: the pool's dynamic scheduling then balances the load
            order = sorted(self.blocks, key=lambda blk: blk[1] - blk[0], reverse=True)
            list(_executor(k).map(one, order))
        else:
            for block in self.blocks:
                one(block)

    def _window(self, v: np.ndarray, h: float, theta: np.ndarray) -> np.ndarray:
        """``exp(theta_i h A) v`` for increasing ``theta_i`` in ``(0, 1]``: ``(len(theta), n)``."""
        n = self.n
        x = h * self.norm1
        beta = float(np.abs(v).sum())
        thresh = 1e-3 * self.tol * beta
        chunk = int(min(32, max(8, 2**27 // (16 * max(1, n)))))
        cols = int(max(4096, 2**24 // (16 * len(theta))))  # column panel of the products
        out = np.zeros((len(theta), n), dtype=complex)
        buf = np.empty((chunk, n), dtype=complex)
        norms = np.empty(chunk)
        buf[0], norms[0] = v, beta
        nb, k0, k = 1, 0, 0
        Kp = v

        def flush(nb: int) -> None:
            # rows whose theta^k0 * (norms of these terms) is negligible are skipped; theta is
            # increasing, so the rows that still need terms are a suffix
            a = int(np.searchsorted(theta ** k0 * norms[:nb].sum(), thresh, side="left"))
            if a < len(theta):
                c = theta[a:, None] ** np.arange(k0, k0 + nb)
                for c0 in range(0, n, cols):
                    # real coefficients: one real product on the interleaved (re, im) view
                    # costs half the complex one
                    o = out[a:, c0:c0 + cols].view(np.float64)
                    o += c @ buf[:nb, c0:c0 + cols].view(np.float64)

        while True:
            k += 1
            if nb == chunk:
                flush(nb)
                k0, nb = k, 0
            K = buf[nb]
            self._apply(Kp, K)
            K *= h / k
            Kp = K
            self.matvecs += 1
            nrm = float(np.abs(K).sum())
            norms[nb] = nrm
            nb += 1
            if k + 1 > x:
                r = x / (k + 1)
                if nrm * r / (1 - r) <= self.tol * beta or nrm == 0.0:
                    break
            if k > 100 + 10 * x:  # pragma: no cover - impossible with a finite norm bound
                raise RuntimeError("Taylor series did not converge")
        flush(nb)
        for a, b, _, mu in self.blocks:
            if mu != 0:
                out[:, a:b] *= np.exp(mu * h * theta)[:, None]
        return out

    def run(
        self, v0: np.ndarray, tlist: np.ndarray, max_rows: int | None = None
    ) -> Iterator[tuple[slice, np.ndarray]]:
        """Yield ``(sl, V)``: the lab-frame vectors ``V[i] = v(tlist[sl][i])``, window by window.

        ``tlist`` must be increasing and start at ``t >= 0``; ``v0`` is the state at ``t = 0``.
        At most ``max_rows`` output vectors are held at a time.
        """
        tlist = np.asarray(tlist, dtype=float)
        v = np.asarray(v0, dtype=complex).copy()
        H = self.x_max / self.norm1 if self.norm1 > 0 else np.inf
        max_rows = max(1, int(max_rows or len(tlist)))
        t, i, T = 0.0, 0, len(tlist)
        while i < T:
            if tlist[i] <= t:  # output at the current time (t = 0 only)
                yield slice(i, i + 1), self._lab(v[None, :].copy(), tlist[i:i + 1])
                i += 1
                continue
            h = min(H, tlist[-1] - t)
            j = int(np.searchsorted(tlist, t + h * (1 + 1e-13), side="right"))
            if j - i > max_rows:
                j = i + max_rows
                h = tlist[j - 1] - t
            theta = np.clip(np.append((tlist[i:j] - t) / h, 1.0), 0.0, 1.0)
            out = self._window(v, h, theta)
            v = out[-1].copy()
            t += h
            if j > i:
                V = out[:-1]
                yield slice(i, j), self._lab(V, tlist[i:j])
            i = j

    def _lab(self, V: np.ndarray, ts: np.ndarray) -> np.ndarray:
        for a, b, f in self.segments:
            V[:, a:b] *= np.exp(-1j * f * ts)[:, None]
        return V


# ---------------------------------------------------------------------------------------------
# block route
# ---------------------------------------------------------------------------------------------


def _csr(op: qutip.Qobj | sp.spmatrix) -> sp.csr_matrix:
    if isinstance(op, qutip.Qobj):
        return sp.csr_matrix(op.to("csr").data.as_scipy(), dtype=complex)
    return sp.csr_matrix(op, dtype=complex)


def _lindblad_terms(model: BatteryModel):
    """``(H, K, jumps)``: ``d rho = -i[H, rho] - 1/2{K, rho} + sum c A rho B``."""
    d = model.H.shape[0]
    K = sp.csr_matrix((d, d), dtype=complex)
    jumps: list[tuple[complex, sp.csr_matrix, sp.csr_matrix]] = []
    groups = model.params.get("dissipator")
    if groups is not None:
        for ops_, G in groups:
            mats = [_csr(o) for o in ops_]
            G = np.asarray(G, dtype=complex)
            for n, m in zip(*np.nonzero(np.abs(G) > 0), strict=True):
                A, Bd = mats[n], mats[m]
                jumps.append((complex(G[n, m]), A, sp.csr_matrix(Bd.conj().T)))
                K = K + G[n, m] * (Bd.conj().T @ A)
    else:
        for c in model.c_ops:
            C = _csr(c)
            jumps.append((1.0 + 0j, C, sp.csr_matrix(C.conj().T)))
            K = K + C.conj().T @ C
    return _csr(model.H), sp.csr_matrix(K), jumps


def _shift(A: sp.csr_matrix, e: np.ndarray) -> float | None:
    """Energy change ``e_row - e_col`` common to all nonzeros of ``A`` (None if mixed)."""
    coo = A.tocoo()
    mask = np.abs(coo.data) > 1e-14
    if not np.any(mask):
        return 0.0
    diff = e[coo.row[mask]] - e[coo.col[mask]]
    if np.ptp(diff) > _TOL * max(1.0, np.abs(e).max()):
        return None
    return float(diff[0])


def is_phase_covariant(model: BatteryModel) -> bool:
    """True when the block solver applies: ``H_b`` diagonal on the whole system, ``[H, H_b] = 0``
    and every dissipative term shifts ``H_b`` by a fixed amount."""
    try:
        _check_structure(model)
    except ValueError:
        return False
    return True


def _check_structure(model: BatteryModel):
    if not model.is_whole_system:
        raise ValueError("method='blocks' needs the battery to be the whole system")
    Hb = _csr(model.H_battery)
    e = Hb.diagonal().real
    if abs(Hb - sp.diags(e)).max() > _TOL:
        raise ValueError("method='blocks' needs a diagonal H_battery (computational basis)")
    H, K, jumps = _lindblad_terms(model)
    if H.nnz and (abs(H @ Hb - Hb @ H).max() > _TOL * max(1.0, abs(H).max())):
        raise ValueError("method='blocks' needs [H, H_battery] = 0")
    if _shift(K, e) not in (0.0,):
        raise ValueError("method='blocks' needs dissipators that conserve H_battery's blocks")
    for _, A, B in jumps:
        sa, sb = _shift(A, e), _shift(B, e)
        if sa is None or sb is None or abs(sa + sb) > _TOL:
            raise ValueError("method='blocks' needs jump operators with a fixed energy shift")
    return e, H - sp.diags(e), K, jumps


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
    tol : float
        Taylor truncation tolerance per window (see :class:`TaylorPropagator`).
    symmetry : bool
        Propagate one element per orbit of the cell permutations (reflection, rotation, leaf
        exchanges; :mod:`qbtoolkit.symmetry`) that leave the model's initial state and a
        block's generator invariant, checked numerically block by block. Exact; about half
        the work for an open chain, far less for a ring or a star. ``False`` propagates every
        element (needed to propagate initial states without the model's symmetry).
    """

    def __init__(self, model: BatteryModel, tol: float = 1e-12, symmetry: bool = True):
        e, H_rot, K, jumps = _check_structure(model)
        self.model = model
        self.d = d = len(e)
        scale = max(1.0, float(np.abs(e).max()))
        key = np.round(e / (scale * 1e-9)).astype(np.int64)
        _, level_of = np.unique(key, return_inverse=True)
        nl = int(level_of.max()) + 1
        E = np.array([e[level_of == a].mean() for a in range(nl)])
        members = [np.nonzero(level_of == a)[0] for a in range(nl)]
        diffs = E[:, None] - E[None, :]
        dkey = np.round(diffs / (scale * 1e-9)).astype(np.int64)
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
        scale = max(1.0, float(np.abs(v0).max()))
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
        """Propagated vector of a density matrix (original basis): the stacked ``Delta >= 0``
        elements, summed over the symmetry orbits. ``rho`` must share the model's symmetry."""
        v = np.asarray(rho)[self.rows, self.cols].astype(complex)
        if not self._reduced:
            return v
        w = (np.bincount(self.label, v.real, minlength=self.n_propagated)
             + 1j * np.bincount(self.label, v.imag, minlength=self.n_propagated))
        err = np.abs(self.expand(w[None])[0] - v).max()
        if err > 1e-10 * max(1.0, float(np.abs(v).max())):
            raise ValueError(
                "rho0 lacks the cell-permutation symmetry of the model's initial state that "
                "this propagator exploits; build it with symmetry=False")
        return w

    def expand(self, W: np.ndarray) -> np.ndarray:
        """Stacked ``Delta >= 0`` vectors ``(p, n)`` from propagated ones ``(p, n_propagated)``."""
        W = np.atleast_2d(W)
        if not self._reduced:
            return W
        return W[:, self.label] * self.inv_size[self.label]

    def assemble(self, W: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Density matrices ``(p, d, d)`` (original basis) from propagated vectors ``(p, m)``.

        ``out``, if given, is a zero-filled C-contiguous complex ``(p, d, d)`` array, filled
        in place.
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
        """Two-cell reduced states ``(p, P, 4, 4)`` straight from propagated vectors.

        Same as :func:`qbtoolkit.metrics.graph.pair_reduced_states` of the assembled states
        (basis ``|b_min b_max>``), via a sparse projection: no ``d x d`` state is formed.
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

        ``callback(times, W)`` receives, window by window, the lab-frame propagated vectors
        ``W`` of shape ``(len(times), n_propagated)`` (see :meth:`expand`, :meth:`assemble`,
        :meth:`energy`). At most ``max_bytes`` of output vectors are held at a time.
        """
        rho0 = self.model.rho0.full() if rho0 is None else rho0
        tlist = np.asarray(tlist, dtype=float)
        rows = int(max(1, max_bytes // (16 * self.n_propagated)))
        for sl, V in self.taylor.run(self.split(rho0), tlist, max_rows=rows):
            callback(tlist[sl], V)

    # -- cheap observables straight from the stacked vectors ------------------------------------
    def energy(self, W: np.ndarray) -> np.ndarray:
        """``Tr(rho H_b)`` of propagated vectors ``(..., m)`` (from the ``Delta = 0`` block)."""
        m0 = self.blocks[0]["reduced_size"]
        return np.asarray(W)[..., :m0].real @ self._energy_w

    def l1_coherence(self, W: np.ndarray) -> np.ndarray:
        """``sum_{i != j} |rho_ij|`` of propagated vectors ``(..., m)`` (both triangles; the
        elements of an orbit share one modulus)."""
        return np.abs(W) @ self._l1_w


def _check_tlist(tlist: Any) -> np.ndarray:
    tlist = np.asarray(tlist, dtype=float)
    if tlist.ndim != 1 or tlist.size == 0:
        raise ValueError("tlist must be a non-empty 1-D array of times")
    if not np.all(np.isfinite(tlist)) or np.any(np.diff(tlist) <= 0) or tlist[0] < 0:
        raise ValueError("tlist must be finite, strictly increasing and start at t >= 0")
    return tlist


def evolve_blocks(
    model: BatteryModel,
    tlist: Sequence[float] | np.ndarray,
    *,
    store_states: bool = True,
    metrics: Mapping[str, Callable[..., Any]] | Sequence[Callable[..., Any]] | None = None,
    observables: Sequence[str] = (),
    edges: Sequence[tuple[int, int]] | None = None,
    max_bytes: float = 1e9,
    tol: float = 1e-12,
    symmetry: bool = True,
):
    """Evolve a phase-covariant model exactly with :class:`BlockPropagator`.

    Same contract as :func:`qbtoolkit.evolve` (``method="blocks"`` dispatches here), plus
    ``observables`` computed natively during integration.

    Parameters
    ----------
    model : BatteryModel
        Phase-covariant model (see :func:`is_phase_covariant`), e.g. ``models.network(...)``.
    tlist : array_like
        Increasing times ``>= 0`` (inverse energy units); ``rho0`` is the state at ``t = 0``.
    store_states : bool
        Keep the full states ``(T, d, d)``. With ``False`` only ``metrics``/``observables``
        are kept (memory independent of ``T``).
    metrics : dict name -> function or list of functions, optional
        Evaluated on each window of full states (original basis), with ``H_battery`` if the
        function takes ``H``; results in ``Trajectory.values``.
    observables : sequence of str
        Any of ``"energy"`` (``Tr rho H_b``), ``"ergotropy"`` (w.r.t. ``H_b``),
        ``"efficiency"`` (ergotropy / energy), ``"l1_coherence"`` (unnormalised),
        ``"coherence"`` (l1 / (d - 1)) and ``"concurrence"`` (mean pairwise concurrence over
        ``edges``, default ``model.params["edges"]``; Santos 2021, Eq. 14).
    edges : sequence of (n, m), optional
        Graph for ``"concurrence"``.
    max_bytes : float
        Bound on the memory of the window's output vectors (``16 n`` bytes per time; the
        Taylor window holds ~``x_max / (||A||_1 dt)`` times, fewer if this bound is
        smaller). Assembled ``d x d`` states (for ``store_states``, ``metrics``, ergotropy)
        are formed at most 250 MB at a time; energy, coherence and concurrence never need
        them.
    tol : float
        Taylor truncation tolerance per window (relative, 1-norm).
    symmetry : bool
        Exploit the cell permutations the model and its initial state are invariant under
        (see :class:`BlockPropagator`); exact.

    Returns
    -------
    Trajectory
    """
    from .dynamics import Trajectory, _metric_dict, call_metric
    from .metrics import concurrence, ergotropy

    tlist = _check_tlist(tlist)
    for o in observables:
        check_choice(o, "observables", OBSERVABLES)
    fns = _metric_dict(metrics) if metrics else {}
    if not store_states and not fns and not observables:
        raise ValueError("store_states=False needs metrics= or observables=")
    if "concurrence" in observables:
        edges = model.params.get("edges") if edges is None else edges
        if not edges:
            raise ValueError("observable 'concurrence' needs edges (a graph with >= 1 edge)")
    prop = BlockPropagator(model, tol=tol, symmetry=symmetry)
    Hb = model.H_battery.full()
    states = np.zeros((len(tlist), prop.d, prop.d), dtype=complex) if store_states else None
    obs = set(observables)
    need_erg = bool(obs & {"ergotropy", "efficiency"})
    need_full = store_states or bool(fns) or need_erg
    values: dict[str, list[Any]] = {k: [] for k in list(fns) + list(observables)}
    sub = int(max(1, min(max_bytes, 2.5e8) // (16 * prop.d * prop.d)))

    def callback(ts: np.ndarray, V: np.ndarray) -> None:
        U = prop.energy(V) if obs & {"energy", "efficiency"} else None
        if "energy" in obs:
            values["energy"].extend(U)
        if obs & {"l1_coherence", "coherence"}:
            c = prop.l1_coherence(V)
            if "l1_coherence" in obs:
                values["l1_coherence"].extend(c)
            if "coherence" in obs:
                values["coherence"].extend(c / (prop.d - 1))
        if "concurrence" in obs:
            values["concurrence"].extend(
                concurrence(prop.pair_states(V, edges)).mean(axis=-1))
        if not need_full:
            return
        i0 = int(np.searchsorted(tlist, ts[0]))
        for s in range(0, len(ts), sub):
            q = min(sub, len(ts) - s)
            if store_states:
                batch = prop.assemble(V[s:s + q], out=states[i0 + s:i0 + s + q])
            else:
                batch = prop.assemble(V[s:s + sub])
            if need_erg:
                W = np.atleast_1d(ergotropy(batch, Hb))
                if "ergotropy" in obs:
                    values["ergotropy"].extend(W)
                if "efficiency" in obs:
                    values["efficiency"].extend(W / U[s:s + sub])
            for k, fn in fns.items():
                values[k].extend(list(call_metric(fn, batch, Hb)))

    prop.propagate(tlist, callback, max_bytes=max_bytes)
    vals = {k: np.asarray(v) for k, v in values.items()}
    if store_states:
        return Trajectory(tlist, states, model.reduce(states), model.H_battery, model, vals)
    return Trajectory(tlist, None, None, model.H_battery, model, vals)


# ---------------------------------------------------------------------------------------------
# permutation route (all-to-all networks with uniform parameters)
# ---------------------------------------------------------------------------------------------


def _check_perm_params(N, omega, J, coupling, gamma, gamma_collective, decay):
    N = check_int(N, "N", minimum=1)
    omega, J, gamma, gamma_collective = check_network_params(
        omega, J, coupling, gamma, gamma_collective, decay)
    if N >= 2 and gamma_collective > gamma * (1 + 1e-12):
        raise ValueError(
            "gamma_collective must not exceed gamma: the all-to-all rate matrix is then not "
            "positive semidefinite")
    return N, omega, J, gamma, gamma_collective


def permutation_liouvillian(
    N: int,
    *,
    omega: float = 1.0,
    J: float = 0.0,
    coupling: str = "zz",
    gamma: float = 1.0,
    gamma_collective: float = 0.0,
    decay: str = "amplitude",
) -> qutip.Qobj:
    """Dicke-basis (:mod:`qutip.piqs`) Liouvillian of ``models.network(N, "all_to_all", ...)``.

    Same parameters and meaning as :func:`qbtoolkit.models.network`; see this module's
    docstring for the mapping (local emission at ``gamma - gamma_collective``, collective
    emission at ``gamma_collective`` (``gamma_collective D[J_-]``, built from
    ``piqs.jspin(N, "-")``), both halved and with PIQS ``dephasing = gamma/2`` for
    ``decay="paper"``; ``H`` diagonal in ``|j, m>``). Requires
    ``gamma_collective <= gamma`` (the rate matrix is positive semidefinite) for ``N >= 2``.

    Returns
    -------
    qutip.Qobj
        Superoperator on the PIQS Dicke space (``num_dicke_states(N)`` states), lab frame.
    """
    from qutip import piqs

    N, omega, J, gamma, gamma_collective = _check_perm_params(
        N, omega, J, coupling, gamma, gamma_collective, decay)
    jz = piqs.jspin(N, "z")
    H = omega * (jz + 0.5 * N)
    if N >= 2 and J != 0.0:
        if coupling == "zz":
            H = H + 0.5 * J * (4 * jz * jz - N)
        else:
            H = H + J * (piqs.jspin(N, "+") * piqs.jspin(N, "-") - jz - 0.5 * N)
    s = 0.5 if decay == "paper" else 1.0
    g_coll = s * gamma_collective if N >= 2 else 0.0
    system = piqs.Dicke(N, hamiltonian=H, emission=s * gamma - g_coll,
                        dephasing=gamma / 2 if decay == "paper" else 0.0)
    L = system.liouvillian()
    if g_coll > 0:  # D[J_-] in double precision (PIQS's collective_emission is single)
        L = L + g_coll * qutip.lindblad_dissipator(piqs.jspin(N, "-"))
    return L


def _dicke_initial(N: int, initial: str) -> np.ndarray:
    """PIQS Dicke-basis density matrix of ``|+>^N`` or ``(3/4|e><e| + 1/4|g><g|)^N``."""
    from .models.collective import dicke_blocks

    blocks = dicke_blocks(N, "piqs")
    D = blocks[-1].start + blocks[-1].size
    rho = np.zeros((D, D), dtype=complex)
    if initial == "coherent":
        b = blocks[0]  # symmetric block j = N/2
        k = b.excitations.astype(int)
        amp = np.sqrt([math.comb(N, int(x)) for x in k]) / 2 ** (N / 2)
        rho[:b.size, :b.size] = np.outer(amp, amp)
    else:
        p = CLASSICAL_EXCITED_POPULATION
        for b in blocks:
            k = b.excitations
            idx = np.arange(b.start, b.start + b.size)
            rho[idx, idx] = b.degeneracy * p**k * (1 - p) ** (N - k)
    return rho


def _dicke_layout(N: int) -> dict[str, Any]:
    """Stacked ``Delta m >= 0`` elements ``rho[rows, cols]`` of the PIQS Dicke-basis j-blocks,
    ordered by ``k = Delta m``; ``j`` of each element; PIQS layout from ``dicke_blocks``."""
    from .models.collective import dicke_blocks

    blocks = dicke_blocks(N, "piqs")
    D = blocks[-1].start + blocks[-1].size
    exc = np.concatenate([b.excitations for b in blocks])
    rows, cols, jv = [], [], []
    for b in blocks:
        i, j = np.triu_indices(b.size)
        rows.append(b.start + i)
        cols.append(b.start + j)
        jv.append(np.full(i.size, b.j))
    rows, cols, jv = np.concatenate(rows), np.concatenate(cols), np.concatenate(jv)
    k = np.rint(exc[rows] - exc[cols]).astype(int)
    order = np.argsort(k, kind="stable")
    start_of = np.full(N + 3, -1, dtype=np.int64)
    for b in blocks:
        start_of[int(round(2 * b.j))] = b.start
    return dict(blocks=blocks, D=D, exc=exc, rows=rows[order], cols=cols[order],
                k=k[order], j=jv[order], start_of=start_of)


def _piqs_generator(L: qutip.Qobj, lay: dict[str, Any], omega: float) -> sp.csr_matrix:
    """Restriction of a PIQS superoperator to the layout, in the frame rotating with omega J_z."""
    D, rows, cols, k = lay["D"], lay["rows"], lay["cols"], lay["k"]
    idx = rows + D * cols  # QuTiP column stacking: vec[i + D j] = rho[i, j]
    Lc = L.to("csr").data.as_scipy()[:, idx]
    if Lc.nnz:
        leak = np.ones(D * D, dtype=bool)
        leak[idx] = False
        if np.abs(Lc[leak]).sum() > 1e-10 * max(1.0, np.abs(Lc.data).max()):
            raise RuntimeError(  # pragma: no cover
                "Dicke-basis Liouvillian does not conserve Delta m")
    A = Lc[idx].tocsr()
    return (A + sp.diags(1j * omega * k.astype(float))).tocsr()


def _dicke_generator(
    N: int, lay: dict[str, Any], *, J: float, coupling: str, gamma: float,
    gamma_collective: float, decay: str,
) -> sp.csr_matrix:
    """Double-precision Dicke-basis generator on the layout, frame rotating with omega J_z.

    Rates: PIQS's ``gamma1..gamma6`` (local emission ``yE``, local dephasing ``yD``,
    collective emission ``yCE``; Shammah et al. 2018), here in float64. Element
    ``(j, m, m1)`` is ``rho_{(j,m),(j,m1)}``; sources ``(j, m+1, m1+1)``,
    ``(j +- 1, m+1, m1+1)`` (emission) and ``(j +- 1, m, m1)`` (dephasing), each rate evaluated
    at the source, as PIQS does.
    """
    s = 0.5 if decay == "paper" else 1.0
    yCE = s * gamma_collective if N >= 2 else 0.0
    yE = s * gamma - yCE
    yD = gamma / 2 if decay == "paper" else 0.0
    rows, cols, jv, start_of = lay["rows"], lay["cols"], lay["j"], lay["start_of"]
    n, D, Nf = len(rows), lay["D"], float(N)
    m = lay["exc"][rows] - Nf / 2
    m1 = lay["exc"][cols] - Nf / 2
    lookup = np.full((D, D), -1, dtype=np.int64)
    lookup[rows, cols] = np.arange(n)

    def source(Js: np.ndarray, M: np.ndarray, M1: np.ndarray) -> np.ndarray:
        twoJ = np.rint(2 * Js).astype(np.int64)
        ok = (twoJ >= 0) & (twoJ <= N) & (np.abs(M) <= Js + 1e-9) & (np.abs(M1) <= Js + 1e-9)
        st = start_of[np.clip(twoJ, 0, N)]
        ok &= st >= 0
        p = np.where(ok, st + np.rint(Js - M).astype(np.int64), 0)
        q = np.where(ok, st + np.rint(Js - M1).astype(np.int64), 0)
        return np.where(ok, lookup[p.clip(0, D - 1), q.clip(0, D - 1)], -1)

    def sq(x: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(x, 0.0))

    j = jv
    if N >= 2 and J != 0.0:
        if coupling == "zz":
            energy = lambda mm: 0.5 * J * (4 * mm**2 - Nf)  # noqa: E731
        else:
            energy = lambda mm: J * (j * (j + 1) - mm**2 - Nf / 2)  # noqa: E731
        coh = -1j * (energy(m) - energy(m1))
    else:
        coh = np.zeros(n, dtype=complex)
    with np.errstate(divide="ignore", invalid="ignore"):
        deph = np.where(j > 0, yD / 2 * (Nf / 2 - m * m1 * (Nf / 2 + 1) / (j * (j + 1))),
                        yD * Nf / 4)
    g1 = (yCE / 2 * (2 * j * (j + 1) - m * (m - 1) - m1 * (m1 - 1))
          + yE / 2 * (Nf + m + m1) + deph)
    R, C, V = [np.arange(n)], [np.arange(n)], [coh - g1]
    M, M1 = m + 1, m1 + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = []
        f = sq((j + M) * (j - M + 1) * (j + M1) * (j - M1 + 1))
        terms.append((j, M, M1, yCE * f + np.where(j > 0, yE / 2 * f * (Nf / 2 + 1)
                                                   / (j * (j + 1)), 0.0)))
        Js = j + 1
        terms.append((Js, M, M1, yE / 2 * sq((Js + M) * (Js + M - 1) * (Js + M1) * (Js + M1 - 1))
                      * (Nf / 2 + Js + 1) / (Js * (2 * Js + 1))))
        terms.append((Js, m, m1, yD / 2 * sq((Js**2 - m**2) * (Js**2 - m1**2))
                      * (Nf / 2 + Js + 1) / (Js * (2 * Js + 1))))
        Js = j - 1
        terms.append((Js, M, M1, yE / 2 * sq((Js - M + 1) * (Js - M + 2) * (Js - M1 + 1)
                                             * (Js - M1 + 2)) * (Nf / 2 - Js)
                      / ((Js + 1) * (2 * Js + 1))))
        terms.append((Js, m, m1, yD / 2 * sq(((Js + 1) ** 2 - m**2) * ((Js + 1) ** 2 - m1**2))
                      * (Nf / 2 - Js) / ((Js + 1) * (2 * Js + 1))))
    for Js, Ms, M1s, g in terms:
        src = source(Js, Ms, M1s)
        keep = (src >= 0) & np.isfinite(g) & (g != 0)
        R.append(np.nonzero(keep)[0])
        C.append(src[keep])
        V.append(g[keep].astype(complex))
    return sp.coo_matrix((np.concatenate(V), (np.concatenate(R), np.concatenate(C))),
                         shape=(n, n)).tocsr()


def network_permutation_dynamics(
    N: int,
    tlist: Sequence[float] | np.ndarray,
    *,
    omega: float = 1.0,
    J: float = 0.0,
    coupling: str = "zz",
    gamma: float = 1.0,
    gamma_collective: float = 0.0,
    initial: str = "coherent",
    decay: str = "amplitude",
    tol: float = 1e-12,
    max_bytes: float = 2e8,
    rates: str = "double",
) -> dict[str, np.ndarray]:
    """Energy, ergotropy and efficiency of an all-to-all network in the Dicke basis.

    Exact (Taylor, see :class:`TaylorPropagator`) propagation of
    :func:`permutation_liouvillian` restricted to the ``Delta m >= 0`` elements of the
    ``j``-blocks (``O(N^3)`` numbers), in the frame rotating with ``omega J_z``. Equals
    ``models.network(N, "all_to_all", ...)`` evolved on the full ``2^N`` space (tested for
    N = 2..6), but runs for N in the tens.

    Parameters
    ----------
    N : int
        Number of cells.
    tlist : array_like
        Increasing times ``>= 0`` (1/energy units).
    omega, J, coupling, gamma, gamma_collective, decay
        As in :func:`qbtoolkit.models.network` (``omega > 0`` here).
    initial : {"coherent", "classical"}
        ``|+>^N`` or ``(3/4 |e><e| + 1/4 |g><g|)^N`` (both permutation invariant).
    tol : float
        Taylor truncation tolerance per window.
    max_bytes : float
        Bound on the memory of the window buffers.
    rates : {"double", "piqs"}
        ``"double"``: the generator is assembled here from PIQS's Dicke-basis rate formulas
        (Shammah et al., PRA 98, 063815 (2018), as coded in ``qutip/piqs/_piqs.pyx``)
        evaluated in double precision; ``"piqs"``: the restriction of
        :func:`permutation_liouvillian` (``qutip.piqs.Dicke``, single-precision local rates,
        ~1e-7 relative errors). The two agree to PIQS's precision (tested).

    Returns
    -------
    dict
        ``times``, ``energy`` (``Tr rho H_b``, ``H_b = omega sum_n sigma_n^+ sigma_n^-``),
        ``ergotropy`` (exact ``2^N``-space value, block degeneracies included) and
        ``efficiency`` = ergotropy / energy; plus ``size`` (propagated dimension),
        ``matvecs``.
    """
    from .models.collective import permutation_invariant_ergotropy

    N = check_int(N, "N", minimum=1)
    omega = check_positive(omega, "omega")
    check_choice(initial, "initial", ("coherent", "classical"))
    check_choice(rates, "rates", ("double", "piqs"))
    tlist = _check_tlist(tlist)
    N, omega, J, gamma, gamma_collective = _check_perm_params(
        N, omega, J, coupling, gamma, gamma_collective, decay)
    lay = _dicke_layout(N)
    D, exc, rows, cols, k = lay["D"], lay["exc"], lay["rows"], lay["cols"], lay["k"]
    if rates == "piqs":
        L = permutation_liouvillian(N, omega=omega, J=J, coupling=coupling, gamma=gamma,
                                    gamma_collective=gamma_collective, decay=decay)
        A = _piqs_generator(L, lay, omega)
        del L
    else:
        A = _dicke_generator(N, lay, J=J, coupling=coupling, gamma=gamma,
                             gamma_collective=gamma_collective, decay=decay)
    starts = np.searchsorted(k, np.arange(N + 2))
    segments = [(int(starts[q]), int(starts[q + 1]), omega * q) for q in range(N + 1)]
    prop = TaylorPropagator(A, segments, tol=tol)
    rho0 = _dicke_initial(N, initial)
    v0 = rho0[rows, cols]
    n0 = int(starts[1])
    E, W = np.empty(len(tlist)), np.empty(len(tlist))
    max_rows = int(max(1, max_bytes // (16 * max(len(v0), D * D))))
    for sl, V in prop.run(v0, tlist, max_rows=max_rows):
        E[sl] = omega * (V[:, :n0].real @ exc[rows[:n0]])
        rho = np.zeros((V.shape[0], D, D), dtype=complex)
        rho[:, cols[n0:], rows[n0:]] = V[:, n0:].conj()
        rho[:, rows, cols] = V
        W[sl] = np.atleast_1d(permutation_invariant_ergotropy(rho, N, omega, "piqs"))
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(E > 0, W / E, np.nan)
    return dict(times=tlist, energy=E, ergotropy=W, efficiency=eff,
                size=np.array(len(v0)), matvecs=np.array(prop.matvecs))


def evolve_permutation(
    model: BatteryModel,
    tlist: Sequence[float] | np.ndarray,
    *,
    tol: float = 1e-12,
):
    """Evolve an all-to-all ``models.network`` with the permutation-symmetric route.

    ``evolve(model, t, method="permutation")`` dispatches here. Only energy, ergotropy and
    efficiency are computed (in ``Trajectory.values``); states are not stored.

    Parameters
    ----------
    model : BatteryModel
        Built by :func:`qbtoolkit.models.network` with ``topology="all_to_all"`` (or any graph
        that is complete), uniform parameters and ``initial="coherent"`` or ``"classical"``.
        Anything else: ValueError.
    tlist : array_like
        Increasing times ``>= 0``.
    tol : float
        Taylor truncation tolerance.

    Returns
    -------
    Trajectory
        ``states`` is None; ``values`` holds ``energy``, ``ergotropy``, ``efficiency``.
    """
    from .dynamics import Trajectory

    p = model.params
    if model.name != "network" or "edges" not in p or p.get("dissipator") is None:
        raise ValueError("method='permutation' needs a model built by models.network(...)")
    N = int(p["N"])
    complete = {(n, m) for n in range(N) for m in range(n + 1, N)}
    if set(map(tuple, p["edges"])) != complete:
        raise ValueError(
            "method='permutation' needs an all-to-all (complete, uniform) network; got "
            f"topology={p['topology']!r}: use method='blocks'")
    if p["initial"] not in ("coherent", "classical"):
        raise ValueError(
            "method='permutation' needs initial='coherent' or 'classical' (permutation "
            f"invariant), got {p['initial']!r}")
    r = network_permutation_dynamics(
        N, tlist, omega=p["omega"], J=p["J"], coupling=p["coupling"], gamma=p["gamma"],
        gamma_collective=p["gamma_collective"], initial=p["initial"], decay=p["decay"],
        tol=tol)
    vals = {k: r[k] for k in ("energy", "ergotropy", "efficiency")}
    return Trajectory(r["times"], None, None, model.H_battery, model, vals)
