"""Fast steady states of thermal models, batched over temperature and coupling grids.

**Global (Davies) master equation.** The generator is covariant: it commutes with the
rotation :math:`\\rho\\mapsto e^{-iHt}\\rho e^{iHt}`, so it maps the operators that are
block-diagonal in :math:`H`'s eigenspaces -- populations and the coherences inside degenerate
eigenspaces, :math:`n_0 = \\sum_b d_b^2` numbers -- to themselves, and every other coherence
decays. The steady state is found in that sector alone, instead of the full
:math:`d^2\\times d^2` Liouvillian:

* when no jump operator maps a level to two levels of one eigenspace (nor two levels to one),
  populations decouple from those coherences and obey a classical (Pauli) rate equation
  :math:`\\dot p = R p` with :math:`R_{ac} = \\sum_k\\gamma_k(\\omega_{ac})|\\langle a|A_k|c
  \\rangle|^2` -- the case of every non-degenerate spectrum; the coherences then obey a
  homogeneous equation and vanish in the steady state;
* otherwise the whole sector is solved (complex, :math:`n_0\\times n_0`).

*Uniqueness.* The sector's stationary state is unique exactly when the full generator's is.
If the kernel of :math:`\\mathcal L` were larger, it would contain a second stationary state
(the fixed points of a trace-preserving positive semigroup are spanned by states); its
eigenspace-dephased version is stationary too (covariance), so either the sector has two
stationary states, or a stationary :math:`\\rho` with coherences between eigenspaces and the
same dephasing :math:`\\sigma` exists. In the second case, restricted to the support of
:math:`\\sigma` (an invariant subspace) the semigroup has a faithful stationary state and a
fixed-point algebra larger than the multiples of the identity (Frigerio, Commun. Math. Phys.
63, 269 (1978)), invariant under the rotation; an element :math:`X` of it with
:math:`[H, X] = \\nu X`, :math:`\\nu \\ne 0`, gives the fixed point :math:`X^\\dagger X` in the
sector, which is not a multiple of the identity (no unitary shifts a finite spectrum by
:math:`\\nu`) -- a second sector solution, a contradiction. So the sector's bordered condition
number (:mod:`qbtoolkit.thermo.stationary`) decides uniqueness for the whole model, rigorously
and at the sector's cost. With decoupled populations the sector is unique iff the Pauli
matrix is and the coherence block is invertible; both are tested.

**Local master equation.** No such covariance: the full Liouvillian is assembled on the grid
(dense, meant for small systems) and solved with the same uniqueness test.

Checked against ``qutip.steadystate`` of the full Liouvillian to 1e-10
(``tests/test_thermo_steady.py``); all baths at one temperature give the Gibbs state of ``H``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._validate import check_choice
from .generators import pairs_of
from .stationary import (
    bordered_solve,
    invertible,
    liouvillian_steady_states,
    stationary_distributions,
)
from .structure import ThermalStructure, structure_of
from .superops import liouvillians

__all__ = ["steady_states", "rate_matrices", "Sector", "sector_of"]

#: Memory budget of one chunk of dense generators (bytes).
CHUNK_BYTES = 256 * 2**20


class Sector:
    """Indexing of the block-diagonal sector of a global structure, and its generator terms.

    Parameters
    ----------
    s : ThermalStructure
        A global structure.

    Notes
    -----
    Variables: the populations ``0..d-1`` first, then the coherences ``(i, j)``, ``i != j``,
    inside each degenerate eigenspace. For each bath, ``terms`` lists the contributions
    ``G[row, col] += coef * s[p1] * s[p2]`` (``s`` the square roots of the transitions' rates).
    """

    def __init__(self, s: ThermalStructure):
        eig = s.eigenbasis
        d = s.d
        self.d = d
        index = -np.ones((d, d), dtype=int)
        index[np.arange(d), np.arange(d)] = np.arange(d)
        n = d
        coh_i, coh_j = [], []
        blocks = eig.blocks()
        for b in blocks:
            if b.size < 2:
                continue
            ii, jj = np.meshgrid(b, b, indexing="ij")
            off = ii != jj
            m = int(off.sum())
            index[ii[off], jj[off]] = np.arange(n, n + m)
            coh_i.append(ii[off])
            coh_j.append(jj[off])
            n += m
        self.n = n
        self.index = index
        self.coh_i = np.concatenate(coh_i) if coh_i else np.zeros(0, dtype=int)
        self.coh_j = np.concatenate(coh_j) if coh_j else np.zeros(0, dtype=int)
        self._members = np.concatenate(blocks)
        sizes = np.array([b.size for b in blocks])
        self._start = np.r_[0, np.cumsum(sizes)[:-1]]
        self._size = sizes
        self._labels = eig.labels
        self.terms = [self._bath_terms(tr) for tr in s.transitions]
        E = eig.energies
        self.commutator = -1j * (E[self.coh_i] - E[self.coh_j])
        self.decoupled = all(not np.any((r < d) != (c < d)) for r, c, *_ in self.terms)
        #: real generator (real amplitudes, exactly degenerate blocks): real arithmetic
        self.real = all(not np.any(t[2].imag) for t in self.terms) and not np.any(
            self.commutator)
        self._scatter: dict[tuple[int, int, int], tuple] = {}

    def _bath_terms(self, tr) -> tuple[np.ndarray, ...]:
        P = pairs_of(tr, self.d)
        idx = self.index
        ins = idx[P.src1, P.src2] >= 0  # pairs acting inside the sector (one source block)
        rows = [idx[P.dst1[ins], P.dst2[ins]]]
        cols = [idx[P.src1[ins], P.src2[ins]]]
        coef = [P.coef[ins]]
        p1, p2 = [P.p1[ins]], [P.p2[ins]]
        # -1/2 (K X + X K) with K[l1, l2]: X[l2, j] -> X[l1, j] and X[i, l1] -> X[i, l2] for
        # i, j in the eigenspace of l1 (that of l2: K is block diagonal)
        lab = self._labels[P.ksrc1]
        rep = self._size[lab]
        k = np.repeat(np.arange(P.ksrc1.size), rep)
        offs = np.arange(k.size) - np.repeat(np.cumsum(rep) - rep, rep)
        m = self._members[np.repeat(self._start[lab], rep) + offs]
        l1, l2 = P.ksrc1[k], P.ksrc2[k]
        half = -0.5 * P.kcoef[k]
        rows += [idx[l1, m], idx[m, l2]]
        cols += [idx[l2, m], idx[m, l1]]
        coef += [half, half]
        p1 += [P.k1[k], P.k1[k]]
        p2 += [P.k2[k], P.k2[k]]
        return tuple(np.concatenate(a) for a in (rows, cols, coef, p1, p2))

    def _restricted(self, b: int, lo: int, hi: int):
        """``(terms inside, their flat entry, lazy scatter matrix)`` for variables lo..hi-1."""
        key = (b, lo, hi)
        if key not in self._scatter:
            rows, cols, *_ = self.terms[b]
            sel = np.flatnonzero((rows >= lo) & (rows < hi) & (cols >= lo) & (cols < hi))
            m = hi - lo
            flat = (rows[sel] - lo) * m + (cols[sel] - lo)

            @functools.cache
            def scatter() -> sp.csr_matrix:
                return sp.csr_matrix((np.ones(sel.size), (np.arange(sel.size), flat)),
                                     shape=(sel.size, m * m))

            self._scatter[key] = (sel, flat, scatter)
        return self._scatter[key]

    def generator(self, sroots: list[np.ndarray], lo: int = 0, hi: int | None = None
                  ) -> np.ndarray:
        """Dense sector generators on the variables ``lo..hi-1``.

        For square matrices of variables ``lo..hi-1`` (a block of the sector).

        Parameters
        ----------
        sroots : list of ndarray, shape (B, n_transitions)
            Square roots of the transitions' rates, one array per bath.
        lo : int, default 0
            First variable.
        hi : int, optional
            One past the last variable; default all (``n``).

        Returns
        -------
        ndarray, complex, shape (B, m, m)
            Generators (rates), ``m = hi - lo``.
        """
        hi = self.n if hi is None else hi
        m = hi - lo
        B = sroots[0].shape[0]
        G = np.zeros((B, m * m), dtype=float if self.real else complex)
        for b, s in enumerate(sroots):
            sel, flat, S = self._restricted(b, lo, hi)
            if not sel.size:
                continue
            _, _, coef, p1, p2 = self.terms[b]
            vals = (coef[sel].real if self.real else coef[sel]) * s[:, p1[sel]] * s[:, p2[sel]]
            if B * sel.size <= 200_000:  # few points: one bincount each
                for i in range(B):
                    G[i] += np.bincount(flat, vals[i].real, m * m)
                    if not self.real:
                        G[i] += 1j * np.bincount(flat, vals[i].imag, m * m)
            else:
                G += np.asarray(vals @ S())
        G = G.reshape(B, m, m)
        ci = np.arange(self.d, self.n)
        inside = (ci >= lo) & (ci < hi)
        if not self.real:
            G[:, ci[inside] - lo, ci[inside] - lo] += self.commutator[inside]
        return G


def sector_of(s: ThermalStructure) -> Sector:
    """The :class:`Sector` of a global structure (built once per structure).

    Parameters
    ----------
    s : ThermalStructure
        A global structure.

    Returns
    -------
    Sector
        Cached on the structure.
    """
    cached = s.__dict__.get("_sector")
    if cached is None:
        cached = Sector(s)
        object.__setattr__(s, "_sector", cached)
    return cached


def rate_matrices(model: Any, temperatures: Any = None, kappas: Any = None) -> np.ndarray:
    """Pauli rate matrices of a global thermal model, ``R[..., a, c]`` = rate c -> a.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A global thermal model (:func:`qbtoolkit.models.thermal_model`).
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's).

    Returns
    -------
    ndarray, shape (..., d, d)
        Rates (1/time) between the eigenbasis vectors of ``H``
        (``params["thermal"].eigenbasis``); columns sum to zero. They govern the populations
        exactly when those decouple from the degenerate coherences (``Sector.decoupled``).
    """
    s = structure_of(model, "global")
    return _pauli(s, s.rates(temperatures, kappas))


def _pauli(s: ThermalStructure, rates: list[np.ndarray]) -> np.ndarray:
    d = s.d
    grid = rates[0].shape[:-1]
    R = np.zeros(grid + (d, d))
    for tr, g in zip(s.transitions, rates, strict=True):
        move = tr.dst != tr.src
        w = (tr.amp[move] * tr.amp[move].conj()).real
        R[..., tr.dst[move], tr.src[move]] += w * g[..., move]
    idx = np.arange(d)
    R[..., idx, idx] = -R.sum(axis=-2)
    return R


def _slices(n_points: int, per_point_bytes: int):
    step = max(1, CHUNK_BYTES // max(per_point_bytes, 1))
    for lo in range(0, n_points, step):
        yield slice(lo, min(n_points, lo + step))


def _global_steady(s: ThermalStructure, temperatures: Any, kappas: Any, on_singular: str
                   ) -> np.ndarray:
    """Steady states in ``H``'s eigenbasis, ``(..., d, d)`` (NaN where not unique)."""
    rates = s.rates(temperatures, kappas)
    grid = rates[0].shape[:-1]
    d = s.d
    sec = sector_of(s)
    P = int(np.prod(grid))
    flat = [g.reshape(P, -1) for g in rates]
    rho = np.zeros((P, d, d), dtype=complex)
    idx = np.arange(d)
    if sec.decoupled:
        m = sec.n - d
        for sl in _slices(P, 8 * 4 * d * d + 16 * 4 * m * m):
            p = stationary_distributions(_pauli(s, [g[sl] for g in flat]), "nan")
            bad_p = np.isnan(p[:, 0])
            bad_c = np.zeros_like(bad_p)
            if m:
                C = sec.generator([np.sqrt(g[sl]) for g in flat], d, sec.n)
                bad_c = ~invertible(C)
                p[bad_c] = np.nan
            if on_singular == "raise" and np.any(bad_p | bad_c):
                k = int(np.argmax(bad_p | bad_c))
                _raise_not_unique(sl.start + k, grid,
                                  "population" if bad_p[k] else "coherence")
            rho[sl, idx, idx] = p
            rho[sl][bad_p | bad_c] = np.nan
        return rho.reshape(grid + (d, d))
    n = sec.n
    norm = np.zeros(n, dtype=float if sec.real else complex)
    norm[:d] = 1.0
    for sl in _slices(P, 16 * 4 * n * n):
        G = sec.generator([np.sqrt(g[sl]) for g in flat])
        x, bad = bordered_solve(G, 0, norm, "nan", "")
        if on_singular == "raise" and np.any(bad):
            _raise_not_unique(sl.start + int(np.argmax(bad)), grid, "sector")
        block = np.zeros((x.shape[0], d, d), dtype=complex)
        block[:, idx, idx] = x[:, :d]
        block[:, sec.coh_i, sec.coh_j] = x[:, d:]
        rho[sl] = 0.5 * (block + block.conj().transpose(0, 2, 1))
        rho[sl][bad] = np.nan
    return rho.reshape(grid + (d, d))


def _raise_not_unique(k: int, grid: tuple[int, ...], where: str) -> None:
    at = f" at grid index {tuple(int(i) for i in np.unravel_index(k, grid))}" if grid else ""
    why = {
        "population": "the rate equation's transition graph is disconnected (e.g. a Bohr "
                      "frequency exactly zero at a level crossing, a level no bath reaches, "
                      "or baths at T = 0 with several local minima)",
        "coherence": "coherences between degenerate levels do not decay (a decoherence-free "
                     "degenerate subspace)",
        "sector": "the generator on the operators block-diagonal in H's eigenspaces is "
                  "singular",
    }[where]
    raise ValueError(
        f"the steady state is not unique{at}: {why}. The long-time state depends on the "
        "initial state: evolve from one (qb.evolve(model, times, rho0=...)), or add a bath "
        "that connects the stationary states")


def steady_states(model: Any, temperatures: Any = None, kappas: Any = None,
                  on_singular: str = "raise") -> np.ndarray:
    """Steady states of a thermal model over a grid of bath temperatures and couplings.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        From :func:`qbtoolkit.models.thermal_model` or ``thermal_network`` (or
        :func:`qbtoolkit.thermo.global_structure` / ``local_structure``).
    temperatures : array_like, shape (..., n_baths), optional
        Bath temperatures (>= 0, energy units), one per bath along the last axis; any leading
        grid shape. Default: the model's.
    kappas : array_like, shape (..., n_baths), optional
        Bath couplings (> 0), broadcast against ``temperatures``. Default: the model's.
    on_singular : {"raise", "nan"}
        Where the steady state is not unique: raise ``ValueError`` saying why, or return NaN.

    Returns
    -------
    ndarray, complex, shape (..., d, d)
        Density matrices in the computational basis (the model's), Hermitian, unit trace.

    Raises
    ------
    ValueError
        Not a thermal model; grids of the wrong shape, negative or non-finite; a non-unique
        steady state (``on_singular="raise"``).
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    s = structure_of(model)
    if s.master_equation == "global":
        return s.eigenbasis.from_basis(_global_steady(s, temperatures, kappas, on_singular))
    L = liouvillians(s, temperatures, kappas)
    D = L.shape[-1]
    return liouvillian_steady_states(L, on_singular, max(1, CHUNK_BYTES // (32 * D * D)))


def working_steady_states(s: ThermalStructure, temperatures: Any = None, kappas: Any = None,
                          on_singular: str = "raise") -> np.ndarray:
    """Steady states of a global structure in ``H``'s eigenbasis, ``(..., d, d)``."""
    return _global_steady(s, temperatures, kappas, on_singular)
