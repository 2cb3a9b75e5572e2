"""Dissipators written as sums over pairs of Bohr transitions, batched over states and rates.

With :math:`L_g = \\sum_{t\\in g} s_t a_t |dst_t\\rangle\\langle src_t|` (``s_t`` the square root
of the transition's rate, ``a_t`` its amplitude), the dissipator of one bath and its adjoint are

.. math::

    \\mathcal D\\rho = \\sum_{g}\\sum_{t,t'\\in g} s_t s_{t'} a_t \\bar a_{t'}
        \\rho_{src_t, src_{t'}} |dst_t\\rangle\\langle dst_{t'}| - \\tfrac12\\{K, \\rho\\},
    \\qquad
    \\mathcal D^\\dagger X = \\sum_{g}\\sum_{t,t'\\in g} s_t s_{t'} \\bar a_t a_{t'}
        X_{dst_t, dst_{t'}} |src_t\\rangle\\langle src_{t'}| - \\tfrac12\\{K, X\\},

with :math:`K = \\sum_g L_g^\\dagger L_g`, whose entries are the pairs with
:math:`dst_t = dst_{t'}`. Every routine here (applying a dissipator to a batch of states, the
heat operator :math:`\\mathcal D^\\dagger H`, the superoperator matrix on a grid of rates) is a
gather/scatter over these pairs, so nothing scales with the number of jump operators times
:math:`d^2`.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from .bohr import Transitions

__all__ = ["Pairs", "pairs_of", "apply_dissipator", "apply_adjoint", "superoperator",
           "K_matrix"]


class Pairs:
    """Index data of the same-group transition pairs of one bath (cached per Transitions).

    Parameters
    ----------
    tr : Transitions
        The bath's transitions.
    d : int
        Hilbert-space dimension.
    """

    def __init__(self, tr: Transitions, d: int):
        self.d = d
        p1, p2 = tr.p1, tr.p2
        self.p1, self.p2 = p1, p2
        self.dst1, self.dst2 = tr.dst[p1], tr.dst[p2]
        self.src1, self.src2 = tr.src[p1], tr.src[p2]
        self.coef = tr.amp[p1] * tr.amp[p2].conj()
        k = self.dst1 == self.dst2
        self.k1, self.k2 = p1[k], p2[k]
        self.ksrc1, self.ksrc2 = self.src1[k], self.src2[k]
        self.kcoef = self.coef[k].conj()

    def weights(self, s: np.ndarray) -> np.ndarray:
        """``s_t s_t'`` on every pair.

        Parameters
        ----------
        s : ndarray, shape (..., n_transitions)
            Square roots of the transitions' rates.

        Returns
        -------
        ndarray, shape (..., n_pairs)
            Products of the square-root rates of each pair.
        """
        return s[..., self.p1] * s[..., self.p2]

    def kweights(self, s: np.ndarray) -> np.ndarray:
        """``s_t s_t'`` on the pairs with equal final states (the terms of ``K``).

        Parameters
        ----------
        s : ndarray, shape (..., n_transitions)
            Square roots of the transitions' rates.

        Returns
        -------
        ndarray, shape (..., n_kpairs)
            Products of the square-root rates of each such pair.
        """
        return s[..., self.k1] * s[..., self.k2]

    @functools.cached_property
    def scatter_dst(self) -> sp.csr_matrix:
        """Pair -> flat index ``dst1 * d + dst2`` (row-major)."""
        return _scatter(self.dst1 * self.d + self.dst2, self.d * self.d)

    @functools.cached_property
    def scatter_src(self) -> sp.csr_matrix:
        """Pair -> flat index ``src1 * d + src2`` (row-major)."""
        return _scatter(self.src1 * self.d + self.src2, self.d * self.d)

    @functools.cached_property
    def scatter_k(self) -> sp.csr_matrix:
        """Pair of ``K`` -> flat index ``src1 * d + src2`` (row-major)."""
        return _scatter(self.ksrc1 * self.d + self.ksrc2, self.d * self.d)


def _scatter(idx: np.ndarray, size: int) -> sp.csr_matrix:
    n = idx.size
    return sp.csr_matrix((np.ones(n), (np.arange(n), idx)), shape=(n, size))


def pairs_of(tr: Transitions, d: int) -> Pairs:
    """The :class:`Pairs` of ``tr`` (built once per Transitions object).

    Parameters
    ----------
    tr : Transitions
        The bath's transitions (in its working basis).
    d : int
        Hilbert-space dimension.

    Returns
    -------
    Pairs
        Cached.
    """
    cached = tr.__dict__.get("_pairs")
    if cached is None or cached.d != d:
        cached = Pairs(tr, d)
        object.__setattr__(tr, "_pairs", cached)
    return cached


def _scatter_add(vals: np.ndarray, S: sp.csr_matrix, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``vals (..., n)`` into flat positions given by ``S`` (n, size); ``(..., size)``."""
    lead = vals.shape[:-1]
    flat = vals.reshape(-1, vals.shape[-1])
    out = np.asarray(flat @ S) if flat.size else np.zeros((flat.shape[0], S.shape[1]),
                                                           dtype=vals.dtype)
    return out.reshape(lead + shape)


def K_matrix(P: Pairs, s: np.ndarray) -> np.ndarray:
    r""":math:`K = \sum_g L_g^\dagger L_g` of one bath.

    Parameters
    ----------
    P : Pairs
        The bath's transition pairs.
    s : ndarray, shape (..., n_transitions)
        Square roots of the transitions' rates.

    Returns
    -------
    ndarray, shape (..., d, d)
        ``K`` in the working basis (rates).
    """
    return _scatter_add(P.kcoef * P.kweights(s), P.scatter_k, (P.d, P.d))


def _jumps_minus_anticommutator(P: Pairs, s: np.ndarray, A: np.ndarray, coef: np.ndarray,
                                 gather: tuple[np.ndarray, np.ndarray], scatter: sp.csr_matrix
                                 ) -> np.ndarray:
    r""":math:`\mathcal D A` or :math:`\mathcal D^\dagger A`: the pair sum minus half {K, A}.

    :math:`\mathcal D` gathers ``A`` at the sources and scatters to the destinations with the
    amplitudes ``a_t conj(a_t')``; :math:`\mathcal D^\dagger` runs the transitions backwards
    with the conjugate amplitudes. ``K`` is the same for both.

    Parameters
    ----------
    P : Pairs
        The bath's transition pairs.
    s : ndarray, shape (..., n_transitions)
        Square roots of the rates.
    A : ndarray, shape (..., d, d)
        Operators in the working basis; batch axes broadcast with ``s``.
    coef : ndarray, complex, shape (n_pairs,)
        Amplitude product of every pair.
    gather : tuple of two ndarray, shape (n_pairs,)
        Row and column of ``A`` read by every pair.
    scatter : scipy.sparse.csr_matrix, shape (n_pairs, d**2)
        Flat position of the output each pair adds to.

    Returns
    -------
    ndarray, shape broadcast(...) + (d, d)
        The generator applied to ``A`` (rates times the units of ``A``).
    """
    d = A.shape[-1]
    batch = np.broadcast_shapes(s.shape[:-1], A.shape[:-2])
    s = np.broadcast_to(s, batch + s.shape[-1:])
    A = np.broadcast_to(A, batch + A.shape[-2:])
    vals = coef * P.weights(s) * A[..., gather[0], gather[1]]
    out = _scatter_add(vals, scatter, (d, d))
    K = K_matrix(P, s)
    return out - 0.5 * (K @ A + A @ K)


def apply_dissipator(tr: Transitions, s: np.ndarray, rho: np.ndarray) -> np.ndarray:
    r""":math:`\mathcal D\rho` of one bath, in its working basis.

    Parameters
    ----------
    tr : Transitions
        The bath's transitions.
    s : ndarray, shape (..., n_transitions)
        Square roots of the rates.
    rho : ndarray, shape (..., d, d)
        States (or any operators) in the working basis; batch axes broadcast with ``s``.

    Returns
    -------
    ndarray, shape broadcast(...) + (d, d)
        :math:`\mathcal D\rho` in the working basis (rates times the units of ``rho``).
    """
    P = pairs_of(tr, rho.shape[-1])
    return _jumps_minus_anticommutator(P, s, rho, P.coef, (P.src1, P.src2), P.scatter_dst)


def apply_adjoint(tr: Transitions, s: np.ndarray, X: np.ndarray) -> np.ndarray:
    r""":math:`\mathcal D^\dagger X` (Heisenberg picture) of one bath, in its working basis.

    ``Tr[X D(rho)] = Tr[D^dag(X) rho]``; with ``X = H`` this is the heat-current operator of the
    bath.

    Parameters
    ----------
    tr : Transitions
        The bath's transitions (in its working basis).
    s : ndarray, shape (..., n_transitions)
        Square roots of the transitions' rates.
    X : ndarray, shape (..., d, d)
        Operators in the working basis; batch axes broadcast with ``s``.

    Returns
    -------
    ndarray, shape broadcast(...) + (d, d)
        :math:`\mathcal D^\dagger X` (rates times the units of ``X``).
    """
    P = pairs_of(tr, X.shape[-1])
    return _jumps_minus_anticommutator(P, s, X, P.coef.conj(), (P.dst1, P.dst2), P.scatter_src)


def superoperator(tr: Transitions, s: np.ndarray, d: int) -> np.ndarray:
    r"""Matrix of :math:`\mathcal D` acting on column-stacked operators, in the working basis.

    QuTiP's convention, ``vec(X) = X.ravel(order="F")``. Meant for small ``d`` (the result is
    dense).

    Parameters
    ----------
    tr : Transitions
        The bath's transitions (in its working basis).
    s : ndarray, shape (..., n_transitions)
        Square roots of the transitions' rates.
    d : int
        Hilbert-space dimension.

    Returns
    -------
    ndarray, complex, shape (..., d**2, d**2)
        The dissipator superoperator (rates).
    """
    P = pairs_of(tr, d)
    D = d * d
    # sandwich: Y[a, b] += c X[c', e'] -> row a + b d, col c' + e' d
    rows = [P.dst1 + P.dst2 * d]
    cols = [P.src1 + P.src2 * d]
    vals = [P.coef * P.weights(s)]
    # anticommutator: -1/2 (K X + X K), K[l1, l2] from the K pairs
    kv = -0.5 * P.kcoef * P.kweights(s)
    j = np.arange(d)
    l1, l2 = P.ksrc1[:, None], P.ksrc2[:, None]
    rows += [(l1 + j * d).ravel(), (j + l2 * d).ravel()]
    cols += [(l2 + j * d).ravel(), (j + l1 * d).ravel()]
    rep = np.repeat(kv, d, axis=-1)
    vals += [rep, rep]
    idx = np.concatenate(rows) * D + np.concatenate(cols)
    v = np.concatenate(vals, axis=-1)
    return _scatter_add(v, _scatter(idx, D * D), (D, D))
