"""Exact propagation of any static Lindblad model on the part of Liouville space it can reach.

Before propagating, the route finds what the model conserves, without being told
(:mod:`qbtoolkit.dynamics.conserved`):

1. the **reachable sectors**: block pairs of the finest charge partition of the basis that
   the generator can reach from the support of ``rho0`` (all other matrix elements stay
   exactly zero), split into independent sectors; of a sector and its Hermitian mirror only
   one is propagated;
2. the **cell permutations** that leave ``H``, ``K``, the jump superoperator and ``rho0``
   invariant (verified exactly); ``rho(t)`` is then invariant too, so one number per orbit of
   matrix elements is propagated;
3. **Hermiticity**: in a self-mirrored sector only one of ``rho_ij``, ``rho_ji`` is kept; the
   generator becomes the real-linear map ``w -> A w + B conj(w)``.

The reduced generator is built row by row from the sparse operators
(:func:`qbtoolkit.dynamics.lindblad.generator_rows`), never as a ``d^2 x d^2`` matrix, and
propagated exactly: by the Bessel-Chebyshev series of
:class:`~qbtoolkit.dynamics.backends.chebyshev.ChebyshevPropagator` when the Hamiltonian's
spread exceeds twice the spread of decay rates (transverse fields, XX/XY/XYZ couplings at
weak damping: about ``E_max - E_min`` products per unit time, with a proved a-posteriori
bound), otherwise by :class:`~qbtoolkit.dynamics.backends.taylor.TaylorPropagator` (rigorous
truncation bound from the exact 1-norm of the reduced generator); ``options["propagator"]``
chooses. Energies, expectation values
and ergotropy are computed from the propagated vector window by window (the ergotropy from the
eigenvalues of the state's diagonal blocks: charge sectors, split by a cell-permutation
involution); full states are assembled only when they are stored or a metric needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import qutip
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..._linalg import _executor, num_threads, single_blas_thread
from ..._validate import check_choice, check_positive
from ..conserved import liouville_sectors, model_permutations
from ..lindblad import Ell, as_csr, generator_rows, lindblad_terms
from .base import Backend, Request, claim_native_metrics
from .chebyshev import ChebyshevPropagator, decay_range, semigroup_bound, spectral_ellipse
from .taylor import TaylorPropagator

__all__ = ["BACKEND", "SectorPropagator", "check_expect", "check_static", "generator_bytes",
           "OBSERVABLES"]

#: Quantities the route computes natively from the propagated vector.
OBSERVABLES = ("energy", "ergotropy")
_UNITS = {"energy": "energy (units of H_battery)", "ergotropy": "energy (units of H_battery)"}
#: Propagators of the reduced problem (``auto``: Chebyshev when the Hamiltonian dominates).
PROPAGATORS = ("auto", "taylor", "chebyshev")
#: Bytes of the triplets built per chunk of generator rows.
_CHUNK_BYTES = 2**28


def check_expect(expect: Any, model: Any) -> dict[str, qutip.Qobj]:
    """Validated ``options["expect"]``: a dict name -> static operator on the model's space.

    The expectation values are computed from the propagated vector, no state formed.

    Parameters
    ----------
    expect : dict of str to Qobj, or None
        The option's value.
    model : BatteryModel
        The model (its dims).

    Returns
    -------
    dict of str to Qobj
        A copy (empty for None).

    Raises
    ------
    ValueError
        Not a dict, a key that is not a string, or a value that is not a Qobj operator with the
        model's dims.
    """
    if expect is None:
        return {}
    if not isinstance(expect, Mapping):
        raise ValueError("options['expect'] must be a dict name -> operator (Qobj), got "
                         f"{type(expect).__name__}")
    for name, op in expect.items():
        if not isinstance(name, str):
            raise ValueError(f"options['expect'] keys must be names (str), got {name!r}")
        if not isinstance(op, qutip.Qobj) or not op.isoper or op.dims[0] != model.dims:
            raise ValueError(f"options['expect'][{name!r}] must be an operator with dims "
                             f"{model.dims}")
    return dict(expect)


def check_static(model: Any, method: str) -> None:
    """Refuse what an exact static route cannot run.

    Parameters
    ----------
    model : BatteryModel
        The model.
    method : str
        The route's name, for the message.

    Raises
    ------
    ValueError
        The model is time dependent, or has an extra superoperator term.
    """
    if model.is_time_dependent:
        raise ValueError(f"method={method!r} needs a time-independent model")
    if model.superoperator is not None:
        raise ValueError(f"method={method!r} needs a model given by H and c_ops (no extra "
                         "superoperator): use method='expm' or 'mesolve'")


def _orbit_min(n2: int, moves: list[np.ndarray]) -> np.ndarray:
    """Smallest index of every index's orbit under the index permutations ``moves`` (min
    propagation with pointer jumping)."""
    lab = np.arange(n2, dtype=np.int64)
    if not moves:
        return lab
    moves = list(moves)
    for g in list(moves):
        inv = np.empty_like(g)
        inv[g] = np.arange(n2)
        moves.append(inv)
    while True:
        new = lab
        for g in moves:
            new = np.minimum(new, new[g])
        new = new[new]
        if np.array_equal(new, lab):
            return lab
        lab = new


class SectorPropagator:
    """Exact propagator of a static Lindblad model on its reduced Liouville space.

    Parameters
    ----------
    model : BatteryModel
        Static model (``H``, ``c_ops`` or ``params["dissipator"]``).
    rho0 : ndarray, shape (d, d)
        Initial state; sectors and symmetries are those of this state.
    tol : float, default 1e-12
        Truncation tolerance per window (relative; see the propagators).
    symmetry : bool, default True
        Use the verified cell permutations.
    hermitian : bool, default True
        Keep one triangle of self-mirrored sectors (real-linear generator).
    max_bytes : float, default 12e9
        Refuse (ValueError) when the reduced generator would need more memory than this.
    terms : LindbladTerms, optional
        The model's generator pieces, if already built
        (:func:`qbtoolkit.dynamics.lindblad.lindblad_terms`).
    propagator : {"auto", "taylor", "chebyshev"}, default "auto"
        ``auto``: the Bessel-Chebyshev series when the Hamiltonian dominates
        (:func:`~qbtoolkit.dynamics.backends.chebyshev.spectral_ellipse`), else Taylor;
        ``chebyshev`` is refused (ValueError) where it does not apply.

    Attributes
    ----------
    n : int
        Stored matrix elements before the orbit / triangle reduction.
    m : int
        Propagated numbers.
    info : dict
        What was found (blocks, sectors, permutations, sizes).
    """

    def __init__(self, model: Any, rho0: np.ndarray, tol: float = 1e-12, symmetry: bool = True,
                 hermitian: bool = True, max_bytes: float = 12e9, terms: Any = None,
                 propagator: str = "auto"):
        check_static(model, "sectors")
        check_choice(propagator, "propagator", PROPAGATORS)
        rho0 = np.asarray(rho0, dtype=complex)
        self.model = model
        terms = lindblad_terms(model) if terms is None else terms
        self.d = d = terms.d
        sect = liouville_sectors(terms, rho0)
        perms = model_permutations(terms, rho0, model.dims) if symmetry else []
        kept = sect.kept
        rows, cols, sec = [], [], []
        for k, s in enumerate(kept):
            r, c = sect.elements(s)
            rows.append(r.astype(np.int32))
            cols.append(c.astype(np.int32))
            sec.append(np.full(r.size, k, dtype=np.int32))
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        sec_of = np.concatenate(sec)
        del rows, cols, sec
        self.n = n = self.rows.size
        selfconj = np.array([sect.mirror[s] == s for s in kept])
        pos0 = np.full((d, d), -1, dtype=np.int64)
        pos0[self.rows, self.cols] = np.arange(n)
        moves, used = [], []
        for g in perms:
            gk = pos0[g[self.rows], g[self.cols]]
            if np.all(gk >= 0) and np.array_equal(sec_of[gk], sec_of):
                moves.append(np.concatenate([gk, gk + n]))
                used.append(g)
        sc_el = selfconj[sec_of] if hermitian else np.zeros(n, dtype=bool)
        if np.any(sc_el):
            t = np.where(sc_el, pos0[self.cols, self.rows], np.arange(n))
            moves.append(np.concatenate([np.where(sc_el, t + n, t), np.where(sc_el, t, t + n)]))
        del pos0
        lab = _orbit_min(2 * n, moves)
        a, b = lab[:n], lab[n:]
        rep = np.minimum(a, b)
        self.conj = b < a
        reps, self.ridx = np.unique(rep, return_inverse=True)
        self.m = m = reps.size
        self.size = np.bincount(self.ridx, minlength=m).astype(float)
        # expand(): element k is W[ridx[k]] / size, conjugated where conj[k]
        self._expand_weight = 1.0 / self.size[self.ridx]
        self._expand_flip = np.flatnonzero(self.conj)
        del lab, a, b, rep
        self.mirrored = ~selfconj[sec_of]  # elements whose mirror image is not stored
        code = self._element_codes()
        # sector ranges of the reduced variables (ids are sorted by representative element,
        # and elements are ordered by sector)
        rsec = sec_of[reps]
        bounds = np.searchsorted(rsec, np.arange(len(kept) + 1))
        Gl = Ell(terms.G)
        jl = [(c, Ell(A), Ell(sp.csr_matrix(B.T))) for c, A, B in terms.jumps]
        width = 2 * Gl.width + sum(A.width * Bt.width for _, A, Bt in jl)
        est = m * width * 20.0
        if est > max_bytes:
            raise ValueError(
                f"the reduced generator needs about {est / 2**30:.1f} GiB (> max_bytes = "
                f"{max_bytes / 2**30:.1f} GiB); raise options['max_bytes'] or use "
                "method='mesolve'")
        weight = 1.0 / self.size
        chunk = int(max(1024, _CHUNK_BYTES // (40 * max(1, width))))
        mats, self.sectors = [], []
        for k in range(len(kept)):
            o0, o1 = int(bounds[k]), int(bounds[k + 1])
            As, Bs = [], []
            for c0 in range(o0, o1, chunk):
                ids = np.arange(c0, min(o1, c0 + chunk))
                e = reps[ids]
                Ak, Bk = generator_rows(Gl, jl, self.rows[e], self.cols[e], code, weight,
                                        self.size[ids], m)
                As.append(Ak[:, o0:o1])
                Bs.append(Bk[:, o0:o1])
                if (Ak.nnz != As[-1].nnz) or (Bk.nnz != Bs[-1].nnz):  # pragma: no cover
                    raise RuntimeError("generator couples different sectors")
            A_s = sp.vstack(As, format="csr")
            B_s = sp.vstack(Bs, format="csr")
            del As, Bs
            mats.append((A_s, B_s) if B_s.nnz else A_s)
            self.sectors.append(dict(sector=int(kept[k]), start=o0, size=o1 - o0,
                                     elements=int(np.sum(sec_of == k)),
                                     self_mirrored=bool(selfconj[k])))
        del code
        # the decay range decides the series; read off the blocks before they are handed over
        rates = decay_range(mats) if propagator != "taylor" else None
        self.taylor = TaylorPropagator(mats, tol=tol)
        del mats
        # Hilbert-Schmidt weight of each propagated number: its orbit's elements, and their
        # mirror images where those are not stored
        hs = np.bincount(self.ridx, weights=1.0 + self.mirrored, minlength=m) / self.size**2
        self.propagator: TaylorPropagator | ChebyshevPropagator = self.taylor
        spec = None
        if propagator != "taylor":
            spec = spectral_ellipse(terms.H, *rates)
            if spec is None and propagator == "chebyshev":
                raise ValueError("propagator='chebyshev' needs a Hamiltonian spread larger than "
                                 "the spread of decay rates; use 'taylor' or 'auto'")
        if spec is not None:
            center, scale, spread = spec
            self.propagator = ChebyshevPropagator(
                self.taylor, center, scale, norm=lambda V: np.sqrt(np.abs(V) ** 2 @ hs),
                growth=semigroup_bound(terms, completely_positive="dissipator"
                                       not in model.params),
                tol=tol, spread=spread)
        self._reps = reps
        self._flat: np.ndarray | None = None
        self._groups: list[tuple[np.ndarray, Any]] | None = None
        self._eigen_plan: list[tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix, int]] | None = None
        self._perms = used
        self.info = dict(
            hilbert_blocks=int(sect.blocks.nb), sectors=int(sect.n_sectors),
            propagated_sectors=len(kept), elements=int(n), propagated=int(m),
            cell_permutations=len(used), hermitian_half=bool(hermitian and np.any(selfconj)),
            generator_nnz=int(self.taylor.nnz), generator_norm1=float(self.taylor.norm1),
            propagator="taylor" if spec is None else "chebyshev")
        if spec is not None:
            self.info.update(spectrum_center=spec[0], spectrum_scale=spec[1],
                             decay_spread=spec[2])
        self._sect = sect

    @property
    def matvecs(self) -> int:
        """Generator applications done so far."""
        return self.propagator.matvecs

    # -- state <-> propagated vector -----------------------------------------------------------
    def split(self, rho: np.ndarray) -> np.ndarray:
        """Propagated vector ``w`` (orbit sums) of a density matrix with the model's symmetry.

        Parameters
        ----------
        rho : ndarray, shape (d, d)
            Density matrix.

        Returns
        -------
        ndarray, complex, shape (m,)
            The vector the propagator evolves.

        Raises
        ------
        ValueError
            ``rho`` lacks the symmetry (or Hermiticity) the propagator was built for, or has
            elements outside its sectors.
        """
        rho = np.asarray(rho)
        e = self._reps
        w = rho[self.rows[e], self.cols[e]].astype(complex) * self.size
        v = rho[self.rows, self.cols]
        scale = float(np.abs(v).max(initial=0.0))
        if np.abs(self.expand(w)[0] - v).max(initial=0.0) > 1e-10 * scale:
            raise ValueError("rho lacks the symmetry (or Hermiticity) this propagator was built "
                             "for; build it for that state")
        inside = np.abs(v).sum() + np.abs(v[self.mirrored]).sum()
        if np.abs(rho).sum() - inside > 1e-10 * inside:
            raise ValueError("rho has elements outside the sectors this propagator was built "
                             "for; build it for that state")
        return w

    def _element_codes(self) -> np.ndarray:
        """``(d, d)`` integers: ``2 * var + conj`` where ``rho[i, j]`` is stored (it is
        ``W[var] / size[var]``, conjugated if ``conj``), -1 elsewhere."""
        code = np.full((self.d, self.d), -1, dtype=np.int64)
        code[self.rows, self.cols] = 2 * self.ridx + self.conj
        return code

    def expand(self, W: np.ndarray) -> np.ndarray:
        """Stored matrix elements from propagated vectors.

        Parameters
        ----------
        W : ndarray, shape (p, m)
            Propagated vectors (orbit sums).

        Returns
        -------
        ndarray, complex, shape (p, n)
            The elements ``rho[rows[k], cols[k]]``.
        """
        W = np.atleast_2d(W)
        V = W[:, self.ridx]
        V *= self._expand_weight
        flip = self._expand_flip
        V[:, flip] = V[:, flip].conj()
        return V

    def assemble(self, W: np.ndarray) -> np.ndarray:
        """Density matrices from propagated vectors.

        Parameters
        ----------
        W : ndarray, shape (p, m)
            Propagated vectors (orbit sums).

        Returns
        -------
        ndarray, complex, shape (p, d, d)
            The density matrices (zero outside the reachable sectors).
        """
        V = self.expand(W)
        p, d = V.shape[0], self.d
        out = np.zeros((p, d, d), dtype=complex)
        flat = out.reshape(p, d * d)
        if self._flat is None:
            r, c = self.rows.astype(np.int64), self.cols.astype(np.int64)
            mir = self.mirrored
            self._flat = (r * d + c, c[mir] * d + r[mir], mir)
        direct, mirrored, mir = self._flat
        flat[:, mirrored] = V[:, mir].conj()
        flat[:, direct] = V
        return out

    def expectation_weights(self, O: Any) -> tuple[np.ndarray, np.ndarray]:
        """Weights ``(wl, wc)`` with ``Tr(rho O) = W @ wl + conj(W) @ wc`` for propagated ``W``.

        Parameters
        ----------
        O : Qobj, sparse matrix or ndarray, shape (d, d)
            A static operator.

        Returns
        -------
        wl, wc : ndarray, complex, shape (m,)
            Linear and conjugate-linear weights.
        """
        Oc = sp.coo_matrix(as_csr(O))
        m = self.m
        code = self._element_codes()
        # O_lk multiplies rho_kl: stored directly, or as the conjugate of a stored rho_lk
        k, l_, val = Oc.col, Oc.row, Oc.data
        c1 = code[k, l_]
        c2 = np.where(c1 < 0, code[l_, k], -1)
        wl, wc = np.zeros(m, dtype=complex), np.zeros(m, dtype=complex)
        for cc, flip in ((c1, False), (c2, True)):
            ok = cc >= 0
            var, cj = cc[ok] >> 1, (cc[ok] & 1).astype(bool) ^ flip
            # rho_kl = w / s or conj(w) / s: O_lk w / s goes to wl, O_lk conj(w) / s to wc
            v = val[ok] / self.size[var]
            np.add.at(wl, var[~cj], v[~cj])
            np.add.at(wc, var[cj], v[cj])
        return wl, wc

    def state_groups(self) -> list[tuple[np.ndarray, Any]]:
        """Diagonal blocks of every propagated state: ``[(basis indices, split)]``.

        See :func:`state_groups`.

        Returns
        -------
        list of (ndarray of int, object)
            The basis indices of each block and how its eigenproblem splits (cached).
        """
        if self._groups is None:
            self._groups = state_groups(self._sect, self._perms)
        return self._groups

    def vector_eigenvalues(self, W: np.ndarray) -> np.ndarray:
        """All eigenvalues of the states of propagated vectors, without forming the states.

        Every diagonal block of a state, split by its involution, is linear in ``W`` and
        ``conj(W)``; its lower triangle (all that ``eigvalsh`` reads) is one sparse product
        each, with weights built once (:meth:`_eigenvalue_plan`). Equal to the eigenvalues of
        ``assemble(W)`` up to order, without the zeros of the unreachable part.

        Parameters
        ----------
        W : ndarray, shape (p, m)
            Propagated vectors (orbit sums).

        Returns
        -------
        ndarray, shape (p, d')
            Eigenvalues, ``d'`` the dimension of the reachable part.
        """
        W = np.atleast_2d(W)
        q = W.shape[0]
        WT = np.ascontiguousarray(W.T)
        stacks = []
        for flat, A, B, mb in self._eigenvalue_plan():
            Y = np.zeros((q, mb * mb), dtype=complex)
            # B is real: B @ conj(W) = conj(B @ W), no conjugated copy of the window
            Y[:, flat] = (A @ WT + (B @ WT).conj()).T
            stacks.append(Y.reshape(q, mb, mb))
        return block_eigenvalues(stacks, [None] * len(stacks))

    def _eigenvalue_plan(self) -> list[tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix, int]]:
        """Per eigenvalue block: flat positions of its lower triangle and the real weights
        ``(A, B)`` with ``lower = A @ W + B @ conj(W)`` (cached)."""
        if self._eigen_plan is not None:
            return self._eigen_plan
        m = self.m
        code = self._element_codes()
        weight = 1.0 / self.size
        bases = []  # each basis vector: c1 |a1> + c2 |a2>
        for idx, split in self.state_groups():
            if split is None:
                bases.append((idx, idx, np.ones(idx.size), np.zeros(idx.size)))
                continue
            for p, q, alpha, sign in split:
                P, Q = idx[p], idx[q]
                fixed = P == Q  # alpha (|P> + |P>) = |P> (fixed points are in the +1 block)
                bases.append((P, Q, np.where(fixed, 2 * alpha, alpha),
                              np.where(fixed, 0.0, sign * alpha)))
        plan = []
        for a1, a2, c1, c2 in bases:
            mb = a1.size
            i, j = np.tril_indices(mb)
            entry = np.arange(i.size)
            parts: dict[bool, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {
                False: [], True: []}
            for ra, ca in ((a1, c1), (a2, c2)):
                for rb, cb in ((a1, c1), (a2, c2)):
                    coef = ca[i] * cb[j]
                    a, b = ra[i], rb[j]
                    c = code[a, b]
                    # rho[a, b] stored directly, or as the conjugate of a stored rho[b, a]
                    c = np.where(c >= 0, c, np.where(code[b, a] >= 0, code[b, a] ^ 1, -1))
                    ok = (c >= 0) & (coef != 0)
                    var, cj = c[ok] >> 1, (c[ok] & 1).astype(bool)
                    val = coef[ok] * weight[var]
                    for flag in (False, True):
                        sel = cj == flag
                        parts[flag].append((entry[ok][sel], var[sel], val[sel]))
            mats = []
            for flag in (False, True):
                e = np.concatenate([x[0] for x in parts[flag]])
                v = np.concatenate([x[1] for x in parts[flag]])
                w = np.concatenate([x[2] for x in parts[flag]])
                mats.append(sp.csr_matrix((w, (e, v)), shape=(i.size, m)))
            plan.append((i * mb + j, mats[0], mats[1], mb))
        self._eigen_plan = plan
        return plan

    def propagate(self, tlist: np.ndarray, callback: Callable[[np.ndarray, np.ndarray], None],
                  rho0: np.ndarray, max_bytes: float = 1e9) -> None:
        """Propagate ``rho0`` over ``tlist``, handing the vectors to ``callback`` window by window.

        Parameters
        ----------
        tlist : ndarray, shape (T,)
            Increasing output times ``>= 0``.
        callback : callable
            ``callback(times, W)`` with ``W`` of shape ``(len(times), m)``.
        rho0 : ndarray, shape (d, d)
            Initial density matrix (the state at ``t = 0``).
        max_bytes : float, default 1e9
            At most this many bytes of output vectors are held at a time.

        Raises
        ------
        ValueError
            ``rho0`` does not fit the propagator (see :meth:`split`).
        """
        tlist = np.asarray(tlist, dtype=float)
        rows = int(max(1, max_bytes // (16 * max(1, self.m))))
        for sl, V in self.propagator.run(self.split(rho0), tlist, max_rows=rows):
            callback(tlist[sl], V)


def generator_bytes(model: Any, rho0: np.ndarray) -> float:
    """Upper estimate of the memory of the route's reduced generator, before the orbit reduction.

    Stored elements x nonzeros per row x 20 bytes, halved for self-mirrored sectors.

    Parameters
    ----------
    model : BatteryModel
        A static model.
    rho0 : ndarray, shape (d, d)
        Initial density matrix (its support decides the reachable sectors).

    Returns
    -------
    float
        Bytes.
    """
    terms = lindblad_terms(model)
    sect = liouville_sectors(terms, rho0)
    width = 2 * Ell(terms.G).width + sum(Ell(A).width * Ell(sp.csr_matrix(B.T)).width
                                         for _, A, B in terms.jumps)
    n = sum(sect.size(s) / (2.0 if sect.mirror[s] == s else 1.0) for s in sect.kept)
    return 20.0 * n * width


def state_groups(sect: Any, perms: list[np.ndarray]) -> list[tuple[np.ndarray, Any]]:
    """The diagonal blocks of every state the sectors can reach: ``[(indices, split)]``.

    Hilbert blocks joined by a reachable pair form one group (a state has no element between
    groups). ``split`` is None, or, when a verified cell-permutation involution ``R`` maps the
    group onto itself (``rho`` then commutes with ``R``), the bases of its ``+1`` and ``-1``
    eigenspaces as ``(p, q, alpha, sign)``: vectors ``alpha (|p> + sign |q>)`` in the group's
    local indices.
    """
    hb, pr = sect.blocks, sect.pairs
    g = sp.coo_matrix((np.ones(len(pr)), (pr[:, 0], pr[:, 1])), shape=(hb.nb, hb.nb))
    ng, comp = connected_components(g, directed=False)
    member = comp[hb.label]
    used = np.zeros(ng, dtype=bool)
    used[comp[np.unique(pr)]] = True
    d = hb.label.size
    inv = next((gm for gm in perms if np.array_equal(gm[gm], np.arange(d))), None)
    groups = []
    for k in np.nonzero(used)[0]:
        idx = np.nonzero(member == k)[0]
        split = None
        if inv is not None and np.array_equal(np.sort(inv[idx]), idx):
            pos = np.full(d, -1, dtype=np.int64)
            pos[idx] = np.arange(idx.size)
            loc = pos[inv[idx]]
            lo = np.arange(idx.size)
            keep = lo <= loc
            p, q = lo[keep], loc[keep]
            fixed = p == q
            split = []
            for sign in (1.0, -1.0):
                sel = ~fixed if sign < 0 else np.ones(p.size, dtype=bool)
                alpha = np.where(fixed[sel], 0.5, np.sqrt(0.5))
                split.append((p[sel], q[sel], alpha, sign))
        groups.append((idx, split))
    return groups


def block_eigenvalues(blocks: list[np.ndarray], splits: list[Any]) -> np.ndarray:
    """Eigenvalues ``(p, sum of sizes)`` of block-diagonal states given by their blocks
    ``(p, m, m)`` (each split by its involution, see :func:`state_groups`). The
    eigenproblems run on a thread pool with single-threaded LAPACK each (many medium
    matrices: no oversubscription)."""
    stacks = []
    for X, split in zip(blocks, splits, strict=True):
        if split is None:
            stacks.append(X)
            continue
        # with |v_pm> = alpha (|p> +- |q>): Y_pm = alpha alpha^T (X_pp + X_qq +- (X_pq + X_qp)),
        # and X_qp = X_pq^dag (Hermitian X): three gathers serve both signs; the -1 block uses
        # the pairs with p != q, a subset of the +1 block's
        (p, q, alpha, _), (p_minus, *_) = split
        even = X[:, p[:, None], p] + X[:, q[:, None], q]
        odd = X[:, p[:, None], q]
        odd += odd.conj().swapaxes(-1, -2)
        scale = alpha[:, None] * alpha[None, :]
        stacks.append((even + odd) * scale)
        if p_minus.size:
            sub = np.searchsorted(p, p_minus)  # p is increasing, p_minus a subset of it
            stacks.append(0.5 * (even - odd)[:, sub[:, None], sub])
    k = num_threads()
    pieces = [(i, a) for i, Y in enumerate(stacks)
              for a in np.array_split(np.arange(len(Y)), min(k, len(Y)))]
    with single_blas_thread():
        if k > 1 and len(pieces) > 1:
            vals = list(_executor(k).map(lambda ia: np.linalg.eigvalsh(stacks[ia[0]][ia[1]]),
                                         pieces))
        else:
            vals = [np.linalg.eigvalsh(stacks[i][a]) for i, a in pieces]
    out = [np.concatenate([v for (i, _), v in zip(pieces, vals, strict=True) if i == j])
           for j in range(len(stacks))]
    return np.concatenate(out, axis=-1)


def passive_energy(lam: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """``sum_k r_k eps_k`` with the state's eigenvalues ``lam (p, d')`` (padded with the zero
    eigenvalues of the unreachable part to ``len(eps)``) decreasing and ``eps`` increasing."""
    p = lam.shape[0]
    lam = np.concatenate([lam, np.zeros((p, eps.size - lam.shape[-1]))], axis=-1)
    return np.sort(lam, axis=-1)[:, ::-1] @ eps


def battery_spectrum(model: Any) -> np.ndarray:
    """Increasing spectrum of ``H_battery`` (its diagonal when it is diagonal)."""
    Hb = model.H_battery.full()
    if np.count_nonzero(Hb - np.diag(np.diag(Hb))) == 0:
        return np.sort(np.diag(Hb).real)
    return np.linalg.eigvalsh(Hb)


def run(req: Request) -> dict[str, Any]:
    model, sink, opts = req.model, req.sink, req.options
    obs = tuple(opts["observables"])
    for o in obs:
        check_choice(o, "observables", OBSERVABLES)
    expect = check_expect(opts["expect"], model)
    if obs and not (model.is_whole_system and model.representation is None):
        raise ValueError("options['observables'] need the battery to be the whole system "
                         "(stored in the full basis); use metrics=")
    check_positive(opts["max_bytes"], "max_bytes")
    rho0 = req.rho0.full()
    prop = SectorPropagator(model, rho0, tol=opts["tol"], symmetry=opts["symmetry"],
                            hermitian=opts["hermitian"], max_bytes=opts["generator_bytes"],
                            propagator=opts["propagator"])
    for o in obs:
        sink.claim(o, _UNITS[o])
    for name in expect:
        sink.claim(name, "expectation value (units of the operator)")
    native = claim_native_metrics(sink, model)
    lin = {name: prop.expectation_weights(op) for name, op in expect.items()}
    wants = set(obs) | set(native.values())
    if wants:
        lin["__energy"] = prop.expectation_weights(model.H_battery)
    eps = battery_spectrum(model) if "ergotropy" in wants else None
    need_full = sink.needs_states or "ergotropy" in wants
    sub = int(max(1, min(opts["max_bytes"], 2.5e8) // (16 * prop.d * prop.d)))
    last: list[np.ndarray] = []

    def callback(ts: np.ndarray, W: np.ndarray) -> None:
        last[:] = [W[-1:]]
        # conj(W) @ wc as conj(W @ conj(wc)): no conjugated copy of the window
        lv = {k: W @ wl + (W @ wc.conj()).conj() for k, (wl, wc) in lin.items()}
        vals: dict[str, np.ndarray] = {k: lv[k].real if expect[k].isherm else lv[k]
                                       for k in expect}
        U = lv["__energy"].real if wants else None
        if "energy" in obs:
            vals["energy"] = U
        for name, kind in native.items():
            if kind == "energy":
                vals[name] = U
        if not need_full:
            sink.add(None, vals, count=len(ts))
            return
        for s in range(0, len(ts), sub):
            q = min(sub, len(ts) - s)
            # the spectrum comes straight from the vectors; states are formed only if kept
            batch = prop.assemble(W[s:s + q]) if sink.needs_states else None
            part = {k: v[s:s + q] for k, v in vals.items()}
            if eps is not None:
                erg = U[s:s + q] - passive_energy(prop.vector_eigenvalues(W[s:s + q]), eps)
                if "ergotropy" in obs:
                    part["ergotropy"] = erg
                for name, kind in native.items():
                    if kind == "ergotropy":
                        part[name] = erg
            sink.add(batch, part, count=q)

    prop.propagate(req.times, callback, rho0, max_bytes=opts["max_bytes"])
    if sink.final_state is None:
        sink.final_state = prop.assemble(last[0])[0]
    return {"route": "sectors (reachable sectors, cell permutations, Hermitian half; "
                     f"{prop.info['propagator'].capitalize()})",
            **prop.info, "matvecs": prop.matvecs}


BACKEND = Backend(
    name="sectors",
    run=run,
    options={"tol": 1e-12, "symmetry": True, "hermitian": True, "propagator": "auto",
             "max_bytes": 1e9,
             "generator_bytes": 12e9, "observables": (), "expect": None},
    summary="exact propagation (Bessel-Chebyshev or Taylor, rigorous bounds) of any static "
            "model on its reachable Liouville sectors, "
            "one number per orbit of its verified cell permutations and one triangle of "
            "Hermitian sectors",
)
